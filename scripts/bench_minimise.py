"""Benchmark: structkit's region minimisation beside OpenMM's on the same regions, in one run.

On the imatinib-ABL1 complex of ../shared/benchmarks/abl_hauser2018, for the wild type and a
clinical mutant at each of several sites, the packed region (about 1,000-2,000 atoms, 100-250 of
them moving) is minimised twice from the same start, one core each:
  - structkit    structkit.energy.minimise: the terms that touch a moving atom, compiled kernels,
                 SciPy L-BFGS-B (what every ddG estimate runs);
  - OpenMM       the route structkit took before: the whole region as an ff14SB System
                 (ForceField.createSystem), a CPU Context with one thread and LocalEnergyMinimizer
                 (tolerance 10 kJ/mol/nm, at most 100 iterations).
Each time covers building the energy function and minimising. Both end points are scored with
OpenMM's Reference platform on the same System, so the energy drops compare directly.
Usage:  python scripts/bench_minimise.py [--data ../shared/benchmarks/abl_hauser2018]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structkit
from structkit.energy.minimise import minimisation_terms, minimise, openmm_system
from structkit.energy.prepare import prepare
from structkit.energy.relax import relax, select_region

SITES = [(315, "ILE"), (317, "LEU"), (255, "LYS"), (253, "HIS"), (351, "THR"), (359, "VAL"), (250, "GLU"),
         (248, "VAL")]


def main() -> None:
    import openmm as mm

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks/abl_hauser2018"))
    args = parser.parse_args()
    c = structkit.load(args.data / "imatinib_2hyy_complex.pdb", keep_hydrogens=True,
                       ligand_file=args.data / "imatinib_2hyy_ligand.sdf")
    prep = prepare(c)
    lig = prep.ligand
    # compile the kernels and read the force field once, outside the timings
    warm = relax(prep, select_region(prep, [prep.row_of(459)]), {}, minimise=False)
    minimise(*reversed(minimisation_terms(warm.names, warm.resnames, warm.row, warm.packed, warm.params,
                                          warm.movable, lig.coords, lig.params)))
    openmm_system(warm.names, warm.resnames, warm.row, warm.elements, warm.packed, warm.movable)
    print(f"{'region':<12} {'atoms':>6} {'moving':>6} {'structkit ms':>13} {'OpenMM ms':>10} {'ratio':>6} "
          f"{'drop ours':>10} {'drop OpenMM':>12}")
    ratios, drops = [], []
    for position, target in SITES:
        row = prep.row_of(position)
        for changes in ({}, {row: target}):
            model = relax(prep, select_region(prep, [row]), changes, minimise=False)
            atoms = (model.names, model.resnames, model.row)
            start = time.perf_counter()
            terms, xyz = minimisation_terms(*atoms, model.packed, model.params, model.movable, lig.coords,
                                            lig.params)
            ours, _ = minimise(xyz, terms)
            t_ours = time.perf_counter() - start
            start = time.perf_counter()
            system, positions = openmm_system(*atoms, model.elements, model.packed, model.movable, lig.coords,
                                              lig.params)
            cpu = mm.Platform.getPlatformByName("CPU")
            context = mm.Context(system, mm.VerletIntegrator(0.001), cpu, {"Threads": "1"})
            context.setPositions(positions)
            mm.LocalEnergyMinimizer.minimize(context, 10.0, 100)
            theirs = context.getState(getPositions=True).getPositions(asNumpy=True)._value * 10.0
            t_theirs = time.perf_counter() - start
            reference_platform = mm.Platform.getPlatformByName("Reference")
            reference = mm.Context(system, mm.VerletIntegrator(0.001), reference_platform)

            def energy(x: np.ndarray, context=reference) -> float:
                context.setPositions(x / 10.0)
                return context.getState(getEnergy=True).getPotentialEnergy()._value / 4.184

            e0 = energy(xyz)
            drop_ours, drop_theirs = e0 - energy(ours), e0 - energy(theirs)
            label = f"{position}{'' if not changes else target.title()[:3]}"
            print(f"{label:<12} {len(model.names):>6} {int(model.movable.sum()):>6} {1000 * t_ours:>13.0f} "
                  f"{1000 * t_theirs:>10.0f} {t_theirs / t_ours:>6.1f} {drop_ours:>10.1f} "
                  f"{drop_theirs:>12.1f}")
            ratios.append(t_theirs / t_ours)
            drops.append(drop_ours / drop_theirs)
    print(f"\n{len(ratios)} regions: OpenMM / structkit time, median {np.median(ratios):.1f}x "
          f"(range {min(ratios):.1f}-{max(ratios):.1f}); structkit's energy drop / OpenMM's, median "
          f"{np.median(drops):.3f} (range {min(drops):.3f}-{max(drops):.3f}; kcal/mol, scored by OpenMM "
          "Reference)")


if __name__ == "__main__":
    main()
