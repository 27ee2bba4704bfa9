"""Write the review's Tables 1, 3, 4 and 5 as package data, each row with its line in the review.

The review's text (``../shared/review/alk_tki_resistance_review.txt``) holds each table as a caption line
(``Table N ...``), a blank line, a tab-separated header and tab-separated rows up to the next blank line.
Table 2 (mutations and coverage) is curated statement by statement in ``review_coverage.csv`` instead.
Run from the repository root: ``python scripts/extract_review_tables.py``; the output is deterministic.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REVIEW = REPO.parent / "shared" / "review" / "alk_tki_resistance_review.txt"
TABLES = {1: "review_bypass.csv", 3: "review_sequential_trials.csv", 4: "review_combination_trials.csv",
          5: "review_new_inhibitors.csv"}
WHAT = {1: "bypass signalling tracks activated in resistance to each ALK-TKI",
        3: "clinical studies of sequential ALK-TKI treatment",
        4: "clinical studies of ALK-TKIs combined with drugs of other targets",
        5: "clinical studies of novel ALK-TKIs"}
CITATION = ("Xie J, Gao Y, Xu W, Zhu J. Mechanisms of Resistance to ALK Inhibitors and Corresponding "
            "Treatment Strategies in Lung Cancer")


def tables(lines: list[str]) -> dict[int, tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """Table number -> (caption line, header, [(line, cells)]); line numbers are 1-based."""
    found = {}
    for k, line in enumerate(lines):
        words = line.split()
        if len(words) < 2 or words[0] != "Table" or not words[1].isdigit() or "\t" in line:
            continue
        number = int(words[1])
        if number not in TABLES or number in found or not line.strip().startswith(f"Table {number} "):
            continue
        j = k + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if "\t" not in lines[j]:
            continue
        header = [h.strip() for h in lines[j].split("\t")]
        rows = []
        j += 1
        while j < len(lines) and lines[j].strip() and "\t" in lines[j]:
            cells = [c.strip() for c in lines[j].split("\t")]
            rows.append((j + 1, cells + [""] * (len(header) - len(cells))))
            j += 1
        found[number] = (k + 1, header, rows)
    return found


def _column(name: str) -> str:
    return "_".join(name.lower().replace("-", " ").replace("/", " ").split())


def main() -> None:
    lines = REVIEW.read_text(encoding="utf-8").splitlines()
    for number, (caption_line, header, rows) in sorted(tables(lines).items()):
        out = io.StringIO()
        out.write(f"# Table {number} of the review ({WHAT[number]}): {lines[caption_line - 1].strip()}\n")
        out.write(f"# Source: {CITATION} (../shared/review/alk_tki_resistance_review.txt, caption at line "
                  f"{caption_line}); one row per table row, `line` its line in that text; cells as printed "
                  "(spelling kept).\n")
        out.write("# Written by scripts/extract_review_tables.py.\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([_column(h) for h in header] + ["line"])
        for line, cells in rows:
            writer.writerow([*cells[:len(header)], line])
        path = REPO / "structkit" / "data" / TABLES[number]
        path.write_text(out.getvalue(), encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}: {len(rows)} rows")


if __name__ == "__main__":
    main()
