"""The measured-panel potency model (:mod:`structkit.analysis.measure.panel`) judged leave one drug out.

Every drug of a kinase's panel is predicted from the other drugs' measurements only (its own
column never enters), on the substitution variants (single or compound) a structure can model;
censored cells take no part. Beside it, the baselines the model must beat, each computed from the
same other drugs:

- ``zero``: no shift anywhere (RMSE only);
- ``contains_T790M`` (EGFR): the one bit (rank correlations only: a bit has no scale);
- ``mean_of_others``: the plain mean of the other drugs of the same binding mode;
- ``nearest_drug``: the measured column of the most similar other drug by chemistry (copying a
  similar drug's measurements).

Per drug and method: ``n``, Spearman's rho (the model's with a 95 % bootstrap interval, 1,000
resamples of the variants, seed 0), Pearson's r, RMSE (kcal/mol), and how many of the measured
sensitised variants (below -0.5 log10 units, -0.68 kcal/mol) are predicted below zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from structkit.analysis.measure.panel import drug_query, leave_one_drug_out, same_mode, similarities
from structkit.io.measurements import KCAL_PER_LOG10, MeasuredPanel

__all__ = ["PANEL_METRIC_COLUMNS", "SENSITISED_KCAL", "panel_benchmark", "panel_summary"]

#: A measured shift below this (kcal/mol; -0.5 log10 units) is a sensitised variant.
SENSITISED_KCAL = -0.5 * KCAL_PER_LOG10
PANEL_METRIC_COLUMNS = ["kinase", "drug", "method", "n", "spearman", "spearman_low", "spearman_high",
                        "pearson", "rmse", "sensitised", "sensitised_below_zero"]
_SUBSTITUTIONS = r"^[A-Z]\d+[A-Z](\+[A-Z]\d+[A-Z])*$"


def _bootstrap_rho(measured: np.ndarray, predicted: np.ndarray, n: int = 1000) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    values = []
    for _ in range(n):
        pick = rng.integers(0, len(measured), len(measured))
        if np.ptp(measured[pick]) > 0 and np.ptp(predicted[pick]) > 0:
            values.append(spearmanr(measured[pick], predicted[pick])[0])
    if not values:
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _metrics(kinase: str, drug: str, method: str, measured: np.ndarray, predicted: np.ndarray,
             scale: bool = True, interval: bool = False) -> dict:
    ok = np.isfinite(measured) & np.isfinite(predicted)
    y, p = measured[ok], predicted[ok]
    ranked = len(y) > 2 and np.ptp(y) > 0 and np.ptp(p) > 0
    low, high = _bootstrap_rho(y, p) if ranked and interval else (np.nan, np.nan)
    sensitised = y < SENSITISED_KCAL
    return {"kinase": kinase, "drug": drug, "method": method, "n": int(ok.sum()),
            "spearman": round(float(spearmanr(y, p)[0]), 3) if ranked else np.nan,
            "spearman_low": round(low, 3), "spearman_high": round(high, 3),
            "pearson": round(float(pearsonr(y, p)[0]), 3) if ranked else np.nan,
            "rmse": round(float(np.sqrt(np.mean((y - p) ** 2))), 3) if scale and len(y) else np.nan,
            "sensitised": int(sensitised.sum()),
            "sensitised_below_zero": int((p[sensitised] < 0).sum()) if scale else -1}


def panel_benchmark(panel: MeasuredPanel, min_variants: int = 20) -> pd.DataFrame:
    """Leave-one-drug-out metrics of the panel model and its baselines (:data:`PANEL_METRIC_COLUMNS`).

    Parameters
    ----------
    panel : MeasuredPanel
    min_variants : int
        Drugs with fewer measured substitution variants are left out of the table.
    """
    lodo = leave_one_drug_out(panel)
    lodo = lodo[lodo["variant"].str.match(_SUBSTITUTIONS) & ~lodo["censored"]]
    matrix = panel.matrix()
    modes = panel.modes()
    rows = []
    for drug, group in lodo.groupby("drug", sort=False):
        if len(group) < min_variants:
            continue
        variants = group["variant"].to_numpy()
        measured = group["measured"].to_numpy(dtype=float)
        rows.append(_metrics(panel.kinase, drug, "panel_model", measured, group["predicted"].to_numpy(float),
                             interval=True))
        rows.append(_metrics(panel.kinase, drug, "zero", measured, np.zeros(len(measured)), scale=True))
        rows[-1].update(spearman=np.nan, spearman_low=np.nan, spearman_high=np.nan, pearson=np.nan)
        if panel.kinase == "EGFR":
            bit = np.array(["T790M" in v for v in variants], dtype=float)
            rows.append(_metrics(panel.kinase, drug, "contains_T790M", measured, bit, scale=False))
        query = drug_query(drug, modes.get(drug, ""))
        others = [d for d in panel.drugs if d != drug and same_mode(modes.get(drug, ""), modes.get(d, ""))]
        mean_others = matrix.loc[variants, others].mean(axis=1).to_numpy(dtype=float)
        rows.append(_metrics(panel.kinase, drug, "mean_of_others", measured, mean_others))
        sims = similarities(panel, query).drop(labels=[drug])
        if query.fingerprint is not None and sims.notna().any():
            nearest = str(sims.idxmax())
            copied = matrix.loc[variants, nearest].to_numpy(dtype=float)
            rows.append(_metrics(panel.kinase, drug, f"nearest_drug ({nearest})", measured, copied))
    return pd.DataFrame(rows, columns=PANEL_METRIC_COLUMNS)


def panel_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per method of :func:`panel_benchmark`'s table (the nearest-drug baselines as one): the number
    of drugs and the mean Spearman, Pearson and RMSE over them, in the table's order."""
    method = metrics["method"].str.split(" ").str[0]
    return metrics.assign(method=method).groupby("method", sort=False).agg(
        drugs=("drug", "nunique"), spearman=("spearman", "mean"), pearson=("pearson", "mean"),
        rmse=("rmse", "mean"))
