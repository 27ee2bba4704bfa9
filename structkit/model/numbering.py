"""Map observed residues to a reference numbering (UniProt Q9UM73 for ALK) and to KLIFS positions.

The mapping is made by sequence alignment of the residues seen in the coordinates to a reference
sequence: for ALK the one shipped in ``structkit/data/alk_reference.fasta`` (see its header for the
source), for another kinase one the user gives (:func:`read_reference_fasta`), so that a file whose
residues are shifted or renumbered still maps correctly. A kinase without a reference keeps its
author numbering (:func:`author_reference`).

Policy
------
1. The observed residues of a chain, in file order, are aligned globally to the reference
   (BLOSUM62, gap open -10, extend -0.5, end gaps free) with Biopython's ``PairwiseAligner``.
2. The author numbering is tried as well: the most common offset between author numbers and the
   alignment is applied to every residue (0 for files numbered as UniProt, as all ALK entries are).
   Where that gives at least as many residues identical to the reference as the alignment, the
   author numbering wins; this resolves the rare ambiguities of an alignment across a gap in
   the coordinates. A renumbered file (residues numbered 1, 2, 3 ... across gaps) fails this test
   and keeps the alignment.
3. The mapped core runs from the first to the last run of five consecutive residues identical to
   the reference; residues outside it (expression tags numbered like the native sequence) and
   residues aligned to a gap (insertions) get no UniProt number (-1).
4. A chain is a chain of the reference's protein (an ALK kinase chain for the ALK reference)
   when at least 50 residues map and at least 60 % of them are identical to the reference.

Mutations are the mapped residues whose amino acid differs from the reference.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from Bio import Align
from Bio.Align import substitution_matrices

from structkit.data import read_table
from structkit.model.residues import one_letter

__all__ = [
    "KLIFS_REGIONS",
    "N_KLIFS_POSITIONS",
    "ChainNumbering",
    "KlifsMap",
    "Reference",
    "author_reference",
    "klifs_map",
    "klifs_region_of",
    "map_chain",
    "read_reference_fasta",
    "reference_residue",
    "reference_sequence",
]

#: The number of KLIFS pocket positions (van Linden et al. 2014): the one place it is written.
N_KLIFS_POSITIONS = 85

#: KLIFS regions in pocket order with their first and last position.
KLIFS_REGIONS: tuple[tuple[str, int, int], ...] = (
    ("I", 1, 3), ("g.l", 4, 9), ("II", 10, 13), ("III", 14, 19), ("αC", 20, 30),
    ("b.l", 31, 37), ("IV", 38, 41), ("V", 42, 44), ("GK", 45, 45), ("hinge", 46, 48),
    ("linker", 49, 52), ("αD", 53, 59), ("αE", 60, 64), ("VI", 65, 67), ("c.l", 68, 75),
    ("VII", 76, 78), ("VIII", 79, 79), ("xDFG", 80, 83), ("a.l", 84, 85),
)

MIN_CORE_RUN = 5
MIN_MAPPED = 50
MIN_IDENTITY = 0.6


@dataclass(frozen=True)
class Reference:
    """A reference sequence: ``sequence[i]`` is the residue numbered ``first + i`` (``-`` unknown).

    Attributes
    ----------
    first : int
        Number of the first residue.
    sequence : str
        One-letter codes; ``-`` where the residue is not known (author numbering with gaps).
    source : str
        Where the sequence comes from (FASTA header, file).
    name : str
        Protein name (``ALK`` for the shipped reference), ``""`` where unknown.
    from_structure : bool
        True where the reference was read off the structure itself (author numbering): then the
        wild type is what the structure has, and no mutation can be read off it.
    """

    first: int
    sequence: str
    source: str
    name: str = "ALK"
    from_structure: bool = False

    @property
    def last(self) -> int:
        """Number of the last residue."""
        return self.first + len(self.sequence) - 1

    @property
    def is_alk(self) -> bool:
        """Whether this is the shipped ALK reference."""
        return self.name == "ALK" and not self.from_structure

    def residue(self, number: int) -> str:
        """One-letter residue at a number, ``""`` outside the reference or where unknown."""
        if self.first <= number <= self.last:
            letter = self.sequence[number - self.first]
            return "" if letter == "-" else letter
        return ""


def read_reference_fasta(path: str | os.PathLike, first: int | None = None) -> Reference:
    """Read a one-sequence FASTA file as a reference (numbered from 1, or ``first=N`` in the header).

    Parameters
    ----------
    path : path
        FASTA file. The header may carry ``first=N`` (number of the first residue); the protein
        name is the header's first word (UniProt's ``sp|P00519|ABL1_HUMAN`` gives ``ABL1``).
    first : int, optional
        Number of the first residue, overriding the header.

    Returns
    -------
    Reference
        The sequence, its first number and the protein's name.

    Raises
    ------
    StructkitError
        A missing or unreadable file, no sequence, or letters that are not amino acids.
    """
    import re
    from pathlib import Path

    from structkit.errors import StructkitError

    p = Path(path)
    try:
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise StructkitError(f"{p}: cannot read the reference FASTA ({exc.__class__.__name__})") from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(";")]
    headers = [line for line in lines if line.startswith(">")]
    if not headers or not lines[0].startswith(">"):
        raise StructkitError(f"{p}: not a FASTA file (no '>' header line first)")
    if len(headers) > 1:
        raise StructkitError(f"{p}: holds {len(headers)} sequences; give one reference sequence")
    header = headers[0][1:].strip()
    seq = "".join(line for line in lines[1:]).upper().replace("*", "")
    if not seq:
        raise StructkitError(f"{p}: the FASTA file has no sequence")
    bad = sorted(set(seq) - set("ACDEFGHIKLMNPQRSTVWYXUO"))
    if bad:
        raise StructkitError(f"{p}: {''.join(bad)} are not amino-acid letters")
    m = re.search(r"first=(-?[0-9]+)", header)
    start = first if first is not None else (int(m.group(1)) if m else 1)
    word = header.split()[0] if header else ""
    name = word.split("|")[-1].split("_")[0] if "|" in word else word
    return Reference(first=start, sequence=seq, source=f"{p.name}: {header}", name=name)


def author_reference(resnames: np.ndarray, resnums: np.ndarray, icodes: np.ndarray,
                     name: str = "", source: str = "author numbering") -> Reference:
    """A reference read off a chain itself: its author numbers and residues (no mutations).

    Residues with an insertion code are left out; numbers without a residue are unknown (``-``).
    """
    keep = (np.asarray(icodes) == "") & (np.asarray(resnums) > -10**6)
    nums = np.asarray(resnums)[keep]
    letters = [one_letter(r) for r in np.asarray(resnames)[keep]]
    if len(nums) == 0:
        return Reference(first=1, sequence="", source=source, name=name, from_structure=True)
    first, last = int(nums.min()), int(nums.max())
    seq = ["-"] * (last - first + 1)
    for n, letter in zip(nums.tolist(), letters):
        if seq[n - first] == "-":
            seq[n - first] = letter
    return Reference(first=first, sequence="".join(seq), source=source, name=name, from_structure=True)


@lru_cache(maxsize=1)
def reference_sequence() -> Reference:
    """Return the ALK reference sequence (UniProt Q9UM73 numbering) shipped as package data.

    Returns
    -------
    Reference
        First UniProt number, one-letter sequence and the FASTA header naming the source.
    """
    text = resources.files("structkit.data").joinpath("alk_reference.fasta").read_text()
    header = next(line for line in text.splitlines() if line.startswith(">"))
    first = int(header.split("first=")[1].split()[0])
    seq = "".join(
        line.strip() for line in text.splitlines() if line and not line.startswith(("#", ">"))
    )
    return Reference(first=first, sequence=seq, source=header[1:], name="ALK")


def reference_residue(number: int) -> str:
    """Return the one-letter ALK wild-type residue at a UniProt number, or ``""`` outside the reference."""
    return reference_sequence().residue(number)


def klifs_region_of(position: int) -> str:
    """KLIFS region name of a position 1-85 (``""`` for 0)."""
    for name, lo, hi in KLIFS_REGIONS:
        if lo <= position <= hi:
            return name
    return ""


@dataclass(frozen=True)
class KlifsMap:
    """KLIFS positions of ALK: arrays indexed by position - 1."""

    uniprot: np.ndarray
    region: np.ndarray
    wild_type: np.ndarray
    note: np.ndarray

    def position_of(self, numbers: np.ndarray) -> np.ndarray:
        """KLIFS position (1-85) of each UniProt number, 0 where the residue is not in the pocket."""
        numbers = np.asarray(numbers)
        lookup = dict(zip(self.uniprot.tolist(), range(1, len(self.uniprot) + 1)))
        return np.array([lookup.get(int(n), 0) for n in numbers.ravel()], dtype=np.int64).reshape(
            numbers.shape
        )



@lru_cache(maxsize=1)
def klifs_map() -> KlifsMap:
    """Return the 85 KLIFS pocket positions of ALK (see ``structkit/data/klifs_alk.csv``).

    Returns
    -------
    KlifsMap
        UniProt number and region of each of the 85 positions (cached).
    """
    rows = read_table("klifs_alk.csv")
    rows.sort(key=lambda r: int(r["klifs_position"]))
    if [int(r["klifs_position"]) for r in rows] != list(range(1, N_KLIFS_POSITIONS + 1)):
        raise RuntimeError(f"klifs_alk.csv must list positions 1 to {N_KLIFS_POSITIONS} exactly once")
    return KlifsMap(
        uniprot=np.array([int(r["uniprot_number"]) for r in rows], dtype=np.int64),
        region=np.array([r["klifs_region"] for r in rows]),
        wild_type=np.array([r["wild_type"] for r in rows]),
        note=np.array([r["source"] for r in rows]),
    )


@lru_cache(maxsize=1)
def _aligner() -> Align.PairwiseAligner:
    aligner = Align.PairwiseAligner()
    aligner.mode = "global"
    aligner.substitution_matrix = substitution_matrices.load("BLOSUM62")
    aligner.open_gap_score = -10.0
    aligner.extend_gap_score = -0.5
    aligner.end_gap_score = 0.0
    return aligner


@dataclass(frozen=True)
class ChainNumbering:
    """UniProt numbering of one chain's residues.

    Attributes
    ----------
    uniprot : ndarray of int64
        UniProt number per observed residue, -1 where unmapped (tags, insertions, foreign chains).
    one_letter : str
        The observed sequence, one letter per residue.
    identity : float
        Fraction of mapped residues identical to the reference.
    n_mapped : int
        Number of mapped residues.
    method : str
        ``"author"`` (author numbering, possibly offset) or ``"alignment"``.
    offset : int
        UniProt number minus author number, where the author numbering was used.
    """

    uniprot: np.ndarray
    one_letter: str
    identity: float
    n_mapped: int
    method: str
    offset: int

    @property
    def is_alk(self) -> bool:
        """Whether the chain maps to its reference (an ALK chain for the ALK reference; module policy)."""
        return self.n_mapped >= MIN_MAPPED and self.identity >= MIN_IDENTITY

    @property
    def matches(self) -> bool:
        """Whether the chain maps to its reference (same test as :attr:`is_alk`)."""
        return self.is_alk


def map_chain(resnames: np.ndarray, resnums: np.ndarray, icodes: np.ndarray,
              reference: Reference | None = None) -> ChainNumbering:
    """Map the residues of one chain to a reference numbering (default: ALK, UniProt Q9UM73).

    Parameters
    ----------
    resnames, resnums, icodes : ndarray
        Residue name, author number and insertion code of each residue, in file order.
    reference : Reference, optional
        The reference sequence (default the shipped ALK reference).

    Returns
    -------
    ChainNumbering
    """
    ref = reference or reference_sequence()
    seq = "".join(one_letter(r) for r in resnames)
    n = len(seq)
    empty = ChainNumbering(np.full(n, -1, dtype=np.int64), seq, 0.0, 0, "alignment", 0)
    if n == 0 or set(seq) == {"X"}:
        return empty
    aligned = _align(seq, ref.sequence.replace("-", "X"))
    mapped = aligned >= 0
    by_alignment = np.where(mapped, aligned + ref.first, -1)

    method, offset, numbers = "alignment", 0, by_alignment
    if mapped.any():
        offsets = by_alignment[mapped] - resnums[mapped]
        values, counts = np.unique(offsets, return_counts=True)
        offset_try = int(values[np.argmax(counts)])
        by_author = resnums + offset_try
        by_author = np.where(
            (icodes == "") & (by_author >= ref.first) & (by_author <= ref.last), by_author, -1
        )
        if np.unique(by_author[by_author >= 0]).size == (by_author >= 0).sum() and (
            _identical(seq, by_author, ref) >= _identical(seq, by_alignment, ref)
        ):
            method, offset, numbers = "author", offset_try, by_author
    numbers = _trim_to_core(seq, numbers, ref)
    kept = numbers >= 0
    n_mapped = int(kept.sum())
    if n_mapped == 0:
        return empty
    identity = _identical(seq, numbers, ref) / n_mapped
    return ChainNumbering(numbers, seq, identity, n_mapped, method, offset)


def _align(query: str, target: str) -> np.ndarray:
    """Index into ``target`` of each query letter, -1 where aligned to a gap."""
    alignment = _aligner().align(target, query)[0]
    out = np.full(len(query), -1, dtype=np.int64)
    for (t0, t1), (q0, q1) in zip(*alignment.aligned):
        out[q0:q1] = np.arange(t0, t1)
    return out


def _identical_mask(seq: str, numbers: np.ndarray, ref: Reference) -> np.ndarray:
    letters = np.frombuffer(seq.encode(), dtype="S1")
    refl = np.frombuffer(ref.sequence.encode(), dtype="S1")
    ok = numbers >= 0
    same = np.zeros(len(seq), dtype=bool)
    same[ok] = letters[ok] == refl[numbers[ok] - ref.first]
    return same


def _identical(seq: str, numbers: np.ndarray, ref: Reference) -> int:
    return int(_identical_mask(seq, numbers, ref).sum())


def _trim_to_core(seq: str, numbers: np.ndarray, ref: Reference) -> np.ndarray:
    """Unmap terminal residues that are not native (expression tags numbered like the protein).

    The core starts at the first and ends at the last run of ``MIN_CORE_RUN`` residues identical
    to the reference and consecutively numbered. It is then extended outward, across gaps in the
    coordinates, as far as the extension ends on an identical residue and at least half of it is
    identical (so an engineered substitution next to the terminus stays, a tag goes).
    """
    same = _identical_mask(seq, numbers, ref)
    n = len(seq)
    if n < MIN_CORE_RUN:
        return np.full(n, -1, dtype=np.int64)
    step_one = np.diff(numbers) == 1
    window = np.lib.stride_tricks.sliding_window_view(same, MIN_CORE_RUN).all(axis=1)
    steps = np.lib.stride_tricks.sliding_window_view(step_one, MIN_CORE_RUN - 1)
    window &= steps.all(axis=1)
    starts = np.flatnonzero(window)
    if starts.size == 0:
        return np.full(n, -1, dtype=np.int64)
    first, last = int(starts[0]), int(starts[-1] + MIN_CORE_RUN - 1)
    increasing = np.diff(numbers) > 0
    first = _extend(same, increasing, first, -1)
    last = _extend(same, increasing, last, +1)
    out = numbers.copy()
    out[:first] = -1
    out[last + 1:] = -1
    return out


def _extend(same: np.ndarray, increasing: np.ndarray, edge: int, direction: int) -> int:
    """Furthest index beyond ``edge`` that the core may be extended to (see _trim_to_core)."""
    best, hits, k = edge, 0, edge
    while True:
        nxt = k + direction
        if nxt < 0 or nxt >= len(same):
            break
        if not increasing[min(k, nxt)]:
            break
        k = nxt
        hits += int(same[k])
        if same[k] and hits * 2 >= abs(k - edge):
            best = k
    return best
