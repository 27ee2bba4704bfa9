"""Benchmark: load all shared ALK structures with structkit, beside Biopython's bare parse.

Times, in one run and on the same files (warm OS cache: every file is read once first):
  - structkit.load      full pipeline: parse, altlocs, hydrogens, UniProt/KLIFS numbering,
                        inhibitor and chain choice, residue table;
  - structkit parse     structkit.read_structure alone (the arrays, no policies);
  - Biopython parse     Bio.PDB PDBParser / MMCIFParser get_structure (bare parse, QUIET).
Prints the best of N repeats for each and the ratios. Usage:
    python scripts/bench_load.py [--mirror ../shared/structures] [--repeat 3]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from _timing import best

import structkit
from structkit.catalogue import catalogue, catalogue_ids


def _files(mirror: Path) -> list[Path]:
    rows = {r["pdb_id"]: r for r in catalogue()}
    return [mirror / rows[i]["mirror_file"] for i in catalogue_ids()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", default="../shared/structures", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = _files(args.mirror)
    for f in files:
        f.read_bytes()

    from Bio.PDB import MMCIFParser, PDBParser

    def biopython() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for f in files:
                p = MMCIFParser(QUIET=True) if f.suffix == ".cif" else PDBParser(QUIET=True)
                p.get_structure(f.stem, str(f))

    def ours_parse() -> None:
        for f in files:
            structkit.read_structure(f)

    def ours_load() -> None:
        for f in files:
            structkit.load(f)

    t_load = best(ours_load, args.repeat)
    t_parse = best(ours_parse, args.repeat)
    t_bio = best(biopython, args.repeat)
    print(f"{len(files)} structures, best of {args.repeat}")
    print(f"  structkit.load (full pipeline)   {t_load:7.3f} s   {1000 * t_load / len(files):6.1f} ms/file")
    print(f"  structkit parse only             {t_parse:7.3f} s   {1000 * t_parse / len(files):6.1f} ms/file")
    print(f"  Biopython bare parse             {t_bio:7.3f} s   {1000 * t_bio / len(files):6.1f} ms/file")
    print(f"  ratio Biopython parse / structkit.load   {t_bio / t_load:5.1f}x")
    print(f"  ratio Biopython parse / structkit parse  {t_bio / t_parse:5.1f}x")
    print(f"  goal: all {len(files)} loaded in under 5 s: {'met' if t_load < 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
