"""The change in an inhibitor's binding free energy caused by a mutation (kcal/mol, + = weaker).

For a mutation, the site, its shell and region are chosen once (:func:`~structkit.energy.relax.select_region`)
and both the wild type and the mutant are repacked and minimised the same way
(:func:`~structkit.energy.relax.relax`). The estimate is built from five differences, mutant minus
wild type:

- ``vdw``: Lennard-Jones interaction of the inhibitor with the region;
- ``electrostatics``: Coulomb interaction plus the change in polar (OBC2 GB) solvation on binding;
- ``nonpolar``: the change in ACE non-polar solvation on binding;
- ``strain``: what the shell's side chains pay (packer energy) to sit around the inhibitor rather
  than where they would sit without it;
- ``entropy``: -T dS of the site's side chain frozen by binding (Boltzmann weights over its
  conformers with and without the inhibitor, 300 K).

``ddg_raw`` is their plain sum. ``ddg`` weighs them with the calibration in
``structkit/data/ddg_weights.csv`` (fitted on the ABL1 benchmark only, never on ALK data; see that
file's header), and ``ddg_sd`` is the Boltzmann-weighted spread of the site conformers' interaction
with the inhibitor, wild type and mutant in quadrature, on the same scale.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from structkit.energy.binding import BindingScorer, BindingTerms
from structkit.energy.packing import KT
from structkit.energy.prepare import PreparedComplex
from structkit.energy.relax import Model, Region, relax, select_region
from structkit.errors import StructkitError
from structkit.model.mutations import Mutation, parse_mutation
from structkit.model.residues import ONE_LETTER, THREE_LETTER

__all__ = ["COMPONENTS", "DdgEstimate", "DdgEstimator", "ddg_weights"]

#: The components of the estimate, in reporting order.
COMPONENTS = ("vdw", "electrostatics", "nonpolar", "strain", "entropy")


@cache
def ddg_weights() -> dict[str, float]:
    """The calibration weights (``intercept`` and one per component) from package data."""
    text = resources.files("structkit.data").joinpath("ddg_weights.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["term"]: float(r["weight"]) for r in rows}


def calibrated(components: dict[str, float], weights: dict[str, float]) -> float:
    """Weighted sum of the components plus the intercept."""
    return weights.get("intercept", 0.0) + sum(weights[k] * components[k] for k in COMPONENTS)


@dataclass
class DdgEstimate:
    """One mutation's estimate (kcal/mol) and the models behind it."""

    mutation: str
    ddg: float
    ddg_sd: float
    ddg_raw: float
    components: dict[str, float]
    dg_wild: float
    dg_mutant: float
    n_shell: int
    n_region_atoms: int
    seconds: float
    wild: Model | None = field(default=None, repr=False)
    mutant: Model | None = field(default=None, repr=False)

    def row(self) -> dict:
        """A flat table row (numbers rounded to 3 decimals)."""
        out = {"mutation": self.mutation, "ddg": round(self.ddg, 3), "ddg_sd": round(self.ddg_sd, 3),
               "ddg_raw": round(self.ddg_raw, 3)}
        out.update({k: round(v, 3) for k, v in self.components.items()})
        out.update({"dg_wild": round(self.dg_wild, 3), "dg_mutant": round(self.dg_mutant, 3),
                    "n_shell": self.n_shell, "n_region_atoms": self.n_region_atoms})
        return out


@dataclass
class _Evaluated:
    model: Model
    terms: BindingTerms


class DdgEstimator:
    """Estimates for many mutations of one prepared complex (wild-type models are reused per region).

    Parameters
    ----------
    prep : PreparedComplex
        Must hold an inhibitor.
    weights : dict, optional
        Calibration weights (default :func:`ddg_weights`).
    minimise : bool
        Run the OpenMM minimisation after packing.
    """

    def __init__(self, prep: PreparedComplex, *, weights: dict[str, float] | None = None,
                 minimise: bool = True):
        if prep.ligand is None:
            raise StructkitError(f"{prep.label}: no inhibitor to estimate a binding free energy change for")
        self.prep = prep
        self.weights = weights or ddg_weights()
        self.minimise = minimise
        self.scorer = BindingScorer(prep.ligand)
        self._wild: dict[Region, _Evaluated] = {}

    def _changes(self, mutation: Mutation) -> dict[int, str]:
        changes = {}
        for change in mutation.changes:
            if change.kind != "substitution":
                raise StructkitError(
                    f"{mutation}: only substitutions can be modelled ({change} is a {change.kind})")
            row = self.prep.row_of(change.position)
            if row < 0:
                raise StructkitError(f"{self.prep.label}: residue {change.position} has no coordinates")
            found = ONE_LETTER.get(str(self.prep.resname[self.prep.residue_start[row]]), "X")
            if found != change.wild_type and change.wild_type:
                raise StructkitError(
                    f"{self.prep.label}: {mutation}: residue {change.position} is {found}, "
                    f"not {change.wild_type}")
            changes[row] = THREE_LETTER[change.residue]
        return changes

    def _evaluate(self, region: Region, changes: dict[int, str]) -> _Evaluated:
        model = relax(self.prep, region, changes, minimise=self.minimise)
        return _Evaluated(model, self.scorer.terms(model.coords, model.params, model.movable))

    def estimate(self, mutation: str | Mutation, *, keep_models: bool = False) -> DdgEstimate:
        """Estimate one single or compound substitution."""
        start = time.perf_counter()
        mut = parse_mutation(mutation, reference=self.prep.complex_.reference) \
            if isinstance(mutation, str) else mutation
        changes = self._changes(mut)
        region = select_region(self.prep, sorted(changes))
        if region not in self._wild:
            self._wild[region] = self._evaluate(region, {})
        wild = self._wild[region]
        mutant = self._evaluate(region, changes)
        components = _components(wild, mutant)
        ddg_raw = sum(components.values())
        ddg = calibrated(components, self.weights)
        scale = max(abs(self.weights["vdw"]), abs(self.weights["electrostatics"]))
        sd = scale * float(np.hypot(wild.model.ligand_spread, mutant.model.ligand_spread))
        return DdgEstimate(
            mutation=str(mut), ddg=ddg, ddg_sd=sd, ddg_raw=ddg_raw, components=components,
            dg_wild=wild.terms.total, dg_mutant=mutant.terms.total, n_shell=len(region.shell),
            n_region_atoms=len(mutant.model.names), seconds=time.perf_counter() - start,
            wild=wild.model if keep_models else None, mutant=mutant.model if keep_models else None,
        )


def _components(wild: _Evaluated, mutant: _Evaluated) -> dict[str, float]:
    w, m = wild.terms, mutant.terms
    entropy_wild = KT * (wild.model.apo_packing.site_entropy - wild.model.packing.site_entropy)
    entropy_mutant = KT * (mutant.model.apo_packing.site_entropy - mutant.model.packing.site_entropy)
    return {
        "vdw": m.vdw - w.vdw,
        "electrostatics": m.electrostatics - w.electrostatics,
        "nonpolar": m.nonpolar - w.nonpolar,
        "strain": mutant.model.strain - wild.model.strain,
        "entropy": entropy_mutant - entropy_wild,
    }
