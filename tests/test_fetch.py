"""fetch: cache, mirrors and an HTTP source, proven against a real server on 127.0.0.1 that
serves the shared files and injects faults (404, truncated body, dropped connection, a server
slower than the timeout, the wrong entry, transient 503s, a process killed mid-transfer)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from structkit.errors import FetchError, StructkitError
from structkit.io.fetch import fetch, fetch_each, fetch_many, find_in_mirrors
from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data]

FAST = {"timeout": 1.0, "retries": 2, "backoff": 0.01}


class _Handler(BaseHTTPRequestHandler):
    faults: ClassVar[dict[str, str]] = {}
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        self.hits[name] = self.hits.get(name, 0) + 1
        pdb_id, _, fmt = name.partition(".")
        fault = self.faults.get(pdb_id.upper(), "")
        source = SHARED / f"{pdb_id.lower()}.{fmt.removesuffix('.gz')}"
        if fault == "wrong":
            source = SHARED / "4cli.cif" if fmt == "cif.gz" else source
        if fault == "404" or not source.is_file():
            self.send_error(404)
            return
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault == "flaky" and self.hits[name] <= 2:
            self.send_error(503)
            return
        body = gzip.compress(source.read_bytes(), mtime=0)
        if fault == "slow":
            time.sleep(3)  # the client has given up by now: what follows may meet a closed socket
        try:
            self._send(body, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, body: bytes, fault: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "trickle":
            for k in range(0, len(body), 64):
                self.wfile.write(body[k:k + 64])
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    _Handler.faults = {}
    _Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/download", _Handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def _cache_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_download_verify_checksum_then_cache_hit(server, cache):
    url, handler = server
    first = fetch("4cli", cache=cache, base_url=url, **FAST)
    assert first.origin == "rcsb" and first.path == cache / "4CLI.cif.gz"
    assert _cache_files(cache) == ["4CLI.cif.gz", "4CLI.cif.gz.sha256"]
    assert (cache / "4CLI.cif.gz.sha256").read_text().split()[0] == first.sha256
    again = fetch("4CLI", cache=cache, base_url=url, **FAST)
    assert again.origin == "cache" and again.sha256 == first.sha256
    assert handler.hits == {"4CLI.cif.gz": 1}


def test_pdb_format_when_no_mmcif(server, cache):
    url, handler = server
    result = fetch("2XP2", cache=cache, base_url=url, **FAST)
    assert result.path.name == "2XP2.pdb.gz"
    assert handler.hits == {"2XP2.cif.gz": 1, "2XP2.pdb.gz": 1}


def test_not_found(server, cache):
    url, _ = server
    with pytest.raises(FetchError, match="1ABC: not found"):
        fetch("1ABC", cache=cache, base_url=url, **FAST)
    assert _cache_files(cache) == []


@pytest.mark.parametrize(
    ("fault", "message"),
    [("truncate", "truncated"), ("drop", "connection failed"), ("slow", "timed out"),
     ("wrong", "is entry 4CLI, not 4CLJ")],
)
def test_faults_leave_the_cache_clean(server, cache, fault, message):
    url, handler = server
    handler.faults["4CLJ"] = fault
    with pytest.raises(FetchError, match=message):
        fetch("4CLJ", cache=cache, base_url=url, **FAST)
    assert handler.hits["4CLJ.cif.gz"] == FAST["retries"] + 1  # retried, then gave up
    assert _cache_files(cache) == []


def test_transient_errors_are_retried(server, cache):
    url, handler = server
    handler.faults["5FTO"] = "flaky"
    result = fetch("5FTO", cache=cache, base_url=url, **FAST)
    assert result.origin == "rcsb" and handler.hits["5FTO.cif.gz"] == 3


def test_corrupt_cache_entry_is_replaced(server, cache):
    url, handler = server
    fetch("4CLI", cache=cache, base_url=url, **FAST)
    (cache / "4CLI.cif.gz").write_bytes(b"garbage")
    result = fetch("4CLI", cache=cache, base_url=url, **FAST)
    assert result.origin == "rcsb" and handler.hits["4CLI.cif.gz"] == 2
    assert gzip.decompress(result.path.read_bytes()) == (SHARED / "4cli.cif").read_bytes()


def test_killed_mid_transfer_leaves_no_partial_file(server, cache):
    url, handler = server
    handler.faults["4CMO"] = "trickle"
    code = f"from structkit import fetch; fetch('4CMO', cache={str(cache)!r}, base_url={url!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    deadline = time.monotonic() + 20
    while handler.hits.get("4CMO.cif.gz", 0) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # mid-transfer
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert [p for p in _cache_files(cache) if not p.startswith(".")] == []
    # the next run completes the download
    handler.faults.clear()
    assert fetch("4CMO", cache=cache, base_url=url, **FAST).origin == "rcsb"


def test_mirror_before_rcsb_any_case_and_gzip(server, cache, tmp_path, monkeypatch):
    url, handler = server
    upper = tmp_path / "mirror_a"
    upper.mkdir()
    (upper / "4CTB.CIF.GZ").write_bytes(gzip.compress((SHARED / "4ctb.cif").read_bytes()))
    (tmp_path / "empty").mkdir()  # searched first, holds nothing
    monkeypatch.setenv("STRUCTKIT_MIRROR", os.pathsep.join([str(tmp_path / "empty"), str(upper)]))
    result = fetch("4ctb", cache=cache, base_url=url, **FAST)
    assert result.origin == "mirror" and result.path == upper / "4CTB.CIF.GZ"
    assert handler.hits == {} and _cache_files(cache) == []


def test_mirror_klifs_layout():
    assert find_in_mirrors("2YJR", [SHARED]) == SHARED / "2yjr" / "complex.pdb"
    assert find_in_mirrors("2XP2", [SHARED]) == SHARED / "2xp2.pdb"
    assert find_in_mirrors("1ABC", [SHARED]) is None


def test_offline_without_mirror(cache):
    with pytest.raises(FetchError, match="not in the cache or the mirrors"):
        fetch("2XP2", cache=cache, offline=True)


def test_bad_id():
    with pytest.raises(StructkitError, match="'2XP' is not a PDB ID"):
        fetch("2XP")


def test_fetch_many_keeps_going(server, cache):
    url, _ = server
    seen = []
    results, errors = fetch_many(
        ["4CLI", "1ABC", "4CLJ"], cache=cache, base_url=url,
        progress=lambda done, total, label: seen.append((done, total, label)), **FAST,
    )
    assert [r.pdb_id for r in results] == ["4CLI", "4CLJ"]
    assert list(errors) == ["1ABC"]
    assert seen == [(1, 3, "4CLI"), (2, 3, "1ABC"), (3, 3, "4CLJ")]  # the one progress shape


def test_fetch_each_streams_results_and_errors(server, cache):
    url, _ = server
    found = list(fetch_each(["4CLI", "1ABC"], cache=cache, base_url=url, **FAST))
    assert [(pdb_id, result is not None, error is not None) for pdb_id, result, error in found] == \
        [("4CLI", True, False), ("1ABC", False, True)]
    assert found[0][1].pdb_id == "4CLI" and "1ABC" in found[1][2]


def test_cli_fetch_from_loopback_server_shows_progress(server, cache):
    url, _ = server
    env = dict(os.environ, STRUCTKIT_RCSB_URL=url, STRUCTKIT_CACHE=str(cache))
    proc = subprocess.run(
        [sys.executable, "-m", "structkit", "fetch", "4CLI", "4CLJ", "5A9U"],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["[1/3] 4CLI", "[2/3] 4CLJ", "[3/3] 5A9U"]
    assert all("\trcsb\t" in line for line in lines)


# --- mirror folders: a missing one is named, relative ones are taken from the current folder ---

def test_missing_mirror_folder_is_named(tmp_path):
    from structkit.io.fetch import mirror_dirs

    with pytest.raises(FetchError, match=r"^mirror folder /does/not/exist does not exist$"):
        mirror_dirs(["/does/not/exist"])
    a_file = tmp_path / "f"
    a_file.write_text("")
    with pytest.raises(FetchError, match="is a file, not a folder"):
        fetch("2XP2", mirrors=[a_file], offline=True)


def test_missing_mirror_in_the_environment_is_named(monkeypatch, tmp_path):
    from structkit.io.fetch import mirror_dirs

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STRUCTKIT_MIRROR", f"{SHARED}{os.pathsep}../shared/structures")
    expected = (r"STRUCTKIT_MIRROR folder \.\./shared/structures does not exist "
                rf"\(relative paths are taken from the current folder, {tmp_path}\)")
    with pytest.raises(FetchError, match=expected):
        mirror_dirs()


def test_relative_mirror_in_the_environment_is_taken_from_the_current_folder(monkeypatch):
    from structkit.io.fetch import mirror_label

    monkeypatch.chdir(SHARED.parent)
    monkeypatch.setenv("STRUCTKIT_MIRROR", "structures")
    found = fetch("2XP2", offline=True)
    assert found.origin == "mirror" and found.path.resolve() == (SHARED / "2xp2.pdb").resolve()
    # the label is the same for the absolute and the relative spelling
    assert mirror_label("structures") == mirror_label(SHARED) == "structures"


def test_cli_names_the_missing_mirror():
    from tests.util import assert_one_line_error, run

    proc = run("info", "2XP2", "--mirror", "/does/not/exist")
    assert_one_line_error(proc, "mirror folder /does/not/exist does not exist")
    assert "use --mirror" not in proc.stderr
    proc = run("info", "2XP2", env_extra={"STRUCTKIT_MIRROR": "no/such/mirror"})
    assert_one_line_error(proc, "STRUCTKIT_MIRROR folder no/such/mirror does not exist")
