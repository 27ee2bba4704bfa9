"""The RCSB Search API (which entries map to a UniProt accession) and Data API (what they hold).

Search API v2 (``https://search.rcsb.org/rcsbsearch/v2/query``, ``STRUCTKIT_RCSB_SEARCH_URL``): a
POSTed JSON query for entries with a polymer entity whose reference sequence is the accession
(``rcsb_polymer_entity_container_identifiers.reference_sequence_identifiers``), optionally
released on or after a date (``rcsb_accession_info.initial_release_date``), answered page by page
(``request_options.paginate``: ``start``, ``rows``) as ``{"total_count": n, "result_set":
[{"identifier": "2XP2", ...}]}``, or ``204 No Content`` when nothing matches.

Data API (``https://data.rcsb.org/graphql``, ``STRUCTKIT_RCSB_DATA_URL``): one GraphQL query per
batch of entries for the release date, method, resolution, polymer entities (chains, reference
accessions, deposited mutations) and non-polymer entities (CCD code and name), answered as
``{"data": {"entries": [...]}}``.

Every request has a timeout for the whole transfer, is retried with exponential backoff (or the
server's ``Retry-After``) on timeouts, 429 and 5xx answers and malformed bodies, and requests are
spaced by a polite minimum interval. Answers are cached under ``STRUCTKIT_CACHE/results/rcsb``
for a day (``max_age``), so repeating a discovery does not query again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence

from structkit.errors import FetchError
from structkit.io.http import Transient, request, with_retries
from structkit.io.result_cache import ResultCache

__all__ = [
    "DATA_URL", "ENTRY_QUERY", "SEARCH_URL", "RcsbClient", "search_query",
]

SEARCH_URL = "https://search.rcsb.org/rcsbsearch/v2/query"
DATA_URL = "https://data.rcsb.org/graphql"
PAGE_ROWS = 100
DATA_BATCH = 50

ENTRY_QUERY = """query entries($ids: [String!]!) {
  entries(entry_ids: $ids) {
    rcsb_id
    rcsb_accession_info { initial_release_date }
    exptl { method }
    rcsb_entry_info { resolution_combined }
    polymer_entities {
      rcsb_polymer_entity_container_identifiers {
        auth_asym_ids
        reference_sequence_identifiers { database_name database_accession }
      }
      rcsb_polymer_entity { pdbx_description pdbx_mutation }
      entity_poly { rcsb_mutation_count }
    }
    nonpolymer_entities {
      nonpolymer_comp { chem_comp { id name formula_weight } }
      rcsb_nonpolymer_entity_container_identifiers { auth_asym_ids }
    }
  }
}"""


def search_query(accession: str, since: str | None, start: int, rows: int) -> dict:
    """The Search API request for entries mapped to ``accession`` (released on or after ``since``)."""
    nodes = [
        {"type": "terminal", "service": "text", "parameters": {
            "attribute": "rcsb_polymer_entity_container_identifiers.reference_sequence_identifiers."
                         "database_accession",
            "operator": "exact_match", "value": accession}},
        {"type": "terminal", "service": "text", "parameters": {
            "attribute": "rcsb_polymer_entity_container_identifiers.reference_sequence_identifiers."
                         "database_name",
            "operator": "exact_match", "value": "UniProt"}},
    ]
    if since:
        nodes.append({"type": "terminal", "service": "text", "parameters": {
            "attribute": "rcsb_accession_info.initial_release_date", "operator": "greater_or_equal",
            "value": since}})
    return {
        "query": {"type": "group", "logical_operator": "and", "nodes": nodes},
        "return_type": "entry",
        "request_options": {
            "paginate": {"start": start, "rows": rows},
            "results_content_type": ["experimental"],
            "sort": [{"sort_by": "rcsb_id", "direction": "asc"}],
        },
    }


class RcsbClient:
    """Bounded, retried, cached and rate-limited requests to the RCSB Search and Data APIs.

    Parameters
    ----------
    timeout : float
        Seconds for one request, the whole transfer included.
    retries : int
        Further attempts after a transient failure.
    backoff : float
        Seconds before the first retry, doubled for each further one.
    interval : float
        Minimum seconds between two requests (politeness).
    cache : path, optional
        Cache root (default ``STRUCTKIT_CACHE``).
    max_age : float
        Seconds a cached answer is reused (default one day); 0 never reuses.
    offline : bool
        Answer from the cache only.
    """

    def __init__(self, *, timeout: float = 30.0, retries: int = 3, backoff: float = 1.0,
                 interval: float = 0.2, cache: str | os.PathLike | None = None, max_age: float = 86400.0,
                 offline: bool = False) -> None:
        self.timeout, self.retries, self.backoff, self.interval = timeout, retries, backoff, interval
        self.cache = ResultCache("rcsb", cache)
        self.max_age, self.offline = max_age, offline
        self.search_url = os.environ.get("STRUCTKIT_RCSB_SEARCH_URL") or SEARCH_URL
        self.data_url = os.environ.get("STRUCTKIT_RCSB_DATA_URL") or DATA_URL
        self._last = 0.0

    def _post_json(self, url: str, payload: dict, what: str) -> dict | None:
        """POST ``payload``; the decoded answer, None for 204 No Content. Cached, retried."""
        body = json.dumps(payload, sort_keys=True).encode()
        key = ResultCache.key(url, payload)
        cached = self.cache.get(key)
        if cached is not None and (self.offline or time.time() - cached["saved"] <= self.max_age):
            return cached["answer"]
        if self.offline:
            raise FetchError(f"{what}: not in the cache, and downloads are off")

        def attempt() -> dict | None:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            response = request(url, self.timeout, data=body, headers={"Content-Type": "application/json",
                                                                       "Accept": "application/json"})
            if response.status == 204 or not response.body.strip():
                return None
            try:
                answer = json.loads(response.body)
            except ValueError:
                raise Transient(f"malformed answer (not JSON: {response.body[:60]!r})") from None
            if not isinstance(answer, dict):
                raise Transient("malformed answer (not a JSON object)")
            return answer

        answer = with_retries(attempt, self.retries, self.backoff, what)
        self.cache.put(key, {"saved": time.time(), "answer": answer})
        return answer

    def search(self, accession: str, since: str | None = None, rows: int = PAGE_ROWS) -> list[str]:
        """Entry IDs with a polymer entity mapped to ``accession``, sorted, every page read."""
        ids: list[str] = []
        start = 0
        while True:
            answer = self._post_json(self.search_url, search_query(accession, since, start, rows),
                                     f"RCSB search for {accession}")
            if answer is None:
                break
            try:
                total = int(answer["total_count"])
                page = [str(hit["identifier"]).upper() for hit in answer["result_set"]]
            except (KeyError, TypeError, ValueError):
                raise FetchError(f"RCSB search for {accession}: the answer lacks total_count or "
                                 "result_set (malformed)") from None
            ids += page
            start += len(page)
            if not page or start >= total:
                break
        return sorted(set(ids))

    def entries(self, ids: Sequence[str], batch: int = DATA_BATCH) -> list[dict]:
        """Data API records of the entries, in the order asked (unknown IDs are left out)."""
        out: dict[str, dict] = {}
        ids = list(ids)
        for k in range(0, len(ids), batch):
            chunk = ids[k:k + batch]
            answer = self._post_json(self.data_url, {"query": ENTRY_QUERY, "variables": {"ids": chunk}},
                                     f"RCSB data for {chunk[0]}..{chunk[-1]}")
            data = (answer or {}).get("data")
            if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
                errors = "; ".join(str(e.get("message", e)) for e in (answer or {}).get("errors", []))
                raise FetchError(f"RCSB data for {chunk[0]}..{chunk[-1]}: no entries in the answer"
                                 + (f" ({errors})" if errors else " (malformed)"))
            for record in data["entries"]:
                if isinstance(record, dict) and record.get("rcsb_id"):
                    out[str(record["rcsb_id"]).upper()] = record
        return [out[i] for i in ids if i in out]
