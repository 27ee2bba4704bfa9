"""Preparation: the same crystal chain gives the same protonated, completed chain in any process."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]

_PREPARE = """
import sys
import structkit
from structkit.energy.prepare import prepare
prep = prepare(structkit.load(sys.argv[1]), cache=sys.argv[2])
print(prep.checksum)
"""


def test_two_fresh_processes_prepare_the_same_chain(tmp_path):
    """2XP2 lacks side-chain atoms (PDBFixer rebuilds them, with its clash-relief dynamics) and all
    hydrogens: two processes with empty caches and different hash seeds write the same bytes."""
    procs = []
    for k in (1, 2):
        env = dict(os.environ, PYTHONHASHSEED=str(k))
        procs.append(subprocess.Popen(
            [sys.executable, "-c", _PREPARE, str(SHARED / "2xp2.pdb"), str(tmp_path / f"cache{k}")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO))
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    files = [sorted((tmp_path / f"cache{k}" / "prepared").glob("*.pdb")) for k in (1, 2)]
    assert len(files[0]) == 1 and [f.name for f in files[0]] == [f.name for f in files[1]]
    first, second = (f[0].read_bytes() for f in files)
    assert first == second
    assert outputs[0][0] == outputs[1][0]  # the checksum (chain and ligand) that keys the ddG cache
    text = first.decode()
    # rebuilt and protonated: hydrogens everywhere, and the heavy atoms the crystal lacks
    assert sum(line[76:78].strip() == "H" for line in text.splitlines() if line.startswith("ATOM")) > 2000


def test_preparation_leaves_the_callers_random_sequence_alone(tmp_path):
    """The seeded generator is restored: a caller's random sequence continues as if nothing ran."""
    import structkit
    from structkit.energy.prepare import _chain_text, _protonate

    complex_ = structkit.load(SHARED / "2xp2.pdb")
    random.seed(5)
    expected = [random.random() for _ in range(3)]
    random.seed(5)
    _protonate(_chain_text(complex_), "2XP2")
    assert [random.random() for _ in range(3)] == expected


def test_another_thread_drawing_random_numbers_changes_nothing(tmp_path):
    """A Dask worker's event loop (or any thread) may draw from Python's global generator while a
    chain is protonated: the preparation does not depend on it (it failed when the modeller drew
    from the global generator, which made the tracked ALK chains differ from a fresh run's)."""
    import threading

    import structkit
    from structkit.energy.prepare import _chain_text, _protonate

    text = _chain_text(structkit.load(SHARED / "2xp2.pdb"))
    quiet = _protonate(text, "2XP2")
    stop = threading.Event()

    def draw() -> None:
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        noisy = _protonate(text, "2XP2")
    finally:
        stop.set()
        thread.join()
    assert noisy == quiet
