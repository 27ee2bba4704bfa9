"""Benchmark: the cost of a ddG estimate, and its energy kernels beside OpenMM's, in one run.

On the imatinib-ABL1 complex of ../shared/benchmarks/abl_hauser2018 (4,301 protein atoms with
hydrogens), one core, no result cache:
  - per mutant     structkit's full estimate (repack + minimisation + score) of clinical
                   mutations, wild-type models reused per site as in a scan, in the fast mode and
                   the accurate one (five backbones);
  - whole domain   the direct OpenMM route the relaxed region avoids: the whole complex with GBn2
                   implicit solvent, minimised (20 L-BFGS steps timed; the issue's reference run of 200
                   steps took 334 s);
  - OBC2 kernel    binding solvation terms of one region (three GB calculations, NumPy) beside OpenMM
                   evaluating the same OBC2 energies (Reference and CPU platforms);
and prints the ratios.
Usage:  python scripts/bench_ddg.py [--data ../shared/benchmarks/abl_hauser2018] [--n 12]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from _timing import best

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structkit
from structkit.energy.binding import BindingScorer, binding_terms
from structkit.energy.ddg import DdgEstimator
from structkit.energy.ensemble import EnsembleDdgEstimator
from structkit.energy.prepare import prepare
from structkit.energy.relax import relax, select_region

MUTATIONS = ["T315I", "T315A", "F317L", "F317V", "E255K", "E255V", "Y253H", "Y253F", "G250E", "M351T",
             "H396P", "F359V", "V299L", "L248V", "Q252H", "E459K"]


def openmm_obc2(groups, platform: str) -> float:
    import openmm as mm
    from openmm.app.internal.customgbforces import GBSAOBC2Force

    system = mm.System()
    force = GBSAOBC2Force(SA="ACE")
    for xyz, p in groups:
        for i in range(len(xyz)):
            system.addParticle(1.0)
            force.addParticle([p.charge[i], p.radius[i] / 10, p.scale[i]])
    force.finalize()
    system.addForce(force)
    props = {"Threads": "1"} if platform == "CPU" else {}
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName(platform), props)
    context.setPositions(np.vstack([g[0] for g in groups]) / 10)
    return context.getState(getEnergy=True).getPotentialEnergy()._value


def whole_domain_minimisation(path: Path, steps: int) -> float:
    import openmm as mm
    from openmm import app, unit

    pdb = app.PDBFile(str(path))
    modeller = app.Modeller(pdb.topology, pdb.positions)
    modeller.delete([r for r in modeller.topology.residues() if r.name in ("LIG", "HOH")])
    ff = app.ForceField("amber14/protein.ff14SB.xml", "implicit/gbn2.xml")
    system = ff.createSystem(modeller.topology, nonbondedMethod=app.CutoffNonPeriodic,
                             nonbondedCutoff=1.0 * unit.nanometer)
    context = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("CPU"),
                         {"Threads": "1"})
    context.setPositions(modeller.positions)
    t0 = time.perf_counter()
    mm.LocalEnergyMinimizer.minimize(context, 0.0, steps)
    return time.perf_counter() - t0


def time_each(estimator, mutations: list[str]) -> list[float]:
    """Seconds of each estimate, in order (wild-type models reused per site, as in a scan)."""
    times = []
    for mutation in mutations:
        t0 = time.perf_counter()
        estimator.estimate(mutation)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/benchmarks/abl_hauser2018")
    parser.add_argument("--n", type=int, default=12, help="mutants to time")
    args = parser.parse_args()
    data = Path(args.data)
    complex_path = data / "imatinib_2hyy_complex.pdb"
    c = structkit.load(complex_path, ligand_file=data / "imatinib_2hyy_ligand.sdf", keep_hydrogens=True)
    t0 = time.perf_counter()
    prep = prepare(c)
    t_prep = time.perf_counter() - t0
    times = time_each(DdgEstimator(prep), MUTATIONS[: args.n])
    per_mutant = float(np.mean(times))
    print(f"structkit ddG, {len(times)} mutants on one core: {per_mutant:.2f} s per mutant "
          f"(median {np.median(times):.2f}, max {max(times):.2f}; wild-type models reused per site); "
          f"preparation {t_prep:.2f} s once")

    # the accurate mode: the same mutants over the crystal and four backrubbed backbones
    accurate = time_each(EnsembleDdgEstimator(prep), MUTATIONS[: args.n])
    per_accurate = float(np.mean(accurate))
    print(f"structkit ddG --mode accurate, the same {len(accurate)} mutants: {per_accurate:.2f} s per mutant "
          f"(median {np.median(accurate):.2f}, max {max(accurate):.2f}): "
          f"{per_accurate / per_mutant:.1f}x the fast mode")

    # a saturation scan: the 19 substitutions of one site share the region, and the packer's pair
    # tables of the unsubstituted residues are computed once; the same scan without that reuse
    letters = [a for a in "ACDEFGHIKLMNPQRSVWY" if a != "T"]
    scan = {}
    for reuse in (True, False):
        scanner = DdgEstimator(prep)
        scanner.estimate("T315A")  # the site's wild-type model, as in a scan
        if not reuse:
            scanner._tables = None  # relax() then recomputes every table
        t0 = time.perf_counter()
        for letter in letters[1:]:
            scanner.estimate(f"T315{letter}")
        scan[reuse] = (time.perf_counter() - t0) / (len(letters) - 1)
    print(f"site scan T315 (18 substitutions after the first): {scan[True]:.2f} s per mutant with the "
          f"packing tables reused, {scan[False]:.2f} s without: {scan[False] / scan[True]:.2f}x")

    steps = 20
    t_whole = whole_domain_minimisation(complex_path, steps)
    print(f"OpenMM, whole domain with GBn2, {steps} minimisation steps: {t_whole:.1f} s "
          f"(x{200 / steps:.0f} for 200 steps: {t_whole * 200 / steps:.0f} s)")
    print(f"ratio: one whole-domain 200-step GBn2 minimisation = {t_whole * 200 / steps / per_mutant:.0f} "
          "structkit mutant estimates")

    region = select_region(prep, [prep.row_of(315)])
    model = relax(prep, region, {prep.row_of(315): "ILE"})
    lig = prep.ligand
    scorer = BindingScorer(lig)
    scorer.terms(model.coords, model.params, model.movable)
    t_cached = best(lambda: scorer.terms(model.coords, model.params, model.movable), 3)
    t_fresh = best(lambda: binding_terms(model.coords, model.params, lig), 3)
    groups = [[(model.coords, model.params), (lig.coords, lig.params)], [(model.coords, model.params)],
              [(lig.coords, lig.params)]]
    for platform in ("Reference", "CPU"):
        t_omm = best(lambda platform=platform: [openmm_obc2(g, platform) for g in groups], 3)
        print(f"binding terms of a {len(model.coords)}-atom region: structkit {t_fresh * 1e3:.0f} ms afresh, "
              f"{t_cached * 1e3:.0f} ms reusing the fixed atoms; OpenMM {platform} OBC2 (3 contexts) "
              f"{t_omm * 1e3:.0f} ms: ratio {t_omm / t_cached:.1f}x")


if __name__ == "__main__":
    main()
