"""Regenerate structures/catalogue.csv from ../shared/structures (files and SOURCES.md).

Every verified row is read off the structure file itself by structkit (chain, inhibitor, mutations,
residue range, resolution); the ligand name and the provenance come from SOURCES.md. Entries known
from the RCSB report but absent from the mirror are listed as unverified. Run from the repository
root:  python scripts/make_catalogue.py [--mirror ../shared/structures]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from pathlib import Path

import structkit
from structkit.analysis.measure.discover import CATALOGUE_COLUMNS
from structkit.io.fetch import find_in_mirrors

UNVERIFIED = {
    "2YHV": "kinase domain; listed in the RCSB report (Q9UM73) but no file was found for the mirror",
    "2YJS": "kinase domain; listed in the RCSB report (Q9UM73) but no file was found for the mirror",
    "4ANL": "kinase domain; listed in the RCSB report (Q9UM73) but no file was found for the mirror",
    "6CDT": "kinase domain; listed in the RCSB report (Q9UM73) but no file was found for the mirror",
}
CLASS_NOTE = {
    "A": "deposited PDB entry (granepura/Kinases_MCCE @69f78484): header, altlocs, waters kept; "
         "TER/CONECT/MASTER dropped, additives removed",
    "B": "PyMOL-exported assembly 1 (anaelle444/PK_analysis @ef7b76b1): atom_site only, waters "
         "removed, rigidly superposed onto PKA 4WB8",
    "C": "KLIFS/MOE-processed chain A altloc A (volkamerlab/kissim @8433bb64), with the 85-residue "
         "KLIFS pocket file",
}
# the sites SOURCES.md compared with wild type
RESISTANCE_SITES = {1123, 1151, 1152, 1156, 1171, 1174, 1180, 1196, 1198, 1202, 1203, 1206, 1210,
                    1245, 1256, 1269, 1275}
FIELDS = CATALOGUE_COLUMNS


def sources_table(path: Path) -> dict[str, dict[str, str]]:
    rows = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and re.fullmatch(r"[0-9][A-Z0-9]{3}", cells[0]):
            rows[cells[0]] = dict(zip(
                ["pdb_id", "file", "class", "mutations", "ligand", "resolution", "residues", "notes"],
                cells))
    return rows


def ligand_name(text: str) -> str:
    m = re.match(r"\S+ = (.+)$", text)
    if m:
        return m.group(1)
    m = re.match(r"\S+ \((.+)\)$", text)
    if m:
        return m.group(1).rstrip(")") + " (truncated in SOURCES.md)"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mirror", default="../shared/structures")
    parser.add_argument("-o", "--output", default="structures/catalogue.csv")
    args = parser.parse_args()
    mirror = Path(args.mirror)
    sources = sources_table(mirror / "SOURCES.md")
    out = []
    for pdb_id, src in sorted(sources.items()):
        c = structkit.load(pdb_id, mirrors=[mirror], offline=True)
        rel = find_in_mirrors(pdb_id, [mirror]).relative_to(mirror)
        notes = CLASS_NOTE[src["class"]]
        if src["notes"]:
            notes += f"; SOURCES.md: {src['notes']}"
        construct = [m for m in c.mutations if int(m[1:-1]) not in RESISTANCE_SITES]
        if construct:
            notes += (f"; {'+'.join(construct)} is a construct substitution outside the resistance "
                      "sites that SOURCES.md checked (SEQADV ENGINEERED MUTATION where a header exists)")
        res = c.metadata.get("resolution")
        out.append({
            "pdb_id": pdb_id, "verified": "yes", "file_class": src["class"],
            "mirror_file": str(rel), "chain": c.chain, "ligand": c.ligand or "",
            "ligand_name": ligand_name(src["ligand"]) if c.ligand else "",
            "drug": c.drug or "", "mutations": "+".join(c.mutations) or "WT",
            "resolution_A": f"{res:.2f}" if res else "", "first_residue": c.first_residue,
            "last_residue": c.last_residue, "notes": notes,
        })
    for pdb_id, note in sorted(UNVERIFIED.items()):
        out.append({k: "" for k in FIELDS} | {"pdb_id": pdb_id, "verified": "no", "notes": note})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(out)
    Path(args.output).write_text(buf.getvalue())
    print(f"wrote {len(out)} rows to {args.output}")


if __name__ == "__main__":
    main()
