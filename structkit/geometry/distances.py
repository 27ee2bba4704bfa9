"""Distances between atom sets, reduced per group (residue) of the first set."""

from __future__ import annotations

import numpy as np

from structkit.geometry.neighbors import neighbor_pairs

__all__ = ["count_within_by_group", "distance_matrix", "group_ids", "min_distance_by_group"]


def distance_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between every point of ``a`` (n, 3) and of ``b`` (m, 3): shape (n, m)."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    diff = a[:, None, :] - b[None, :, :]
    return np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))


def group_ids(starts: np.ndarray, n: int) -> np.ndarray:
    """Group index of each of ``n`` items, given the (increasing) start index of every group."""
    starts = np.asarray(starts, dtype=np.int64)
    sizes = np.diff(np.append(starts, n))
    return np.repeat(np.arange(len(starts)), sizes)


def min_distance_by_group(
    a: np.ndarray, groups: np.ndarray, n_groups: int, b: np.ndarray, cutoff: float | None = None
) -> np.ndarray:
    """Minimum distance from each group of points of ``a`` to any point of ``b``.

    Parameters
    ----------
    a : ndarray, shape (n, 3)
    groups : ndarray of int, shape (n,)
        Group index (0 .. n_groups-1) of every point of ``a``; a group may have no point.
    n_groups : int
    b : ndarray, shape (m, 3)
    cutoff : float, optional
        Only distances up to this value are searched (neighbour search, fast for large sets);
        groups with nothing closer get ``inf``. Without it every distance is computed.

    Returns
    -------
    ndarray of float64, shape (n_groups,)
        ``inf`` for groups with no point (or nothing within ``cutoff``) and when ``b`` is empty.
    """
    out = np.full(n_groups, np.inf)
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    if len(a) == 0 or len(b) == 0:
        return out
    if cutoff is None:
        per_point = distance_matrix(a, b).min(axis=1)
        np.minimum.at(out, groups, per_point)
    else:
        i, _, d = neighbor_pairs(a, b, cutoff)
        np.minimum.at(out, groups[i], d)
    return out


def count_within_by_group(
    a: np.ndarray, groups: np.ndarray, n_groups: int, b: np.ndarray, cutoffs: tuple[float, ...]
) -> np.ndarray:
    """For each group of ``a`` and each cut-off, how many distinct points of ``b`` lie within it.

    Returns
    -------
    ndarray of int64, shape (n_groups, len(cutoffs))
    """
    out = np.zeros((n_groups, len(cutoffs)), dtype=np.int64)
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    if len(a) == 0 or len(b) == 0 or not cutoffs:
        return out
    i, j, d = neighbor_pairs(a, b, max(cutoffs))
    g = groups[i]
    for k, c in enumerate(cutoffs):
        sel = d <= c
        pairs = np.unique(np.column_stack([g[sel], j[sel]]), axis=0)
        np.add.at(out[:, k], pairs[:, 0], 1)
    return out
