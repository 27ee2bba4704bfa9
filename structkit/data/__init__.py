"""Package data: curated tables, each naming its source in its ``#`` header lines.

:func:`read_table` is the one reader of these files (comment lines dropped, rows as dicts of
strings); every module that needs a table goes through it.
"""

from __future__ import annotations

import csv
from importlib import resources

__all__ = ["commented_rows", "read_table"]


def commented_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text whose ``#`` lines are comments (the header is the first other line)."""
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of the package data file ``name`` (for example ``"drugs.csv"``)."""
    return commented_rows(resources.files("structkit.data").joinpath(name).read_text())
