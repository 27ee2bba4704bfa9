"""Fixtures and hooks: a private cache per test, the shared mirror, and the markers' skips.

Tests that read ``../shared`` (or ``STRUCTKIT_TEST_SHARED``) carry the ``shared_data`` marker;
without the shared data they are skipped with that reason and every other test still runs. The
markers are registered in ``pyproject.toml``; helpers live in ``tests/util.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.util import SHARED

os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the shared data, which is missing: expected {SHARED}")
    for item in items:
        if item.get_closest_marker("shared_data") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Each test gets an empty cache, no mirror from the environment and no RCSB access."""
    monkeypatch.setenv("STRUCTKIT_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("STRUCTKIT_MIRROR", raising=False)
    monkeypatch.setenv("STRUCTKIT_RCSB_URL", "http://127.0.0.1:9/unreachable")
    yield


@pytest.fixture(scope="session")
def shared() -> Path:
    """The folder of the 60 shared ALK structures."""
    return SHARED


@pytest.fixture(scope="session")
def imatinib():
    """The prepared imatinib-ABL1 complex of the benchmark (its own hydrogens), for the energy tests."""
    import structkit
    from structkit.energy.prepare import prepare
    from tests.util import abl_files

    complex_path, sdf = abl_files("imatinib")
    return prepare(structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True))


@pytest.fixture(scope="session")
def viewer_js(tmp_path_factory) -> Path:
    """The pinned 3Dmol.js build, fetched once per session from the npm registry (integrity-checked)."""
    from structkit.io.viewer_library import viewer_library

    folder = tmp_path_factory.mktemp("viewer-cache")
    viewer_library(cache=folder)
    return next(folder.rglob("3Dmol-min.js"))
