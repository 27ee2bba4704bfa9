"""The review's coverage statements as a tidy table, and queries over it.

``structkit/data/review_coverage.csv`` holds every statement of the review's Table 2 and running
text about which drug is resisted by, or still covers, which mutation, one row per (statement,
drug, string as written), with the sentence or table cell it came from. :func:`coverage_table`
expands each written string into canonical mutations (alternatives become rows), keeps every
interpretation and discrepancy as flags, and adds the flag ``conflict`` wherever one drug is
reported both resistant to and covering the same mutation. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from structkit.data import cached_copy, read_table
from structkit.errors import StructkitError
from structkit.model.mutations import parse_mutations

__all__ = ["COVERAGE_COLUMNS", "coverage", "coverage_statements", "coverage_table", "drugs_in_review"]

#: Columns of :func:`coverage_table`.
COVERAGE_COLUMNS = [
    "drug", "generation", "probability", "mutation", "relation", "sites", "compound", "ic50_nM",
    "refs", "flag", "interpretation", "written", "source", "line", "statement", "quote",
]


#: Relations that are labels (``reduced_potency`` is neither).
LABEL_RELATIONS = ("resistant", "covered")


@cached_copy
def coverage_statements() -> pd.DataFrame:
    """The curated statements, one row per (statement, drug, written string), as in the data file."""
    rows = read_table("review_coverage.csv")
    frame = pd.DataFrame(rows)
    frame["line"] = frame["line"].astype(int)
    return frame


def _expand(reading: str) -> tuple[list[str], list[str]]:
    if reading == "WT":
        return ["WT"], []
    parsed = parse_mutations(reading, strict=False)
    return [str(m) for m in parsed.mutations], list(parsed.notes)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    rows = []
    for st in coverage_statements().itertuples(index=False):
        mutations, notes = _expand(st.reading)
        for mutation in mutations:
            flags = [f for f in st.flags.split(";") if f]
            interpretation = "; ".join(x for x in [st.interpretation, *notes] if x)
            sites = "" if mutation == "WT" else "+".join(
                "".join(ch for ch in part[1:] if ch.isdigit()) for part in mutation.split("+"))
            rows.append({
                "drug": st.drug, "generation": st.generation, "probability": st.probability,
                "mutation": mutation, "relation": st.relation, "sites": sites,
                "compound": "+" in mutation,
                "ic50_nM": float(st.ic50_nM) if st.ic50_nM else float("nan"),
                "refs": st.refs, "flag": flags, "interpretation": interpretation,
                "written": st.written, "source": st.source, "line": st.line,
                "statement": st.id, "quote": st.quote,
            })
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    frame["flag"] = [";".join(sorted(set(f) | _derived_flags(frame, k))) for k, f in enumerate(frame["flag"])]
    return frame


def is_class_statement(flags: str | Iterable[str]) -> bool:
    """Whether a row rests on a statement about a class of drugs (flag ``class_statement``)."""
    items = flags.split(";") if isinstance(flags, str) else flags
    return "class_statement" in items


def _derived_flags(frame: pd.DataFrame, k: int) -> set[str]:
    """``conflict`` among per-drug statements; ``superseded`` for a class row they contradict."""
    row = frame.iloc[k]
    if row["relation"] not in LABEL_RELATIONS:
        return set()
    same = frame[(frame["drug"] == row["drug"]) & (frame["mutation"] == row["mutation"])
                 & frame["relation"].isin(LABEL_RELATIONS)]
    per_drug = same[[not is_class_statement(f) for f in same["flag"]]]
    if is_class_statement(row["flag"]):
        return {"superseded"} if len(per_drug) and row["relation"] not in set(per_drug["relation"]) else set()
    return {"conflict"} if per_drug["relation"].nunique() > 1 else set()


def coverage_table() -> pd.DataFrame:
    """Every coverage statement expanded to one row per (statement, drug, canonical mutation).

    Returns
    -------
    DataFrame
        Columns :data:`COVERAGE_COLUMNS`: ``relation`` is ``resistant`` or ``covered``;
        ``mutation`` is canonical (``L1196M+G1202R``; ``WT`` for wild-type IC50 values); ``flag``
        is a ``;``-joined list of codes (see the data file's header); ``quote`` is the sentence or
        Table 2 cell.
    """
    return _table().copy()


def drugs_in_review() -> list[str]:
    """Drug names that the coverage data mentions, in order of first appearance."""
    return list(dict.fromkeys(_table()["drug"]))


def coverage(
    drug: str | None = None, mutation: str | None = None, *, include_compounds: bool = True
) -> pd.DataFrame:
    """Query the coverage data.

    Parameters
    ----------
    drug : str, optional
        Drug name, any case (``lorlatinib``, ``NVL-655``).
    mutation : str, optional
        A mutation in any notation structkit parses (``G1202R``, ``G1202R+L1196M``); a single
        mutation also matches the compounds that contain it unless ``include_compounds`` is False.
    include_compounds : bool
        See ``mutation``.

    Returns
    -------
    DataFrame
        The matching rows of :func:`coverage_table`, plus ``match`` (``exact`` or ``in compound``),
        ordered by relation, drug, mutation and line.

    Raises
    ------
    StructkitError
        Unknown drug, or a mutation string that does not parse.
    """
    frame = coverage_table()
    if drug is not None:
        known = {d.lower(): d for d in drugs_in_review()}
        if drug.lower() not in known:
            raise StructkitError(f"{drug!r} is not a drug of the review (known: {', '.join(known.values())})")
        frame = frame[frame["drug"] == known[drug.lower()]]
    frame = frame.assign(match="exact")
    if mutation is not None:
        wanted = [str(m) for m in parse_mutations(mutation).mutations]
        exact = frame["mutation"].isin(wanted)
        contained = pd.Series(False, index=frame.index)
        if include_compounds:
            parts = frame["mutation"].str.split("+")
            contained = parts.map(lambda p: len(p) > 1 and any(w in p for w in wanted))
        keep = exact | contained
        frame = frame[keep].assign(match=["exact" if e else "in compound" for e in exact[keep]])
    order = {"resistant": 0, "covered": 1}
    frame = frame.sort_values(
        ["match", "relation", "drug", "mutation", "line"],
        key=lambda s: s.map(order) if s.name == "relation" else s,
        kind="stable",
    )
    return frame.reset_index(drop=True)
