"""The kinase side from measurements: a drug's shift on a variant, learned from other drugs' measured shifts.

Where a kinase has a measured multi-drug panel (:mod:`structkit.io.measurements`: EGFR's Ba/F3
potency panel, Davis 2011 binding constants for ABL1, KIT, FLT3 ...), a variant's effect is mostly
shared by the drugs of one binding mode: activation, ATP affinity and the pocket change act on all
of them (EGFR T790M raises ATP affinity and so costs every reversible drug potency; L858R lowers it
and sensitises them). The drug's own part follows its chemistry. So the shift of a drug ``q`` on a
variant ``v`` is predicted as the weighted mean of the other drugs' measured shifts on ``v``::

    w_j = (s(q, j) ** 3 + 0.02) x (1 if j binds as q does, else 0.1)

with ``s`` the Tanimoto similarity of Morgan fingerprints (radius 2, 2,048 bits) of the two drugs'
CCD molecules (``structkit/data/drug_chemistry.csv``), 0.2 for a drug without chemistry. The
query itself never enters: drugs are left out by name or alias and by chemistry (similarity
>= 0.95), so a drug's own measurements never predict it. The three constants were chosen by leave
one drug out over the 18 drugs of the EGFR panel that have 77 variants (erlotinib, the check, is
not in it); :func:`leave_one_drug_out` reports that cross-validation, and its residual sets the
uncertainty ``panel_sd``.

``kinase_side`` is the plain mean over the other drugs of the query's mode: the part a variant
shares across drugs, for comparison and for the report.

Where it helps and where it does not (measured 2026-12-07): on EGFR's cellular panel, left out one
drug at a time, the mean Spearman over 17 drugs is 0.69 against 0.65 for the plain mean of the other
drugs and 0.30 for "contains T790M" (gefitinib 0.79, where the structural potency reaches 0.16). On
ABL1 binding (the Hauser 2018 pairs that Davis 2011 also measured, n = 49, each drug's own Davis
column left out) it reaches Pearson 0.30 and AUC 0.69 where the structural ddG reaches 0.67 and
0.86: a binding panel of 13 constructs carries little of a drug's own contacts. So ``structkit ddg
--potency`` learns only from cellular potency panels; the binding panels are read for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from structkit.data import cached_copy, read_table
from structkit.errors import StructkitError
from structkit.geometry.neighbors import nearest_distance
from structkit.io.measurements import MeasuredPanel
from structkit.model.complex import Complex

__all__ = ["IDENTICAL", "PANEL_COLUMNS", "DrugQuery", "binding_mode", "binding_type", "drug_chemistry_table",
           "drug_query", "leave_one_drug_out", "measured_shift", "panel_potency", "query_of_complex",
           "same_mode", "similarities"]

SIMILARITY_POWER = 3.0
WEIGHT_FLOOR = 0.02
OTHER_MODE_WEIGHT = 0.1
FLOOR_SIMILARITY = 0.2
#: Fingerprint similarity at or above which a panel drug is taken to be the query itself.
IDENTICAL = 0.95
#: The columns :func:`panel_potency` adds (kcal/mol where a number).
PANEL_COLUMNS = ["kinase_side", "potency_panel", "panel_sd", "panel_n", "panel_nearest", "panel_similarity",
                 "panel_source"]
#: Cysteine SG to inhibitor distance (Å) below which the inhibitor is bonded to it (a C-S bond is 1.8 Å).
COVALENT_DISTANCE = 2.1


@dataclass(frozen=True)
class DrugQuery:
    """The drug a panel prediction is for: its names, its fingerprint (or None) and binding mode."""

    names: frozenset[str]
    fingerprint: Any
    mode: str


def _row_names(row: dict[str, str]) -> set[str]:
    """A drug table row's lower-case name and aliases."""
    return {name.strip().lower() for name in [row["drug"], *row["aliases"].split(";")] if name.strip()}


@cached_copy
def drug_chemistry_table() -> dict[str, dict[str, str]]:
    """``structkit/data/drug_chemistry.csv`` keyed by every lower-case name and alias of a drug."""
    return {name: row for row in read_table("drug_chemistry.csv") for name in _row_names(row)}


def _fingerprint(mol):
    from rdkit.Chem import rdFingerprintGenerator

    return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048).GetFingerprint(mol)


@lru_cache(maxsize=256)
def _ccd_fingerprint(code: str):
    from structkit.model.ligand import ccd_molecule

    try:
        return _fingerprint(ccd_molecule(code))
    except StructkitError:
        return None


def drug_query(name: str, mode: str = "") -> DrugQuery:
    """A query for a named drug: its chemistry and mode from ``drug_chemistry.csv`` where it has a
    row (``mode`` given wins), else its name alone (built once per name and mode)."""
    return _drug_query(name.strip().lower(), mode)


@lru_cache(maxsize=512)
def _drug_query(name: str, mode: str) -> DrugQuery:
    row = drug_chemistry_table().get(name)
    if row is None:
        return DrugQuery(frozenset({name}), None, mode)
    return DrugQuery(frozenset({name} | _row_names(row)), _ccd_fingerprint(row["ccd"]), mode or row["mode"])


def binding_mode(complex_: Complex) -> str:
    """``covalent`` where an inhibitor heavy atom lies within :data:`COVALENT_DISTANCE` of a
    cysteine SG, else ``reversible``."""
    protein, ligand = complex_.protein, complex_.inhibitor
    sg = protein.coords[(protein.resname == "CYS") & (protein.name == "SG")]
    heavy = ligand.coords[~ligand.is_hydrogen]
    if len(sg) == 0 or len(heavy) == 0:
        return "reversible"
    return "covalent" if float(nearest_distance(sg, heavy).min()) < COVALENT_DISTANCE else "reversible"


def binding_type(complex_: Complex) -> str:
    """The binding mode of a complex's inhibitor, named as kinase chemists name it.

    ``covalent`` (:func:`binding_mode`) first; otherwise by the pocket the drug holds
    (:func:`~structkit.model.conformation.conformational_state`): ``type II`` where the DFG motif
    is out (the drug reaches the back pocket it opens), ``type I½`` where the DFG is in and the αC
    helix out, ``type I`` where both are in; ``unassigned`` where the state cannot be called.
    """
    from structkit.model.conformation import conformational_state

    if binding_mode(complex_) == "covalent":
        return "covalent"
    state = conformational_state(complex_)
    if state.dfg in ("out", "out-like"):
        return "type II"
    if state.dfg == "in":
        return "type I½" if state.alpha_c == "out" else "type I"
    return "unassigned"


def query_of_complex(complex_: Complex, name: str | None = None) -> DrugQuery:
    """The query for a complex's inhibitor: its chemistry (ligand file or CCD), its binding mode
    read off the structure, and the names it goes by (``name``, the drug table's row of its CCD code)."""
    from structkit.model.ligand import inhibitor_chemistry

    names = {n.lower() for n in (name, complex_.drug) if n}
    for row in drug_chemistry_table().values():
        if complex_.ligand and row["ccd"] == complex_.ligand:
            names |= _row_names(row)
    fingerprint = _fingerprint(inhibitor_chemistry(complex_).mol)
    return DrugQuery(frozenset(names), fingerprint, binding_mode(complex_))


def similarities(panel: MeasuredPanel, query: DrugQuery) -> pd.Series:
    """Each panel drug's similarity to the query (NaN without chemistry on either side)."""
    from rdkit import DataStructs

    out = {}
    for drug in panel.drugs:
        other = drug_query(drug).fingerprint
        out[drug] = (float(DataStructs.TanimotoSimilarity(query.fingerprint, other))
                     if query.fingerprint is not None and other is not None else np.nan)
    return pd.Series(out, dtype=float)


def same_mode(a: str, b: str) -> bool:
    """Whether two binding modes count as one (an unknown mode matches any)."""
    return not a or not b or a == b


def _weights(panel: MeasuredPanel, query: DrugQuery) -> tuple[pd.Series, pd.Series]:
    """Each other drug's weight, and the similarities (the query's own entries left out)."""
    sims = similarities(panel, query)
    modes = panel.modes()
    keep = [d for d in panel.drugs
            if d.lower() not in query.names and not drug_query(d).names & query.names
            and not (np.isfinite(sims[d]) and sims[d] >= IDENTICAL)]
    s = sims[keep].fillna(FLOOR_SIMILARITY)
    same = pd.Series([same_mode(query.mode, modes.get(d, "")) for d in keep], index=keep)
    weights = (s ** SIMILARITY_POWER + WEIGHT_FLOOR) * np.where(same, 1.0, OTHER_MODE_WEIGHT)
    return weights, sims[keep]


def _predict(matrix: pd.DataFrame, weights: pd.Series) -> pd.Series:
    sub = matrix[weights.index]
    measured = sub.notna()
    num = (sub.fillna(0.0) * weights).sum(axis=1)
    den = measured.mul(weights).sum(axis=1)
    return (num / den.where(den > 0)).astype(float)


def panel_potency(panel: MeasuredPanel, query: DrugQuery, mutations: list[str]) -> pd.DataFrame:
    """The panel's prediction for each mutation (columns ``mutation`` and :data:`PANEL_COLUMNS`).

    Parameters
    ----------
    panel : MeasuredPanel
    query : DrugQuery
        The drug (never used as its own evidence).
    mutations : list of str
        Canonical mutation strings (``L858R+T790M``); one the panel has not measured gets NaN.
    """
    matrix = panel.matrix()
    weights, sims = _weights(panel, query)
    predicted = _predict(matrix, weights)
    modes = panel.modes()
    shared = [d for d in weights.index if same_mode(query.mode, modes.get(d, ""))]
    side = matrix[shared].mean(axis=1) if shared else predicted * np.nan
    nearest = sims.idxmax() if sims.notna().any() else ""
    sd = leave_one_drug_out_sd(panel)
    rows = []
    for mutation in mutations:
        measured = (matrix.loc[mutation, weights.index].notna() if mutation in matrix.index
                    else pd.Series(False, index=weights.index))
        found = bool(measured.any())
        rows.append({
            "mutation": mutation,
            "kinase_side": round(float(side[mutation]), 3)
            if found and np.isfinite(side[mutation]) else np.nan,
            "potency_panel": round(float(predicted[mutation]), 3) if found else np.nan,
            "panel_sd": round(sd, 3) if found else np.nan,
            "panel_n": int(measured.sum()) if found else 0,
            "panel_nearest": nearest if found else "",
            "panel_similarity": round(float(sims[nearest]), 3) if found and nearest else np.nan,
            "panel_source": f"{panel.kinase} {panel.assay}: {panel.source}" if found else "",
        })
    return pd.DataFrame(rows, columns=["mutation", *PANEL_COLUMNS])


def leave_one_drug_out(panel: MeasuredPanel) -> pd.DataFrame:
    """Every panel drug predicted from the others (its names, chemistry and the panel's binding mode
    as the query): ``drug``, ``variant``, ``measured``, ``predicted``, ``censored``."""
    matrix = panel.matrix()
    censored = panel.table.groupby(["drug", "variant"])["censored"].any()
    modes = panel.modes()
    frames = []
    for drug in panel.drugs:
        weights, _ = _weights(panel, drug_query(drug, modes.get(drug, "")))
        predicted = _predict(matrix, weights)
        measured = matrix[drug]
        ok = measured.notna()
        frames.append(pd.DataFrame({
            "drug": drug, "variant": measured.index[ok], "measured": measured[ok].to_numpy(),
            "predicted": predicted[ok].to_numpy(),
            "censored": [bool(censored.get((drug, v), False)) for v in measured.index[ok]]}))
    return pd.concat(frames, ignore_index=True)


#: Per process: each panel's leave-one-drug-out residual, keyed by what the panel holds.
_SD: dict[tuple, float] = {}


def leave_one_drug_out_sd(panel: MeasuredPanel) -> float:
    """The root-mean-square residual (kcal/mol) of :func:`leave_one_drug_out` over the panel's
    uncensored cells: the uncertainty of a panel prediction (computed once per panel and process)."""
    key = (panel.kinase, panel.source, len(panel.table), round(float(panel.table["shift"].sum()), 6))
    if key not in _SD:
        table = leave_one_drug_out(panel)
        ok = ~table["censored"] & table["predicted"].notna()
        residual = (table.loc[ok, "measured"] - table.loc[ok, "predicted"]).to_numpy(dtype=float)
        _SD[key] = float(np.sqrt(np.mean(residual ** 2))) if len(residual) else float("nan")
    return _SD[key]


def measured_shift(panel: MeasuredPanel, query: DrugQuery, mutation: str) -> tuple[float, bool, str] | None:
    """The panel's own measurement of this drug on this mutation, where it has one.

    Parameters
    ----------
    panel : MeasuredPanel
    query : DrugQuery
        The drug, matched by name or alias (never by chemistry alone: a measurement must be the drug's).
    mutation : str
        Canonical mutation string.

    Returns
    -------
    (shift in kcal/mol, censored, drug name as the panel spells it) or None.
    """
    rows = panel.table[(panel.table["variant"] == mutation)
                       & panel.table["drug"].str.lower().isin(query.names)]
    if rows.empty:
        return None
    return float(rows["shift"].mean()), bool(rows["censored"].any()), str(rows["drug"].iloc[0])
