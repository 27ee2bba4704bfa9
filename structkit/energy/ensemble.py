"""The accurate ddG mode: the estimate averaged over a small ensemble of backbones.

The fast estimate (:class:`~structkit.energy.ddg.DdgEstimator`) repacks and minimises side chains
on the crystal's backbone, so a substitution whose side chain needs the backbone to give way is
either forced into a clash or placed where the crystal of the mutant shows it is not. The accurate
mode adds backbone variation the way Rosetta's flex ddG does (Barlow et al., J. Phys. Chem. B
2018), with deterministic moves instead of Monte Carlo: each substituted residue takes the backrub
rotations of :data:`BACKRUB_ANGLES` (:mod:`structkit.geometry.backrub`: the residue and its two
peptide planes about the axis through the flanking C-alpha atoms; fixed in advance at the size of
the backrubs seen in crystals, Davis et al. 2006, and never tuned on a benchmark). Every member,
the crystal backbone included, is a complete fast estimate: its own region, wild type and mutant
(both on the member's backbone), so the backbone's own energy cancels.

The estimate is the mean of the members' components over the members the mutant fits (scale x
(vdw + strain) <= :data:`~structkit.energy.ddg.NO_FIT_KCAL`: a clash one backbone cannot relieve and
another can is the ensemble's point); ``ddg_spread`` is the standard deviation of those members'
``ddg`` (n - 1 denominator): how much the answer depends on the backbone; ``ddg_sd`` adds the
model error in quadrature (:mod:`structkit.energy.uncertainty`). Where no member fits, the
estimate is flagged :data:`~structkit.energy.ddg.NO_FIT` and bounded, from the member that fits
best. Members are cached one by one under their own checksums (the crystal member is the fast
estimate itself).
"""

from __future__ import annotations

import dataclasses
import hashlib
import time

import numpy as np

from structkit.energy.ddg import COMPONENTS, NO_FIT, NO_FIT_KCAL, DdgEstimate, DdgEstimator
from structkit.energy.prepare import PreparedComplex
from structkit.energy.uncertainty import total_sd
from structkit.geometry.backrub import rotate_about_axis
from structkit.io.result_cache import ResultCache
from structkit.model.mutations import Mutation, parse_mutation

__all__ = ["BACKRUB_ANGLES", "MODES", "EnsembleDdgEstimator", "backrub_member"]

#: Backrub rotations (degrees) of the ensemble's members beside the crystal backbone.
BACKRUB_ANGLES = (-15.0, -7.5, 7.5, 15.0)
#: The ddG modes: ``fast`` on the crystal backbone, ``accurate`` over the backrub ensemble.
MODES = ("fast", "accurate")
_PEPTIDE_BOND_A = 2.0


def _atom(prep: PreparedComplex, row: int, name: str) -> int:
    a, b = int(prep.residue_start[row]), int(prep.residue_stop[row])
    hit = np.flatnonzero(prep.name[a:b] == name)
    return a + int(hit[0]) if hit.size else -1


def backrub_member(prep: PreparedComplex, rows: tuple[int, ...], angle: float) -> PreparedComplex | None:
    """The prepared complex with each residue row of ``rows`` backrubbed by ``angle`` degrees.

    The moving segment of row i is C and O of row i - 1, every atom of row i, and N and H of row
    i + 1, rotated about C-alpha(i-1) -> C-alpha(i+1). None where a row has no bonded neighbour on
    either side (a chain end or a gap): the ensemble then keeps the crystal backbone only.
    """
    coords = prep.coords.copy()
    n_rows = len(prep.residue_start)
    for row in rows:
        if row < 1 or row + 1 >= n_rows:
            return None
        ca_before, ca_after = _atom(prep, row - 1, "CA"), _atom(prep, row + 1, "CA")
        c_before, o_before = _atom(prep, row - 1, "C"), _atom(prep, row - 1, "O")
        n_here, c_here = _atom(prep, row, "N"), _atom(prep, row, "C")
        n_after = _atom(prep, row + 1, "N")
        needed = (ca_before, ca_after, c_before, o_before, n_here, c_here, n_after)
        if min(needed) < 0 or np.linalg.norm(coords[c_before] - coords[n_here]) > _PEPTIDE_BOND_A \
                or np.linalg.norm(coords[c_here] - coords[n_after]) > _PEPTIDE_BOND_A:
            return None
        own = range(int(prep.residue_start[row]), int(prep.residue_stop[row]))
        moving = [c_before, o_before, *own, n_after]
        h_after = _atom(prep, row + 1, "H")
        if h_after >= 0:
            moving.append(h_after)
        coords[moving] = rotate_about_axis(coords[moving], coords[ca_before], coords[ca_after], angle)
    label = f"{prep.checksum}|backrub|{','.join(map(str, rows))}|{angle:+.2f}"
    return dataclasses.replace(prep, coords=coords, checksum=hashlib.sha256(label.encode()).hexdigest())


class EnsembleDdgEstimator:
    """The accurate mode: estimates averaged over the crystal backbone and its backrubs.

    Parameters
    ----------
    prep : PreparedComplex
        Must hold an inhibitor.
    cache : ResultCache, optional
        Where the members' estimates are looked up and stored.
    angles : tuple of float
        The backrub rotations beside the crystal backbone (default :data:`BACKRUB_ANGLES`).
    """

    def __init__(self, prep: PreparedComplex, *, cache: ResultCache | None = None,
                 angles: tuple[float, ...] = BACKRUB_ANGLES):
        self.prep = prep
        self.cache = cache
        self.angles = tuple(angles)
        self.crystal = DdgEstimator(prep, cache=cache)
        self.scale = self.crystal.scale
        self._members: dict[tuple[tuple[int, ...], float], DdgEstimator | None] = {}

    def members(self, mutation: Mutation) -> list[tuple[str, DdgEstimator]]:
        """The (backbone label, estimator) members of a mutation's site, the crystal first."""
        rows = tuple(sorted(self.crystal.substitutions(mutation)))
        out = [("crystal", self.crystal)]
        for angle in self.angles:
            key = (rows, angle)
            if key not in self._members:
                member = backrub_member(self.prep, rows, angle)
                self._members[key] = None if member is None else DdgEstimator(member, cache=self.cache)
            found = self._members[key]
            if found is not None:
                out.append((f"backrub{angle:+g}", found))
        return out

    def estimate(self, mutation: str | Mutation, *, keep_models: bool = False) -> DdgEstimate:
        """The ensemble estimate of one single or compound substitution.

        ``members`` of the result holds each backbone's estimate (with its models and prepared
        complex if ``keep_models``); ``wild`` and ``mutant`` are the crystal member's models.
        """
        start = time.perf_counter()
        mut = parse_mutation(mutation, reference=self.prep.complex_.reference) \
            if isinstance(mutation, str) else mutation
        estimates = [dataclasses.replace(member.estimate(mut, keep_models=keep_models), backbone=label)
                     for label, member in self.members(mut)]
        used = [e for e in estimates if not e.flag]
        flag = ""
        if not used:
            used = [min(estimates, key=lambda e: e.components["vdw"] + e.components["strain"])]
            flag = NO_FIT
        components = {k: float(np.mean([e.components[k] for e in used])) for k in COMPONENTS}
        ddg_raw = sum(components.values())
        ddg = self.scale * ddg_raw
        ddg_vina = float(np.mean([e.ddg_vina for e in used]))
        if flag:
            ddg, ddg_vina = min(ddg, NO_FIT_KCAL), min(ddg_vina, NO_FIT_KCAL)
        spread = float(np.std([e.ddg for e in used], ddof=1)) if len(used) > 1 else used[0].ddg_spread
        first = estimates[0]
        distance = first.site_distance_A
        return DdgEstimate(
            mutation=str(mut), ddg=ddg, flag=flag, ddg_vina=ddg_vina, ddg_consensus=0.5 * (ddg + ddg_vina),
            ddg_sd=total_sd(spread, distance), ddg_spread=spread, site_distance_A=distance,
            ddg_raw=ddg_raw, components=components,
            dg_wild=float(np.mean([e.dg_wild for e in used])),
            dg_mutant=float(np.mean([e.dg_mutant for e in used])),
            n_shell=first.n_shell, n_region_atoms=first.n_region_atoms,
            seconds=time.perf_counter() - start, wild=first.wild, mutant=first.mutant,
            cached=all(e.cached for e in estimates), n_members=len(used), members=estimates,
            prep=first.prep,
        )
