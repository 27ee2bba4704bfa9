"""The symmetry-aware pose RMSD against RDKit's ``CalcRMS``, and its indifference to drawn charges."""

from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem import AllChem, rdMolAlign

from structkit.errors import StructkitError
from structkit.posing.rmsd import pose_rmsd


def _two_poses(smiles: str, seed: int) -> tuple[Chem.Mol, Chem.Mol]:
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    ids = list(AllChem.EmbedMultipleConfs(mol, 2, randomSeed=seed))
    first, second = (Chem.RemoveHs(Chem.Mol(mol, confId=i)) for i in ids)
    return first, second


def test_pose_rmsd_matches_rdkit_and_ignores_drawn_charges():
    a, b = _two_poses("CN1CCN(Cc2ccc(C(=O)Nc3ccccc3)cc2)CC1", 3)
    expected = rdMolAlign.CalcRMS(a, b)  # symmetry-aware, no fitting
    assert expected > 0.5
    assert pose_rmsd(a, b) == pytest.approx(expected, abs=1e-9)
    charged = Chem.RWMol(b)
    charged.GetAtomWithIdx(1).SetFormalCharge(1)  # the piperazine drawn protonated in one file
    charged.GetAtomWithIdx(1).SetNumExplicitHs(1)
    Chem.SanitizeMol(charged)
    assert pose_rmsd(a, charged) == pytest.approx(expected, abs=1e-9)
    assert pose_rmsd(a, a) == 0.0


def test_different_compounds_are_refused():
    a, _ = _two_poses("CN1CCN(Cc2ccc(C(=O)Nc3ccccc3)cc2)CC1", 3)
    ester, _ = _two_poses("CN1CCN(Cc2ccc(C(=O)Oc3ccccc3)cc2)CC1", 3)
    with pytest.raises(StructkitError, match="not of the same compound"):
        pose_rmsd(a, ester)
    small, _ = _two_poses("CCO", 1)
    with pytest.raises(StructkitError, match="differ in heavy atoms"):
        pose_rmsd(a, small)
