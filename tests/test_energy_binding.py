"""Binding energy terms against OpenMM (NonbondedForce + the OBC2 force of implicit/obc2.xml) computed
as E(complex) - E(protein) - E(ligand), and the cached scorer against a fresh calculation."""

from __future__ import annotations

import numpy as np
import openmm as mm
import pytest
from openmm.app.internal.customgbforces import GBSAOBC2Force

import structkit
from structkit.energy.binding import BindingScorer, binding_terms
from structkit.energy.prepare import prepare
from structkit.energy.relax import relax, select_region
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture(scope="module")
def prep():
    complex_path, sdf = abl_files("imatinib")
    return prepare(structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True))


def _openmm(groups) -> tuple[float, float]:
    """(non-bonded, solvation) energy of atom groups with no interaction inside a group (kcal/mol)."""
    system = mm.System()
    nonbonded = mm.NonbondedForce()
    nonbonded.setNonbondedMethod(mm.NonbondedForce.NoCutoff)
    gb = GBSAOBC2Force(SA="ACE")
    first = 0
    for xyz, p in groups:
        for i in range(len(xyz)):
            system.addParticle(1.0)
            nonbonded.addParticle(p.charge[i], p.sigma[i] / 10, p.epsilon[i] * 4.184)
            gb.addParticle([p.charge[i], p.radius[i] / 10, p.scale[i]])
        for i in range(first, first + len(xyz)):
            for j in range(i + 1, first + len(xyz)):
                nonbonded.addException(i, j, 0.0, 1.0, 0.0)
        first += len(xyz)
    gb.finalize()
    gb.setForceGroup(1)
    system.addForce(nonbonded)
    system.addForce(gb)
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("Reference"))
    context.setPositions(np.vstack([g[0] for g in groups]) / 10)
    state = [context.getState(getEnergy=True, groups={k}) for k in (0, 1)]
    return tuple(x.getPotentialEnergy()._value / 4.184 for x in state)


def test_binding_terms_equal_openmm_difference(prep):
    near = np.min(np.linalg.norm(prep.coords[:, None] - prep.ligand.coords[None], axis=-1), axis=1) < 4.0
    rows = np.flatnonzero(np.isin(prep.residue, np.unique(prep.residue[near])))
    xyz, params, ligand = prep.coords[rows], prep.params.take(rows), prep.ligand
    terms = binding_terms(xyz, params, ligand)
    both = _openmm([(xyz, params), (ligand.coords, ligand.params)])
    protein = _openmm([(xyz, params)])
    alone = _openmm([(ligand.coords, ligand.params)])
    assert terms.vdw + terms.coulomb == pytest.approx(both[0] - protein[0] - alone[0], rel=1e-6)
    assert terms.gb_polar + terms.nonpolar == pytest.approx(both[1] - protein[1] - alone[1], rel=1e-8)
    assert terms.vdw < 0  # a crystal pose packs against its pocket


def test_scorer_reuses_fixed_atoms_exactly(prep):
    region = select_region(prep, [prep.row_of(315)])
    scorer = BindingScorer(prep.ligand)
    for changes in ({}, {prep.row_of(315): "ILE"}):
        model = relax(prep, region, changes, minimise=False)
        fresh = binding_terms(model.coords, model.params, prep.ligand)
        cached = scorer.terms(model.coords, model.params, model.movable)
        for key in ("vdw", "coulomb", "gb_polar", "nonpolar"):
            assert getattr(cached, key) == pytest.approx(getattr(fresh, key), rel=1e-9, abs=1e-9)
