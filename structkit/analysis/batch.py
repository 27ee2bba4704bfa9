"""Apply a per-structure function to many entries, loading each once, with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from structkit.io.load import load
from structkit.model.complex import Complex

__all__ = ["map_structures"]

T = TypeVar("T")


def map_structures(
    ids: Iterable[str],
    fn: Callable[[Complex], T],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    **load_options,
) -> list[T]:
    """``[fn(load(id)) for id in ids]``, calling ``progress(done, total, id)`` after each.

    ``load_options`` go to :func:`structkit.load` (``mirrors``, ``cache``, ``offline`` ...).
    """
    ids = list(ids)
    out = []
    for k, entry in enumerate(ids, start=1):
        out.append(fn(load(entry, **load_options)))
        if progress:
            progress(k, len(ids), entry)
    return out
