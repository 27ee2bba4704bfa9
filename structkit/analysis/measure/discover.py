"""Discover the entries of a kinase in the PDB and turn them into catalogue rows.

:func:`discover` asks the RCSB Search API for every entry with a polymer entity mapped to a UniProt
accession (ALK, Q9UM73, by default) and the Data API for what a catalogue row needs; each row is
marked unverified (``verified = "no"``) until :func:`verify_rows` has loaded its file with
structkit and read the row off the coordinates, exactly as ``scripts/make_catalogue.py`` reads the
shipped rows: chain, inhibitor, drug, mutations, residue range and resolution then come from the
file, and where the RCSB's record disagrees the note says so.

From the RCSB record (before verification):

- ``chain``: the first author chain of the polymer entity mapped to the accession that carries the
  chosen ligand, else its first author chain;
- ``ligand``: among the non-polymer entities that are not additives, ions or water
  (:data:`structkit.model.residues.ADDITIVES`), the heaviest (formula weight), else the first
  listed; the others are named in the note;
- ``mutations``: the deposited ``pdbx_mutation`` text of that polymer entity read as substitutions
  (``WT`` when the RCSB counts no mutation), as deposited, not read from coordinates;
- ``resolution_A``: the first of ``resolution_combined``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable

from structkit.catalogue import catalogue, catalogue_changed, drug_name
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.io.rcsb import RcsbClient
from structkit.io.write import write_text_atomic
from structkit.model.residues import ADDITIVES
from structkit.progress import Progress

__all__ = ["ALK_ACCESSION", "CATALOGUE_COLUMNS", "DISCOVERED_NOTE", "catalogue_text", "discover",
           "is_discovered", "row_from_record", "verify_rows", "write_catalogue"]

#: How a row found through the RCSB (not shipped in the catalogue) begins its notes.
DISCOVERED_NOTE = "discovered through the RCSB"


def is_discovered(row: dict[str, str]) -> bool:
    """Whether a catalogue row was found through the RCSB rather than shipped (:func:`discover`)."""
    return DISCOVERED_NOTE in row.get("notes", "")

ALK_ACCESSION = "Q9UM73"
CATALOGUE_COLUMNS = [
    "pdb_id", "verified", "file_class", "mirror_file", "chain", "ligand", "ligand_name", "drug",
    "mutations", "resolution_A", "first_residue", "last_residue", "notes",
]
_SUBSTITUTION = re.compile(r"\b([ACDEFGHIKLMNPQRSTVWY])(\d{1,5})([ACDEFGHIKLMNPQRSTVWY])\b")
_NOT_LIGANDS = ADDITIVES | {"HOH", "DOD", "UNX", "UNL"}


def _mapped_entity(record: dict, accession: str) -> dict | None:
    for entity in record.get("polymer_entities") or []:
        ids = (entity.get("rcsb_polymer_entity_container_identifiers") or {})
        refs = ids.get("reference_sequence_identifiers") or []
        if any((r or {}).get("database_accession") == accession for r in refs):
            return entity
    return None


def _deposited_mutations(entity: dict) -> tuple[str, str]:
    """``(mutations, note)`` from the entity's deposited mutation fields."""
    text = str(((entity.get("rcsb_polymer_entity") or {}).get("pdbx_mutation")) or "")
    count = (entity.get("entity_poly") or {}).get("rcsb_mutation_count")
    found = sorted({m.groups() for m in _SUBSTITUTION.finditer(text.upper())}, key=lambda g: int(g[1]))
    if found:
        return "+".join(f"{a}{n}{b}" for a, n, b in found), ""
    if count in (0, None) and not text.strip():
        return "WT", ""
    return "", f"mutations deposited but not named ({text.strip() or f'{count} counted by the RCSB'})"


def _ligands(record: dict) -> list[tuple[str, str, float, list[str]]]:
    """``(code, name, formula weight or -1, author chains)`` of the non-additive ligands."""
    out = []
    for entity in record.get("nonpolymer_entities") or []:
        comp = ((entity.get("nonpolymer_comp") or {}).get("chem_comp") or {})
        code = str(comp.get("id") or "").upper()
        if code and code not in _NOT_LIGANDS:
            weight = comp.get("formula_weight")
            chains = (entity.get("rcsb_nonpolymer_entity_container_identifiers") or {}).get("auth_asym_ids")
            out.append((code, str(comp.get("name") or ""), float(weight) if weight is not None else -1.0,
                        [str(c) for c in chains or []]))
    return out


def row_from_record(record: dict, accession: str = ALK_ACCESSION) -> dict[str, str]:
    """A catalogue row (unverified) from one Data API entry record (see the module docstring)."""
    pdb_id = str(record.get("rcsb_id", "")).upper()
    entity = _mapped_entity(record, accession)
    notes = []
    chain = mutations = ""
    ligands = _ligands(record)
    ligand = ligand_name = ""
    ligand_chains: list[str] = []
    if ligands:
        order = sorted(range(len(ligands)), key=lambda k: (-ligands[k][2], k))
        ligand, ligand_name, _, ligand_chains = ligands[order[0]]
        if len(ligands) > 1:
            notes.append("other ligands: " + ", ".join(ligands[k][0] for k in order[1:]))
    if entity is None:
        notes.insert(0, f"no polymer entity mapped to {accession} in the RCSB record")
    else:
        chains = [str(c) for c in
                  (entity.get("rcsb_polymer_entity_container_identifiers") or {}).get("auth_asym_ids") or []]
        holding = [c for c in chains if c in ligand_chains]  # the kinase chain that carries the ligand
        chain = (holding or chains or [""])[0]
        mutations, note = _deposited_mutations(entity)
        if note:
            notes.insert(0, note)
    resolution = ((record.get("rcsb_entry_info") or {}).get("resolution_combined") or [None])[0]
    released = str((record.get("rcsb_accession_info") or {}).get("initial_release_date") or "")[:10]
    methods = ", ".join(str(e.get("method", "")).lower() for e in record.get("exptl") or [] if e)
    notes.insert(0, f"{DISCOVERED_NOTE} Search and Data APIs (released {released or '?'}"
                    f"{', ' + methods if methods else ''}); not verified: the file has not been loaded")
    return {
        "pdb_id": pdb_id, "verified": "no", "file_class": "", "mirror_file": "", "chain": chain,
        "ligand": ligand, "ligand_name": ligand_name, "drug": drug_name(ligand) or "",
        "mutations": mutations, "resolution_A": f"{float(resolution):.2f}" if resolution else "",
        "first_residue": "", "last_residue": "", "notes": "; ".join(notes),
    }


def discover(accession: str = ALK_ACCESSION, since: str | None = None, *,
             client: RcsbClient | None = None) -> list[dict[str, str]]:
    """Rows for every PDB entry mapped to ``accession`` (released on or after ``since``).

    Entries the shipped catalogue already holds (for ALK) come back as their shipped rows; the
    others as unverified rows built from the RCSB's records (:func:`row_from_record`).

    Parameters
    ----------
    accession : str
        UniProt accession of the kinase (default ALK, Q9UM73).
    since : str, optional
        Only entries released on or after this date (``YYYY-MM-DD``).
    client : RcsbClient, optional
        The RCSB client (timeouts, retries, answer cache); a default one otherwise.

    Returns
    -------
    list of dict
        Catalogue rows (strings), shipped rows first in catalogue order, then the new entries.

    Raises
    ------
    FetchError
        The RCSB cannot be reached or answers with something malformed (one line).
    """
    if since is not None and not is_release_date(since):
        raise StructkitError(f"release date {since!r}: give a date as YYYY-MM-DD")
    client = client or RcsbClient()
    ids = client.search(accession, since)
    shipped = {row["pdb_id"]: row for row in catalogue()} if accession == ALK_ACCESSION else {}
    new = [i for i in ids if i not in shipped]
    records = {str(r["rcsb_id"]).upper(): r for r in client.entries(new)} if new else {}
    rows = []
    for pdb_id in ids:
        if pdb_id in shipped:
            rows.append(dict(shipped[pdb_id]))
        elif pdb_id in records:
            rows.append(row_from_record(records[pdb_id], accession))
    return rows


def verify_rows(rows: Iterable[dict[str, str]], *, progress: Progress | None = None,
                failures: dict[str, str] | None = None,
                options: LoadOptions | None = None) -> list[dict[str, str]]:
    """Load each unverified row's file and read the row off it, as the shipped rows were.

    A row whose file loads becomes ``verified = "yes"`` with chain, inhibitor, drug, mutations,
    residue range and resolution from the coordinates (``file_class`` ``R``: a file from the
    RCSB, the cache or a mirror); where the RCSB's record said otherwise the note keeps what it
    said. A row whose file cannot be loaded stays unverified, its reason in ``failures``.

    Parameters
    ----------
    rows : iterable of dict
        Catalogue rows, as :func:`discover` returns them.
    progress : callable, optional
        Called as ``progress(done, total, pdb_id)`` after each unverified row.
    failures : dict, optional
        Filled with PDB ID to the reason its file could not be loaded.
    options : LoadOptions, optional
        Mirrors, cache and offline mode for the files.

    Returns
    -------
    list of dict
        The rows in the order given, the loadable ones verified.
    """
    options = options or LoadOptions.resolve()
    rows = [dict(r) for r in rows]
    todo = [r for r in rows if r["verified"] != "yes"]
    for k, row in enumerate(todo, start=1):
        try:
            complex_ = options.load(row["pdb_id"])
        except StructkitError as exc:
            if failures is None:
                raise
            failures[row["pdb_id"]] = str(exc)
        else:
            _fill_from_complex(row, complex_)
        if progress:
            progress(k, len(todo), row["pdb_id"])
    return rows


def _fill_from_complex(row: dict[str, str], complex_) -> None:
    observed = {"chain": complex_.chain, "ligand": complex_.ligand or "",
                "mutations": "+".join(complex_.mutations) or "WT"}
    differences = [f"RCSB record: {key} {row[key] or 'none'}" for key, value in observed.items()
                   if row[key] and row[key] != value]
    resolution = complex_.metadata.get("resolution")
    same_ligand = row["ligand"] == observed["ligand"]
    row.update(observed)
    row.update({
        "verified": "yes", "file_class": "R", "mirror_file": "",
        "drug": complex_.drug or "",
        "ligand_name": row["ligand_name"] if same_ligand else "",
        "resolution_A": f"{resolution:.2f}" if resolution else row["resolution_A"],
        "first_residue": str(complex_.first_residue), "last_residue": str(complex_.last_residue),
    })
    notes = [n for n in row["notes"].split("; ") if not n.startswith("not verified")]
    notes.append("verified: read off the file by structkit")
    row["notes"] = "; ".join(notes + differences)


def catalogue_text(rows: Iterable[dict[str, str]]) -> str:
    """Rows in the catalogue's CSV format (the columns of ``structures/catalogue.csv``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CATALOGUE_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in CATALOGUE_COLUMNS})
    return buffer.getvalue()


def is_release_date(text: str) -> bool:
    """Whether ``text`` is a date as the RCSB's release-date filter takes it (``YYYY-MM-DD``)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def write_catalogue(rows: Iterable[dict[str, str]], path: str | os.PathLike) -> None:
    """Write rows as a catalogue CSV, atomically (never half a catalogue); the catalogue's rows and
    every cache built on them are read afresh afterwards (:func:`~structkit.catalogue.catalogue_changed`)."""
    write_text_atomic(path, catalogue_text(rows))
    catalogue_changed()
