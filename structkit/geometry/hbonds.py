"""Hydrogen bonds from heavy-atom geometry (for files without hydrogens).

A donor D and an acceptor A form a hydrogen bond when

- their distance is between ``min_distance`` (2.5 Å) and ``max_distance`` (3.5 Å), and
- the partner does not lie behind either atom: every angle X-D...A at the donor and X-A...D at the
  acceptor, over the bonded heavy neighbours X, is at least ``min_angle`` (90°).

These are the usual heavy-atom criteria (a D...A cut-off of 3.5 Å as in HBPLUS, McDonald and
Thornton, J. Mol. Biol. 1994, 238, 777; the antecedent-angle test stands in for the missing
hydrogen position). Optionally a donor whose hydrogens rotate about its one bond (an ammonium
such as Lys NZ) is judged as Mol* and NGL judge every donor: its angle X-D...A may deviate from the
tetrahedral 109.5° by at most ``max_rotatable_deviation`` (45°; Sehnal et al., Nucleic Acids
Res. 2021, 49, W431), as some position on the hydrogen's cone then points at the acceptor. The
kernel takes arrays only.
"""

from __future__ import annotations

import numpy as np

from structkit.geometry.neighbors import neighbor_pairs

__all__ = [
    "MAX_DISTANCE", "MIN_ANGLE", "MIN_DISTANCE", "hbond_pairs", "hbond_pairs_with_hydrogens",
    "min_antecedent_angle",
]

MIN_DISTANCE = 2.5
MAX_DISTANCE = 3.5
MIN_ANGLE = 90.0
TETRAHEDRAL = 109.47


def min_antecedent_angle(
    center: np.ndarray, partner: np.ndarray, antecedents: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Smallest angle antecedent-center-partner over each center's antecedents (180 if none).

    Parameters
    ----------
    center, partner : ndarray, shape (n, 3)
        Paired points: the polar atom and its partner.
    antecedents : ndarray, shape (sum(counts), 3)
        The bonded heavy atoms of every center, concatenated in center order.
    counts : ndarray of int64, shape (n,)
        How many antecedents each center has.
    """
    out = np.full(len(center), 180.0)
    if antecedents.size == 0:
        return out
    owner = np.repeat(np.arange(len(center)), counts)
    u = antecedents - center[owner]
    v = partner[owner] - center[owner]
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    np.minimum.at(out, owner, angle)
    return out


def hbond_pairs(
    donors: np.ndarray,
    donor_antecedents: list[np.ndarray],
    acceptors: np.ndarray,
    acceptor_antecedents: list[np.ndarray],
    *,
    min_distance: float = MIN_DISTANCE,
    max_distance: float = MAX_DISTANCE,
    min_angle: float = MIN_ANGLE,
    rotatable: np.ndarray | None = None,
    max_rotatable_deviation: float = 45.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Donor-acceptor pairs that satisfy the heavy-atom hydrogen-bond criteria.

    Parameters
    ----------
    donors : ndarray, shape (n, 3)
    donor_antecedents : list of ndarray
        For each donor, the coordinates (k, 3) of its bonded heavy atoms.
    acceptors : ndarray, shape (m, 3)
    acceptor_antecedents : list of ndarray
        For each acceptor, the coordinates of its bonded heavy atoms.
    rotatable : ndarray of bool, shape (n,), optional
        Donors with one antecedent whose hydrogen rotates about that bond: judged by the
        deviation of X-D...A from tetrahedral (at most ``max_rotatable_deviation``) instead of
        ``min_angle``.

    Returns
    -------
    i, j : ndarray of int64
        Donor and acceptor indices of each hydrogen bond.
    d : ndarray of float64
        D...A distances (Å).
    """
    i, j, d = neighbor_pairs(donors, acceptors, max_distance)
    keep = d >= min_distance
    i, j, d = i[keep], j[keep], d[keep]
    if len(i) == 0:
        return i, j, d
    donors = np.asarray(donors, dtype=np.float64)
    acceptors = np.asarray(acceptors, dtype=np.float64)

    def gather(ante: list[np.ndarray], idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = [np.asarray(ante[k], dtype=np.float64).reshape(-1, 3) for k in idx]
        counts = np.array([len(p) for p in parts], dtype=np.int64)
        return (np.concatenate(parts) if parts else np.zeros((0, 3))), counts

    da, dc = gather(donor_antecedents, i)
    aa, ac = gather(acceptor_antecedents, j)
    at_donor = min_antecedent_angle(donors[i], acceptors[j], da, dc)
    donor_ok = at_donor >= min_angle
    if rotatable is not None:
        cone = np.asarray(rotatable, dtype=bool)[i] & (dc == 1)
        donor_ok = np.where(cone, np.abs(at_donor - TETRAHEDRAL) <= max_rotatable_deviation, donor_ok)
    ok = donor_ok & (min_antecedent_angle(acceptors[j], donors[i], aa, ac) >= min_angle)
    return i[ok], j[ok], d[ok]


def hbond_pairs_with_hydrogens(
    donors: np.ndarray,
    hydrogens: np.ndarray,
    hydrogen_owner: np.ndarray,
    acceptors: np.ndarray,
    *,
    max_distance: float = MAX_DISTANCE,
    min_dha_angle: float = 130.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Donor-acceptor pairs judged by the hydrogen's position (for files with hydrogens).

    A pair forms a hydrogen bond when the donor-acceptor distance is at most ``max_distance``
    (3.5 Å) and, for at least one hydrogen on the donor, the angle D-H...A is at least
    ``min_dha_angle`` (130°), the defaults of ProLIF 2 (Bouysset and Fiorucci, J. Cheminform.
    2021, 13, 72).

    Parameters
    ----------
    donors : ndarray, shape (n, 3)
    hydrogens : ndarray, shape (k, 3)
        Hydrogens bonded to the donors.
    hydrogen_owner : ndarray of int64, shape (k,)
        Donor index of each hydrogen.
    acceptors : ndarray, shape (m, 3)

    Returns
    -------
    i, j : ndarray of int64
        Donor and acceptor indices (one entry per pair, its best hydrogen).
    d : ndarray
        D...A distance (Å).
    angle : ndarray
        The best D-H...A angle (degrees).
    """
    donors = np.asarray(donors, dtype=np.float64).reshape(-1, 3)
    hydrogens = np.asarray(hydrogens, dtype=np.float64).reshape(-1, 3)
    acceptors = np.asarray(acceptors, dtype=np.float64).reshape(-1, 3)
    empty = np.zeros(0, dtype=np.int64)
    if len(hydrogens) == 0 or len(acceptors) == 0:
        return empty, empty.copy(), np.zeros(0), np.zeros(0)
    # every hydrogen within reach of an acceptor (H...A is shorter than D...A + 1.1 Å)
    h, j, _ = neighbor_pairs(hydrogens, acceptors, max_distance + 1.1)
    i = np.asarray(hydrogen_owner, dtype=np.int64)[h]
    d = np.linalg.norm(donors[i] - acceptors[j], axis=1)
    u = donors[i] - hydrogens[h]
    v = acceptors[j] - hydrogens[h]
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    ok = (d <= max_distance) & (angle >= min_dha_angle)
    i, j, d, angle = i[ok], j[ok], d[ok], angle[ok]
    if len(i) == 0:
        return i, j, d, angle
    order = np.lexsort((-angle, j, i))  # best hydrogen first within each (donor, acceptor)
    i, j, d, angle = i[order], j[order], d[order], angle[order]
    first = np.r_[True, (i[1:] != i[:-1]) | (j[1:] != j[:-1])]
    return i[first], j[first], d[first], angle[first]
