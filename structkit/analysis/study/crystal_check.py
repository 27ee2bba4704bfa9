"""Relaxed mutant models against mutant crystal structures of the same drug.

For every pair (wild-type complex, mutant complex of the same inhibitor) of the catalogue, the
mutation is modelled on the wild-type complex (:mod:`structkit.energy.relax`: repacked shell,
OpenMM-minimised) and each substituted side chain is compared with the crystal's: the crystal
residue's N, CA and C are superposed on the model's (Kabsch) and the side-chain heavy-atom RMSD is
taken, allowing the symmetric swaps of Asp, Glu, Phe, Tyr and Arg. The fixed-pocket model of
:func:`structkit.mutate` (the mutated side chain only) is measured the same way for comparison.
"""

from __future__ import annotations

from collections.abc import Callable

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

__all__ = ["CRYSTAL_COLUMNS", "CRYSTAL_PAIRS", "crystal_check", "pair_rows"]

#: (wild-type entry, mutant entry) pairs of the same inhibitor in the catalogue.
CRYSTAL_PAIRS = [("2XP2", "2YFX"), ("2XP2", "4ANQ"), ("2XP2", "4ANS"), ("2XP2", "5AAA"), ("2XP2", "5AAB"),
                 ("2XP2", "5AAC"), ("4CLI", "4CLJ"), ("4CLI", "5A9U"), ("4CLI", "5AA8"), ("4CLI", "5AA9")]
CRYSTAL_COLUMNS = ["wild_type_entry", "mutant_entry", "mutation", "site", "residue", "rmsd_relaxed_A",
                   "rmsd_fixed_pocket_A", "within_1A", "note"]
_SWAPS = {"ASP": [("OD1", "OD2")], "GLU": [("OE1", "OE2")], "PHE": [("CD1", "CD2"), ("CE1", "CE2")],
          "TYR": [("CD1", "CD2"), ("CE1", "CE2")], "ARG": [("NH1", "NH2")]}
_BACKBONE = ("N", "CA", "C", "O", "OXT")


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


def crystal_check(*, progress: Callable[[int, int, str], None] | None = None,
                  options: LoadOptions | None = None) -> pd.DataFrame:
    """One row per substituted site of each pair in :data:`CRYSTAL_PAIRS` (:data:`CRYSTAL_COLUMNS`)."""
    options = options or LoadOptions.resolve()
    rows = []
    estimators: dict[str, DdgEstimator] = {}
    for k, (wild_id, mutant_id) in enumerate(CRYSTAL_PAIRS, start=1):
        wild = options.load(wild_id)
        crystal = options.load(mutant_id)
        mutation = "+".join(crystal.mutations)
        if wild_id not in estimators:
            estimators[wild_id] = DdgEstimator(prepare(wild, cache=options.cache))
        estimator = estimators[wild_id]
        rows.extend(pair_rows(wild, crystal, mutation, estimator, wild_id, mutant_id))
        if progress:
            progress(k, len(CRYSTAL_PAIRS), f"{wild_id}->{mutant_id}")
    return pd.DataFrame(rows, columns=CRYSTAL_COLUMNS)


def pair_rows(wild: Complex, crystal: Complex, mutation: str, estimator: DdgEstimator, wild_id: str,
              mutant_id: str) -> list[dict]:
    """The :data:`CRYSTAL_COLUMNS` rows of one (wild-type complex, mutant crystal) pair: each
    substituted side chain of the relaxed and of the fixed-pocket model against the crystal's."""
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
            "note": "" if r_relaxed <= 1.0 else _why(resname, r_relaxed, relaxed, observed),
        })
    return rows


def _chi1(atoms: dict[str, np.ndarray]) -> float:
    gamma = next((n for n in ("CG", "SG", "OG", "OG1", "CG1") if n in atoms), None)
    if gamma is None or not all(n in atoms for n in ("N", "CA", "CB")):
        return float("nan")
    return float(dihedral(atoms["N"], atoms["CA"], atoms["CB"], atoms[gamma]))


def _why(resname: str, rmsd: float, model: dict[str, np.ndarray], crystal: dict[str, np.ndarray]) -> str:
    m, c = _chi1(model), _chi1(crystal)
    same = abs((m - c + 180.0) % 360.0 - 180.0) <= 60.0
    kind = "the same chi1 rotamer, other chi angles" if same else "another chi1 rotamer"
    return (f"{resname}: {kind} (model chi1 {m:.0f}°, crystal {c:.0f}°); the packer prefers the model's "
            "conformer on the fixed wild-type backbone, and a conformer that needs the backbone or residues "
            "beyond the shell to move is out of the model's reach")
