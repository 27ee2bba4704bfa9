"""Radii and maximal areas against Biopython's independent copies of the same published tables."""

from Bio.PDB.DSSP import residue_max_acc
from Bio.PDB.SASA import ATOMIC_RADII

from structkit.geometry.radii import FALLBACK_RADIUS, atom_radii, max_asa, vdw_radii


def test_bondi_radii_match_biopython():
    for element, radius in vdw_radii().items():
        assert ATOMIC_RADII[element] == radius, element


def test_tien_max_asa_matches_biopython():
    assert max_asa() == residue_max_acc["Wilke"]


def test_atom_radii_fallback():
    assert atom_radii(["C", "o", "XX"]).tolist() == [1.70, 1.52, FALLBACK_RADIUS]
