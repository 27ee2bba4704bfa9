"""Neighbour search that scales: a KD-tree (SciPy ``cKDTree``) over one frame's coordinates.

The tree is built in O(n log n) and answers all pairs within a cut-off in time proportional to the
number of pairs, so the cost per frame stays linear for large systems and many frames.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["nearest_distance", "neighbor_pairs", "self_pairs"]


def neighbor_pairs(a: np.ndarray, b: np.ndarray, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i in ``a``, j in ``b``) closer than ``cutoff``.

    Parameters
    ----------
    a : ndarray, shape (n, 3)
    b : ndarray, shape (m, 3)
    cutoff : float
        Distance in Å (pairs at exactly the cut-off are included).

    Returns
    -------
    i, j : ndarray of int64
        Indices into ``a`` and ``b``, sorted by ``i`` then ``j``.
    d : ndarray of float64
        Their distances.
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    if len(a) == 0 or len(b) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0)
    found = cKDTree(a).sparse_distance_matrix(cKDTree(b), cutoff, output_type="ndarray")
    order = np.lexsort((found["j"], found["i"]))
    i = found["i"][order].astype(np.int64)
    j = found["j"][order].astype(np.int64)
    return i, j, found["v"][order].astype(np.float64)


def nearest_distance(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest target (``inf`` for all when there is no target)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if not len(targets):
        return np.full(len(points), np.inf)
    return cKDTree(np.asarray(targets, dtype=np.float64).reshape(-1, 3)).query(points)[0]


def self_pairs(coords: np.ndarray, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs (i < j) of one set of points closer than ``cutoff``, sorted."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    if len(coords) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    pairs = cKDTree(coords).query_pairs(cutoff, output_type="ndarray").astype(np.int64)
    if len(pairs) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order, 0], pairs[order, 1]
