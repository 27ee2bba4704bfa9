"""The one shape of a progress callback: ``progress(done, total, label)``.

Every long job in structkit (fetching, loading, features, scans, ddG estimates, benchmarks,
``structkit run``) reports its progress the same way: ``done`` of ``total`` units of work are
finished, ``label`` names the last one finished (an entry, a mutation, a ligand, a step of a run;
empty when there is none yet). ``done`` never decreases, and a job that reports at all reports
``done == total`` when it ends. The command line draws them (``structkit.cli.output``); in Jupyter
any function of three arguments will do, for example ``lambda done, total, label: print(done, total)``.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report"]

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: the one progress callback shape."""


def report(progress: Progress | None, done: int, total: int, label: str = "") -> None:
    """Call ``progress(done, total, label)`` when there is a callback; nothing otherwise."""
    if progress is not None:
        progress(done, total, label)

