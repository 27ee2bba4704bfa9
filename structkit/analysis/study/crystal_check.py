"""Relaxed mutant models against mutant crystal structures of the same drug.

For every pair (wild-type complex, mutant complex of the same inhibitor) of the catalogue, the
mutation is modelled on the wild-type complex (:mod:`structkit.energy.relax`: repacked shell,
OpenMM-minimised) and each substituted side chain is compared with the crystal's: the crystal
residue's N, CA and C are superposed on the model's (Kabsch) and the side-chain heavy-atom RMSD is
taken, allowing the symmetric swaps of Asp, Glu, Phe, Tyr and Arg. The fixed-pocket model of
:func:`structkit.mutate` (the mutated side chain only) is measured the same way for comparison.

A site further than 1 Å from its crystal gets a note saying what the crystal shows that a model on
the wild-type structure cannot follow (:func:`crystal_differences`), measured after superposing
the crystal's C-alphas within :data:`LOCAL_A` of the site on the wild type's: the site's backbone
(N, CA, C) moving at least :data:`BACKBONE_SHIFT_A`; wild-type heavy atoms (not the site's own,
nor the peptide atoms bonded next to it) closer than :data:`CLASH_A` to the crystal's side chain
so placed, that is, atoms the crystal moved out of its way; alternate conformations at the
site; or another crystal of the same drug with the same residue at the site placing its side chain
more than 1 Å (the check's own limit) from this crystal's, so that no single model can match both.
The limits are fixed in advance (about three times the coordinate error of a 2 Å
structure; a heavy-atom contact no packing accepts), not fitted. Where the crystal shows none of
these, the note says that the miss is the model's own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from structkit.energy.ddg import DdgEstimator
from structkit.energy.prepare import prepare
from structkit.errors import StructkitError
from structkit.geometry.sidechain import dihedral
from structkit.geometry.superpose import superpose
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutate import mutate
from structkit.progress import Progress

__all__ = ["BACKBONE_SHIFT_A", "CLASH_A", "CRYSTAL_COLUMNS", "CRYSTAL_PAIRS", "LOCAL_A", "crystal_check",
           "crystal_differences", "pair_rows"]

#: (wild-type entry, mutant entry) pairs of the same inhibitor in the catalogue.
CRYSTAL_PAIRS = [("2XP2", "2YFX"), ("2XP2", "4ANQ"), ("2XP2", "4ANS"), ("2XP2", "5AAA"), ("2XP2", "5AAB"),
                 ("2XP2", "5AAC"), ("4CLI", "4CLJ"), ("4CLI", "5A9U"), ("4CLI", "5AA8"), ("4CLI", "5AA9")]
CRYSTAL_COLUMNS = ["wild_type_entry", "mutant_entry", "mutation", "site", "residue", "rmsd_relaxed_A",
                   "rmsd_fixed_pocket_A", "within_1A", "note"]
_SWAPS = {"ASP": [("OD1", "OD2")], "GLU": [("OE1", "OE2")], "PHE": [("CD1", "CD2"), ("CE1", "CE2")],
          "TYR": [("CD1", "CD2"), ("CE1", "CE2")], "ARG": [("NH1", "NH2")]}
_BACKBONE = ("N", "CA", "C", "O", "OXT")
#: Radius (Å) of the local superposition and of the neighbours examined around a missed site.
LOCAL_A = 10.0
#: A site backbone atom moving this far (Å) in the crystal is a backbone shift.
BACKBONE_SHIFT_A = 0.5
#: The crystal's side chain closer than this (Å, heavy atoms) to a wild-type atom cannot be
#: reached without that atom moving.
CLASH_A = 3.0


def _heavy_atoms(names, coords) -> dict[str, np.ndarray]:
    return {str(n): np.asarray(x) for n, x in zip(names, coords) if not str(n).startswith("H")}


def sidechain_rmsd(resname: str, model: dict[str, np.ndarray], crystal: dict[str, np.ndarray]) -> float:
    """Side-chain heavy-atom RMSD after superposing the crystal residue's N, CA, C on the model's."""
    frame = ("N", "CA", "C")
    rotation, translation = superpose(np.array([crystal[n] for n in frame]),
                                      np.array([model[n] for n in frame]))
    names = [n for n in model if n not in _BACKBONE and n in crystal]
    if not names:
        return float("nan")
    moved = {n: crystal[n] @ rotation.T + translation for n in names}
    best = np.inf
    swaps = _SWAPS.get(resname, [])
    for flip in (False, True) if swaps else (False,):
        mapping = {n: n for n in names}
        if flip:
            for a, b in swaps:
                if a in mapping and b in mapping:
                    mapping[a], mapping[b] = b, a
        d = np.array([model[n] - moved[mapping[n]] for n in names])
        best = min(best, float(np.sqrt((d**2).sum(axis=1).mean())))
    return best


def crystal_check(*, progress: Progress | None = None,
                  options: LoadOptions | None = None) -> pd.DataFrame:
    """One row per substituted site of each pair in :data:`CRYSTAL_PAIRS` (:data:`CRYSTAL_COLUMNS`)."""
    options = options or LoadOptions.resolve()
    rows = []
    estimators: dict[str, DdgEstimator] = {}
    crystals = {mutant_id: options.load(mutant_id) for _, mutant_id in CRYSTAL_PAIRS}
    for k, (wild_id, mutant_id) in enumerate(CRYSTAL_PAIRS, start=1):
        wild = options.load(wild_id)
        crystal = crystals[mutant_id]
        mutation = "+".join(crystal.mutations)
        if wild_id not in estimators:
            estimators[wild_id] = DdgEstimator(prepare(wild, cache=options.cache))
        estimator = estimators[wild_id]
        siblings = [(other, crystals[other]) for w, other in CRYSTAL_PAIRS
                    if w == wild_id and other != mutant_id]
        rows.extend(pair_rows(wild, crystal, mutation, estimator, wild_id, mutant_id, siblings))
        if progress:
            progress(k, len(CRYSTAL_PAIRS), f"{wild_id}->{mutant_id}")
    return pd.DataFrame(rows, columns=CRYSTAL_COLUMNS)


def pair_rows(wild: Complex, crystal: Complex, mutation: str, estimator: DdgEstimator, wild_id: str,
              mutant_id: str, siblings: Sequence[tuple[str, Complex]] = ()) -> list[dict]:
    """The :data:`CRYSTAL_COLUMNS` rows of one (wild-type complex, mutant crystal) pair: each
    substituted side chain of the relaxed and of the fixed-pocket model against the crystal's
    (``siblings``: the other mutant crystals of the same drug, by entry, for
    :func:`crystal_differences`)."""
    try:
        estimate = estimator.estimate(mutation, keep_models=True)
        fixed = mutate(wild, mutation)
    except StructkitError as exc:
        return [{"wild_type_entry": wild_id, "mutant_entry": mutant_id, "mutation": mutation,
                 "note": str(exc)}]
    model = estimate.mutant
    assert model is not None  # keep_models=True
    rows = []
    for site_model in fixed.sites:
        row = estimator.prep.row_of(site_model.site)
        relaxed = _heavy_atoms(model.names[model.row == row], model.coords[model.row == row])
        res = crystal.residue_atoms(site_model.site)
        observed = _heavy_atoms(res.name, res.coords)
        w = wild.residue_atoms(site_model.site)
        assert site_model.coords is not None  # mutate() builds every substituted side chain
        fixed_atoms = {**_heavy_atoms(w.name, w.coords), **dict(zip(site_model.atoms, site_model.coords))}
        resname = str(res.resname[0]) if len(res) else ""
        r_relaxed = sidechain_rmsd(resname, relaxed, observed)
        r_fixed = sidechain_rmsd(resname, fixed_atoms, observed)
        rows.append({
            "wild_type_entry": wild_id, "mutant_entry": mutant_id, "mutation": mutation,
            "site": site_model.site, "residue": resname, "rmsd_relaxed_A": round(r_relaxed, 3),
            "rmsd_fixed_pocket_A": round(r_fixed, 3), "within_1A": bool(r_relaxed <= 1.0),
            "note": "" if r_relaxed <= 1.0 else
            f"{_why(resname, relaxed, observed)}; "
            f"{crystal_differences(wild, crystal, site_model.site, siblings)}",
        })
    return rows


def crystal_differences(wild: Complex, crystal: Complex, site: int,
                        siblings: Sequence[tuple[str, Complex]] = ()) -> str:
    """What the mutant crystal shows at ``site`` that a model on the wild-type structure cannot follow.

    The crystal is superposed on the wild type by the C-alphas of the residues within
    :data:`LOCAL_A` of the site (present in both). Measured: how far the site's backbone (N, CA, C)
    moves, and which wild-type atoms the crystal's side chain, placed so, comes closer than
    :data:`CLASH_A` to (atoms the crystal has moved out of its way); and, for each other crystal
    of ``siblings`` (entry, complex) with the same residue at the site, the side-chain RMSD between
    the two crystals (:func:`sidechain_rmsd`); see the module text.

    Returns
    -------
    str
        One phrase with the measurements and whether any of them passes its limit.
    """
    ca = []
    for number in _local_residues(wild, site):
        w, c = wild.residue_atoms(number), crystal.residue_atoms(number)
        w_ca, c_ca = _heavy_atoms(w.name, w.coords).get("CA"), _heavy_atoms(c.name, c.coords).get("CA")
        if w_ca is not None and c_ca is not None:
            ca.append((w_ca, c_ca))
    if len(ca) < 3:
        return "the crystal cannot be superposed locally (fewer than 3 common C-alphas)"
    rotation, translation = superpose(np.array([c for _, c in ca]), np.array([w for w, _ in ca]))
    site_wild, site_crystal = wild.residue_atoms(site), crystal.residue_atoms(site)
    w_atoms = _heavy_atoms(site_wild.name, site_wild.coords)
    c_atoms = {n: x @ rotation.T + translation for n, x in
               _heavy_atoms(site_crystal.name, site_crystal.coords).items()}
    shift = max((float(np.linalg.norm(c_atoms[n] - w_atoms[n])) for n in ("N", "CA", "C")
                 if n in c_atoms and n in w_atoms), default=float("nan"))
    side = np.array([x for n, x in c_atoms.items() if n not in _BACKBONE])
    protein, res = wild.protein, wild.residues
    # every heavy atom but the site's own and the peptide atoms bonded next to it
    row_of = np.searchsorted(res.start, np.arange(len(protein)), side="right") - 1
    site_row = res.index_of(site)
    adjacent = (np.abs(row_of - site_row) == 1) & np.isin(protein.name, ("N", "CA", "C", "O"))
    others = (row_of != site_row) & ~adjacent & ~protein.is_hydrogen
    blocking = ""
    if len(side):
        d = np.min(np.linalg.norm(protein.coords[others][:, None, :] - side[None, :, :], axis=2), axis=1)
        hit = np.flatnonzero(d < CLASH_A)
        if len(hit):
            index = np.flatnonzero(others)[hit]
            names = sorted({f"{protein.resname[k]}{protein.resnum[k]}" for k in index})
            blocking = f"{', '.join(names)} ({float(d[hit].min()):.1f} Å)"
    row = crystal.residues.index_of(site)
    altloc = row >= 0 and int(crystal.residues.n_altloc_atoms[row]) > 0
    reasons = []
    if shift >= BACKBONE_SHIFT_A:
        reasons.append(f"its backbone shift of {shift:.1f} Å")
    if blocking:
        reasons.append(f"wild-type atoms of {blocking} in the way of the crystal's side chain")
    if altloc:
        reasons.append("alternate conformations at the site")
    disagree = _sibling_differences(crystal, site, siblings)
    if disagree:
        reasons.append(disagree)
    if reasons:
        return "the crystal shows " + "; ".join(reasons)
    return (f"in the crystal the site's backbone moves {shift:.1f} Å and its side chain fits the wild-type "
            "structure: the miss is the model's own (its packing energy prefers another conformer)")


def _sibling_differences(crystal: Complex, site: int, siblings: Sequence[tuple[str, Complex]]) -> str:
    """The other crystals whose side chain at ``site`` (the same residue) lies more than 1 Å from
    this crystal's, as a phrase (empty if none)."""
    mine = crystal.residue_atoms(site)
    if not len(mine):
        return ""
    resname = str(mine.resname[0])
    atoms = _heavy_atoms(mine.name, mine.coords)
    far = []
    for entry, other in siblings:
        theirs = other.residue_atoms(site)
        if not len(theirs) or str(theirs.resname[0]) != resname:
            continue
        rmsd = sidechain_rmsd(resname, atoms, _heavy_atoms(theirs.name, theirs.coords))
        if rmsd > 1.0:
            far.append(f"{entry} ({rmsd:.1f} Å)")
    if not far:
        return ""
    return (f"a side chain more than 1 Å from that of another crystal of the same drug with "
            f"{resname}{site}: {', '.join(far)}")


def _local_residues(complex_: Complex, site: int) -> list[int]:
    """UniProt numbers of the residues with an atom within :data:`LOCAL_A` of the site's atoms."""
    atoms = complex_.residue_atoms(site)
    if not len(atoms):
        return []
    protein, res = complex_.protein, complex_.residues
    d = np.min(np.linalg.norm(protein.coords[:, None, :] - atoms.coords[None, :, :], axis=2), axis=1)
    rows = np.unique(np.searchsorted(res.start, np.flatnonzero(d <= LOCAL_A), side="right") - 1)
    return [int(u) for u in res.uniprot[rows] if u >= 0]


def _chi1(atoms: dict[str, np.ndarray]) -> float:
    gamma = next((n for n in ("CG", "SG", "OG", "OG1", "CG1") if n in atoms), None)
    if gamma is None or not all(n in atoms for n in ("N", "CA", "CB")):
        return float("nan")
    return float(dihedral(atoms["N"], atoms["CA"], atoms["CB"], atoms[gamma]))


def _why(resname: str, model: dict[str, np.ndarray], crystal: dict[str, np.ndarray]) -> str:
    m, c = _chi1(model), _chi1(crystal)
    same = abs((m - c + 180.0) % 360.0 - 180.0) <= 60.0
    kind = "the same chi1 rotamer, other chi angles" if same else "another chi1 rotamer"
    return f"{resname}: {kind} (model chi1 {m:.0f}°, crystal {c:.0f}°)"
