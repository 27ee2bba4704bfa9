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

import csv
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from structkit.errors import StructkitError
from structkit.model.complex import Complex
from structkit.model.mutations import parse_mutations
from structkit.model.numbering import klifs_map, reference_residue

__all__ = ["SITE_COLUMNS", "regions_of", "review_mentions", "review_regions", "review_sites", "site_table"]

#: Columns of :func:`site_table`.
SITE_COLUMNS = [
    "pdb_id", "uniprot", "wild_type", "residue", "mutated", "review_regions", "klifs_position",
    "klifs_region", "resolved", "missing_atoms",
]


def _read_commented(name: str) -> list[dict[str, str]]:
    text = resources.files("structkit.data").joinpath(name).read_text()
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _expand(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split():
        first, _, last = part.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


@lru_cache(maxsize=1)
def review_regions() -> dict[str, frozenset[int]]:
    """Review regions (in the data file's order) as sets of UniProt numbers."""
    rows = _read_commented("review_regions.csv")
    return {row["region"]: frozenset(_expand(row["residues"])) for row in rows}


def regions_of(number: int) -> list[str]:
    """The review regions that contain a UniProt residue number (may be several or none)."""
    return [name for name, members in review_regions().items() if number in members]


@lru_cache(maxsize=1)
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
        UniProt numbers (default: :func:`review_sites`).

    Returns
    -------
    DataFrame
        Columns :data:`SITE_COLUMNS`. ``residue`` is the one-letter residue in this structure
        (empty if the residue has no coordinates); ``resolved`` is ``"yes"`` (every template heavy
        atom present), ``"partial"`` or ``"no"``.
    """
    sites = list(review_sites() if sites is None else sites)
    kmap = klifs_map()
    res = complex_.residues
    rows = []
    for number in sites:
        wild_type = reference_residue(number)
        if not wild_type:
            raise StructkitError(f"residue {number} is outside the ALK reference sequence")
        row = res.index_of(number)
        position = int(kmap.position_of(np.array([number]))[0])
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
            "review_regions": ";".join(regions_of(number)),
            "klifs_position": position,
            "klifs_region": str(kmap.region[position - 1]) if position else "",
            "resolved": resolved,
            "missing_atoms": " ".join(missing),
        })
    return pd.DataFrame(rows, columns=SITE_COLUMNS)
