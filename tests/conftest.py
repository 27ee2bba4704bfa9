"""Shared fixtures: the local mirror in ../shared/structures and a private cache per test session.

Without the shared data (``../shared`` beside the repository, or ``STRUCTKIT_TEST_SHARED``), the
test modules that read it are skipped with that reason and every other test still runs.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_ROOT = Path(os.environ.get("STRUCTKIT_TEST_SHARED") or REPO.parent / "shared")
SHARED = SHARED_ROOT / "structures"
# a test module that names any of these reads the shared data
_NEEDS_SHARED = re.compile(r'\b(SHARED|SHARED_ROOT|shared_file|ABL|abl_files)\b|"shared"|\.\./shared')


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the shared data, which is missing: expected {SHARED}")
    needs: dict[str, bool] = {}
    for item in items:
        path = str(item.path)
        if path not in needs:
            needs[path] = bool(_NEEDS_SHARED.search(Path(path).read_text()))
        if needs[path]:
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


def shared_file(pdb_id: str) -> Path:
    """Path of an entry in the shared mirror (2YJR: its KLIFS complex file)."""
    for name in (f"{pdb_id.lower()}.pdb", f"{pdb_id.lower()}.cif", f"{pdb_id.lower()}/complex.pdb"):
        path = SHARED / name
        if path.is_file():
            return path
    raise FileNotFoundError(pdb_id)


def gzip_bytes(path: Path) -> bytes:
    """The file gzip-compressed, deterministically (mtime 0)."""
    return gzip.compress(path.read_bytes(), mtime=0)


os.environ.setdefault("PYTHONHASHSEED", "0")


ABL = SHARED_ROOT / "benchmarks" / "abl_hauser2018"


def abl_files(drug: str) -> tuple[Path, Path]:
    """(complex PDB, ligand SDF) of a drug of the ABL1 benchmark."""
    complex_path = next(ABL.glob(f"{drug}_*_complex.pdb"))
    return complex_path, complex_path.with_name(complex_path.name.replace("_complex.pdb", "_ligand.sdf"))


@pytest.fixture(scope="session")
def viewer_js(tmp_path_factory) -> Path:
    """The pinned 3Dmol.js build, fetched once per session from the npm registry (integrity-checked)."""
    from structkit.io.viewer_library import viewer_library

    folder = tmp_path_factory.mktemp("viewer-cache")
    viewer_library(cache=folder)
    return next(folder.rglob("3Dmol-min.js"))
