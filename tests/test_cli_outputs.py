"""Output paths of every writing command: checked before any computation, one line, nothing left."""

from __future__ import annotations

import os
import stat

import pytest

from structkit.io.write import check_output_file, check_output_folder, write_table, write_text_atomic
from tests.util import ABL, SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data]

# every command that writes a file or a folder, with a structure that does not exist: if the output
# were checked after loading, the error would name the structure instead of the output
WRITERS = {
    "features": lambda out: ["features", "0ZZZ", "--offline", "-o", f"{out}.csv"],
    "scan": lambda out: ["scan", "0ZZZ", "--offline", "--mutations", "G1202R", "-o", f"{out}.csv"],
    "mutate": lambda out: ["mutate", "0ZZZ", "G1202R", "--offline", "-o", f"{out}.pdb"],
    "pymol": lambda out: ["pymol", "0ZZZ", "--offline", "-o", f"{out}.pml"],
    "ddg": lambda out: ["ddg", "0ZZZ", "--offline", "--mutations", "G1202R", "-o", f"{out}.csv"],
    "ddg-models": lambda out: ["ddg", "0ZZZ", "--offline", "--mutations", "G1202R", "--models", out],
    "benchmark": lambda out: ["benchmark", "abl", "--data", str(ABL), "-o", f"{out}.csv"],
    "trajectory": lambda out: ["trajectory", "missing.pdb", "missing.dcd", "-o", f"{out}.csv"],
    "run": lambda out: ["run", "--offline", "-o", out],
}


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "x.pdb"
    path.write_text("not a folder\n")
    return path


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_path_through_a_file(command, a_file, tmp_path):
    before = sorted(tmp_path.iterdir())
    proc = run(*WRITERS[command](str(a_file / "out")))
    assert_one_line_error(proc, f"{a_file} is a file, not a folder")
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_missing_folder_is_not_created(command, tmp_path):
    target = tmp_path / "missing" / "deeper" / "out"
    proc = run(*WRITERS[command](str(target)))
    assert_one_line_error(proc, f"the folder {target.parent}", "does not exist")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_folder_that_refuses_files(command):
    # /proc accepts no new files, even for root (the CI user may be root: permissions do not stop it)
    proc = run(*WRITERS[command]("/proc/structkit-out"))
    assert_one_line_error(proc, "/proc", "cannot write in the folder /proc")


def test_unwritable_folder(tmp_path):
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        proc = run(*WRITERS["features"](str(folder / "out")))
        assert_one_line_error(proc, "cannot write in the folder", "Permission denied")
    finally:
        folder.chmod(0o700)


def test_output_folder_given_as_a_file(a_file):
    assert_one_line_error(run("run", "--offline", "-o", str(a_file)), f"{a_file}: is a file, not a folder")


def test_output_file_given_as_a_folder(tmp_path):
    folder = tmp_path / "table.csv"
    folder.mkdir()
    assert_one_line_error(run("features", "2XP2", "-o", str(folder)), "is a folder; give a file name")


def test_checks_accept_good_paths(tmp_path):
    assert check_output_file(tmp_path / "a.csv", (".csv",)) == tmp_path / "a.csv"
    assert check_output_folder(tmp_path / "new") == tmp_path / "new"
    assert check_output_folder(tmp_path) == tmp_path
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing behind


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_written_files_honour_the_umask(tmp_path, mask):
    import pandas as pd

    old = os.umask(mask)
    try:
        text = write_text_atomic(tmp_path / "a.txt", "x\n")
        table = write_table(pd.DataFrame({"a": [1]}), tmp_path / "a.parquet")
    finally:
        os.umask(old)
    for path in (text, table):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # a plain open() would give this


def test_cli_table_honours_the_umask(tmp_path):
    out = tmp_path / "f.csv"
    proc = run("features", str(SHARED / "2xp2.pdb"), "--sites", "1196", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_current_umask()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
