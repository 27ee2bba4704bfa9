"""One owner of the default data paths: STRUCTKIT_SHARED, else ../shared from here, else beside the repo."""

from __future__ import annotations

from pathlib import Path

from structkit.io.shared_data import ABL_BENCHMARK, EGFR_BENCHMARK, MEASUREMENTS, default_path, shared_root
from tests.util import REPO


def test_the_environment_names_the_shared_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("STRUCTKIT_SHARED", str(tmp_path))
    assert shared_root() == tmp_path
    assert default_path(ABL_BENCHMARK) == tmp_path / "benchmarks" / "abl_hauser2018"


def test_without_it_the_folder_beside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("STRUCTKIT_SHARED", raising=False)
    monkeypatch.chdir(tmp_path)  # no ../shared from here
    beside = REPO.parent / "shared"
    assert shared_root().resolve() == beside.resolve() or not beside.is_dir()
    monkeypatch.chdir(REPO)
    assert shared_root() == Path("..") / "shared"


def test_the_relative_folders_are_the_shared_layout():
    assert (EGFR_BENCHMARK, MEASUREMENTS) == ("benchmarks/egfr_robichaux2021", "measurements")
