"""The one progress shape, ``progress(done, total, label)``, and its helper (by hand)."""

from __future__ import annotations

from structkit.progress import report


def test_report_calls_the_callback_and_ignores_none():
    seen = []
    report(lambda d, t, label: seen.append((d, t, label)), 2, 5, "G1202R")
    report(None, 3, 5, "nothing happens")
    assert seen == [(2, 5, "G1202R")]

