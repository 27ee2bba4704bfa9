"""Atomic radii and maximal residue areas (package data with their sources)."""

from __future__ import annotations

import numpy as np

from structkit.data import cached_copy, read_table

__all__ = ["FALLBACK_RADIUS", "atom_radii", "max_asa", "vdw_radii"]

FALLBACK_RADIUS = 1.80


def _table(name: str) -> list[dict[str, str]]:
    return read_table(name)


@cached_copy
def vdw_radii() -> dict[str, float]:
    """Bondi van der Waals radii by upper-case element symbol (``structkit/data/radii.csv``)."""
    return {row["element"]: float(row["radius"]) for row in _table("radii.csv")}


@cached_copy
def max_asa() -> dict[str, float]:
    """Maximal accessible area per residue name, Tien et al. 2013 (``structkit/data/max_asa.csv``)."""
    return {row["resname"]: float(row["max_asa"]) for row in _table("max_asa.csv")}


def atom_radii(elements: np.ndarray) -> np.ndarray:
    """Radius of every atom from its element (fallback 1.80 Å for elements not in the table)."""
    table = vdw_radii()
    unique, inverse = np.unique(np.asarray(elements), return_inverse=True)
    values = np.array([table.get(str(e).upper(), FALLBACK_RADIUS) for e in unique], dtype=np.float64)
    return values[inverse.reshape(-1)] if len(unique) else np.zeros(0)
