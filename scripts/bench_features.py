"""Benchmark: the feature table of all shared structures and the scan of every review mutation.

Times, in one run:
  - the full feature table (every review site x every shared structure), goal < 10 s;
  - the scan of every substitution the review names across every liganded structure, goal < 60 s;
  - for scale, the same minimum-distance and contact columns computed with MDAnalysis
    (distance_array per residue), beside structkit's grouped KD-tree kernels.
Usage:  python scripts/bench_features.py [--mirror ../shared/structures]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import structkit
from structkit.analysis.measure.features import feature_table
from structkit.analysis.measure.scan import review_mutations, scan
from structkit.catalogue import catalogue, catalogue_ids
from structkit.geometry.distances import count_within_by_group, group_ids, min_distance_by_group
from structkit.io.load import LoadOptions


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", default="../shared/structures", type=Path)
    args = parser.parse_args()
    mirrors = [args.mirror]
    ids = catalogue_ids()
    liganded = [r["pdb_id"] for r in catalogue() if r["verified"] == "yes" and r["ligand"]]

    t0 = time.perf_counter()
    table = feature_table(ids, options=LoadOptions.resolve(mirrors))
    t_features = time.perf_counter() - t0

    t0 = time.perf_counter()
    scanned = scan(liganded, review_mutations(), options=LoadOptions.resolve(mirrors))
    t_scan = time.perf_counter() - t0

    # distance kernels against MDAnalysis on the same complexes
    from MDAnalysis.lib.distances import distance_array

    complexes = [structkit.load(i, mirrors=mirrors) for i in liganded]
    t0 = time.perf_counter()
    for c in complexes:
        starts = c.protein.residue_starts()
        groups = group_ids(starts, len(c.protein))
        min_distance_by_group(c.protein.coords, groups, len(starts), c.inhibitor.coords, cutoff=12.0)
        count_within_by_group(c.protein.coords, groups, len(starts), c.inhibitor.coords, (4.0, 4.5, 6.0))
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in complexes:
        d = distance_array(c.protein.coords, c.inhibitor.coords)
        starts = np.append(c.protein.residue_starts(), len(c.protein))
        for a, b in zip(starts[:-1], starts[1:]):
            block = d[a:b]
            block.min()
            per_ligand = block.min(axis=0)
            [(per_ligand <= cut).sum() for cut in (4.0, 4.5, 6.0)]
    t_mda = time.perf_counter() - t0

    print(f"feature table: {len(ids)} structures x {table['uniprot'].nunique()} sites = {len(table)} rows"
          f" in {t_features:.2f} s (goal < 10 s: {'met' if t_features < 10 else 'MISSED'})")
    print(f"scan: {len(review_mutations())} review substitutions x {len(liganded)} liganded structures ="
          f" {len(scanned)} rows in {t_scan:.2f} s (goal < 60 s: {'met' if t_scan < 60 else 'MISSED'})")
    print(f"per-residue min distance + contacts, {len(complexes)} complexes: "
          f"structkit {1000 * t_ours:.0f} ms, MDAnalysis distance_array loop {1000 * t_mda:.0f} ms, "
          f"ratio {t_mda / t_ours:.1f}x")


if __name__ == "__main__":
    main()
