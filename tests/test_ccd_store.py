"""CCD molecules kept on disk: read back exactly as built, used by load() without biotite, and an
unreadable entry is a miss."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rdkit import Chem

import structkit
import structkit.model.ligand as ligand_module
from structkit.io.ccd_store import ccd_from_store, ccd_to_store
from structkit.model.ligand import inhibitor_chemistry
from tests.util import shared_file

pytestmark = [pytest.mark.shared_data]

#: Crizotinib, lorlatinib, alectinib, ADP (3LCT) and AMP-PNP (EGFR 2ITX): charged, aromatic, chiral.
CODES = ["VGH", "5P8", "EMH", "ADP", "ANP"]


def _atoms(mol: Chem.Mol) -> list[tuple]:
    return [(a.GetProp("_ccd_name"), a.GetSymbol(), a.GetFormalCharge(), a.GetIsAromatic(),
             a.GetNumExplicitHs(), a.GetNoImplicit(), str(a.GetChiralTag())) for a in mol.GetAtoms()]


@pytest.fixture
def fresh_process(monkeypatch):
    """This process as if new: no CCD molecule and no inhibitor chemistry held (earlier tests in
    the same worker may have filled both)."""
    monkeypatch.setattr(ligand_module, "_CCD_MOLECULES", {})
    monkeypatch.setattr(ligand_module, "_CHEMISTRY_MEMO", {})


@pytest.mark.parametrize("code", CODES)
def test_stored_molecule_is_the_built_one(code, tmp_path, fresh_process):
    built = ligand_module.ccd_molecule(code)
    ccd_to_store(code, tmp_path)
    ligand_module._CCD_MOLECULES.clear()
    assert ccd_from_store(code, tmp_path)
    stored = ligand_module.ccd_molecule(code)
    assert stored is not built
    assert Chem.MolToSmiles(stored) == Chem.MolToSmiles(built)
    assert _atoms(stored) == _atoms(built)
    assert [(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), str(b.GetBondType())) for b in stored.GetBonds()] == \
        [(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), str(b.GetBondType())) for b in built.GetBonds()]
    np.testing.assert_array_equal(stored.GetConformer().GetPositions(), built.GetConformer().GetPositions())


def test_load_uses_the_store_instead_of_biotite(tmp_path, fresh_process, monkeypatch):
    path = shared_file("2XP2")
    expected = inhibitor_chemistry(structkit.load(path))  # built from biotite's dictionary
    assert ligand_module.has_ccd_molecule("VGH")
    ccd_to_store("VGH", tmp_path)
    ligand_module._CCD_MOLECULES.clear()
    ligand_module._CHEMISTRY_MEMO.clear()

    def no_biotite(code):
        raise AssertionError(f"{code} built again")

    monkeypatch.setattr(ligand_module, "_biotite_ccd_molecule", no_biotite)
    chemistry = inhibitor_chemistry(structkit.load(path, cache=tmp_path))
    assert chemistry.smiles == expected.smiles
    np.testing.assert_array_equal(chemistry.donor, expected.donor)
    np.testing.assert_array_equal(chemistry.formal_charge, expected.formal_charge)


def test_unreadable_entry_is_a_miss(tmp_path, fresh_process):
    ligand_module.ccd_molecule("VGH")
    ccd_to_store("VGH", tmp_path)
    (entry,) = (tmp_path / "results" / "ccd").rglob("*.json")
    entry.write_text(json.dumps({"code": "VGH", "mol": "not base64 of a molecule"}))
    ligand_module._CCD_MOLECULES.clear()
    assert not ccd_from_store("VGH", tmp_path)
    assert not ccd_from_store("", tmp_path) and not ccd_from_store("XYZ", tmp_path)
    assert ligand_module.ccd_molecule("VGH").GetNumAtoms() > 0  # built again
