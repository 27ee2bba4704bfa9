"""Read a ligand pose from a file (SDF, MOL, MOL2 or PDB) with its chemistry, through RDKit.

Bond orders, formal charges and hydrogens come from the file: SDF/MOL and MOL2 carry them; a PDB
file carries at most CONECT records, so RDKit infers connectivity and no bond orders (prefer
SDF). A multi-pose SDF gives one pose per record; ``pose`` picks one (1-based, default the first).
Every failure is a :class:`~structkit.errors.StructkitError` naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from structkit.errors import StructkitError

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["LIGAND_SUFFIXES", "LigandPose", "read_ligand_file"]

#: File suffixes understood, by reader.
LIGAND_SUFFIXES = (".sdf", ".sd", ".mol", ".mol2", ".pdb")


@dataclass(frozen=True)
class LigandPose:
    """One ligand pose read from a file.

    Attributes
    ----------
    mol : rdkit.Chem.Mol
        The molecule as the file gives it (hydrogens kept), with one conformer.
    path : Path
        The file.
    pose : int
        Which pose of the file (1-based).
    n_poses : int
        Poses in the file.
    name : str
        The molecule's title (SDF/MOL first line, MOL2 name), ``""`` where none.
    """

    mol: Chem.Mol
    path: Path
    pose: int
    n_poses: int
    name: str


def read_ligand_file(path: str | os.PathLike, pose: int = 1) -> LigandPose:
    """Read one pose from a ligand file.

    Parameters
    ----------
    path : path
        ``.sdf``/``.sd``, ``.mol``, ``.mol2`` or ``.pdb`` file.
    pose : int
        1-based pose index for a multi-pose SDF (default 1).

    Returns
    -------
    LigandPose

    Raises
    ------
    StructkitError
        A missing file, an unknown suffix, a file RDKit cannot read, an empty file, or a pose
        number beyond the file's poses.
    """
    from rdkit import Chem, RDLogger

    p = Path(path).expanduser()
    if not p.is_file():
        raise StructkitError(f"{p}: no such ligand file")
    suffix = p.suffix.lower()
    if suffix not in LIGAND_SUFFIXES:
        raise StructkitError(
            f"{p}: unknown ligand file type {suffix or '(none)'!r} (use {', '.join(LIGAND_SUFFIXES)})"
        )
    if pose < 1:
        raise StructkitError(f"{p}: pose {pose} does not exist (poses are numbered from 1)")
    if p.stat().st_size == 0:
        raise StructkitError(f"{p}: the ligand file is empty (holds no molecule)")
    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
    try:
        if suffix in (".sdf", ".sd"):
            supplier = Chem.SDMolSupplier(str(p), removeHs=False, sanitize=True)
            n_poses = len(supplier)
            if n_poses == 0:
                raise StructkitError(f"{p}: the SDF file holds no molecule")
            if pose > n_poses:
                raise StructkitError(f"{p}: has {n_poses} pose(s); pose {pose} does not exist")
            mol = supplier[pose - 1]
        else:
            n_poses = 1
            if pose != 1:
                raise StructkitError(f"{p}: a {suffix} file holds one pose; pose {pose} does not exist")
            if suffix == ".mol":
                mol = Chem.MolFromMolFile(str(p), removeHs=False, sanitize=True)
            elif suffix == ".mol2":
                mol = Chem.MolFromMol2File(str(p), removeHs=False, sanitize=True)
            else:
                mol = Chem.MolFromPDBFile(str(p), removeHs=False, sanitize=True)
    except OSError as exc:
        raise StructkitError(f"{p}: cannot read the ligand file ({exc.__class__.__name__})") from None
    finally:
        RDLogger.EnableLog("rdApp.*")  # type: ignore[attr-defined]
    if mol is None or mol.GetNumAtoms() == 0:
        where = f" (pose {pose})" if n_poses > 1 else ""
        raise StructkitError(f"{p}: RDKit cannot read a molecule from this file{where}")
    if mol.GetNumConformers() == 0:
        raise StructkitError(f"{p}: the molecule has no coordinates")
    name = mol.GetProp("_Name").strip() if mol.HasProp("_Name") else ""
    return LigandPose(mol=mol, path=p, pose=pose, n_poses=n_poses, name=name)
