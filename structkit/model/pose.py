"""Put a ligand pose read from a file into a complex as its inhibitor.

Rules (``structkit.load(..., ligand_file=...)``):

- **The file's ligand is already in the structure.** If a HETATM group of the file (the inhibitor
  found by the pocket rule first, then every other group) has the same heavy atoms, element for
  element, each within 0.1 Å of one of the pose's heavy atoms (a one-to-one match), the group stays
  the inhibitor with its atom names, and the file's chemistry (bond orders, charges) is attached in
  the structure's atom order.
- **The structure holds no ligand in its pocket** (a docking receptor): the pose is added as the
  inhibitor, residue name from the file's title where it is a valid three-character code, else
  ``LIG``; atoms named by element and index (``C1``, ``N2`` ...); hydrogens follow the loading
  policy. The pose must have a heavy atom within 4.5 Å of the pocket (KLIFS residues).
- **The structure holds another ligand in its pocket** whose atoms the pose does not match: an
  error, since the file cannot be both (remove the HETATM ligand, or name it with ``ligand=``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.distances import distance_matrix
from structkit.model.atoms import Atoms, residue_starts
from structkit.model.complex import POCKET_CONTACT_CUTOFF, Complex

if TYPE_CHECKING:
    from rdkit import Chem


class Pose(Protocol):
    """What :func:`attach_ligand` reads of a pose (:class:`structkit.io.ligand_file.LigandPose`)."""

    @property
    def mol(self) -> Chem.Mol: ...
    @property
    def path(self) -> Path: ...
    @property
    def name(self) -> str: ...

__all__ = ["MATCH_TOLERANCE", "attach_ligand"]

MATCH_TOLERANCE = 0.1


def _heavy_mol(mol):
    from rdkit import Chem

    return Chem.RemoveHs(mol, sanitize=False)


def _mol_arrays(mol) -> tuple[np.ndarray, np.ndarray]:
    coords = np.array(mol.GetConformer().GetPositions(), dtype=np.float64)
    elements = np.array([a.GetSymbol().upper() for a in mol.GetAtoms()])
    return coords, elements


def _match(group: Atoms, coords: np.ndarray, elements: np.ndarray) -> np.ndarray | None:
    """Index of the pose atom matching each heavy atom of ``group``, or None if they do not match."""
    heavy = group.heavy
    if len(heavy) != len(coords):
        return None
    d = distance_matrix(heavy.coords, coords)
    nearest = d.argmin(axis=1)
    if np.unique(nearest).size != len(nearest):
        return None
    if (d[np.arange(len(nearest)), nearest] > MATCH_TOLERANCE).any():
        return None
    if (heavy.element.astype(str) != elements[nearest]).any():
        return None
    return nearest


def _groups(atoms: Atoms) -> list[slice]:
    """The atom range of each residue (HETATM group) of ``atoms``."""
    bounds = np.append(residue_starts(atoms), len(atoms))
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])] if len(atoms) else []


def attach_ligand(complex_: Complex, pose: Pose, *, keep_hydrogens: bool = False) -> Complex:
    """Return a copy of the complex whose inhibitor is the pose (see the module rules).

    Parameters
    ----------
    complex_ : Complex
        The loaded protein structure.
    pose : structkit.io.ligand_file.LigandPose
        The pose read from a file.
    keep_hydrogens : bool
        Keep the pose's hydrogens when the pose is added as a new inhibitor.

    Returns
    -------
    Complex
        With ``ligand_source == "file"`` and ``ligand_mol`` set.

    Raises
    ------
    StructkitError
        The pose does not match the structure's ligand, or lies outside the pocket.
    """
    from rdkit import Chem

    label = pose.path
    heavy_mol = _heavy_mol(pose.mol)
    coords, elements = _mol_arrays(heavy_mol)
    # the inhibitor first (range None), then every other HETATM group of the same size
    candidates: list[tuple[slice | None, Atoms]] = []
    if len(complex_.inhibitor):
        candidates.append((None, complex_.inhibitor))
    candidates += [(r, complex_.additives[r]) for r in _groups(complex_.additives)]
    for atom_range, group in candidates:
        order = _match(group, coords, elements)
        if order is None:
            continue
        mol = Chem.RenumberAtoms(heavy_mol, [int(i) for i in order])
        _sanitise(mol)
        if atom_range is None:
            return replace(complex_, ligand_mol=mol, ligand_source="file")
        others = np.ones(len(complex_.additives), dtype=bool)
        others[atom_range] = False
        additives = Atoms.concatenate([complex_.additives[others], complex_.inhibitor])
        return replace(complex_, inhibitor=group, ligand=str(group.resname[0]), additives=additives,
                       ligand_mol=mol, ligand_source="file", ligand_records=None)
    if len(complex_.inhibitor):
        inh = complex_.inhibitor.heavy
        d = distance_matrix(inh.coords, coords)
        raise StructkitError(
            f"{label}: the ligand's {len(coords)} heavy atoms do not match the ligand "
            f"{complex_.ligand} in the structure ({len(inh)} heavy atoms; worst atom "
            f"{d.min(axis=1).max():.2f} A from the pose); remove the HETATM ligand or give the same pose"
        )
    res = complex_.residues
    per_atom_position = np.repeat(res.klifs_position, res.stop - res.start)
    pocket_xyz = complex_.protein.coords[(per_atom_position > 0) & ~complex_.protein.is_hydrogen]
    if len(pocket_xyz) == 0:
        raise StructkitError(f"{label}: the structure has no KLIFS pocket residue to place the pose in")
    nearest = distance_matrix(coords, pocket_xyz).min()
    if nearest > POCKET_CONTACT_CUTOFF:
        raise StructkitError(
            f"{label}: the pose lies outside the ATP pocket (no heavy atom within "
            f"{POCKET_CONTACT_CUTOFF} A of a KLIFS pocket residue; nearest {nearest:.1f} A)"
        )
    mol = Chem.Mol(heavy_mol)
    _sanitise(mol)
    inhibitor = _pose_atoms(pose.mol if keep_hydrogens else heavy_mol, pose.name, complex_)
    # the receptor had no ligand of its own; the warning that its file might be cut before one is moot
    metadata = {**complex_.metadata,
                "warnings": [w for w in complex_.metadata.get("warnings", [])
                             if not w.startswith("no inhibitor found")]}
    return replace(complex_, inhibitor=inhibitor, ligand=str(inhibitor.resname[0]), ligand_mol=mol,
                   ligand_source="file", metadata=metadata, ligand_records=None)


def _sanitise(mol) -> None:
    from rdkit import Chem

    try:
        Chem.SanitizeMol(mol)
    except Exception:  # keep the file's flags where a partial molecule does not sanitise
        mol.UpdatePropertyCache(strict=False)


def _pose_atoms(mol, title: str, complex_: Complex) -> Atoms:
    """Atoms of a pose as a HETATM residue; heavy atoms first, in the file's order."""
    coords, elements = _mol_arrays(mol)
    order = np.concatenate([np.flatnonzero(elements != "H"), np.flatnonzero(elements == "H")])
    coords, elements = coords[order], elements[order]
    code = title.upper() if len(title) == 3 and title.isalnum() else "LIG"
    counts: dict[str, int] = {}
    names = []
    for e in elements:
        counts[e] = counts.get(e, 0) + 1
        names.append(f"{e}{counts[e]}"[:4])
    n = len(coords)
    used = [int(x) for x in complex_.additives.resnum] + [int(x) for x in complex_.protein.resnum]
    resnum = max([*used, 0]) + 1
    text = lambda v: np.full(n, v)  # noqa: E731
    return Atoms(
        coords=coords, element=elements.astype(str),
        name=np.array(names), altloc=text(""), resname=text(code), chain=text(complex_.chain),
        resnum=np.full(n, resnum, dtype=np.int64), icode=text(""), b_factor=np.zeros(n),
        occupancy=np.ones(n), hetero=np.ones(n, dtype=bool), entity=text(complex_.chain),
        serial=np.arange(1, n + 1, dtype=np.int64),
    )
