"""Van der Waals overlap between a set of candidate atoms (per rotamer) and a fixed environment.

The overlap of two atoms is ``r_i + r_j - d_ij`` (Bondi radii); a pair clashes when its overlap
exceeds ``tolerance`` (0.4 Å, the "serious clash" threshold of MolProbity, Word et al., J. Mol.
Biol. 1999, 285, 1711). Pairs of polar atoms (N and O, which may hydrogen-bond) get an allowance of
``hbond_allowance`` (0.5 Å) subtracted from their overlap. Environment atoms may be excluded per
candidate atom (covalent neighbours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["CLASH_TOLERANCE", "HBOND_ALLOWANCE", "ClashResult", "Environment", "score_overlaps"]

CLASH_TOLERANCE = 0.4
HBOND_ALLOWANCE = 0.5


@dataclass
class Environment:
    """Fixed atoms to test candidates against, with a KD-tree built once."""

    coords: np.ndarray
    radii: np.ndarray
    polar: np.ndarray
    tree: cKDTree

    @classmethod
    def build(cls, coords: np.ndarray, radii: np.ndarray, polar: np.ndarray) -> Environment:
        """Index ``coords`` (n, 3) with their radii and polar flags."""
        coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
        return cls(coords, np.asarray(radii, dtype=np.float64), np.asarray(polar, dtype=bool),
                   cKDTree(coords))


@dataclass
class ClashResult:
    """Overlaps of every candidate set (rotamer) with the environment.

    Attributes
    ----------
    max_overlap : ndarray, shape (n_sets,)
        Largest overlap (Å) of any pair, 0 if none overlaps.
    excess : ndarray, shape (n_sets,)
        Sum over clashing pairs of (overlap - tolerance), Å.
    n_clashes : ndarray of int, shape (n_sets,)
        Number of pairs overlapping by more than the tolerance.
    pairs : tuple of ndarray
        (set, candidate atom, environment atom, overlap) of every clashing pair.
    """

    max_overlap: np.ndarray
    excess: np.ndarray
    n_clashes: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def score_overlaps(
    candidates: np.ndarray,
    radii: np.ndarray,
    polar: np.ndarray,
    env: Environment,
    excluded: list[np.ndarray] | None = None,
    *,
    tolerance: float = CLASH_TOLERANCE,
    hbond_allowance: float = HBOND_ALLOWANCE,
) -> ClashResult:
    """Score candidate atoms against the environment.

    Parameters
    ----------
    candidates : ndarray, shape (n_sets, k, 3)
        Coordinates of k atoms for each of n_sets alternatives (rotamers).
    radii, polar : ndarray, shape (k,)
        Radius and polar flag of each candidate atom.
    env : Environment
    excluded : list of ndarray, optional
        For each of the k atoms, environment indices never counted (covalent neighbours).

    Returns
    -------
    ClashResult
    """
    candidates = np.asarray(candidates, dtype=np.float64)
    n_sets, k = candidates.shape[:2]
    empty = np.zeros(0)
    if n_sets == 0 or k == 0 or len(env.coords) == 0:
        z = np.zeros(n_sets)
        return ClashResult(z, z.copy(), np.zeros(n_sets, dtype=np.int64),
                           (empty.astype(int), empty.astype(int), empty.astype(int), empty))
    flat = candidates.reshape(-1, 3)
    reach = float(radii.max() + env.radii.max())
    hits = env.tree.query_ball_point(flat, reach)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    cand = np.repeat(np.arange(len(flat)), counts)
    envi = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(counts.sum()))
    atom = cand % k
    rot = cand // k
    if excluded is not None and len(cand):
        keep = np.ones(len(cand), dtype=bool)
        for a, ex in enumerate(excluded):
            if len(ex):
                keep &= ~((atom == a) & np.isin(envi, ex))
        cand, envi, atom, rot = cand[keep], envi[keep], atom[keep], rot[keep]
    d = np.linalg.norm(flat[cand] - env.coords[envi], axis=1)
    overlap = radii[atom] + env.radii[envi] - d
    overlap -= np.where(polar[atom] & env.polar[envi], hbond_allowance, 0.0)
    max_overlap = np.zeros(n_sets)
    np.maximum.at(max_overlap, rot, np.maximum(overlap, 0.0))
    clash = overlap > tolerance
    excess = np.zeros(n_sets)
    np.add.at(excess, rot[clash], overlap[clash] - tolerance)
    n_clashes = np.bincount(rot[clash], minlength=n_sets).astype(np.int64)
    return ClashResult(max_overlap, excess, n_clashes,
                       (rot[clash], atom[clash], envi[clash], overlap[clash]))
