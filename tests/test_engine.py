"""The batch engine: the same tables in this process, on a local Dask cluster, and on a Dask
scheduler with two worker processes started by hand, also when one of them is killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.ddg import ddg_table
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from tests.util import REPO, SHARED, abl_files

pytestmark = [pytest.mark.shared_data]


def _square(x: int) -> int:
    return x * x


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise StructkitError("three is not allowed")
    return x


def test_serial_and_local_cluster_agree_in_order():
    items = list(range(40))
    with Engine(workers=1) as serial:
        assert serial.serial
        expected = serial.map(_square, items)
    seen = []
    with Engine(workers=2, progress=lambda done, total, label: seen.append((done, total, label))) as local:
        assert not local.serial and local.describe() == "2 local Dask workers"
        assert local.map(_square, items, report=True) == expected
        assert local._pool.cluster is not None
    assert local._pool.client is None and local._pool.cluster is None  # shut down on leaving the block
    assert [(done, total) for done, total, _ in seen] == [(k, 40) for k in range(1, 41)]
    assert sorted(int(label) for _, _, label in seen) == items  # each item named once, as it finished


def test_task_errors_arrive_as_they_were_raised():
    with Engine(workers=2) as local, pytest.raises(StructkitError, match="three is not allowed"):
        local.map(_fail_on_three, [1, 2, 3, 4])


@pytest.mark.slow
def test_unreachable_scheduler_is_one_line():
    with pytest.raises(StructkitError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        Engine(scheduler="tcp://127.0.0.1:9").map(_square, [1, 2])


@pytest.mark.slow
@pytest.mark.openmm
def test_ddg_table_is_the_same_on_two_workers(tmp_path):
    complex_path, ligand_path = abl_files("imatinib")
    complex_ = structkit.load(complex_path, ligand_file=ligand_path, keep_hydrogens=True)
    mutations = ["T315I", "T315A", "F317L", "E255K"]  # three sites: three tasks
    serial = ddg_table(complex_, mutations, engine=Engine(workers=1, cache=tmp_path / "a", use_cache=False))
    parallel = ddg_table(complex_, mutations, engine=Engine(workers=2, cache=tmp_path / "b", use_cache=False))
    pd.testing.assert_frame_equal(serial, parallel)
    assert (serial["status"] == "ok").all()


# --- a scheduler and two workers started by hand, as a user on a cluster would ---

@pytest.fixture
def dask_cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on localhost."""
    scheduler_file = tmp_path / "scheduler.json"
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    procs = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    deadline = time.monotonic() + 60
    while not scheduler_file.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    workers = [subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nthreads", "1",
                                 "--nworkers", "1", "--no-nanny", "--no-dashboard"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
               for _ in range(2)]
    procs += workers
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    yield address, workers
    for proc in procs:
        proc.kill()
        proc.wait()


def _scan(*args: str, output: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "structkit", "scan", *args, "--mirror", str(SHARED),
                             "-o", str(output)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


TARGETS = ["2XP2", "4CLI", "3AOX", "2YFX", "4MKC", "5FTO", "6MX8", "9GBE"]


@pytest.mark.slow
def test_scan_on_a_scheduler_equals_one_worker(dask_cluster, tmp_path):
    address, _ = dask_cluster
    one = _scan(*TARGETS, "--mutations", "G1202R,L1196M,I1171N", "--workers", "1",
                output=tmp_path / "one.csv")
    assert one.wait() == 0, one.stderr.read()
    remote = _scan(*TARGETS, "--mutations", "G1202R,L1196M,I1171N", "--scheduler", address,
                   output=tmp_path / "remote.csv")
    assert remote.wait() == 0, remote.stderr.read()
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "remote.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "one.csv")) == 3 * len(TARGETS)


@pytest.mark.slow
def test_a_worker_killed_mid_run_changes_nothing(dask_cluster, tmp_path):
    address, workers = dask_cluster
    one = _scan("--all", "--review", "--workers", "1", output=tmp_path / "one.csv")
    assert one.wait() == 0, one.stderr.read()
    remote = _scan("--all", "--review", "--scheduler", address, output=tmp_path / "remote.csv")
    progress = []
    while len(progress) < 3:  # wait until the run is under way (progress lines on stderr)
        line = remote.stderr.readline()
        assert line, "the run ended before a worker could be killed"
        progress.append(line)
    workers[0].send_signal(signal.SIGKILL)
    remote.stderr.read()
    assert remote.wait() == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "remote.csv").read_bytes()


def test_a_ctrl_c_while_the_workers_start_is_not_lost():
    """Workers start with SIGINT ignored, so that a terminal's Ctrl-C gives them no traceback. A
    Ctrl-C that arrived meanwhile used to be discarded, and the run went on to the end; it must reach
    the process as a KeyboardInterrupt once they are started, with its handler and mask back. Run in
    a fresh interpreter, as a command is (this one has other tests' cluster threads)."""
    code = """
import os, signal, time
from structkit.analysis.parallel.engine import _workers_ignore_sigint
handler = signal.getsignal(signal.SIGINT)
try:
    with _workers_ignore_sigint():
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        print("inside: nothing yet")
    time.sleep(0.1)
    print("lost")
except KeyboardInterrupt:
    print("interrupted")
assert signal.getsignal(signal.SIGINT) is handler
assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
"""
    # SIGINT at its default, as a terminal starts a command (pytest-xdist's workers ignore it, and an
    # ignored signal stays ignored across exec)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["inside:", "nothing", "yet", "interrupted"]


# --- the execution object: workers, cache, progress ---

def test_an_engine_carries_its_cache_and_progress_and_a_view_shares_its_cluster(tmp_path):
    seen = []
    engine = Engine(workers=1, cache=tmp_path, use_cache=False,
                    progress=lambda done, total, label: seen.append(("outer", done, total, label)))
    assert engine.cache == str(tmp_path) and engine.use_cache is False
    view = engine.reporting(lambda done, total, label: seen.append(("view", done, total, label)))
    assert view._pool is engine._pool and view.cache == engine.cache
    assert view.map(_square, [2, 3], report=True) == [4, 9]
    engine.report(1, 1, "done")
    assert seen == [("view", 1, 2, "2"), ("view", 2, 2, "3"), ("outer", 1, 1, "done")]
    seen.clear()
    assert engine.map(_square, [5], report=lambda item: f"item {item}") == [25]  # a label of the caller's
    assert seen == [("outer", 1, 1, "item 5")]
    with view:  # a view's block is the engine's: leaving it shuts down what they share
        assert engine._pool.depth == 1
    assert engine._pool.depth == 0


def test_the_default_engine_takes_the_given_cache_and_no_more_workers_than_tasks(tmp_path, monkeypatch):
    monkeypatch.setenv("STRUCTKIT_WORKERS", "4")
    default = Engine.for_tasks(None, 2, cache=tmp_path)
    assert default.workers == 2 and default.cache == str(tmp_path)
    assert Engine.for_tasks(None).workers == 4
    mine = Engine(workers=1)
    filled = Engine.for_tasks(mine, 10, cache=tmp_path)  # an engine without a cache takes the options'
    assert filled.workers == 1 and filled.cache == str(tmp_path) and mine.cache is None
    own = Engine(workers=1, cache=tmp_path / "own")
    assert Engine.for_tasks(own, cache=tmp_path) is own  # its own cache wins


def test_map_tells_on_done_each_finished_item_once():
    finished = []
    with Engine(workers=2) as local:
        assert local.map(_square, [1, 2, 3], on_done=finished.append) == [1, 4, 9]
    assert sorted(finished) == [1, 2, 3]


def _square_but_three(x: int) -> int:
    if x == 3:
        raise StructkitError("three is not allowed")
    return x * x


@pytest.mark.parametrize("workers", [1, 2])
def test_map_hands_each_result_over_as_it_finishes_and_keeps_them_when_one_fails(workers):
    """``on_result`` receives every finished task's result, so a caller keeps them even when
    another task fails (the failure still raised, as without it)."""
    kept = {}
    with Engine(workers=workers) as engine:
        assert engine.map(_square, [1, 2, 4], on_result=kept.__setitem__) == [1, 4, 16]
    assert kept == {1: 1, 2: 4, 4: 16}
    kept.clear()
    with Engine(workers=workers) as engine, pytest.raises(StructkitError, match="three is not allowed"):
        engine.map(_square_but_three, [1, 2, 3] if workers == 1 else [1, 3, 2], on_result=kept.__setitem__)
    assert kept == {1: 1, 2: 4}  # serially the failure comes last; on workers every other task finishes
