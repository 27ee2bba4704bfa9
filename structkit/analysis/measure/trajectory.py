"""Site features over the frames of an MDAnalysis trajectory, through the same kernels.

The topology is turned into a :class:`~structkit.model.complex.Complex` once (its first frame goes
through the same reader and policies as a crystal structure: numbering, inhibitor choice), the
Universe's atoms are matched to the complex's atoms by residue number and atom name, and then each
frame's coordinates go through :func:`structkit.analysis.measure.features.frame_features`.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from structkit.analysis.measure.features import _NUMERIC, FeatureContext, _pocket_columns, frame_features
from structkit.analysis.measure.interactions import (
    INTERACTION_TYPES,
    KLIFS_TYPES,
    InteractionContext,
    InteractionCriteria,
    detect,
    residue_fields,
)
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.io.read import parse_structure_text
from structkit.model.complex import Complex, build_complex
from structkit.model.sites import as_site_list

if TYPE_CHECKING:
    import MDAnalysis as mda

__all__ = [
    "INTERACTION_FRAME_COLUMNS",
    "complex_from_universe",
    "trajectory_features",
    "trajectory_interactions",
    "trajectory_table",
]

#: Columns of :func:`trajectory_interactions`: one row per frame, residue and interaction type.
INTERACTION_FRAME_COLUMNS = ["frame", "time_ps", "chain", "resnum", "resname", "uniprot", "klifs", "type",
                             "klifs_type", "count", "distance"]


def complex_from_universe(universe: mda.Universe, *, ligand: str | None = None,
                          chain: str | None = None) -> Complex:
    """Build a Complex from the current frame of an MDAnalysis Universe (written as PDB, re-read)."""
    import MDAnalysis as mda

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "frame.pdb"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MDAnalysis notes attributes the topology lacks
            with mda.Writer(str(path), n_atoms=universe.atoms.n_atoms, multiframe=False) as writer:
                writer.write(universe.atoms)
        parsed = parse_structure_text(path.read_text())
    return build_complex(parsed, ligand=ligand, chain=chain)


def _match(complex_: Complex, universe, *extra) -> tuple[np.ndarray, ...]:
    """Universe atom index of every protein and inhibitor atom of the complex (and of each further
    :class:`~structkit.model.atoms.Atoms` given, such as its waters)."""
    atoms = universe.atoms
    key_to_index: dict[tuple, int] = {}
    for k, (resid, resname, name) in enumerate(zip(atoms.resids, atoms.resnames, atoms.names)):
        key_to_index.setdefault((int(resid), str(resname), str(name)), k)

    def lookup(part) -> np.ndarray:
        out = np.empty(len(part), dtype=np.int64)
        for k, (resid, resname, name) in enumerate(zip(part.resnum, part.resname, part.name)):
            hit = key_to_index.get((int(resid), str(resname), str(name)))
            if hit is None:
                raise StructkitError(
                    f"trajectory topology has no atom {resname}{resid}:{name} of the complex"
                )
            out[k] = hit
        return out

    return (lookup(complex_.protein), lookup(complex_.inhibitor), *(lookup(part) for part in extra))


def trajectory_features(
    universe: mda.Universe,
    sites: Sequence[int] | None = None,
    *,
    complex_: Complex | None = None,
    ligand: str | None = None,
    start: int | None = None,
    stop: int | None = None,
    step: int | None = None,
    aggregate: bool = False,
) -> pd.DataFrame:
    """Site features for every frame of a trajectory.

    Parameters
    ----------
    universe : MDAnalysis.Universe
        Topology plus trajectory of an ALK kinase complex (residue numbers as in the topology).
    sites : sequence of int, optional
        UniProt numbers (default: every review site).
    complex_ : Complex, optional
        The complex the Universe's atoms correspond to; by default built from the first frame.
    ligand : str, optional
        CCD code of the inhibitor, when the pocket rule should not choose.
    start, stop, step : int, optional
        Frame slice.
    aggregate : bool
        Return per-site mean, standard deviation, minimum and maximum over the frames instead of
        one row per frame and site.

    Returns
    -------
    DataFrame
        ``frame``, ``time_ps``, ``uniprot`` and the numeric feature columns (see
        :mod:`structkit.analysis.measure.features`); aggregated: ``uniprot``, ``n_frames`` and
        ``<column>_mean/_std/_min/_max``.
    """
    trajectory = universe.trajectory
    if complex_ is None:
        trajectory[start or 0]
        complex_ = complex_from_universe(universe, ligand=ligand)
    prot_idx, lig_idx = _match(complex_, universe)
    ctx = FeatureContext.build(complex_, sites)
    rows = _frame_rows(universe, ctx, prot_idx, lig_idx, trajectory[start:stop:step])
    frame = pd.DataFrame(rows, columns=["frame", "time_ps", "uniprot", *_NUMERIC])
    return _aggregate(frame) if aggregate else frame


def trajectory_interactions(
    universe: mda.Universe,
    *,
    complex_: Complex | None = None,
    ligand: str | None = None,
    start: int | None = None,
    stop: int | None = None,
    step: int | None = None,
    criteria: InteractionCriteria | None = None,
) -> pd.DataFrame:
    """The interaction fingerprint of every frame of a trajectory.

    The atoms are typed once (:class:`~structkit.analysis.measure.interactions.InteractionContext`);
    each frame then goes through :func:`~structkit.analysis.measure.interactions.detect` alone. Waters
    and metal ions of the topology take part with their own coordinates in each frame.

    Parameters
    ----------
    universe : MDAnalysis.Universe
    complex_ : Complex, optional
        The complex the Universe's atoms correspond to; by default built from the first frame.
    ligand : str, optional
        CCD code of the inhibitor.
    start, stop, step : int, optional
        Frame slice.
    criteria : InteractionCriteria, optional

    Returns
    -------
    DataFrame
        :data:`INTERACTION_FRAME_COLUMNS`: per frame, residue and type, how many interactions of
        that type the residue makes and the shortest distance.
    """
    if complex_ is None:
        universe.trajectory[start or 0]
        complex_ = complex_from_universe(universe, ligand=ligand)
    ctx = InteractionContext.build(complex_, criteria)
    indices = _interaction_indices(complex_, ctx, universe)
    return pd.DataFrame(_interaction_rows(universe, ctx, indices, universe.trajectory[start:stop:step]),
                        columns=INTERACTION_FRAME_COLUMNS)


def _interaction_indices(complex_: Complex, ctx: InteractionContext, universe) -> tuple[np.ndarray, ...]:
    return _match(complex_, universe, complex_.waters[ctx.waters], complex_.additives[ctx.metals])


def _interaction_rows(universe, ctx: InteractionContext, indices: tuple[np.ndarray, ...],
                      frames) -> list[dict]:
    prot_idx, lig_idx, water_idx, metal_idx = indices
    rows = []
    for ts in frames:
        positions = universe.atoms.positions.astype(np.float64)
        found = detect(ctx, positions[prot_idx], positions[lig_idx], positions[water_idx],
                       positions[metal_idx])
        if len(found.kind) == 0:
            continue
        order = np.lexsort((found.distance, found.kind, found.residue))
        kind, residue, distance = found.kind[order], found.residue[order], found.distance[order]
        first = np.r_[True, (kind[1:] != kind[:-1]) | (residue[1:] != residue[:-1])]
        counts = np.diff(np.r_[np.flatnonzero(first), len(kind)])
        for k, r, d, n in zip(kind[first], residue[first], distance[first], counts):
            name = INTERACTION_TYPES[int(k)]
            fields = residue_fields(ctx, int(r))
            del fields["icode"]
            rows.append({"frame": int(ts.frame), "time_ps": float(ts.time), **fields, "type": name,
                         "klifs_type": name if name in KLIFS_TYPES else None, "count": int(n),
                         "distance": round(float(d), 3)})
    return rows


def _frame_rows(universe, ctx: FeatureContext, prot_idx: np.ndarray, lig_idx: np.ndarray,
                frames) -> list[dict]:
    """One row per frame and site for the frames (an iterable of timesteps) of a Universe."""
    rows = []
    for ts in frames:
        positions = universe.atoms.positions.astype(np.float64)
        protein_xyz = positions[prot_idx]
        values = frame_features(ctx, protein_xyz, positions[lig_idx])
        values.update(_pocket_columns(ctx, protein_xyz))
        for k, site in enumerate(ctx.sites):
            row = {"frame": int(ts.frame), "time_ps": float(ts.time), "uniprot": int(site)}
            row.update({name: float(values[name][k]) for name in _NUMERIC})
            rows.append(row)
    return rows


def _aggregate(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby("uniprot", sort=False)[_NUMERIC]
    stats = grouped.agg(["mean", "std", "min", "max"])
    stats.columns = [f"{col}_{stat}" for col, stat in stats.columns]
    stats.insert(0, "n_frames", frame.groupby("uniprot", sort=False).size())
    return stats.reset_index()


#: Per worker: the open Universe, its atom matches and the context, keyed by both files (path, size
#: and modification time), the complex's full fingerprint (the ligand and the frame it was built
#: from), the sites and the mode, so that nothing is reused for a call that differs in any of them.
_OPENED: dict[tuple, tuple] = {}


def _file_state(path: str) -> tuple[str, int, int]:
    stat = os.stat(path)
    return path, stat.st_size, stat.st_mtime_ns


def _block_rows(frames: list[int], topology: str, trajectory: str, complex_: Complex,
                sites: list[int] | None, interactions: bool = False) -> list[dict]:
    """One task: the rows of a block of frames; the worker opens the files, matches the atoms and
    builds the feature (or interaction) context once, for all the blocks it gets."""
    import MDAnalysis as mda

    key = (_file_state(topology), _file_state(trajectory), complex_.fingerprint(),
           tuple(sites) if sites is not None else None, interactions)
    if key not in _OPENED:
        _OPENED.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            universe = mda.Universe(topology, trajectory)
        if interactions:
            ctx = InteractionContext.build(complex_)
            _OPENED[key] = (universe, ctx, _interaction_indices(complex_, ctx, universe))
        else:
            _OPENED[key] = (universe, FeatureContext.build(complex_, sites), _match(complex_, universe))
    universe, ctx, indices = _OPENED[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MDAnalysis's notes on its own readers
        if interactions:
            return _interaction_rows(universe, ctx, indices, universe.trajectory[frames])
        prot_idx, lig_idx = indices
        return _frame_rows(universe, ctx, prot_idx, lig_idx, universe.trajectory[frames])


def trajectory_table(
    topology: str | os.PathLike,
    trajectory: str | os.PathLike,
    sites: Sequence[int] | None = None,
    *,
    ligand: str | None = None,
    start: int | None = None,
    stop: int | None = None,
    step: int | None = None,
    aggregate: bool = False,
    engine: Engine | None = None,
    block: int = 100,
    interactions: bool = False,
) -> pd.DataFrame:
    """:func:`trajectory_features` of a topology and trajectory file, in blocks of frames on an engine.

    The complex is built here from the first frame (so a bad topology fails at once); each task
    opens the files in its worker and computes ``block`` frames. The table is the same as
    :func:`trajectory_features` gives, whatever the engine; with ``interactions=True`` it is
    :func:`trajectory_interactions`' per-frame fingerprint instead (``sites`` and ``aggregate``
    then do not apply).

    Raises
    ------
    StructkitError
        A file MDAnalysis cannot read, or a topology whose atoms do not match the complex.
    """
    import MDAnalysis as mda

    topology, trajectory = os.path.abspath(topology), os.path.abspath(trajectory)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            universe = mda.Universe(topology, trajectory)
    except Exception as exc:  # MDAnalysis raises many types for unreadable files
        raise StructkitError(f"{trajectory}: MDAnalysis cannot read it ({exc})") from None
    universe.trajectory[start or 0]
    complex_ = complex_from_universe(universe, ligand=ligand)
    _match(complex_, universe)  # fail here, not in every task
    frames = list(range(len(universe.trajectory)))[start:stop:step]
    blocks = [frames[k:k + block] for k in range(0, len(frames), block)]
    engine = engine or Engine(workers=1)
    sites = as_site_list(sites)
    if interactions:
        InteractionContext.build(complex_)  # an apo topology fails here, not in every task
    with engine, engine.shared(complex_) as shared_complex:
        parts = engine.map(_block_rows, blocks, topology, trajectory, shared_complex, sites, interactions)
    if interactions:
        return pd.DataFrame([row for part in parts for row in part], columns=INTERACTION_FRAME_COLUMNS)
    frame = pd.DataFrame([row for part in parts for row in part],
                         columns=["frame", "time_ps", "uniprot", *_NUMERIC])
    return _aggregate(frame) if aggregate else frame
