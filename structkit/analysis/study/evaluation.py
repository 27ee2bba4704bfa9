"""How well do the structure-based scores explain the reported coverage?

Samples are the (drug, mutation) pairs of :func:`structkit.analysis.study.relate.join` that the review
reports one way only (``resistant`` = 1, ``covered`` = 0; ``conflict`` rows are left out) and that
could be modelled. The model is one L2-penalised logistic regression (penalty 1.0 on standardised
scores, fixed in advance: no tuning) on :data:`MODEL_FEATURES`. It is evaluated out of sample by

- leave-one-drug-out: each drug's pairs are predicted by a model fitted on the other drugs;
- leave-one-site-out: the pairs that involve a site are predicted by a model fitted on the pairs
  that do not involve it.

AUCs come with percentile bootstrap 95 % intervals (2,000 resamples of the pooled out-of-fold
predictions) and permutation p-values (1,000 label permutations; overall, the whole
cross-validation is refitted each time; per drug and per region, the labels are shuffled within the
subset against the fixed out-of-fold risks). Baselines need no fitting: "every solvent-front
mutation is resistant", minimum distance alone (closer = more resistant), inhibitor clash alone.
Every number states its n.

Primary figure: the **mean of the per-drug AUCs** (each drug's pairs ranked against each other, drugs
with only one class left out), with a percentile bootstrap interval that resamples pairs within each
drug. Pooling the pairs of all drugs mixes drugs with very different shares of resistant labels, so
an intercept learned on the other drugs can invert a pooled ranking; the pooled AUCs are kept second.
The binding free energy estimate (``ddg``, calibrated on ABL1 only) enters as a score that needs no
fitting on these labels, and so does its difference from the same mutation's ddG for ADP in 3LCT
(resistance can come from a kinase that binds ATP better).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from structkit.analysis.study.metrics import (
    bootstrap_ci,
    fit_logistic,
    permutation_pvalue,
    predict_logistic,
    roc_auc,
)
from structkit.model.mutations import mutation_positions
from structkit.progress import Progress, report

__all__ = ["DDG_ATP_METHOD", "DDG_METHOD", "L2_PENALTY", "MEAN_OVER_DRUGS", "METRIC_COLUMNS",
           "MODEL_FEATURES", "cross_validate", "evaluate", "fit_model", "labelled_samples", "predict_risk"]

MODEL_FEATURES = ["clash_excess_A", "min_distance_A", "volume_change_A3", "clear_fraction", "delta_buried_A2"]
L2_PENALTY = 1.0
N_BOOTSTRAP = 2000
N_PERMUTATIONS = 1000
SEED = 0

METRIC_COLUMNS = ["method", "validation", "subset", "n", "n_resistant", "n_covered", "auc", "ci_low",
                  "ci_high", "p_permutation", "note"]

#: Subset name of the primary rows: the mean of the per-drug AUCs.
MEAN_OVER_DRUGS = "mean of per-drug AUCs"
DDG_METHOD = "ddG estimate (ABL1-calibrated, no fit here)"
DDG_ATP_METHOD = "ddG drug minus ddG ADP (3LCT)"

BASELINES: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    DDG_METHOD: lambda d: d["ddg"].to_numpy(dtype=float) if "ddg" in d else np.full(len(d), np.nan),
    DDG_ATP_METHOD: lambda d: (d["ddg"] - d["ddg_atp"]).to_numpy(dtype=float) if "ddg_atp" in d
    else np.full(len(d), np.nan),
    "solvent-front rule": lambda d: d["solvent_front"].astype(float).to_numpy(),
    "distance alone": lambda d: -d["min_distance_A"].to_numpy(dtype=float),
    "inhibitor clash alone": lambda d: d["clash_excess_A"].to_numpy(dtype=float),
}


#: Subset name of the sensitivity rows that include labels resting only on class statements.
WITH_CLASS_LABELS = "all, with class-statement-only labels"


def labelled_samples(joined: pd.DataFrame, include_class_only: bool = False) -> pd.DataFrame:
    """The modelled (drug, mutation) pairs reported one way only, with ``y`` (1 = resistant).

    Pairs whose label rests only on statements about a class of drugs (``class_only``) are left
    out unless ``include_class_only``.
    """
    keep = joined["reported"].isin(["resistant", "covered"]) & joined["modelled"].astype(bool)
    if not include_class_only and "class_only" in joined:
        keep &= ~joined["class_only"].astype(bool)
    out = joined[keep].copy().reset_index(drop=True)
    out["y"] = (out["reported"] == "resistant").astype(int)
    out["sites"] = [frozenset(mutation_positions(m)) for m in out["mutation"]]
    return out


def fit_model(samples: pd.DataFrame, y: np.ndarray | None = None) -> dict:
    """Fit the logistic model; returns weights and the standardisation."""
    target = samples["y"].to_numpy() if y is None else y
    return _fit(samples[MODEL_FEATURES].to_numpy(dtype=float), target)


def _fit(x: np.ndarray, y: np.ndarray) -> dict:
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    return {"w": fit_logistic((x - mean) / std, y, l2=L2_PENALTY), "mean": mean, "std": std}


def predict_risk(model: dict, rows: pd.DataFrame) -> np.ndarray:
    """Probability of resistance for rows holding :data:`MODEL_FEATURES`."""
    x = rows[MODEL_FEATURES].to_numpy(dtype=float)
    return predict_logistic(model["w"], (x - model["mean"]) / model["std"])


def _folds(samples: pd.DataFrame, scheme: str) -> list[np.ndarray]:
    if scheme == "leave-one-drug-out":
        return [np.flatnonzero(samples["drug"] == d) for d in sorted(set(samples["drug"]))]
    sites = sorted({s for group in samples["sites"] for s in group})
    return [np.flatnonzero([s in group for group in samples["sites"]]) for s in sites]


def cross_validate(samples: pd.DataFrame, scheme: str, y: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold risk of every sample (NaN where its fold's training set lacks a class).

    For leave-one-site-out a sample belongs to the fold of each of its sites; its prediction is
    the mean over those folds.
    """
    y = samples["y"].to_numpy() if y is None else y
    return _CrossValidation(samples, scheme).risks(y)


class _CrossValidation:
    """The feature matrix and folds of one scheme, built once for many label vectors (the
    permutation test refits on 1,000 shufflings of the same samples)."""

    def __init__(self, samples: pd.DataFrame, scheme: str):
        self.x = samples[MODEL_FEATURES].to_numpy(dtype=float)
        everyone = np.arange(len(samples))
        self.folds = [(np.setdiff1d(everyone, test), test) for test in _folds(samples, scheme)]

    def risks(self, y: np.ndarray) -> np.ndarray:
        """Out-of-fold risks for labels ``y`` (see :func:`cross_validate`)."""
        total = np.zeros(len(self.x))
        count = np.zeros(len(self.x))
        for train, test in self.folds:
            if len(set(y[train])) < 2:
                continue
            model = _fit(self.x[train], y[train])
            total[test] += predict_logistic(model["w"], (self.x[test] - model["mean"]) / model["std"])
            count[test] += 1
        with np.errstate(invalid="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _metric_row(method, validation, subset, y, scores, permuted=None, note="") -> dict:
    ok = ~np.isnan(scores)
    y, scores = np.asarray(y)[ok], np.asarray(scores)[ok]
    auc = roc_auc(y, scores)
    lo, hi = (np.nan, np.nan)
    if not np.isnan(auc):
        lo, hi = bootstrap_ci(y, scores, n_resamples=N_BOOTSTRAP, seed=SEED)
    p = float("nan")
    if not np.isnan(auc) and permuted is not None:
        p = permutation_pvalue(auc, permuted, y, n_permutations=N_PERMUTATIONS, seed=SEED)
    if np.isnan(auc) and not note:
        note = "one class only: AUC undefined"
    return {"method": method, "validation": validation, "subset": subset, "n": len(y),
            "n_resistant": int(y.sum()), "n_covered": int(len(y) - y.sum()), "auc": auc, "ci_low": lo,
            "ci_high": hi, "p_permutation": p, "note": note}


def evaluate(joined: pd.DataFrame,
             progress: Progress | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics of the model and the baselines, and the out-of-fold predictions.

    Parameters
    ----------
    joined : DataFrame
        The join of reported coverage and structure features (:func:`structkit.analysis.study.relate.join`).
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`structkit.progress`) after each step
        (cross-validations, pooled metrics with their permutation tests, each drug and region
        subset; ``label`` names it).

    Returns
    -------
    metrics : DataFrame
        Columns :data:`METRIC_COLUMNS`: overall, per drug and per review region, for the model under
        both cross-validations and for each baseline.
    out_of_fold : DataFrame
        One row per sample: drug, mutation, y, the two cross-validated risks and the baseline scores.
    """
    samples = labelled_samples(joined)
    subsets = [(f"drug: {d}", samples["drug"] == d) for d in sorted(set(samples["drug"]))]
    regions = sorted({r for rs in samples["regions"] for r in rs.split(";") if r})
    split = samples["regions"].str.split(";")
    subsets += [(f"region: {r}", split.map(lambda rs, r=r: r in rs)) for r in regions]
    total = 4 + len(subsets)
    done = [0]

    def step(label: str) -> None:
        done[0] += 1
        report(progress, done[0], total, label)

    y = samples["y"].to_numpy()
    rows = []
    oof = samples[["drug", "mutation", "reported", "y", "regions"]].copy()
    for scheme in ("leave-one-drug-out", "leave-one-site-out"):
        oof[scheme] = cross_validate(samples, scheme)
    for name, score_fn in BASELINES.items():
        oof[name] = score_fn(samples)
    step("cross-validation")
    methods = [("logistic model", s, s) for s in ("leave-one-drug-out", "leave-one-site-out")] + \
        [(name, "none (no fitting)", name) for name in BASELINES]
    drugs = samples["drug"].to_numpy()
    for method, validation, column in methods:
        rows.append(_mean_over_drugs_row(method, validation, y, oof[column].to_numpy(dtype=float), drugs))
    step("mean over drugs")
    for scheme in ("leave-one-drug-out", "leave-one-site-out"):
        rows.append(_metric_row("logistic model", scheme, "all", y, oof[scheme].to_numpy(dtype=float),
                                permuted=partial(_permuted_cv_auc, _CrossValidation(samples, scheme))))
    for name in BASELINES:
        scores = oof[name].to_numpy(dtype=float)
        rows.append(_metric_row(name, "none (no fitting)", "all", y, scores,
                                permuted=lambda yy, s=scores: roc_auc(yy, s)))
    step("pooled metrics")
    # sensitivity: the same, with the labels that rest only on class statements (no permutations)
    wide = labelled_samples(joined, include_class_only=True)
    if len(wide) > len(samples):
        y_wide = wide["y"].to_numpy()
        note = "sensitivity: class-statement-only labels included; no permutation test"
        for scheme in ("leave-one-drug-out", "leave-one-site-out"):
            rows.append(_metric_row("logistic model", scheme, WITH_CLASS_LABELS, y_wide,
                                    cross_validate(wide, scheme), note=note))
        for name, score_fn in BASELINES.items():
            rows.append(_metric_row(name, "none (no fitting)", WITH_CLASS_LABELS, y_wide, score_fn(wide),
                                    note=note))
    # per drug and per region, on the pooled out-of-fold risks; the permutation test shuffles the
    # labels within the subset against those fixed risks (the models are not refitted)
    step("class-statement sensitivity")
    for label, mask in subsets:
        mask = np.asarray(mask, dtype=bool)
        for method, validation, column in [("logistic model", s, s) for s in
                                           ("leave-one-drug-out", "leave-one-site-out")] + \
                [(name, "none (no fitting)", name) for name in BASELINES]:
            scores = oof[column].to_numpy(dtype=float)[mask]
            ok = ~np.isnan(scores)
            rows.append(_metric_row(method, validation, label, y[mask], scores,
                                    permuted=lambda yy, sc=scores[ok]: roc_auc(yy, sc)))
        step(label)
    return pd.DataFrame(rows, columns=METRIC_COLUMNS), oof


def _mean_over_drugs_row(method: str, validation: str, y: np.ndarray, scores: np.ndarray,
                         drugs: np.ndarray) -> dict:
    """The mean of the per-drug AUCs, with a bootstrap interval resampling pairs within each drug."""
    ok = ~np.isnan(scores)
    y, scores, drugs = y[ok], scores[ok], drugs[ok]
    groups = [np.flatnonzero(drugs == d) for d in sorted(set(drugs))]
    groups = [g for g in groups if 0 < y[g].sum() < len(g)]
    used = np.concatenate(groups) if groups else np.zeros(0, dtype=int)
    row = {"method": method, "validation": validation, "subset": MEAN_OVER_DRUGS, "n": len(used),
           "n_resistant": int(y[used].sum()), "n_covered": int(len(used) - y[used].sum()),
           "auc": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_permutation": np.nan,
           "note": f"{len(groups)} drugs with both classes; no permutation test"}
    if not groups:
        return row
    row["auc"] = float(np.mean([roc_auc(y[g], scores[g]) for g in groups]))
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(N_BOOTSTRAP // 2):
        aucs = []
        for g in groups:
            pick = g[rng.integers(0, len(g), len(g))]
            aucs.append(roc_auc(y[pick], scores[pick]))
        aucs = [a for a in aucs if not np.isnan(a)]
        if aucs:
            values.append(np.mean(aucs))
    row["ci_low"], row["ci_high"] = (float(v) for v in np.quantile(values, [0.025, 0.975]))
    return row


def _permuted_cv_auc(validation: _CrossValidation, y: np.ndarray) -> float:
    risk = validation.risks(y)
    ok = ~np.isnan(risk)
    return roc_auc(y[ok], risk[ok])
