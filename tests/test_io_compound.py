"""Reading a new compound: SMILES and files in, chemistry checked, assumptions stated, bad input refused.

The drugs' chemistry comes from the wwPDB CCD (as biotite ships it) through
``structkit/data/drug_chemistry.csv``, whose binding-mode column (Robichaux et al. 2021 for the EGFR
drugs) is the independent label the warhead rule is checked against.
"""

from __future__ import annotations

import csv

import pytest
from rdkit import Chem
from rdkit.Chem import AllChem

from structkit.errors import StructkitError
from structkit.io.compound import read_compound, split_named
from tests.util import REPO

#: Lorlatinib: the (10R) macrocycle, C21H19FN6O2 (formula checked against the CCD's 5P8 in test_posing).
LORLATINIB = "C[C@@H]1C2=C(C=CC(=C2)F)C(=O)N(CC3=NN(C(=C3C4=CC(=C(N=C4)N)O1)C#N)C)C"


def _drug_rows() -> list[dict[str, str]]:
    with (REPO / "structkit" / "data" / "drug_chemistry.csv").open() as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_smiles_is_read_canonically_with_its_stereo():
    compound = read_compound(f"lorlatinib={LORLATINIB}")
    assert compound.name == "lorlatinib" and compound.source == "SMILES"
    heavy = Chem.MolFromSmiles(LORLATINIB)
    assert compound.smiles == Chem.MolToSmiles(heavy)
    assert compound.n_heavy == heavy.GetNumAtoms() == 30
    # hydrogens are explicit, ready for embedding
    assert compound.mol.GetNumAtoms() == Chem.AddHs(heavy).GetNumAtoms()
    centres = Chem.FindMolChiralCenters(Chem.RemoveHs(compound.mol))
    assert centres == Chem.FindMolChiralCenters(heavy) == [(1, "R")]
    assert any("1 stereo element(s) kept as drawn" in n for n in compound.notes)
    assert any("net charge +0" in n for n in compound.notes)


def test_what_is_assumed_is_stated():
    racemic = read_compound("CC(O)c1ccccc1")
    assert any("1 undefined stereocentre(s) (atoms 1)" in n for n in racemic.notes)
    salt = read_compound("CCNc1ccccc1.Cl")
    assert salt.smiles == "CCNc1ccccc1" and any("dropped Cl" in n for n in salt.notes)
    cation = read_compound("C[NH+](C)Cc1ccccc1")
    assert cation.formal_charge == 1 and any("net charge +1" in n for n in cation.notes)


@pytest.mark.parametrize(("text", "message"), [
    ("C1CC(", "not a valid SMILES"),
    ("[H][H]", "no heavy atom"),
    ("[Na+].[Cl-]", "no carbon"),
    ("CC(=O)O[Pt](N)(N)OC(C)=O", "contains Pt"),
    ("C" * 151, "151 heavy atoms"),
    ("C=CC(=O)N1CCC(CC1)n1ncc2c1ncnc2N", "covalent warhead (acrylamide)"),
    ("N#CC(=Cc1ccccc1)C(=O)NC", "covalent warhead"),
    ("ClCC(=O)Nc1ccccc1", "covalent warhead (haloacetamide)"),
    ("", "expected a SMILES or a molecule file"),
])
def test_bad_compounds_are_refused_in_one_line(text, message):
    with pytest.raises(StructkitError, match="compound") as caught:
        read_compound(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_drugs_are_accepted_or_refused_by_their_binding_mode():
    """Reversible drugs pose; covalent ones whose CCD form keeps its warhead are refused. Neratinib,
    poziotinib, lazertinib and mobocertinib are deposited in the CCD as the reacted, saturated amide:
    that form is a reversible analogue and is accepted (no C=C outside rings left to react)."""
    from structkit.model.ligand import ccd_molecule

    seen = {"reversible": 0, "covalent refused": 0, "covalent reacted": 0}
    for row in _drug_rows():
        smiles = Chem.MolToSmiles(Chem.RemoveHs(ccd_molecule(row["ccd"])))
        mol = Chem.MolFromSmiles(smiles)
        open_double = any(b.GetBondType() in (Chem.BondType.DOUBLE, Chem.BondType.TRIPLE) and not b.IsInRing()
                          and {b.GetBeginAtom().GetSymbol(), b.GetEndAtom().GetSymbol()} == {"C"}
                          and not (b.GetBondType() == Chem.BondType.TRIPLE
                                   and any(a.GetIsAromatic() for n in (b.GetBeginAtom(), b.GetEndAtom())
                                           for a in n.GetNeighbors()))
                          for b in mol.GetBonds())
        if row["mode"] == "reversible":
            assert read_compound(smiles).smiles == Chem.MolToSmiles(mol), row["drug"]
            seen["reversible"] += 1
        elif open_double:
            with pytest.raises(StructkitError, match="covalent warhead"):
                read_compound(smiles)
            seen["covalent refused"] += 1
        else:
            read_compound(smiles)
            seen["covalent reacted"] += 1
    assert seen == {"reversible": 15, "covalent refused": 5, "covalent reacted": 4}


def test_files_give_their_chemistry_not_their_coordinates(tmp_path):
    mol = Chem.AddHs(Chem.MolFromSmiles("C[C@H](N)c1ccc(F)cc1"))
    AllChem.EmbedMolecule(mol, randomSeed=1)
    three_d = tmp_path / "amine.sdf"
    mol.SetProp("_Name", "amine-3d")
    Chem.MolToMolFile(mol, str(three_d))
    compound = read_compound(three_d)
    assert compound.name == "amine-3d" and compound.source == str(three_d)
    assert compound.smiles == Chem.MolToSmiles(Chem.MolFromSmiles("C[C@H](N)c1ccc(F)cc1"))
    assert compound.mol.GetNumConformers() == 0
    two_d = tmp_path / "flat.mol"
    flat = Chem.MolFromSmiles("C[C@@H](N)c1ccc(F)cc1")
    AllChem.Compute2DCoords(flat)
    Chem.MolToMolFile(flat, str(two_d))  # wedges carry the stereo of a 2D file
    assert read_compound(f"mine={two_d}").smiles == Chem.MolToSmiles(flat)
    assert read_compound(f"mine={two_d}").name == "mine"
    with pytest.raises(StructkitError, match="no such compound file"):
        read_compound(tmp_path / "absent.sdf")
    (tmp_path / "junk.sdf").write_text("not a molecule\n")
    with pytest.raises(StructkitError, match="cannot read a molecule"):
        read_compound(tmp_path / "junk.sdf")


@pytest.mark.parametrize(("text", "expected"), [
    ("X1=CCO", ("X1", "CCO")),
    ("my-lead=c1ccccc1", ("my-lead", "c1ccccc1")),
    ("C=CC", (None, "C=CC")),  # a SMILES with a double bond is not a name
    ("CC(=O)O", (None, "CC(=O)O")),
    ("lead=pose.sdf", ("lead", "pose.sdf")),
    ("=CCO", (None, "=CCO")),
])
def test_a_name_is_split_off_only_where_it_is_one(text, expected):
    assert split_named(text) == expected
