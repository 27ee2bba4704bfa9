"""Scans: the review's substitutions, many structures, and rows for what cannot be modelled."""

from __future__ import annotations

import pytest

from structkit.analysis.measure.scan import SCAN_COLUMNS, review_mutations, scan
from structkit.io.load import LoadOptions
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def test_review_mutations_are_the_modellable_substitutions():
    muts = review_mutations()
    assert len(muts) == 35
    assert {"G1202R", "L1196M", "L1196M+G1202R", "I1171N", "I1171S", "I1171T", "G1269A"} <= set(muts)
    assert "T1151Tins" not in muts and "F1174" not in muts and "WT" not in muts


def test_scan_rows_and_status():
    table = scan(["4CLI", "4JOA"], ["G1202R", "C1156Y", "I1171N/S"],
                 options=LoadOptions.resolve([SHARED]))
    assert list(table.columns) == SCAN_COLUMNS
    assert len(table) == 2 * 4
    missing = table[(table["pdb_id"] == "4JOA") & (table["mutation"] == "C1156Y")].iloc[0]
    assert missing["status"] == "4JOA: residue 1156 has no coordinates"
    ok = table[table["status"] == "ok"]
    assert set(ok["mutation"]) == {"G1202R", "C1156Y", "I1171N", "I1171S"}
