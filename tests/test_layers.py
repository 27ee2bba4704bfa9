"""The package's layers import only downwards (ARCHITECTURE.md): a walk over every import, including
those inside functions, fails on any import from a lower layer into a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "structkit"

# lowest first; a module may import its own layer and those below it
LAYERS = {
    "errors": 0, "version": 0, "data": 0, "arguments": 0, "progress": 0,
    "geometry": 1, "catalogue": 1,
    "model": 2,
    "io": 3,
    "energy": 4,
    "posing": 4.5,
    "analysis": 5,
    "cli": 6,
    "__init__": 7, "__main__": 7,
}
# the rooms of analysis, lowest first: a fraction added to its layer
ANALYSIS_ROOMS = {"parallel": 0.1, "measure": 0.2, "study": 0.3, "presentation": 0.4, "pipeline": 0.5}


def _layer(module: str) -> float:
    parts = module.split(".")
    assert parts[0] == "structkit", module
    layer = LAYERS[parts[1] if len(parts) > 1 else "__init__"]
    if parts[1:2] == ["analysis"] and len(parts) > 2:
        layer += ANALYSIS_ROOMS[parts[2]]
    return layer


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in out if name == "structkit" or name.startswith("structkit.")]


def test_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        _layer(_module_name(path))


def test_imports_run_only_downwards():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _module_name(path)
        for line, target in _imports(path):
            if target == "structkit":
                target = "structkit.__init__"
            if _layer(target) > _layer(here):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not upward, "\n".join(upward)


def test_the_walk_sees_function_level_imports():
    # the CLI imports the ddG estimate inside a function; the walk must see such imports
    targets = {target for _, target in _imports(PACKAGE / "cli" / "energy.py")}
    assert "structkit.analysis.measure.estimates" in targets


def test_an_upward_import_between_rooms_is_caught():
    # study sits above measure: the walk must rank a measure module importing study as upward
    assert _layer("structkit.analysis.study.relate") > _layer("structkit.analysis.measure.ddg")
    assert _layer("structkit.analysis.pipeline.run") > _layer("structkit.analysis.study.advise")
    assert _layer("structkit.analysis.measure.ddg") > _layer("structkit.analysis.parallel.engine")
    assert _layer("structkit.cli.energy") > _layer("structkit.analysis.pipeline.run")


def test_the_pipeline_sits_above_study_and_presentation():
    assert _layer("structkit.analysis.pipeline.run") > _layer("structkit.analysis.presentation.report")
    assert _layer("structkit.analysis.presentation.report") > _layer("structkit.analysis.study.advise")


def test_the_report_modules_import_no_measure_or_energy_module():
    """The report and the results page render the tables they are given (issue 40)."""
    for name in ("report.py", "html_report.py"):
        targets = {target for _, target in _imports(PACKAGE / "analysis" / "presentation" / name)}
        wrong = {t for t in targets if t.startswith(("structkit.analysis.measure", "structkit.energy"))}
        assert not wrong, (name, wrong)
