"""Scan many mutations across many structures: one row per (structure, mutation, site)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from structkit.analysis.batch import map_structures
from structkit.analysis.coverage import coverage_table
from structkit.errors import StructkitError
from structkit.model.mutate import MUTANT_COLUMNS, mutate
from structkit.model.mutations import check_mutation_syntax, parse_mutations

__all__ = ["SCAN_COLUMNS", "review_mutations", "scan"]

#: Columns of :func:`scan`: those of a mutant report plus ``status`` (``ok`` or why not modelled).
SCAN_COLUMNS = [*MUTANT_COLUMNS, "status"]


def review_mutations() -> list[str]:
    """Every substitution (single or compound) the review names, canonical, in sequence order.

    Site-only entries, insertions and wild-type rows of the coverage data are left out, since
    side-chain replacement cannot model them.
    """
    found = set()
    for mutation in coverage_table()["mutation"]:
        if mutation == "WT":
            continue
        parsed = parse_mutations(mutation).mutations[0]
        if all(c.kind == "substitution" for c in parsed.changes):
            found.add(parsed)
    return [str(m) for m in sorted(found, key=lambda m: (m.positions, str(m)))]


def scan(
    ids: Iterable[str],
    mutations: Sequence[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    failures: dict[str, str] | None = None,
    **load_options,
) -> pd.DataFrame:
    """Model every mutation in every structure.

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files.
    mutations : sequence of str
        Mutations in any notation structkit parses (alternatives such as ``I1171N/S/T`` expand),
        numbered as each structure is (UniProt for ALK; the structure's own numbering otherwise).
    progress : callable, optional
        ``progress(done, total, label)`` after each mutant model (``label`` names the structure
        and the mutation; ``total`` counts the structures times the mutations of the first).
    failures : dict, optional
        Collect the structures that fail to load here and go on (see
        :func:`~structkit.analysis.batch.map_structures`); by default the first failure stops.
    **load_options
        Passed to :func:`structkit.load`.

    Returns
    -------
    DataFrame
        Columns :data:`SCAN_COLUMNS`; a mutation that cannot be modelled in a structure (site
        without coordinates) gets a row with ``status`` saying why and NaN scores.
    """
    for text in mutations:  # a typo is the command's error, not each structure's
        check_mutation_syntax(text)
    parsed: dict = {}  # canonical mutations per reference: parsed once for all structures sharing it

    def expand(reference) -> list:
        if reference in parsed:
            return parsed[reference]
        out = []
        for text in mutations:
            for m in parse_mutations(text, reference=reference).mutations:
                if any(c.kind != "substitution" for c in m.changes):
                    raise StructkitError(f"{m}: only substitutions can be modelled")
                out.append(m)
        parsed[reference] = list(dict.fromkeys(out))
        return parsed[reference]

    ids = list(dict.fromkeys(ids))
    done = [0]  # mutant models so far

    def one_structure(complex_) -> list[pd.DataFrame]:
        out = []
        todo = expand(complex_.reference)
        for m in todo:
            try:
                frame = mutate(complex_, m).to_frame()
                frame["status"] = "ok"
            except StructkitError as exc:
                frame = pd.DataFrame([{
                    "pdb_id": complex_.pdb_id or "", "ligand": complex_.ligand or "",
                    "drug": complex_.drug or "", "mutation": str(m), "status": str(exc),
                }], columns=SCAN_COLUMNS)
            out.append(frame)
            done[0] += 1
            if progress:
                label = f"{complex_.pdb_id or complex_.source} {m}"
                progress(done[0], max(len(ids) * len(todo), done[0]), label)
        return out

    frames = [f for per in map_structures(ids, one_structure, failures=failures, **load_options) for f in per]
    if not frames:
        return pd.DataFrame(columns=SCAN_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SCAN_COLUMNS]
