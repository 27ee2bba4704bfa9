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


def _best_score_row_gaps(scores: np.ndarray, gap: float, row_gap: np.ndarray) -> float:
    n, m = scores.shape
    h = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            h[i, j] = max(0.0, h[i - 1, j - 1] + scores[i - 1, j - 1], h[i - 1, j] + row_gap[j],
                          h[i, j - 1] + gap)
    return float(h.max())


def _alignment_score_row_gaps(scores, alignment, gap, row_gap) -> float:
    # rows left unpaired between pairs (i0, j0) and (i1, j1) sit best at the cheapest column
    # boundary between them, j0 + 1 .. j1
    pairs = [(i, int(j)) for i, j in enumerate(alignment) if j >= 0]
    total = sum(scores[i, j] for i, j in pairs)
    for (i0, j0), (i1, j1) in zip(pairs, pairs[1:]):
        total += gap * (j1 - j0 - 1) + (i1 - i0 - 1) * row_gap[j0 + 1:j1 + 1].max()
    return float(total)


@pytest.mark.parametrize("seed", range(3))
def test_position_specific_row_gaps_are_optimal(seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(200):
        n, m = rng.integers(1, 12, 2)
        scores = rng.normal(size=(n, m))
        gap = -rng.uniform(0.0, 1.5)
        row_gap = np.where(rng.random(m + 1) < 0.5, gap, -rng.uniform(0.0, 5.0, m + 1))
        alignment = align_scores(scores, gap, row_gap)
        assert _alignment_score_row_gaps(scores, alignment, gap, row_gap) == pytest.approx(
            _best_score_row_gaps(scores, gap, row_gap), abs=1e-9)
        # the uniform case is the plain gap
        assert align_scores(scores, gap, np.full(m + 1, gap)).tolist() == align_scores(scores, gap).tolist()


def test_a_costly_boundary_moves_the_insertion():
    # rows 0-1 and 3-4 pair best with columns 0-1 and 2-3, leaving row 2 as an insertion between
    # columns 1 and 2; made all but forbidden there, row 2 pairs with column 2 instead (a weaker
    # pair) and row 3 becomes the insertion, after column 2
    scores = np.full((5, 4), -2.0)
    for i, j in ((0, 0), (1, 1), (3, 2), (4, 3)):
        scores[i, j] = 3.0
    scores[2, 2] = 1.0  # row 2 could pair with column 2 instead, leaving row 3 unpaired
    assert align_scores(scores, -0.5).tolist() == [0, 1, -1, 2, 3]
    row_gap = np.full(5, -0.5)
    row_gap[2] = -10.0  # an unpaired row between columns 1 and 2 is all but forbidden
    assert align_scores(scores, -0.5, row_gap).tolist()[:3] == [0, 1, 2]


def test_identity_and_shift():
    assert align_scores(np.eye(5), -0.5).tolist() == [0, 1, 2, 3, 4]
    shifted = np.eye(6)[:, :] * 0 + np.eye(6, k=2)  # row i pairs best with column i + 2
    assert align_scores(shifted, -0.5).tolist()[:4] == [2, 3, 4, 5]


def test_empty_and_bad_gap():
    assert align_scores(np.zeros((0, 3)), -1.0).tolist() == []
    with pytest.raises(ValueError):
        align_scores(np.ones((2, 2)), 0.5)
    with pytest.raises(ValueError, match="m \\+ 1 = 3"):
        align_scores(np.ones((2, 2)), -0.5, np.full(2, -0.5))
