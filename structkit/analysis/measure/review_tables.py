"""What the review reports beyond the kinase domain: its Tables 1, 3, 4 and 5 as data.

Table 1 (bypass signalling tracks activated in resistance to each ALK-TKI), Table 3 (sequential
treatment trials), Table 4 (combinations with drugs of other targets) and Table 5 (novel ALK-TKIs in
trials), each row with its line in the review (``structkit/data/review_*.csv``, written by
``scripts/extract_review_tables.py``). Table 2, the mutations, is curated statement by statement in
:mod:`structkit.analysis.measure.coverage`.
"""

from __future__ import annotations

import re

import pandas as pd

from structkit.data import cached_copy, read_table

__all__ = ["CONTEXT_COLUMNS", "context_lines", "review_context", "review_table"]

#: Columns of :func:`review_context`.
CONTEXT_COLUMNS = ["drug", "kind", "what", "line"]
_FILES = {1: "review_bypass.csv", 3: "review_sequential_trials.csv", 4: "review_combination_trials.csv",
          5: "review_new_inhibitors.csv"}


@cached_copy
def review_table(number: int) -> pd.DataFrame:
    """Table 1, 3, 4 or 5 of the review as printed (column names in snake case, ``line`` its line).

    Raises
    ------
    KeyError
        Another table number (Table 2 is :func:`~structkit.analysis.measure.coverage.coverage_table`).
    """
    frame = pd.DataFrame(read_table(_FILES[number]))
    frame["line"] = frame["line"].astype(int)
    return frame


def _names(cell: str) -> set[str]:
    return {part.strip().lower() for part in re.split(r"[/,+]| and ", cell) if part.strip()}


def review_context(drug: str) -> pd.DataFrame:
    """Everything the review's Tables 1, 3, 4 and 5 say about one drug (columns :data:`CONTEXT_COLUMNS`):
    the bypass tracks that resist it, the trials that give it after another ALK-TKI or before one,
    its combinations with other drugs, and its own trial where it is a new inhibitor.

    Parameters
    ----------
    drug : str
        Any case (``lorlatinib``, ``NVL-655``).
    """
    name = drug.strip().lower()
    rows = []
    for r in review_table(1).itertuples(index=False):
        if name in _names(r.alk_tki):
            rows.append((drug, "bypass track", f"{r.bypass_signal_path}: {r.mode.lower()} {r.ref}", r.line))
    for r in review_table(3).itertuples(index=False):
        if name in _names(r.sequential_drug) or name in _names(r.first_line):
            what = (f"{r.clinical_trial_identifier}: {r.sequential_drug} after {r.first_line} "
                    f"(phase {r.phase}, {r.status.lower()})")
            rows.append((drug, "sequential trial", what, r.line))
    for r in review_table(4).itertuples(index=False):
        if name in _names(r.alk_tki):
            what = (f"{r.clinical_trial_identifier}: with {r.combination_drug} "
                    f"(phase {r.phase}, {r.status.lower()})")
            rows.append((drug, "combination trial", what, r.line))
    for r in review_table(5).itertuples(index=False):
        if name in _names(r.drug):
            what = (f"{r.clinical_trial_identifier}: {r.line_of_therapy.lower()} "
                    f"(phase {r.phase}, {r.status.lower()})")
            rows.append((drug, "new inhibitor trial", what, r.line))
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


def context_lines(drugs: list[str]) -> list[str]:
    """One line per drug the review's Tables 1, 3, 4 and 5 name: its bypass tracks and its trials."""
    out = []
    for drug in drugs:
        context = review_context(drug)
        if context.empty:
            continue
        parts = []
        bypass = context[context["kind"] == "bypass track"]
        if len(bypass):
            tracks = ", ".join(dict.fromkeys(w.split(":")[0] for w in bypass["what"]))
            lines = f"{bypass['line'].min()}-{bypass['line'].max()}"
            parts.append(f"bypass tracks {tracks} (Table 1, lines {lines})")
        for kind in ("sequential trial", "combination trial", "new inhibitor trial"):
            trials = context[context["kind"] == kind]
            if len(trials):
                ids = ", ".join(w.split(":")[0] for w in trials["what"])
                parts.append(f"{len(trials)} {kind}{'s' if len(trials) > 1 else ''} ({ids})")
        out.append(f"  {drug}: " + "; ".join(parts))
    return out
