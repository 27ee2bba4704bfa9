"""How much a ddG estimate moves when its input moves by nothing that matters.

The erlotinib-ABL1 complex (hydrogens from its file, so no random preparation step) is estimated for
four clinical mutations, then again with the ligand's coordinates jittered by a normal 1e-4 Å (seeded);
prints every estimate and the standard deviation per mutation (kcal/mol, package scale).
Usage:  python scripts/ddg_noise.py [--data ../shared/benchmarks/abl_hauser2018] [--jitters 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structkit
from structkit.energy.ddg import DdgEstimator
from structkit.energy.prepare import prepare

MUTATIONS = ["F317L", "T315I", "E255K", "T315A"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/benchmarks/abl_hauser2018")
    parser.add_argument("--jitters", type=int, default=4)
    args = parser.parse_args()
    data = Path(args.data)
    c = structkit.load(data / "erlotinib_2g1t_complex.pdb", ligand_file=data / "erlotinib_2g1t_ligand.sdf",
                       keep_hydrogens=True)
    prep = prepare(c)
    rng = np.random.default_rng(0)
    values: dict[str, list[float]] = {m: [] for m in MUTATIONS}
    for k in range(args.jitters + 1):
        shift = rng.normal(size=prep.ligand.coords.shape) * 1e-4 if k else 0.0
        ligand = dataclasses.replace(prep.ligand, coords=prep.ligand.coords + shift)
        estimator = DdgEstimator(dataclasses.replace(prep, ligand=ligand))
        for mutation in MUTATIONS:
            values[mutation].append(estimator.estimate(mutation).ddg)
    for mutation, v in values.items():
        print(f"{mutation}: " + " ".join(f"{x:.3f}" for x in v) + f"  SD {np.std(v, ddof=1):.3f} kcal/mol")


if __name__ == "__main__":
    main()
