"""structures/catalogue.csv: every verified row agrees with its file; the rest are not mirrored."""

from __future__ import annotations

import csv

import pytest

import structkit
from structkit.catalogue import catalogue, catalogue_ids, catalogue_path, drug_name, drugs
from structkit.io.fetch import find_in_mirrors
from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data]

ROWS = {row["pdb_id"]: row for row in catalogue()}


def test_catalogue_is_the_tracked_file_and_covers_the_mirror():
    assert catalogue_path() == REPO / "structures" / "catalogue.csv"
    on_disk = {p.name.split(".")[0].upper() for p in SHARED.iterdir()
               if p.suffix in (".pdb", ".cif") or p.is_dir()}
    assert on_disk <= set(catalogue_ids())
    assert len(catalogue_ids()) == 60


@pytest.mark.parametrize("pdb_id", catalogue_ids())
def test_row_agrees_with_file(pdb_id):
    row = ROWS[pdb_id]
    c = structkit.load(pdb_id, mirrors=[SHARED], offline=True)
    assert find_in_mirrors(pdb_id, [SHARED]) == SHARED / row["mirror_file"]
    assert c.chain == row["chain"]
    assert (c.ligand or "") == row["ligand"]
    assert (c.drug or "") == row["drug"]
    assert ("+".join(c.mutations) or "WT") == row["mutations"]
    assert c.first_residue == int(row["first_residue"])
    assert c.last_residue == int(row["last_residue"])
    res = c.metadata["resolution"]
    assert (f"{res:.2f}" if res else "") == row["resolution_A"]
    assert row["notes"]


def test_unverified_rows_are_known_but_not_mirrored():
    unverified = [r for r in catalogue() if r["verified"] == "no"]
    assert {r["pdb_id"] for r in unverified} == {"2YHV", "2YJS", "4ANL", "6CDT"}
    report = (SHARED / "rcsb_alk_entries_report.csv").read_text()
    for row in unverified:
        assert find_in_mirrors(row["pdb_id"], [SHARED]) is None
        assert f",{row['pdb_id']}," in report


def test_drug_table_names_the_review_drugs():
    assert {k: v["drug"] for k, v in drugs().items()} == {
        "VGH": "crizotinib", "4MK": "ceritinib", "EMH": "alectinib", "6GY": "brigatinib",
        "5P8": "lorlatinib", "YMX": "entrectinib", "A1IJ8": "NVL-655"}
    assert drug_name("vgh") == "crizotinib" and drug_name("GUI") is None
    # every drug code is the inhibitor of its reference structure
    for code, row in drugs().items():
        assert ROWS[row["reference_structure"]]["ligand"] == code


def test_catalogue_is_plain_csv():
    with catalogue_path().open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 64 and rows[0]["pdb_id"] == "2XB7"


def test_cached_tables_hand_each_caller_its_own_copy():
    """A caller's edit never reaches the next caller (issue 40: catalogue(), drugs(),
    review_regions() and coverage_statements() handed out the cached object itself)."""
    from structkit.analysis.measure.coverage import coverage_statements
    from structkit.model.sites import review_mentions, review_regions

    rows = catalogue()
    n = len(rows)
    rows.append({"pdb_id": "9ZZZ"})
    rows[0]["pdb_id"] = "XXXX"
    assert len(catalogue()) == n and catalogue()[0]["pdb_id"] == "2XB7"
    table = drugs()
    table["VGH"]["drug"] = "aspirin"
    assert drugs()["VGH"]["drug"] == "crizotinib"
    regions = review_regions()
    regions["solvent front"] = frozenset()
    assert 1202 in review_regions()["solvent front"]
    statements = coverage_statements()
    statements["drug"] = "x"
    assert "lorlatinib" in set(coverage_statements()["drug"])
    mentions = review_mentions()
    mentions.drop(mentions.index, inplace=True)
    assert len(review_mentions()) > 0


def test_writing_a_catalogue_clears_what_was_built_on_it(tmp_path, monkeypatch):
    """After write_catalogue rewrites the catalogue, the rows and the caches built on them are read
    afresh (the mutant-crystal index of the crystal check among them)."""
    import sys

    from structkit.analysis.measure.discover import write_catalogue
    from structkit.analysis.study.relate import _mutant_crystals

    catalogue_module = sys.modules["structkit.catalogue"]  # the package binds the name to the function
    path = tmp_path / "catalogue.csv"
    path.write_text(catalogue_path().read_text())
    monkeypatch.setattr(catalogue_module, "catalogue_path", lambda: path)
    catalogue_module.catalogue_changed()
    before = catalogue()
    assert ("lorlatinib", "L1196M") in _mutant_crystals()
    kept = [r for r in before if not (r["drug"] == "lorlatinib" and r["mutations"] == "L1196M")]
    assert len(kept) < len(before)
    write_catalogue(kept, path)
    assert len(catalogue()) == len(kept)
    assert ("lorlatinib", "L1196M") not in _mutant_crystals()
    monkeypatch.undo()
    catalogue_module.catalogue_changed()
    assert len(catalogue()) == len(before)
