"""The uncertainty of a ddG estimate: conformer spread plus the method's measured error.

A ddG estimate's own spread (over the site's near-optimal conformers, or over an ensemble's
backbones) says how much the answer depends on one modelling choice; it is not the error of the
estimate, and on the measured ABL1 pairs it covers about 3 % of them at ± 2 sd. The error a user
can act on is the method's: how far its estimates fall from measured values. That error depends
strongly on where the site is. On ABL1 it is about 1 kcal/mol for a residue that touches the drug
and 0.3 kcal/mol for one 8 Å or more away, where both the estimate and the measurement are near
zero. So the model error is a root-mean-square residual per band of the site's distance to the
drug (:data:`BAND_EDGES_A`, fixed in advance, not tuned), and

    ddg_sd = sqrt(ddg_spread**2 + model_sd(distance)**2)

with ``model_sd`` from ``structkit/data/ddg_error.csv`` (fitted on the ABL1 benchmark only, by
``scripts/fit_ddg_scale.py``; the benchmark itself reports the coverage with bands refitted leave
one drug out). Assumptions: the errors are Gaussian and independent of the drug and the kinase; a
kinase or a drug class unlike ABL1's eight may be worse, which only measurements can show (the EGFR
benchmark reports its own coverage).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import overload

import numpy as np

from structkit.data import read_table
from structkit.geometry.distances import distance_matrix
from structkit.model.complex import Complex

__all__ = ["BAND_EDGES_A", "BAND_NAMES", "band_of", "fit_model_error", "model_sd", "model_sd_table",
           "site_distance", "total_sd"]

#: Edges (Å) of the distance bands of the model error: the site touches the drug (< 4.5 Å, the
#: contact distance of the mechanism classes), a second shell (< 8 Å), remote.
BAND_EDGES_A = (4.5, 8.0)
#: Names of the bands, nearest first.
BAND_NAMES = ("contact", "second_shell", "remote")


def band_of(distance: float | np.ndarray) -> np.ndarray:
    """The band index of each distance (0 = contact); an unknown (NaN) distance is contact, the
    band with the largest error."""
    d = np.asarray(distance, dtype=float)
    return np.where(np.isfinite(d), np.digitize(np.nan_to_num(d), BAND_EDGES_A), 0)


def site_distance(complex_: Complex, positions: Iterable[int]) -> float:
    """The smallest heavy-atom distance (Å) between the residues at ``positions`` and the complex's
    inhibitor (NaN if none of them has coordinates or there is no inhibitor)."""
    inhibitor = complex_.inhibitor.heavy
    if not len(inhibitor):
        return float("nan")
    res, protein = complex_.residues, complex_.protein
    best = float("nan")
    for position in positions:
        row = res.index_of(int(position))
        if row < 0:
            continue
        a, b = res.start[row], res.stop[row]
        heavy = ~protein.is_hydrogen[a:b]
        if not heavy.any():
            continue
        d = float(distance_matrix(protein.coords[a:b][heavy], inhibitor.coords).min())
        best = d if not np.isfinite(best) else min(best, d)
    return best


def fit_model_error(residual: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Root-mean-square residual (kcal/mol) in each band of :data:`BAND_EDGES_A`.

    A band without a residual takes the largest of the others (never a smaller error than seen).
    """
    residual = np.asarray(residual, dtype=float)
    band = band_of(distance)
    ok = np.isfinite(residual)
    out = np.array([np.sqrt(np.mean(residual[ok & (band == b)] ** 2)) if np.any(ok & (band == b))
                    else np.nan for b in range(len(BAND_NAMES))])
    return np.where(np.isfinite(out), out, np.nanmax(out))


@cache
def model_sd_table() -> tuple[float, ...]:
    """The model error (kcal/mol) of each band, from ``structkit/data/ddg_error.csv``."""
    rows = {r["band"]: float(r["rms_kcal"]) for r in read_table("ddg_error.csv")}
    return tuple(rows[name] for name in BAND_NAMES)


@overload
def model_sd(distance: float, table: Iterable[float] | None = None) -> float: ...
@overload
def model_sd(distance: np.ndarray, table: Iterable[float] | None = None) -> np.ndarray: ...
def model_sd(distance: float | np.ndarray, table: Iterable[float] | None = None) -> float | np.ndarray:
    """The model error (kcal/mol) of an estimate whose site lies ``distance`` Å from the drug (one
    value or an array of them), by the bands of ``table`` (default :func:`model_sd_table`)."""
    values = np.asarray(tuple(table) if table is not None else model_sd_table(), dtype=float)
    found = values[band_of(distance)]
    return float(found) if np.ndim(found) == 0 else found


@overload
def total_sd(spread: float, distance: float, table: Iterable[float] | None = None) -> float: ...
@overload
def total_sd(spread: np.ndarray, distance: np.ndarray,
             table: Iterable[float] | None = None) -> np.ndarray: ...
def total_sd(spread: float | np.ndarray, distance: float | np.ndarray,
             table: Iterable[float] | None = None) -> float | np.ndarray:
    """``ddg_sd``: the spread and the model error at ``distance`` (:func:`model_sd`) in quadrature."""
    found = np.hypot(spread, model_sd(distance, table))
    return float(found) if np.ndim(found) == 0 else found
