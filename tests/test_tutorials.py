"""The tutorials in docs/tutorials run top to bottom through the public API, and what they show is what
they compute: each notebook is executed again and its text outputs compared with the stored ones
(numbers as printed), so a tutorial cannot go stale."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from tests.util import REPO

pytestmark = [pytest.mark.shared_data, pytest.mark.slow, pytest.mark.openmm]

FOLDER = REPO / "docs" / "tutorials"
NAMES = ["alk_g1202r", "docked_pose", "egfr_potency", "dask_cluster"]


def _texts(notebook) -> list[str]:
    out = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            text = str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
            out.append(re.sub(r"tcp://[\d.]+:\d+|'[\d.]+'", "ADDRESS", text))
    return out


def test_every_tutorial_is_in_the_docs_index():
    index = (REPO / "docs" / "index.rst").read_text()
    assert [n for n in NAMES if f"tutorials/{n}" in index] == NAMES
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_tutorial_executes_and_shows_what_it_computes(name, tmp_path, monkeypatch):
    monkeypatch.setenv("STRUCTKIT_CACHE", str(tmp_path / "cache"))
    stored = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    fresh = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    NotebookClient(fresh, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(FOLDER)}}).execute()
    errors = [o for c in fresh.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert _texts(fresh) == _texts(stored)
