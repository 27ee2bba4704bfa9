"""Scan many mutations across many structures: one row per (structure, mutation, site)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

import pandas as pd

from structkit.analysis.measure.coverage import coverage_table
from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutate import MUTANT_COLUMNS, mutate
from structkit.model.mutations import check_mutation_syntax, parse_mutations
from structkit.progress import Progress

__all__ = ["SCAN_COLUMNS", "review_mutations", "scan", "scan_complex"]

#: Columns of :func:`scan`: those of a mutant report plus ``status`` (``ok`` or why not modelled).
SCAN_COLUMNS = [*MUTANT_COLUMNS, "status"]


def review_mutations() -> list[str]:
    """Every substitution (single or compound) the review names, canonical, in sequence order.

    Site-only entries, insertions and wild-type rows of the coverage data are left out, since
    side-chain replacement cannot model them.

    Returns
    -------
    list of str
        Canonical mutation strings (``G1202R``, ``L1196M+G1202R``).
    """
    found = set()
    for mutation in coverage_table()["mutation"]:
        if mutation == "WT":
            continue
        parsed = parse_mutations(mutation).mutations[0]
        if all(c.kind == "substitution" for c in parsed.changes):
            found.add(parsed)
    return [str(m) for m in sorted(found, key=lambda m: (m.positions, str(m)))]


def _canonical(mutations: Sequence[str], reference) -> list:
    out = []
    for text in mutations:
        for m in parse_mutations(text, reference=reference).mutations:
            if any(c.kind != "substitution" for c in m.changes):
                raise StructkitError(f"{m}: only substitutions can be modelled")
            out.append(m)
    return list(dict.fromkeys(out))


def scan_complex(complex_: Complex, mutations: Sequence[str],
                 progress: Progress | None = None) -> list[pd.DataFrame]:
    """The scan rows of one loaded structure: one frame per mutation (see :func:`scan`).

    Raises
    ------
    StructkitError
        A mutation that does not fit the structure's reference sequence, or is not a substitution.
    """
    out = []
    todo = _canonical(mutations, complex_.reference)
    for k, m in enumerate(todo, start=1):
        try:
            frame = mutate(complex_, m).to_frame()
            frame["status"] = "ok"
        except StructkitError as exc:
            frame = pd.DataFrame([{
                "pdb_id": complex_.pdb_id or "", "ligand": complex_.ligand or "",
                "drug": complex_.drug or "", "mutation": str(m), "status": str(exc),
            }], columns=SCAN_COLUMNS)
        out.append(frame)
        if progress:
            progress(k, len(todo), f"{complex_.pdb_id or complex_.source} {m}")
    return out


def scan(
    ids: Iterable[str],
    mutations: Sequence[str],
    *,
    failures: dict[str, str] | None = None,
    engine: Engine | None = None,
    options: LoadOptions | None = None,
) -> pd.DataFrame:
    """Model every mutation in every structure.

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files.
    mutations : sequence of str
        Mutations in any notation structkit parses (alternatives such as ``I1171N/S/T`` expand),
        numbered as each structure is (UniProt for ALK; the structure's own numbering otherwise).
    engine : Engine, optional
        Where the tasks (one per structure) run (default: in this process). Its progress hears
        ``(done, total, label)`` after each mutant model (``label`` names the structure and the
        mutation; ``total`` counts the structures times the mutations of the first) when the work
        runs in this process; after each structure on a Dask engine.
    failures : dict, optional
        Collect the structures that fail to load here and go on (see
        :func:`~structkit.analysis.parallel.batch.map_structures`); by default the first failure stops.
    options : LoadOptions, optional
        Where the structures come from and how they are read (default: the environment's).

    Returns
    -------
    DataFrame
        Columns :data:`SCAN_COLUMNS`; a mutation that cannot be modelled in a structure (site
        without coordinates) gets a row with ``status`` saying why and NaN scores.
    """
    for text in mutations:  # a typo is the command's error, not each structure's
        check_mutation_syntax(text)
    ids = list(dict.fromkeys(ids))
    done = [0]  # mutant models so far
    runner = engine or Engine(workers=1)

    def one_structure(complex_) -> list[pd.DataFrame]:
        def say(k: int, n: int, label: str) -> None:
            done[0] += 1
            runner.report(done[0], max(len(ids) * n, done[0]), label)

        return scan_complex(complex_, mutations, progress=say)

    per_model = runner.serial  # the models are counted here; the structures by map_structures
    task = one_structure if per_model else partial(scan_complex, mutations=list(mutations))
    frames = [f for per in map_structures(ids, task, failures=failures,
                                          engine=runner.reporting(None) if per_model else runner,
                                          options=options) for f in per]
    if not frames:
        return pd.DataFrame(columns=SCAN_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SCAN_COLUMNS]
