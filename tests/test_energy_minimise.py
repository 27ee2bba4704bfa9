"""The region minimisation against OpenMM: the same energy and forces on the movable atoms as OpenMM's
ff14SB System of the whole region, an energy drop close to what OpenMM's LocalEnergyMinimizer
reaches from the same start, only movable atoms moved, and the same answer twice."""

from __future__ import annotations

import numpy as np
import pytest

from structkit.energy.forcefield import REACTION_FIELD_DIELECTRIC
from structkit.energy.minimise import (
    minimisation_terms,
    minimise,
    openmm_system,
)
from structkit.energy.relax import relax, select_region
from structkit.errors import StructkitError
from structkit.geometry.molecular_mechanics import mm_energy

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


def _region(prep, position: int, target: str | None):
    row = prep.row_of(position)
    model = relax(prep, select_region(prep, [row]), {row: target} if target else {}, minimise=False)
    lig = prep.ligand
    terms, start = minimisation_terms(model.names, model.resnames, model.row, model.packed, model.params,
                                      model.movable, lig.coords, lig.params)
    return model, terms, start


def _openmm(model, prep, platform: str = "Reference"):
    import openmm as mm

    system, _ = openmm_system(model.names, model.resnames, model.row, model.elements, model.packed,
                              model.movable, prep.ligand.coords, prep.ligand.params)
    props = {"Threads": "1"} if platform == "CPU" else {}
    return mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName(platform), props)


def _openmm_energy_forces(context, xyz):
    context.setPositions(xyz / 10.0)
    state = context.getState(getEnergy=True, getForces=True)
    return state.getPotentialEnergy()._value / 4.184, state.getForces(asNumpy=True)._value / 41.84


def test_reaction_field_dielectric_is_openmms_default():
    import openmm as mm

    assert mm.NonbondedForce().getReactionFieldDielectric() == REACTION_FIELD_DIELECTRIC


_RING_RESIDUES = ("PHE", "TYR", "TRP", "HIS")


@pytest.mark.parametrize("position,target", [(253, "HIS"), (351, None), (315, "ILE"), (317, "PRO")])
def test_energy_and_forces_equal_openmms_on_the_movable_atoms(imatinib, position, target):
    """At the packed coordinates and after a random displacement of the movable atoms: gradient =
    -OpenMM's force on every movable atom, and the same energy difference.

    Aromatic rings are left planar by the displacement: OpenMM orders the two outer atoms of a ring
    hydrogen's improper torsion through a cache keyed on atom types that the first such residue of a
    topology fills, so in a region its choice for one ring depends on the residues before it, while
    ours follows OpenMM's rule for each residue alone. Both choices give a zero term and zero force
    on a planar ring."""
    model, terms, start = _region(imatinib, position, target)
    context = _openmm(model, imatinib)
    moving = np.flatnonzero(terms.movable)
    energy_0, forces_0 = _openmm_energy_forces(context, start)
    ours_0, grad_0 = mm_energy(start, terms)
    np.testing.assert_allclose(grad_0[moving], -forces_0[moving], rtol=0,
                               atol=1e-6 * np.abs(forces_0[moving]).max())
    ring = np.zeros(len(start), bool)
    beyond_cb = ~np.isin(model.names, ("CB", "HA", "HB2", "HB3"))
    ring[:len(model.names)] = np.isin(model.resnames, _RING_RESIDUES) & beyond_cb
    shaken = np.flatnonzero(terms.movable & ~ring)
    moved = start.copy()
    moved[shaken] += np.random.default_rng(0).normal(0.0, 0.05, (len(shaken), 3))
    energy_1, forces_1 = _openmm_energy_forces(context, moved)
    ours_1, grad_1 = mm_energy(moved, terms)
    np.testing.assert_allclose(grad_1[moving], -forces_1[moving], rtol=0,
                               atol=1e-6 * np.abs(forces_1[moving]).max())
    assert ours_1 - ours_0 == pytest.approx(energy_1 - energy_0, rel=1e-7)


def test_minimum_as_low_as_openmms_and_only_movable_atoms_move(imatinib):
    import openmm as mm

    model, terms, start = _region(imatinib, 253, "HIS")
    ours, iterations = minimise(start, terms)
    assert 0 < iterations <= 100
    moved = np.linalg.norm(ours - start, axis=1) > 1e-9
    assert moved.any() and not (moved & ~terms.movable).any()
    context = _openmm(model, imatinib, "CPU")
    context.setPositions(start / 10.0)
    mm.LocalEnergyMinimizer.minimize(context, 10.0, 100)
    theirs = context.getState(getPositions=True).getPositions(asNumpy=True)._value * 10.0
    e_start, _ = _openmm_energy_forces(context, start)
    e_ours, _ = _openmm_energy_forces(context, ours)
    e_theirs, _ = _openmm_energy_forces(context, theirs)
    assert e_ours < e_start - 50.0
    # our stopping rule is OpenMM's, the path is SciPy's: at least 95 % of OpenMM's energy drop
    assert e_start - e_ours >= 0.95 * (e_start - e_theirs)
    again, _ = minimise(start, terms)
    np.testing.assert_array_equal(again, ours)


def test_a_movable_residue_missing_an_atom_is_an_error(imatinib):
    """A proline after a residue that lacks its carbonyl O (a truncated file): that residue has no
    ff14SB template and the proline's CD-N-C(i-1)-O(i-1) torsion has no atom to reach, an error
    naming the residue, not a silent omission. With the neighbour fixed (not repacked), the error
    names the proline, the atom and the row."""
    model, _, _ = _region(imatinib, 317, "PRO")
    row = imatinib.row_of(317)
    drop = (model.row == row - 1) & (model.names == "O")
    keep = ~drop
    with pytest.raises(StructkitError, match=r"residue GLU .* no ff14SB template"):
        minimisation_terms(model.names[keep], model.resnames[keep], model.row[keep], model.packed[keep],
                           model.params.take(np.flatnonzero(keep)), model.movable[keep])
    only_site = model.movable & (model.row == row)
    with pytest.raises(StructkitError, match=rf"residue PRO \(row {row}\) needs atom O of row {row - 1}"):
        minimisation_terms(model.names[keep], model.resnames[keep], model.row[keep], model.packed[keep],
                           model.params.take(np.flatnonzero(keep)), only_site[keep])


def test_nothing_to_move_returns_the_start(imatinib):
    model, _, start = _region(imatinib, 351, None)
    none = np.zeros(len(model.names), bool)
    lig = imatinib.ligand
    still, _ = minimisation_terms(model.names, model.resnames, model.row, model.packed, model.params, none,
                                  lig.coords, lig.params)
    out, iterations = minimise(start, still)
    assert iterations == 0
    np.testing.assert_array_equal(out, start)
