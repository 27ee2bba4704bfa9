"""Benchmark: structkit's Vina score beside the ``vina`` package (AutoDock Vina 1.2) in one run.

On every prepared complex of ../shared/benchmarks/abl_hauser2018 (4,300 protein atoms with
hydrogens, one core): structkit types the atoms (XS types) and scores the inhibitor; the package is
given the same atoms as PDBQT files, computes its grid maps (0.375 Å, Vina's default, over the
inhibitor plus 4 Å) and scores. Printed per complex: both scores, their difference, and the times
(structkit typing + scoring; the package's file reading + maps + scoring, and scoring alone).
Usage:  python scripts/bench_vina.py [--data ../shared/benchmarks/abl_hauser2018]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from _timing import best

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structkit
from structkit.energy.prepare import prepare
from structkit.geometry.vina import vina_terms, xs_types
from structkit.io.pdbqt import pdbqt_text


def main() -> None:
    from vina import Vina

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
                                              / "abl_hauser2018"))
    args = parser.parse_args()
    folder = Path(args.data)
    print(f"{'complex':28s} {'structkit':>10s} {'vina':>9s} {'diff %':>7s} {'ours ms':>8s} "
          f"{'vina ms':>9s} {'score ms':>9s} {'ratio':>7s}")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(folder.glob("*_complex.pdb")):
            sdf = path.with_name(path.name.replace("_complex.pdb", "_ligand.sdf"))
            prep = prepare(structkit.load(path, ligand_file=sdf, keep_hydrogens=True))
            xyz, lig = np.round(prep.coords, 3), np.round(prep.ligand.coords, 3)
            lig_types = xs_types(prep.ligand.element, lig)

            def ours(xyz=xyz, lig=lig, lig_types=lig_types, prep=prep) -> float:
                return vina_terms(lig, lig_types, xyz, xs_types(prep.element, xyz))["total"]

            receptor, ligand = Path(tmp) / "r.pdbqt", Path(tmp) / "l.pdbqt"
            receptor.write_text(pdbqt_text(prep.element, xyz, xs_types(prep.element, xyz), ligand=False))
            ligand.write_text(pdbqt_text(prep.ligand.element, lig, lig_types, ligand=True))
            v = Vina(sf_name="vina", verbosity=0, cpu=1)

            def theirs(v=v, lig=lig, receptor=receptor, ligand=ligand) -> float:
                v.set_receptor(str(receptor))
                v.set_ligand_from_file(str(ligand))
                box = (np.ptp(lig, axis=0) + 4).tolist()
                v.compute_vina_maps(center=lig.mean(axis=0).tolist(), box_size=box)
                return float(v.score()[1])

            t_ours = best(ours, 5)
            t_theirs = best(theirs, 3)
            t_score = best(lambda v=v: v.score(), 5)
            a, b = ours(), theirs()
            ratios.append(t_theirs / t_ours)
            print(f"{path.name[:28]:28s} {a:10.3f} {b:9.3f} {100 * (a - b) / abs(b):7.2f} "
                  f"{1e3 * t_ours:8.1f} {1e3 * t_theirs:9.1f} {1e3 * t_score:9.2f} {t_theirs / t_ours:7.1f}")
    print("vina package (files + maps + score) / structkit (typing + score): "
          f"median {np.median(ratios):.1f}x")


if __name__ == "__main__":
    main()
