"""The resistance panel page: one cell per mutation and drug, coloured by verdict, with the evidence."""

from __future__ import annotations

import re

import pandas as pd

from structkit.analysis.presentation.panel_page import VERDICT_COLOURS, panel_html
from tests.util import assert_one_line_error, run


def _advice() -> pd.DataFrame:
    rows = [
        ("G1202R", "crizotinib", "2XP2", "resistant", "reported", 2.1, "the review: resistant"),
        ("G1202R", "lorlatinib", "4CLI", "covered", "reported", 0.4, "the review: covered"),
        ("G1202R", "lead", "posed in 4CMU (template pose on 4CTC, confidence high)", "reduced", "predicted",
         1.0, "model"),
        ("L1196M", "crizotinib", "2XP2", "resistant", "measured", float("nan"), "IC50"),
        ("L1196M", "lead", "posed in 4CMU (template pose on 4CTC, confidence high)", "covered", "predicted",
         -0.2, "model"),
    ]
    columns = ["mutation", "drug", "structure", "verdict", "evidence", "potency", "basis"]
    return pd.DataFrame(rows, columns=columns)


def test_cells_show_verdict_potency_and_evidence():
    page = panel_html(_advice(), compounds=["lead"], regions={"G1202R": "solvent front"})
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", page).group(1)
    # drugs sorted, the new compound last and marked with where it was posed
    names = re.findall(r"<th[^>]*>([^<]+)", header)
    assert names == ["mutation", "review region", "crizotinib", "lorlatinib", "lead"]
    assert 'class="new" title="posed in 4CMU (template pose on 4CTC, confidence high)"' in header
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1])
    assert len(rows) == 2
    g1202r = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    assert g1202r == ["G1202R", "solvent front", "+2.1 <b>R</b>", "+0.4 <b>R</b>", "+1.0 <b>P</b>"]
    assert f'background:{VERDICT_COLOURS["resistant"]}" title="resistant (reported)' in rows[0]
    l1196m = re.findall(r"<td[^>]*>(.*?)</td>", rows[1])
    assert l1196m == ["L1196M", "", "- <b>M</b>", "", "-0.2 <b>P</b>"]  # no lorlatinib row: an empty cell
    assert "<script" not in page and "http" not in page


def test_advise_refuses_a_bad_page_path_and_no_mutations(tmp_path):
    assert_one_line_error(run("advise", "G1202R", "--html", str(tmp_path / "panel.txt")), "panel.txt")
    assert_one_line_error(run("advise"), "give mutations")
    assert_one_line_error(run("advise", "--review", "--kinase", "EGFR"), "--review gives ALK's mutations")
