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

``ddg_raw`` is their plain sum; ``ddg`` is ``ddg_raw`` times one scale factor from
``structkit/data/ddg_weights.csv`` (fitted on the ABL1 benchmark only, never on ALK data; see that
file's header): a positive scale keeps every ranking of the raw sum. ``ddg_spread`` is the
Boltzmann-weighted spread of the site conformers' interaction with the inhibitor (wild type and
mutant in quadrature) on the same scale: how much the answer depends on which near-optimal
conformer the site takes. ``ddg_sd``, the uncertainty to act on, adds the method's measured error
for a site at that distance from the drug in quadrature (:mod:`structkit.energy.uncertainty`).

A second, orthogonal estimate, ``ddg_vina``, scores the same two relaxed models with the AutoDock
Vina function (:mod:`structkit.geometry.vina`; mutant minus wild type, times Vina's rotor factor
for the inhibitor's rotatable bonds): an empirical function fitted by its authors on crystal
affinities, nothing fitted here. ``ddg_consensus`` is their plain mean: no weight fitted, the rule
by which Aldeghi et al. (2019) averaged an alchemical and a Rosetta estimate on the ABL1 set. Where
the estimate is flagged :data:`NO_FIT`, both are bounded at :data:`NO_FIT_KCAL` before they are
averaged. Results are
cached (:class:`~structkit.io.result_cache.ResultCache`) under the prepared complex's checksum, the
mutation, :data:`METHOD` and the package, OpenMM and Numba versions.

This is the ``fast`` mode, on the crystal's backbone; the ``accurate`` mode repeats it on backrubbed
backbones and averages (:mod:`structkit.energy.ensemble`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from structkit.data import read_table
from structkit.energy.binding import BindingScorer, BindingTerms
from structkit.energy.packing import KT
from structkit.energy.prepare import PreparedComplex
from structkit.energy.relax import Model, PackingTables, Region, relax, select_region
from structkit.energy.uncertainty import site_distance, total_sd
from structkit.errors import StructkitError
from structkit.geometry.vina import rotor_factor, vina_terms, xs_types
from structkit.io.result_cache import ResultCache
from structkit.model.mutations import Mutation, parse_mutation
from structkit.model.residues import ONE_LETTER, THREE_LETTER
from structkit.version import __version__

__all__ = ["COMPONENTS", "METHOD", "NO_FIT", "NO_FIT_KCAL", "DdgEstimate", "DdgEstimator", "ddg_scale",
           "flag_text"]

#: The components of the estimate, in reporting order.
COMPONENTS = ("vdw", "electrostatics", "nonpolar", "strain", "entropy")
#: Version of the modelling protocol; part of every cache key.
METHOD = "repack-minimise-mmgbsa-vina/4"
#: Where the clash terms alone (scale x (vdw + strain)) exceed this, the mutant does not fit the
#: fixed backbone: the estimate is flagged :data:`NO_FIT` and reported bounded at this value, not as
#: a free energy (fixed in advance at about 4 x the 1.36 kcal/mol resistance threshold, not fitted;
#: no pair of the ABL1 benchmark reaches it).
NO_FIT_KCAL = 5.0
#: The ``flag`` of such an estimate.
NO_FIT = "no_fit"


def flag_text(value: object) -> str:
    """A ``flag`` cell as text (a table read back from CSV holds NaN where the flag is empty)."""
    return value if isinstance(value, str) else ""


@cache
def ddg_scale() -> float:
    """The calibration scale factor from package data."""
    rows = read_table("ddg_weights.csv")
    return float(next(r["weight"] for r in rows if r["term"] == "scale"))


@dataclass
class DdgEstimate:
    """One mutation's estimate (kcal/mol) and the models behind it.

    ``ddg`` is ``scale x ddg_raw``, bounded at :data:`NO_FIT_KCAL` where ``flag`` is :data:`NO_FIT`
    (``ddg_raw`` and the components stay the model's own numbers); ``ddg_sd`` is its uncertainty
    (``ddg_spread``, the conformers' or members' spread, and the model error of a site
    ``site_distance_A`` from the drug, in quadrature); ``ddg_vina`` is the Vina score of
    the same models (bounded the same way) and ``ddg_consensus`` the mean of the two; ``n_members``
    counts the backbones averaged (1 for the fast mode, see :mod:`structkit.energy.ensemble`),
    ``backbone`` names the one an estimate was made on and ``members`` holds an ensemble's
    per-backbone estimates; with ``keep_models``, ``wild``, ``mutant`` and the ``prep`` they were
    built on are kept.
    """

    mutation: str
    ddg: float
    ddg_sd: float
    ddg_spread: float
    site_distance_A: float
    ddg_raw: float
    components: dict[str, float]
    dg_wild: float
    dg_mutant: float
    n_shell: int
    n_region_atoms: int
    seconds: float
    wild: Model | None = field(default=None, repr=False)
    mutant: Model | None = field(default=None, repr=False)
    cached: bool = False
    flag: str = ""
    ddg_vina: float = 0.0
    ddg_consensus: float = 0.0
    n_members: int = 1
    backbone: str = "crystal"
    members: list[DdgEstimate] = field(default_factory=list, repr=False)
    prep: PreparedComplex | None = field(default=None, repr=False)

    def row(self) -> dict:
        """A flat table row (numbers rounded to 3 decimals, then ``flag``)."""
        out = {"mutation": self.mutation, "ddg": round(self.ddg, 3), "ddg_sd": round(self.ddg_sd, 3),
               "ddg_spread": round(self.ddg_spread, 3), "site_distance_A": round(self.site_distance_A, 3),
               "ddg_raw": round(self.ddg_raw, 3), "ddg_vina": round(self.ddg_vina, 3),
               "ddg_consensus": round(self.ddg_consensus, 3)}
        out.update({k: round(v, 3) for k, v in self.components.items()})
        out.update({"dg_wild": round(self.dg_wild, 3), "dg_mutant": round(self.dg_mutant, 3),
                    "n_shell": self.n_shell, "n_region_atoms": self.n_region_atoms, "flag": self.flag})
        return out


@dataclass
class _Evaluated:
    model: Model
    terms: BindingTerms
    vina: float


class DdgEstimator:
    """Estimates for many mutations of one prepared complex (wild-type models are reused per region).

    Parameters
    ----------
    prep : PreparedComplex
        Must hold an inhibitor.
    scale : float, optional
        Calibration scale (default :func:`ddg_scale`).
    minimise : bool
        Run the minimisation after packing (:mod:`structkit.energy.minimise`).
    cache : ResultCache, optional
        Where to look up and store results (none by default).
    """

    def __init__(self, prep: PreparedComplex, *, scale: float | None = None, minimise: bool = True,
                 cache: ResultCache | None = None):
        if prep.ligand is None:
            raise StructkitError(f"{prep.label}: no inhibitor to estimate a binding free energy change for")
        self.prep = prep
        self.scale = ddg_scale() if scale is None else scale
        self.minimise = minimise
        self.cache = cache
        self.scorer = BindingScorer(prep.ligand)
        self._ligand = prep.ligand
        self._vina_types = xs_types(prep.ligand.element, prep.ligand.coords)
        self.vina_factor = rotor_factor(_rotatable_bonds(prep.ligand.smiles))
        self._wild: dict[Region, _Evaluated] = {}
        self._tables = PackingTables()  # shared by every region and mutation of this complex

    def substitutions(self, mutation: Mutation) -> dict[int, str]:
        """Residue row -> three-letter target of each change (a StructkitError where one cannot be
        modelled: not a substitution, no coordinates, or a wild type the structure does not have)."""
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
        model = relax(self.prep, region, changes, minimise=self.minimise, tables=self._tables)
        vina = vina_terms(self._ligand.coords, self._vina_types, model.coords,
                          xs_types(model.elements, model.coords))
        return _Evaluated(model, self.scorer.terms(model.coords, model.params, model.movable), vina["total"])

    def site_distance(self, mutation: Mutation) -> float:
        """The smallest heavy-atom distance (Å) of the mutated residues to the inhibitor."""
        return site_distance(self.prep.complex_, [c.position for c in mutation.changes])

    def _key(self, mutation: str) -> str:
        from importlib.metadata import version

        # the compiled kernels' last digits can depend on Numba's (LLVM's) version, as OpenMM's did
        return ResultCache.key(METHOD, __version__, version("openmm"), version("numba"), self.minimise,
                               self.prep.checksum, mutation)

    def estimate(self, mutation: str | Mutation, *, keep_models: bool = False) -> DdgEstimate:
        """Estimate one single or compound substitution (from the cache when it has it)."""
        start = time.perf_counter()
        mut = parse_mutation(mutation, reference=self.prep.complex_.reference) \
            if isinstance(mutation, str) else mutation
        changes = self.substitutions(mut)
        key = self._key(str(mut))
        payload = self.cache.get(key) if self.cache is not None and not keep_models else None
        wild = mutant = None
        if payload is None:
            region = select_region(self.prep, sorted(changes))
            if region not in self._wild:
                self._wild[region] = self._evaluate(region, {})
            wild = self._wild[region]
            mutant = self._evaluate(region, changes)
            payload = {
                "components": _components(wild, mutant),
                "vina": mutant.vina - wild.vina,
                "dg_wild": wild.terms.total, "dg_mutant": mutant.terms.total,
                "spread": float(np.hypot(wild.model.ligand_spread, mutant.model.ligand_spread)),
                "n_shell": len(region.shell), "n_region_atoms": len(mutant.model.names),
            }
            if self.cache is not None:
                self.cache.put(key, payload)
            cached = False
        else:
            cached = True
        components = {k: float(payload["components"][k]) for k in COMPONENTS}
        ddg_raw = sum(components.values())
        ddg = self.scale * ddg_raw
        fits = self.scale * (components["vdw"] + components["strain"]) <= NO_FIT_KCAL
        ddg_vina = self.vina_factor * float(payload["vina"])
        if not fits:
            ddg, ddg_vina = min(ddg, NO_FIT_KCAL), min(ddg_vina, NO_FIT_KCAL)
        spread = self.scale * payload["spread"]
        distance = self.site_distance(mut)
        return DdgEstimate(
            mutation=str(mut), ddg=ddg, flag="" if fits else NO_FIT, ddg_vina=ddg_vina,
            ddg_consensus=0.5 * (ddg + ddg_vina),
            ddg_sd=total_sd(spread, distance), ddg_spread=spread, site_distance_A=distance,
            ddg_raw=ddg_raw, components=components, dg_wild=payload["dg_wild"],
            dg_mutant=payload["dg_mutant"], n_shell=payload["n_shell"],
            n_region_atoms=payload["n_region_atoms"], seconds=time.perf_counter() - start,
            wild=wild.model if keep_models and wild else None,
            mutant=mutant.model if keep_models and mutant else None, cached=cached,
            prep=self.prep if keep_models else None,
        )


def _rotatable_bonds(smiles: str) -> int:
    """RDKit's strict count of rotatable bonds (Vina's N_rot counts the torsions of its ligand tree)."""
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcNumRotatableBonds

    mol = Chem.MolFromSmiles(smiles)
    return int(CalcNumRotatableBonds(mol)) if mol is not None else 0


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
