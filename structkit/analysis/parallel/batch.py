"""Apply a per-structure function to many entries, each loaded once in the task that uses it, with
progress, one error policy for every batch command, and any
:class:`~structkit.analysis.parallel.engine.Engine`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex

__all__ = ["map_structures"]

T = TypeVar("T")


def _load_and_apply(entry: str, fn: Callable[[Complex], T], options: LoadOptions,
                    collect: bool) -> tuple[str, T | str]:
    """One task: ``("ok", fn(load(entry)))``, or ``("error", message)`` when errors are collected."""
    try:
        return "ok", fn(options.load(entry))
    except StructkitError as exc:
        if not collect:
            raise
        return "error", str(exc)


def map_structures(
    ids: Iterable[str],
    fn: Callable[[Complex], T],
    *,
    failures: dict[str, str] | None = None,
    engine: Engine | None = None,
    options: LoadOptions | None = None,
) -> list[T]:
    """``[fn(load(id)) for id in ids]``, telling the engine's progress ``(done, total, id)`` as
    entries finish.

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files (repeats are processed once).
    fn : callable
        Applied to each loaded :class:`~structkit.model.complex.Complex` (in a worker process
        when the engine has workers: it must be picklable by cloudpickle, as lambdas are).
    failures : dict, optional
        The error policy. None (default): the first :class:`~structkit.errors.StructkitError`
        stops the batch. A dict: an entry that fails to load or to process is recorded there
        (entry -> one-line message) and left out, and the batch goes on with the rest; the caller
        reports the failures and decides the exit status.
    engine : Engine, optional
        Where the tasks run (default: in this process) and whom they tell of each entry finished,
        whether it succeeded or failed.
    options : LoadOptions, optional
        Where the structures come from and how they are read (default: the environment's).

    Returns
    -------
    list
        ``fn``'s results for the entries that succeeded, in the order given.
    """
    ids = [str(i) for i in dict.fromkeys(ids)]
    engine = engine or Engine(workers=1)
    options = options or LoadOptions.resolve()
    with engine:
        results = engine.map(_load_and_apply, ids, fn, options, failures is not None, report=True)
    out: list[T] = []
    for entry, (state, value) in zip(ids, results):
        if state == "ok":
            out.append(cast(T, value))
        elif failures is not None:
            failures[entry] = value
    return out
