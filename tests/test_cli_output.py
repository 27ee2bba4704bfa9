"""The command line's time-left estimate follows the recent rate, not the average since the start."""

from __future__ import annotations

import math

from structkit.cli.output import TimeLeft


def _clock_at(times: list[float]):
    it = iter(times)
    return lambda: next(it)


def test_a_burst_of_cached_items_does_not_promise_an_early_finish():
    """800 items answered from a cache in the first second, then one computed item per second:
    after four minutes the average rate would promise the last 1,000 in about 5 minutes; the
    recent rate says about 1,000 seconds."""
    clock = TimeLeft(window=120.0)
    times = [0.0, 1.0] + [1.0 + k for k in range(1, 241)]
    clock._clock = _clock_at(times)
    clock.start = clock._clock()
    clock.left(800, 2000)
    for k in range(1, 241):
        elapsed, left = clock.left(800 + k, 2000)
    assert elapsed == 241.0
    assert 2000 - 1040 - 5 <= left <= 2000 - 1040 + 5  # 960 items at one per second
    average = elapsed / 1040 * (2000 - 1040)
    assert average < 0.25 * left


def test_no_estimate_before_any_progress():
    clock = TimeLeft()
    clock._clock = _clock_at([0.0, 1.0, 2.0])
    clock.start = clock._clock()
    assert math.isnan(clock.left(0, 10)[1])
    assert math.isnan(clock.left(0, 10)[1])
