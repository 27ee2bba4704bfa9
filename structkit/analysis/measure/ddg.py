"""Binding free energy changes for many mutations of a complex, in parallel, cached, with progress.

Mutations are grouped by the residues they change (one group reuses its wild-type model), groups
run as tasks on worker processes (the groups of several complexes in one batch, :func:`ddg_tables`),
and rows come back in the order the mutations were given, so the table is the same whatever the
number of workers. Each estimate is cached by :class:`~structkit.energy.ddg.DdgEstimator` under
its prepared complex's checksum, and each finished row under the complex's fingerprint (which
determines the prepared complex), so a repeated call answers without preparing or starting workers
(see :mod:`structkit.io.result_cache`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from structkit.analysis.parallel.engine import Engine, default_workers
from structkit.energy import ddg as energy_ddg
from structkit.energy.ddg import COMPONENTS, METHOD, DdgEstimator
from structkit.energy.ensemble import MODES, EnsembleDdgEstimator
from structkit.energy.prepare import PREPARATION, PreparedComplex, prepare
from structkit.energy.uncertainty import model_sd_table
from structkit.errors import StructkitError
from structkit.io.result_cache import ResultCache
from structkit.model.complex import Complex
from structkit.model.mutations import mutation_positions
from structkit.model.numbering import Reference
from structkit.version import __version__

__all__ = ["DDG_COLUMNS", "check_mode", "complete_table", "ddg_table", "ddg_tables", "make_estimator"]

#: Columns of a ddg table.
DDG_COLUMNS = ["mutation", "ddg", "ddg_sd", "ddg_spread", "site_distance_A", "ddg_raw", "ddg_vina",
               "ddg_consensus", *COMPONENTS, "dg_wild", "dg_mutant", "n_shell", "n_region_atoms", "flag",
               "status"]


#: Per process (per worker): the estimator of the last complex, keyed by the complex's full
#: fingerprint (chain, pose, chemistry), the mode and the cache settings, so that it is never
#: reused for a complex that differs in anything.
_PREPARED: dict[tuple, DdgEstimator | EnsembleDdgEstimator] = {}


def check_mode(mode: str) -> str:
    """``mode`` if it is one of :data:`~structkit.energy.ensemble.MODES`, else a StructkitError."""
    if mode not in MODES:
        raise StructkitError(f"unknown ddG mode {mode!r}: choose one of {', '.join(MODES)}")
    return mode


Estimator = DdgEstimator | EnsembleDdgEstimator


def make_estimator(prep: PreparedComplex, mode: str = "fast", cache: ResultCache | None = None) -> Estimator:
    """The estimator of a mode: the crystal backbone (``fast``) or the backrub ensemble (``accurate``)."""
    if check_mode(mode) == "accurate":
        return EnsembleDdgEstimator(prep, cache=cache)
    return DdgEstimator(prep, cache=cache)


def _estimator(complex_: Complex, cache: str | None, use_cache: bool, mode: str) -> Estimator:
    key = (complex_.fingerprint(), cache, use_cache, mode, energy_ddg.ddg_scale())  # the scale is read once
    if key not in _PREPARED:
        _PREPARED.clear()
        prep = prepare(complex_, cache=cache)
        _PREPARED[key] = make_estimator(prep, mode, ResultCache("ddg", cache, enabled=use_cache))
    return _PREPARED[key]


def _run_group(mutations: list[str], complex_: Complex, cache: str | None, use_cache: bool,
               mode: str = "fast") -> list[dict]:
    """One task: the estimates of mutations at one site (they share the site's wild-type model)."""
    estimator = _estimator(complex_, cache, use_cache, mode)
    rows = []
    for mutation in mutations:
        try:
            rows.append({**estimator.estimate(mutation).row(), "status": "ok"})
        except StructkitError as exc:
            rows.append({"mutation": mutation, "status": str(exc)})
    return rows


def complete_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every column of :data:`DDG_COLUMNS` (NaN where no mutation had a value)."""
    for column in DDG_COLUMNS:
        if column not in table:
            table[column] = np.nan
    return table[DDG_COLUMNS]


def _groups(mutations: Sequence[str]) -> list[list[int]]:
    by_site: dict[tuple[int, ...], list[int]] = {}
    for k, text in enumerate(mutations):
        try:
            positions = mutation_positions(text)
        except (StructkitError, IndexError):
            positions = (-k - 1,)
        by_site.setdefault(positions, []).append(k)
    return list(by_site.values())


def ddg_table(
    complex_: Complex,
    mutations: Sequence[str],
    *,
    workers: int | None = None,
    cache: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    engine: Engine | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """Estimates for every mutation of one complex (columns :data:`DDG_COLUMNS`, input order).

    Parameters
    ----------
    complex_ : Complex
        With an inhibitor.
    mutations : sequence of str
        Single or compound substitutions (``G1202R``, ``G1202R+L1196M``).
    workers : int, optional
        Local worker processes when no ``engine`` is given (default: all cores; 1 runs in this
        process).
    cache : path, optional
        Cache root (``STRUCTKIT_CACHE`` by default).
    use_cache : bool
        Look up and store results in the cache.
    progress : callable, optional
        ``progress(0, total, "")`` once when the work starts, then ``progress(done, total,
        mutation)`` after each finished group.
    engine : Engine, optional
        Where the tasks (one per site) run (:class:`~structkit.analysis.parallel.engine.Engine`: this
        process, a local Dask cluster or a Dask scheduler); the table does not depend on it.
    mode : {"fast", "accurate"}
        ``fast``: side chains on the crystal backbone (:class:`~structkit.energy.ddg.DdgEstimator`);
        ``accurate``: averaged over backrubbed backbones
        (:class:`~structkit.energy.ensemble.EnsembleDdgEstimator`, about five times the cost).

    Returns
    -------
    DataFrame
        Failed mutations keep NaN and say why in ``status``.
    """
    return ddg_tables([complex_], mutations, workers=workers, cache=cache, use_cache=use_cache,
                      progress=progress, engine=engine, mode=mode)[0]


def ddg_tables(
    complexes: Sequence[Complex],
    mutations: Sequence[str],
    *,
    workers: int | None = None,
    cache: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    engine: Engine | None = None,
    mode: str = "fast",
) -> list[pd.DataFrame]:
    """:func:`ddg_table` of the same mutations on several complexes, as one batch of tasks.

    Every (complex, site) group is a task of one map, so the complexes are prepared and estimated
    side by side on the workers rather than one after another (a patient's one mutation on seven
    drug complexes is seven tasks, not seven one-task maps). The parameters are :func:`ddg_table`'s;
    ``progress`` counts estimates over all complexes. Returns one table per complex, in order.
    """
    check_mode(mode)
    mutations = list(mutations)
    groups = _groups(mutations)
    rows_cache = ResultCache("ddg_rows", cache, enabled=use_cache)
    keys = [{m: _row_key(c.fingerprint(), m, mode) for m in mutations} for c in complexes]
    found: list[dict[str, dict]] = [{} for _ in complexes]
    items = []
    for k in range(len(complexes)):
        for group in groups:
            texts = [mutations[j] for j in group]
            stored = [rows_cache.get(keys[k][m]) for m in texts]
            if all(row is not None for row in stored):
                found[k].update(zip(texts, stored))  # type: ignore[arg-type]
            else:
                items.append((k, texts))
    total = len(mutations) * len(complexes)
    done = [total - sum(len(texts) for _, texts in items)]

    def say(_k: int, _n: int, item: tuple[int, list[str]]) -> None:
        done[0] += len(item[1])
        if progress:
            progress(done[0], total, item[1][-1])

    if progress:
        progress(done[0], total, "")  # the inputs are checked: the work starts
    if items:
        engine = engine or Engine(workers=min(workers or default_workers(), len(items)))
        cache = str(cache) if cache else None
        with engine, engine.shared(list(complexes)) as shared_complexes:
            results = engine.map(_run_complex_group, items, shared_complexes, cache, use_cache, mode,
                                 progress=say)
        for (k, texts), rows in zip(items, results):
            for text, row in zip(texts, rows):
                found[k][text] = row
                rows_cache.put(keys[k][text], row)
    return [complete_table(pd.DataFrame([found[k][m] for m in mutations])) for k in range(len(complexes))]


def _row_key(fingerprint: str, mutation: str, mode: str) -> str:
    """The result-cache key of one finished table row: the complex's fingerprint stands for its
    prepared copy, since the preparation is a deterministic function of it (:data:`PREPARATION`),
    so a warm call answers without preparing anything. A row holds calibrated numbers (``ddg`` is
    the fitted scale times the raw sum, ``ddg_sd`` holds the fitted error bands), so the key holds
    the calibration too: a refit (``scripts/fit_ddg_scale.py``) misses the old rows."""
    from importlib.metadata import version

    return ResultCache.key("ddg-row", METHOD, __version__, version("openmm"), version("pdbfixer"),
                           version("numba"), PREPARATION, mode, fingerprint, mutation,
                           energy_ddg.ddg_scale(), model_sd_table())


def _run_complex_group(item: tuple[int, list[str]], complexes: list[Complex], cache: str | None,
                       use_cache: bool, mode: str = "fast") -> list[dict]:
    """One task of :func:`ddg_tables`: one site's mutations on one of the complexes."""
    k, mutations = item
    return _run_group(mutations, complexes[k], cache, use_cache, mode)


def substitutions_at(sites: Sequence[int], reference: Reference) -> list[str]:
    """Every single amino-acid substitution at each site (19 per site), in site then letter order.

    Parameters
    ----------
    sites : sequence of int
        Reference residue numbers.
    reference : Reference
        Gives each site's wild-type residue.
    """
    from structkit.model.residues import ONE_LETTER

    letters = sorted(set(ONE_LETTER.values()))
    out: list[str] = []
    for site in sites:
        wild = reference.residue(site)
        out.extend(f"{wild}{site}{aa}" for aa in letters if aa != wild)
    return out


def complexes_ddg(
    complexes: Sequence[tuple[str, str, Complex]],
    mutations: Sequence[str],
    *,
    workers: int | None = None,
    cache: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """:func:`ddg_table` for every (drug, structure, complex), stacked (``drug``, ``structure`` first);
    one engine (one local cluster) serves them all."""
    frames = []
    total = len(complexes) * len(mutations)
    engine = engine or Engine(workers=workers)
    with engine:
        for k, (drug, structure, complex_) in enumerate(complexes):
            offset = k * len(mutations)

            def say(done: int, _total: int, mutation: str, offset=offset, drug=drug) -> None:
                if progress:
                    progress(offset + done, total, f"{drug} {mutation}")

            table = ddg_table(complex_, mutations, cache=cache, use_cache=use_cache, progress=say,
                              engine=engine)
            table.insert(0, "structure", structure)
            table.insert(0, "drug", drug)
            frames.append(table)
    return pd.concat(frames, ignore_index=True)
