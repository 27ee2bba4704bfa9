"""The kinase's conformational state: DFG motif (in, out, out-like) and αC-helix (in, out).

Both calls are made on KLIFS pocket positions, so they work for any kinase structurekit numbers:
β3 lysine = position 17, αC glutamate = 24, αC glutamate + 4 = 28, DFG = 81-83.

DFG (Modi and Dunbrack, Proc. Natl. Acad. Sci. USA 2019, 116, 6818, spatial classes)
    D1 = Cα(αC-Glu + 4) to Cζ(DFG-Phe), D2 = Cα(β3-Lys) to Cζ(DFG-Phe).
    ``in``: D1 ≤ 11 Å and D2 ≥ 11 Å; ``out``: D1 > 11 Å and D2 ≤ 14 Å; ``out-like``: D1 ≤ 11 Å
    and D2 < 11 Å (Modi and Dunbrack's DFG-inter, the class KLIFS calls out-like);
    ``unassigned`` otherwise; ``unknown`` when an atom is missing.
αC-helix
    ``in`` when the β3-Lys and αC-Glu Cβ atoms are within 10 Å (the helix holds the glutamate
    where it can make its salt bridge to the lysine), else ``out``. Cβ atoms are used so that a
    disordered or truncated side chain does not decide; the salt-bridge distance itself (Lys Nζ
    to the nearer Glu carboxylate oxygen) is reported beside it. The 10 Å threshold is our
    reading of the Lys-Glu criterion used for Modi and Dunbrack's Chelix classes (flagged: KLIFS
    uses its own αC rule, which is not published as a distance; see ``tests/test_conformation.py``
    for where the two differ).

The numbers behind each call are returned with it: D1, D2, the two Lys-Glu distances, and the
DFG-Phe χ1 dihedral.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

from structkit.geometry.sidechain import dihedral


class KinasePocket(Protocol):
    """What :func:`conformational_state` reads of a complex (a
    :class:`~structkit.model.complex.Complex` has it: the residue table with KLIFS positions and
    the protein atoms)."""

    residues: Any
    protein: Any

__all__ = ["ConformationalState", "conformational_state"]

DFG_D1_IN = 11.0
DFG_D2_IN = 11.0
DFG_D2_OUT = 14.0
ALPHA_C_CB_IN = 10.0

_LYS, _GLU, _GLU4, _PHE = 17, 24, 28, 82


@dataclass(frozen=True)
class ConformationalState:
    """DFG and αC-helix calls with the measurements behind them (Å, degrees; NaN if missing)."""

    dfg: str
    alpha_c: str
    dfg_d1_A: float
    dfg_d2_A: float
    lys_glu_cb_A: float
    lys_glu_salt_bridge_A: float
    dfg_phe_chi1: float

    def as_dict(self) -> dict:
        """The state as a plain dictionary (rounded measurements)."""
        return {k: (round(v, 2) if isinstance(v, float) and np.isfinite(v) else v)
                for k, v in asdict(self).items()}


def _atom(complex_, position: int, name: str) -> np.ndarray | None:
    res = complex_.residues
    row = res.index_of_klifs(position)
    if row < 0:
        return None
    a, b = res.start[row], res.stop[row]
    hit = np.flatnonzero(complex_.protein.name[a:b] == name)
    return complex_.protein.coords[a + hit[0]] if hit.size else None


def _distance(x: np.ndarray | None, y: np.ndarray | None) -> float:
    return float(np.linalg.norm(x - y)) if x is not None and y is not None else float("nan")


def conformational_state(complex_: KinasePocket) -> ConformationalState:
    """Call the DFG and αC-helix conformation of a complex's kinase chain.

    Parameters
    ----------
    complex_ : Complex
        Any kinase structure with KLIFS positions.

    Returns
    -------
    ConformationalState
    """
    d1 = _distance(_atom(complex_, _GLU4, "CA"), _atom(complex_, _PHE, "CZ"))
    d2 = _distance(_atom(complex_, _LYS, "CA"), _atom(complex_, _PHE, "CZ"))
    if not (np.isfinite(d1) and np.isfinite(d2)):
        dfg = "unknown"
    elif d1 <= DFG_D1_IN and d2 >= DFG_D2_IN:
        dfg = "in"
    elif d1 > DFG_D1_IN and d2 <= DFG_D2_OUT:
        dfg = "out"
    elif d1 <= DFG_D1_IN:
        dfg = "out-like"
    else:
        dfg = "unassigned"
    cb = _distance(_atom(complex_, _LYS, "CB"), _atom(complex_, _GLU, "CB"))
    alpha_c = "unknown" if not np.isfinite(cb) else ("in" if cb <= ALPHA_C_CB_IN else "out")
    nz = _atom(complex_, _LYS, "NZ")
    bridge = min(_distance(nz, _atom(complex_, _GLU, "OE1")), _distance(nz, _atom(complex_, _GLU, "OE2")))
    ring = [_atom(complex_, _PHE, n) for n in ("N", "CA", "CB", "CG")]
    present = [x for x in ring if x is not None]
    chi1 = float(dihedral(*present)) if len(present) == len(ring) else float("nan")
    return ConformationalState(dfg=dfg, alpha_c=alpha_c, dfg_d1_A=d1, dfg_d2_A=d2, lys_glu_cb_A=cb,
                               lys_glu_salt_bridge_A=bridge, dfg_phe_chi1=chi1)
