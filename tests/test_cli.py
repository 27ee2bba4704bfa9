"""The command line: info text and JSON, and bad input ending in one line, exit 1, no traceback."""

from __future__ import annotations

import json

import pytest

from tests.util import SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data]


def test_info_json():
    proc = run("info", "9GBE", "2YFX", str(SHARED / "4ans.pdb"), "--json", "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["pdb_id"] for d in data] == ["9GBE", "2YFX", "4ANS"]
    for key in ("pdb_id", "chain", "ligand", "drug", "mutations", "first_residue", "last_residue"):
        assert all(key in d for d in data)
    assert data[0]["mutations"] == ["L1196M", "G1202R"] and data[0]["drug"] == "NVL-655"
    assert data[1]["mutations"] == ["L1196M"] and data[1]["ligand"] == "VGH"
    assert data[2]["mutations"] == ["L1196M", "G1269A"]


def test_info_text_uses_mirror_from_environment():
    proc = run("info", "2xp2", env_extra={"STRUCTKIT_MIRROR": str(SHARED)})
    assert proc.returncode == 0, proc.stderr
    assert "VGH (crizotinib)" in proc.stdout and "1093-1401" in proc.stdout
    assert "gaps        1124-1125, 1137-1143, 1218-1219, 1281-1289" in proc.stdout


def test_info_all_covers_the_catalogue():
    proc = run("info", "--all", "--json", "--mirror", str(SHARED), "--offline")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 60


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("info", "XYZ"), ["'XYZ' is neither a PDB ID"]),
        (("fetch", "12345"), ["'12345' is not a PDB ID"]),
        (("info", "nofile.pdb"), ["nofile.pdb: no such file"]),
        (("info", "2XP2", "--offline"), ["2XP2: not in the cache or the mirrors"]),
        (("fetch", "2XP2", "--offline"), ["2XP2: not in the cache or the mirrors"]),
        (("info", str(SHARED / "3l9p.cif"), "--ligand", "VGH"), ["has no ligand 'VGH'"]),
        (("info", str(SHARED / "2xp2.pdb"), "--chain", "Q"), ["chain 'Q' is not a kinase chain"]),
        (("info",), ["give at least one"]),
    ],
)
def test_bad_input_is_one_line(args, fragments):
    assert_one_line_error(run(*args), *fragments)


def test_offline_without_network_is_one_line():
    proc = run("fetch", "2XP2", "--retries", "0")  # conftest points the RCSB URL at a closed port
    assert_one_line_error(proc, "2XP2: download from", "failed after 1 attempts")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "the file is empty"), (b"not a structure\n", "no atom records found"),
     (b"ATOM      1  N   ASN A1093      42.7", "is truncated")],
)
def test_bad_files_are_one_line(tmp_path, content, fragment):
    path = tmp_path / "bad.pdb"
    path.write_bytes(content)
    assert_one_line_error(run("info", str(path)), str(path), fragment)


def test_structure_with_no_alk_chain_is_one_line(tmp_path):
    lines = [x for x in (SHARED / "2xp2.pdb").read_text().splitlines() if x.startswith("HETATM")]
    path = tmp_path / "ligand_only.pdb"
    path.write_text("\n".join(lines) + "\n")
    assert_one_line_error(run("info", str(path)), "no protein kinase chain")


def test_sites_command_json():
    proc = run("sites", "2YFX", "--sites", "1196,1202", "--json", "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = [(d["uniprot"], d["residue"], d["mutated"]) for d in data]
    assert rows == [(1196, "M", True), (1202, "G", False)]


def test_sites_bad_list_is_one_line():
    assert_one_line_error(run("sites", "2YFX", "--sites", "12x", "--mirror", str(SHARED)), "--sites takes")


def test_coverage_command():
    proc = run("coverage", "--mutation", "G1202R", "--exact")
    assert proc.returncode == 0, proc.stderr
    resisted, covering = proc.stdout.split("reported covering")
    assert "crizotinib" in resisted and "lorlatinib" not in resisted
    assert "lorlatinib" in covering and "NVL-655" in covering and "[conflict]" in covering
    data = json.loads(run("coverage", "--drug", "ZX-29", "--json").stdout)
    assert {(d["mutation"], d["ic50_nM"]) for d in data} == {("WT", 2.1), ("L1196M", 1.3), ("G1202R", 3.9)}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(("coverage", "--drug", "aspirin"), "'aspirin' is not a drug of the review"),
     (("coverage", "--mutation", "G1203R"), "residue 1203 is D (Asp) in ALK, not G"),
     (("coverage", "--mutation", "hello"), "cannot parse mutation 'hello'")],
)
def test_coverage_bad_input(args, fragment):
    assert_one_line_error(run(*args), fragment)


@pytest.mark.slow
def test_features_command_writes_csv_and_parquet(tmp_path):
    import pandas as pd

    out = tmp_path / "f.parquet"
    proc = run("features", "4CLI", "3L9P", "--sites", "1196,1202", "-o", str(out), "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    table = pd.read_parquet(out)
    assert table["pdb_id"].tolist() == ["4CLI", "4CLI", "3L9P", "3L9P"]
    proc = run("features", "4CLI", "--sites", "1196", "--mirror", str(SHARED))
    assert proc.stdout.splitlines()[0].startswith("pdb_id,chain,ligand,drug,uniprot")
    assert_one_line_error(run("features", "4CLI", "-o", str(tmp_path / "f.txt"), "--mirror", str(SHARED)),
                          "must end in .csv or .parquet")
    assert not (tmp_path / "f.txt").exists()


@pytest.mark.slow
def test_mutate_command_writes_model(tmp_path):
    out = tmp_path / "m.pdb"
    proc = run("mutate", "4CLI", "L1198F", "-o", str(out), "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    assert "site 1198 L->F" in proc.stdout and "clashing pairs" in proc.stdout
    text = out.read_text()
    assert "PHE A1198" in text and text.rstrip().endswith("END")
    data = json.loads(run("mutate", "4CLI", "G1202R", "--json", "--mirror", str(SHARED)).stdout)
    assert data[0]["to_residue"] == "R" and data[0]["n_rotamers"] == 81


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(("mutate", "4CLI", "G1203R"), "residue 1203 is D (Asp) in ALK, not G"),
     (("mutate", "4CLI", "1151Tins"), "only substitutions"),
     (("mutate", "4JOA", "C1156Y"), "residue 1156 has no coordinates"),
     (("scan", "4CLI"), "give --mutations")],
)
def test_mutate_bad_input(args, fragment):
    assert_one_line_error(run(*args, "--mirror", str(SHARED)), fragment)


def test_scan_command_review(tmp_path):
    out = tmp_path / "scan.csv"
    proc = run("scan", "4CLI", "2XP2", "--review", "-o", str(out), "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    import pandas as pd

    table = pd.read_csv(out)
    # 35 substitutions, 15 of them compounds of two sites: one row per structure, mutation and site
    assert len(table) == 2 * (35 + 15)
    assert set(table["status"]) == {"ok"}


ABL = SHARED.parent / "benchmarks" / "abl_hauser2018"
ABL_PDB, ABL_SDF = ABL / "imatinib_2hyy_complex.pdb", ABL / "imatinib_2hyy_ligand.sdf"


def test_pocket_json_for_another_kinase():
    proc = run("pocket", str(ABL_PDB), "--json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert [r["klifs"] for r in records] == list(range(1, 86))
    gatekeeper = records[44]
    assert {k: gatekeeper[k] for k in ("klifs", "region", "chain", "resnum", "icode", "resname")} == {
        "klifs": 45, "region": "GK", "chain": "A", "resnum": 315, "icode": "", "resname": "THR"}


def test_pocket_reports_missing_positions_as_null():
    proc = run("pocket", "2XP2", "--json", "--mirror", str(SHARED))
    records = json.loads(proc.stdout)
    missing = [r["klifs"] for r in records if r["resnum"] is None]
    assert missing == [5, 6]  # G1124 and G1125 are unresolved in 2XP2
    assert all(records[k - 1]["resname"] is None and records[k - 1]["status"] == "missing" for k in missing)


def test_info_json_gains_kinase_and_ligand_fields():
    proc = run("info", str(ABL_PDB), "--ligand-file", str(ABL_SDF), "--json")
    summary = json.loads(proc.stdout)[0]
    assert (summary["kinase"], summary["n_ligand_atoms"], summary["ligand_source"]) == ("ABL1", 37, "file")
    alk = json.loads(run("info", "2XP2", "--json", "--mirror", str(SHARED)).stdout)[0]
    assert (alk["kinase"], alk["n_ligand_atoms"], alk["ligand_source"]) == ("ALK", 30, "ccd")  # C21H22Cl2FN5O


@pytest.mark.parametrize(
    "command",
    [
        ("info",), ("sites", "--csv"), ("pocket",), ("features",), ("mutate", "T315I"),
        ("scan", "--mutations", "T315I"), ("pymol", "--mutation", "T315I", "-o", "{tmp}/v.pml"),
    ],
)
def test_every_structure_command_takes_a_ligand_file(command, tmp_path):
    name, *rest = command
    rest = [x.replace("{tmp}", str(tmp_path)) for x in rest]
    proc = run(name, str(ABL_PDB), *rest, "--ligand-file", str(ABL_SDF))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (("--ligand-file", str(ABL / "dasatinib_2gqg_ligand.sdf")), "do not match the ligand LIG"),
        (("--ligand-file", str(ABL_SDF), "--pose", "2"), "pose 2 does not exist"),
        (("--ligand-file", "nowhere.sdf"), "no such ligand file"),
        (("--reference", "nowhere.fasta"), "cannot read the reference FASTA"),
    ],
)
def test_bad_ligand_input_is_one_line(extra, fragment):
    assert_one_line_error(run("info", str(ABL_PDB), *extra), fragment)


def test_ligand_file_with_several_targets_is_refused():
    assert_one_line_error(run("info", str(ABL_PDB), "2XP2", "--ligand-file", str(ABL_SDF)), "single target")


@pytest.mark.openmm
@pytest.mark.slow
def test_ddg_json_on_a_receptor_and_pose():
    from tests.util import abl_files

    complex_path, sdf = abl_files("gefitinib")
    proc = run("ddg", str(complex_path), "--ligand-file", str(sdf), "--mutations", "T315I,F317L", "--json",
               "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["mutation"] for d in data] == ["T315I", "F317L"]
    for key in ("mutation", "ddg", "ddg_sd", "vdw", "electrostatics", "nonpolar", "strain", "entropy"):
        assert all(key in d for d in data)
    assert "about" in proc.stderr and "mutations]" in proc.stderr  # the cost estimate and progress


@pytest.mark.slow
@pytest.mark.openmm
def test_ddg_table_is_followed_by_the_apis_legend_and_cost(tmp_path):
    """The command prints what the API says its columns mean and what an estimate costs (one owner)."""
    from structkit.analysis.measure.estimates import ESTIMATE_COST, ddg_legend
    from structkit.energy.ddg import NO_FIT, NO_FIT_KCAL
    from tests.util import abl_files

    complex_path, sdf = abl_files("imatinib")
    proc = run("ddg", str(complex_path), "--ligand-file", str(sdf), "--mutations", "T315I", "--workers", "1",
               env_extra={"STRUCTKIT_CACHE": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith(ddg_legend())
    assert f"about {ESTIMATE_COST['fast']} per estimate" in proc.stderr
    assert NO_FIT in ddg_legend() and f"bounded at {NO_FIT_KCAL:g}" in ddg_legend()
    assert "ddg_atp" in ddg_legend(potency=True) and "ddg_atp" not in ddg_legend()


@pytest.mark.parametrize(("args", "fragment"), [
    (["ddg", "2XP2", "--mutations", "A1196M"], "residue 1196 is L"),
    (["ddg", "3L9P", "--mutations", "L1196M"], "no inhibitor"),
    (["benchmark", "abl", "--data", "/does/not/exist"], "not the ABL1 benchmark folder"),
])
def test_ddg_bad_input_is_one_line(args, fragment):
    assert_one_line_error(run(*args, "--mirror", str(SHARED)) if args[0] == "ddg" else run(*args), fragment)


@pytest.mark.slow
@pytest.mark.openmm
def test_benchmark_subset(tmp_path):
    out = tmp_path / "abl.csv"
    proc = run("benchmark", "abl", "--drugs", "gefitinib", "--workers", "1", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "6 of 6 pairs" in proc.stdout and "ddG = 0 for every pair" in proc.stdout
    assert len(out.read_text().splitlines()) == 7


@pytest.mark.slow
def test_info_without_reference_does_not_claim_wild_type():
    """EGFR L858R (2ITZ) has no reference here: the mutations are not read, and the line says so
    (with the file's own SEQADV declaration) instead of 'none (wild type)'."""
    path = SHARED.parent / "benchmarks" / "egfr_robichaux2021" / "2itz.pdb"
    proc = run("info", str(path))
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.strip().startswith("mutations"))
    assert "wild type" not in line and "not read" in line and "L858R" in line
    data = json.loads(run("info", str(path), "--json").stdout)[0]
    assert data["mutations"] is None and data["declared_mutations"] == ["L858R"]


def test_unresolved_residue_is_named_unresolved():
    """4WKQ leaves 747-751 unresolved: L747P is inside the file's numbering, not outside it."""
    path = SHARED.parent / "benchmarks" / "egfr_robichaux2021" / "4wkq.cif"
    proc = run("ddg", str(path), "--mutations", "L747P")
    assert_one_line_error(proc, "747", "not resolved")
    assert "outside" not in proc.stderr


@pytest.mark.slow
@pytest.mark.openmm
def test_view_ddg_uses_the_commands_load_options(tmp_path, viewer_js):
    """structkit view --ddg loads the complex as structkit ddg does: its cache (the estimate is
    stored there) and the file's own hydrogens (the same number as structkit ddg prints)."""
    from tests.util import abl_files

    complex_path, sdf = abl_files("erlotinib")
    env = {"STRUCTKIT_3DMOL": str(viewer_js)}
    cache = tmp_path / "cache"
    cache.mkdir()
    proc = run("view", str(complex_path), "--ligand-file", str(sdf), "--mutation", "T315I", "--ddg",
               "--cache", str(cache), "--workers", "1", "-o", str(tmp_path / "v.html"), env_extra=env)
    assert proc.returncode == 0, proc.stderr
    assert list((cache / "results" / "ddg").glob("*")), "the estimate went to another cache"
    direct = run("ddg", str(complex_path), "--ligand-file", str(sdf), "--mutations", "T315I", "--json",
                 "--cache", str(cache), "--workers", "1")
    value = json.loads(direct.stdout)[0]["ddg"]
    assert json.dumps(value) in (tmp_path / "v.html").read_text()
