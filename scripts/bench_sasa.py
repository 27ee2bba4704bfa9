"""Benchmark: Shrake-Rupley SASA of an ALK structure, structkit beside FreeSASA (C) and Biopython.

All three get the same atoms (2XP2 chain A heavy atoms, ~2,300), the same Bondi radii, probe 1.4 A
and the same number of test points; FreeSASA runs single-threaded (its default). Prints the best
of N repeats and the ratios. Usage:  python scripts/bench_sasa.py [--points 100] [--repeat 7]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from _timing import best

import structkit
from structkit.geometry.radii import atom_radii, vdw_radii
from structkit.geometry.sasa import shrake_rupley


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", default="../shared/structures", type=Path)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import freesasa
    from Bio.PDB import PDBParser
    from Bio.PDB.SASA import ShrakeRupley

    protein = structkit.load(args.mirror / "2xp2.pdb").protein
    coords, radii = protein.coords, atom_radii(protein.element)

    params = freesasa.Parameters()
    params.setAlgorithm(freesasa.ShrakeRupley)
    params.setNPoints(args.points)
    params.setProbeRadius(1.4)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = PDBParser(QUIET=True).get_structure("x", str(args.mirror / "2xp2.pdb"))[0]
    for residue in list(model["A"]):
        if residue.id[0] != " ":
            model["A"].detach_child(residue.id)
    biopython = ShrakeRupley(probe_radius=1.4, n_points=args.points, radii_dict=vdw_radii())

    t_ours = best(lambda: shrake_rupley(coords, radii, n_points=args.points), args.repeat)
    t_free = best(lambda: freesasa.calcCoord(coords.ravel(), radii, params), args.repeat)
    t_bio = best(lambda: biopython.compute(model, level="A"), max(2, args.repeat // 3))
    total = shrake_rupley(coords, radii, n_points=args.points).sum()
    print(f"SASA of 2XP2 chain A: {len(coords)} atoms, {args.points} points, total {total:.0f} A^2")
    print(f"  structkit (NumPy)        {1000 * t_ours:8.2f} ms")
    print(f"  FreeSASA (C)             {1000 * t_free:8.2f} ms")
    print(f"  Biopython ShrakeRupley   {1000 * t_bio:8.2f} ms")
    goal_free = "met" if t_ours <= 1.5 * t_free else "MISSED"
    goal_bio = "met" if t_bio >= 10 * t_ours else "MISSED"
    print(f"  structkit / FreeSASA     {t_ours / t_free:5.2f}x   (goal <= 1.5x: {goal_free})")
    print(f"  Biopython / structkit    {t_bio / t_ours:5.1f}x   (goal >= 10x: {goal_bio})")


if __name__ == "__main__":
    main()
