"""An inhibitor's chemistry from its CCD definition, remembered by content and never by object."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import structkit
from structkit.model.ligand import inhibitor_chemistry
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def test_chemistry_is_remembered_by_content_not_by_object():
    crystal = structkit.load(SHARED / "2xp2.pdb")
    first = inhibitor_chemistry(crystal)
    # a mutant model shares the inhibitor's atoms: the same chemistry, computed once
    mutant = structkit.mutate(crystal, "G1202R").complex_
    assert inhibitor_chemistry(mutant) is first
    # the same inhibitor moved by 1 A is another pose: its own conformer, never the first one's
    moved = replace(crystal.inhibitor, coords=crystal.inhibitor.coords + 1.0)
    other = inhibitor_chemistry(replace(crystal, inhibitor=moved))
    assert other is not first
    xyz = other.mol.GetConformer().GetPositions()
    np.testing.assert_allclose(xyz, crystal.inhibitor.heavy.coords + 1.0)
    np.testing.assert_allclose(first.mol.GetConformer().GetPositions(), crystal.inhibitor.heavy.coords)
    assert other.smiles == first.smiles


def test_a_remembered_chemistry_cannot_be_edited_in_place():
    chemistry = inhibitor_chemistry(structkit.load(SHARED / "2xp2.pdb"))
    with pytest.raises(ValueError, match="read-only"):
        chemistry.formal_charge[0] = 1
