"""Evaluation kernels in NumPy: ROC AUC and curve, bootstrap intervals, permutation p-values, and
an L2-regularised logistic regression fitted by Newton's method."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["bootstrap_ci", "fit_logistic", "permutation_pvalue", "predict_logistic", "roc_auc", "roc_curve"]


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (the Mann-Whitney probability that a positive outranks a negative,
    ties counting one half); NaN unless both classes are present."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    # average ranks over ties (1-based)
    boundaries = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1], True])
    for a, b in zip(boundaries[:-1], boundaries[1:]):
        ranks[order[a:b]] = (a + b + 1) / 2.0
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_curve(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False- and true-positive rates at every distinct threshold (from (0, 0) to (1, 1))."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    distinct = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    tp = np.cumsum(y)[distinct]
    fp = np.cumsum(~y)[distinct]
    tpr = np.r_[0.0, tp / max(1, y.sum())]
    fpr = np.r_[0.0, fp / max(1, (~y).sum())]
    return fpr, tpr


def bootstrap_ci(
    labels: np.ndarray, scores: np.ndarray, *, n_resamples: int = 2000, level: float = 0.95, seed: int = 0,
    statistic: Callable[[np.ndarray, np.ndarray], float] = roc_auc,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` (resampling the pairs with replacement).

    Resamples that lack a class are drawn again (NaN if that keeps happening).
    """
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    rng = np.random.default_rng(seed)
    values: list[float] = []
    attempts = 0
    while len(values) < n_resamples and attempts < 10 * n_resamples:
        attempts += 1
        idx = rng.integers(0, len(y), len(y))
        v = statistic(y[idx], s[idx])
        if not np.isnan(v):
            values.append(v)
    if len(values) < n_resamples // 2:
        return float("nan"), float("nan")
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(values, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def permutation_pvalue(
    observed: float, permuted: Callable[[np.ndarray], float], labels: np.ndarray, *,
    n_permutations: int = 1000, seed: int = 0,
) -> float:
    """One-sided p-value ``(1 + #{permuted >= observed}) / (1 + n)``.

    ``permuted(shuffled_labels)`` recomputes the statistic (refitting any model) on shuffled labels.
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(labels)
    hits = 0
    done = 0
    for _ in range(n_permutations):
        value = permuted(rng.permutation(y))
        if np.isnan(value):
            continue
        done += 1
        hits += value >= observed - 1e-12
    return float((1 + hits) / (1 + done)) if done else float("nan")


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Weights (intercept first) of an L2-penalised logistic regression, by Newton's method.

    The penalty ``l2 * |w|^2 / 2`` applies to the coefficients, not the intercept; inputs are
    expected standardised.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    design = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def predict_logistic(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Probabilities from :func:`fit_logistic` weights."""
    x = np.asarray(x, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-(w[0] + x @ w[1:])))
