"""3D views: the page's data against the models it shows, determinism, offline-ness, the CLI, show()."""

from __future__ import annotations

import json
import re

import pytest

import structkit
from structkit.analysis.presentation.views import View, view_data, view_html
from structkit.cli import main
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


@pytest.fixture(autouse=True)
def _library(monkeypatch, viewer_js):
    monkeypatch.setenv("STRUCTKIT_3DMOL", str(viewer_js))


@pytest.fixture(scope="module")
def crizotinib():
    return structkit.load("2XP2", mirrors=[SHARED])


def _payload(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="structkit-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1).replace("<\\/", "</"))


def test_view_data_matches_the_models(crizotinib):
    models = [structkit.mutate(crizotinib, m) for m in ("G1202R", "L1196M")]
    data = view_data(crizotinib, models)
    assert set(data["mutants"]) == {"G1202R", "L1196M"} and data["default"] == "G1202R"
    g1202r = data["mutants"]["G1202R"]
    frame = models[0].to_frame().iloc[0]
    numbers = dict(g1202r["numbers"])
    assert numbers["inhibitor clash, max overlap (Å)"] == f"{frame.inhibitor_max_overlap_A:.2f}"
    assert len(g1202r["clashes"]) == len([c for c in models[0].sites[0].clashes
                                          if not c[1].startswith("another")])
    # the mutant residue's atoms, as in the model
    atoms = [line for line in g1202r["pdb"].splitlines() if line.startswith("ATOM")]
    assert {line[17:20] for line in atoms} == {"ARG"} and {int(line[22:26]) for line in atoms} == {1202}
    # the wild type's hinge hydrogen bonds are drawn; the G1269 halogen bond too
    kinds = {(line["resnum"], line["type"]) for line in data["interactions"]}
    assert {(1197, "hbond_acceptor"), (1199, "hbond_donor"), (1269, "halogen_bond")} <= kinds
    assert {s["label"]: s["region"] for s in data["sites"]}["G1202"] == "solvent front"


def test_page_is_self_contained_and_deterministic(crizotinib):
    models = [structkit.mutate(crizotinib, "G1202R")]
    page = view_html(crizotinib, models)
    assert page == view_html(crizotinib, [structkit.mutate(crizotinib, "G1202R")])
    assert "$3Dmol" in page and "default-src 'none'" in page  # library embedded, network refused
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page):
        assert "src=" not in tag and "href=" not in tag, tag  # nothing loaded from outside
    assert _payload(page)["mutants"]["G1202R"]["sites"] == [1202]


def test_ddg_numbers_reach_the_panel(crizotinib):
    model = structkit.mutate(crizotinib, "G1202R")
    data = view_data(crizotinib, [model], ddg={"G1202R": {"ddG estimate (kcal/mol)": 2.5}})
    assert ["ddG estimate (kcal/mol)", "2.50"] in data["mutants"]["G1202R"]["numbers"]


def test_show_renders_inline(crizotinib):
    view = structkit.show(crizotinib, ["G1202R"])
    assert isinstance(view, View)
    html = view._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "&quot;G1202R&quot;" in html
    model = structkit.mutate(crizotinib, "L1196M")
    assert "L1196M" in structkit.show(model).page


def test_cli_view(tmp_path, capsys):
    out = tmp_path / "view.html"
    assert main(["view", "--mirror", str(SHARED), "4CLI", "--mutation", "G1202R,L1198F", "-o", str(out)]) == 0
    assert set(_payload(out.read_text())["mutants"]) == {"G1202R", "L1198F"}
    assert "2 mutant models" in capsys.readouterr().out


def test_cli_view_errors_are_one_line(tmp_path, capsys):
    assert main(["view", "--mirror", str(SHARED), "4CLI", "--ddg", "-o", str(tmp_path / "v.html")]) == 1
    assert main(["view", "--mirror", str(SHARED), "4CLI", "-o", str(tmp_path / "v.txt")]) == 1
    assert main(["view", "--mirror", str(SHARED), "4CLI", "-o", str(tmp_path / "no" / "v.html")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("structkit: error:") for line in lines)
    assert not list(tmp_path.iterdir())
