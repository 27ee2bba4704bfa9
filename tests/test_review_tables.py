"""The review's Tables 1, 3, 4 and 5 as data: every row as the review prints it, on its line."""

from __future__ import annotations

import pytest

from structkit.analysis.measure.review_tables import context_lines, review_context, review_table
from tests.util import SHARED_ROOT

pytestmark = [pytest.mark.shared_data]

REVIEW = SHARED_ROOT / "review" / "alk_tki_resistance_review.txt"


@pytest.mark.parametrize("number, rows", [(1, 13), (3, 5), (4, 8), (5, 7)])
def test_every_row_is_on_its_line_of_the_review(number, rows):
    table = review_table(number)
    assert len(table) == rows
    lines = REVIEW.read_text(encoding="utf-8").splitlines()
    assert lines[table["line"].min() - 4].startswith(f"Table {number} ")  # caption, blank, header
    for row in table.to_dict("records"):
        cells = [c.strip() for c in lines[row["line"] - 1].split("\t")]
        assert [str(row[k]) for k in list(row)[:-1]][:len(cells)] == cells


def test_a_drugs_context_by_hand():
    # Table 1: crizotinib's bypass tracks are EGFR twice, HB-EGF, PI3K-AKT, HER2/3 and PKC (lines 97-102)
    crizotinib = review_context("Crizotinib")
    bypass = crizotinib[crizotinib["kind"] == "bypass track"]
    assert bypass["line"].tolist() == [97, 98, 99, 100, 101, 102]
    assert bypass["what"].iloc[0] == "EGFR: up-regulation [51]"
    # Table 5: NVL-655's own trial; the model's drug without any row says nothing
    assert review_context("NVL-655")["what"].tolist() == ["NCT05384626: first-line (phase 1/2, recruiting)"]
    assert review_context("entrectinib").empty
    assert context_lines(["entrectinib", "NVL-655"]) == ["  NVL-655: 1 new inhibitor trial (NCT05384626)"]
