"""Aromatic ring geometry: centroids, plane normals and the angles between rings and points.

Rings are given as a padded index table (one row per ring, ``-1`` after the last member) so
that every ring of a frame is handled by one vectorised call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["closest_member_distance", "fold_angle", "pad_rings", "ring_centroids_normals", "vector_angle"]


def pad_rings(rings: Sequence[Sequence[int] | np.ndarray], width: int = 6) -> np.ndarray:
    """Pack rings of different sizes into an ``(n_rings, width)`` table padded with ``-1``."""
    table = np.full((len(rings), width), -1, dtype=np.int64)
    for k, ring in enumerate(rings):
        table[k, : len(ring)] = ring
    return table


def ring_centroids_normals(xyz: np.ndarray, rings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroid and unit plane normal of every ring.

    The normal is Newell's: the normalised sum of the cross products of consecutive
    centroid-to-atom vectors around the ring, which uses every member (a three-atom normal would
    depend on which atoms are picked in a slightly puckered ring).

    Parameters
    ----------
    xyz : ndarray, shape (n_atoms, 3)
    rings : ndarray of int64, shape (n_rings, width)
        Member atom indices in ring order, padded with ``-1``.

    Returns
    -------
    centroids, normals : ndarray, shape (n_rings, 3)
    """
    xyz = np.asarray(xyz, dtype=np.float64)
    if len(rings) == 0:
        return np.zeros((0, 3)), np.zeros((0, 3))
    member = rings >= 0
    # padded slots repeat the first member: their cross products with it vanish
    filled = np.where(member, rings, rings[:, :1])
    points = xyz[filled]
    centroids = (points * member[..., None]).sum(axis=1) / member.sum(axis=1)[:, None]
    rel = points - centroids[:, None, :]
    normals = np.cross(rel, np.roll(rel, -1, axis=1)).sum(axis=1)
    normals /= np.linalg.norm(normals, axis=1)[:, None]
    return centroids, normals


def vector_angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle in degrees (0-180) between paired vectors (rows of ``u`` and ``v``)."""
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def fold_angle(angle: np.ndarray) -> np.ndarray:
    """Fold an angle between undirected lines (a plane normal has no sign) into 0-90 degrees."""
    angle = np.asarray(angle, dtype=np.float64)
    return np.minimum(angle, 180.0 - angle)


def closest_member_distance(xyz: np.ndarray, rings: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest member atom of its paired ring.

    Parameters
    ----------
    xyz : ndarray, shape (n_atoms, 3)
    rings : ndarray of int64, shape (n, width)
        One ring per point (rows of a padded ring table, ``-1`` after the last member).
    points : ndarray, shape (n, 3)

    Returns
    -------
    ndarray, shape (n,)
    """
    xyz = np.asarray(xyz, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if len(rings) == 0:
        return np.zeros(0)
    member = rings >= 0
    d = np.linalg.norm(xyz[np.where(member, rings, rings[:, :1])] - points[:, None, :], axis=2)
    return np.where(member, d, np.inf).min(axis=1)
