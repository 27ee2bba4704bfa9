"""The pose benchmarks: the success table counted by hand, the pose of an inhibitor taken from
another kinase's pose of it, which poses are docked models, and one cross-template entry against its
crystal."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.pose_benchmark import (
    POSE_TRANSFER_COLUMNS,
    pose_benchmark,
    pose_benchmark_summary,
    pose_transfer,
    skeleton_smiles,
)
from structkit.errors import StructkitError
from structkit.posing.templates import pose_origin, template_library
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: the template library is built once."""
    return tmp_path_factory.mktemp("pose-benchmark-cache")


def test_summary_counts_by_hand():
    table = pd.DataFrame({
        "kinase": ["ALK"] * 4, "entry": ["A", "B", "C", "D"], "ligand": ["X", "X", "Y", "Z"],
        "drug": ["lorlatinib", "lorlatinib", "", "crizotinib"],
        "rmsd": [0.5, 2.5, 2.0, 4.0], "cross_kinase_rmsd": [3.0, 3.0, 1.0, float("nan")],
        "redock_rmsd": [1.0, float("nan"), float("nan"), 5.0]})
    transfer = pd.DataFrame({"kinase": ["ALK", "EGFR", "EGFR"], "rmsd": [1.5, 1.0, 2.5]})
    summary = pose_benchmark_summary(table, ["lorlatinib", "crizotinib"], transfer)
    got = {(r.kinase, r.set, r.method): (r.n, r.within, r.median_rmsd) for r in summary.itertuples()}
    assert got[("ALK", "entries", "cross-template")] == (4, 2, 2.25)  # 2.0 counts (<= 2 A)
    assert got[("ALK", "ligands", "cross-template")] == (3, 2, 2.0)  # X's first entry, Y, Z
    assert got[("ALK", "clinical drugs", "cross-template")] == (2, 1, 2.25)  # lorlatinib's first entry
    assert got[("ALK", "entries", "cross-kinase")] == (3, 1, 3.0)  # the missing one is not counted
    assert got[("ALK", "entries", "Vina redock")] == (2, 1, 3.0)
    assert got[("ALK", "entries", "same inhibitor, other kinase")] == (1, 1, 1.5)
    # a kinase with transferred poses only still gets its row
    assert got[("EGFR", "entries", "same inhibitor, other kinase")] == (2, 1, 1.75)
    assert not [k for k in got if k[0] == "EGFR" and k[2] != "same inhibitor, other kinase"]


def test_one_ligand_drawn_two_ways_is_one_key():
    assert skeleton_smiles("CC(=O)[O-]") == skeleton_smiles("CC(=O)O")  # charged or neutral
    assert skeleton_smiles("Oc1ccccn1") == skeleton_smiles("O=C1C=CC=CN1")  # two tautomers, one graph
    assert skeleton_smiles("c1ccccc1") != skeleton_smiles("c1ccncc1")


def test_docked_benchmark_poses_are_named_so(cache):
    library = {t.label: t for t in template_library([SHARED], cache=cache)}
    # the ABL1 benchmark's SOURCES.md: gefitinib and erlotinib were docked into ABL1 (no crystal)
    assert pose_origin(library["2F4J (gefitinib)"]) == "docked model"
    assert pose_origin(library["2G1T (erlotinib)"]) == "docked model"
    assert pose_origin(library["2HYY (imatinib)"]) == "crystal"
    assert pose_origin(library["4WKQ"]) == "crystal" and pose_origin(library["4CLI"]) == "crystal"


@pytest.mark.slow
def test_an_inhibitor_is_posed_from_its_pose_in_another_kinase(cache):
    """Gefitinib in ABL1 (a docked model) posed with every ABL1 template removed: it comes from an
    EGFR crystal of gefitinib, whole, and lands on the ABL1 model within 2 Å; read again from the
    cache, the same table."""
    engine = Engine(workers=1, cache=cache)
    table = pose_transfer(mirrors=[SHARED], entries=["2F4J (gefitinib)"], engine=engine)
    assert list(table.columns) == POSE_TRANSFER_COLUMNS and len(table) == 1
    row = table.iloc[0]
    assert (row.kinase, row.drug, row.reference) == ("ABL1", "gefitinib", "docked model")
    assert row.method == "template" and row.template_kinase == "EGFR" and row.template_pose == "crystal"
    assert row.coverage == 1.0 and row.rmsd < 2.0
    again = pose_transfer(mirrors=[SHARED], entries=["2F4J (gefitinib)"], engine=engine)
    pd.testing.assert_frame_equal(again, table)
    # and it is the cache that answers: a row altered there is what comes back
    (cached,) = (cache / "benchmarks" / "pose-transfers").glob("*.json")
    rows = json.loads(cached.read_text())
    rows[0]["rmsd"] = 99.0
    cached.write_text(json.dumps(rows))
    assert pose_transfer(mirrors=[SHARED], entries=["2F4J (gefitinib)"], engine=engine).iloc[0].rmsd == 99.0
    # an inhibitor held by one kinase only has no such row
    assert pose_transfer(mirrors=[SHARED], entries=["4CLI"], engine=engine).empty


@pytest.mark.slow
def test_a_fragment_is_posed_cross_template_on_its_crystal(cache):
    """7JYS's 13-atom fragment, its own entry removed: placed on 7JYT's close analogue, within 1 Å
    of its crystal."""
    table = pose_benchmark(["ALK"], mirrors=[SHARED], entries=["7JYS"], redock=None, cross_kinase=False,
                           engine=Engine(workers=1, cache=cache))
    row = table.iloc[0]
    assert len(table) == 1 and row.entry == "7JYS" and row.method == "template"
    assert row.template != "7JYS" and row.coverage >= 0.7 and row.rmsd < 1.0


def _rows_or_fail(group, bad):
    if group[0].label == bad:
        raise StructkitError(f"{bad} fails")
    return [{"entry": group[0].label}]


def test_an_interrupted_benchmark_keeps_the_groups_it_finished(tmp_path):
    """A benchmark stopped by a failing group keeps every group finished before it: run again, only
    the unfinished ones are computed (here the one that failed, now passing)."""
    from types import SimpleNamespace

    from structkit.analysis.study.pose_benchmark import _cached_rows

    groups = {k: [SimpleNamespace(label=k.upper(), drug=None, ligand="LIG")] for k in "abc"}
    engine = Engine(workers=1, cache=tmp_path)
    with pytest.raises(StructkitError, match="C fails"):
        _cached_rows("test-group", groups, _rows_or_fail, ("C",), "", [SHARED], engine)
    assert len(list((tmp_path / "benchmarks" / "test-groups").glob("*.json"))) == 2
    calls = []

    def counted(group, bad):
        calls.append(group[0].label)
        return _rows_or_fail(group, bad)

    rows = _cached_rows("test-group", groups, counted, ("none",), "", [SHARED], engine)
    assert rows == [{"entry": "A"}, {"entry": "B"}, {"entry": "C"}] and calls == ["C"]
