"""``structkit.load``: an entry ID or a file path in, a :class:`~structkit.model.complex.Complex` out."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from structkit.arguments import check_source
from structkit.errors import StructkitError, StructureWarning
from structkit.io.ccd_store import ccd_from_store
from structkit.io.fetch import fetch, is_pdb_id, mirror_dirs
from structkit.io.ligand_file import read_ligand_file
from structkit.io.read import read_structure
from structkit.model.complex import Complex, build_complex
from structkit.model.numbering import Reference, read_reference_fasta
from structkit.model.pose import attach_ligand

__all__ = ["LoadOptions", "load"]

_STRUCTURE_SUFFIXES = (".pdb", ".cif", ".ent", ".mmcif", ".gz")


def load(
    id_or_path: str | os.PathLike,
    *,
    ligand: str | None = None,
    chain: str | None = None,
    keep_hydrogens: bool = False,
    zero_occupancy: str = "keep",
    mirrors: Iterable[str | os.PathLike] | None = None,
    cache: str | os.PathLike | None = None,
    offline: bool = False,
    ligand_file: str | os.PathLike | None = None,
    pose: int = 1,
    reference: str | os.PathLike | Reference | None = None,
) -> Complex:
    """Load a kinase structure as a :class:`Complex` (kinase chain, inhibitor, waters, additives).

    ALK chains are numbered by UniProt Q9UM73; any other protein kinase chain keeps its author
    numbering, or is renumbered by alignment to ``reference``. KLIFS positions are assigned to
    every kinase (:mod:`structkit.model.klifs`).

    Parameters
    ----------
    id_or_path : str or path
        A PDB ID (fetched from the cache, the mirrors or the RCSB) or a PDB/mmCIF file (plain
        or gzip).
    ligand : str, optional
        CCD code of the inhibitor, when the file holds several ligands and the pocket rule
        should not choose.
    chain : str, optional
        Author chain ID of the kinase chain to use.
    keep_hydrogens : bool
        Keep hydrogen atoms (dropped by default).
    zero_occupancy : {"keep", "drop"}
        Policy for atoms of zero occupancy.
    mirrors : list of paths, optional
        Local mirror folders (see :func:`structkit.fetch`).
    cache : path, optional
        Cache folder.
    offline : bool
        Never download.
    ligand_file : path, optional
        The inhibitor pose as SDF, MOL, MOL2 or PDB (docking output, a prepared ligand): its
        chemistry (bond orders, charges) is used; it is matched to the same ligand in the
        structure or added to a receptor that has none (:mod:`structkit.model.pose`).
    pose : int
        Which pose of a multi-pose SDF (1-based).
    reference : path or Reference, optional
        Reference sequence (FASTA, ``first=N`` in the header for the first residue's number) to
        renumber a non-ALK kinase chain by.

    Returns
    -------
    Complex

    Raises
    ------
    StructkitError
        Bad ID, missing or corrupt file, no kinase chain, a named ligand or chain the file lacks,
        or a ligand file that cannot be read, does not match, or lies outside the pocket.

    Examples
    --------
    >>> import structkit
    >>> c = structkit.load("2XP2", mirrors=["../shared/structures"])  # doctest: +SKIP
    >>> c.ligand, c.drug, c.mutations  # doctest: +SKIP
    ('VGH', 'crizotinib', [])
    """
    text = os.fspath(check_source(id_or_path, "id_or_path"))
    path = Path(text).expanduser()
    pdb_id = None
    if path.exists():
        pass
    elif is_pdb_id(text) and not text.lower().endswith(_STRUCTURE_SUFFIXES):
        result = fetch(text, mirrors=mirrors, cache=cache, offline=offline)
        path, pdb_id = result.path, result.pdb_id
    elif os.sep in text or text.lower().endswith(_STRUCTURE_SUFFIXES):
        raise StructkitError(f"{text}: no such file")
    else:
        raise StructkitError(
            f"{text!r} is neither a PDB ID (four characters, a digit first, such as 2XP2) "
            "nor an existing file"
        )
    if reference is not None and not isinstance(reference, Reference):
        reference = read_reference_fasta(reference)
    ligand_pose = read_ligand_file(ligand_file, pose) if ligand_file is not None else None
    parsed = read_structure(path)
    complex_ = build_complex(
        parsed, pdb_id=pdb_id, ligand=ligand, chain=chain,
        keep_hydrogens=keep_hydrogens, zero_occupancy=zero_occupancy, reference=reference,
    )
    if ligand_pose is not None:
        complex_ = attach_ligand(complex_, ligand_pose, keep_hydrogens=keep_hydrogens)
    ccd_from_store(complex_.ligand, cache)  # the inhibitor's CCD molecule, if an earlier process built it
    for message in complex_.metadata.get("warnings", []):
        warnings.warn(f"{path}: {message}", StructureWarning, stacklevel=2)
    return complex_


@dataclass(frozen=True)
class LoadOptions:
    """Where structures come from and how each is read: built once, passed to every batch step.

    Attributes
    ----------
    mirrors : tuple of str
        Mirror folders, absolute (see :meth:`resolve`); searched before the RCSB.
    cache : str or None
        Download and result cache (default ``STRUCTKIT_CACHE``).
    offline : bool
        Never download.
    ligand, chain, ligand_file, pose, reference
        Per-structure choices, as for :func:`load` (for a batch of one structure, or when every
        structure of the batch shares them).
    keep_hydrogens : bool
        Keep the files' hydrogens (interaction typing uses them).
    """

    mirrors: tuple[str, ...] = ()
    cache: str | None = None
    offline: bool = False
    ligand: str | None = None
    chain: str | None = None
    ligand_file: str | None = None
    pose: int = 1
    reference: str | None = None
    keep_hydrogens: bool = False

    @classmethod
    def resolve(cls, mirrors: Iterable[str | os.PathLike] | None = None, **fields: Any) -> LoadOptions:
        """Options with the given mirrors and those of ``STRUCTKIT_MIRROR`` checked (a missing
        folder is an error naming it) and made absolute, so that tasks in other processes or on
        other hosts, with another working folder or environment, read the same folders."""
        folders = tuple(dict.fromkeys(os.path.abspath(folder) for folder in mirror_dirs(mirrors)))
        cache = fields.pop("cache", None)
        return cls(mirrors=folders, cache=os.fspath(cache) if cache else None, **fields)

    def load(self, id_or_path: str | os.PathLike, **overrides: Any) -> Complex:
        """:func:`load` with these options (``overrides`` win, for example ``keep_hydrogens``)."""
        return load(id_or_path, **{**self.keywords(), **overrides})

    def keywords(self) -> dict:
        """The options as keyword arguments of :func:`load`."""
        return {"mirrors": list(self.mirrors), "cache": self.cache, "offline": self.offline,
                "ligand": self.ligand, "chain": self.chain, "ligand_file": self.ligand_file,
                "pose": self.pose, "reference": self.reference, "keep_hydrogens": self.keep_hydrogens}
