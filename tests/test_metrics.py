"""Metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sk_roc_curve

from structkit.analysis.study.metrics import (
    bootstrap_ci,
    fit_logistic,
    permutation_pvalue,
    predict_logistic,
    roc_auc,
    roc_curve,
)


def test_auc_by_hand():
    # positives 0.8, 0.4; negatives 0.6, 0.2: pairs (0.8>0.6, 0.8>0.2, 0.4<0.6, 0.4>0.2) -> 3/4
    assert roc_auc([1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2]) == 0.75
    # a tie counts one half: positive 0.5 vs negative 0.5 -> 1/2
    assert roc_auc([1, 0], [0.5, 0.5]) == 0.5
    assert roc_auc([1, 1, 0, 0], [4, 3, 2, 1]) == 1.0
    assert np.isnan(roc_auc([1, 1], [0.1, 0.2]))


def test_auc_and_curve_match_sklearn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.normal(size=200) + y, 1)  # with ties
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    fpr, tpr = roc_curve(y, s)
    sk_fpr, sk_tpr, _ = sk_roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)


def test_logistic_matches_sklearn():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] - 0.5 * x[:, 2] + rng.normal(scale=0.8, size=80) > 0).astype(int)
    w = fit_logistic(x, y, l2=1.0)
    # sklearn's C is the inverse of the penalty on 1/2 |w|^2 (intercept unpenalised with lbfgs)
    sk = LogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(w[1:], sk.coef_[0], atol=1e-4)
    assert w[0] == pytest.approx(sk.intercept_[0], abs=1e-4)
    np.testing.assert_allclose(predict_logistic(w, x), sk.predict_proba(x)[:, 1], atol=1e-5)


def test_bootstrap_interval_contains_the_estimate_and_is_deterministic():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 60)
    s = y + rng.normal(size=60)
    lo, hi = bootstrap_ci(y, s, n_resamples=500, seed=0)
    assert lo < roc_auc(y, s) < hi
    assert (lo, hi) == bootstrap_ci(y, s, n_resamples=500, seed=0)


def test_permutation_pvalue():
    y = np.array([1] * 10 + [0] * 10)
    perfect = np.arange(20)[::-1].astype(float)
    p = permutation_pvalue(1.0, lambda yy: roc_auc(yy, perfect), y, n_permutations=200, seed=0)
    assert p == pytest.approx(1 / 201)  # no permutation reaches a perfect AUC
    noise = np.random.default_rng(0).normal(size=20)
    p_noise = permutation_pvalue(roc_auc(y, noise), lambda yy: roc_auc(yy, noise), y, n_permutations=200)
    assert p_noise > 0.05
