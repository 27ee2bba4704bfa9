"""Posing new compounds: the template library, the pocket superposition, the template route against
crystal poses it never saw (RMSD by RDKit's symmetry-aware ``CalcRMS``), docking, the posed complex
and the files every command reads.

The library is built once per session in a shared cache; each test poses with its own cache.
"""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdMolAlign
from rdkit.Chem.rdMolDescriptors import CalcMolFormula
from rdkit.Geometry import Point3D

import structkit
from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform
from structkit.model.ligand import ccd_molecule
from structkit.posing.pose import pose
from structkit.posing.rmsd import pose_rmsd
from structkit.posing.templates import pocket_ca, pocket_frame, template_library
from tests.test_io_compound import LORLATINIB
from tests.util import ABL, EGFR, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return template_library([SHARED], cache=tmp_path_factory.mktemp("templates"))


def _by_label(library, label):
    return next(t for t in library if t.label == label)


def _rmsd_to_crystal(result, template) -> float:
    """Symmetry-aware heavy-atom RMSD between a pose and a template's crystal ligand, the crystal put
    in the receptor's frame by the pockets' C-alpha atoms."""
    rotation, translation, _ = pocket_frame((template.positions, template.ca), pocket_ca(result.receptor))
    crystal = Chem.Mol(template.mol)
    conformer = crystal.GetConformer()
    for k, p in enumerate(apply_transform(conformer.GetPositions(), rotation, translation)):
        conformer.SetAtomPosition(k, Point3D(*map(float, p)))
    ours = pose_rmsd(result.mol, crystal)
    try:  # RDKit's symmetry-aware RMSD agrees wherever it can map the two (same charges drawn)
        assert rdMolAlign.CalcRMS(result.mol, crystal) == pytest.approx(ours, abs=1e-6)
    except RuntimeError:
        pass
    return ours


def test_library_holds_every_inhibitor_and_no_nucleotide(library):
    labels = {t.label: t for t in library}
    alk = [t for t in library if t.kinase == "ALK"]
    # the 60 mirror entries less five apo entries and one nucleotide complex (3LCT, ADP)
    assert len(alk) == 54 and "3LCT" not in labels and "2YJR" not in labels
    assert labels["4CLI"].ligand == "5P8" and labels["4CLI"].drug == "lorlatinib"
    assert CalcMolFormula(labels["4CLI"].mol) == CalcMolFormula(ccd_molecule("5P8")) == "C21H19FN6O2"
    # the SMILES carries the crystal's stereo: lorlatinib is the (10R) macrocycle
    assert labels["4CLI"].smiles == Chem.MolToSmiles(Chem.MolFromSmiles(LORLATINIB))
    assert sorted(t.drug for t in library if t.kinase == "ABL1") == [
        "axitinib", "bosutinib", "dasatinib", "erlotinib", "gefitinib", "imatinib", "nilotinib", "ponatinib"]
    egfr = {t.label for t in library if t.kinase == "EGFR"}
    assert egfr == {"1XKK", "4WKQ", "2ITY", "2ITZ", "2ITO", "4I22"}  # no AMP-PNP complex
    assert not any(t.ligand in ("ANP", "ADP", "ATP") for t in library)
    # every template's C-alpha atoms come in KLIFS order, one per position
    for t in library:
        assert len(t.positions) == len(t.ca) >= 20 and np.all(np.diff(t.positions) > 0)


def test_pocket_frame_recovers_a_known_motion(library):
    t = _by_label(library, "2XP2")
    angle = np.deg2rad(40.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    moved = (t.positions, t.ca @ rotation.T + np.array([5.0, -3.0, 12.0]))
    r, shift, rmsd = pocket_frame((t.positions, t.ca), moved)
    assert rmsd < 1e-6
    np.testing.assert_allclose(r, rotation, atol=1e-8)
    np.testing.assert_allclose(shift, [5.0, -3.0, 12.0], atol=1e-6)
    with pytest.raises(StructkitError, match="KLIFS pocket C-alpha atoms shared"):
        pocket_frame((t.positions[:10], t.ca[:10]), (t.positions, t.ca), "tiny")


@pytest.mark.slow
def test_lorlatinib_posed_from_other_ligands_lands_on_its_crystal(library, tmp_path):
    """Lorlatinib's five entries (5P8) left out: placed on a relative's template, refined by Vina,
    within 1 Å of 4CLI's crystal pose, with its stereocentre as drawn and its hinge hydrogen bond."""
    result = pose(f"lorlatinib={LORLATINIB}", kinase="ALK", templates=library, exclude=["5P8"],
                  cache=tmp_path)
    assert result.method == "template" and result.template_ligand != "5P8"
    assert result.template_kinase == "ALK" and result.confidence == "high"
    assert result.coverage >= 0.7 and result.score < -8.0
    assert _rmsd_to_crystal(result, _by_label(library, "4CLI")) < 1.0
    written = tmp_path / "lorlatinib.sdf"
    result.write_sdf(written)
    back = next(iter(Chem.SDMolSupplier(str(written), removeHs=False)))
    Chem.AssignStereochemistryFrom3D(back)
    assert Chem.MolToSmiles(Chem.RemoveHs(back)) == result.compound.smiles  # the stereo is the one drawn
    assert back.GetProp("structkit_confidence") == "high"
    complex_ = result.complex()
    assert complex_.ligand_source == "file" and len(complex_.inhibitor.heavy) == 30
    def hinge_hbonds(c) -> set[int]:
        table = structkit.interaction_table(c)
        hinge = table["type"].str.startswith("hbond") & table["uniprot"].between(1196, 1200)
        return set(table[hinge]["uniprot"])

    crystal = hinge_hbonds(structkit.load("4CLI", mirrors=[SHARED]))
    assert crystal == {1197, 1199} and crystal <= hinge_hbonds(complex_)  # E1197 O and M1199 N, made again


@pytest.mark.slow
@pytest.mark.parametrize(("entry", "kinase", "structure", "limit"), [
    # imatinib in ABL1 from ABL2's imatinib complex (3GVU, a KLIFS file), superposed on the pocket
    ("2HYY (imatinib)", "ABL1", "imatinib_2hyy_complex.pdb", 1.0),
    # gefitinib in EGFR from ABL1's gefitinib complex (2F4J): the two crystals differ in their tails
    ("4WKQ", "EGFR", "4wkq.cif", 2.0),
])
def test_a_kinase_never_seen_is_posed_from_another_kinases_template(library, tmp_path, capfd, entry, kinase,
                                                                    structure, limit):
    """Every template of the kinase removed: the pose comes from another kinase's template. Vina's
    own notices (imatinib's refinement box is over 27,000 cubic Å) reach neither stream."""
    crystal = _by_label(library, entry)
    folder = ABL if kinase == "ABL1" else EGFR
    others = [t for t in library if t.kinase != kinase]
    result = pose(f"{crystal.drug}={crystal.smiles}", kinase=kinase, structure=folder / structure,
                  templates=others, cache=tmp_path)
    assert result.method == "template" and result.template_kinase != kinase and result.coverage == 1.0
    assert result.receptor.ligand is None
    assert _rmsd_to_crystal(result, crystal) < limit
    printed = capfd.readouterr()
    assert "WARNING" not in printed.out + printed.err


@pytest.mark.slow
def test_a_template_that_cannot_be_superposed_is_passed_over(library, tmp_path):
    """A template sharing too few pocket C-alpha atoms with the receptor (here 4CMU cut to ten) is
    skipped for the next one, not the end of the pose: it used to stop the whole route with the
    superposition's error."""
    from dataclasses import replace

    cut = replace(_by_label(library, "4CMU"), positions=_by_label(library, "4CMU").positions[:10],
                  ca=_by_label(library, "4CMU").ca[:10])
    others = [cut] + [t for t in library if t.label != "4CMU"]
    result = pose(f"lorlatinib={LORLATINIB}", kinase="ALK", templates=others, exclude=["5P8"], cache=tmp_path)
    assert result.method == "template" and result.template != "4CMU"
    assert _rmsd_to_crystal(result, _by_label(library, "4CLI")) < 2.0


@pytest.mark.slow
def test_docking_when_asked_stays_in_the_pocket(library, tmp_path):
    result = pose("CNc1ncnc2[nH]ccc12", kinase="ALK", templates=library, method="dock", cache=tmp_path)
    assert result.method == "docking" and result.confidence == "low" and result.template is None
    assert result.score < -4.0
    # the docked pose touches the pocket: the posed complex loads (its rule: within 4.5 Å of KLIFS residues)
    assert len(result.complex().inhibitor.heavy) == 11


def test_bad_requests_are_refused(library, tmp_path):
    with pytest.raises(StructkitError, match="kinase 'BRAF': no structure of it at hand"):
        pose("c1ccccc1NC(=O)C", kinase="BRAF", templates=library, cache=tmp_path)
    with pytest.raises(StructkitError, match="method 'magic'"):
        pose("CCO", templates=library, method="magic")
    with pytest.raises(StructkitError, match="covalent warhead"):
        pose("C=CC(=O)Nc1ccccc1", templates=library)
    with pytest.raises(StructkitError, match="no template shares 30%"):
        pose("CSSC", templates=library, method="template", cache=tmp_path)
