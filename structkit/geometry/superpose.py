"""Least-squares superposition (Kabsch) of paired coordinates, one set or a stack of sets at once.

``superpose(mobile, target)`` returns the rotation and translation that minimise the (optionally
weighted) RMSD between ``mobile @ R.T + t`` and ``target``: the Kabsch algorithm via the singular
value decomposition of the weighted covariance matrix, with the sign correction that keeps ``R`` a
proper rotation (determinant +1). Leading axes are batch axes: ``(k, n, 3)`` inputs give ``k``
rotations in one vectorised call.
"""

from __future__ import annotations

import numpy as np

__all__ = ["apply_transform", "rmsd", "superpose"]


def superpose(
    mobile: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rotation ``R`` and translation ``t`` that best map ``mobile`` onto ``target``.

    Parameters
    ----------
    mobile, target : ndarray, shape (..., n, 3)
        Paired coordinates (n >= 3, not all collinear); leading axes are a batch.
    weights : ndarray, shape (n,) or (..., n), optional
        Non-negative weight per pair (uniform by default).

    Returns
    -------
    R : ndarray, shape (..., 3, 3)
    t : ndarray, shape (..., 3)
        Apply as ``mobile @ R.T + t`` (for a batch, ``R[k]`` and ``t[k]`` to ``mobile[k]``).
    """
    mobile = np.asarray(mobile, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if mobile.shape != target.shape or mobile.ndim < 2 or mobile.shape[-1] != 3:
        raise ValueError("mobile and target must both have shape (..., n, 3)")
    if mobile.shape[-2] < 3:
        raise ValueError("at least three pairs are needed for a superposition")
    w = np.ones(mobile.shape[:-1]) if weights is None else np.broadcast_to(weights, mobile.shape[:-1])
    w = w / w.sum(axis=-1, keepdims=True)
    mc = np.einsum("...n,...ni->...i", w, mobile)
    tc = np.einsum("...n,...ni->...i", w, target)
    cov = np.einsum("...n,...ni,...nj->...ij", w, mobile - mc[..., None, :], target - tc[..., None, :])
    u, _, vt = np.linalg.svd(cov)
    v, ut = np.swapaxes(vt, -1, -2), np.swapaxes(u, -1, -2)
    d = np.sign(np.linalg.det(v @ ut))
    d = np.where(d == 0, 1.0, d)
    fix = np.ones((*d.shape, 3))
    fix[..., 2] = d
    rotation = (v * fix[..., None, :]) @ ut
    return rotation, tc - np.einsum("...ij,...j->...i", rotation, mc)


def apply_transform(coords: np.ndarray, rotation: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """``coords @ rotation.T + translation``."""
    return np.asarray(coords, dtype=np.float64) @ rotation.T + translation


def rmsd(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square deviation of paired coordinates (no superposition)."""
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(np.sqrt((diff**2).sum(axis=1).mean())) if len(diff) else float("nan")
