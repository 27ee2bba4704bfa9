"""Solvent-accessible surface area by the Shrake-Rupley method, vectorised with NumPy.

Each atom carries a sphere of radius ``r + probe`` with ``n_points`` test points (a golden-section
spiral); a point is buried if it lies inside the sphere of a neighbouring atom. The whole test is
one matrix product per block of neighbour pairs: for atom ``i`` with radius ``Ri`` and a
neighbour ``j`` at offset ``d`` with radius ``Rj``, the point ``Ri*u`` is inside ``j`` exactly when
``u . d > (Ri^2 + |d|^2 - Rj^2) / (2 Ri)``. Neighbours come from a KD-tree, so the cost is
proportional to the number of neighbour pairs times ``n_points``.

Radii are passed in (see :func:`structkit.geometry.radii.atom_radii` for the documented set).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["DEFAULT_POINTS", "DEFAULT_PROBE", "group_sum", "sasa_of_atoms", "shrake_rupley", "sphere_points"]

DEFAULT_PROBE = 1.4
DEFAULT_POINTS = 100
_BLOCK = 1 << 18  # pair x point entries evaluated at once (keeps a block in cache)


def sphere_points(n: int) -> np.ndarray:
    """``n`` nearly uniform unit vectors on a golden-section spiral, shape (n, 3)."""
    if n < 1:
        raise ValueError("the number of sphere points must be positive")
    k = np.arange(n, dtype=np.float64) + 0.5
    z = 1.0 - 2.0 * k / n
    radius = np.sqrt(1.0 - z * z)
    phi = np.pi * (3.0 - np.sqrt(5.0)) * k
    return np.column_stack([radius * np.cos(phi), radius * np.sin(phi), z])


def shrake_rupley(
    coords: np.ndarray,
    radii: np.ndarray,
    probe: float = DEFAULT_PROBE,
    n_points: int = DEFAULT_POINTS,
) -> np.ndarray:
    """Solvent-accessible surface area of every atom.

    Parameters
    ----------
    coords : ndarray, shape (n, 3)
        Atom coordinates in Å.
    radii : ndarray, shape (n,)
        Van der Waals radii in Å.
    probe : float
        Probe radius in Å (1.4 for water).
    n_points : int
        Test points per atom.

    Returns
    -------
    ndarray of float64, shape (n,)
        Accessible area of each atom in Å².
    """
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    big = np.asarray(radii, dtype=np.float64).reshape(-1) + probe
    n = len(coords)
    if len(big) != n:
        raise ValueError("coords and radii differ in length")
    if n == 0:
        return np.zeros(0)
    big2 = big * big
    return 4.0 * np.pi * big2 * (n_points - _buried_points(coords, big, n_points)) / n_points


def _buried_points(coords: np.ndarray, big: np.ndarray, n_points: int,
                   tested: np.ndarray | None = None) -> np.ndarray:
    """How many of each atom's test points lie inside a neighbour (only ``tested`` atoms if given;
    the others count 0). An atom's count depends on its own neighbour pairs alone, so testing a
    subset gives those atoms exactly the counts of testing every atom."""
    n = len(coords)
    units_t = np.ascontiguousarray(sphere_points(n_points).T, dtype=np.float32)
    pairs = cKDTree(coords).query_pairs(2.0 * float(big.max()), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    offset = coords[j] - coords[i]
    dist2 = np.einsum("ij,ij->i", offset, offset)
    close = dist2 < (big[i] + big[j]) ** 2
    i, j, dist2 = i[close], j[close], dist2[close]
    offset = offset[close].astype(np.float32)
    # directed pairs (each atom's points against each neighbour), grouped by the atom tested
    src = np.concatenate([i, j])
    nbr = np.concatenate([j, i])
    order = np.argsort(src.astype(np.int16 if n < 32768 else np.int32), kind="stable")
    if tested is not None:
        order = order[tested[src[order]]]
    src, nbr = src[order], nbr[order]
    vec = np.concatenate([offset, -offset])[order]
    big2 = big * big
    threshold = ((big2[src] + np.concatenate([dist2, dist2])[order] - big2[nbr]) / (2.0 * big[src]))
    threshold = threshold.astype(np.float32)[:, None]

    n_bytes = (n_points + 7) // 8
    packed = np.empty((len(src), n_bytes), dtype=np.uint8)
    rows = max(1, _BLOCK // n_points)
    dots = np.empty((rows, n_points), dtype=np.float32)
    inside = np.empty((rows, n_points), dtype=bool)
    for lo in range(0, len(src), rows):
        hi = min(lo + rows, len(src))
        k = hi - lo
        np.matmul(vec[lo:hi], units_t, out=dots[:k])
        np.greater(dots[:k], threshold[lo:hi], out=inside[:k])
        packed[lo:hi] = np.packbits(inside[:k], axis=1)
    buried = np.zeros(n, dtype=np.int64)
    if len(src):
        starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        covered = np.bitwise_or.reduceat(packed, starts, axis=0)
        buried[src[starts]] = np.unpackbits(covered, axis=1, count=n_points).sum(axis=1)
    return buried


def sasa_of_atoms(
    coords: np.ndarray,
    radii: np.ndarray,
    targets: np.ndarray,
    probe: float = DEFAULT_PROBE,
    n_points: int = DEFAULT_POINTS,
) -> np.ndarray:
    """Exact Shrake-Rupley SASA of the ``targets`` atoms only, from their local neighbourhood.

    Only atoms whose spheres can touch a target's sphere matter, so the computation runs on the
    targets plus the atoms within ``2 * (max radius + probe)`` of them, and only the targets' test
    points are tested; the result equals the targets' values in :func:`shrake_rupley` over all
    atoms.
    """
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    radii = np.asarray(radii, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.int64)
    if len(targets) == 0:
        return np.zeros(0)
    reach = 2.0 * (float(radii.max()) + probe)
    near = cKDTree(coords).query_ball_point(coords[targets], reach)
    subset = np.unique(np.concatenate([targets, *[np.asarray(n, dtype=np.int64) for n in near]]))
    where = np.searchsorted(subset, targets)
    tested = np.zeros(len(subset), dtype=bool)
    tested[where] = True
    big = radii[subset] + probe
    buried = _buried_points(coords[subset], big, n_points, tested)[where]
    big2 = big[where] * big[where]
    return 4.0 * np.pi * big2 * (n_points - buried) / n_points


def group_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over consecutive groups that begin at ``starts`` (e.g. residues)."""
    values = np.asarray(values, dtype=np.float64)
    if len(starts) == 0:
        return np.zeros(0)
    return np.add.reduceat(values, np.asarray(starts, dtype=np.int64))
