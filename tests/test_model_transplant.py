"""A nucleotide carried into a kinase by KLIFS pocket superposition, checked against crystals."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.errors import StructkitError
from structkit.geometry.superpose import rmsd
from structkit.model.transplant import MIN_CLOSEST_A, transplant_nucleotide
from tests.util import ABL, EGFR, SHARED, abl_files

pytestmark = [pytest.mark.shared_data]



def _matched_rmsd(a, b) -> tuple[float, int]:
    names_b = list(b.name)
    common = [n for n in a.name if n in set(names_b) and not n.startswith("H")]
    ia = [list(a.name).index(n) for n in common]
    ib = [names_b.index(n) for n in common]
    return rmsd(a.coords[ia], b.coords[ib]), len(common)


def test_amp_pnp_of_wild_type_egfr_lands_where_the_l858r_crystal_has_its_own():
    """2ITX's AMP-PNP carried into 2ITV (EGFR L858R, its own AMP-PNP deposited): the pockets match
    at all 85 KLIFS positions, and the carried nucleotide lies within 1 Å (heavy-atom RMSD, atoms
    paired by name) of the one the L858R crystal holds."""
    donor = structkit.load(EGFR / "2itx.pdb", keep_hydrogens=True)
    target = structkit.load(EGFR / "2itv.pdb", keep_hydrogens=True)
    placed = transplant_nucleotide(target, donor)
    assert placed.n_positions == 85 and placed.rmsd_A < 0.5
    assert placed.closest_A >= MIN_CLOSEST_A
    deviation, n = _matched_rmsd(placed.complex_.inhibitor, target.inhibitor)
    assert n == 31 and deviation < 1.0
    c = placed.complex_
    assert c.ligand == "ANP" and c.ligand_source.startswith("transplanted from")
    np.testing.assert_array_equal(c.protein.coords, target.protein.coords)
    assert set(c.inhibitor.chain) == {target.chain}
    assert c.fingerprint() != target.fingerprint()


def test_a_pocket_that_cannot_hold_the_nucleotide_is_refused():
    """In ABL1's imatinib complex (2HYY) the glycine-rich loop folds over the phosphate site: ALK's
    ADP placed there comes within half an Ångström of Tyr253, which only backbone motion could
    relieve; that is an error naming the residue, not an estimate."""
    complex_path, sdf = abl_files("imatinib")
    target = structkit.LoadOptions.resolve(ligand_file=sdf).load(complex_path)
    donor = structkit.LoadOptions.resolve([SHARED]).load("3LCT", keep_hydrogens=True)
    with pytest.raises(StructkitError, match=r"cannot hold the ADP of 3LCT.*TYR253"):
        transplant_nucleotide(target, donor)
    assert ABL.is_dir()


def test_a_donor_without_a_nucleotide_is_refused():
    target = structkit.load(EGFR / "2itv.pdb", keep_hydrogens=True)
    with pytest.raises(StructkitError, match="is not ATP or an analogue"):
        transplant_nucleotide(target, structkit.load(EGFR / "2ity.pdb", keep_hydrogens=True))
