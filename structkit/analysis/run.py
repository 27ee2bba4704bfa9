"""``structkit run``: regenerate the tables of ``results/`` deterministically.

Every table is written through a temporary file and a rename, so an interrupted run leaves the
previous table, never a half-written one. Tables hold no timestamps and have a fixed row order,
so two runs on the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from structkit.analysis.structures import structure_table
from structkit.catalogue import catalogue_ids

__all__ = ["run", "write_table"]


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a DataFrame atomically: CSV, or Parquet for a ``.parquet`` name.

    The table goes to a temporary file in the same folder, renamed into place when complete, so
    an interrupted write leaves the previous file (or none), never a partial one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if path.suffix == ".parquet":
            os.close(fd)
            frame.to_parquet(tmp, index=False)
        else:
            text = frame.to_csv(index=False, lineterminator="\n", float_format="%.4g")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(
    output: str | os.PathLike = "results",
    *,
    progress: Callable[[int, int, str], None] | None = None,
    **load_options,
) -> list[Path]:
    """Regenerate the result tables for every verified catalogue entry.

    Parameters
    ----------
    output : path
        The results folder.
    progress : callable, optional
        Called as ``progress(done, total, id)`` during long steps.
    **load_options
        Passed to :func:`structkit.load` (``mirrors``, ``cache``, ``offline``).

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(output)
    table = structure_table(catalogue_ids(), progress=progress, **load_options)
    target = out / "structures.csv"
    write_table(table, target)
    return [target]
