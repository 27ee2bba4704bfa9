"""One policy for every batch command: the good inputs are processed, each failure is one line, the
exit status is 1; --strict stops at the first. And the small defects a new user met."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.features import site_features
from structkit.errors import StructkitError
from structkit.model.mutations import ambiguous_slash, parse_mutations
from tests.util import SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data]


@pytest.fixture
def cut_file(tmp_path):
    path = tmp_path / "half.pdb"
    path.write_text("\n".join((SHARED / "2xp2.pdb").read_text().splitlines()[:1500]) + "\n")
    return path


def _errors(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("structkit: error:")]


@pytest.mark.parametrize("command", [["info"], ["info", "--json"], ["sites", "--csv"], ["pocket", "--json"],
                                     ["features", "--sites", "1196"]])
@pytest.mark.slow
def test_batch_goes_on_past_a_bad_input(command, cut_file):
    proc = run(*command, str(SHARED / "2xp2.pdb"), str(cut_file), str(SHARED / "4cli.cif"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = _errors(proc)
    assert len(errors) == 2 and "half.pdb" in errors[0] and "the file is cut" in errors[0]
    assert errors[1] == f"structkit: error: 1 of 3 structures failed: {cut_file}"
    assert "2XP2" in proc.stdout and "4CLI" in proc.stdout  # the good ones are all there


@pytest.mark.slow
def test_features_writes_the_good_rows(cut_file, tmp_path):
    out = tmp_path / "f.csv"
    proc = run("features", str(SHARED / "2xp2.pdb"), str(cut_file), "--sites", "1196,1202", "-o", str(out))
    assert proc.returncode == 1 and "wrote 2 rows" in proc.stdout
    assert pd.read_csv(out)["pdb_id"].tolist() == ["2XP2", "2XP2"]


@pytest.mark.slow
def test_scan_goes_on_and_shows_progress(cut_file, tmp_path):
    out = tmp_path / "s.csv"
    proc = run("scan", str(cut_file), str(SHARED / "4cli.cif"), "--mutations", "G1202R,L1196M",
               "-o", str(out), "--workers", "1")
    assert proc.returncode == 1 and "1 of 2 structures failed" in proc.stderr
    assert pd.read_csv(out)["mutation"].tolist() == ["G1202R", "L1196M"]
    assert "[2/" in proc.stderr and "mutant models] 4CLI L1196M" in proc.stderr  # progress, not silence
    # on two local Dask workers: progress per structure, the same table
    parallel = tmp_path / "p.csv"
    proc = run("scan", str(cut_file), str(SHARED / "4cli.cif"), "--mutations", "G1202R,L1196M",
               "-o", str(parallel), "--workers", "2")
    assert proc.returncode == 1 and "structures]" in proc.stderr
    assert parallel.read_bytes() == out.read_bytes()


def test_strict_stops_at_the_first_failure(cut_file):
    proc = run("info", str(cut_file), str(SHARED / "2xp2.pdb"), "--strict")
    assert_one_line_error(proc, "half.pdb", "cut")
    assert proc.stdout == ""


def test_a_typo_in_a_mutation_is_the_commands_error_not_each_structures():
    proc = run("scan", "2XP2", "4CLI", "--mirror", str(SHARED), "--mutations", "G1202R,L1196MX")
    assert_one_line_error(proc, "cannot parse mutation 'L1196MX'")


# --- the smaller ones ---

def test_site_given_as_a_string():
    complex_ = structkit.load(SHARED / "2xp2.pdb")
    for sites in ("1196", 1196, ["1196"], "L1196"):
        assert site_features(complex_, sites)["uniprot"].tolist() == [1196]
    assert site_features(complex_, "1196,1202")["uniprot"].tolist() == [1196, 1202]
    with pytest.raises(StructkitError, match="site 'abc' is not a residue number"):
        site_features(complex_, "abc")


def test_off_pocket_klifs_position_is_missing_not_zero():
    complex_ = structkit.load(SHARED / "2xp2.pdb")
    frame = site_features(complex_, [1156, 1196]).set_index("uniprot")
    assert pd.isna(frame.loc[1156, "klifs_position"]) and frame.loc[1196, "klifs_position"] == 45
    residues = complex_.residues.to_frame().set_index("uniprot")
    assert pd.isna(residues.loc[1156, "klifs_position"]) and residues.loc[1196, "klifs_position"] == 45


@pytest.mark.parametrize(("text", "expected"), [
    ("p.Leu1196Met", ["L1196M"]), ("p.L1196M", ["L1196M"]), ("p.(Gly1202Arg)", ["G1202R"]),
    ("Leu1196Met", ["L1196M"]), ("p.[Leu1196Met;Gly1202Arg]", ["L1196M+G1202R"]),
])
def test_hgvs_protein_notation(text, expected):
    assert [str(m) for m in parse_mutations(text).mutations] == expected


def test_hgvs_on_the_command_line():
    proc = run("mutate", "2XP2", "p.Leu1196Met", "--mirror", str(SHARED), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["mutation"] == "L1196M"


def test_slash_between_sites_is_refused_on_the_command_line():
    assert ambiguous_slash("G1202R/L1196M") and not ambiguous_slash("I1171N/S/T")
    proc = run("mutate", "2XP2", "G1202R/L1196M", "--mirror", str(SHARED))
    assert_one_line_error(proc, "a slash between two sites is ambiguous; write G1202R+L1196M")


def test_mutating_to_the_residue_already_there_says_so():
    proc = run("mutate", "9GBE", "G1202R", "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    assert "structkit: note: 9GBE already carries R1202; the model of G1202R repacks" in proc.stderr
    model = structkit.mutate(structkit.load("9GBE", mirrors=[SHARED]), "L1196M+G1202R")
    assert [n.split(";")[0] for n in model.notes] == [
        "9GBE already carries M1196", "9GBE already carries R1202"]
    assert structkit.mutate(structkit.load("2XP2", mirrors=[SHARED]), "L1196M").notes == []


@pytest.mark.slow
def test_counts_agree_with_their_nouns(tmp_path):
    proc = run("features", str(SHARED / "2xp2.pdb"), "--sites", "1196", "-o", str(tmp_path / "f.csv"))
    assert "wrote 1 row to" in proc.stdout
    proc = run("mutate", "2XP2", "L1196M", "--mirror", str(SHARED))
    assert re.search(r"\b1 pairs", proc.stdout) is None and re.search(r"\d+ pairs? over 0.4 A", proc.stdout)
    proc = run("coverage", "--mutation", "L1152R")
    assert "(1 drug)" in proc.stdout
    proc = run("info", str(SHARED / "2xp2.pdb"))
    assert "residues lack template atoms" in proc.stdout and "1 residues" not in proc.stdout
