"""The vectorised alignment DP against a plain triple-loop Smith-Waterman on random score matrices."""

from __future__ import annotations

import numpy as np
import pytest

from structkit.geometry.dynprog import align_scores


def _best_score(scores: np.ndarray, gap: float) -> float:
    n, m = scores.shape
    h = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            h[i, j] = max(0.0, h[i - 1, j - 1] + scores[i - 1, j - 1], h[i - 1, j] + gap, h[i, j - 1] + gap)
    return float(h.max())


def _alignment_score(scores: np.ndarray, alignment: np.ndarray, gap: float) -> float:
    pairs = [(i, int(j)) for i, j in enumerate(alignment) if j >= 0]
    total = sum(scores[i, j] for i, j in pairs)
    for (i0, j0), (i1, j1) in zip(pairs, pairs[1:]):
        assert i1 > i0 and j1 > j0  # order preserved, one partner each
        total += gap * ((i1 - i0 - 1) + (j1 - j0 - 1))
    return float(total)


@pytest.mark.parametrize("seed", range(5))
def test_alignment_is_optimal(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n, m = rng.integers(1, 12, 2)
        scores = rng.normal(size=(n, m))
        gap = -rng.uniform(0.0, 1.5)
        alignment = align_scores(scores, gap)
        assert _alignment_score(scores, alignment, gap) == pytest.approx(_best_score(scores, gap), abs=1e-9)


def test_identity_and_shift():
    assert align_scores(np.eye(5), -0.5).tolist() == [0, 1, 2, 3, 4]
    shifted = np.eye(6)[:, :] * 0 + np.eye(6, k=2)  # row i pairs best with column i + 2
    assert align_scores(shifted, -0.5).tolist()[:4] == [2, 3, 4, 5]


def test_empty_and_bad_gap():
    assert align_scores(np.zeros((0, 3)), -1.0).tolist() == []
    with pytest.raises(ValueError):
        align_scores(np.ones((2, 2)), 0.5)
