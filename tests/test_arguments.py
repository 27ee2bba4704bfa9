"""The public API answers a wrong argument with a StructkitError that names it (issue 41's cases,
each first reproduced: Python's own TypeError/AttributeError, or a value taken silently), and the
worker and scheduler rules are the same for the flag, the keyword and the environment variable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import structkit
from structkit.analysis.parallel.engine import Engine, default_workers
from structkit.arguments import check_scheduler, check_workers, workers_from_text
from structkit.errors import StructkitError
from tests.util import REPO, SHARED, run

pytestmark = [pytest.mark.shared_data]


@pytest.mark.parametrize("value", [0, -1, "abc", "2", 1.5, True])
def test_a_worker_count_is_a_whole_number_of_one_or_more(value):
    with pytest.raises(StructkitError, match=r"^workers="):
        check_workers(value)
    with pytest.raises(StructkitError, match=r"^workers="):
        Engine(workers=value)


def test_good_worker_counts_pass():
    assert check_workers(None) is None and check_workers(3) == 3
    assert workers_from_text(" 2 ", "STRUCTKIT_WORKERS") == 2


@pytest.mark.parametrize("text", ["0", "-1", "abc", "1.5", ""])
def test_structkit_workers_gets_the_flags_rules(monkeypatch, text):
    monkeypatch.setenv("STRUCTKIT_WORKERS", text)
    if not text:  # empty: unset in effect, the machine's cores
        assert default_workers() == max(1, os.cpu_count() or 1)
        return
    with pytest.raises(StructkitError, match=rf"^STRUCTKIT_WORKERS='{text}': give a whole number"):
        default_workers()
    with pytest.raises(StructkitError, match="STRUCTKIT_WORKERS"):
        Engine()


@pytest.mark.parametrize("text", ["0", "-1", "abc"])
def test_the_command_refuses_a_bad_structkit_workers_in_one_line(text):
    result = run("scan", "2XP2", "--review", "--mirror", str(SHARED), env_extra={"STRUCTKIT_WORKERS": text})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"structkit: error: STRUCTKIT_WORKERS='{text}': give a whole number of worker processes, 1 or more"]


@pytest.mark.parametrize("address", ["garbage", "tcp://", "host", "tcp://host:port", "http://x:1"])
def test_a_scheduler_that_is_no_address_is_refused_at_once(address):
    with pytest.raises(StructkitError, match="not a Dask scheduler address"):
        check_scheduler(address)
    with pytest.raises(StructkitError, match=r"^scheduler="):
        Engine(scheduler=address)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://node-3.cluster:8786",
                                     "tcp://[::1]:8786", "inproc://host:1"])
def test_scheduler_addresses_pass(address):
    assert check_scheduler(address) == address


def test_the_command_says_garbage_is_no_address_without_a_traceback():
    start = time.monotonic()
    result = run("scan", "2XP2", "--review", "--mirror", str(SHARED), "--scheduler", "garbage")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "structkit: error: --scheduler='garbage': not a Dask scheduler address; give "
        "[protocol://]host:port, for example tcp://127.0.0.1:8786"]
    assert time.monotonic() - start < 15  # refused before Dask tries for 20 s (not a timing test)


@pytest.mark.parametrize("call, name", [
    (lambda: structkit.ddg("2XP2", 1202), "mutations=1202"),
    (lambda: structkit.ddg("2XP2", None), "mutations=None"),
    (lambda: structkit.ddg("2XP2", []), "mutations=[]"),
    (lambda: structkit.ddg(None, "G1202R"), "structure=None"),
    (lambda: structkit.ddg("2XP2", "G1202R", engine=structkit.Engine(workers=0)), "workers=0"),
    (lambda: structkit.ddg("2XP2", "G1202R", engine=structkit.Engine(workers="abc")), "workers='abc'"),
    (lambda: structkit.load(12345), "id_or_path=12345"),
    (lambda: structkit.load(None), "id_or_path=None"),
    (lambda: structkit.advise(None), "mutations=None"),
    (lambda: structkit.advise("G1202R", engine=structkit.Engine(workers=0)), "workers=0"),
    (lambda: structkit.advise("G1202R", kinase=None), "kinase=None"),
    (lambda: structkit.mutate("2XP2", "G1202R"), "complex_='2XP2'"),
    (lambda: structkit.parse_mutations(5), "mutation 5"),
    (lambda: structkit.parse_mutation(None), "mutation None"),
])
def test_wrong_types_are_a_structkit_error_that_names_the_argument(call, name):
    with pytest.raises(StructkitError) as info:
        call()
    assert str(info.value).startswith(name), str(info.value)
    assert "\n" not in str(info.value)


def test_mutate_says_how_to_load_the_entry():
    with pytest.raises(StructkitError, match=r"structkit\.load\('2XP2'\)"):
        structkit.mutate("2XP2", "G1202R")


def test_the_api_refuses_the_ambiguous_slash_as_the_command_does():
    with pytest.raises(StructkitError, match="a slash between two sites is ambiguous; write G1202R\\+L1196M"):
        structkit.ddg("2XP2", "G1202R/L1196M")
    with pytest.raises(StructkitError, match="a slash between two sites is ambiguous"):
        structkit.advise("G1202R/L1196M")
    # alternatives at one site are not ambiguous: the parse lists them
    parsed = structkit.parse_mutations("I1171N/S/T").mutations
    assert [str(m) for m in parsed] == ["I1171N", "I1171S", "I1171T"]


def test_a_drug_name_the_complex_contradicts_is_refused():
    options = structkit.LoadOptions.resolve(mirrors=[SHARED])
    for name, hint in (("aspirin", "the inhibitor of 2XP2 is VGH \\(crizotinib\\), not aspirin"),
                       ("lorlatinib", "the inhibitor of 2XP2 is VGH \\(crizotinib\\), not lorlatinib")):
        with pytest.raises(StructkitError, match=hint):
            structkit.advise("G1202R", complexes={name: "2XP2"}, options=options)
    result = run("advise", "G1202R", "--complex", "aspirin=2XP2", "--mirror", str(SHARED))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not aspirin; name it crizotinib" in result.stderr


@pytest.mark.slow
def test_ctrl_c_during_a_local_cluster_run_prints_one_line_and_no_worker_traceback(tmp_path):
    """SIGINT to the whole process group, as a terminal sends it, while two local workers scan."""
    env = {**os.environ, "STRUCTKIT_CACHE": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "structkit", "scan", "--all", "--review", "--mirror", str(SHARED),
         "--workers", "2", "-o", str(tmp_path / "f.csv")],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # SIGINT at its default, as a terminal starts a command (pytest-xdist's workers ignore it, and
        # an ignored signal stays ignored across exec: the command would then rightly not stop)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    seen = ""
    assert proc.stderr is not None
    while time.monotonic() < deadline:  # wait until the workers are at work
        line = proc.stderr.readline()
        seen += line
        if "structures]" in line or not line:
            break
    os.killpg(proc.pid, signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    stderr = seen + rest
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == "structkit: interrupted"
    assert not (tmp_path / "f.csv").exists()
