"""The tracked ``results/`` are what the code beside them makes: the manifest names this version, its
package-data and output checksums are those of the files in the repository, and a cheap part of the
run, regenerated here, gives the tracked bytes (issue 41: a fresh clone's run changed the manifest,
which said 0.4.0 beside a 0.5.0 package, and nothing noticed)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.coverage import coverage_table
from structkit.analysis.measure.structures import STRUCTURE_COLUMNS, structure_row
from structkit.io.write import table_text
from tests.util import REPO, SHARED

RESULTS = REPO / "results"

pytestmark = [pytest.mark.shared_data]


def _manifest() -> dict:
    return json.loads((RESULTS / "manifest.json").read_text())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_manifest_names_this_version():
    assert _manifest()["packages"]["structkit"] == structkit.__version__, (
        "results/ were made by another version: run `structkit run --mirror ../shared/structures`")


def test_the_manifest_holds_the_package_data_beside_it():
    recorded = _manifest()["inputs"]["package_data"]
    data = resources.files("structkit.data").iterdir()
    here = {entry.name: _sha(entry.read_bytes()) for entry in data if entry.name.endswith((".csv", ".fasta"))}
    assert recorded == here


def test_the_manifest_holds_the_tracked_tables():
    for name, digest in _manifest()["outputs"].items():
        assert _sha((RESULTS / f"{name}.csv").read_bytes()) == digest, name


def test_the_coverage_table_regenerates_byte_for_byte():
    assert table_text(coverage_table()) == (RESULTS / "coverage.csv").read_text()


@pytest.mark.parametrize("pdb_id", ["2XP2", "4CLI", "9GBE"])
def test_structure_rows_regenerate(pdb_id):
    tracked = (RESULTS / "structures.csv").read_text().splitlines()
    header = tracked[0]
    row = pd.DataFrame([structure_row(structkit.load(pdb_id, mirrors=[SHARED]))], columns=STRUCTURE_COLUMNS)
    lines = table_text(row).splitlines()
    assert lines[0] == header
    assert lines[1] in tracked[1:]
