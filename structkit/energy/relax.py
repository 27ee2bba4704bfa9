"""Relaxed wild-type and mutant complexes: repack a shell of side chains, then minimise them.

For a set of substituted residues (the *site*), the *shell* is the site plus every residue with a
side-chain atom within 6 Å of a site side chain, plus, when the site touches the inhibitor (a site
heavy atom within 5 Å of it), every residue with a side-chain atom within 4.5 Å of the inhibitor and
10 Å of the site. The *region* is every residue with an atom within 8 Å of a shell atom. The shell is
repacked (:mod:`structkit.energy.packing`; the site from the rotamer library with chi1 expanded by
+-15 degrees plus the wild type's own chi angles, the same candidates for the wild type and every
mutant; the rest from the library plus their crystal conformation), then the region is minimised
(:mod:`structkit.energy.minimise`: ff14SB, reaction-field electrostatics with a 10 Å cutoff, at most
100 L-BFGS steps, only the terms that touch a moving atom): the shell's side chains move,
restrained by 2 kcal/mol/Å² to their packed positions, while backbones, the rest of the region and
the inhibitor stay fixed. The wild type goes through exactly the same steps with the same shell and
region.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from structkit.energy.forcefield import AtomParameters
from structkit.energy.hydrogens import (
    amide_hydrogen,
    build_hydrogens,
    element_of,
    hydrogen_names,
    residue_parameters,
)
from structkit.energy.minimise import BACKBONE, minimisation_terms, minimise
from structkit.energy.packing import (
    Conformers,
    PackResult,
    PairTables,
    interaction_tables,
    pack,
    packing_energy,
    self_energies,
)
from structkit.energy.prepare import PreparedComplex
from structkit.errors import StructkitError
from structkit.geometry.neighbors import nearest_distance
from structkit.geometry.sidechain import dihedral
from structkit.model.rotamers import build_sidechains, rotamers, template

__all__ = ["BACKBONE", "Model", "Region", "relax", "select_region"]

_SHELL_A = 6.0
_LIGAND_TOUCH_A = 5.0
_LIGAND_SHELL_A = 4.5
_LIGAND_SITE_A = 10.0
_REGION_A = 8.0


@dataclass(frozen=True)
class Region:
    """Which residue rows are substituted, repacked and included, for one site."""

    site: tuple[int, ...]
    shell: tuple[int, ...]
    rows: tuple[int, ...]


@dataclass
class Model:
    """A relaxed region: atoms, parameters and how it was packed.

    Attributes
    ----------
    names, resnames, elements : ndarray of str
    row : ndarray of int
        Residue row of each atom.
    coords : ndarray, shape (n, 3)
        After minimisation (Å).
    packed : ndarray, shape (n, 3)
        After packing, before minimisation.
    params : AtomParameters
    movable : ndarray of bool
        Atoms the minimisation moved.
    packing, apo_packing : PackResult
        The shell packed with and without the inhibitor.
    strain : float
        Protein-only packing energy of the shell as packed with the inhibitor minus as packed
        without it (kcal/mol, >= 0): what holding the side chains around the drug costs.
    ligand_spread : float
        Boltzmann-weighted standard deviation (kcal/mol) of the site conformers' interaction with
        the inhibitor in the final packing: how much the answer depends on which near-optimal
        conformer the site takes.
    """

    names: np.ndarray
    resnames: np.ndarray
    elements: np.ndarray
    row: np.ndarray
    coords: np.ndarray
    packed: np.ndarray
    params: AtomParameters
    movable: np.ndarray
    packing: PackResult
    apo_packing: PackResult
    strain: float
    ligand_spread: float


def _sidechain_mask(prep: PreparedComplex) -> np.ndarray:
    return ~np.isin(prep.name, BACKBONE) & (prep.element != "H")


def select_region(prep: PreparedComplex, site: list[int]) -> Region:
    """The shell and region around substituted residue rows (see the module docstring)."""
    side = _sidechain_mask(prep)
    heavy = prep.element != "H"
    site_atoms = np.isin(prep.residue, site) & heavy
    site_xyz = prep.coords[site_atoms & side] if (site_atoms & side).any() else prep.coords[site_atoms]
    shell = set(site)
    d = nearest_distance(prep.coords, site_xyz)
    shell |= set(prep.residue[side & (d < _SHELL_A)].tolist())
    if prep.ligand is not None:
        lig = prep.ligand.coords[prep.ligand.heavy]
        if nearest_distance(prep.coords[site_atoms], lig).min() < _LIGAND_TOUCH_A:
            dl = nearest_distance(prep.coords, lig)
            near_site = nearest_distance(prep.coords, prep.coords[site_atoms]) < _LIGAND_SITE_A
            shell |= set(prep.residue[side & (dl < _LIGAND_SHELL_A) & near_site].tolist())
    shell_atoms = np.isin(prep.residue, sorted(shell)) & heavy
    d = nearest_distance(prep.coords, prep.coords[shell_atoms])
    rows = set(prep.residue[d < _REGION_A].tolist()) | shell
    return Region(site=tuple(sorted(site)), shell=tuple(sorted(shell)), rows=tuple(sorted(rows)))


class _Residue:
    """One region residue: kept atoms, and the conformers of its rebuilt atoms if it is repacked."""

    def __init__(self, prep: PreparedComplex, row: int, target: str | None, repack: bool, is_site: bool):
        a, b = int(prep.residue_start[row]), int(prep.residue_stop[row])
        names = prep.name[a:b].tolist()
        self.row = row
        self.wild = str(prep.resname[a])
        self.resname = target or self.wild
        self.conformers: Conformers | None = None
        xyz = {n: prep.coords[a + k] for k, n in enumerate(names)}
        params = prep.params.take(np.arange(a, b))
        if not repack:
            self.names, self.coords, self.params = tuple(names), prep.coords[a:b].copy(), params
            return
        keep = [n for n in names if n in BACKBONE]
        if self.resname == "PRO":
            keep = [n for n in keep if n != "H"]
        bb_xyz = [xyz[n] for n in keep]
        if self.wild == "PRO" and self.resname != "PRO" and row > 0:
            prev = prep.coords[prep.residue_start[row - 1]:prep.residue_stop[row - 1]]
            prev_names = prep.name[prep.residue_start[row - 1]:prep.residue_stop[row - 1]].tolist()
            if "C" in prev_names:
                keep.insert(1, "H")
                bb_xyz.insert(1, amide_hydrogen(prev[prev_names.index("C")], xyz["N"], xyz["CA"]))
        rebuilt = tuple(template(self.resname).atoms) + hydrogen_names(self.resname)
        chis, freq = rotamers(self.resname)
        chis, freq = chis[freq > 0], freq[freq > 0]
        if is_site:
            chis, freq = _site_rotamers(chis, freq, _crystal_chis(self.wild, xyz))
        keep_cb = xyz.get("CB") if "GLY" not in (self.wild, self.resname) else None
        heavy = build_sidechains(xyz, self.resname, chis, keep_cb=keep_cb) if template(self.resname).atoms \
            else np.zeros((1, 0, 3))
        placed = {n: xyz[n] for n in ("N", "CA", "C")}
        for k, n in enumerate(template(self.resname).atoms):
            placed[n] = heavy[:, k]
        coords = np.concatenate([heavy, build_hydrogens(self.resname, placed)], axis=1)
        log_weight = np.log(freq / freq.max())
        if target is None and not is_site and set(rebuilt) == {n for n in names if n not in BACKBONE}:
            crystal = np.array([xyz[n] for n in rebuilt])[None]
            coords = np.concatenate([crystal, coords])
            log_weight = np.concatenate([[0.0], log_weight])
        if target is None and set(keep) | set(rebuilt) <= set(names):  # the residue's own parameters
            by_name = {n: k for k, n in enumerate(names)}
            bb_params = params.take([by_name[n] for n in keep])
            rebuilt_params = params.take([by_name[n] for n in rebuilt])
        else:  # a new residue type (or tautomer): its ff14SB template
            full = residue_parameters(self.resname, tuple(keep) + rebuilt)
            bb_params = full.take(np.arange(len(keep)))
            rebuilt_params = full.take(np.arange(len(keep), len(keep) + len(rebuilt)))
        self.names, self.coords, self.params = tuple(keep), np.array(bb_xyz).reshape(-1, 3), bb_params
        self.conformers = Conformers(row=row, resname=self.resname, names=rebuilt, coords=coords,
                                     params=rebuilt_params, log_weight=log_weight, exclude=np.zeros(0, bool))


_EXPANSION = 15.0


def _crystal_chis(resname: str, xyz: dict[str, np.ndarray]) -> np.ndarray:
    """The chi angles of a residue's own side chain (as many as can be measured)."""
    try:
        tpl = template(resname)
    except KeyError:
        return np.zeros(0)
    out = []
    for k in range(1, tpl.n_chi + 1):
        idx = [i for i in range(len(tpl.atoms)) if tpl.chi[i] == k and tpl.value[i] == 0.0]
        if not idx:
            break
        a, b, c = tpl.parents[idx[0]]
        d = tpl.atoms[idx[0]]
        if not all(n in xyz for n in (a, b, c, d)):
            break
        out.append(float(dihedral(xyz[a], xyz[b], xyz[c], xyz[d])))
    return np.array(out)


def _site_rotamers(chis: np.ndarray, freq: np.ndarray, crystal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The library at a substituted site: each rotamer with chi1 -15, 0, +15 degrees, plus the wild
    type's own chi angles (where the new residue has them), weighted like the nearest rotamer."""
    if not chis.shape[1]:
        return chis, freq
    shifts = np.array([0.0, -_EXPANSION, _EXPANSION])
    expanded = np.repeat(chis, len(shifts), axis=0)
    expanded[:, 0] += np.tile(shifts, len(chis))
    weights = np.repeat(freq, len(shifts))
    n = min(len(crystal), chis.shape[1])
    if n:
        delta = np.abs((chis[:, :n] - crystal[:n] + 180.0) % 360.0 - 180.0).sum(axis=1)
        nearest = int(np.argmin(delta))
        own = chis[nearest].copy()
        own[:n] = crystal[:n]
        expanded = np.vstack([own, expanded])
        weights = np.concatenate([[freq[nearest]], weights])
    return expanded, weights


def _repackable(prep: PreparedComplex, row: int) -> bool:
    """Whether a non-substituted residue can be rebuilt from the library with its own atom names."""
    a, b = int(prep.residue_start[row]), int(prep.residue_stop[row])
    resname = str(prep.resname[a])
    names = set(prep.name[a:b].tolist())
    if resname in ("GLY", "ALA", "PRO") or names & {"H1", "H2", "H3", "OXT"}:
        return False
    try:
        rebuilt = set(template(resname).atoms) | set(hydrogen_names(resname))
    except KeyError:
        return False
    return rebuilt == names - set(BACKBONE)


@dataclass
class PackingTables:
    """Packing energies of unsubstituted residues, reusable across the regions and mutations of
    one prepared complex (their conformers are a function of the residue row alone): the pair
    tables of two such residues, each one's energy against the inhibitor, the residues themselves
    (by row and whether they are repacked) and, per region, each one's energy against the region's
    fixed atoms outside the site (the wild type and every mutant of a region share them)."""

    pairs: PairTables = field(default_factory=dict)
    with_ligand: dict[int, np.ndarray] = field(default_factory=dict)
    residues: dict[tuple[int, bool], _Residue] = field(default_factory=dict)
    outside_site: dict[tuple[Region, int], np.ndarray] = field(default_factory=dict)


def _self_energies(confs: list[Conformers], reusable: list[bool], region: Region, env_xyz: np.ndarray,
                   env_params: AtomParameters, in_site: np.ndarray,
                   tables: PackingTables | None) -> list[np.ndarray]:
    """Each shell residue's conformers against the region's fixed atoms (and rotamer weights).

    A reusable residue's energy is split into the part outside the site, kept in ``tables``, and
    the part against the site's fixed atoms, which a substitution can change (a substitution to
    proline drops the site's amide hydrogen, one from proline adds it); the split changes only the
    order of a sum.
    """
    out = []
    outside = np.flatnonzero(~in_site)
    inside = np.flatnonzero(in_site)
    for c, reuse in zip(confs, reusable):
        if tables is None or not reuse:
            out.append(self_energies(c, env_xyz, env_params))
            continue
        key = (region, c.row)
        if key not in tables.outside_site:
            tables.outside_site[key] = self_energies(c, env_xyz[outside], env_params.take(outside),
                                                     c.exclude[outside])
        out.append(tables.outside_site[key] + self_energies(
            c, env_xyz[inside], env_params.take(inside), c.exclude[inside], weight=False))
    return out


def relax(prep: PreparedComplex, region: Region, changes: dict[int, str], *, minimise: bool = True,
          tables: PackingTables | None = None) -> Model:
    """Repack the region's shell (substituting ``changes``) and minimise it.

    Parameters
    ----------
    prep : PreparedComplex
    region : Region
        From :func:`select_region`; use the same region for the wild type and every mutant.
    changes : dict
        Residue row -> three-letter target (empty for the wild type).
    minimise : bool
        Run the minimisation (:mod:`structkit.energy.minimise`; the packed model otherwise).
    tables : PackingTables, optional
        Reuse (and extend) the tables of earlier calls on the same ``prep``; the model is the
        same with or without them, only faster.
    """
    residues = []
    for row in region.rows:
        is_site = row in region.site
        repack = is_site or (row in region.shell and _repackable(prep, row))
        if tables is not None and not is_site and row not in changes:
            if (row, repack) not in tables.residues:
                tables.residues[(row, repack)] = _Residue(prep, row, None, repack, False)
            residues.append(tables.residues[(row, repack)])
        else:
            residues.append(_Residue(prep, row, changes.get(row), repack, is_site))
    env_xyz = np.concatenate([r.coords for r in residues])
    env_params = AtomParameters.concatenate([r.params for r in residues])
    env_row = np.concatenate([np.full(len(r.names), r.row) for r in residues])
    env_name = np.concatenate([np.array(r.names, dtype="<U4") for r in residues])
    shell = [r for r in residues if r.conformers is not None]
    confs = [replace(r.conformers, exclude=(env_row == r.row)
                     | ((env_row == r.row - 1) & np.isin(env_name, ("C", "O")))
                     | ((env_row == r.row + 1) & np.isin(env_name, ("N", "H"))))
             for r in shell if r.conformers is not None]
    site_index = next((k for k, r in enumerate(shell) if r.row in region.site), None)
    reusable = [r.row not in region.site and r.row not in changes for r in shell]
    singles = _self_energies(confs, reusable, region, env_xyz, env_params, np.isin(env_row, region.site),
                             tables)
    pairs = interaction_tables(confs, known=tables.pairs if tables else None, reusable=reusable)
    apo = pack(singles, pairs, site=site_index)
    spread = 0.0
    if prep.ligand is not None:
        lig = prep.ligand
        none = np.zeros(len(lig.coords), dtype=bool)
        with_ligand = []
        for c, reuse in zip(confs, reusable):
            if tables is not None and reuse:
                if c.row not in tables.with_ligand:
                    tables.with_ligand[c.row] = self_energies(c, lig.coords, lig.params, none, weight=False)
                with_ligand.append(tables.with_ligand[c.row])
            else:
                with_ligand.append(self_energies(c, lig.coords, lig.params, none, weight=False))
        packing = pack([s + w for s, w in zip(singles, with_ligand)], pairs, site=site_index,
                       starts=[apo.choice])
        better_apo = pack(singles, pairs, site=site_index, starts=[packing.choice])
        if better_apo.energy < apo.energy:
            apo = better_apo
        if site_index is not None:
            x, p = with_ligand[site_index], packing.site_weights
            spread = float(np.sqrt(np.sum(p * (x - np.sum(p * x)) ** 2)))
    else:
        packing = apo
    strain = packing_energy(singles, pairs, packing.choice) - apo.energy

    def assemble(choice: list[int]):
        names: list[str] = []
        resnames: list[str] = []
        rows: list[int] = []
        coords: list[np.ndarray] = []
        params: list[AtomParameters] = []
        movable: list[np.ndarray] = []
        k = 0
        for r in residues:
            names.extend(r.names)
            coords.append(r.coords)
            params.append(r.params)
            movable.append(np.zeros(len(r.names), dtype=bool))
            if r.conformers is not None:
                c = r.conformers
                names.extend(c.names)
                coords.append(c.coords[choice[k]])
                params.append(c.params)
                movable.append(np.ones(len(c.names), dtype=bool))
                k += 1
            n = len(names) - len(rows)
            rows.extend([r.row] * n)
            resnames.extend([r.resname] * n)
        return (np.array(names), np.array(resnames), np.array(rows), np.concatenate(coords),
                AtomParameters.concatenate(params), np.concatenate(movable))

    names, resnames, rows, packed, params, movable = assemble(packing.choice)
    elements = np.array([element_of(n) for n in names])
    coords = _minimise(names, resnames, rows, packed, params, movable, prep) if minimise else packed
    return Model(names=names, resnames=resnames, elements=elements, row=rows, coords=coords, packed=packed,
                 params=params, movable=movable, packing=packing, apo_packing=apo, strain=strain,
                 ligand_spread=spread)


def _minimise(names: np.ndarray, resnames: np.ndarray, rows: np.ndarray, coords: np.ndarray,
              params: AtomParameters, movable: np.ndarray, prep: PreparedComplex) -> np.ndarray:
    ligand = prep.ligand
    try:
        terms, start = minimisation_terms(names, resnames, rows, coords, params, movable,
                                          None if ligand is None else ligand.coords,
                                          None if ligand is None else ligand.params)
    except StructkitError as exc:
        raise StructkitError(f"{prep.label}: {exc}") from None
    out, _ = minimise(start, terms)
    return out[:len(coords)]
