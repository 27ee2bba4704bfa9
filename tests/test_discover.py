"""structkit discover against a loopback RCSB: the Search API (POSTed JSON queries, pages, 204 for no
hits), the Data API (GraphQL) and the file server, with the faults a real service shows (429 with
Retry-After, 503, a malformed body, no answer at all).

The answers are written here in the documented formats of both APIs. For the shipped entries the
Data API records are built from ``../shared/structures/rcsb_alk_entries_report.csv``, a custom
report the RCSB itself produced (chains, UniProt accessions, ligand codes and names), so the check
that discovery reproduces the shipped catalogue rests on the RCSB's own data."""

from __future__ import annotations

import csv
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.discover import catalogue_text, discover, row_from_record, verify_rows
from structkit.analysis.measure.features import site_features
from structkit.catalogue import catalogue, catalogue_path
from structkit.errors import FetchError, StructkitError
from structkit.io.rcsb import ENTRY_QUERY, RcsbClient
from tests.util import SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data]

REPORT = SHARED / "rcsb_alk_entries_report.csv"
ACCESSION_FIELD = ("rcsb_polymer_entity_container_identifiers.reference_sequence_identifiers."
                   "database_accession")


def report_records() -> dict[str, dict]:
    """Data API entry records built from the RCSB custom report (one row per instance, continuation
    rows without the entry ID)."""
    rows = list(csv.reader(REPORT.open()))[2:]
    entries: dict[str, dict] = {}
    entry = polymer = ligand = None
    for cells in rows:
        cells += [""] * (17 - len(cells))
        if cells[1]:
            entry = {"rcsb_id": cells[1], "polymer_entities": [], "nonpolymer_entities": []}
            entries[cells[1]] = entry
            polymer = ligand = None
        if entry is None:
            continue
        if cells[6]:
            polymer = {"rcsb_polymer_entity_container_identifiers": {
                "auth_asym_ids": [],
                "reference_sequence_identifiers": [
                    {"database_name": "UniProt", "database_accession": a.strip()}
                    for a in cells[8].split(",") if a.strip()]},
                "rcsb_polymer_entity": {"pdbx_description": None, "pdbx_mutation": None},
                "entity_poly": {"rcsb_mutation_count": None}}
            entry["polymer_entities"].append(polymer)
        if cells[5] and polymer is not None:
            chains = polymer["rcsb_polymer_entity_container_identifiers"]["auth_asym_ids"]
            if cells[5] not in chains:
                chains.append(cells[5])
        if cells[9]:
            comp = {"id": cells[9], "name": cells[10], "formula_weight": None}
            ligand = {"nonpolymer_comp": {"chem_comp": comp},
                      "rcsb_nonpolymer_entity_container_identifiers": {"auth_asym_ids": []}}
            entry["nonpolymer_entities"].append(ligand)
        if cells[13] and ligand is not None:
            chains = ligand["rcsb_nonpolymer_entity_container_identifiers"]["auth_asym_ids"]
            if cells[13] not in chains:
                chains.append(cells[13])
    return entries


# a new entry: 2XP2's coordinates declared as 9ZZZ, with the record the Data API would give for it
NEW_ID = "9ZZZ"
NEW_RECORD = {
    "rcsb_id": NEW_ID,
    "rcsb_accession_info": {"initial_release_date": "2026-10-01T00:00:00Z"},
    "exptl": [{"method": "X-RAY DIFFRACTION"}],
    "rcsb_entry_info": {"resolution_combined": [1.9]},
    "polymer_entities": [{
        "rcsb_polymer_entity_container_identifiers": {
            "auth_asym_ids": ["A"],
            "reference_sequence_identifiers": [{"database_name": "UniProt", "database_accession": "Q9UM73"}]},
        "rcsb_polymer_entity": {"pdbx_description": "ALK tyrosine kinase receptor", "pdbx_mutation": None},
        "entity_poly": {"rcsb_mutation_count": 0}}],
    "nonpolymer_entities": [
        {"nonpolymer_comp": {"chem_comp": {"id": "EDO", "name": "1,2-ETHANEDIOL", "formula_weight": 62.068}},
         "rcsb_nonpolymer_entity_container_identifiers": {"auth_asym_ids": ["A"]}},
        {"nonpolymer_comp": {"chem_comp": {"id": "VGH", "name": "crizotinib (IUPAC name)",
                                           "formula_weight": 450.337}},
         "rcsb_nonpolymer_entity_container_identifiers": {"auth_asym_ids": ["A"]}}],
}


class _Rcsb(BaseHTTPRequestHandler):
    entries: ClassVar[dict[str, dict]] = {}
    released: ClassVar[dict[str, str]] = {}
    faults: ClassVar[list[str]] = []  # served in order, one per request, before normal answers
    requests: ClassVar[list[tuple[str, dict | None]]] = []

    def log_message(self, *args):
        pass

    def _json(self, payload: dict, status: int = 200) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _fault(self) -> bool:
        if not self.faults:
            return False
        fault = self.faults.pop(0)
        if fault == "429":
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "503":
            self.send_error(503)
        elif fault == "malformed":
            body = b"<html>Service temporarily unavailable</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        return True

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append((self.path, payload))
        if self._fault():
            return
        if self.path == "/rcsbsearch/v2/query":
            nodes = payload["query"]["nodes"]
            accession = next(n["parameters"]["value"] for n in nodes
                             if n["parameters"]["attribute"] == ACCESSION_FIELD)
            since = next((n["parameters"]["value"] for n in nodes
                          if n["parameters"]["attribute"] == "rcsb_accession_info.initial_release_date"), "")
            hits = sorted(i for i, record in self.entries.items()
                          if any(ref["database_accession"] == accession
                                 for ent in record["polymer_entities"]
                                 for ref in ent["rcsb_polymer_entity_container_identifiers"]
                                 ["reference_sequence_identifiers"])
                          and self.released.get(i, "2000-01-01") >= since)
            if not hits:
                self.send_response(204)
                self.end_headers()
                return
            page = payload["request_options"]["paginate"]
            chosen = hits[page["start"]:page["start"] + page["rows"]]
            self._json({"query_id": "loopback", "result_type": "entry", "total_count": len(hits),
                        "result_set": [{"identifier": i, "score": 1.0} for i in chosen]})
        elif self.path == "/graphql":
            assert "entries(entry_ids: $ids)" in payload["query"]
            ids = payload["variables"]["ids"]
            self._json({"data": {"entries": [self.entries[i] for i in ids if i in self.entries]}})
        else:
            self.send_error(404)

    def do_GET(self):
        self.requests.append((self.path, None))
        if self.path == f"/download/{NEW_ID}.pdb.gz":
            text = (SHARED / "2xp2.pdb").read_text().replace("2XP2", NEW_ID, 1)
            body = gzip.compress(text.encode(), mtime=0)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)


@pytest.fixture
def rcsb(monkeypatch):
    _Rcsb.entries = {**report_records(), NEW_ID: NEW_RECORD}
    _Rcsb.released = {NEW_ID: "2026-10-01"}
    _Rcsb.faults = []
    _Rcsb.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Rcsb)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("STRUCTKIT_RCSB_SEARCH_URL", f"{url}/rcsbsearch/v2/query")
    monkeypatch.setenv("STRUCTKIT_RCSB_DATA_URL", f"{url}/graphql")
    monkeypatch.setenv("STRUCTKIT_RCSB_URL", f"{url}/download")
    yield url
    httpd.shutdown()


def _client(**kw) -> RcsbClient:
    return RcsbClient(**{"timeout": 5.0, "retries": 3, "backoff": 0.01, "interval": 0.0, **kw})


def test_search_reads_every_page(rcsb):
    ids = _client().search("Q9UM73", rows=25)
    expected = sorted(i for i, r in report_records().items() if any(
        ref["database_accession"] == "Q9UM73" for e in r["polymer_entities"]
        for ref in e["rcsb_polymer_entity_container_identifiers"]["reference_sequence_identifiers"]))
    assert ids == sorted([*expected, NEW_ID])
    pages = [p for path, p in _Rcsb.requests if path == "/rcsbsearch/v2/query"]
    assert [p["request_options"]["paginate"]["start"] for p in pages] == [0, 25, 50, 75][:len(pages)]
    assert len(pages) == -(-len(ids) // 25)


def test_empty_result_is_no_entries(rcsb):
    assert _client().search("P00000") == []
    assert discover("P00000", client=_client()) == []


def test_since_filters_by_release_date(rcsb):
    assert _client().search("Q9UM73", since="2026-01-01") == [NEW_ID]
    with pytest.raises(StructkitError, match="give a date as YYYY-MM-DD"):
        discover(since="last week", client=_client())


@pytest.mark.parametrize("faults", [["429"], ["503", "503"], ["malformed"], ["429", "malformed", "503"]])
def test_transient_failures_are_retried(rcsb, faults):
    _Rcsb.faults = list(faults)
    assert NEW_ID in _client().search("Q9UM73")
    assert _Rcsb.faults == []


def test_persistent_failure_is_one_clear_error(rcsb):
    _Rcsb.faults = ["503"] * 10
    with pytest.raises(FetchError, match=r"RCSB search for Q9UM73: HTTP 503 \(after 2 attempts\)"):
        _client(retries=1).search("Q9UM73")
    _Rcsb.faults = ["malformed"] * 10
    with pytest.raises(FetchError, match=r"malformed answer \(not JSON"):
        _client(retries=1).search("Q9UM73")


def test_answers_are_cached(rcsb):
    _client().search("Q9UM73", since="2026-01-01")
    n = len(_Rcsb.requests)
    assert _client().search("Q9UM73", since="2026-01-01") == [NEW_ID]
    assert len(_Rcsb.requests) == n  # from the cache
    assert _client(offline=True).search("Q9UM73", since="2026-01-01") == [NEW_ID]
    _client(max_age=0.0).search("Q9UM73", since="2026-01-01")
    assert len(_Rcsb.requests) == n + 1  # --refresh asks again


def test_data_api_query_is_the_documented_graphql():
    assert ENTRY_QUERY.startswith("query entries($ids: [String!]!)")
    for field in ("rcsb_accession_info { initial_release_date }", "resolution_combined", "pdbx_mutation",
                  "database_accession", "chem_comp { id name formula_weight }"):
        assert field in ENTRY_QUERY


def test_shipped_catalogue_is_reproduced_from_the_rcsb_records():
    # 60 verified rows: the inhibitor code, its drug and the chain follow from the RCSB's own records
    records = report_records()
    shipped = [row for row in catalogue() if row["verified"] == "yes"]
    assert len(shipped) == 60
    differences = {}
    for row in shipped:
        found = row_from_record(records[row["pdb_id"]])
        for key in ("ligand", "drug", "chain"):
            if found[key] != row[key]:
                differences[(row["pdb_id"], key)] = (found[key], row[key])
    # the one difference: 4CNH has two kinase chains (B listed first) that both carry 3U9; the
    # record cannot say which copy the file's pocket is best formed in; verification reads it off
    # the file (chain A), as for the shipped row
    assert differences == {("4CNH", "chain"): ("B", "A")}


def test_new_row_from_a_documented_record():
    row = row_from_record(NEW_RECORD)
    assert row["verified"] == "no" and row["ligand"] == "VGH" and row["drug"] == "crizotinib"
    assert row["mutations"] == "WT" and row["resolution_A"] == "1.90" and row["chain"] == "A"
    assert "other ligands: EDO" not in row["notes"]  # an additive is no ligand
    assert "released 2026-10-01, x-ray diffraction" in row["notes"]
    mutant = json.loads(json.dumps(NEW_RECORD))
    mutant["polymer_entities"][0]["rcsb_polymer_entity"]["pdbx_mutation"] = "G1202R, L1196M"
    mutant["polymer_entities"][0]["entity_poly"]["rcsb_mutation_count"] = 2
    assert row_from_record(mutant)["mutations"] == "L1196M+G1202R"
    mutant["polymer_entities"][0]["rcsb_polymer_entity"]["pdbx_mutation"] = "yes"
    unnamed = row_from_record(mutant)
    assert unnamed["mutations"] == "" and "mutations deposited but not named (yes)" in unnamed["notes"]


def test_discovered_entry_flows_through_fetch_info_and_features(rcsb, tmp_path):
    rows = discover(client=_client())
    new = [r for r in rows if r["pdb_id"] == NEW_ID]
    assert len(new) == 1 and new[0]["verified"] == "no"
    assert {r["pdb_id"] for r in rows if r["verified"] == "yes"} == {
        r["pdb_id"] for r in catalogue() if r["verified"] == "yes"} & {r["pdb_id"] for r in rows}
    verified = verify_rows(new)[0]
    assert verified["verified"] == "yes" and verified["file_class"] == "R"
    assert (verified["chain"], verified["ligand"], verified["drug"], verified["mutations"]) == (
        "A", "VGH", "crizotinib", "WT")
    assert (verified["first_residue"], verified["last_residue"], verified["resolution_A"]) == (
        "1093", "1401", "1.90")
    complex_ = structkit.load(NEW_ID)  # now in the download cache
    assert complex_.drug == "crizotinib"
    proc = run("info", NEW_ID, "--offline")
    assert proc.returncode == 0, proc.stderr
    assert "inhibitor   VGH (crizotinib)" in proc.stdout
    assert site_features(complex_, [1196])["min_heavy_distance_A"].iloc[0] == pytest.approx(3.68, abs=0.01)
    header = catalogue_text([verified]).splitlines()[0]
    assert header == catalogue_path().read_text().splitlines()[0]


def _only_shipped_and_new() -> None:
    """The loopback RCSB answers with the shipped entries and the new one only (the report also
    lists ALK entries no mirror holds, whose files the loopback server does not have)."""
    shipped = {r["pdb_id"] for r in catalogue() if r["verified"] == "yes"}
    _Rcsb.entries = {k: v for k, v in _Rcsb.entries.items() if k in shipped or k == NEW_ID}


def test_report_lists_entries_the_catalogue_lacks():
    # the RCSB's own report maps more entries to Q9UM73 than the catalogue holds: what discovery is for
    shipped = {r["pdb_id"] for r in catalogue()}
    mapped = {i for i, r in report_records().items() if any(
        ref["database_accession"] == "Q9UM73" for e in r["polymer_entities"]
        for ref in e["rcsb_polymer_entity_container_identifiers"]["reference_sequence_identifiers"])}
    assert shipped <= mapped and len(mapped - shipped) == 15


def test_cli_discover_writes_a_catalogue(rcsb, tmp_path):
    _only_shipped_and_new()
    out = tmp_path / "catalogue.csv"
    proc = run("discover", "--verify", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"{NEW_ID}  verified" in proc.stdout and "1 new (1 verified)" in proc.stdout
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == list(pd.read_csv(catalogue_path(), nrows=0).columns)
    assert table.loc[table["pdb_id"] == NEW_ID, "verified"].item() == "yes"
    proc = run("discover", "--since", "2026-01-01", "--json")
    assert [r["pdb_id"] for r in json.loads(proc.stdout)] == [NEW_ID]


def test_cli_fetch_all_discover(rcsb, tmp_path):
    _only_shipped_and_new()
    proc = run("fetch", "--all", "--discover", "--mirror", str(SHARED))
    assert proc.returncode == 0, proc.stderr
    assert "discovered 1 entry beyond the catalogue" in proc.stderr
    assert f"{NEW_ID}\trcsb" in proc.stdout and "2XP2\tmirror" in proc.stdout


def test_cli_unreachable_rcsb_keeps_the_shipped_catalogue(monkeypatch):
    monkeypatch.setenv("STRUCTKIT_RCSB_SEARCH_URL", "http://127.0.0.1:9/unreachable")
    proc = run("discover", "--retries", "0", "--timeout", "1")
    assert_one_line_error(proc, "RCSB search for Q9UM73", "the shipped catalogue (64 entries) stays in use")
    proc = run("fetch", "--all", "--discover", "--mirror", str(SHARED), "--retries", "0", "--timeout", "1")
    assert proc.returncode == 0
    assert "structkit: warning: discovery failed" in proc.stderr and "2XP2\tmirror" in proc.stdout
