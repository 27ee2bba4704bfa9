"""Coulomb and Lennard-Jones kernels against OpenMM's NonbondedForce, and the linearised soft core.

OpenMM's NonbondedForce uses 138.935456 kJ nm/mol/e^2 for Coulomb's constant, its GB forces (and structkit)
138.935485: the two agree to 2e-7 relative, hence the tolerance.
"""

from __future__ import annotations

import numpy as np
import openmm as mm
import pytest

from structkit.geometry.nonbonded import COULOMB, coulomb_lj, lennard_jones

pytestmark = [pytest.mark.openmm]


def _atoms(rng, n, offset):
    xyz = []
    while len(xyz) < n:
        p = rng.uniform(0, 12, 3) + offset
        if all(np.linalg.norm(p - q) > 2.5 for q in xyz):
            xyz.append(p)
    return (np.array(xyz), rng.normal(0, 0.4, n), rng.uniform(1.0, 3.8, n), rng.uniform(0.01, 0.2, n))


def _openmm_interaction(a, b) -> float:
    system = mm.System()
    force = mm.NonbondedForce()
    force.setNonbondedMethod(mm.NonbondedForce.NoCutoff)
    for xyz, q, s, e in (a, b):
        for i in range(len(xyz)):
            system.addParticle(1.0)
            force.addParticle(q[i], s[i] / 10.0, e[i] * 4.184)
    n_a = len(a[0])
    for first, n in ((0, n_a), (n_a, len(b[0]))):
        for i in range(first, first + n):
            for j in range(i + 1, first + n):
                force.addException(i, j, 0.0, 1.0, 0.0)
    system.addForce(force)
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("Reference"))
    context.setPositions(np.vstack([a[0], b[0]]) / 10.0)
    return context.getState(getEnergy=True).getPotentialEnergy()._value / 4.184


def test_interaction_energy_equals_openmm():
    rng = np.random.default_rng(3)
    a, b = _atoms(rng, 25, 0.0), _atoms(rng, 20, 6.0)
    coulomb, lj = coulomb_lj(a[0], *a[1:], b[0], *b[1:])
    assert coulomb + lj == pytest.approx(_openmm_interaction(a, b), rel=1e-6)
    # charges off: the Lennard-Jones part alone
    a0, b0 = (a[0], 0 * a[1], a[2], a[3]), (b[0], 0 * b[1], b[2], b[3])
    assert lj == pytest.approx(_openmm_interaction(a0, b0), rel=1e-6)


def test_coulomb_by_hand_and_rotamer_axis():
    xyz_a = np.array([[[0.0, 0, 0]], [[0.0, 0, 5.0]]])  # two "rotamers" of one atom
    xyz_b = np.array([[3.0, 0, 0]])
    one = np.ones(1)
    coulomb, lj = coulomb_lj(xyz_a, one, one, 0 * one, xyz_b, -one, one, 0 * one)
    assert coulomb == pytest.approx([-COULOMB / 3.0, -COULOMB / np.sqrt(34.0)])
    assert lj == pytest.approx([0.0, 0.0])
    coulomb, _ = coulomb_lj(xyz_a[0], one, one, 0 * one, xyz_b, -one, one, 0 * one, distance_dielectric=4.0)
    assert coulomb == pytest.approx(-COULOMB / (4.0 * 9.0))


def test_linearised_soft_core_is_continuous_and_keeps_rising():
    sigma, eps, k = 3.4, 0.1, 0.8
    r0 = k * sigma
    r = np.array([r0 - 1e-6, r0, r0 + 1e-6])
    e = lennard_jones(r, sigma, eps, soft_core=k)
    assert e[0] == pytest.approx(e[1], abs=1e-4) and e[2] == pytest.approx(e[1], abs=1e-4)
    slope_out = (lennard_jones(r0 + 1e-5, sigma, eps) - lennard_jones(r0, sigma, eps)) / 1e-5
    slope_in = (lennard_jones(r0 - 1e-3, sigma, eps, soft_core=k) - lennard_jones(r0 - 2e-3, sigma, eps,
                                                                                     soft_core=k)) / 1e-3
    assert slope_in == pytest.approx(slope_out, rel=1e-2)
    deep = lennard_jones(np.array([0.1, 1.0, 2.0]), sigma, eps, soft_core=k)
    assert deep[0] > deep[1] > deep[2] > 0 and np.all(np.isfinite(deep))
    # beyond r0 it is the plain Lennard-Jones
    assert lennard_jones(4.0, sigma, eps, soft_core=k) == pytest.approx(lennard_jones(4.0, sigma, eps))
