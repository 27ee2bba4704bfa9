"""The 3D views and the results page in a real browser: Debian's Chromium, headless, driven by
Playwright (its Python package, with executable_path: no browser download). `.ci/run` installs
Chromium; without it these tests skip, saying so."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.presentation.html_report import index_html, view_file_name
from structkit.analysis.presentation.views import view_html
from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    if os.environ.get("STRUCTKIT_REQUIRE_BROWSER"):  # CI installs it: a skip there would hide a failure
        pytest.fail(f"Chromium missing at {CHROMIUM} (STRUCTKIT_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright.sync_playwright() as p:
        profile = tmp_path_factory.mktemp("profile")
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS,
                                                       headless=True, viewport={"width": 1200, "height": 800})
        yield context
        context.close()


def _watched(context):
    """A new page that records every request which is not a local file, and blocks it."""
    page = context.new_page()
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, outside, errors


def _drawn_pixels(page, selector: str) -> float:
    """Share of the element's pixels that are not the white background (from a screenshot)."""
    from io import BytesIO

    from matplotlib.image import imread

    image = imread(BytesIO(page.locator(selector).screenshot()), format="png")[..., :3]
    return float((np.abs(image - 1.0).sum(axis=2) > 0.05).mean())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A results page and two drug views (crizotinib and lorlatinib, three mutants each)."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "views").mkdir()
    (folder / "figures").mkdir()
    for figure in (REPO / "results" / "figures").glob("*.png"):
        shutil.copy(figure, folder / "figures" / figure.name)
    mutations = ["G1202R", "L1196M", "L1198F"]
    for drug, pdb_id in (("crizotinib", "2XP2"), ("lorlatinib", "4CLI")):
        complex_ = structkit.load(pdb_id, mirrors=[SHARED])
        models = [structkit.mutate(complex_, m) for m in mutations]
        page = view_html(complex_, models, ddg={"G1202R": {"ddG estimate (kcal/mol)": 1.23}},
                         default="G1202R")
        (folder / "views" / view_file_name(drug)).write_text(page)
    predictions = pd.read_csv(REPO / "results" / "predictions.csv")
    predictions = predictions[predictions["drug"].isin(["crizotinib", "lorlatinib"])
                              & predictions["mutation"].isin(mutations)]
    abl = pd.read_csv(REPO / "results" / "abl_benchmark.csv")
    report = (REPO / "results" / "REPORT.md").read_text()
    (folder / "index.html").write_text(index_html(report, predictions, abl))
    return folder


@pytest.mark.slow
def test_view_draws_offline_and_switches_mutants(browser, site, tmp_path):
    page, outside, errors = _watched(browser)
    page.goto((site / "views" / "lorlatinib.html").as_uri() + "#L1196M")
    page.wait_for_function("document.body.dataset.rendered === 'L1196M'", timeout=60000)
    page.wait_for_timeout(500)
    assert _drawn_pixels(page, "#viewer") > 0.2  # the cartoon, sticks and lines fill the canvas
    assert "L1196M" in page.locator("#numbers").inner_text()
    page.select_option("#mutation", "G1202R")
    page.wait_for_function("document.body.dataset.rendered === 'G1202R'")
    assert page.url.endswith("#G1202R")
    assert "1.23" in page.locator("#numbers").inner_text()  # the ddG handed to the view
    page.uncheck("#wild")
    page.select_option("#mutation", "")
    page.wait_for_function("document.body.dataset.rendered === 'wild type'")
    page.screenshot(path=str(tmp_path / "view.png"))
    # a row without a model (a class statement such as F1174) opens the wild type, not another mutant
    other, _, _ = _watched(browser)
    other.goto((site / "views" / "lorlatinib.html").as_uri() + "#F1174")
    other.wait_for_function("document.body.dataset.rendered === 'wild type'", timeout=60000)
    assert outside == [] and errors == []


@pytest.mark.slow
def test_index_sorts_filters_and_opens_views(browser, site, tmp_path):
    page, outside, errors = _watched(browser)
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").first.inner_text().startswith("structkit results")
    rows = page.locator("#table-predictions tbody tr")
    assert rows.count() == 6
    names = page.eval_on_selector_all("#table-predictions th", "hs => hs.map(h => h.textContent)")
    column = names.index("ddg") + 1
    cells = f"#table-predictions tbody tr td:nth-child({column})"
    header = page.locator("#table-predictions th").nth(column - 1)
    for click, descending in ((1, False), (2, True)):
        header.click()
        values = page.eval_on_selector_all(cells, "cells => cells.map(c => c.dataset.value)")
        numbers = [float(v) for v in values if v is not None]
        assert len(numbers) == 6 and numbers == sorted(numbers, reverse=descending), click
    page.fill("input.filter[data-table='table-predictions']", "lorlatinib G1202R")
    visible = [r for r in range(rows.count()) if rows.nth(r).is_visible()]
    assert len(visible) == 1
    page.screenshot(path=str(tmp_path / "index.png"), full_page=False)
    rows.nth(visible[0]).locator("td").nth(3).click()
    page.wait_for_function("document.body.dataset.rendered === 'G1202R'", timeout=60000)
    assert page.url.endswith("views/lorlatinib.html#G1202R")
    assert _drawn_pixels(page, "#viewer") > 0.2
    assert outside == [] and errors == []


def test_index_figures_load_from_the_folder(browser, site):
    page, outside, _ = _watched(browser)
    page.goto((site / "index.html").as_uri())
    widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
    assert widths and all(w > 100 for w in widths)
    assert outside == []
