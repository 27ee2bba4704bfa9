"""Pocket geometry kernels: centroids, side-chain centroids and orientation toward a point."""

from __future__ import annotations

import numpy as np

__all__ = ["centroid", "orientation_cosine"]


def centroid(coords: np.ndarray) -> np.ndarray:
    """Mean of the points (shape (3,)); NaN for no points."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    if len(coords) == 0:
        return np.full(3, np.nan)
    return coords.mean(axis=0)


def orientation_cosine(origin: np.ndarray, tip: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Cosine of the angle between origin->tip and origin->target (row-wise for (n, 3) inputs).

    1 means the side chain points straight at the target (pocket centre, inhibitor), -1 away.
    """
    u = np.asarray(tip, dtype=np.float64) - np.asarray(origin, dtype=np.float64)
    v = np.asarray(target, dtype=np.float64) - np.asarray(origin, dtype=np.float64)
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("...i,...i->...", u, v) / (nu * nv)
