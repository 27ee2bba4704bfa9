"""A posed complex as files every command reads: the receptor as PDB and the pose as SDF, cached.

:func:`pose_files` poses a compound once per (compound, kinase, receptor, method, templates,
version) and keeps the two files and the pose's summary in the cache folder (``poses/<key>/``),
so that ``advise``, ``ddg``, ``scan``, ``interactions`` and ``view`` load the posed complex as any
docked pose (``structkit.load(receptor.pdb, ligand_file=pose.sdf)``) and run the same engine and
caches on it. The receptor is written without its own inhibitor, waters and additives
(:func:`structkit.io.write.write_pdb`), so the pose is the only ligand in its pocket.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from structkit.arguments import check_source
from structkit.io.compound import Compound, read_compound
from structkit.io.fetch import cache_dir
from structkit.io.write import write_pdb, write_text_atomic
from structkit.posing.pose import PoseResult, pose, protocol
from structkit.posing.templates import sources_digest, template_library, template_sources
from structkit.version import __version__

__all__ = ["PosedFiles", "pose_files"]


@dataclass(frozen=True)
class PosedFiles:
    """A posed complex on disk.

    Attributes
    ----------
    name : str
        The compound's name.
    structure : Path
        The receptor (PDB, no ligand).
    ligand_file : Path
        The pose (SDF with hydrogens; the pose's summary as properties).
    summary : dict
        :meth:`structkit.posing.pose.PoseResult.summary`.
    """

    name: str
    structure: Path
    ligand_file: Path
    summary: dict


def pose_files(
    compound: str | os.PathLike | Compound,
    *,
    kinase: str = "ALK",
    structure: str | os.PathLike | None = None,
    mirrors: Iterable[str | os.PathLike] | None = None,
    method: str = "auto",
    name: str | None = None,
    cache: str | os.PathLike | None = None,
) -> PosedFiles:
    """Pose a compound (or find its pose in the cache) and return the files of the posed complex.

    Parameters
    ----------
    compound : str, path or Compound
        SMILES, a molecule file, or either after ``NAME=``.
    kinase : str
        The kinase whose structures give the receptor (default ALK).
    structure : str or path, optional
        The receptor instead: an entry ID or a structure file (the cache key holds the file's
        contents).
    mirrors : paths, optional
        Mirror folders (the templates and the entries).
    method : {"auto", "template", "dock"}
    name : str, optional
        The compound's name.
    cache : path, optional
        Cache folder (default ``STRUCTKIT_CACHE``).

    Returns
    -------
    PosedFiles
        The receptor PDB, the pose SDF and the pose's summary.
    """
    if not isinstance(compound, Compound):
        compound = read_compound(check_source(compound, "compound"), name=name)
    mirrors = list(mirrors or [])
    digest = hashlib.sha256(f"pose {__version__}\n{protocol()}\n{compound.smiles}\n{kinase.upper()}\n"
                            f"{method}\n".encode())
    if structure is not None:
        path = Path(structure).expanduser()
        digest.update(path.read_bytes() if path.is_file() else str(structure).upper().encode())
    digest.update(sources_digest(template_sources(mirrors)).encode())
    folder = cache_dir(cache) / "poses" / digest.hexdigest()[:32]
    receptor_path, sdf_path, summary_path = (folder / "receptor.pdb", folder / "pose.sdf",
                                             folder / "summary.json")
    if summary_path.is_file() and receptor_path.is_file() and sdf_path.is_file():
        summary = json.loads(summary_path.read_text())
        return PosedFiles(compound.name, receptor_path, sdf_path, {**summary, "compound": compound.name})
    result: PoseResult = pose(compound, kinase=kinase, structure=structure, mirrors=mirrors, method=method,
                              templates=template_library(mirrors, cache=cache), cache=cache)
    folder.mkdir(parents=True, exist_ok=True)
    write_pdb(result.receptor, receptor_path,
              remarks=[f"receptor of {compound.name}, posed by structkit {__version__}"])
    result.write_sdf(sdf_path)
    summary = result.summary()
    write_text_atomic(summary_path, json.dumps(summary, indent=1, sort_keys=True))  # last: marks it complete
    return PosedFiles(compound.name, receptor_path, sdf_path, summary)
