"""Co-crystal ligands to place a new compound by: every kinase-inhibitor complex at hand.

A template is one inhibitor in one kinase structure: its heavy-atom molecule with the crystal
coordinates, and the C-alpha atoms of the structure's KLIFS pocket positions, by which any
template is superposed on any receptor (:func:`pocket_frame`), of the same kinase or another.

Where the templates come from (:func:`template_library`):

- every structure file in the mirror folders (for ALK, the 60 entries of ``../shared/structures``);
- where the shared folder is there (:mod:`structkit.io.shared_data`): the eight ABL1 complexes of
  the ABL1 benchmark with their SDF poses, the EGFR drug complexes of the EGFR benchmark (AMP-PNP
  complexes left out) and the KLIFS complexes under ``klifs/HUMAN`` (kinase named by its folder);
- any structure files the caller adds.

Nucleotides (ATP, ADP, AMP-PNP, ...) are not templates, nor is a structure with no inhibitor.
The library is cached in the cache folder under a key made of the package version and the
SHA-256 of every file read, so an edited or added file rebuilds it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform, superpose
from structkit.io.fetch import cache_dir, mirror_dirs
from structkit.io.load import load
from structkit.io.shared_data import ABL_BENCHMARK, EGFR_BENCHMARK, shared_root
from structkit.io.write import write_bytes_atomic
from structkit.model.ligand import inhibitor_chemistry
from structkit.model.nucleotide import is_nucleotide
from structkit.model.pocket import ca_by_position
from structkit.version import __version__

if TYPE_CHECKING:
    from rdkit import Chem

    from structkit.model.complex import Complex

__all__ = ["ABL1_MODELLED", "FRAME_MIN_POSITIONS", "Template", "TemplateSource", "crystal_smiles",
           "pocket_ca", "pocket_frame", "pose_origin", "sources_digest", "template_library",
           "template_sources"]

#: Inhibitors of the ABL1 benchmark whose pose is not a crystal's: "gefitinib and erlotinib have no
#: ABL1 crystal structure: their poses were docked into ABL1 from 2F4J and 2G1T, so treat them as
#: models" (``benchmarks/abl_hauser2018/SOURCES.md``).
ABL1_MODELLED = ("gefitinib", "erlotinib")
#: Fewest shared KLIFS C-alpha atoms a superposition is made on.
FRAME_MIN_POSITIONS = 20
#: C-alpha atoms further apart than this after a first fit are left out of the second (Å).
FRAME_OUTLIER = 2.0
_STRUCTURE_SUFFIXES = (".pdb", ".cif", ".ent", ".mmcif", ".pdb.gz", ".cif.gz")
_KLIFS_FOLDER = "klifs/HUMAN"


@dataclass(frozen=True)
class TemplateSource:
    """A structure file (and its ligand file) a template is read from."""

    label: str
    structure: str
    kinase: str | None = None
    ligand_file: str | None = None
    drug: str | None = None


@dataclass(frozen=True)
class Template:
    """One co-crystal inhibitor, its coordinates and its structure's pocket C-alpha atoms.

    Attributes
    ----------
    label : str
        The entry ID, or a name for a file (``ABL1 imatinib 2HYY``).
    kinase : str
        The kinase (``ALK``, ``ABL1``, ``EGFR``, a KLIFS folder's name).
    ligand : str
        The inhibitor's residue name.
    drug : str or None
        Its drug name where known.
    mol : rdkit.Chem.Mol
        Heavy-atom molecule with its crystal conformer.
    smiles : str
        Canonical isomeric SMILES, stereo read off the crystal coordinates.
    positions : ndarray of int
        KLIFS positions with a C-alpha atom.
    ca : ndarray, shape (n, 3)
        Their C-alpha coordinates.
    source : TemplateSource
        Where it was read.
    """

    label: str
    kinase: str
    ligand: str
    drug: str | None
    mol: Chem.Mol = field(repr=False)
    smiles: str
    positions: np.ndarray = field(repr=False)
    ca: np.ndarray = field(repr=False)
    source: TemplateSource = field(repr=False)

    def load_complex(self, *, keep_hydrogens: bool = False) -> Complex:
        """The template's structure, loaded as it was for the library."""
        return load(self.source.structure, ligand_file=self.source.ligand_file,
                    keep_hydrogens=keep_hydrogens, ligand=None if self.source.ligand_file else self.ligand)


def pose_origin(template: Template) -> str:
    """``"crystal"``, or ``"docked model"`` for a benchmark complex whose inhibitor was docked
    (:data:`ABL1_MODELLED`)."""
    folder = shared_root() / ABL_BENCHMARK
    from_benchmark = Path(template.source.structure).parent == folder.resolve()
    return "docked model" if from_benchmark and template.drug in ABL1_MODELLED else "crystal"


def pocket_ca(complex_: Complex) -> tuple[np.ndarray, np.ndarray]:
    """KLIFS positions with a C-alpha atom, and those atoms' coordinates."""
    by_position = ca_by_position(complex_)
    positions = np.array(sorted(by_position), dtype=np.int64)
    coords = np.array([by_position[p] for p in positions], dtype=np.float64).reshape(-1, 3)
    return positions, coords


def pocket_frame(mobile: tuple[np.ndarray, np.ndarray], target: tuple[np.ndarray, np.ndarray],
                 label: str = "template") -> tuple[np.ndarray, np.ndarray, float]:
    """The rotation and translation that put one pocket on another, by their shared KLIFS C-alphas.

    A first least-squares fit on every shared position, a second on those within
    :data:`FRAME_OUTLIER` of their partner after the first (a moved glycine loop or αC does not
    tilt the frame), provided :data:`FRAME_MIN_POSITIONS` remain.

    Parameters
    ----------
    mobile, target : (positions, coordinates)
        From :func:`pocket_ca`.
    label : str
        For the error message.

    Returns
    -------
    rotation : ndarray, shape (3, 3)
    translation : ndarray, shape (3,)
    rmsd : float
        C-alpha RMSD of the positions the second fit used (Å).

    Raises
    ------
    StructkitError
        Fewer than :data:`FRAME_MIN_POSITIONS` shared positions.
    """
    common, i, j = np.intersect1d(mobile[0], target[0], return_indices=True)
    if len(common) < FRAME_MIN_POSITIONS:
        raise StructkitError(f"{label}: only {len(common)} KLIFS pocket C-alpha atoms shared with the "
                             f"receptor (at least {FRAME_MIN_POSITIONS} are needed to superpose the pockets)")
    a, b = mobile[1][i], target[1][j]
    rotation, translation = superpose(a, b)
    close = np.linalg.norm(apply_transform(a, rotation, translation) - b, axis=1) < FRAME_OUTLIER
    if close.sum() >= FRAME_MIN_POSITIONS:
        a, b = a[close], b[close]
        rotation, translation = superpose(a, b)
    moved = apply_transform(a, rotation, translation)
    return rotation, translation, float(np.sqrt(((moved - b) ** 2).sum(axis=1).mean()))


def template_sources(mirrors: Iterable[str | os.PathLike] | None = None,
                     extra: Iterable[str | os.PathLike] = (), *, shared: bool = True) -> list[TemplateSource]:
    """The files the library reads, in a fixed order (see the module notes).

    Parameters
    ----------
    mirrors : paths, optional
        Mirror folders (with ``STRUCTKIT_MIRROR``'s).
    extra : paths
        More structure files with a bound inhibitor.
    shared : bool
        Add the shared folder's benchmark and KLIFS complexes when it exists.
    """
    out: list[TemplateSource] = []
    for folder in mirror_dirs(mirrors):
        for path in sorted(folder.iterdir()):
            if path.name.lower().endswith(_STRUCTURE_SUFFIXES):
                out.append(TemplateSource(path.name.split(".")[0].upper(), str(path.resolve())))
    for given in extra:
        path = Path(given).expanduser()
        if not path.is_file():
            raise StructkitError(f"{given}: no such template structure file")
        out.append(TemplateSource(path.name, str(path.resolve())))
    root = shared_root()
    if shared and root.is_dir():
        abl = root / ABL_BENCHMARK
        for complex_path in sorted(abl.glob("*_complex.pdb")):
            drug, entry = complex_path.name.split("_")[:2]
            out.append(TemplateSource(f"{entry.upper()} ({drug})", str(complex_path.resolve()), "ABL1",
                                      str(complex_path.with_name(f"{drug}_{entry}_ligand.sdf").resolve()),
                                      drug))
        egfr = root / EGFR_BENCHMARK
        table = egfr / "structures.csv"
        if table.is_file():
            seen: set[str] = set()
            with table.open() as handle:
                for row in csv.DictReader(handle):
                    if row["binding_mode"] == "ATP analogue" or row["pdb_id"] in seen:
                        continue
                    seen.add(row["pdb_id"])
                    out.append(TemplateSource(row["pdb_id"], str((egfr / row["file"]).resolve()), "EGFR",
                                              drug=row["drug"].split(" (")[0]))
        klifs = root / _KLIFS_FOLDER
        if klifs.is_dir():
            for path in sorted(klifs.glob("*/*/complex.pdb")):
                kinase, entry = path.parts[-3], path.parts[-2]
                out.append(TemplateSource(f"{entry.split('_')[0].upper()} {kinase} ({entry})",
                                          str(path.resolve()), kinase))
    return out


def template_library(mirrors: Iterable[str | os.PathLike] | None = None,
                     extra: Iterable[str | os.PathLike] = (), *, shared: bool = True,
                     cache: str | os.PathLike | None = None) -> list[Template]:
    """Every template at hand (see the module notes), cached by version and file contents.

    Parameters
    ----------
    mirrors, extra, shared
        As for :func:`template_sources`.
    cache : path, optional
        Cache folder (default ``STRUCTKIT_CACHE``).

    Returns
    -------
    list of Template
        One per distinct (kinase, entry, inhibitor), in the sources' order.
    """
    sources = template_sources(mirrors, extra, shared=shared)
    path = cache_dir(cache) / "templates" / f"{sources_digest(sources)[:32]}.pkl"
    if path.is_file():
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # an unreadable cache file is rebuilt
            pass
    library = _build(sources)
    write_bytes_atomic(path, pickle.dumps(library))
    return library


def crystal_smiles(mol: Chem.Mol) -> tuple[Chem.Mol, str]:
    """A copy of a crystal ligand with its stereo read off its coordinates, and its SMILES (the
    SMILES a chemist draws of it)."""
    from rdkit import Chem

    out = Chem.Mol(mol)
    Chem.AssignStereochemistryFrom3D(out)
    return out, Chem.MolToSmiles(out)


def sources_digest(sources: list[TemplateSource]) -> str:
    """SHA-256 of the package version, the sources and every file they read."""
    digest = hashlib.sha256(f"templates {__version__}\n".encode())
    for source in sources:
        digest.update(repr(source).encode())
        for path in (source.structure, source.ligand_file):
            if path:
                digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


def _build(sources: list[TemplateSource]) -> list[Template]:
    out: list[Template] = []
    seen: set[tuple[str, str, str]] = set()
    for source in sources:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                complex_ = load(source.structure, ligand_file=source.ligand_file)
                if complex_.ligand is None or is_nucleotide(complex_.ligand) or not len(complex_.inhibitor):
                    continue
                chemistry = inhibitor_chemistry(complex_)
            except StructkitError:
                continue
        kinase = source.kinase or complex_.kinase or "unknown"
        entry = (complex_.pdb_id or source.label).upper()
        key = (kinase, entry.split()[0], str(complex_.ligand))
        if key in seen:
            continue
        seen.add(key)
        positions, ca = pocket_ca(complex_)
        if len(positions) < FRAME_MIN_POSITIONS:
            continue
        mol, smiles = crystal_smiles(chemistry.mol)
        out.append(Template(label=source.label, kinase=kinase, ligand=str(complex_.ligand),
                            drug=source.drug or complex_.drug, mol=mol, smiles=smiles,
                            positions=positions, ca=ca, source=source))
    return out
