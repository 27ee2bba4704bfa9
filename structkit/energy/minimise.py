"""Minimise the repacked side chains of a relaxed region: ff14SB terms that touch them, L-BFGS.

The energy is OpenMM's for the region as :func:`openmm_system` builds it (Amber ff14SB, reaction-field
electrostatics with a 10 Å cutoff, the inhibitor as fixed charges and Lennard-Jones spheres, harmonic
restraints of 2 kcal/mol/Å² on the movable heavy atoms), but only the terms that involve a movable
atom are kept: fixed atoms never move, so their terms among themselves add a constant. That is most
of the work OpenMM would do (a region of 2,000 atoms moves about 200), so the minimisation costs
about a third of OpenMM's on the same region, building included, and reaches a slightly lower
minimum (``scripts/bench_minimise.py``).

Bonded terms come from OpenMM's own ff14SB typing of each movable residue in a Gly-X-Gly peptide
(the atom types of the neighbouring backbone atoms a side chain's terms reach, C, O and CA before
and N after, are the same in every standard residue), cached per residue and its atoms; 1-2 and
1-3 pairs are excluded and 1-4 pairs scaled as ff14SB says (Coulomb 1/1.2, Lennard-Jones 1/2); the
non-bonded parameters are the model's own. The forces equal OpenMM's on the movable atoms (tested to
1e-6 of the largest on four ABL1 regions, see ``tests/test_energy_minimise.py`` for the one place
OpenMM's own choice differs: the atom order of aromatic ring-hydrogen impropers). The minimiser is
SciPy's L-BFGS-B, stopped when the root-mean-square gradient over the movable coordinates falls
below 10 kJ/mol/nm (the tolerance given to OpenMM's ``LocalEnergyMinimizer`` before) or after
:data:`MAX_ITERATIONS` iterations; it is sequential and deterministic.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from structkit.energy.forcefield import REACTION_FIELD_DIELECTRIC, AtomParameters, forcefield
from structkit.energy.hydrogens import element_of
from structkit.errors import StructkitError
from structkit.geometry.molecular_mechanics import (
    MMTerms,
    mm_energy,
    neighbour_list,
    reaction_field_constants,
)

__all__ = [
    "BACKBONE",
    "CUTOFF",
    "MAX_ITERATIONS",
    "RESTRAINT",
    "TOLERANCE",
    "minimisation_terms",
    "minimise",
    "openmm_system",
]

#: Non-bonded cutoff (Å).
CUTOFF = 10.0
#: Harmonic restraint on each movable heavy atom to its packed position (kcal/mol/Å²; E = k/2 d²).
RESTRAINT = 2.0
#: At most this many L-BFGS iterations.
MAX_ITERATIONS = 100
#: Stop when the RMS gradient over the movable coordinates is below this (kcal/mol/Å; 10 kJ/mol/nm).
TOLERANCE = 10.0 / 4.184 / 10.0
_SKIN = 2.5
_KJ = 1.0 / 4.184
#: Backbone atom names (amide and terminal hydrogens included); every other atom of a repacked
#: residue (side chain and C-alpha hydrogens) moves.
BACKBONE = ("N", "H", "CA", "C", "O", "OXT", "H1", "H2", "H3")
_GLY = ("N", "H", "CA", "HA2", "HA3", "C", "O")
_COULOMB_14 = 1.0 / 1.2
_LJ_14 = 0.5


class _Template:
    """One residue's bonded terms that touch its side chain, on keys (offset, atom name), and the
    atom pairs within three bonds of a side-chain atom (depth 1, 2 or 3)."""

    def __init__(self, keys, bonds, angles, torsions, near):
        self.keys = keys  # list of (offset, name)
        self.bonds = bonds  # list of ((k1, k2), r0, k)
        self.angles = angles  # list of ((k1, k2, k3), theta0, k)
        self.torsions = torsions  # list of ((k1..k4), n, phase, k)
        self.near = near  # list of (k1, k2, depth)


@lru_cache(maxsize=512)
def _template(resname: str, names: tuple[str, ...], linked_prev: bool, linked_next: bool) -> _Template:
    import openmm as mm
    from openmm import app
    from openmm.app.element import Element

    topology = app.Topology()
    chain = topology.addChain()
    keys: list[tuple[int, str]] = []
    for offset, rname, rnames in ((-1, "GLY", _GLY if linked_prev else ()), (0, resname, names),
                                  (1, "GLY", _GLY if linked_next else ())):
        if not rnames:
            continue
        residue = topology.addResidue(rname, chain)
        for name in rnames:
            topology.addAtom(name, Element.getBySymbol(element_of(name)), residue)
            keys.append((offset, name))
    topology.createStandardBonds()
    try:
        system = forcefield().createSystem(topology, nonbondedMethod=app.NoCutoff, constraints=None,
                                           ignoreExternalBonds=True)
    except ValueError as exc:
        raise StructkitError(
            f"residue {resname} ({' '.join(names)}) has no ff14SB template ({exc})") from None
    side = {k for k, (offset, name) in enumerate(keys) if offset == 0 and name not in BACKBONE}
    bonds, angles, torsions = [], [], []
    for force in system.getForces():
        if isinstance(force, mm.HarmonicBondForce):
            for m in range(force.getNumBonds()):
                i, j, r0, k = force.getBondParameters(m)
                if side & {i, j}:
                    bonds.append(((i, j), r0._value * 10.0, k._value * _KJ / 100.0))
        elif isinstance(force, mm.HarmonicAngleForce):
            for m in range(force.getNumAngles()):
                i, j, c, theta, k = force.getAngleParameters(m)
                if side & {i, j, c}:
                    angles.append(((i, j, c), theta._value, k._value * _KJ))
        elif isinstance(force, mm.PeriodicTorsionForce):
            for m in range(force.getNumTorsions()):
                i, j, c, d, n, phase, k = force.getTorsionParameters(m)
                if side & {i, j, c, d}:
                    torsions.append(((i, j, c, d), n, phase._value, k._value * _KJ))
    index = {atom: k for k, atom in enumerate(topology.atoms())}
    graph = [(index[b[0]], index[b[1]]) for b in topology.bonds()]
    return _Template(keys, bonds, angles, torsions, _within_three_bonds(len(keys), graph, side))


def _within_three_bonds(n: int, graph: list[tuple[int, int]], start: set[int]) -> list[tuple[int, int, int]]:
    """Atom pairs (a, b, depth), a in ``start``, b at 1, 2 or 3 bonds from a (the shortest path)."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in graph:
        neighbours[a].append(b)
        neighbours[b].append(a)
    out = []
    for a in sorted(start):
        depth = {a: 0}
        frontier = [a]
        for d in (1, 2, 3):
            nxt = []
            for u in frontier:
                for v in neighbours[u]:
                    if v not in depth:
                        depth[v] = d
                        nxt.append(v)
            frontier = nxt
        out += [(a, b, d) for b, d in depth.items() if d]
    return out


def minimisation_terms(names: np.ndarray, resnames: np.ndarray, rows: np.ndarray, coords: np.ndarray,
                       params: AtomParameters, movable: np.ndarray, ligand_coords: np.ndarray | None = None,
                       ligand_params: AtomParameters | None = None) -> tuple[MMTerms, np.ndarray]:
    """The terms of a region's energy that involve a movable atom.

    Parameters
    ----------
    names, resnames : ndarray of str
    rows : ndarray of int
        Residue row of each atom; a residue's atoms are contiguous.
    coords : ndarray, shape (n, 3)
        Å; the restraint origins are the movable heavy atoms here, and residues are peptide-bonded
        where C(i-1)-N(i) is under 2 Å.
    params : AtomParameters
    movable : ndarray of bool
    ligand_coords, ligand_params : optional
        A fixed inhibitor, appended after the region's atoms.

    Returns
    -------
    terms : MMTerms
        Over the region's atoms followed by the inhibitor's.
    all_coords : ndarray
        The coordinates those indices refer to.

    Raises
    ------
    StructkitError
        A movable residue with no ff14SB template, or whose terms reach an atom the region lacks.
    """
    n_region = len(names)
    all_coords = coords if ligand_coords is None else np.vstack([coords, ligand_coords])
    all_params = params if ligand_params is None else AtomParameters.concatenate([params, ligand_params])
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    stops = np.append(starts[1:], n_region)
    where = {(int(rows[k]), str(names[k])): k for k in range(n_region)}
    bonds: dict[tuple, None] = {}  # insertion-ordered sets: each term once, in a fixed order
    angles: dict[tuple, None] = {}
    torsions: dict[tuple, None] = {}
    excluded: set[tuple[int, int]] = set()
    one_four: set[tuple[int, int]] = set()
    for a, b in zip(starts, stops):
        if not movable[a:b].any():
            continue
        row = int(rows[a])
        tpl = _template(str(resnames[a]), tuple(names[a:b].tolist()), _linked(where, coords, row - 1, row),
                        _linked(where, coords, row, row + 1))
        index = [where.get((row + offset, name), -1) for offset, name in tpl.keys]
        for atoms in [t[0] for t in tpl.bonds] + [t[0] for t in tpl.angles] + [t[0] for t in tpl.torsions]:
            missing = [tpl.keys[t] for t in atoms if index[t] < 0]
            if missing:
                offset, name = missing[0]
                raise StructkitError(f"the minimisation of residue {resnames[a]} (row {row}) needs atom "
                                     f"{name} of row {row + offset}, which the region lacks")
        for atoms, r0, k in tpl.bonds:
            bonds[(tuple(index[t] for t in atoms), r0, k)] = None
        for atoms, theta, k in tpl.angles:
            angles[(tuple(index[t] for t in atoms), theta, k)] = None
        for atoms, n, phase, k in tpl.torsions:
            torsions[(tuple(index[t] for t in atoms), n, phase, k)] = None
        for s, t, depth in tpl.near:
            i, j = index[s], index[t]
            if j >= 0:
                (excluded if depth < 3 else one_four).add((min(i, j), max(i, j)))
    one_four -= excluded
    movable_all = np.zeros(len(all_coords), dtype=bool)
    movable_all[:n_region] = movable
    restrained = np.flatnonzero(movable & np.array([element_of(str(x)) != "H" for x in names]))
    k_rf, c_rf = reaction_field_constants(CUTOFF, REACTION_FIELD_DIELECTRIC)
    ex = np.array(sorted(one_four), dtype=np.int64).reshape(-1, 2)
    q, s, e = all_params.charge, all_params.sigma, all_params.epsilon
    terms = MMTerms(
        movable=movable_all, charge=q, sigma=s, epsilon=e,
        bonds=[b[0] for b in bonds], bond_length=[b[1] for b in bonds], bond_k=[b[2] for b in bonds],
        angles=[a[0] for a in angles], angle_theta=[a[1] for a in angles], angle_k=[a[2] for a in angles],
        torsions=[t[0] for t in torsions], torsion_n=[t[1] for t in torsions],
        torsion_phase=[t[2] for t in torsions], torsion_k=[t[3] for t in torsions],
        excluded=sorted(excluded | one_four),
        exceptions=ex, exception_qq=_COULOMB_14 * q[ex[:, 0]] * q[ex[:, 1]],
        exception_sigma=0.5 * (s[ex[:, 0]] + s[ex[:, 1]]),
        exception_epsilon=_LJ_14 * np.sqrt(e[ex[:, 0]] * e[ex[:, 1]]),
        restrained=restrained, restraint_origin=coords[restrained], restraint_k=RESTRAINT,
        cutoff=CUTOFF, k_rf=k_rf, c_rf=c_rf)
    return terms, all_coords


def _linked(where: dict, coords: np.ndarray, first: int, second: int) -> bool:
    """Whether residue row ``first`` is peptide-bonded to ``second`` in the model (C-N < 2 Å)."""
    c, n = where.get((first, "C")), where.get((second, "N"))
    return c is not None and n is not None and float(np.linalg.norm(coords[c] - coords[n])) < 2.0


def minimise(coords: np.ndarray, terms: MMTerms) -> tuple[np.ndarray, int]:
    """Minimise ``terms`` over its movable atoms from ``coords`` (L-BFGS-B, see the module docstring).

    Returns the coordinates (same shape) and the number of iterations.
    """
    from scipy.optimize import minimize

    moving = np.flatnonzero(terms.movable)
    x = np.array(coords, dtype=np.float64)
    if not len(moving):
        return x, 0
    state: dict = {"list": neighbour_list(x, terms, _SKIN), "gradient": None}

    def fun(flat: np.ndarray) -> tuple[float, np.ndarray]:
        x[moving] = flat.reshape(-1, 3)
        if not state["list"].valid(x):
            state["list"] = neighbour_list(x, terms, _SKIN)
        energy, grad = mm_energy(x, terms, state["list"])
        g = grad[moving].ravel()
        state["gradient"] = g
        return energy, g

    def stop(intermediate_result) -> None:
        g = state["gradient"]
        if g is not None and np.sqrt(np.mean(g * g)) < TOLERANCE:
            raise StopIteration

    result = minimize(fun, x[moving].ravel(), jac=True, method="L-BFGS-B", callback=stop,
                      options={"maxiter": MAX_ITERATIONS, "gtol": 0.0, "ftol": 0.0, "maxcor": 10})
    x[moving] = result.x.reshape(-1, 3)
    return x, int(result.nit)


def openmm_system(names: np.ndarray, resnames: np.ndarray, rows: np.ndarray, elements: np.ndarray,
                  coords: np.ndarray, movable: np.ndarray, ligand_coords: np.ndarray | None = None,
                  ligand_params: AtomParameters | None = None):
    """The whole region as an OpenMM System (the reference :func:`minimise` reproduces on its movable
    atoms): ff14SB over the region's residues, fixed atoms massless, the inhibitor as charges and
    Lennard-Jones spheres, the restraints. Returns ``(system, positions in nm)``."""
    import openmm as mm
    from openmm import app
    from openmm.app.element import Element

    topology = app.Topology()
    last_row, last_c = None, None
    chain = None
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    stops = np.append(starts[1:], len(rows))
    for a, b in zip(starts, stops):
        row = int(rows[a])
        res_names = names[a:b].tolist()
        n_xyz = coords[a + res_names.index("N")] if "N" in res_names else None
        linked = (last_row is not None and row == last_row + 1 and last_c is not None and n_xyz is not None
                  and np.linalg.norm(n_xyz - last_c) < 2.0)
        if not linked:
            chain = topology.addChain()
        residue = topology.addResidue(str(resnames[a]), chain, id=str(row))
        for k in range(a, b):
            topology.addAtom(str(names[k]), Element.getBySymbol(str(elements[k])), residue)
        last_row = row
        last_c = coords[a + res_names.index("C")] if "C" in res_names else None
    topology.createStandardBonds()
    topology.createDisulfideBonds([(x / 10.0).tolist() for x in coords])
    system = forcefield().createSystem(topology, nonbondedMethod=app.CutoffNonPeriodic,
                                       nonbondedCutoff=CUTOFF / 10.0, constraints=None,
                                       ignoreExternalBonds=True)
    nonbonded = next(f for f in system.getForces() if isinstance(f, mm.NonbondedForce))
    positions = coords / 10.0
    if ligand_coords is not None and ligand_params is not None:
        first = system.getNumParticles()
        for q, s, e in zip(ligand_params.charge, ligand_params.sigma, ligand_params.epsilon):
            system.addParticle(0.0)
            nonbonded.addParticle(q, s / 10.0, e * 4.184)
        n_lig = len(ligand_coords)
        for i in range(n_lig):
            for j in range(i + 1, n_lig):
                nonbonded.addException(first + i, first + j, 0.0, 1.0, 0.0)
        positions = np.vstack([positions, ligand_coords / 10.0])
    for frozen in np.flatnonzero(~movable):
        system.setParticleMass(int(frozen), 0.0)
    restraint = mm.CustomExternalForce("0.5*k*((x-x0)^2+(y-y0)^2+(z-z0)^2)")
    restraint.addGlobalParameter("k", RESTRAINT * 4.184 * 100.0)
    for name in ("x0", "y0", "z0"):
        restraint.addPerParticleParameter(name)
    for held in np.flatnonzero(movable & (elements != "H")):
        restraint.addParticle(int(held), positions[held].tolist())
    system.addForce(restraint)
    return system, positions
