"""Alignment of two ordered sets by dynamic programming on a score matrix.

``align_scores(S, gap)`` finds the order-preserving pairing of rows and columns of ``S`` that
maximises the summed scores of paired cells plus ``gap`` for every row or column left unpaired
between the first and the last pair; rows and columns before the first pair or after the last are
free in both sets. That is the Smith-Waterman recurrence with a linear gap penalty, as used by
structure aligners on residue-pair score matrices (TM-align's DP step).

The fill is vectorised by rows: within row ``i`` the horizontal recurrence
``H[i, j] = max(D[j], H[i, j-1] + gap)`` has the closed form
``H[i, j] = gap * j + cummax_k<=j (D[k] - gap * k)``, so each row costs a few NumPy operations.

``row_gap`` makes the score of an unpaired row depend on where it falls among the columns (a
position-specific insertion penalty, as profile aligners use to keep insertions out of conserved
segments); unpaired columns keep ``gap``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["align_scores"]

_DIAG, _UP, _LEFT, _START = 0, 1, 2, 3


def align_scores(scores: np.ndarray, gap: float, row_gap: np.ndarray | None = None) -> np.ndarray:
    """Best order-preserving pairing of rows and columns of a score matrix.

    Parameters
    ----------
    scores : ndarray, shape (n, m)
        Score of pairing row ``i`` with column ``j``.
    gap : float
        Score of each unpaired row or column between paired ones (<= 0); end gaps score 0.
    row_gap : ndarray, shape (m + 1,), optional
        Score of an unpaired row that follows the first ``j`` columns (``row_gap[j]``: after
        column ``j - 1``, before column ``j``); each <= 0. Default ``gap`` everywhere.

    Returns
    -------
    ndarray of int64, shape (n,)
        Column paired with each row, -1 where the row is unpaired.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0:
        return out
    gap = float(gap)
    if gap > 0:
        raise ValueError("gap must be <= 0")
    if row_gap is None:
        up_gap = np.full(m, gap)
    else:
        row_gap = np.asarray(row_gap, dtype=np.float64)
        if row_gap.shape != (m + 1,) or (row_gap > 0).any():
            raise ValueError(f"row_gap must hold m + 1 = {m + 1} scores <= 0")
        up_gap = row_gap[1:]
    cols = np.arange(m + 1, dtype=np.float64)
    h = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)
    move[0, :] = _START
    move[:, 0] = _START
    for i in range(1, n + 1):
        prev = h[i - 1]
        diag = prev[:-1] + scores[i - 1]
        up = prev[1:] + up_gap
        best = np.maximum(np.maximum(diag, up), 0.0)
        d = np.empty(m + 1)
        d[0] = 0.0
        d[1:] = best
        shifted = d - gap * cols
        running = np.maximum.accumulate(shifted)  # best of d[k] + gap * (j - k), shifted by gap * j
        left = running > shifted  # compared in one frame, so equal values never read as a move
        h[i] = np.where(left, running + gap * cols, d)
        choice = np.where(diag >= up, _DIAG, _UP)
        choice = np.where(best > 0.0, choice, _START).astype(np.int8)
        move[i, 1:] = np.where(left[1:], _LEFT, choice)
    i, j = (int(k) for k in np.unravel_index(int(np.argmax(h)), h.shape))
    while i > 0 and j > 0:
        step = move[i, j]
        if step == _START:
            break
        if step == _DIAG:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif step == _UP:
            i -= 1
        else:
            j -= 1
    return out
