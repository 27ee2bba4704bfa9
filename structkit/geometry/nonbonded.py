"""Pairwise Coulomb and Lennard-Jones energies between two atom sets (Amber functional forms).

Units: coordinates in Å, charges in e, sigma in Å, epsilon and energies in kcal/mol. Lennard-Jones
pairs combine by Lorentz-Berthelot (arithmetic sigma, geometric epsilon), as OpenMM's
``NonbondedForce`` does. Every function takes plain arrays, so the same kernel scores a whole
environment or many rotamers at once (leading axes broadcast).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["COULOMB", "COULOMB_NONBONDED_FORCE", "conformer_energies", "coulomb_lj", "lennard_jones"]

#: Coulomb's constant in kcal·Å/(mol·e²) as OpenMM's generalized Born forces write it
#: (``openmm.app.internal.customgbforces``: 138.935485 kJ·nm/(mol·e²)); the GB, Coulomb and packing
#: terms use it, and the GB terms match OpenMM's to 1e-8 with it.
COULOMB = 138.935485 * 10.0 / 4.184
#: The same constant as OpenMM's ``NonbondedForce`` uses (``ONE_4PI_EPS0``, 138.93545764438198
#: kJ·nm/(mol·e²), CODATA 2018): OpenMM carries both, 2e-7 apart, and the minimisation's kernels
#: (:mod:`structkit.geometry.molecular_mechanics`) reproduce the ``NonbondedForce`` with this one.
COULOMB_NONBONDED_FORCE = 138.93545764438198 * 10.0 / 4.184


def coulomb_lj(
    xyz_a: np.ndarray, q_a: np.ndarray, sigma_a: np.ndarray, epsilon_a: np.ndarray,
    xyz_b: np.ndarray, q_b: np.ndarray, sigma_b: np.ndarray, epsilon_b: np.ndarray,
    *, mask: np.ndarray | None = None, distance_dielectric: float | None = None,
    soft_core: float | None = None, coulomb_min: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Coulomb and Lennard-Jones energy between every atom of A and every atom of B.

    Parameters
    ----------
    xyz_a : ndarray, shape (..., n_a, 3)
        Coordinates of A; leading axes (for example rotamers) are kept in the result.
    q_a, sigma_a, epsilon_a : ndarray, shape (n_a,)
    xyz_b : ndarray, shape (n_b, 3) or (..., n_b, 3)
    q_b, sigma_b, epsilon_b : ndarray, shape (n_b,)
    mask : ndarray of bool, shape (n_a, n_b), optional
        Pairs to count (False = excluded, for example bonded neighbours).
    distance_dielectric : float, optional
        Use the distance-dependent dielectric eps(r) = distance_dielectric * r instead of vacuum.
    soft_core : float, optional
        Below ``soft_core * sigma_ij`` the Lennard-Jones term continues as a straight line (its
        tangent there) instead of diverging, so the rigid rotamers of a discrete library are
        ranked by how deep they overlap rather than ruled out by a near miss.
    coulomb_min : float
        Evaluate the Coulomb term at no less than this distance (Å), so two overlapping atoms of
        opposite charge cannot buy their overlap with an unbounded attraction.

    Returns
    -------
    coulomb, lj : ndarray, shape (...)
        kcal/mol, summed over all pairs.
    """
    xyz_a = np.asarray(xyz_a, dtype=np.float64)
    xyz_b = np.asarray(xyz_b, dtype=np.float64)
    diff = xyz_a[..., :, None, :] - xyz_b[..., None, :, :]
    r = np.sqrt(np.einsum("...ijk,...ijk->...ij", diff, diff))
    r = np.maximum(r, 1e-6)
    qq = np.outer(q_a, q_b)
    rc = np.maximum(r, coulomb_min) if coulomb_min else r
    if distance_dielectric:
        coulomb = COULOMB * qq / (distance_dielectric * rc * rc)
    else:
        coulomb = COULOMB * qq / rc
    sigma = 0.5 * (np.asarray(sigma_a)[:, None] + np.asarray(sigma_b)[None, :])
    epsilon = np.sqrt(np.outer(epsilon_a, epsilon_b))
    lj = lennard_jones(r, sigma, epsilon, soft_core=soft_core)
    if mask is not None:
        coulomb = np.where(mask, coulomb, 0.0)
        lj = np.where(mask, lj, 0.0)
    return coulomb.sum(axis=(-2, -1)), lj.sum(axis=(-2, -1))


def lennard_jones(r: np.ndarray, sigma: np.ndarray, epsilon: np.ndarray, *,
                  soft_core: float | None = None) -> np.ndarray:
    """Pairwise 4 eps ((s/r)^12 - (s/r)^6), optionally linearised below ``soft_core * sigma``.

    The sixth power is taken as a cube of squares: NumPy's general ``**`` calls ``pow`` per element,
    8-16 times slower, for the same value to the last bit or two.
    """
    if not soft_core:
        s6 = _sixth_power(sigma / r)
        return 4.0 * epsilon * (s6 * s6 - s6)
    r0 = soft_core * sigma
    rr = np.maximum(r, r0)
    s6 = _sixth_power(sigma / rr)
    energy = 4.0 * epsilon * (s6 * s6 - s6)
    inside = r < r0
    if np.any(inside):
        k6 = soft_core ** -6.0
        slope = 4.0 * epsilon * (12.0 * k6 * k6 - 6.0 * k6) / r0  # -dE/dr at r0, > 0
        energy = np.where(inside, energy + slope * (r0 - r), energy)
    return energy


def _sixth_power(x: np.ndarray) -> np.ndarray:
    square = x * x
    return square * square * square


def conformer_energies(xyz_a: np.ndarray, q_a: np.ndarray, sigma_a: np.ndarray, epsilon_a: np.ndarray,
                       xyz_b: np.ndarray, q_b: np.ndarray, sigma_b: np.ndarray, epsilon_b: np.ndarray, *,
                       distance_dielectric: float, soft_core: float, coulomb_min: float) -> np.ndarray:
    """Coulomb plus Lennard-Jones energy of every conformer of A with every conformer of B.

    The terms of :func:`coulomb_lj` with a distance-dependent dielectric, a soft core and a
    minimum Coulomb distance (the packer's options), summed per conformer pair in a compiled loop
    instead of through an (n_a, n_b, atoms_a, atoms_b) distance array.

    Parameters
    ----------
    xyz_a : ndarray, shape (n_a, atoms_a, 3)
    q_a, sigma_a, epsilon_a : ndarray, shape (atoms_a,)
    xyz_b : ndarray, shape (n_b, atoms_b, 3)
    q_b, sigma_b, epsilon_b : ndarray, shape (atoms_b,)
    distance_dielectric, soft_core, coulomb_min : float
        As in :func:`coulomb_lj`.

    Returns
    -------
    ndarray, shape (n_a, n_b)
        kcal/mol.
    """
    sigma = 0.5 * (np.asarray(sigma_a, dtype=np.float64)[:, None]
                   + np.asarray(sigma_b, dtype=np.float64)[None, :])
    four_eps = 4.0 * np.sqrt(np.outer(epsilon_a, epsilon_b))
    qq = COULOMB / distance_dielectric * np.outer(q_a, q_b)
    k6 = soft_core ** -6.0
    r0 = soft_core * sigma
    slope = four_eps * (12.0 * k6 * k6 - 6.0 * k6) / r0
    return _conformer_energies(np.ascontiguousarray(xyz_a, dtype=np.float64),
                               np.ascontiguousarray(xyz_b, dtype=np.float64), np.ascontiguousarray(qq),
                               np.ascontiguousarray(sigma), np.ascontiguousarray(four_eps),
                               np.ascontiguousarray(r0), np.ascontiguousarray(slope), float(coulomb_min))


@njit(cache=True, fastmath=True)
def _conformer_energies(xa, xb, qq, sigma, four_eps, r0, slope, coulomb_min):  # pragma: no cover - compiled
    na, ma = xa.shape[0], xa.shape[1]
    nb, mb = xb.shape[0], xb.shape[1]
    out = np.zeros((na, nb))
    for p in range(na):
        for s in range(nb):
            total = 0.0
            for i in range(ma):
                x0, x1, x2 = xa[p, i, 0], xa[p, i, 1], xa[p, i, 2]
                for j in range(mb):
                    d0, d1, d2 = x0 - xb[s, j, 0], x1 - xb[s, j, 1], x2 - xb[s, j, 2]
                    r = max(np.sqrt(d0 * d0 + d1 * d1 + d2 * d2), 1e-6)
                    rr = max(r, r0[i, j])
                    t = sigma[i, j] / rr
                    t2 = t * t
                    t6 = t2 * t2 * t2
                    e = four_eps[i, j] * (t6 * t6 - t6)
                    if r < r0[i, j]:
                        e += slope[i, j] * (r0[i, j] - r)
                    rc = max(r, coulomb_min)
                    total += e + qq[i, j] / (rc * rc)
            out[p, s] = total
    return out
