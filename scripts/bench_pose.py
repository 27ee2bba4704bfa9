"""Benchmark: posing a compound with structkit beside plain AutoDock Vina docking, in one run.

For a few ALK inhibitors (their own ligand's templates removed, as in ``structkit benchmark poses``):
structkit's template route (``structkit.pose``: template choice, embedding, Vina refinement), its
docking route (``method="dock"``), and plain Vina docking of the same RDKit conformer (Meeko
ligand, ``exhaustiveness`` 8, on the CPUs the process may use, as structkit's own docking) in a
box around the crystal ligand with 4 Å margins, the receptor already prepared for both. Printed
per ligand: the times, the ratio of Vina's time to the template route's, and each pose's heavy-atom
RMSD to the crystal.
Usage:  python scripts/bench_pose.py [--mirror ../shared/structures] [--entries 4CLI 2XP2 4MKC]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from structkit.analysis.study.pose_benchmark import crystal_rmsd, skeleton_smiles
from structkit.energy.prepare import prepare
from structkit.posing.placement import embedded
from structkit.posing.pose import pose
from structkit.posing.templates import template_library
from structkit.posing.vina_run import Box, VinaReceptor


def main() -> None:
    parser = argparse.ArgumentParser()
    shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument("--mirror", default=str(shared / "structures"))
    parser.add_argument("--entries", nargs="+", default=["4CLI", "2XP2", "4MKC", "3AOX"])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    library = template_library([args.mirror])
    print(f"{'entry':6s} {'ligand':6s} {'template s':>10s} {'dock s':>8s} {'vina s':>8s} {'vina/ours':>9s} "
          f"{'rmsd tmpl':>9s} {'rmsd dock':>9s} {'rmsd vina':>9s}")
    for entry in args.entries:
        target = next(t for t in library if t.label == entry)
        same = skeleton_smiles(target.smiles)
        others = [t for t in library if t.ligand != target.ligand and skeleton_smiles(t.smiles) != same]
        receptor = target.load_complex().without_inhibitor()
        prepared = prepare(receptor)  # protonated once: the three routes time the posing alone
        start = time.perf_counter()
        ours = pose(f"{target.ligand}={target.smiles}", structure=receptor, templates=others)
        t_template = time.perf_counter() - start
        start = time.perf_counter()
        docked = pose(f"{target.ligand}={target.smiles}", structure=receptor, templates=others, method="dock")
        t_dock = time.perf_counter() - start
        start = time.perf_counter()
        box = Box.around(target.mol.GetConformer().GetPositions(), margin=4.0, minimum=0.0)
        plain = VinaReceptor(prepared, box).dock(embedded(ours.compound.mol))[0][1]
        t_vina = time.perf_counter() - start
        rmsds = [crystal_rmsd(mol, target, receptor) for mol in (ours.mol, docked.mol, plain)]
        print(f"{entry:6s} {target.ligand:6s} {t_template:10.1f} {t_dock:8.1f} {t_vina:8.1f} "
              f"{t_vina / t_template:9.1f} " + " ".join(f"{r:9.2f}" for r in rmsds), flush=True)


if __name__ == "__main__":
    main()
