"""The catalogue of known ALK kinase-domain entries and the table of named drugs.

The catalogue is ``structures/catalogue.csv`` in the repository (shipped inside the wheel as
``structkit/data/catalogue.csv``): one row per entry with its ligand, drug, mutations and
provenance. ``structures/README.md`` documents the columns and sources.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from structkit.data import cached_copy, commented_rows, read_table

__all__ = ["catalogue", "catalogue_ids", "catalogue_path", "drug_name", "drugs"]

_CATALOGUE_NAME = "catalogue.csv"


@cached_copy
def drugs() -> dict[str, dict[str, str]]:
    """Named ALK drugs keyed by CCD code (see ``structkit/data/drugs.csv`` for sources)."""
    return {row["ccd"]: row for row in read_table("drugs.csv")}


def drug_name(ccd: str | None) -> str | None:
    """Return the drug name of a ligand CCD code, or None if the ligand is not a named drug.

    Parameters
    ----------
    ccd : str or None
        A ligand's CCD code, any case.

    Returns
    -------
    str or None
        The drug name (``crizotinib`` for ``VGH``), None for another ligand or None.
    """
    if not ccd:
        return None
    row = drugs().get(ccd.upper())
    return row["drug"] if row else None


def catalogue_path() -> Path:
    """Path of the catalogue: the repository's ``structures/`` copy, else the packaged one."""
    repo_copy = Path(__file__).resolve().parent.parent / "structures" / _CATALOGUE_NAME
    if repo_copy.is_file():
        return repo_copy
    return Path(str(resources.files("structkit.data").joinpath(_CATALOGUE_NAME)))


@cached_copy
def catalogue() -> list[dict[str, str]]:
    """Rows of the catalogue, in file order, as dicts of strings.

    Returns
    -------
    list of dict
        One dict per row of ``structures/catalogue.csv``, its columns as keys.
    """
    return commented_rows(catalogue_path().read_text())


#: Caches built on the catalogue's rows, cleared with it (see :func:`catalogue_changed`).
_DEPENDENT_CACHES: list[Callable[[], None]] = []


def on_catalogue_change(clear: Callable[[], None]) -> Callable[[], None]:
    """Register a cache built on the catalogue's rows, so that :func:`catalogue_changed` clears it.

    Returns ``clear``, so a module can register where it defines the cache.
    """
    _DEPENDENT_CACHES.append(clear)
    return clear


def catalogue_changed() -> None:
    """Forget the catalogue's rows and every cache built on them (after the file was rewritten)."""
    catalogue.cache_clear()  # type: ignore[attr-defined]
    for clear in _DEPENDENT_CACHES:
        clear()


def catalogue_ids(verified_only: bool = True) -> list[str]:
    """The PDB IDs of the catalogue, in file order.

    Parameters
    ----------
    verified_only : bool
        Only the entries whose file was checked against the row (``verified == "yes"``); the
        others are known entries that no local mirror holds.

    Returns
    -------
    list of str
        Upper-case PDB IDs.
    """
    return [row["pdb_id"] for row in catalogue()
            if not verified_only or row["verified"] == "yes"]
