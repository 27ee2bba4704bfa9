"""``structkit pose`` and ``--compound`` on the analysis commands: bad input is one line and writes
nothing; a posed compound is analysed like a crystal inhibitor and ranked beside the drugs."""

from __future__ import annotations

import json

import pytest
from rdkit import Chem

import structkit
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.presentation.panel_page import panel_html
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from tests.test_io_compound import LORLATINIB
from tests.util import SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module's posing tests: the template library is read once."""
    return tmp_path_factory.mktemp("posing-cache")


@pytest.mark.parametrize(("args", "fragments"), [
    (["pose", "C1CC("], ["not a valid SMILES"]),
    (["pose", "[H][H]"], ["no heavy atom"]),
    (["pose", "CC(=O)O[Pt](N)(N)OC(C)=O"], ["contains Pt"]),
    (["pose", "C=CC(=O)Nc1ccccc1"], ["covalent warhead (acrylamide)"]),
    (["pose", "missing.sdf"], ["no such compound file"]),
    (["pose", "c1ccccc1O", "-o", "pose.txt"], ["pose.txt"]),
    (["pose", "c1ccccc1O", "--method", "magic"], []),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, fragments):
    out = tmp_path / "out.sdf"
    proc = run(*args, *(["-o", str(out)] if "-o" not in args else []), "--mirror", str(SHARED))
    if "--method" in args:  # argparse's own refusal: exit 2, usage and one error line
        assert proc.returncode == 2 and "invalid choice: 'magic'" in proc.stderr
        return
    assert_one_line_error(proc, *fragments)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_a_kinase_without_a_structure_is_one_line(cache):
    proc = run("pose", "c1ccc(Nc2ncccn2)cc1", "--kinase", "BRAF", "--mirror", str(SHARED),
               "--cache", str(cache))
    assert_one_line_error(proc, "kinase 'BRAF': no structure of it at hand", "--structure")


@pytest.mark.parametrize(("args", "fragment"), [
    (["ddg", "2XP2", "--mutations", "G1202R", "--compound", "x=CCNc1ccccc1", "--ligand-file", "pose.sdf"],
     "--compound gives the inhibitor; leave out --ligand-file"),
    (["scan", "--all", "--mutations", "G1202R", "--compound", "x=CCNc1ccccc1"], "leave out --all"),
    (["view", "2XP2", "--compound", "x=C=CC(=O)Nc1ccccc1", "-o", "v.html"], "covalent warhead"),
    (["advise", "G1202R", "--compound", "CCNc1ccccc1"], "give NAME=SMILES or NAME=FILE"),
])
def test_compound_option_refusals_are_one_line(tmp_path, args, fragment):
    proc = run(*args, "--mirror", str(SHARED), "--cache", str(tmp_path))
    assert_one_line_error(proc, fragment)


@pytest.mark.slow
@pytest.mark.openmm
def test_pose_writes_the_pose_and_its_receptor(tmp_path, cache):
    sdf, receptor = tmp_path / "lorla.sdf", tmp_path / "receptor.pdb"
    proc = run("pose", f"lorla={LORLATINIB}", "--exclude", "5P8", "--mirror", str(SHARED), "--cache",
               str(cache), "-o", str(sdf), "--receptor-output", str(receptor), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["method"] == "template" and summary["template_ligand"] != "5P8"
    assert summary["confidence"] == "high" and summary["kinase"] == "ALK"
    mol = next(iter(Chem.SDMolSupplier(str(sdf), removeHs=False)))
    assert mol.GetProp("structkit_receptor") == summary["receptor"]
    assert mol.GetNumHeavyAtoms() == 30 and mol.GetNumAtoms() > 30  # written with its hydrogens
    # the two files load as any docked pose: the receptor has no ligand of its own
    complex_ = structkit.load(receptor, ligand_file=sdf)
    assert complex_.ligand_source == "file" and len(complex_.inhibitor) == 30


@pytest.mark.slow
@pytest.mark.openmm
def test_interactions_of_a_compound_posed_on_the_fly(cache):
    proc = run("interactions", "--compound", f"lorla={LORLATINIB}", "--mirror", str(SHARED), "--cache",
               str(cache), "--csv")
    assert proc.returncode == 0, proc.stderr
    assert "structkit: posed lorla in" in proc.stderr and "confidence" in proc.stderr
    rows = [line.split(",") for line in proc.stdout.splitlines()[1:]]
    kinds = {(r[5], r[7]) for r in rows}  # uniprot, type
    assert ("1199", "hbond_donor") in kinds  # the hinge M1199 N-H, as in lorlatinib's crystals
    again = run("interactions", "--compound", f"lorla={LORLATINIB}", "--mirror", str(SHARED), "--cache",
                str(cache), "--csv")
    assert again.stdout == proc.stdout  # the pose is cached: the same complex, the same table
    clash = run("interactions", "2XP2", "3AOX", "--compound", f"lorla={LORLATINIB}", "--mirror", str(SHARED))
    assert_one_line_error(clash, "--compound is posed in one structure; 2 were given")


@pytest.mark.slow
@pytest.mark.openmm
def test_advise_ranks_a_new_compound_beside_the_drugs(cache):
    """Lorlatinib drawn as a new compound beside crizotinib's crystal complex, for G1202R: it is
    posed, estimated with the same columns, and with no report or measurement its verdict is the
    model's."""
    options = LoadOptions.resolve([SHARED], cache=cache)
    table = structkit.advise("G1202R", complexes={"crizotinib": "2XP2"},
                             compounds={"my-macrocycle": LORLATINIB}, options=options,
                             engine=Engine(workers=1))
    assert sorted(table["drug"]) == ["crizotinib", "my-macrocycle"]
    mine = table.set_index("drug").loc["my-macrocycle"]
    assert mine["evidence"] == "predicted" and mine["verdict"] == mine["model_verdict"]
    assert mine["structure"].startswith("posed in ") and "confidence" in mine["structure"]
    assert mine["ddg"] == mine["ddg"] and mine["potency"] == mine["potency"]  # numbers, not NaN
    page = panel_html(table, compounds=["my-macrocycle"])
    assert "my-macrocycle<br><small>new compound" in page and page.count("<td style=") == 2
    with pytest.raises(StructkitError, match="the name is taken by a drug"):
        structkit.advise("G1202R", complexes={"crizotinib": "2XP2"}, compounds={"crizotinib": LORLATINIB},
                         options=options)
