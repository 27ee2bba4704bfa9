"""Shared fixtures: the local mirror in ../shared/structures and a private cache per test session."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "structures"


def pytest_configure(config: pytest.Config) -> None:
    if not SHARED.is_dir():
        raise pytest.UsageError(f"the shared structures are missing: expected {SHARED}")


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


ABL = REPO.parent / "shared" / "benchmarks" / "abl_hauser2018"


def abl_files(drug: str) -> tuple[Path, Path]:
    """(complex PDB, ligand SDF) of a drug of the ABL1 benchmark."""
    complex_path = next(ABL.glob(f"{drug}_*_complex.pdb"))
    return complex_path, complex_path.with_name(complex_path.name.replace("_complex.pdb", "_ligand.sdf"))
