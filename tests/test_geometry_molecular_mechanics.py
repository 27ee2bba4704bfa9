"""The compiled molecular-mechanics kernels: each term's gradient against central finite differences,
each term's energy against OpenMM's own force on the same atoms, the neighbour list against a
brute-force pair search, and the cutoff."""

from __future__ import annotations

import numpy as np
import pytest

from structkit.geometry.molecular_mechanics import (
    COULOMB,
    MMTerms,
    mm_energy,
    neighbour_list,
    reaction_field_constants,
)

pytestmark = pytest.mark.openmm


def _terms(n: int, movable=None, **kw) -> MMTerms:
    base = dict(
        movable=np.ones(n, bool) if movable is None else movable, charge=np.zeros(n), sigma=np.ones(n),
        epsilon=np.zeros(n), bonds=[], bond_length=[], bond_k=[], angles=[], angle_theta=[], angle_k=[],
        torsions=[], torsion_n=[], torsion_phase=[], torsion_k=[], excluded=[], exceptions=[],
        exception_qq=[], exception_sigma=[], exception_epsilon=[], restrained=[],
        restraint_origin=np.zeros((0, 3)), restraint_k=0.0, cutoff=10.0, k_rf=0.0, c_rf=0.0)
    base.update(kw)
    return MMTerms(**base)


CASES = {
    "bond": dict(bonds=[(0, 1)], bond_length=[1.2], bond_k=[300.0]),
    "angle": dict(angles=[(0, 1, 2)], angle_theta=[1.9], angle_k=[50.0]),
    "torsion": dict(torsions=[(0, 1, 2, 3)], torsion_n=[3.0], torsion_phase=[0.3], torsion_k=[2.0]),
    "improper": dict(torsions=[(2, 0, 1, 3)], torsion_n=[2.0], torsion_phase=[np.pi], torsion_k=[1.1]),
    "exception": dict(exceptions=[(1, 3)], exception_qq=[0.2], exception_sigma=[3.0],
                      exception_epsilon=[0.1]),
    "restraint": dict(restrained=[2], restraint_origin=[[0.1, 0.2, 0.3]], restraint_k=2.0),
    "pair": dict(charge=[0.3, -0.2, 0.1, -0.5], sigma=[3.0, 2.5, 1.0, 3.2], epsilon=[0.1, 0.2, 0.0, 0.05],
                 excluded=[(0, 1), (1, 2), (0, 2), (2, 3), (1, 3)], k_rf=0.001, c_rf=0.15),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradient_equals_finite_differences(case):
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 1.5, (4, 3))
    terms = _terms(4, **CASES[case])
    nl = neighbour_list(x, terms, skin=5.0)
    energy, grad = mm_energy(x, terms, nl)
    assert energy != 0.0
    h = 1e-6
    numeric = np.zeros_like(x)
    for i in range(4):
        for q in range(3):
            up, down = x.copy(), x.copy()
            up[i, q] += h
            down[i, q] -= h
            numeric[i, q] = (mm_energy(up, terms, nl)[0] - mm_energy(down, terms, nl)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6 * np.abs(grad).max())


def test_pair_energy_by_hand_and_cutoff():
    """One pair: Lorentz-Berthelot Lennard-Jones plus reaction-field Coulomb, and nothing beyond the
    cutoff."""
    k_rf, c_rf = reaction_field_constants(10.0, 78.3)
    terms = _terms(2, charge=[0.5, -0.4], sigma=[3.0, 2.0], epsilon=[0.2, 0.05], k_rf=k_rf, c_rf=c_rf)
    for r in (3.1, 9.9):
        x = np.array([[0.0, 0.0, 0.0], [r, 0.0, 0.0]])
        s6 = (2.5 / r) ** 6
        expected = 4 * np.sqrt(0.01) * (s6 * s6 - s6) + COULOMB * -0.2 * (1 / r + k_rf * r * r - c_rf)
        assert mm_energy(x, terms)[0] == pytest.approx(expected, rel=1e-12)
    far = np.array([[0.0, 0.0, 0.0], [10.1, 0.0, 0.0]])
    assert mm_energy(far, terms)[0] == 0.0


def test_reaction_field_constants_are_openmms():
    """k_rf and c_rf as OpenMM defines them: the reaction-field Coulomb energy of a pair is zero at
    the cutoff, checked on OpenMM's NonbondedForce with its default dielectric."""
    import openmm as mm

    k_rf, c_rf = reaction_field_constants(10.0, 78.3)
    assert 1 / 10.0 + k_rf * 100.0 - c_rf == pytest.approx(0.0, abs=1e-15)
    system = mm.System()
    force = mm.NonbondedForce()
    force.setNonbondedMethod(mm.NonbondedForce.CutoffNonPeriodic)
    force.setCutoffDistance(1.0)
    for q in (0.5, -0.4):
        system.addParticle(1.0)
        force.addParticle(q, 0.1, 0.0)
    system.addForce(force)
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("Reference"))
    context.setPositions([[0, 0, 0], [0.6, 0, 0]])
    openmm_kcal = context.getState(getEnergy=True).getPotentialEnergy()._value / 4.184
    assert force.getReactionFieldDielectric() == 78.3
    ours = mm_energy(np.array([[0.0, 0, 0], [6.0, 0, 0]]),
                     _terms(2, charge=[0.5, -0.4], k_rf=k_rf, c_rf=c_rf))[0]
    assert ours == pytest.approx(openmm_kcal, rel=1e-6)


def test_neighbour_list_equals_brute_force():
    """Every pair with a moving atom within cutoff + skin once, exclusions left out, fixed pairs
    never; the list goes out of date when an atom moves more than half the skin."""
    rng = np.random.default_rng(3)
    x = rng.uniform(0.0, 25.0, (300, 3))
    movable = np.zeros(300, bool)
    movable[rng.choice(300, 40, replace=False)] = True
    moving = np.flatnonzero(movable)
    excluded = [(int(moving[0]), int(moving[1])), (int(moving[2]), 7)]
    terms = _terms(300, movable=movable, excluded=excluded, cutoff=6.0)
    nl = neighbour_list(x, terms, skin=1.5)
    found = {tuple(p) for p in nl.pairs.tolist()}
    for k, i in enumerate(moving):  # each moving atom's fixed neighbours, by their copied coordinates
        rows = nl.fixed_xyz.T[nl.offsets[k]:nl.offsets[k + 1]]
        for xyz in rows:
            j = int(np.flatnonzero((x == xyz).all(axis=1))[0])
            found.add((int(i), j))
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    skip = {(min(a, b), max(a, b)) for a, b in excluded}
    expected = set()
    for i in moving:
        for j in np.flatnonzero(d[i] < 7.5):
            if j == i or (movable[j] and j < i):
                continue
            if (min(i, j), max(i, j)) in skip:
                continue
            expected.add((int(i), int(j)))
    assert found == expected
    assert nl.valid(x)
    moved = x.copy()
    moved[moving[5]] += [0.8, 0.0, 0.0]
    assert not nl.valid(moved)
    with pytest.raises(ValueError, match="out of date"):
        mm_energy(moved, terms, nl)
