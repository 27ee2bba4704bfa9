"""Geometric kernels for typed contacts: π-stacking, cation-π and halogen bonds.

Each kernel takes coordinate arrays (no topology) and returns the index pairs that pass, with the
measured distance and angles, so that a crystal structure and every frame of a trajectory go
through the same code. The criteria and their sources are documented in
:mod:`structkit.analysis.measure.interactions`.
"""

from __future__ import annotations

import numpy as np

from structkit.geometry.neighbors import neighbor_pairs
from structkit.geometry.rings import fold_angle, vector_angle

__all__ = ["cation_pi_pairs", "halogen_bond_pairs", "stacking_pairs"]


def stacking_pairs(
    centroids_a: np.ndarray,
    normals_a: np.ndarray,
    centroids_b: np.ndarray,
    normals_b: np.ndarray,
    *,
    max_distance: float,
    plane_angle: tuple[float, float],
    max_normal_to_centroid: float,
    intersect_radius: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ring pairs in a π-stacking geometry.

    A pair passes when the centroids are at most ``max_distance`` apart, the angle between the
    ring planes lies within ``plane_angle`` (degrees, 0-90), and the angle between either ring's
    normal and the centroid-centroid line is at most ``max_normal_to_centroid``. With
    ``intersect_radius`` (edge-to-face), the line where the two ring planes meet must also pass
    within that distance of one of the centroids, so that the edge of one ring points at the face
    of the other rather than beside it.

    Returns
    -------
    i, j : ndarray of int64
        Ring indices into ``a`` and ``b``.
    d : ndarray
        Centroid distance (Å).
    plane, normal_to_centroid : ndarray
        The plane angle and the smaller of the two normal-to-centroid angles (degrees).
    """
    i, j, d = neighbor_pairs(centroids_a, centroids_b, max_distance)
    if len(i) == 0:
        return i, j, d, np.zeros(0), np.zeros(0)
    na, nb = normals_a[i], normals_b[j]
    line = centroids_b[j] - centroids_a[i]
    plane = fold_angle(vector_angle(na, nb))
    ncc = np.minimum(fold_angle(vector_angle(na, line)), fold_angle(vector_angle(nb, line)))
    ok = (plane >= plane_angle[0]) & (plane <= plane_angle[1]) & (ncc <= max_normal_to_centroid)
    if intersect_radius is not None:
        sine = np.sin(np.radians(plane))
        with np.errstate(divide="ignore", invalid="ignore"):
            # a centroid's distance, within its own plane, to the line where the planes meet
            to_line_a = np.abs(np.einsum("ij,ij->i", nb, line)) / sine
            to_line_b = np.abs(np.einsum("ij,ij->i", na, line)) / sine
        ok &= np.minimum(to_line_a, to_line_b) <= intersect_radius
    return i[ok], j[ok], d[ok], plane[ok], ncc[ok]


def cation_pi_pairs(
    cations: np.ndarray,
    centroids: np.ndarray,
    normals: np.ndarray,
    *,
    max_distance: float,
    max_angle: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cation-ring pairs: the cation within ``max_distance`` of the ring centroid and within
    ``max_angle`` of the ring normal (seen from the centroid).

    Returns
    -------
    i, j : ndarray of int64
        Cation and ring indices.
    d, angle : ndarray
        Cation-centroid distance (Å) and its angle to the ring normal (degrees, 0-90).
    """
    i, j, d = neighbor_pairs(cations, centroids, max_distance)
    if len(i) == 0:
        return i, j, d, np.zeros(0)
    angle = fold_angle(vector_angle(normals[j], cations[i] - centroids[j]))
    ok = angle <= max_angle
    return i[ok], j[ok], d[ok], angle[ok]


def halogen_bond_pairs(
    halogens: np.ndarray,
    halogen_carbons: np.ndarray,
    acceptors: np.ndarray,
    acceptor_antecedents: list[np.ndarray],
    *,
    max_distance: float,
    cxa_angle: tuple[float, float],
    xar_angle: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Halogen bonds C-X...A: X...A at most ``max_distance``, the angle C-X...A within
    ``cxa_angle`` (the σ-hole points at the acceptor) and an angle X...A-R to one of the
    acceptor's bonded heavy atoms R within ``xar_angle``.

    Returns
    -------
    i, j : ndarray of int64
        Halogen and acceptor indices.
    d : ndarray
        X...A distance (Å).
    angle : ndarray
        C-X...A angle (degrees).
    """
    i, j, d = neighbor_pairs(halogens, acceptors, max_distance)
    if len(i) == 0:
        return i, j, d, np.zeros(0)
    cxa = vector_angle(halogen_carbons[i] - halogens[i], acceptors[j] - halogens[i])
    ok = (cxa >= cxa_angle[0]) & (cxa <= cxa_angle[1])
    # X...A-R: one bonded heavy atom R of the acceptor within the range suffices
    parts = [np.asarray(acceptor_antecedents[k], dtype=np.float64).reshape(-1, 3) for k in j]
    counts = np.array([len(x) for x in parts], dtype=np.int64)
    if counts.sum():
        owner = np.repeat(np.arange(len(j)), counts)
        at = acceptors[j][owner]
        xar = vector_angle(halogens[i][owner] - at, np.concatenate(parts) - at)
        within = np.zeros(len(j), dtype=bool)
        np.logical_or.at(within, owner, (xar >= xar_angle[0]) & (xar <= xar_angle[1]))
        ok &= within | (counts == 0)
    return i[ok], j[ok], d[ok], cxa[ok]
