"""Features over an MDAnalysis trajectory the test writes itself from a shared structure."""

from __future__ import annotations

import MDAnalysis as mda
import numpy as np
import pytest

import structkit
from structkit.analysis.measure.features import site_features
from structkit.analysis.measure.trajectory import trajectory_features
from structkit.io.write import write_pdb
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]

SITES = [1196, 1198, 1202, 1256]


@pytest.fixture(scope="module")
def trajectory(tmp_path_factory):
    """4CLI (lorlatinib) as topology; 4 frames: the crystal, a rigid motion, and two jittered copies."""
    folder = tmp_path_factory.mktemp("traj")
    complex_ = structkit.load(SHARED / "4cli.cif")
    topology = write_pdb(complex_, folder / "top.pdb")
    universe = mda.Universe(str(topology))
    rng = np.random.default_rng(7)
    x0 = universe.atoms.positions.copy()
    angle = 0.4
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    frames = [x0, x0 @ rot.T + np.array([5.0, -3.0, 8.0]),
              x0 + rng.normal(scale=0.1, size=x0.shape), x0 + rng.normal(scale=0.1, size=x0.shape)]
    path = folder / "traj.dcd"
    with mda.Writer(str(path), n_atoms=len(x0)) as writer:
        for xyz in frames:
            universe.atoms.positions = xyz
            writer.write(universe.atoms)
    return mda.Universe(str(topology), str(path)), complex_


def test_frames_through_the_same_kernels(trajectory):
    universe, crystal = trajectory
    table = trajectory_features(universe, SITES)
    assert table["frame"].tolist() == [f for f in range(4) for _ in SITES]
    static = site_features(crystal, SITES).set_index("uniprot")
    first = table[table["frame"] == 0].set_index("uniprot")
    for column in ("min_heavy_distance_A", "ca_distance_A", "inhibitor_atoms_within_4.0_A",
                   "sasa_apo_A2", "hbonds_to_inhibitor", "sidechain_to_pocket_centre_A"):
        # DCD stores float32 coordinates: equal to the crystal within that precision
        np.testing.assert_allclose(first[column], static[column], atol=2e-3, equal_nan=True)
    rigid = table[table["frame"] == 1].set_index("uniprot")
    np.testing.assert_allclose(rigid["min_heavy_distance_A"], first["min_heavy_distance_A"], atol=2e-3)
    jitter = table[table["frame"] == 2].set_index("uniprot")
    delta = np.abs(jitter["min_heavy_distance_A"] - first["min_heavy_distance_A"])
    assert (delta > 0).any() and (delta < 0.6).all()


def test_aggregate(trajectory):
    universe, _ = trajectory
    stats = trajectory_features(universe, SITES, aggregate=True)
    assert stats["uniprot"].tolist() == SITES
    assert (stats["n_frames"] == 4).all()
    assert (stats["min_heavy_distance_A_min"] <= stats["min_heavy_distance_A_mean"]).all()
    assert (stats["min_heavy_distance_A_mean"] <= stats["min_heavy_distance_A_max"]).all()
    assert (stats["min_heavy_distance_A_std"] > 0).all()


def test_trajectory_command(trajectory, tmp_path):
    import os
    import subprocess
    import sys

    from tests.util import REPO

    universe, _ = trajectory
    out = tmp_path / "t.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "structkit", "trajectory", universe.filename, universe.trajectory.filename,
         "--sites", "1196,1202", "--aggregate", "-o", str(out)],
        capture_output=True, text=True, cwd=REPO, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().splitlines()[0].startswith("uniprot,n_frames,min_heavy_distance_A_mean")
    bad = subprocess.run([sys.executable, "-m", "structkit", "trajectory", "nothing.pdb", "nothing.dcd"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 1 and bad.stderr.strip() == "structkit: error: nothing.pdb: no such file"


@pytest.mark.parametrize("aggregate", [False, True])
@pytest.mark.slow
def test_blocks_of_frames_on_two_workers_give_the_same_table(trajectory, aggregate):
    from structkit.analysis.measure.trajectory import trajectory_table
    from structkit.analysis.parallel.engine import Engine

    universe, _ = trajectory
    topology, path = universe.filename, universe.trajectory.filename
    serial = trajectory_features(mda.Universe(topology, path), SITES, aggregate=aggregate)
    parallel = trajectory_table(topology, path, SITES, aggregate=aggregate, engine=Engine(workers=2), block=1)
    assert serial.equals(parallel)


def test_interaction_fingerprint_per_frame(trajectory):
    """Frame 0 is the crystal: its fingerprint is the crystal's; a rigid motion keeps it."""
    from structkit.analysis.measure.interactions import interaction_table
    from structkit.analysis.measure.trajectory import trajectory_interactions

    universe, crystal = trajectory
    table = trajectory_interactions(universe)
    static = interaction_table(crystal)
    expected = set(zip(static["resnum"].astype(int), static["type"]))
    for frame in (0, 1):
        rows = table[table["frame"] == frame]
        assert set(zip(rows["resnum"].astype(int), rows["type"])) == expected
    hinge = table[(table["frame"] == 0) & (table["resnum"] == 1199) & (table["type"] == "hbond_donor")]
    assert hinge["klifs"].tolist() == [48] and hinge["count"].tolist() == [1]
    assert set(table["frame"]) == {0, 1, 2, 3}  # the jittered frames keep contacts too


@pytest.mark.slow
def test_interactions_on_two_workers_give_the_same_table(trajectory):
    from structkit.analysis.measure.trajectory import trajectory_table
    from structkit.analysis.parallel.engine import Engine

    universe, _ = trajectory
    topology, path = universe.filename, universe.trajectory.filename
    serial = trajectory_table(topology, path, interactions=True, engine=Engine(workers=1), block=2)
    parallel = trajectory_table(topology, path, interactions=True, engine=Engine(workers=2), block=2)
    assert serial.to_csv(index=False) == parallel.to_csv(index=False)
    assert len(serial) > 0


def test_worker_state_follows_every_input(trajectory, tmp_path):
    """The per-worker open files and context are keyed by everything they depend on: a later call
    with another start frame, or with the trajectory rewritten in place, gives its own answer, the
    same as in a fresh process state (the key held only the two paths before)."""
    import os

    import structkit.analysis.measure.trajectory as module
    from structkit.analysis.measure.trajectory import trajectory_table
    from structkit.analysis.parallel.engine import Engine

    universe, _ = trajectory
    topology, path = universe.filename, universe.trajectory.filename

    def table(start: int | None, traj: str = path):
        return trajectory_table(topology, traj, SITES, start=start, engine=Engine(workers=1))

    table(None)
    later = table(2)
    module._OPENED.clear()
    assert later.equals(table(2))

    copy = tmp_path / "copy.dcd"
    copy.write_bytes(open(path, "rb").read())
    before = table(None, str(copy))
    # the same path, replaced (as an atomic writer does) by a file holding one jittered frame
    moved = mda.Universe(topology, path)
    moved.trajectory[3]
    fresh = tmp_path / "fresh.dcd"
    with mda.Writer(str(fresh), n_atoms=len(moved.atoms)) as writer:
        writer.write(moved.atoms)
    os.replace(fresh, copy)
    after = table(None, str(copy))
    module._OPENED.clear()
    assert after.equals(table(None, str(copy)))
    assert len(after) == len(SITES) and len(before) == 4 * len(SITES)
    assert not after.equals(before[before["frame"] == 0].reset_index(drop=True))
