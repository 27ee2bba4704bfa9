"""KLIFS pocket positions for any protein kinase, by structural alignment to an ALK template.

KLIFS (van Linden et al., J. Med. Chem. 2014; Kanev et al., Nucleic Acids Res. 2021) defines 85
structurally equivalent ATP-pocket positions for every protein kinase. ALK structures take them
from the curated ALK map (``klifs_alk.csv``) through their UniProt numbers. Any other kinase chain
gets them here, by aligning its C-alpha trace onto the ALK kinase domain of PDB 3LCT
(``kinase_reference.csv``, whose residues carry their KLIFS positions):

1. **Seed.** The chain's sequence is aligned to the template's (BLOSUM62, Smith-Waterman-like free
   ends); the aligned C-alpha pairs are superposed (Kabsch) and the superposition refined on the
   pairs closer than a cut-off that shrinks from 8 to 4 Å, so that misaligned stretches drop out.
2. **Structural alignment.** With the chain superposed, residue pairs are scored
   ``1 / (1 + (d / 3.5 Å)^2) + 0.02 * BLOSUM62`` and aligned in sequence order by dynamic programming
   (:func:`structkit.geometry.dynprog.align_scores`, gap -0.6): the TM-align step, with a small
   sequence term that breaks ties between neighbours. A chain residue left unpaired between two
   template residues that are consecutive KLIFS positions (an insertion inside the pocket's
   columns, which KLIFS's alignment puts between its segments instead) costs 5 gaps rather than
   one. The chain is re-superposed on the aligned pairs within 4 Å and the alignment repeated until
   it no longer changes (at most 6 rounds).
3. **Positions.** Each KLIFS position takes the residue aligned to its template residue. Only
   residues with coordinates take part, so a position falls on a gap (``missing``) where the chain
   has no residue there, as for an unresolved glycine-rich or activation loop. **Unresolved
   segments stay gaps**: where the residue numbers jump (``k`` residues not in the structure), the
   alignment holds ``k`` placeholder rows there, which pair with any template residue at score 0
   and leave a position ``missing`` if they take it. The segment thus keeps the template columns
   it spans, and no resolved residue is pulled into them (without this, a disordered αC as in AKT1
   4EJN drew the residues after it into positions 22-26 and shifted the β3 strand by one).
   Insertions relative to the template are residues the alignment leaves unpaired (between KLIFS's
   segments, see step 2); deletions are template residues left unpaired, so the position is
   ``missing``. A position whose
   aligned C-alpha lies more than 4 Å from the template's after superposition is kept but marked
   ``uncertain`` (conformational change or an indel nearby); one whose neighbours in the pocket
   sequence are missing on both sides is marked ``uncertain`` too.
4. **Landmarks.** Six positions hold the same residue in every typical protein kinase and in the
   atypical ADCK3 of the shared KLIFS files: the β3 lysine (17), the αC glutamate (24), the
   catalytic-loop aspartate and asparagine (70, 75: the D and N of HRDxxxxN) and the DFG aspartate
   and glycine (81, 83). Where the residue aligned to a landmark is not the expected one but a
   sequence neighbour (one or two residues away) is, the alignment has probably slipped a
   register there: the landmark is marked ``uncertain`` and named in
   :attr:`KlifsAssignment.shifted_landmarks`, never reported ``ok`` (nothing is moved: the
   structure did not decide). A landmark whose residue is substituted with no expected residue
   nearby (a pseudokinase) keeps its status.
5. **Is it a kinase?** The TM-score of the alignment, normalised by the template length, must be at
   least 0.40; unrelated folds score about 0.2-0.3, protein kinase domains 0.6-0.9, the
   atypical ADCK3 0.45.

The method is validated against every KLIFS pocket file in ``../shared/klifs`` by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from Bio.Align import substitution_matrices

from structkit.data import read_table
from structkit.geometry.distances import distance_matrix
from structkit.geometry.dynprog import align_scores
from structkit.geometry.superpose import apply_transform, superpose
from structkit.model.numbering import N_KLIFS_POSITIONS

__all__ = [
    "LANDMARKS",
    "MIN_TM_SCORE",
    "KinaseTemplate",
    "KlifsAssignment",
    "assign_klifs",
    "check_landmarks",
    "kinase_template",
    "unresolved_before",
]

D0 = 4.5
SEQUENCE_WEIGHT = 0.02
GAP = -0.6
#: Multiplies ``GAP`` for a chain residue left unpaired between two template residues that are
#: consecutive in sequence and consecutive KLIFS positions (an insertion inside the pocket's
#: columns); 1 keeps the uniform gap.
POCKET_INSERTION_FACTOR = 5.0
CORE_CUTOFF = 4.0
UNCERTAIN_DISTANCE = 4.0
MIN_TM_SCORE = 0.40
MAX_ROUNDS = 6
#: Placeholders kept for one unresolved segment (longer segments take this many).
MAX_UNRESOLVED = 100
FRAGMENT = 12
SEED_POSITIONS = (17, 47, 55, 62, 70, 81)
#: KLIFS position -> the residue every protein kinase in ../shared/klifs has there (see step 4).
LANDMARKS = {17: "K", 24: "E", 70: "D", 75: "N", 81: "D", 83: "G"}
#: How far (residues) a landmark's expected residue may sit from the aligned one to count as a slip.
LANDMARK_REACH = 2
_AMINO = "ARNDCQEGHILKMFPSTWYVX"


@dataclass(frozen=True)
class KinaseTemplate:
    """The ALK C-alpha template: arrays indexed by template residue."""

    uniprot: np.ndarray
    sequence: str
    ca: np.ndarray
    klifs: np.ndarray

    @property
    def residue_of_position(self) -> np.ndarray:
        """Template residue index of each KLIFS position 1-85 (index 0 of the array = position 1)."""
        out = np.full(N_KLIFS_POSITIONS, -1, dtype=np.int64)
        has = self.klifs > 0
        out[self.klifs[has] - 1] = np.flatnonzero(has)
        return out


@lru_cache(maxsize=1)
def kinase_template() -> KinaseTemplate:
    """The template shipped in ``structkit/data/kinase_reference.csv`` (see its header for the source)."""
    rows = read_table("kinase_reference.csv")
    return KinaseTemplate(
        uniprot=np.array([int(r["uniprot"]) for r in rows], dtype=np.int64),
        sequence="".join(r["residue"] for r in rows),
        ca=np.array([[float(r["x"]), float(r["y"]), float(r["z"])] for r in rows]),
        klifs=np.array([int(r["klifs_position"]) for r in rows], dtype=np.int64),
    )


@dataclass(frozen=True)
class KlifsAssignment:
    """KLIFS positions of one chain.

    Attributes
    ----------
    position : ndarray of int64, shape (n_residues,)
        KLIFS position (1-85) of each residue given, 0 outside the pocket.
    residue_index : ndarray of int64, shape (85,)
        Residue index (into the residues given) of each KLIFS position, -1 where missing.
    status : ndarray of str, shape (85,)
        ``"ok"``, ``"uncertain"`` or ``"missing"`` per position.
    distance : ndarray of float, shape (85,)
        C-alpha distance to the template residue after superposition (NaN where missing).
    tm_score : float
        TM-score of the alignment, normalised by the template length.
    rmsd : float
        C-alpha RMSD of the core pairs (within 4 Å) used for the final superposition.
    n_aligned : int
        Residue pairs in the structural alignment.
    shifted_landmarks : tuple of int
        Landmark positions (:data:`LANDMARKS`) whose expected residue sits one or two residues
        from the aligned one: a probable register slip, marked ``uncertain``.
    """

    position: np.ndarray
    residue_index: np.ndarray
    status: np.ndarray
    distance: np.ndarray
    tm_score: float
    rmsd: float
    n_aligned: int
    shifted_landmarks: tuple[int, ...] = ()

    @property
    def is_kinase(self) -> bool:
        """Whether the chain aligns to the kinase template well enough (TM-score >= MIN_TM_SCORE)."""
        return self.tm_score >= MIN_TM_SCORE


@lru_cache(maxsize=1)
def _blosum() -> np.ndarray:
    matrix = substitution_matrices.load("BLOSUM62")
    return np.array([[matrix[a][b] for b in _AMINO] for a in _AMINO], dtype=np.float64)


def _codes(sequence: str) -> np.ndarray:
    lookup = {a: i for i, a in enumerate(_AMINO)}
    return np.array([lookup.get(a, len(_AMINO) - 1) for a in sequence], dtype=np.int64)


def _pairs(alignment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(alignment >= 0)
    return rows, alignment[rows]


def _fragment_seeds(ca: np.ndarray, template: KinaseTemplate, n_best: int = 3):
    """Superpositions from every query window onto conserved template fragments, best first.

    Used when the sequence seed fails (remote or atypical kinases): each template fragment of
    ``FRAGMENT`` residues centred on a conserved KLIFS position (β3 lysine 17, hinge 47, αD 55,
    αE 62, catalytic loop 70, DFG 81) is superposed onto every query window of the same length,
    and each superposition is scored by the number of template C-alphas with a query C-alpha
    within 3.5 Å.
    """
    from scipy.spatial import cKDTree

    n = len(ca)
    if n < FRAGMENT:
        return []
    windows = np.lib.stride_tricks.sliding_window_view(ca, (FRAGMENT, 3))[:, 0]  # (n-L+1, L, 3)
    half = FRAGMENT // 2
    anchors = template.residue_of_position[np.array(SEED_POSITIONS) - 1]
    tree = cKDTree(template.ca)
    candidates = []
    for anchor in anchors:
        lo = int(anchor) - half
        if anchor < 0 or lo < 0 or lo + FRAGMENT > len(template.ca):
            continue
        fragment = np.broadcast_to(template.ca[lo:lo + FRAGMENT], windows.shape)
        rot, trans = superpose(windows, fragment)
        moved = np.einsum("kij,nj->kni", rot, ca) + trans[:, None, :]
        dist, _ = tree.query(moved.reshape(-1, 3), distance_upper_bound=3.5)
        hits = np.isfinite(dist).reshape(len(rot), n).sum(axis=1)
        for k in np.argsort(-hits)[:n_best]:
            candidates.append((int(hits[k]), rot[k], trans[k]))
    candidates.sort(key=lambda c: -c[0])
    return [(r, t) for _, r, t in candidates[:n_best]]


def _seed(ca: np.ndarray, seq_scores: np.ndarray, template: KinaseTemplate):
    """Superposition from the sequence alignment, refined on ever closer pairs."""
    alignment = align_scores(seq_scores, gap=-4.0)
    q, t = _pairs(alignment)
    real = np.isfinite(ca[q]).all(axis=1)  # placeholder rows (NaN) hold columns, never superpose
    q, t = q[real], t[real]
    if len(q) < 3:
        return None
    keep = np.ones(len(q), dtype=bool)
    rot, trans = superpose(ca[q], template.ca[t])
    for cutoff in (8.0, 6.0, 5.0, 4.0, 4.0):
        d = np.linalg.norm(apply_transform(ca[q], rot, trans) - template.ca[t], axis=1)
        new_keep = d < cutoff
        if new_keep.sum() < 12:
            break
        keep = new_keep
        rot, trans = superpose(ca[q[keep]], template.ca[t[keep]])
    return rot, trans


def _tm_score(d_pairs: np.ndarray, length: int) -> float:
    d0 = 1.24 * (length - 15) ** (1.0 / 3.0) - 1.8
    return float((1.0 / (1.0 + (d_pairs / d0) ** 2)).sum() / length)


def _row_gaps(template: KinaseTemplate) -> np.ndarray:
    """Score of a chain residue left unpaired after each number of template residues (DP ``row_gap``)."""
    gaps = np.full(len(template.ca) + 1, GAP)
    rop = template.residue_of_position
    inside = (rop[:-1] >= 0) & (rop[1:] == rop[:-1] + 1)
    gaps[rop[1:][inside]] = GAP * POCKET_INSERTION_FACTOR
    return gaps


def _refine(ca, blosum, template: KinaseTemplate, rot, trans):
    """Iterate structural DP and superposition from a starting superposition.

    Returns ``(tm_score, alignment, rotation, translation)`` or None.
    """
    alignment = None
    row_gap = _row_gaps(template)
    for _ in range(MAX_ROUNDS):
        moved = apply_transform(ca, rot, trans)
        dist = distance_matrix(moved, template.ca)
        scores = np.nan_to_num(1.0 / (1.0 + (dist / D0) ** 2), nan=0.0) + SEQUENCE_WEIGHT * blosum
        new = align_scores(scores, GAP, row_gap)
        q, t = _pairs(new)
        if len(q) < 3:
            return None
        close = np.nan_to_num(dist[q, t], nan=np.inf) < CORE_CUTOFF
        if close.sum() >= 3:
            rot, trans = superpose(ca[q[close]], template.ca[t[close]])
        if alignment is not None and np.array_equal(new, alignment):
            break
        alignment = new
    q, t = _pairs(new)
    d_pairs = np.linalg.norm(apply_transform(ca[q], rot, trans) - template.ca[t], axis=1)
    d_pairs = d_pairs[np.isfinite(d_pairs)]
    return _tm_score(d_pairs, len(template.ca)), alignment, rot, trans


def assign_klifs(ca: np.ndarray, sequence: str, resnums: np.ndarray | None = None) -> KlifsAssignment:
    """Assign the 85 KLIFS pocket positions to a chain from its C-alpha trace and sequence.

    Parameters
    ----------
    ca : ndarray, shape (n, 3)
        C-alpha coordinates of the chain's residues in sequence order, NaN for a residue without
        a C-alpha (such a residue takes a position only next to an assigned neighbour, see below).
    sequence : str
        One-letter codes of the same residues (``X`` for unknown).
    resnums : ndarray of int, optional
        Residue numbers; a residue without a C-alpha takes the position after (before) its
        neighbour's only when the numbers are consecutive. Without them it takes none.

    Returns
    -------
    KlifsAssignment
    """
    template = kinase_template()
    ca_all = np.asarray(ca, dtype=np.float64)
    n_all = len(ca_all)
    has_ca = np.isfinite(ca_all).all(axis=1)
    rows = np.flatnonzero(has_ca)
    unresolved = unresolved_before(np.asarray(resnums)[rows]) if resnums is not None else None
    result = _assign(ca_all[rows], "".join(sequence[i] for i in rows), template, unresolved)
    residue_index = np.where(result.residue_index >= 0, rows[np.maximum(result.residue_index, 0)], -1)
    status = result.status.copy()
    if resnums is not None and not has_ca.all():
        resnums = np.asarray(resnums)
        has_ca = np.asarray(has_ca, dtype=bool)
        contiguous = np.diff(template.residue_of_position) == 1
        for k in range(N_KLIFS_POSITIONS):  # a CA-less residue right after / before an assigned neighbour
            if residue_index[k] >= 0:
                continue
            for nb, step in ((k - 1, 1), (k + 1, -1)):
                if not 0 <= nb < N_KLIFS_POSITIONS or residue_index[nb] < 0 or not contiguous[min(k, nb)]:
                    continue
                cand = residue_index[nb] + step
                consecutive = 0 <= cand < n_all and resnums[cand] - resnums[residue_index[nb]] == step
                if consecutive and not has_ca[cand]:
                    residue_index[k] = cand
                    status[k] = "uncertain"
                    break
    position = np.zeros(n_all, dtype=np.int64)
    found = residue_index >= 0
    position[residue_index[found]] = np.flatnonzero(found) + 1
    shifted = check_landmarks(residue_index, sequence, status)
    return KlifsAssignment(position, residue_index, status, result.distance, result.tm_score,
                           result.rmsd, result.n_aligned, shifted)


def unresolved_before(resnums: np.ndarray) -> np.ndarray:
    """Residues the structure leaves out before each resolved residue, read off the numbering.

    Parameters
    ----------
    resnums : ndarray of int, shape (n,)
        Residue numbers of the residues that have a C-alpha, in chain order.

    Returns
    -------
    ndarray of int64, shape (n,)
        ``resnums[i] - resnums[i - 1] - 1`` clipped to ``[0, MAX_UNRESOLVED]`` (0 for the first
        residue, for insertion codes and for numbering that runs backwards).
    """
    nums = np.asarray(resnums, dtype=np.int64)
    out = np.zeros(len(nums), dtype=np.int64)
    if len(nums) > 1:
        out[1:] = np.clip(np.diff(nums) - 1, 0, MAX_UNRESOLVED)
    return out


def check_landmarks(residue_index: np.ndarray, sequence: str, status: np.ndarray) -> tuple[int, ...]:
    """Mark landmark positions that look slipped by a register ``uncertain`` (in place).

    Parameters
    ----------
    residue_index : ndarray of int64, shape (85,)
        Residue (index into ``sequence``) at each KLIFS position, -1 where missing.
    sequence : str
        One-letter codes of the chain's residues.
    status : ndarray of str, shape (85,)
        Status per position; slipped landmarks become ``"uncertain"``.

    Returns
    -------
    tuple of int
        The slipped landmark positions.
    """
    shifted = []
    for position, expected in LANDMARKS.items():
        k = int(residue_index[position - 1])
        if k < 0 or sequence[k] == expected:
            continue
        near = [k + step for step in range(-LANDMARK_REACH, LANDMARK_REACH + 1)
                if step and 0 <= k + step < len(sequence)]
        if any(sequence[j] == expected for j in near):
            status[position - 1] = "uncertain"
            shifted.append(position)
    return tuple(shifted)


def _assign(ca: np.ndarray, sequence: str, template: KinaseTemplate,
            unresolved: np.ndarray | None = None) -> KlifsAssignment:
    """:func:`assign_klifs` on residues that all have a C-alpha.

    ``unresolved[i]`` residues the structure does not resolve precede residue ``i``; each takes a
    placeholder row in the alignment (score 0 with every template residue), so that an
    unresolved segment holds the template residues it spans and no resolved residue is pulled
    into them; a position that falls on a placeholder is ``missing``.
    """
    n = len(ca)
    empty = KlifsAssignment(
        np.zeros(n, dtype=np.int64), np.full(N_KLIFS_POSITIONS, -1, dtype=np.int64),
        np.full(N_KLIFS_POSITIONS, "missing", dtype=object).astype(str), np.full(N_KLIFS_POSITIONS, np.nan),
        0.0, float("nan"), 0,
    )
    if n < 20:
        return empty
    gaps = np.zeros(n, dtype=np.int64) if unresolved is None else np.asarray(unresolved, dtype=np.int64)
    rows_of_real = np.cumsum(gaps + 1) - 1  # each residue's row, after its placeholders
    n_rows = int(rows_of_real[-1]) + 1
    ext_ca = np.full((n_rows, 3), np.nan)
    ext_ca[rows_of_real] = ca
    blosum = np.zeros((n_rows, len(template.ca)))
    blosum[rows_of_real] = _blosum()[_codes(sequence)][:, _codes(template.sequence)]
    seed = _seed(ext_ca, blosum, template)
    best = _refine(ext_ca, blosum, template, *seed) if seed is not None else None
    if best is None or best[0] < MIN_TM_SCORE:
        for rot, trans in _fragment_seeds(ca, template):
            trial = _refine(ext_ca, blosum, template, rot, trans)
            if trial is not None and (best is None or trial[0] > best[0]):
                best = trial
    if best is None:
        return empty
    tm, ext_alignment, rot, trans = best
    alignment = ext_alignment[rows_of_real]
    moved = apply_transform(ca, rot, trans)
    q, t = _pairs(alignment)
    length = len(template.ca)
    d_pairs = np.linalg.norm(moved[q] - template.ca[t], axis=1)
    core = d_pairs < CORE_CUTOFF
    rmsd = float(np.sqrt((d_pairs[core] ** 2).mean())) if core.any() else float("nan")

    query_of_template = np.full(length, -1, dtype=np.int64)
    query_of_template[t] = q
    residue_index = query_of_template[template.residue_of_position]
    position = np.zeros(n, dtype=np.int64)
    found = residue_index >= 0
    position[residue_index[found]] = np.flatnonzero(found) + 1
    distance = np.full(N_KLIFS_POSITIONS, np.nan)
    distance[found] = np.linalg.norm(
        moved[residue_index[found]] - template.ca[template.residue_of_position[found]], axis=1
    )
    status = np.where(found, "ok", "missing").astype("<U9")
    status[found & (distance > UNCERTAIN_DISTANCE)] = "uncertain"
    isolated = found.copy()
    isolated[1:] &= ~found[:-1]
    isolated[:-1] &= ~found[1:]
    status[isolated] = "uncertain"
    return KlifsAssignment(position, residue_index, status, distance, tm, rmsd, len(q))
