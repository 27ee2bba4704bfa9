"""The review's mutation sites and regions, and where they sit in a structure.

- :func:`review_regions`: the regions the review names, as sets of UniProt numbers
  (``structkit/data/review_regions.csv`` states the basis of each definition).
- :func:`review_sites`: every residue at which the review names a mutation
  (``structkit/data/review_coverage.csv``); :func:`review_mentions`: every mutation string of the
  review text with its parse (``structkit/data/review_mentions.csv``).
- :func:`site_table`: per site, its wild type, the residue in a given structure, its review
  regions, KLIFS position and region, and whether its atoms are resolved. Sites are addressed by
  UniProt number, so residues between KLIFS positions (C1156, T1151 ...) are covered too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from structkit.data import cached_copy, read_table
from structkit.errors import StructkitError
from structkit.model.complex import Complex
from structkit.model.mutations import parse_mutations
from structkit.model.numbering import klifs_map, klifs_region_of

__all__ = [
    "REGION_COLOURS",
    "SITE_COLUMNS",
    "as_site_list",
    "klifs_column",
    "primary_region_of",
    "region_klifs_positions",
    "region_rgb",
    "regions_of",
    "review_mentions",
    "review_regions",
    "review_sites",
    "site_klifs_positions",
    "site_numbers",
    "site_table",
]

#: One colour per review region (figures, PyMOL scripts and 3D views all take it from here).
REGION_COLOURS = {
    "solvent front": "#d62728", "gatekeeper": "#ff7f0e", "hinge": "#8c564b", "DFG": "#9467bd",
    "N-terminal to αC-helix": "#2ca02c", "αC-helix": "#393b79", "C-terminal to αC-helix": "#17becf",
    "glycine-rich loop": "#bcbd22", "ribose-binding pocket": "#e377c2", "ATP-binding pocket": "#1f77b4",
}


def region_rgb(region: str) -> tuple[float, float, float]:
    """A region's colour as RGB fractions (grey for a residue in no region)."""
    colour = REGION_COLOURS.get(region, "#999999")
    red, green, blue = (round(int(colour[k:k + 2], 16) / 255, 3) for k in (1, 3, 5))
    return red, green, blue

#: Columns of :func:`site_table`.
SITE_COLUMNS = [
    "pdb_id", "uniprot", "wild_type", "residue", "mutated", "review_regions", "klifs_position",
    "klifs_region", "resolved", "missing_atoms", "alk_site",
]


def _read_commented(name: str) -> list[dict[str, str]]:
    return read_table(name)


def _expand(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split():
        first, _, last = part.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


@cached_copy
def review_regions() -> dict[str, frozenset[int]]:
    """Review regions (in the data file's order) as sets of UniProt numbers.

    Returns
    -------
    dict of str to frozenset of int
        Region name to its ALK UniProt residue numbers.
    """
    rows = _read_commented("review_regions.csv")
    return {row["region"]: frozenset(_expand(row["residues"])) for row in rows}


def regions_of(number: int) -> list[str]:
    """The review regions that contain a UniProt residue number (may be several or none).

    Parameters
    ----------
    number : int
        ALK UniProt residue number.

    Returns
    -------
    list of str
        The regions, in the data file's order.
    """
    return [name for name, members in review_regions().items() if number in members]


@lru_cache(maxsize=1)
def _primary_regions() -> dict[int, tuple[str, str]]:
    rows = _read_commented("review_site_regions.csv")
    return {int(r["site"]): (r["primary_region"], r["basis"]) for r in rows}


def primary_region_of(number: int) -> str:
    """The one review region a site counts in for statistics (``review_site_regions.csv``).

    Sites the file does not list (not review sites) take their only region, or ``""`` when they
    are in none or in several.

    Parameters
    ----------
    number : int
        ALK UniProt residue number.

    Returns
    -------
    str
        The region's name, or ``""``.
    """
    primary = _primary_regions().get(number)
    if primary:
        return primary[0]
    regions = regions_of(number)
    return regions[0] if len(regions) == 1 else ""


@cached_copy
def region_klifs_positions() -> dict[str, tuple[int, ...]]:
    """The review regions as KLIFS positions, for any kinase.

    Each region's ALK residues (``review_regions.csv``) are mapped through ALK's KLIFS map; a
    region's residues that have no KLIFS position (C1156, T1151 ... between pocket positions)
    have no equivalent in another kinase and are left out. Gatekeeper is position 45, hinge 46-48,
    solvent front 49-59, DFG 80-83, glycine-rich loop 4-9.

    Returns
    -------
    dict of str to tuple of int
        Region name to its KLIFS positions, ascending.
    """
    kmap = klifs_map()
    out = {}
    for name, members in review_regions().items():
        positions = kmap.position_of(np.array(sorted(members)))
        out[name] = tuple(int(p) for p in positions if p > 0)
    return out


def site_klifs_positions(complex_: Complex, numbers: Iterable[int]) -> np.ndarray:
    """KLIFS position (0 outside the pocket) of residue numbers in a structure's numbering.

    For ALK, by UniProt number through the curated map (so a residue missing from the structure
    still has its position); for another kinase, the structural assignment of the residue (0
    where the residue is not in the structure).
    """
    numbers = np.asarray(list(numbers), dtype=np.int64)
    if complex_.is_alk:
        return klifs_map().position_of(numbers)
    res = complex_.residues
    rows = np.array([res.index_of(int(n)) for n in numbers], dtype=np.int64)
    return np.where(rows >= 0, res.klifs_position[np.maximum(rows, 0)], 0) if len(rows) else rows


def klifs_column(positions: ArrayLike) -> pd.arrays.IntegerArray:
    """KLIFS positions as a table column: a missing value (not 0) where a residue is off the pocket."""
    return pd.array([int(v) if v > 0 else pd.NA for v in np.asarray(positions).tolist()], dtype="Int64")


def as_site_list(sites: int | str | Iterable[int | str] | None) -> list[int] | None:
    """Residue numbers from what a user passes: None, one number, ``"1196"``, ``"1196,1202"``,
    ``"L1196"``, or a sequence of numbers or such strings.

    Raises
    ------
    StructkitError
        Something that is not a residue number, named as given.
    """
    if sites is None:
        return None
    if isinstance(sites, (int, np.integer)):
        return [int(sites)]
    items = re.split(r"[\s,]+", sites.strip()) if isinstance(sites, str) else list(sites)
    numbers = []
    for item in items:
        if isinstance(item, (int, np.integer)):
            numbers.append(int(item))
            continue
        m = re.fullmatch(r"[A-Za-z]?(\d+)", str(item).strip())
        if not m:
            raise StructkitError(f"site {item!r} is not a residue number (such as 1196 or L1196)")
        numbers.append(int(m.group(1)))
    return numbers


def site_numbers(complex_: Complex, sites: Sequence[int] | None = None) -> tuple[list[int], list[int | None]]:
    """Sites in a structure's own numbering and their ALK equivalents (through KLIFS positions).

    Parameters
    ----------
    complex_ : Complex
        A loaded structure.
    sites : list of int, optional
        Residue numbers in the structure's numbering (UniProt for ALK). Default: the review's
        sites; for another kinase, the residues at the KLIFS positions of the review's sites
        (review sites without a KLIFS position, or at a position missing here, are left out).

    Returns
    -------
    numbers, alk_sites : list
        ``alk_sites[i]`` is the ALK residue at the same KLIFS position as ``numbers[i]`` (the
        same number for ALK; None where the residue has no KLIFS position).
    """
    sites = as_site_list(sites)
    if complex_.is_alk:
        chosen = list(review_sites() if sites is None else sites)
        return chosen, list(chosen)
    kmap = klifs_map()
    res = complex_.residues
    if sites is None:
        numbers: list[int] = []
        alk: list[int | None] = []
        for site in review_sites():
            position = int(kmap.position_of(np.array([site]))[0])
            row = res.index_of_klifs(position) if position else -1
            if row >= 0 and res.uniprot[row] >= 0:
                numbers.append(int(res.uniprot[row]))
                alk.append(site)
        return numbers, alk
    positions = site_klifs_positions(complex_, sites)
    return list(sites), [int(kmap.uniprot[p - 1]) if p else None for p in positions.tolist()]


@cached_copy
def review_mentions() -> pd.DataFrame:
    """Every mutation string of the review with its location, parse and notes."""
    frame = pd.DataFrame(_read_commented("review_mentions.csv"))
    frame["line"] = frame["line"].astype(int)
    return frame


@lru_cache(maxsize=1)
def review_sites() -> tuple[int, ...]:
    """UniProt numbers of every residue at which the review names a mutation, ascending.

    Taken from the curated coverage statements (``structkit/data/review_coverage.csv``), which
    hold every mutation of Table 2 and of the running text; residues the text names for another
    reason (M1199 and E1210 as hydrogen-bond partners of gilteritinib) are not mutation sites
    unless a mutation is named there too (E1210K is).

    Returns
    -------
    tuple of int
        ALK UniProt residue numbers.
    """
    sites: set[int] = set()
    for row in _read_commented("review_coverage.csv"):
        if row["reading"] == "WT":
            continue
        for mutation in parse_mutations(row["reading"], strict=False).mutations:
            sites.update(mutation.positions)
    return tuple(sorted(sites))


def site_table(complex_: Complex, sites: list[int] | None = None) -> pd.DataFrame:
    """Describe each site in one structure.

    Parameters
    ----------
    complex_ : Complex
        A loaded structure.
    sites : list of int, optional
        Residue numbers in the structure's numbering (UniProt for ALK; default: the review's
        sites, for another kinase their KLIFS equivalents, see :func:`site_numbers`).

    Returns
    -------
    DataFrame
        Columns :data:`SITE_COLUMNS`. ``uniprot`` is the number in the structure's reference
        numbering; ``residue`` is the one-letter residue in this structure (empty if the residue
        has no coordinates); ``resolved`` is ``"yes"`` (every template heavy atom present),
        ``"partial"`` or ``"no"``; ``alk_site`` the ALK residue at the same KLIFS position, whose
        review regions the row carries.
    """
    numbers, alk_sites = site_numbers(complex_, sites)
    positions = site_klifs_positions(complex_, numbers)
    res = complex_.residues
    rows = []
    for number, alk_site, position in zip(numbers, alk_sites, positions.tolist()):
        # (klifs_position becomes a nullable column below: missing, not 0, off the pocket)
        wild_type = complex_.reference.residue(number)
        row = res.index_of(number)
        if not wild_type and row >= 0 and not complex_.is_alk:
            wild_type = str(res.one_letter[row])
        if not wild_type:
            name = complex_.kinase or "the"
            raise StructkitError(f"residue {number} is outside the {name} reference sequence")
        if row >= 0:
            residue = str(res.one_letter[row])
            missing = res.missing_atoms[row]
            resolved = "partial" if missing else "yes"
        else:
            residue, missing, resolved = "", (), "no"
        rows.append({
            "pdb_id": complex_.pdb_id or "",
            "uniprot": number,
            "wild_type": wild_type,
            "residue": residue,
            "mutated": bool(residue) and residue != wild_type,
            "review_regions": ";".join(regions_of(alk_site)) if alk_site is not None else "",
            "klifs_position": position,
            "klifs_region": klifs_region_of(position),
            "resolved": resolved,
            "missing_atoms": " ".join(missing),
            "alk_site": alk_site if alk_site is not None else pd.NA,
        })
    table = pd.DataFrame(rows, columns=SITE_COLUMNS)
    table["klifs_position"] = klifs_column(positions)
    return table
