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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from structkit.analysis.parallel.engine import Engine
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


#: Per process (per worker): the estimators of the last few complexes, keyed by the complex's full
#: fingerprint (chain, pose, chemistry), the mode and the cache settings, so that one is never
#: reused for a complex that differs in anything. A batch over several complexes
#: (:func:`ddg_tables`) sends a worker tasks of two complexes where one complex's tasks end and the
#: next one's begin; keeping a few spares a second preparation.
_PREPARED: dict[tuple, DdgEstimator | EnsembleDdgEstimator] = {}
_PREPARED_KEPT = 3


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
    if key in _PREPARED:
        _PREPARED[key] = _PREPARED.pop(key)  # the most recently used last
    else:
        while len(_PREPARED) >= _PREPARED_KEPT:
            _PREPARED.pop(next(iter(_PREPARED)))
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
    engine: Engine | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """Estimates for every mutation of one complex (columns :data:`DDG_COLUMNS`, input order):
    :func:`ddg_tables` of one complex.

    Parameters
    ----------
    complex_ : Complex
        With an inhibitor.
    mutations : sequence of str
        Single or compound substitutions (``G1202R``, ``G1202R+L1196M``).
    engine : Engine, optional
        How the work runs (:class:`~structkit.analysis.parallel.engine.Engine`: this process, a
        local Dask cluster or a Dask scheduler; the result cache; the progress callback, told
        ``(0, total, "")`` once the inputs are checked, then ``(done, total, mutation)`` after
        each finished group). The table does not depend on it. Default: every core (no more
        processes than tasks), ``STRUCTKIT_CACHE``, no progress.
    mode : {"fast", "accurate"}
        ``fast``: side chains on the crystal backbone (:class:`~structkit.energy.ddg.DdgEstimator`);
        ``accurate``: averaged over backrubbed backbones
        (:class:`~structkit.energy.ensemble.EnsembleDdgEstimator`, about five times the cost).

    Returns
    -------
    DataFrame
        Failed mutations keep NaN and say why in ``status``.
    """
    return ddg_tables([complex_], mutations, engine=engine, mode=mode)[0]


def ddg_tables(
    complexes: Sequence[Complex],
    mutations: Sequence[str] | Sequence[Sequence[str]],
    *,
    engine: Engine | None = None,
    mode: str = "fast",
    labels: Sequence[str] | None = None,
) -> list[pd.DataFrame]:
    """The one way to ddG tables: :func:`ddg_table` of several complexes, as one batch of tasks.

    Every (complex, site) group is a task of one map, so the complexes are prepared and estimated
    side by side on the workers rather than one after another (a patient's one mutation on seven
    drug complexes is seven tasks, not seven one-task maps). Finished rows already in the cache
    are answered without a task.

    Parameters
    ----------
    complexes : sequence of Complex
        With an inhibitor (or a nucleotide: the ATP side of a potency).
    mutations : sequence of str, or one sequence per complex
        The same mutations for every complex (``["G1202R", "L1196M"]``), or a list of mutations
        per complex (``[["T315I"], ["E255K", "Y253H"]]``).
    engine, mode
        As for :func:`ddg_table`; the progress counts estimates over all complexes.
    labels : sequence of str, optional
        One name per complex for the progress labels (``"lorlatinib G1202R"``); by default the
        mutation alone.

    Returns
    -------
    list of DataFrame
        One table per complex, in order, each in its mutations' order.
    """
    check_mode(mode)
    per_complex = _mutations_per_complex(complexes, mutations)
    names = list(labels) if labels is not None else [""] * len(complexes)
    if len(names) != len(complexes):
        raise StructkitError(f"{len(names)} labels for {len(complexes)} complexes")
    cache = engine.cache if engine is not None else None
    use_cache = engine.use_cache if engine is not None else True
    rows_cache = ResultCache("ddg_rows", cache, enabled=use_cache)
    keys = [{m: _row_key(c.fingerprint(), m, mode) for m in texts}
            for c, texts in zip(complexes, per_complex)]
    found: list[dict[str, dict]] = [{} for _ in complexes]
    items = []
    for k, texts in enumerate(per_complex):
        for group in _groups(texts):
            members = [texts[j] for j in group]
            stored = [rows_cache.get(keys[k][m]) for m in members]
            if all(row is not None for row in stored):
                found[k].update(zip(members, stored))  # type: ignore[arg-type]
            else:
                items.append((k, members))
    total = sum(len(texts) for texts in per_complex)
    done = [total - sum(len(members) for _, members in items)]
    engine = Engine.for_tasks(engine, len(items))

    def kept(item: tuple[int, list[str]], rows: list[dict]) -> None:
        # each group's rows are cached as soon as they come: an interrupted table resumes
        k, members = item
        for text, row in zip(members, rows):
            found[k][text] = row
            rows_cache.put(keys[k][text], row)

    def finished(item: tuple[int, list[str]]) -> None:
        k, members = item
        done[0] += len(members)
        engine.report(done[0], total, f"{names[k]} {members[-1]}".strip())

    engine.report(done[0], total, "")  # the inputs are checked: the work starts
    if items:
        with engine, engine.shared(list(complexes)) as shared_complexes:
            engine.map(_run_complex_group, items, shared_complexes, engine.cache, engine.use_cache, mode,
                       on_done=finished, on_result=kept)
    return [complete_table(pd.DataFrame([found[k][m] for m in texts], columns=None if texts else DDG_COLUMNS))
            for k, texts in enumerate(per_complex)]


def _mutations_per_complex(complexes: Sequence[Complex],
                           mutations: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """One list of mutation strings per complex (see :func:`ddg_tables`)."""
    if isinstance(mutations, str):
        raise StructkitError(f"mutations: a list of strings, not the string {mutations!r}")
    if all(isinstance(m, str) for m in mutations):
        return [list(mutations) for _ in complexes]  # type: ignore[arg-type]
    if len(mutations) != len(complexes):
        raise StructkitError(f"{len(mutations)} mutation lists for {len(complexes)} complexes")
    return [[str(m) for m in texts] for texts in mutations]


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
    engine: Engine | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """:func:`ddg_tables` of the same mutations on every (drug, structure, complex), as one batch,
    stacked (``drug``, ``structure`` first); progress labels name the drug."""
    tables = ddg_tables([c for _, _, c in complexes], mutations, engine=engine, mode=mode,
                        labels=[drug for drug, _, _ in complexes])
    frames = []
    for (drug, structure, _), table in zip(complexes, tables):
        table.insert(0, "structure", structure)
        table.insert(0, "drug", drug)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
