"""Helpers shared by the test modules: where the shared data lies, its files, and the CLI runner.

Test modules import from here (``from tests.util import SHARED, run``), never from one another or
from ``conftest.py``, which holds only fixtures and hooks.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_ROOT = Path(os.environ.get("STRUCTKIT_TEST_SHARED") or REPO.parent / "shared")
SHARED = SHARED_ROOT / "structures"
ABL = SHARED_ROOT / "benchmarks" / "abl_hauser2018"
EGFR = SHARED_ROOT / "benchmarks" / "egfr_robichaux2021"


def shared_file(pdb_id: str) -> Path:
    """Path of an entry in the shared mirror (2YJR: its KLIFS complex file)."""
    for name in (f"{pdb_id.lower()}.pdb", f"{pdb_id.lower()}.cif", f"{pdb_id.lower()}/complex.pdb"):
        path = SHARED / name
        if path.is_file():
            return path
    raise FileNotFoundError(pdb_id)


def abl_files(drug: str) -> tuple[Path, Path]:
    """(complex PDB, ligand SDF) of a drug of the ABL1 benchmark."""
    complex_path = next(ABL.glob(f"{drug}_*_complex.pdb"))
    return complex_path, complex_path.with_name(complex_path.name.replace("_complex.pdb", "_ligand.sdf"))


def gzip_bytes(path: Path) -> bytes:
    """The file gzip-compressed, deterministically (mtime 0)."""
    return gzip.compress(path.read_bytes(), mtime=0)


def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m structkit ARGS`` from the repository root, its output captured as text."""
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "structkit", *args], capture_output=True,
                          text=True, env=env, cwd=REPO)


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    """The command failed as bad input must: exit 1, one ``structkit: error:`` line, no traceback."""
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("structkit: error:"), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]
