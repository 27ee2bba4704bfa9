"""Volume of a union of spheres, by counting the points of a regular grid."""

from __future__ import annotations

import numpy as np

__all__ = ["union_volume"]


def union_volume(coords: np.ndarray, radii: np.ndarray, spacing: float = 0.2) -> float:
    """Volume (Å³) of the union of spheres, estimated on a grid of the given spacing.

    Deterministic (the grid is anchored at the box corner); the error is about 1 % at 0.2 Å for
    side-chain-sized sets of spheres.
    """
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    radii = np.asarray(radii, dtype=np.float64)
    if len(coords) == 0:
        return 0.0
    lo = (coords - radii[:, None]).min(axis=0)
    hi = (coords + radii[:, None]).max(axis=0)
    axes = [np.arange(lo[k] + spacing / 2, hi[k], spacing, dtype=np.float32) for k in range(3)]
    centres = coords.astype(np.float32)
    r2 = (radii * radii).astype(np.float32)
    # squared distance separates over axes: (x-cx)^2 + (y-cy)^2 + (z-cz)^2 per atom
    dx = (axes[0][None, :] - centres[:, 0:1]) ** 2
    dy = (axes[1][None, :] - centres[:, 1:2]) ** 2
    dz = (axes[2][None, :] - centres[:, 2:3]) ** 2
    inside = np.zeros((len(axes[0]), len(axes[1]), len(axes[2])), dtype=bool)
    for k in range(len(centres)):
        inside |= (dx[k][:, None, None] + dy[k][None, :, None] + dz[k][None, None, :]) < r2[k]
    return float(inside.sum() * spacing**3)
