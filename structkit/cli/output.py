"""What the commands print and the one batch failure policy of the command line."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.cli.common import (
    count,
    load_options,
    target_ids,
)
from structkit.io.write import (
    check_output_file,
    write_table,
)


def batch(args: argparse.Namespace, fn, engine: Engine | None = None) -> tuple[list, str | None]:
    """``fn`` over every target with the one batch policy of the command line.

    The good inputs are processed; each failure is printed as one line; the command then writes
    what succeeded and exits 1 (see :func:`finish`). ``--strict`` stops at the first failure; a
    single target fails as itself.

    Returns
    -------
    results : list
        ``fn``'s results for the targets that succeeded.
    summary : str or None
        ``"k of n structures failed: ..."``, None when all succeeded.
    """
    targets = target_ids(args, "targets")
    options = load_options(args, len(targets))
    failures = failure_policy(args, targets)
    results = map_structures(targets, fn, failures=failures, engine=engine, options=options)
    print_failures(failures)
    return results, failure_summary(failures, len(targets))


def failure_policy(args: argparse.Namespace, targets: list[str]) -> dict[str, str] | None:
    """The batch policy of every multi-structure command: a dict that collects each failure (the
    others go on), or None where the first failure stops the command (``--strict``, one target)."""
    return None if args.strict or len(targets) == 1 else {}


def print_failures(failures: dict[str, str] | None) -> None:
    """One ``structkit: error:`` line per failed structure of a batch (after the progress line)."""
    if failures:
        end_progress_line()
    for message in (failures or {}).values():
        print(f"structkit: error: {message}", file=sys.stderr)


def failure_summary(failures: dict[str, str] | None, n_targets: int) -> str | None:
    if not failures:
        return None
    return f"{len(failures)} of {count(n_targets, 'structure')} failed: {', '.join(failures)}"


def finish(summary: str | None) -> int:
    """Exit status of a batch command: 1 with the summary line when some structures failed."""
    if summary is None:
        return 0
    print(f"structkit: error: {summary}", file=sys.stderr)
    return 1


def end_progress_line() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def check_output(path: str | None) -> None:
    """Check a table output path before computing (see :func:`check_output_file`)."""
    if path:
        check_output_file(path, (".csv", ".parquet"))


def emit_table(table: pd.DataFrame, output: str | None) -> None:
    """Write the table to OUTPUT (CSV or Parquet), or print it as CSV."""
    if output:
        write_table(table, output)
        print(f"wrote {count(len(table), 'row')} to {output}")
    else:
        print(table.to_csv(index=False, lineterminator="\n", float_format="%.4g"), end="")


def progress_line():
    """A progress callback that redraws one stderr line when stderr is a terminal."""
    interactive = sys.stderr.isatty()

    def progress(k: int, n: int, entry: str) -> None:
        if interactive and n > 1:
            print(f"\r[{k}/{n}] {entry}   ", end="" if k < n else "\n", file=sys.stderr, flush=True)

    return progress


class TimeLeft:
    """The time left of a job from its recent rate, not its average since the start.

    Items answered from a cache come in at once and computed ones at seconds each; an average
    over both promises a finish far too early. The rate here is that of the last ``window``
    seconds (all of the job until it is that old).
    """

    def __init__(self, window: float = 120.0) -> None:
        import time

        self._clock = time.perf_counter
        self.start = self._clock()
        self.window = window
        self._seen: list[tuple[float, int]] = []

    def left(self, done: int, total: int) -> tuple[float, float]:
        """Record progress; return (seconds elapsed, seconds left at the recent rate, NaN while it
        is not known)."""
        now = self._clock()
        self._seen.append((now, done))
        while len(self._seen) > 2 and now - self._seen[1][0] >= self.window:
            self._seen.pop(0)
        then, done_then = self._seen[0]
        if done <= done_then or now <= then:
            return now - self.start, float("nan")
        return now - self.start, (total - done) * (now - then) / (done - done_then)


def timed_progress(unit: str):
    """Progress on stderr with the elapsed time and an estimate of the time left (:class:`TimeLeft`)."""
    interactive = sys.stderr.isatty()
    last = [-1]
    clock = TimeLeft()

    def progress(done: int, total: int, label: str) -> None:
        elapsed, left = clock.left(done, total)
        when = f"about {left:.0f} s left" if left == left else "time left not known yet"
        line = f"[{done}/{total} {unit}] {label}: {elapsed:.0f} s elapsed, {when}"
        if interactive:
            print(f"\r{line}   ", end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif done == total or done * 10 // max(total, 1) != last[0]:
            last[0] = done * 10 // max(total, 1)
            print(line, file=sys.stderr, flush=True)

    return progress
