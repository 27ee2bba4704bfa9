"""Steric and distance features of mutation sites against the bound inhibitor.

One row per (structure, site). The work is split in two so that a crystal structure and every
frame of a trajectory go through the same kernels:

- :class:`FeatureContext` holds the topology of one complex (which atoms belong to which site,
  side-chain masks, radii, polar atoms and their bonded neighbours, the inhibitor's chemistry);
- :func:`frame_features` takes that context and one frame's coordinates (protein and inhibitor
  arrays) and returns the numeric features as arrays, one value per site.

Columns (units in their names; Å for distances, Å² for areas)
--------------------------------------------------------------
``min_heavy_distance_A``
    Shortest distance between any heavy atom of the residue and any inhibitor heavy atom.
``min_sidechain_distance_A``
    The same from side-chain atoms (beyond CA); NaN for glycine.
``ca_distance_A``, ``cb_distance_A``
    From the residue's CA (CB) to the nearest inhibitor heavy atom.
``inhibitor_atoms_within_4.0_A`` (4.5, 6.0)
    Inhibitor heavy atoms within that distance of any heavy atom of the residue.
``sasa_apo_A2``, ``sasa_holo_A2``, ``rel_sasa_apo``, ``rel_sasa_holo``
    Residue SASA of the protein chain alone and with the inhibitor (Shrake-Rupley, Bondi radii,
    probe 1.4 Å, 100 points); relative to the Tien et al. 2013 maximum.
``buried_area_A2``
    ``sasa_apo - sasa_holo``: the residue area the inhibitor buries.
``interface_buried_area_A2``
    Whole-complex buried area: SASA(protein) + SASA(inhibitor) - SASA(complex) (per structure).
``hbonds_to_inhibitor``, ``hbond_partners``
    Heavy-atom hydrogen bonds (:mod:`structkit.geometry.hbonds`) between residue and inhibitor.
``interaction_types``
    The typed interactions the residue makes with the inhibitor (``;``-joined, e.g.
    ``hydrophobic;hbond_donor``; see :mod:`structkit.analysis.measure.interactions`).
``sidechain_to_pocket_centre_A``, ``sidechain_orientation_cos``
    Side-chain centroid (heavy atoms beyond CA) to the pocket centre, and the cosine between
    CA->centroid and CA->pocket centre (1: pointing into the pocket).
``sidechain_to_<SP>_A``
    Side-chain centroid to the KinFragLib subpocket centres AP, FP, SE, GA, B1, B2.

Where a value cannot be computed it is NaN and ``reason`` says why (no inhibitor, residue without
coordinates, glycine, missing atoms, missing anchor residues).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from structkit.analysis.measure.interactions import INTERACTION_TYPES, interaction_table
from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.geometry.distances import count_within_by_group, min_distance_by_group
from structkit.geometry.hbonds import hbond_pairs
from structkit.geometry.pocket import centroid, orientation_cosine
from structkit.geometry.radii import atom_radii, max_asa
from structkit.geometry.sasa import DEFAULT_PROBE, group_sum, sasa_of_atoms, shrake_rupley
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.ligand import LigandChemistry, inhibitor_chemistry
from structkit.model.numbering import klifs_region_of
from structkit.model.pocket import SUBPOCKETS, pocket_centres, subpocket_anchors
from structkit.model.polar import protein_polar_atoms
from structkit.model.residues import MODIFIED_PARENT
from structkit.model.sites import klifs_column, regions_of, site_klifs_positions, site_numbers

__all__ = [
    "CONTACT_CUTOFFS",
    "FEATURE_COLUMNS",
    "FeatureContext",
    "feature_table",
    "frame_features",
    "site_features",
]

CONTACT_CUTOFFS = (4.0, 4.5, 6.0)
_BACKBONE = ("N", "CA", "C", "O", "OXT")
_SEARCH = 12.0  # distances beyond this are computed exactly but searched only when needed

_NUMERIC = [
    "min_heavy_distance_A", "min_sidechain_distance_A", "ca_distance_A", "cb_distance_A",
    *[f"inhibitor_atoms_within_{c:.1f}_A" for c in CONTACT_CUTOFFS],
    "sasa_apo_A2", "sasa_holo_A2", "rel_sasa_apo", "rel_sasa_holo", "buried_area_A2",
    "interface_buried_area_A2", "hbonds_to_inhibitor",
    "sidechain_to_pocket_centre_A", "sidechain_orientation_cos",
    *[f"sidechain_to_{sp}_A" for sp in SUBPOCKETS],
]

#: Columns of :func:`site_features` and :func:`feature_table`, in order.
FEATURE_COLUMNS = [
    "pdb_id", "chain", "ligand", "drug", "uniprot", "wild_type", "residue", "mutated",
    "review_regions", "klifs_position", "klifs_region", *_NUMERIC, "hbond_partners",
    "interaction_types", "n_missing_atoms", "missing_atoms", "n_altloc_atoms", "reason",
]


@dataclass
class FeatureContext:
    """Topology of one complex for the feature kernels (built once, used for every frame)."""

    complex_: Complex
    sites: list[int]
    rows: np.ndarray  # residue row of each site, -1 if absent
    heavy: np.ndarray  # protein atom indices of heavy atoms
    residue_of_heavy: np.ndarray  # residue row of each heavy atom
    sidechain: np.ndarray  # bool over heavy atoms: beyond CA
    ca_index: np.ndarray  # per site: protein atom index of CA (-1)
    cb_index: np.ndarray
    radii_protein: np.ndarray  # radii of heavy protein atoms
    radii_ligand: np.ndarray
    ligand_heavy: np.ndarray  # inhibitor atom indices of heavy atoms
    chemistry: LigandChemistry | None
    donor: np.ndarray  # over protein heavy atoms
    acceptor: np.ndarray
    antecedents: list[np.ndarray]  # over protein heavy atoms, indices into heavy
    n_residues: int

    @classmethod
    def build(cls, complex_: Complex, sites: Sequence[int] | None = None) -> FeatureContext:
        """Prepare the topology of ``complex_`` for the given UniProt sites (default: review sites)."""
        sites, _ = site_numbers(complex_, sites)
        for s in sites:
            if not complex_.reference.residue(int(s)) and complex_.residues.index_of(int(s)) < 0:
                name = complex_.kinase or "the"
                raise StructkitError(f"site {s} is outside the {name} reference sequence")
        protein = complex_.protein
        res = complex_.residues
        heavy = np.flatnonzero(~protein.is_hydrogen)
        starts_all = res.start
        residue_of_atom = np.repeat(np.arange(len(res)), res.stop - res.start)
        rows = np.array([res.index_of(int(s)) for s in sites], dtype=np.int64)
        names = protein.name
        sidechain = ~np.isin(names[heavy], _BACKBONE)
        ca_index = np.full(len(sites), -1, dtype=np.int64)
        cb_index = np.full(len(sites), -1, dtype=np.int64)
        for k, row in enumerate(rows):
            if row < 0:
                continue
            a, b = res.start[row], res.stop[row]
            for target, name in ((ca_index, "CA"), (cb_index, "CB")):
                hit = np.flatnonzero(names[a:b] == name)
                if hit.size:
                    target[k] = a + hit[0]
        donor, acceptor, _, ante = protein_polar_atoms(protein, starts_all)
        remap = np.full(len(protein), -1, dtype=np.int64)
        remap[heavy] = np.arange(len(heavy))
        antecedents = [remap[ante[i]] for i in heavy]
        inhibitor = complex_.inhibitor
        ligand_heavy = np.flatnonzero(~inhibitor.is_hydrogen) if len(inhibitor) else np.zeros(0, int)
        chemistry = inhibitor_chemistry(complex_) if len(ligand_heavy) else None
        return cls(
            complex_=complex_, sites=sites, rows=rows, heavy=heavy,
            residue_of_heavy=residue_of_atom[heavy], sidechain=sidechain, ca_index=ca_index,
            cb_index=cb_index, radii_protein=atom_radii(protein.element[heavy]),
            radii_ligand=atom_radii(inhibitor.element[ligand_heavy]), ligand_heavy=ligand_heavy,
            chemistry=chemistry, donor=donor[heavy], acceptor=acceptor[heavy],
            antecedents=antecedents, n_residues=len(res),
        )


def frame_features(ctx: FeatureContext, protein_xyz: np.ndarray, inhibitor_xyz: np.ndarray) -> dict:
    """Numeric features of every site for one set of coordinates.

    Parameters
    ----------
    ctx : FeatureContext
    protein_xyz : ndarray, shape (n_protein_atoms, 3)
        Coordinates of ``ctx.complex_.protein`` (this frame).
    inhibitor_xyz : ndarray, shape (n_inhibitor_atoms, 3)
        Coordinates of ``ctx.complex_.inhibitor`` (this frame).

    Returns
    -------
    dict
        Column name to ndarray (one value per site), plus ``hbond_partners`` (list of str).
    """
    n_sites = len(ctx.sites)
    out: dict[str, Any] = {name: np.full(n_sites, np.nan) for name in _NUMERIC}
    out["hbond_partners"] = [""] * n_sites
    xyz = np.asarray(protein_xyz, dtype=np.float64)[ctx.heavy]
    lig = np.asarray(inhibitor_xyz, dtype=np.float64).reshape(-1, 3)[ctx.ligand_heavy]
    present = ctx.rows >= 0
    rows = np.where(present, ctx.rows, 0)
    has_ligand = len(lig) > 0

    # SASA, protein alone and protein + inhibitor: of the sites' atoms only (each atom's area
    # depends on its neighbours alone), and for the interface of the atoms the inhibitor can touch
    site_atoms = np.flatnonzero(np.isin(ctx.residue_of_heavy, rows[present]))
    site_residue = ctx.residue_of_heavy[site_atoms]
    starts = np.flatnonzero(np.r_[True, site_residue[1:] != site_residue[:-1]]) if len(site_atoms) \
        else np.zeros(0, dtype=np.int64)
    residue_ids = site_residue[starts]
    # a protein atom out of reach of every inhibitor sphere keeps its area exactly
    both = np.vstack([xyz, lig])
    radii = np.concatenate([ctx.radii_protein, ctx.radii_ligand])
    touched = np.zeros(0, dtype=np.int64)
    if has_ligand:
        reach = 2.0 * (float(radii.max()) + DEFAULT_PROBE)
        near = min_distance_by_group(xyz, np.arange(len(xyz)), len(xyz), lig, cutoff=reach)
        touched = np.flatnonzero(near <= reach)
    # one computation per state for the sites' and the touched atoms
    targets = np.union1d(site_atoms, touched)
    apo_targets = sasa_of_atoms(xyz, ctx.radii_protein, targets)
    apo = np.zeros(ctx.n_residues)
    apo[residue_ids] = group_sum(apo_targets[np.searchsorted(targets, site_atoms)], starts)
    resnames = ctx.complex_.residues.resname
    max_area = np.array([max_asa().get(MODIFIED_PARENT.get(r, r), np.nan) for r in resnames])
    out["sasa_apo_A2"] = np.where(present, apo[rows], np.nan)
    out["rel_sasa_apo"] = np.where(present, apo[rows] / max_area[rows], np.nan)
    if not has_ligand:
        return out
    ligand_atoms = np.arange(len(xyz), len(both))
    holo_targets = sasa_of_atoms(both, radii, np.concatenate([targets, ligand_atoms]))
    holo = np.zeros(ctx.n_residues)
    holo[residue_ids] = group_sum(holo_targets[np.searchsorted(targets, site_atoms)], starts)
    out["sasa_holo_A2"] = np.where(present, holo[rows], np.nan)
    out["rel_sasa_holo"] = np.where(present, holo[rows] / max_area[rows], np.nan)
    out["buried_area_A2"] = out["sasa_apo_A2"] - out["sasa_holo_A2"]
    at_touched = np.searchsorted(targets, touched)
    buried = (apo_targets[at_touched].sum()
              - np.concatenate([holo_targets[at_touched], holo_targets[len(targets):]]).sum()
              + shrake_rupley(lig, ctx.radii_ligand).sum())
    out["interface_buried_area_A2"] = np.full(n_sites, buried)

    # distances and contacts, grouped by residue
    groups = ctx.residue_of_heavy
    n_res = ctx.n_residues
    dmin = min_distance_by_group(xyz, groups, n_res, lig, cutoff=_SEARCH)
    far = present & ~np.isfinite(dmin[rows])
    if far.any():  # beyond the search radius: compute exactly for those residues only
        dmin_all = min_distance_by_group(xyz, groups, n_res, lig)
        dmin = np.where(np.isfinite(dmin), dmin, dmin_all)
    side = ctx.sidechain
    dside = min_distance_by_group(xyz[side], groups[side], n_res, lig)
    counts = count_within_by_group(xyz, groups, n_res, lig, CONTACT_CUTOFFS)
    out["min_heavy_distance_A"] = np.where(present, dmin[rows], np.nan)
    out["min_sidechain_distance_A"] = np.where(present & np.isfinite(dside[rows]), dside[rows], np.nan)
    for k, c in enumerate(CONTACT_CUTOFFS):
        out[f"inhibitor_atoms_within_{c:.1f}_A"] = np.where(present, counts[rows, k], np.nan)
    full = np.asarray(protein_xyz, dtype=np.float64)
    for name, index in (("ca_distance_A", ctx.ca_index), ("cb_distance_A", ctx.cb_index)):
        ok = index >= 0
        if ok.any():
            diff = full[index[ok]][:, None, :] - lig[None, :, :]
            out[name][ok] = np.sqrt((diff**2).sum(-1)).min(axis=1)

    # hydrogen bonds between each site and the inhibitor
    chem = ctx.chemistry
    if chem is not None:
        partners: dict[int, list[str]] = {}
        lig_names = ctx.complex_.inhibitor.name[ctx.ligand_heavy]
        prot_names = ctx.complex_.protein.name[ctx.heavy]
        lig_ante = [lig[nb] for nb in chem.neighbors]
        d_idx = np.flatnonzero(ctx.donor)
        a_idx = np.flatnonzero(chem.acceptor)
        i, j, _ = hbond_pairs(xyz[d_idx], [xyz[ctx.antecedents[k]] for k in d_idx],
                              lig[a_idx], [lig_ante[k] for k in a_idx])
        for a, b in zip(d_idx[i], a_idx[j]):
            partners.setdefault(int(groups[a]), []).append(f"{prot_names[a]}->{lig_names[b]}")
        d_idx = np.flatnonzero(chem.donor)
        a_idx = np.flatnonzero(ctx.acceptor)
        i, j, _ = hbond_pairs(lig[d_idx], [lig_ante[k] for k in d_idx],
                              xyz[a_idx], [xyz[ctx.antecedents[k]] for k in a_idx])
        for a, b in zip(d_idx[i], a_idx[j]):
            partners.setdefault(int(groups[b]), []).append(f"{prot_names[b]}<-{lig_names[a]}")
        out["hbonds_to_inhibitor"] = np.where(
            present, [len(partners.get(int(r), [])) for r in rows], np.nan)
        out["hbond_partners"] = [";".join(sorted(partners.get(int(r), []))) if p else ""
                                 for r, p in zip(rows, present)]
    return out


def _pocket_columns(ctx: FeatureContext, protein_xyz: np.ndarray) -> dict:
    """Side-chain centroid distances to the pocket and subpocket centres (coordinates-dependent)."""
    n_sites = len(ctx.sites)
    out = {name: np.full(n_sites, np.nan) for name in
           ["sidechain_to_pocket_centre_A", "sidechain_orientation_cos",
            *[f"sidechain_to_{sp}_A" for sp in SUBPOCKETS]]}
    complex_ = ctx.complex_
    if not np.allclose(protein_xyz, complex_.protein.coords):
        complex_ = _with_coords(complex_, protein_xyz)
    centres = pocket_centres(complex_)
    xyz = np.asarray(protein_xyz, dtype=np.float64)[ctx.heavy]
    for k, row in enumerate(ctx.rows):
        if row < 0:
            continue
        sel = (ctx.residue_of_heavy == row) & ctx.sidechain
        if not sel.any():
            continue
        tip = centroid(xyz[sel])
        out["sidechain_to_pocket_centre_A"][k] = np.linalg.norm(tip - centres["pocket"])
        if ctx.ca_index[k] >= 0:
            ca = np.asarray(protein_xyz)[ctx.ca_index[k]]
            out["sidechain_orientation_cos"][k] = orientation_cosine(ca, tip, centres["pocket"])
        for sp in SUBPOCKETS:
            out[f"sidechain_to_{sp}_A"][k] = np.linalg.norm(tip - centres[sp])
    return out


def _with_coords(complex_: Complex, protein_xyz: np.ndarray) -> Complex:
    from dataclasses import replace

    atoms = complex_.protein
    moved = type(atoms)(**{**atoms.__dict__, "coords": np.asarray(protein_xyz, dtype=np.float64)})
    return replace(complex_, protein=moved)


def _reasons(ctx: FeatureContext, values: dict) -> list[str]:
    complex_ = ctx.complex_
    res = complex_.residues
    anchors_missing = [sp for sp in SUBPOCKETS if np.isnan(values[f"sidechain_to_{sp}_A"]).all()]
    out = []
    for k, row in enumerate(ctx.rows):
        why = []
        if row < 0:
            why.append("residue has no coordinates")
        else:
            if not len(complex_.inhibitor):
                why.append("no inhibitor (apo structure)")
            if res.resname[row] == "GLY":
                why.append("glycine: no side chain")
            if res.missing_atoms[row]:
                why.append("missing atoms: " + " ".join(res.missing_atoms[row]))
            if ctx.ca_index[k] < 0:
                why.append("no CA atom")
            if ctx.cb_index[k] < 0 and res.resname[row] != "GLY":
                why.append("no CB atom")
            if anchors_missing and res.resname[row] != "GLY":
                needed = sorted({a for sp in anchors_missing for a in subpocket_anchors()[sp]})
                why.append(f"subpocket anchors missing ({', '.join(anchors_missing)}; KLIFS {needed})")
        out.append("; ".join(why))
    return out


def _interaction_types(complex_: Complex, sites: Sequence[int]) -> list[str]:
    """The typed interactions each site makes with the inhibitor, ``;``-joined in type order."""
    if len(complex_.inhibitor) == 0:
        return [""] * len(sites)
    table = interaction_table(complex_)
    made: dict[int, set[str]] = {}
    for number, kind in zip(table["uniprot"], table["type"]):
        if number is not pd.NA:
            made.setdefault(int(number), set()).add(kind)
    return [";".join(t for t in INTERACTION_TYPES if t in made.get(int(s), ())) for s in sites]


def site_features(complex_: Complex, sites: Sequence[int] | None = None) -> pd.DataFrame:
    """Feature table of one structure: one row per site (default: every review site).

    Parameters
    ----------
    complex_ : Complex
    sites : sequence of int, optional
        UniProt numbers.

    Returns
    -------
    DataFrame
        Columns :data:`FEATURE_COLUMNS` (see the module docstring).
    """
    ctx = FeatureContext.build(complex_, sites)
    values = frame_features(ctx, complex_.protein.coords, complex_.inhibitor.coords)
    values.update(_pocket_columns(ctx, complex_.protein.coords))
    res = complex_.residues
    rows = ctx.rows
    present = rows >= 0
    frame = pd.DataFrame({
        "pdb_id": complex_.pdb_id or "",
        "chain": complex_.chain,
        "ligand": complex_.ligand or "",
        "drug": complex_.drug or "",
        "uniprot": ctx.sites,
        "wild_type": [complex_.reference.residue(int(s)) for s in ctx.sites],
        "residue": [str(res.one_letter[r]) if p else "" for r, p in zip(rows, present)],
    })
    frame["mutated"] = (frame["residue"] != "") & (frame["residue"] != frame["wild_type"])
    _, alk_sites = site_numbers(complex_, list(ctx.sites))
    frame["review_regions"] = [";".join(regions_of(a)) if a is not None else "" for a in alk_sites]
    positions = site_klifs_positions(complex_, ctx.sites)
    frame["klifs_position"] = klifs_column(positions)
    frame["klifs_region"] = [klifs_region_of(int(p)) for p in positions]
    for name in _NUMERIC:
        frame[name] = values[name]
    frame["hbond_partners"] = values["hbond_partners"]
    frame["interaction_types"] = _interaction_types(complex_, ctx.sites)
    frame["n_missing_atoms"] = [len(res.missing_atoms[r]) if p else 0 for r, p in zip(rows, present)]
    frame["missing_atoms"] = [" ".join(res.missing_atoms[r]) if p else "" for r, p in zip(rows, present)]
    frame["n_altloc_atoms"] = [int(res.n_altloc_atoms[r]) if p else 0 for r, p in zip(rows, present)]
    frame["reason"] = _reasons(ctx, values)
    return frame[FEATURE_COLUMNS]


def feature_table(
    ids: Iterable[str],
    sites: Sequence[int] | None = None,
    *,
    failures: dict[str, str] | None = None,
    engine: Engine | None = None,
    options: LoadOptions | None = None,
) -> pd.DataFrame:
    """Feature table of many structures (one row per structure and site).

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files.
    sites : sequence of int, optional
        UniProt numbers (default: every review site).
    failures : dict, optional
        Collect the structures that fail here and go on (see
        :func:`~structkit.analysis.parallel.batch.map_structures`); by default the first failure stops.
    engine : Engine, optional
        Where the tasks (one per structure) run (default: in this process); its progress hears
        ``(done, total, id)`` after each structure.
    options : LoadOptions, optional
        Where the structures come from and how they are read (default: the environment's).

    Returns
    -------
    DataFrame
        Columns :data:`FEATURE_COLUMNS`.
    """
    frames = map_structures(ids, partial(site_features, sites=sites), failures=failures, engine=engine,
                            options=options)
    if not frames:
        return pd.DataFrame(columns=FEATURE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
