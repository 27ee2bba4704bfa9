"""The test suite's own rule: a module that reads the shared data says so with its marker."""

from __future__ import annotations

import ast

from tests.util import REPO

_SHARED_NAMES = {"SHARED", "SHARED_ROOT", "ABL", "abl_files", "shared_file"}


def _module_marks(tree: ast.Module) -> set[str]:
    marks: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            marks |= {n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute)} - {"mark"}
    return marks


def _reads_shared(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "tests.util":
            if {a.name for a in node.names} & _SHARED_NAMES:
                return True
        if isinstance(node, ast.FunctionDef) and "shared" in {a.arg for a in node.args.args}:
            return True
    return False


def test_modules_that_read_the_shared_data_carry_its_marker():
    unmarked = []
    for path in sorted((REPO / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text())
        if _reads_shared(tree) and "shared_data" not in _module_marks(tree):
            unmarked.append(path.name)
    assert unmarked == []


def test_markers_are_registered():
    text = (REPO / "pyproject.toml").read_text()
    for mark in ("shared_data", "openmm", "slow", "browser"):
        assert f'"{mark}: ' in text
