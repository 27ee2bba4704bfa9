"""The one progress shape, ``progress(done, total, label)``, and its helpers (by hand)."""

from __future__ import annotations

from structkit.progress import report, within


def test_report_calls_the_callback_and_ignores_none():
    seen = []
    report(lambda d, t, label: seen.append((d, t, label)), 2, 5, "G1202R")
    report(None, 3, 5, "nothing happens")
    assert seen == [(2, 5, "G1202R")]


def test_a_part_counts_from_its_start_within_the_whole_job():
    seen = []
    part = within(lambda d, t, label: seen.append((d, t, label)), 70, 245, "lorlatinib")
    assert part is not None
    part(3, 35, "G1202R")
    part(35, 35, "")
    assert seen == [(73, 245, "lorlatinib G1202R"), (105, 245, "lorlatinib")]
    assert within(None, 0, 10) is None
