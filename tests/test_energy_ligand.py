"""Ligand parameters: the pH 7 amine rule, the file's own hydrogens, charges, and pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from rdkit import Chem

import structkit
from structkit.energy.ligand_parameters import ligand_model
from structkit.model.protonation import protonate_basic_amines
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data]


@pytest.mark.parametrize(("smiles", "charged"), [
    ("CC(Oc1cc(-c2cnn(C3CCNCC3)c2)cnc1N)c1c(Cl)ccc(F)c1Cl", 1),  # crizotinib: the piperidine
    ("COc1cc(N2CCC(N3CCN(C)CC3)CC2)ccc1Nc1ncc(Cl)c(Nc2ccccc2P(C)(C)=O)n1", 1),  # brigatinib: one piperazine N
    ("CC1Oc2cc(cnc2N)-c2c(nn(C)c2C#N)CN(C)C(=O)c2ccc(F)cc21", 0),  # lorlatinib: amide and aminopyridine
    ("CC(=O)NCCN", 1),  # the amine, not the amide
    ("c1ccccc1N(C)C", 0),  # an aniline
    ("CNN", 0),  # a hydrazine
])
def test_basic_amines(smiles, charged):
    mol, n = protonate_basic_amines(Chem.MolFromSmiles(smiles))
    assert n == charged
    assert Chem.GetFormalCharge(mol) == charged


def test_file_hydrogens_and_charges():
    complex_path, sdf = abl_files("dasatinib")
    c = structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True)
    hydrogens = c.inhibitor.coords[c.inhibitor.is_hydrogen]
    model = ligand_model(c.ligand_mol, "dasatinib", hydrogens=hydrogens)
    placed = model.coords[model.element == "H"]
    distance = np.linalg.norm(placed[:, None] - hydrogens[None], axis=-1).min(axis=1)
    assert distance.max() < 1e-3
    assert model.params.charge.sum() == pytest.approx(Chem.GetFormalCharge(c.ligand_mol))
    assert np.all(model.params.sigma > 0) and np.all(model.params.radius >= 1.2)


def test_pickled_molecule_gives_the_same_model():
    complex_path, sdf = abl_files("erlotinib")
    c = structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True)
    again = pickle.loads(pickle.dumps(c.ligand_mol))
    a, b = ligand_model(c.ligand_mol, "x"), ligand_model(again, "x")
    np.testing.assert_array_equal(a.coords, b.coords)
    np.testing.assert_array_equal(a.params.charge, b.params.charge)
