"""structkit run: deterministic, atomic, and the tracked results/ equal what it produces."""

from __future__ import annotations

import pandas as pd

from structkit.analysis.run import run, write_table
from structkit.analysis.structures import STRUCTURE_COLUMNS
from tests.conftest import REPO, SHARED


def test_run_is_deterministic_and_matches_tracked_results(tmp_path):
    first = run(tmp_path / "a", mirrors=[SHARED], offline=True)
    second = run(tmp_path / "b", mirrors=[SHARED], offline=True)
    assert [p.name for p in first] == ["structures.csv"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() == (REPO / "results" / a.name).read_bytes()
    table = pd.read_csv(first[0], keep_default_na=False)
    assert list(table.columns) == STRUCTURE_COLUMNS and len(table) == 60
    row = table.set_index("pdb_id").loc["9GBE"]
    assert (row.ligand, row.drug, row.mutations) == ("A1IJ8", "NVL-655", "L1196M+G1202R")


def test_interrupted_write_keeps_the_previous_table(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    write_table(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "a\n1\n"

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("structkit.analysis.run.os.replace", interrupted)
    try:
        write_table(pd.DataFrame({"a": [2]}), target)
    except KeyboardInterrupt:
        pass
    assert target.read_text() == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
