"""Held-out check of the KLIFS alignment's four parameters on the shared KLIFS pocket files.

The structural alignment (:mod:`structkit.model.klifs`) has four parameters: the distance scale
``D0`` of its pair score, the weight of the BLOSUM62 term, the gap penalty and the factor on an
insertion between consecutive pocket positions. They were chosen by looking at the same KLIFS
files the tests check, so the tests measure fit. This script splits the
files by kinase family into two halves (tyrosine kinases ABL2 and ALK; the others AAK1, CHK1 and
the atypical ADCK3), picks the best parameters on one half from a grid (ties: the set nearest the
shipped values), and reports the agreement of those parameters on the other half, both ways,
beside the shipped parameters.

Usage:  python scripts/klifs_holdout.py [--klifs ../shared/klifs]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from structkit.io.klifs_download import klifs_pocket_residues
from structkit.io.read import read_structure
from structkit.model import klifs
from structkit.model.atoms import atom_per_residue, residue_starts
from structkit.model.residues import one_letter

GRID = {"D0": (3.5, 4.0, 4.5, 5.0, 5.5), "SEQUENCE_WEIGHT": (0.0, 0.01, 0.02, 0.05, 0.1),
        "GAP": (-0.3, -0.6, -1.0, -1.5), "POCKET_INSERTION_FACTOR": (1.0, 2.0, 5.0, 10.0)}
SHIPPED = {key: getattr(klifs, key) for key in GRID}
HALF_A = ("ABL2", "ALK")  # tyrosine kinases; the other half: AAK1, CHK1, ADCK3


def _case(folder: Path, meta: pd.DataFrame) -> tuple[str, np.ndarray, str, np.ndarray, np.ndarray]:
    """(kinase, C-alphas, sequence, residue numbers, KLIFS's residue number per position)."""
    chain = folder.name[-1]
    atoms = read_structure(folder / "complex.pdb").atoms
    protein = atoms[~atoms.hetero & (atoms.chain == chain)]
    starts = residue_starts(protein)
    stops = np.append(starts[1:], len(protein))
    ca = atom_per_residue(protein, starts, stops)
    sequence = "".join(one_letter(r) for r in protein.resname[starts])
    return folder.parent.name, ca, sequence, protein.resnum[starts], klifs_pocket_residues(folder, meta)


def _agreement(case, params: dict[str, float]) -> int:
    for key, value in params.items():
        setattr(klifs, key, value)
    _, ca, sequence, resnums, truth = case
    result = klifs.assign_klifs(ca, sequence, resnums)
    ours = np.where(result.residue_index >= 0, resnums[np.maximum(result.residue_index, 0)], -1)
    return int((ours == truth).sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--klifs", default="../shared/klifs")
    args = parser.parse_args()
    root = Path(args.klifs)
    meta = pd.read_csv(root / "klifs_metadata.csv")
    folders = sorted(p for p in (root / "HUMAN").glob("*/*") if (p / "complex.pdb").is_file())
    cases = {f.name: _case(f, meta) for f in folders}
    combos = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    scores = np.array([[_agreement(case, params) for case in cases.values()] for params in combos])
    for key, value in SHIPPED.items():
        setattr(klifs, key, value)
    in_a = np.array([case[0] in HALF_A for case in cases.values()])

    def distance(params):
        return sum(abs(params[k] - SHIPPED[k]) / max(abs(SHIPPED[k]), 0.01) for k in GRID)

    shipped = combos.index(SHIPPED)
    print(f"{len(cases)} KLIFS structures, {len(combos)} parameter sets; half A = {', '.join(HALF_A)} "
          f"({in_a.sum()} structures), half B = the rest ({(~in_a).sum()})")
    for train, test, label in ((in_a, ~in_a, "A -> B"), (~in_a, in_a, "B -> A")):
        totals = scores[:, train].sum(axis=1)
        best = max(np.flatnonzero(totals == totals.max()), key=lambda k: -distance(combos[k]))
        print(f"{label}: chosen {combos[best]} ({totals[best]}/{85 * train.sum()} on its own half); "
              f"held out {scores[best, test].sum()}/{85 * test.sum()} "
              f"(shipped parameters {scores[shipped, test].sum()}/{85 * test.sum()})")
    print("per structure, shipped parameters and the best on that structure alone:")
    for k, name in enumerate(cases):
        print(f"  {name:18s} {scores[shipped, k]:3d}/85   best {scores[:, k].max():3d}/85")


if __name__ == "__main__":
    main()
