"""Least-squares superposition (Kabsch) of paired coordinates.

``superpose(mobile, target)`` returns the rotation and translation that minimise the (optionally
weighted) RMSD between ``mobile @ R.T + t`` and ``target``: the Kabsch algorithm via the singular
value decomposition of the weighted covariance matrix, with the sign correction that keeps ``R`` a
proper rotation (determinant +1).
"""

from __future__ import annotations

import numpy as np

__all__ = ["apply_transform", "rmsd", "superpose"]


def superpose(
    mobile: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rotation ``R`` (3, 3) and translation ``t`` (3,) that best map ``mobile`` onto ``target``.

    Parameters
    ----------
    mobile, target : ndarray, shape (n, 3)
        Paired coordinates (n >= 3, not all collinear).
    weights : ndarray, shape (n,), optional
        Non-negative weight per pair (uniform by default).

    Returns
    -------
    R, t : ndarray
        Apply as ``mobile @ R.T + t``.
    """
    mobile = np.asarray(mobile, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if mobile.shape != target.shape or mobile.ndim != 2 or mobile.shape[1] != 3:
        raise ValueError("mobile and target must both have shape (n, 3)")
    if len(mobile) < 3:
        raise ValueError("at least three pairs are needed for a superposition")
    w = np.ones(len(mobile)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    mc = w @ mobile
    tc = w @ target
    cov = (mobile - mc).T @ ((target - tc) * w[:, None])
    u, _, vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    rotation = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return rotation, tc - mc @ rotation.T


def apply_transform(coords: np.ndarray, rotation: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """``coords @ rotation.T + translation``."""
    return np.asarray(coords, dtype=np.float64) @ rotation.T + translation


def rmsd(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square deviation of paired coordinates (no superposition)."""
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(np.sqrt((diff**2).sum(axis=1).mean())) if len(diff) else float("nan")
