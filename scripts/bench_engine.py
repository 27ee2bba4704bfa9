"""Throughput of the batch engine: the same ALK saturation ddG scan on 1 and on 2 local Dask workers,
and the share of a results run spent loading structures.

    python scripts/bench_engine.py [--mirror ../shared/structures] [--sites 1196,1202] [--skip-run]

The scan estimates every substitution at the given sites of lorlatinib-ALK (4CLI) with the result
cache off, once in this process (``--workers 1``) and once on a local cluster of two single-threaded
workers, each run preparing its own copy of the complex from the protonated chain on disk; the
tables must be identical. The run share is measured by profiling ``structkit run`` in
this process (force-field tables reused from results/): cumulative time inside ``structkit.load``
over the wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time

import structkit
from structkit.analysis.measure.ddg import ddg_table, substitutions_at
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.pipeline.run import run
from structkit.energy.prepare import prepare
from structkit.io.load import LoadOptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="../shared/structures")
    parser.add_argument("--sites", default="1196,1202")
    parser.add_argument("--skip-run", action="store_true")
    args = parser.parse_args()
    complex_ = structkit.load("4CLI", mirrors=[args.mirror], keep_hydrogens=True)
    mutations = substitutions_at([int(s) for s in args.sites.split(",")], complex_.reference)
    with tempfile.TemporaryDirectory() as cache:
        # protonate once into the disk cache, without keeping a prepared estimator in this process:
        # both timed runs then start from the same state and each prepares its own copy
        prepare(complex_, cache=cache)
        timings, tables = {}, {}
        for workers in (1, 2):
            with Engine(workers=workers, cache=cache, use_cache=False) as engine:
                engine.map(abs, [1, 2])  # start the local cluster before the clock
                t0 = time.perf_counter()
                tables[workers] = ddg_table(complex_, mutations, engine=engine)
                timings[workers] = time.perf_counter() - t0
    same = tables[1].equals(tables[2])
    print(f"ALK saturation ddG scan, 4CLI, sites {args.sites}: {len(mutations)} mutants, cache off")
    for workers, seconds in timings.items():
        print(f"  {workers} worker(s)   {seconds:7.1f} s   {len(mutations) / seconds:5.2f} mutants/s")
    print(f"  throughput ratio 2 workers / 1 worker: {timings[1] / timings[2]:.2f}x (goal >= 1.8x); "
          f"tables identical: {same}")
    if args.skip_run:
        return
    with tempfile.TemporaryDirectory() as out:
        profile = cProfile.Profile()
        t0 = time.perf_counter()
        profile.enable()
        run(out, engine=Engine(workers=1), reuse_energies="results",
            options=LoadOptions.resolve([args.mirror], offline=True))
        profile.disable()
        wall = time.perf_counter() - t0
    stats = pstats.Stats(profile)
    loading = sum(v[3] for k, v in stats.stats.items()
                  if k[0].endswith("structkit/io/load.py") and k[2] == "load")
    print(f"structkit run (force-field tables reused, 1 process, under the profiler): {wall:.0f} s, "
          f"{loading:.1f} s in structkit.load ({100 * loading / wall:.1f} %; goal <= 5 %)")


if __name__ == "__main__":
    main()
