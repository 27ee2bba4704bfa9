"""Build side-chain atoms from internal coordinates, for many rotamers at once (NeRF).

The Natural Extension Reference Frame method places atom D from three placed atoms A, B, C, the
bond length |CD|, the angle B-C-D and the dihedral A-B-C-D. Here every array may carry a leading
rotamer axis, so all rotamers of a residue are built in one pass per atom.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dihedral", "place_atom"]


def place_atom(a: np.ndarray, b: np.ndarray, c: np.ndarray, bond: float, angle_deg: float,
               torsion_deg: np.ndarray | float) -> np.ndarray:
    """Position of D given A, B, C (arrays of shape (..., 3)), |CD|, angle BCD and dihedral ABCD.

    Parameters
    ----------
    a, b, c : ndarray, shape (..., 3)
    bond : float
        Å.
    angle_deg : float
        Bond angle B-C-D in degrees.
    torsion_deg : float or ndarray, shape (...)
        Dihedral A-B-C-D in degrees (one per leading index).

    Returns
    -------
    ndarray, shape (..., 3)
    """
    a, b, c = (np.asarray(x, dtype=np.float64) for x in (a, b, c))
    theta = np.radians(angle_deg)
    phi = np.radians(np.asarray(torsion_deg, dtype=np.float64))
    bc = c - b
    bc /= np.linalg.norm(bc, axis=-1, keepdims=True)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    m = np.cross(n, bc)
    d2 = np.stack([
        -bond * np.cos(theta) * np.ones_like(phi),
        bond * np.sin(theta) * np.cos(phi),
        bond * np.sin(theta) * np.sin(phi),
    ], axis=-1)
    return c + d2[..., 0:1] * bc + d2[..., 1:2] * m + d2[..., 2:3] * n


def dihedral(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> np.ndarray:
    """Dihedral angle p0-p1-p2-p3 in degrees, (-180, 180], over leading axes."""
    p0, p1, p2, p3 = (np.asarray(x, dtype=np.float64) for x in (p0, p1, p2, p3))
    b0 = p0 - p1
    b1 = p2 - p1
    b2 = p3 - p2
    b1n = b1 / np.linalg.norm(b1, axis=-1, keepdims=True)
    v = b0 - np.sum(b0 * b1n, axis=-1, keepdims=True) * b1n
    w = b2 - np.sum(b2 * b1n, axis=-1, keepdims=True) * b1n
    x = np.sum(v * w, axis=-1)
    y = np.sum(np.cross(b1n, v) * w, axis=-1)
    return np.degrees(np.arctan2(y, x))
