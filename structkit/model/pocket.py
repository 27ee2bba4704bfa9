"""The ATP pocket of one structure: pocket centre and KinFragLib subpocket centres."""

from __future__ import annotations

import numpy as np

from structkit.data import cached_copy, read_table
from structkit.geometry.pocket import centroid
from structkit.model.complex import Complex

__all__ = ["SUBPOCKETS", "ca_by_position", "pocket_centres", "subpocket_anchors"]


@cached_copy
def subpocket_anchors() -> dict[str, tuple[int, ...]]:
    """KLIFS anchor positions of each subpocket (``structkit/data/subpockets.csv``)."""
    rows = read_table("subpockets.csv")
    return {r["subpocket"]: tuple(int(x) for x in r["klifs_anchors"].split()) for r in rows}


SUBPOCKETS = ("AP", "FP", "SE", "GA", "B1", "B2")


def ca_by_position(complex_: Complex) -> dict[int, np.ndarray]:
    """The C-alpha coordinates of a structure's KLIFS pocket positions, by position."""
    res, p = complex_.residues, complex_.protein
    out = {}
    for row in np.flatnonzero(res.klifs_position > 0):
        a, b = res.start[row], res.stop[row]
        ca = np.flatnonzero(p.name[a:b] == "CA")
        if ca.size:
            out[int(res.klifs_position[row])] = p.coords[a + ca[0]]
    return out


def pocket_centres(complex_: Complex) -> dict[str, np.ndarray]:
    """Pocket centre (``"pocket"``) and the six subpocket centres of a structure.

    A centre is NaN when any of its anchor CA atoms is missing (the pocket centre needs at least
    half of the 85 positions).
    """
    ca = ca_by_position(complex_)
    out = {"pocket": centroid(np.array(list(ca.values()))) if len(ca) >= 43 else np.full(3, np.nan)}
    for name, anchors in subpocket_anchors().items():
        if all(a in ca for a in anchors):
            out[name] = centroid(np.array([ca[a] for a in anchors]))
        else:
            out[name] = np.full(3, np.nan)
    return out
