"""An all-atom, parameterised copy of a complex: the starting point of every relaxed model.

The kinase chain keeps the hydrogens its file has when they are complete (prepared complexes);
otherwise missing heavy atoms are added and the chain is protonated at pH 7 by PDBFixer and OpenMM's
``Modeller.addHydrogens`` with ff14SB (non-standard residues are replaced by their parents). That
takes 10-20 s for a kinase domain, so the protonated chain is cached under ``STRUCTKIT_CACHE``
(``prepared/<checksum>.pdb``) keyed by the input chain, the force field and the package version.
The preparation is deterministic: every random choice PDBFixer and ``Modeller.addHydrogens`` make
is seeded (:data:`PREPARATION_SEED`) and their minimisations run on OpenMM's Reference platform, so
the same input chain gives the same prepared chain, byte for byte, in any process (tested in two
fresh processes with empty caches); :data:`PREPARATION` names this protocol in the cache key.
Waters and additives are left out: the solvent is implicit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from structkit.energy.forcefield import FORCE_FIELD, AtomParameters, atom_parameters, forcefield
from structkit.energy.ligand_parameters import LigandModel, ligand_model, with_magnesium
from structkit.errors import StructkitError
from structkit.io.ccd_store import ccd_from_store, ccd_to_store
from structkit.io.fetch import cache_dir
from structkit.io.write import pdb_text, write_text_atomic
from structkit.model.atoms import Atoms
from structkit.model.complex import Complex
from structkit.model.ligand import inhibitor_chemistry
from structkit.model.nucleotide import MagnesiumSite, ionise_phosphates, is_nucleotide, place_magnesium
from structkit.model.protonation import protonate_basic_amines
from structkit.version import __version__

__all__ = ["PREPARATION", "PREPARATION_SEED", "PreparedComplex", "prepare", "seeded_hydrogens"]


@dataclass
class PreparedComplex:
    """All-atom kinase chain with ff14SB parameters, and the rigid all-atom inhibitor.

    Attributes
    ----------
    label : str
        Entry ID or file name, for messages.
    complex_ : Complex
        The loaded complex it was made from.
    name, resname, element : ndarray of str
        Per atom of the chain.
    coords : ndarray, shape (n, 3)
        Å.
    residue : ndarray of int
        Residue row of each atom (0-based, chain order).
    residue_number : ndarray of int
        Reference number of each residue row.
    residue_start, residue_stop : ndarray of int
        Atom range of each residue row.
    params : AtomParameters
        Per-atom parameters of the chain.
    ligand : LigandModel or None
        The inhibitor (None for an apo structure).
    checksum : str
        SHA-256 of the protonated chain and the ligand, for cache keys.
    magnesium : tuple of MagnesiumSite
        The Mg²⁺ ions of a nucleotide ligand (part of ``ligand``; empty for a drug).
    """

    label: str
    complex_: Complex
    name: np.ndarray
    resname: np.ndarray
    element: np.ndarray
    coords: np.ndarray
    residue: np.ndarray
    residue_number: np.ndarray
    residue_start: np.ndarray
    residue_stop: np.ndarray
    params: AtomParameters
    ligand: LigandModel | None
    checksum: str
    magnesium: tuple[MagnesiumSite, ...] = ()

    def row_of(self, number: int) -> int:
        """Residue row of a reference number (-1 if absent)."""
        hit = np.flatnonzero(self.residue_number == number)
        return int(hit[0]) if hit.size else -1


def _chain_text(complex_: Complex) -> str:
    bare = dataclasses.replace(complex_, inhibitor=Atoms.empty())
    lines = [line for line in pdb_text(bare).splitlines() if line.startswith(("ATOM", "TER"))]
    return "\n".join(lines) + "\nEND\n"


#: Seed of every random choice of the preparation (PDBFixer's integrator, the starting positions
#: ``Modeller.addHydrogens`` draws from Python's ``random``).
PREPARATION_SEED = 20240101
#: The preparation protocol, part of the prepared chain's cache key.
PREPARATION = f"pdbfixer-addhydrogens/private-seeded-generator-reference-platform/{PREPARATION_SEED}"
_PROTONATION = threading.Lock()


@contextmanager
def seeded_hydrogens() -> Iterator[None]:
    """Within the block, ``Modeller.addHydrogens`` draws its hydrogens' starting positions from a
    private generator seeded with :data:`PREPARATION_SEED` (under a lock; Python's global generator,
    which other threads may draw from, is never touched)."""
    import random

    import openmm.app.modeller as modeller_module

    with _PROTONATION:
        shared_generator = modeller_module.random
        modeller_module.random = random.Random(PREPARATION_SEED)
        try:
            yield
        finally:
            modeller_module.random = shared_generator


def _protonate(text: str, label: str) -> str:
    """Missing heavy atoms and pH 7 hydrogens, the same bytes in every process.

    ``Modeller.addHydrogens`` starts the hydrogens it adds from random positions drawn from the
    module-level ``random`` of ``openmm.app.modeller`` (Python's global generator, which any other
    thread of the process, a Dask worker's event loop for one, may draw from at the same time), and
    PDBFixer runs short dynamics. Here the modeller's ``random`` is replaced, for the call and under
    a lock, by a private generator seeded with :data:`PREPARATION_SEED` (the global generator is
    never touched), PDBFixer's integrator is seeded, and both minimisations run on OpenMM's
    Reference platform (double precision, one thread, a fixed order of summation), so the same
    chain gives the same prepared chain. The PDB text rounds coordinates to 0.001 Å.
    """
    import openmm
    from openmm import app
    from pdbfixer import PDBFixer

    reference = openmm.Platform.getPlatformByName("Reference")
    try:
        with seeded_hydrogens():
            fixer = PDBFixer(pdbfile=io.StringIO(text), platform=reference)
            fixer.findMissingResidues()
            fixer.missingResidues = {}
            fixer.findNonstandardResidues()
            fixer.replaceNonstandardResidues()
            fixer.findMissingAtoms()
            fixer.addMissingAtoms(seed=PREPARATION_SEED)
            modeller = app.Modeller(fixer.topology, fixer.positions)
            modeller.addHydrogens(forcefield(), pH=7.0, platform=reference)
    except Exception as exc:  # OpenMM and PDBFixer raise plain exceptions
        raise StructkitError(f"{label}: the chain cannot be protonated ({exc})") from None
    out = io.StringIO()
    app.PDBFile.writeFile(modeller.topology, modeller.positions, out, keepIds=True)
    return out.getvalue()


def _usable(text: str) -> bool:
    """Whether a chain with hydrogens already matches ff14SB templates everywhere."""
    from openmm import app

    if " H" not in text:
        return False
    try:
        atom_parameters(app.PDBFile(io.StringIO(text)).topology)
    except Exception:
        return False
    return True


def prepare(complex_: Complex, *, cache: str | Path | None = None) -> PreparedComplex:
    """Protonate and parameterise a complex (cached).

    Parameters
    ----------
    complex_ : Complex
        Loaded with or without hydrogens (``load(..., keep_hydrogens=True)`` keeps a prepared
        file's own).
    cache : path, optional
        Cache folder (default ``STRUCTKIT_CACHE``).

    Raises
    ------
    StructkitError
        A chain that cannot be protonated, or a ligand MMFF94 cannot type.
    """
    from openmm import app

    label = complex_.pdb_id or (complex_.source.name if complex_.source else "structure")
    text = _chain_text(complex_)
    if not _usable(text):
        heavy = complex_.with_protein(complex_.protein.heavy, complex_.numbering.one_letter)
        key = hashlib.sha256(
            f"{__version__}\n{FORCE_FIELD}\n{PREPARATION}\n{_chain_text(heavy)}".encode()).hexdigest()
        path = cache_dir(cache) / "prepared" / f"{key[:32]}.pdb"
        if path.is_file():
            text = path.read_text()
        else:
            text = _protonate(_chain_text(heavy), label)
            try:
                write_text_atomic(path, text)
            except OSError:
                pass  # an unwritable cache only costs time
    pdb = app.PDBFile(io.StringIO(text))
    topology = pdb.topology
    coords = np.array(pdb.getPositions(asNumpy=True)._value) * 10.0
    atoms = list(topology.atoms())
    residues = list(topology.residues())
    name = np.array([a.name for a in atoms])
    resname = np.array([a.residue.name for a in atoms])
    element = np.array([a.element.symbol if a.element is not None else "X" for a in atoms])
    residue = np.array([a.residue.index for a in atoms])
    start = np.searchsorted(residue, np.arange(len(residues)))
    stop = np.append(start[1:], len(atoms))
    number = np.array([int(r.id) if r.id.lstrip("-").isdigit() else -10**6 for r in residues])
    params = atom_parameters(topology)
    ligand = None
    magnesium: tuple[MagnesiumSite, ...] = ()
    if len(complex_.inhibitor):
        inhibitor = complex_.inhibitor
        ccd_from_store(complex_.ligand, cache)  # a complex built in memory was not loaded through it
        mol = inhibitor_chemistry(complex_).mol
        ccd_to_store(complex_.ligand, cache)  # so that the next process need not build it
        nucleotide = is_nucleotide(complex_.ligand)
        if nucleotide:  # ATP and its analogues: ionised phosphates and their Mg2+ ions
            mol = ionise_phosphates(mol)
        elif complex_.ligand_mol is None:  # CCD chemistry: neutral as deposited
            mol, _ = protonate_basic_amines(mol)
        ligand = ligand_model(mol, label, hydrogens=inhibitor.coords[inhibitor.is_hydrogen])
        if nucleotide:
            magnesium = tuple(place_magnesium(complex_))
            ligand = with_magnesium(ligand, np.array([site.coords for site in magnesium]))
    digest = hashlib.sha256(text.encode())
    if ligand is not None:
        digest.update(ligand.coords.tobytes())
        digest.update(ligand.smiles.encode())
    return PreparedComplex(label=label, complex_=complex_, name=name, resname=resname, element=element,
                           coords=coords, residue=residue, residue_number=number, residue_start=start,
                           residue_stop=stop, params=params, ligand=ligand, checksum=digest.hexdigest(),
                           magnesium=magnesium)
