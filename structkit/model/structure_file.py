"""The parsed content of one structure file, as the reader hands it to the model's policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from structkit.model.atoms import Atoms

__all__ = ["LigandRecords", "StructureFile"]


@dataclass
class StructureFile:
    """The parsed content of one structure file.

    Attributes
    ----------
    atoms : Atoms
        Every atom of the first model, in file order.
    path : Path or None
        Where the file was read from.
    format : str
        ``"pdb"`` or ``"mmcif"``.
    id_code : str or None
        The entry ID the file declares (PDB ``HEADER`` or mmCIF ``_entry.id``), upper case, or None.
    title : str
        The title (PDB ``TITLE`` or mmCIF ``_struct.title``), empty where absent.
    resolution : float or None
        Resolution in Å from ``REMARK 2`` or ``_refine.ls_d_res_high``.
    seqres : dict of str to list of str
        Deposited sequence per chain (residue names), where the file has one.
    het_names : dict of str to str
        Chemical names of HET groups (``HETNAM``), where the file has them.
    engineered : list of tuple
        ``(chain, resnum, wild_type, residue)`` from ``SEQADV ... ENGINEERED MUTATION`` records.
    protein_names : dict of str to str
        Protein name per chain from ``DBREF`` records (UniProt entry name without the species,
        ``ABL1_HUMAN`` -> ``ABL1``), or for every chain (key ``""``) from a ``COMPND`` line of the
        form ``Protein: NAME`` as written by KinoML-prepared files.
    unterminated : str or None
        Why the file might have been cut (no ``END`` record, or an ``_atom_site`` loop running to
        the end of the file, and the last atom a protein atom), where there is such weak evidence;
        None otherwise.
        Strong evidence of a cut file is an error instead (see :func:`parse_structure_text`).
    conect : ndarray of int64, shape (k, 2)
        PDB ``CONECT`` records as (serial, bonded serial) pairs, one per listed entry and in file
        order; an entry repeated within a record is kept (PyMOL, KLIFS and Open Babel write a
        double bond that way). Empty for mmCIF files and PDB files without them.
    formal_charge : dict of int to int
        Non-zero formal charges of HETATM records (PDB columns 79-80, ``1+``), by atom serial.
    """

    atoms: Atoms
    path: Path | None
    format: str
    id_code: str | None = None
    title: str = ""
    resolution: float | None = None
    seqres: dict[str, list[str]] = field(default_factory=dict)
    het_names: dict[str, str] = field(default_factory=dict)
    engineered: list[tuple[str, int, str, str]] = field(default_factory=list)
    protein_names: dict[str, str] = field(default_factory=dict)
    unterminated: str | None = None
    conect: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    formal_charge: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LigandRecords:
    """An inhibitor's bonds and charges from the file's records, by atom serial.

    Attributes
    ----------
    serial : tuple of int
        Serials of the inhibitor's heavy atoms the records describe, in the inhibitor's order.
    bonds : tuple of (int, int, int)
        ``(serial, serial, order)`` for every bond between two of them; the order is how many
        times the pair is listed in the first atom's records (1-3).
    formal_charge : tuple of int
        Formal charge of each atom of ``serial``.
    """

    serial: tuple[int, ...]
    bonds: tuple[tuple[int, int, int], ...]
    formal_charge: tuple[int, ...]
