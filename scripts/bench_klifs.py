"""Benchmark: KLIFS position assignment on non-ALK kinases, beside a sequence-only assignment.

For every KLIFS folder in ../shared/klifs (13 structures of ABL2, AAK1, CHK1, ADCK3 and ALK) and the
eight ABL1 complexes of ../shared/benchmarks/abl_hauser2018, times in one run:
  - structkit   structkit.model.klifs.assign_klifs (sequence seed, structural DP + Kabsch);
  - sequence    Biopython PairwiseAligner (BLOSUM62, gap -10/-0.5) of the chain's sequence to the
                ALK template's, positions read through the alignment: the usual shortcut;
and, on the 13 KLIFS folders, how many of the 85 positions each puts on KLIFS's residue.
Also times structkit.load of the same files (parse + chain choice + numbering + KLIFS).
Usage:  python scripts/bench_klifs.py [--shared ../shared] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from _timing import best
from Bio import Align
from Bio.Align import substitution_matrices

import structkit
from structkit.io.read import read_structure
from structkit.model.atoms import atom_per_residue, residue_starts
from structkit.model.klifs import assign_klifs, kinase_template
from structkit.model.residues import one_letter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.test_klifs import _truth


def _chain(path: Path):
    atoms = read_structure(path).atoms
    atoms = atoms[~atoms.hetero]
    starts = residue_starts(atoms)
    ca = atom_per_residue(atoms, starts, np.append(starts[1:], len(atoms)))
    seq = "".join(one_letter(r) for r in atoms.resname[starts])
    return ca, seq, atoms.resnum[starts]


def _sequence_assignment(seq: str) -> np.ndarray:
    """Residue index at each KLIFS position by pairwise sequence alignment to the template."""
    template = kinase_template()
    aligner = Align.PairwiseAligner(mode="global", open_gap_score=-10, extend_gap_score=-0.5,
                                    end_gap_score=0)
    aligner.substitution_matrix = substitution_matrices.load("BLOSUM62")
    alignment = aligner.align(template.sequence, seq.replace("X", "A"))[0]
    query_of = np.full(len(template.sequence), -1)
    for (t0, t1), (q0, q1) in zip(*alignment.aligned):
        query_of[t0:t1] = np.arange(q0, q1)
    return query_of[template.residue_of_position]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default="../shared", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    human = args.shared / "klifs" / "HUMAN"
    folders = sorted(p for p in human.glob("*/*") if (p / "complex.pdb").is_file())
    abl = sorted((args.shared / "benchmarks" / "abl_hauser2018").glob("*_complex.pdb"))
    files = [f / "complex.pdb" for f in folders] + abl
    chains = [_chain(f) for f in files]

    ours = best(lambda: [assign_klifs(ca, s, n) for ca, s, n in chains], args.repeat)
    seq_only = best(lambda: [_sequence_assignment(s) for _, s, _ in chains], args.repeat)
    loads = best(lambda: [structkit.load(f) for f in files], args.repeat)
    right_ours = right_seq = 0
    for folder, (ca, s, n) in zip(folders, chains):
        truth = _truth(folder)
        a = assign_klifs(ca, s, n).residue_index
        right_ours += int((np.where(a >= 0, n[np.maximum(a, 0)], -1) == truth).sum())
        b = _sequence_assignment(s)
        right_seq += int((np.where(b >= 0, n[np.maximum(b, 0)], -1) == truth).sum())
    total = 85 * len(folders)
    n = len(chains)
    print(f"{n} non-ALK-numbered kinase chains ({len(folders)} KLIFS folders + {len(abl)} ABL1 complexes), "
          f"best of {args.repeat}")
    print(f"  structkit assign_klifs    {1000 * ours / n:6.1f} ms/structure   "
          f"KLIFS agreement {right_ours}/{total} ({100 * right_ours / total:.1f} %)")
    print(f"  sequence-only (Biopython) {1000 * seq_only / n:6.1f} ms/structure   "
          f"KLIFS agreement {right_seq}/{total} ({100 * right_seq / total:.1f} %)")
    print(f"  ratio structkit / sequence-only time  {ours / seq_only:5.1f}x")
    print(f"  structkit.load (full, incl. KLIFS)    {1000 * loads / n:6.1f} ms/structure")
    print(f"  goal: KLIFS assignment under 50 ms per structure: {'met' if ours / n < 0.05 else 'MISSED'}")


if __name__ == "__main__":
    main()
