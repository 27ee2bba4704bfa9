"""Apply a per-structure function to many entries, loading each once, with progress and one error
policy for every batch command."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from structkit.errors import StructkitError
from structkit.io.load import load
from structkit.model.complex import Complex

__all__ = ["map_structures"]

T = TypeVar("T")


def map_structures(
    ids: Iterable[str],
    fn: Callable[[Complex], T],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    failures: dict[str, str] | None = None,
    **load_options,
) -> list[T]:
    """``[fn(load(id)) for id in ids]``, calling ``progress(done, total, id)`` after each.

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files (repeats are processed once).
    fn : callable
        Applied to each loaded :class:`~structkit.model.complex.Complex`.
    progress : callable, optional
        Called after each entry, whether it succeeded or failed.
    failures : dict, optional
        The error policy. None (default): the first :class:`~structkit.errors.StructkitError`
        stops the batch. A dict: an entry that fails to load or to process is recorded there
        (entry -> one-line message) and left out, and the batch goes on with the rest; the caller
        reports the failures and decides the exit status.
    **load_options
        Passed to :func:`structkit.load` (``mirrors``, ``cache``, ``offline`` ...).

    Returns
    -------
    list
        ``fn``'s results for the entries that succeeded, in the order given.
    """
    ids = list(dict.fromkeys(ids))
    out = []
    for k, entry in enumerate(ids, start=1):
        try:
            out.append(fn(load(entry, **load_options)))
        except StructkitError as exc:
            if failures is None:
                raise
            failures[str(entry)] = str(exc)
        if progress:
            progress(k, len(ids), str(entry))
    return out
