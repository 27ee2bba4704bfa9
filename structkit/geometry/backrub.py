"""Backrub moves: a rigid rotation of the backbone segment between two C-alpha atoms.

Davis, Arendall, Richardson & Richardson (Structure 2006) described the motion in ultra-high
resolution crystals: residue i and its two peptide planes rotate together about the axis through
C-alpha(i-1) and C-alpha(i+1), moving C-alpha(i) and the side chain's direction while every atom
outside the segment stays put. Bond lengths are kept exactly; only the two bond angles at the pivot
atoms change. Smith & Kortemme (J. Mol. Biol. 2008) sample backbones for ddG estimates with it
(Rosetta's backrub, the backbone ensemble of flex ddG).
"""

from __future__ import annotations

import numpy as np

__all__ = ["rotate_about_axis"]


def rotate_about_axis(points: np.ndarray, start: np.ndarray, end: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate points by ``angle_deg`` about the axis from ``start`` to ``end`` (right-hand rule).

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    start, end : ndarray, shape (3,)
        Two distinct points on the axis; the rotation is positive counter-clockwise when looking
        from ``end`` towards ``start``.
    angle_deg : float

    Returns
    -------
    ndarray, shape (n, 3)
        Rodrigues' rotation of each point (points on the axis do not move).
    """
    start = np.asarray(start, dtype=np.float64)
    axis = np.asarray(end, dtype=np.float64) - start
    length = float(np.linalg.norm(axis))
    if length < 1e-9:
        raise ValueError("the rotation axis needs two distinct points")
    k = axis / length
    theta = np.deg2rad(angle_deg)
    v = np.asarray(points, dtype=np.float64) - start
    cos, sin = np.cos(theta), np.sin(theta)
    rotated = v * cos + np.cross(k, v) * sin + np.outer(v @ k, k) * (1.0 - cos)
    return rotated + start
