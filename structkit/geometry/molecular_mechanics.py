"""Energy and gradient of an Amber-style molecular-mechanics function, in compiled kernels.

The terms and their conventions are OpenMM's (``HarmonicBondForce``, ``HarmonicAngleForce``,
``PeriodicTorsionForce`` and a ``NonbondedForce`` with ``CutoffNonPeriodic`` reaction-field
electrostatics, Lorentz-Berthelot Lennard-Jones truncated at the cutoff, and exceptions computed as
plain Coulomb plus Lennard-Jones without cutoff), written for a minimisation that moves a few hundred
atoms among a few thousand fixed ones: only terms and pairs that involve a moving atom are listed
and computed, since the rest add a constant. Units: Å, kcal/mol, radians, elementary charges (the
Coulomb constant :data:`COULOMB` is :data:`structkit.geometry.nonbonded.COULOMB_NONBONDED_FORCE`,
the one OpenMM's ``NonbondedForce`` uses).

Every function takes and returns NumPy arrays; the kernels are compiled with Numba on first use
(and cached on disk). Each kernel runs on one thread, so a result does not depend on the number of
threads; the non-bonded kernel is vectorised by the compiler over a moving atom's fixed neighbours,
whose coordinates it keeps in contiguous arrays (:class:`NeighbourList`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from structkit.geometry.nonbonded import COULOMB_NONBONDED_FORCE as COULOMB

__all__ = ["COULOMB", "MMTerms", "NeighbourList", "mm_energy", "neighbour_list", "reaction_field_constants"]

def reaction_field_constants(cutoff: float, dielectric: float) -> tuple[float, float]:
    """OpenMM's reaction-field constants ``k_rf`` (Å^-3) and ``c_rf`` (Å^-1) for a cutoff (Å) and
    the dielectric beyond it: E = C q_i q_j (1/r + k_rf r^2 - c_rf) for r < cutoff."""
    k_rf = (dielectric - 1.0) / (2.0 * dielectric + 1.0) / cutoff ** 3
    c_rf = 3.0 * dielectric / (2.0 * dielectric + 1.0) / cutoff
    return k_rf, c_rf


def _ints(a, width: int) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.int64).reshape(-1, width))


def _floats(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64).ravel())


class MMTerms:
    """The terms of an energy function over atoms ``0..n-1`` that move some of them.

    Parameters
    ----------
    movable : ndarray of bool, shape (n,)
    charge, sigma, epsilon : ndarray, shape (n,)
        Non-bonded parameters of every atom (e, Å, kcal/mol); pairs combine them Lorentz-Berthelot.
    bonds : ndarray of int, shape (nb, 2); bond_length, bond_k : ndarray
        E = k/2 (r - r0)^2 (Å, kcal/mol/Å^2).
    angles : ndarray of int, shape (na, 3); angle_theta, angle_k : ndarray
        E = k/2 (theta - theta0)^2 (radians, kcal/mol/rad^2); the middle atom is the vertex.
    torsions : ndarray of int, shape (nt, 4); torsion_n, torsion_phase, torsion_k : ndarray
        E = k (1 + cos(n phi - phase)) (proper and improper alike, OpenMM's atom order).
    excluded : ndarray of int, shape (nx, 2)
        Pairs left out of the non-bonded sum (1-2, 1-3 and the 1-4 pairs listed as exceptions).
    exceptions : ndarray of int, shape (ne, 2); exception_qq, exception_sigma, exception_epsilon
        Scaled 1-4 pairs: plain Coulomb and Lennard-Jones at any distance (the pair kernel with no
        cutoff and no reaction field).
    restrained : ndarray of int; restraint_origin : ndarray, shape (nr, 3); restraint_k : float
        E = k/2 |x - x0|^2 (kcal/mol/Å^2).
    cutoff, k_rf, c_rf : float
        Every other pair with a movable atom counts within ``cutoff``: C q_i q_j (1/r + k_rf r^2 -
        c_rf) + 4 eps ((sigma/r)^12 - (sigma/r)^6).
    """

    def __init__(self, *, movable, charge, sigma, epsilon, bonds, bond_length, bond_k, angles, angle_theta,
                 angle_k, torsions, torsion_n, torsion_phase, torsion_k, excluded, exceptions, exception_qq,
                 exception_sigma, exception_epsilon, restrained, restraint_origin, restraint_k: float,
                 cutoff: float, k_rf: float, c_rf: float) -> None:
        self.movable = np.asarray(movable, dtype=bool)
        self.charge, self.sigma, self.epsilon = _floats(charge), _floats(sigma), _floats(epsilon)
        self.bonds, self.bond_length, self.bond_k = _ints(bonds, 2), _floats(bond_length), _floats(bond_k)
        self.angles, self.angle_theta, self.angle_k = _ints(angles, 3), _floats(angle_theta), _floats(angle_k)
        self.torsions, self.torsion_n = _ints(torsions, 4), _floats(torsion_n)
        self.torsion_phase, self.torsion_k = _floats(torsion_phase), _floats(torsion_k)
        self.excluded = _ints(excluded, 2)
        self.exceptions, self.exception_qq = _ints(exceptions, 2), _floats(exception_qq)
        self.exception_sigma, self.exception_epsilon = _floats(exception_sigma), _floats(exception_epsilon)
        self.exception_a, self.exception_b = _lj_coefficients(self.exception_sigma, self.exception_epsilon)
        self.restrained = np.ascontiguousarray(np.asarray(restrained, dtype=np.int64).ravel())
        self.restraint_origin = np.ascontiguousarray(
            np.asarray(restraint_origin, dtype=np.float64).reshape(-1, 3))
        self.restraint_k = float(restraint_k)
        self.cutoff, self.k_rf, self.c_rf = float(cutoff), float(k_rf), float(c_rf)


class NeighbourList:
    """The non-bonded pairs of :class:`MMTerms` within ``cutoff + skin`` of the coordinates it was
    built at, with their combined parameters: moving-moving pairs as a list, each moving atom's
    fixed neighbours as contiguous rows (``offsets`` into the neighbour arrays, their coordinates
    copied, since fixed atoms do not move). Valid while no moving atom has moved more than
    ``skin / 2`` from ``built``."""

    def __init__(self, moving, built, skin, pairs, pair_qq, pair_a, pair_b, offsets, fixed_xyz, fixed_qq,
                 fixed_a, fixed_b):
        self.moving, self.built, self.skin = moving, built, skin
        self.pairs, self.pair_qq, self.pair_a, self.pair_b = pairs, pair_qq, pair_a, pair_b
        self.offsets, self.fixed_xyz, self.fixed_qq, self.fixed_a, self.fixed_b = (
            offsets, fixed_xyz, fixed_qq, fixed_a, fixed_b)

    def valid(self, x: np.ndarray) -> bool:
        """Whether the list still holds every pair within the cutoff at ``x``."""
        moved = np.sum((x[self.moving] - self.built) ** 2, axis=1)
        return bool(moved.max(initial=0.0) <= (0.5 * self.skin) ** 2)


def _lj_coefficients(sigma: np.ndarray, epsilon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """4 eps sigma^12 and 4 eps sigma^6 of pairs with these (combined) sigma and epsilon."""
    sigma6 = sigma ** 6
    return 4.0 * epsilon * sigma6 * sigma6, 4.0 * epsilon * sigma6


def _combined(terms: MMTerms, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Lennard-Jones coefficients of atom pairs, combined Lorentz-Berthelot."""
    sigma = 0.5 * (terms.sigma[i] + terms.sigma[j])
    return _lj_coefficients(sigma, np.sqrt(terms.epsilon[i] * terms.epsilon[j]))


def neighbour_list(x: np.ndarray, terms: MMTerms, skin: float = 1.0) -> NeighbourList:
    """The :class:`NeighbourList` of ``terms`` at coordinates ``x`` (Å)."""
    from scipy.spatial import cKDTree

    movable = terms.movable
    moving = np.flatnonzero(movable)
    n = len(x)
    near = cKDTree(x[moving]).sparse_distance_matrix(cKDTree(x), terms.cutoff + skin, output_type="ndarray")
    i, j = moving[near["i"]], near["j"].astype(np.int64)
    keep = (j != i) & (~movable[j] | (j > i))
    i, j = i[keep], j[keep]
    if len(terms.excluded):
        code = np.minimum(i, j) * n + np.maximum(i, j)
        skip = np.sort(np.minimum(terms.excluded[:, 0], terms.excluded[:, 1]) * n
                       + np.maximum(terms.excluded[:, 0], terms.excluded[:, 1]))
        at = np.minimum(np.searchsorted(skip, code), len(skip) - 1)
        keep = skip[at] != code
        i, j = i[keep], j[keep]
    order = np.argsort(i * n + j, kind="stable")  # by moving atom, then neighbour
    i, j = i[order], j[order]
    both = movable[j]
    pi, pj = i[both], j[both]
    pa, pb = _combined(terms, pi, pj)
    fi, fj = i[~both], j[~both]  # i moving, j fixed; sorted by i, then j
    counts = np.bincount(np.searchsorted(moving, fi), minlength=len(moving))
    fa, fb = _combined(terms, fi, fj)
    return NeighbourList(
        moving=moving, built=x[moving].copy(), skin=skin,
        pairs=np.ascontiguousarray(np.stack([pi, pj], axis=1)), pair_qq=terms.charge[pi] * terms.charge[pj],
        pair_a=pa, pair_b=pb, offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        fixed_xyz=np.ascontiguousarray(x[fj].T), fixed_qq=terms.charge[fi] * terms.charge[fj],
        fixed_a=fa, fixed_b=fb)


def mm_energy(x: np.ndarray, terms: MMTerms,
              neighbours: NeighbourList | None = None) -> tuple[float, np.ndarray]:
    """Energy (kcal/mol) and gradient (kcal/mol/Å, shape of ``x``) of ``terms`` at coordinates ``x``.

    The energy counts every listed term and every non-bonded pair with a moving atom once (terms
    among fixed atoms alone are left out); the gradient is exact on the moving atoms (fixed atoms
    get only part of theirs). ``neighbours`` (built here when not given) must be valid at ``x``.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    if neighbours is None:
        neighbours = neighbour_list(x, terms)
    elif not neighbours.valid(x):
        raise ValueError("the neighbour list is out of date for these coordinates")
    grad = np.zeros_like(x)
    t, nl = terms, neighbours
    cut2 = t.cutoff * t.cutoff
    e = _bonds(x, t.bonds, t.bond_length, t.bond_k, grad)
    e += _angles(x, t.angles, t.angle_theta, t.angle_k, grad)
    e += _torsions(x, t.torsions, t.torsion_n, t.torsion_phase, t.torsion_k, grad)
    e += _pairs(x, nl.pairs, nl.pair_qq, nl.pair_a, nl.pair_b, cut2, t.k_rf, t.c_rf, grad)
    e += _fixed_pairs(x, nl.moving, nl.offsets, nl.fixed_xyz[0], nl.fixed_xyz[1], nl.fixed_xyz[2],
                      nl.fixed_qq, nl.fixed_a, nl.fixed_b, cut2, t.k_rf, t.c_rf, grad)
    e += _pairs(x, t.exceptions, t.exception_qq, t.exception_a, t.exception_b, np.inf, 0.0, 0.0, grad)
    e += _restraints(x, t.restrained, t.restraint_origin, t.restraint_k, grad)
    return float(e), grad


@njit(cache=True)
def _add_pair_force(grad, i, j, g0, g1, g2):  # pragma: no cover - compiled
    """Add a pair's gradient (on i; the opposite on j)."""
    grad[i, 0] += g0
    grad[i, 1] += g1
    grad[i, 2] += g2
    grad[j, 0] -= g0
    grad[j, 1] -= g1
    grad[j, 2] -= g2


@njit(cache=True)
def _pair_terms(r2, qq, a12, b6, k_rf, c_rf):  # pragma: no cover - compiled
    """Energy and (dE/dr)/r of one pair within the cutoff."""
    inv_r2 = 1.0 / r2
    inv_r = np.sqrt(inv_r2)
    inv6 = inv_r2 * inv_r2 * inv_r2
    c = COULOMB * qq
    energy = (a12 * inv6 - b6) * inv6 + c * (inv_r + k_rf * r2 - c_rf)
    force = -(12.0 * a12 * inv6 - 6.0 * b6) * inv6 * inv_r2 + c * (2.0 * k_rf - inv_r * inv_r2)
    return energy, force


@njit(cache=True)
def _pairs(x, idx, qq, a12, b6, cut2, k_rf, c_rf, grad):  # pragma: no cover - compiled
    e = 0.0
    for m in range(idx.shape[0]):
        i, j = idx[m, 0], idx[m, 1]
        d0, d1, d2 = x[i, 0] - x[j, 0], x[i, 1] - x[j, 1], x[i, 2] - x[j, 2]
        r2 = d0 * d0 + d1 * d1 + d2 * d2
        if r2 >= cut2:
            continue
        en, f = _pair_terms(r2, qq[m], a12[m], b6[m], k_rf, c_rf)
        e += en
        _add_pair_force(grad, i, j, f * d0, f * d1, f * d2)
    return e


@njit(cache=True, fastmath=True)
def _fixed_pairs(x, moving, offsets, px, py, pz, qq, a12, b6, cut2, k_rf, c_rf, grad):  # pragma: no cover
    e = 0.0
    for k in range(moving.shape[0]):
        i = moving[k]
        xi, yi, zi = x[i, 0], x[i, 1], x[i, 2]
        e_i, gx, gy, gz = 0.0, 0.0, 0.0, 0.0
        for m in range(offsets[k], offsets[k + 1]):
            d0, d1, d2 = xi - px[m], yi - py[m], zi - pz[m]
            r2 = d0 * d0 + d1 * d1 + d2 * d2
            inside = 1.0 if r2 < cut2 else 0.0
            en, f = _pair_terms(r2, qq[m], a12[m], b6[m], k_rf, c_rf)
            e_i += inside * en
            f *= inside
            gx += f * d0
            gy += f * d1
            gz += f * d2
        e += e_i
        grad[i, 0] += gx
        grad[i, 1] += gy
        grad[i, 2] += gz
    return e


@njit(cache=True)
def _bonds(x, idx, r0, k, grad):  # pragma: no cover - compiled
    e = 0.0
    for m in range(idx.shape[0]):
        i, j = idx[m, 0], idx[m, 1]
        d0, d1, d2 = x[i, 0] - x[j, 0], x[i, 1] - x[j, 1], x[i, 2] - x[j, 2]
        r = np.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        dr = r - r0[m]
        e += 0.5 * k[m] * dr * dr
        f = k[m] * dr / r
        _add_pair_force(grad, i, j, f * d0, f * d1, f * d2)
    return e


@njit(cache=True)
def _angles(x, idx, theta0, k, grad):  # pragma: no cover - compiled
    e = 0.0
    for m in range(idx.shape[0]):
        i1, i2, i3 = idx[m, 0], idx[m, 1], idx[m, 2]
        a0, a1, a2 = x[i1, 0] - x[i2, 0], x[i1, 1] - x[i2, 1], x[i1, 2] - x[i2, 2]
        b0, b1, b2 = x[i3, 0] - x[i2, 0], x[i3, 1] - x[i2, 1], x[i3, 2] - x[i2, 2]
        ra = np.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
        rb = np.sqrt(b0 * b0 + b1 * b1 + b2 * b2)
        c = (a0 * b0 + a1 * b1 + a2 * b2) / (ra * rb)
        c = min(1.0, max(-1.0, c))
        dt = np.arccos(c) - theta0[m]
        e += 0.5 * k[m] * dt * dt
        de = -k[m] * dt / np.sqrt(max(1.0 - c * c, 1e-12))  # dE/dcos(theta)
        u, va, vb = de / (ra * rb), de * c / (ra * ra), de * c / (rb * rb)
        gi0, gi1, gi2 = u * b0 - va * a0, u * b1 - va * a1, u * b2 - va * a2
        gl0, gl1, gl2 = u * a0 - vb * b0, u * a1 - vb * b1, u * a2 - vb * b2
        grad[i1, 0] += gi0
        grad[i1, 1] += gi1
        grad[i1, 2] += gi2
        grad[i3, 0] += gl0
        grad[i3, 1] += gl1
        grad[i3, 2] += gl2
        grad[i2, 0] -= gi0 + gl0
        grad[i2, 1] -= gi1 + gl1
        grad[i2, 2] -= gi2 + gl2
    return e


@njit(cache=True)
def _torsions(x, idx, n, phase, k, grad):  # pragma: no cover - compiled
    e = 0.0
    for m in range(idx.shape[0]):
        i1, i2, i3, i4 = idx[m, 0], idx[m, 1], idx[m, 2], idx[m, 3]
        b10, b11, b12 = x[i2, 0] - x[i1, 0], x[i2, 1] - x[i1, 1], x[i2, 2] - x[i1, 2]
        b20, b21, b22 = x[i3, 0] - x[i2, 0], x[i3, 1] - x[i2, 1], x[i3, 2] - x[i2, 2]
        b30, b31, b32 = x[i4, 0] - x[i3, 0], x[i4, 1] - x[i3, 1], x[i4, 2] - x[i3, 2]
        m0, m1, m2 = b11 * b22 - b12 * b21, b12 * b20 - b10 * b22, b10 * b21 - b11 * b20
        n0, n1, n2 = b21 * b32 - b22 * b31, b22 * b30 - b20 * b32, b20 * b31 - b21 * b30
        mm = m0 * m0 + m1 * m1 + m2 * m2
        nn = n0 * n0 + n1 * n1 + n2 * n2
        if mm < 1e-20 or nn < 1e-20:
            continue
        rb2 = np.sqrt(b20 * b20 + b21 * b21 + b22 * b22)
        # sin phi |m||n| = |b2| b1 . n ; cos phi |m||n| = m . n
        phi = np.arctan2(rb2 * (b10 * n0 + b11 * n1 + b12 * n2), m0 * n0 + m1 * n1 + m2 * n2)
        e += k[m] * (1.0 + np.cos(n[m] * phi - phase[m]))
        de = -k[m] * n[m] * np.sin(n[m] * phi - phase[m])  # dE/dphi
        # derivatives of phi (Blondel & Karplus 1996)
        f1 = -de * rb2 / mm
        f4 = de * rb2 / nn
        p = (b10 * b20 + b11 * b21 + b12 * b22) / (rb2 * rb2)
        r = (b30 * b20 + b31 * b21 + b32 * b22) / (rb2 * rb2)
        gi0, gi1, gi2 = f1 * m0, f1 * m1, f1 * m2
        go0, go1, go2 = f4 * n0, f4 * n1, f4 * n2
        grad[i1, 0] += gi0
        grad[i1, 1] += gi1
        grad[i1, 2] += gi2
        grad[i4, 0] += go0
        grad[i4, 1] += go1
        grad[i4, 2] += go2
        grad[i2, 0] += -gi0 - p * gi0 + r * go0
        grad[i2, 1] += -gi1 - p * gi1 + r * go1
        grad[i2, 2] += -gi2 - p * gi2 + r * go2
        grad[i3, 0] += -go0 + p * gi0 - r * go0
        grad[i3, 1] += -go1 + p * gi1 - r * go1
        grad[i3, 2] += -go2 + p * gi2 - r * go2
    return e


@njit(cache=True)
def _restraints(x, idx, origin, k, grad):  # pragma: no cover - compiled
    e = 0.0
    for m in range(idx.shape[0]):
        i = idx[m]
        for q in range(3):
            d = x[i, q] - origin[m, q]
            e += 0.5 * k * d * d
            grad[i, q] += k * d
    return e
