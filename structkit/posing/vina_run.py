"""AutoDock Vina (the ``vina`` package, 1.2) on a receptor: local refinement and docking of a compound.

- **Receptor.** The kinase chain protonated as for the force field
  (:func:`structkit.energy.prepare.prepare`; waters, ions and additives left out), typed by
  :func:`structkit.geometry.vina.xs_types` and written as PDBQT (:func:`structkit.io.pdbqt.pdbqt_text`).
  Grid maps of 0.375 Å spacing over a box (:class:`Box`), computed for the atom types of the
  compound being placed only, when it is first set (1.6-3.6 times less time than every type's
  maps, measured on imatinib, lorlatinib and ceritinib; the values at each grid point are the same).
- **Ligand.** Meeko (:class:`meeko.MoleculePreparation`, default settings: rotatable bonds
  outside rings, amide bonds rigid, non-polar hydrogens merged) writes the torsion tree; the
  results are read back by Meeko onto the compound's own atoms.
- **Refinement** is Vina's local optimisation (BFGS over position, orientation and torsions) of
  each placed pose; **docking** is Vina's Monte Carlo search (``exhaustiveness`` 8 by default,
  fixed seed: the same poses on every machine of the same build). Its runs share the CPUs this
  process may use (:func:`search_threads`; one in structkit's Dask workers, which set
  ``OMP_NUM_THREADS=1``): with the one seed, one and two threads give the same poses bit for bit
  (tested; Vina derives each run's seed from it), only the time differs.

Energies are Vina's (kcal/mol), the intermolecular part and the ligand's own torsion term as
Vina sums them for a pose.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.vina import xs_types
from structkit.io.pdbqt import pdbqt_text

if TYPE_CHECKING:
    from rdkit import Chem

    from structkit.energy.prepare import PreparedComplex

__all__ = ["VINA_SEED", "Box", "VinaReceptor", "as_triple", "search_threads"]

#: Seed of every Vina search.
VINA_SEED = 20261207
_SPACING = 0.375


@dataclass(frozen=True)
class Box:
    """A search box: centre and edge lengths (Å)."""

    center: tuple[float, float, float]
    size: tuple[float, float, float]

    @classmethod
    def around(cls, coords: np.ndarray, margin: float = 8.0, minimum: float = 22.0) -> Box:
        """A box around coordinates with ``margin`` on every side and edges at least ``minimum``."""
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        centre = (lo + hi) / 2
        size = np.maximum(hi - lo + 2 * margin, minimum)
        return cls(as_triple(centre), as_triple(size))


@contextmanager
def _quiet() -> Iterator[None]:
    """Vina's C++ code prints notices (a search box over 27,000 cubic Å, which the refinement box
    around several templates' ligands often is) to the process's standard output and error, where
    they would break a command's JSON and bury its one line: both go to /dev/null while it runs.
    Vina's errors still arrive, as Python exceptions."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    try:
        with open(os.devnull, "w") as null:
            for fd in saved:
                os.dup2(null.fileno(), fd)
            yield
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)


def search_threads() -> int:
    """Threads of Vina's docking search: ``OMP_NUM_THREADS`` where it is set to a whole number
    (structkit's Dask workers set 1, so that two workers do not each take every core), else the
    CPUs this process may run on."""
    text = os.environ.get("OMP_NUM_THREADS", "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def as_triple(values: np.ndarray) -> tuple[float, float, float]:
    """Three coordinates as plain floats rounded to 1e-3 Å."""
    x, y, z = (round(float(v), 3) for v in values)
    return x, y, z


class VinaReceptor:
    """A receptor with Vina's maps computed over one box, for refining and docking compounds.

    Parameters
    ----------
    prepared : PreparedComplex
        The protonated receptor (its inhibitor, if any, is not part of the receptor).
    box : Box
    function : {"vina", "vinardo"}
    threads : int, optional
        Threads of the docking search (default :func:`search_threads`); the poses are the same
        whatever their number.
    """

    def __init__(self, prepared: PreparedComplex, box: Box, function: str = "vina", *,
                 threads: int | None = None) -> None:
        from vina import Vina

        self.box = box
        self.function = function
        coords = np.round(prepared.coords, 3)
        text = pdbqt_text(prepared.element, coords, xs_types(prepared.element, coords), ligand=False)
        self._vina = Vina(sf_name=function, cpu=threads or search_threads(), seed=VINA_SEED, verbosity=0)
        with tempfile.TemporaryDirectory(prefix="structkit-vina-") as folder:
            path = Path(folder) / "receptor.pdbqt"
            path.write_text(text)
            self._vina.set_receptor(str(path))
        self._maps_for: str | None = None

    def _set_ligand(self, text: str) -> None:
        """Give Vina the ligand, and compute the maps of its atom types where the last ligand's
        maps were for another molecule (Vina computes only the types of the ligand it holds)."""
        self._vina.set_ligand_from_string(text)
        topology = _topology(text)
        if topology != self._maps_for:
            with _quiet():
                self._vina.compute_vina_maps(center=list(self.box.center), box_size=list(self.box.size),
                                             spacing=_SPACING)
            self._maps_for = topology

    def refine(self, mol: Chem.Mol, conformer_id: int = -1) -> tuple[float, Chem.Mol]:
        """Local optimisation of one pose.

        Parameters
        ----------
        mol : rdkit.Chem.Mol
            The compound with hydrogens and the pose as a conformer.
        conformer_id : int

        Returns
        -------
        energy : float
            Vina's energy of the refined pose (kcal/mol).
        pose : rdkit.Chem.Mol
            Heavy-atom molecule (atoms in ``mol``'s heavy-atom order) with the refined coordinates.
        """
        self._set_ligand(_ligand_pdbqt(mol, conformer_id))
        energy = float(self._vina.optimize()[0])
        with tempfile.TemporaryDirectory(prefix="structkit-vina-") as folder:
            path = Path(folder) / "pose.pdbqt"
            self._vina.write_pose(str(path), overwrite=True)
            text = path.read_text()
        return energy, _read_back(text, mol)[0]

    def dock(self, mol: Chem.Mol, *, exhaustiveness: int = 8,
             n_poses: int = 9) -> list[tuple[float, Chem.Mol]]:
        """Dock the compound in the box from a random start.

        Parameters
        ----------
        mol : rdkit.Chem.Mol
            The compound with hydrogens and one 3D conformer (any placement).
        exhaustiveness, n_poses : int
            Vina's search settings.

        Returns
        -------
        list of (energy, heavy-atom pose)
            Best first.
        """
        self._set_ligand(_ligand_pdbqt(mol, -1))
        with _quiet():
            self._vina.dock(exhaustiveness=exhaustiveness, n_poses=n_poses)
        text = self._vina.poses(n_poses=n_poses, energy_range=6.0)
        energies = self._vina.energies(n_poses=n_poses, energy_range=6.0)[:, 0]
        return list(zip((float(e) for e in energies), _read_back(text, mol)))


def _topology(pdbqt: str) -> str:
    """A PDBQT ligand without its coordinates: the atoms, their types and the torsion tree, which
    fix the atom types Vina needs maps of."""
    return "\n".join(line[:30] + line[54:] if line.startswith(("ATOM", "HETATM")) else line
                     for line in pdbqt.splitlines())


def _ligand_pdbqt(mol: Chem.Mol, conformer_id: int) -> str:
    from meeko import MoleculePreparation, PDBQTWriterLegacy
    from rdkit import Chem

    single = Chem.Mol(mol, confId=conformer_id) if conformer_id >= 0 else Chem.Mol(mol)
    setups = MoleculePreparation().prepare(single)
    text, ok, message = PDBQTWriterLegacy.write_string(setups[0])
    if not ok:
        raise StructkitError(f"Meeko cannot write the compound for Vina: {message.strip()}")
    return text


def _read_back(text: str, mol: Chem.Mol) -> list[Chem.Mol]:
    """Vina's poses as heavy-atom molecules in ``mol``'s heavy-atom order."""
    from meeko import PDBQTMolecule, RDKitMolCreate
    from rdkit import Chem
    from rdkit.Geometry import Point3D

    heavy = Chem.RemoveHs(mol)
    heavy.RemoveAllConformers()
    out = []
    docked = RDKitMolCreate.from_pdbqt_mol(PDBQTMolecule(text, skip_typing=True))[0]
    for conformer in docked.GetConformers():
        single = Chem.RemoveHs(Chem.Mol(docked, confId=conformer.GetId()))
        order = single.GetSubstructMatch(heavy, useChirality=True) or single.GetSubstructMatch(heavy)
        if len(order) != heavy.GetNumAtoms():
            raise StructkitError("Vina's pose does not map back onto the compound's atoms")
        xyz = single.GetConformer().GetPositions()[list(order)]
        pose = Chem.Mol(heavy)
        new = Chem.Conformer(pose.GetNumAtoms())
        for k, p in enumerate(xyz):
            new.SetAtomPosition(k, Point3D(*map(float, p)))
        new.Set3D(True)
        pose.AddConformer(new, assignId=True)
        Chem.AssignStereochemistryFrom3D(pose)
        out.append(pose)
    return out
