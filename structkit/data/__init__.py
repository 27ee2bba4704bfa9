"""Package data: curated tables, each naming its source in its ``#`` header lines.

:func:`read_table` is the one reader of these files (comment lines dropped, rows as dicts of
strings); every module that needs a table goes through it.
"""

from __future__ import annotations

import copy
import csv
import functools
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

__all__ = ["cached_copy", "commented_rows", "read_table"]

F = TypeVar("F", bound=Callable[..., Any])


def commented_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text whose ``#`` lines are comments (the header is the first other line)."""
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of the package data file ``name`` (for example ``"drugs.csv"``)."""
    return commented_rows(resources.files("structkit.data").joinpath(name).read_text())


def cached_copy(fn: F) -> F:
    """Cache a table-building function and hand every caller its own copy of the result.

    A cached public function that returned the cached object itself let one caller's edit (a
    row appended to ``catalogue()``, a column added to ``coverage_statements()``) change every
    later answer in the process. The cache is still built once; ``cache_clear`` is kept.
    """
    cached = functools.lru_cache(maxsize=None)(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return copy.deepcopy(cached(*args, **kwargs))

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
