"""OBC2 generalized Born and ACE against OpenMM's implementation (implicit/obc2.xml) on a real pocket."""

from __future__ import annotations

import numpy as np
import openmm as mm
import pytest
from openmm.app.internal.customgbforces import GBSAOBC2Force

import structkit
from structkit.energy.prepare import prepare
from structkit.geometry.generalized_born import born_radii, descreening, solvation
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture(scope="module")
def pocket():
    complex_path, sdf = abl_files("imatinib")
    prep = prepare(structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True))
    near = np.min(np.linalg.norm(prep.coords[:, None] - prep.ligand.coords[None], axis=-1), axis=1) < 5.0
    rows = np.isin(prep.residue, np.unique(prep.residue[near]))
    return prep.coords[rows], prep.params.take(np.flatnonzero(rows)), prep.ligand


def _openmm_solvation(xyz, params) -> float:
    system = mm.System()
    force = GBSAOBC2Force(SA="ACE")
    for i in range(len(xyz)):
        system.addParticle(1.0)
        force.addParticle([params.charge[i], params.radius[i] / 10.0, params.scale[i]])
    force.finalize()
    system.addForce(force)
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("Reference"))
    context.setPositions(xyz / 10.0)
    return context.getState(getEnergy=True).getPotentialEnergy()._value / 4.184


def test_solvation_equals_openmm_obc2(pocket):
    xyz, params, _ = pocket
    polar, nonpolar = solvation(xyz, params.charge, params.radius, params.scale)
    assert len(xyz) > 300
    assert polar + nonpolar == pytest.approx(_openmm_solvation(xyz, params), rel=1e-8)
    assert polar < 0 < nonpolar


def test_ligand_solvation_equals_openmm(pocket):
    _, _, ligand = pocket
    p = ligand.params
    polar, nonpolar = solvation(ligand.coords, p.charge, p.radius, p.scale)
    assert polar + nonpolar == pytest.approx(_openmm_solvation(ligand.coords, p), rel=1e-8)


def test_descreening_adds_over_disjoint_sets(pocket):
    xyz, params, _ = pocket
    offset = params.radius - 0.09
    scaled = params.scale * offset
    whole = descreening(xyz, offset, xyz, scaled, same=True)
    half = len(xyz) // 2
    first = descreening(xyz, offset, xyz[:half], scaled[:half])
    first[:half] = descreening(xyz[:half], offset[:half], xyz[:half], scaled[:half], same=True)
    second = descreening(xyz, offset, xyz[half:], scaled[half:])
    second[half:] = descreening(xyz[half:], offset[half:], xyz[half:], scaled[half:], same=True)
    np.testing.assert_allclose(first + second, whole, rtol=1e-12)
    born = born_radii(xyz, params.radius, params.scale)
    assert np.all(born >= params.radius - 0.09 - 1e-9)
