"""A flat, column-oriented table of atoms held as NumPy arrays.

:class:`Atoms` is what the reader produces and what every later step consumes: one array per field,
all of the same length, with no per-atom Python objects. Selections are boolean masks or index arrays
and return new :class:`Atoms`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["Atoms", "atom_per_residue", "residue_starts"]


@dataclass(frozen=True, eq=False)
class Atoms:
    """Atoms as parallel NumPy arrays.

    Attributes
    ----------
    coords : ndarray, shape (n, 3), float64
        Cartesian coordinates in Å.
    element : ndarray of str
        Element symbol, upper case (``"C"``, ``"CL"``).
    name : ndarray of str
        Atom name (``"CA"``, ``"OG1"``).
    altloc : ndarray of str
        Alternate-location label, ``""`` where there is none.
    resname : ndarray of str
        Residue (component) name.
    chain : ndarray of str
        Author chain identifier.
    resnum : ndarray of int64
        Author residue number.
    icode : ndarray of str
        Insertion code, ``""`` where there is none.
    b_factor, occupancy : ndarray of float64
        Isotropic B-factor (Å²) and occupancy (0 to 1).
    hetero : ndarray of bool
        True for HETATM records.
    entity : ndarray of str
        The file's own grouping of non-polymer copies (mmCIF ``label_asym_id``; for PDB files the
        chain), used to tell two copies of one ligand apart.
    serial : ndarray of int64
        Atom serial number in the file.
    """

    coords: np.ndarray
    element: np.ndarray
    name: np.ndarray
    altloc: np.ndarray
    resname: np.ndarray
    chain: np.ndarray
    resnum: np.ndarray
    icode: np.ndarray
    b_factor: np.ndarray
    occupancy: np.ndarray
    hetero: np.ndarray
    entity: np.ndarray
    serial: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.coords)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"Atoms field {f.name!r} has a different length from coords ({n})")

    def __len__(self) -> int:
        return len(self.coords)

    def __getitem__(self, index: np.ndarray | slice) -> Atoms:
        """Select atoms by boolean mask, index array or slice."""
        return Atoms(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def empty(cls) -> Atoms:
        """Return an Atoms table with no atoms."""
        s = np.array([], dtype="<U1")
        return cls(
            coords=np.zeros((0, 3)), element=s, name=s, altloc=s, resname=s, chain=s,
            resnum=np.zeros(0, dtype=np.int64), icode=s, b_factor=np.zeros(0),
            occupancy=np.zeros(0), hetero=np.zeros(0, dtype=bool), entity=s,
            serial=np.zeros(0, dtype=np.int64),
        )

    @classmethod
    def concatenate(cls, parts: list[Atoms]) -> Atoms:
        """Join several Atoms tables end to end."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                      for f in fields(cls)})

    @property
    def is_hydrogen(self) -> np.ndarray:
        """Boolean mask of hydrogen (and deuterium) atoms."""
        return (self.element == "H") | (self.element == "D")

    @property
    def heavy(self) -> Atoms:
        """The atoms that are not hydrogen."""
        return self[~self.is_hydrogen]

    def residue_starts(self) -> np.ndarray:
        """Index of the first atom of each residue; see :func:`residue_starts`."""
        return residue_starts(self)


def residue_starts(atoms: Atoms) -> np.ndarray:
    """Return the index of the first atom of every residue.

    A residue is a run of consecutive atoms sharing chain, residue number, insertion code and
    copy label; the table is assumed to be in file order, as the reader leaves it.

    Parameters
    ----------
    atoms : Atoms
        Atoms in file order.

    Returns
    -------
    ndarray of int64
        Start indices, increasing, the first being 0 (empty for no atoms).
    """
    n = len(atoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = (
        (atoms.resnum[1:] != atoms.resnum[:-1])
        | (atoms.chain[1:] != atoms.chain[:-1])
        | (atoms.icode[1:] != atoms.icode[:-1])
        | (atoms.entity[1:] != atoms.entity[:-1])
    )
    return np.concatenate([[0], np.flatnonzero(change) + 1]).astype(np.int64)


def atom_per_residue(atoms: Atoms, starts: np.ndarray, stops: np.ndarray, name: str = "CA") -> np.ndarray:
    """Coordinates of the first atom called ``name`` in each residue, NaN where a residue has none.

    Parameters
    ----------
    atoms : Atoms
        Atoms in file order.
    starts, stops : ndarray of int
        Atom index range ``[start, stop)`` of each residue, increasing and not overlapping.
    name : str
        Atom name (default ``CA``).

    Returns
    -------
    ndarray, shape (len(starts), 3)
    """
    starts, stops = np.asarray(starts), np.asarray(stops)
    out = np.full((len(starts), 3), np.nan)
    hits = np.flatnonzero(atoms.name == name)
    residue = np.searchsorted(starts, hits, side="right") - 1
    inside = residue >= 0
    inside[inside] = hits[inside] < stops[residue[inside]]
    first_of, first = np.unique(residue[inside], return_index=True)
    out[first_of] = atoms.coords[hits[inside][first]]
    return out
