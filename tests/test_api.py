"""The public API: every name resolves to what it documents, and ``import structkit`` stays light."""

from __future__ import annotations

import subprocess
import sys
import types

import structkit


def test_every_public_name_resolves_to_a_function_class_or_value_not_a_module():
    import structkit.catalogue

    for name in structkit.__all__:
        value = getattr(structkit, name)
        assert not isinstance(value, types.ModuleType), name
    assert callable(structkit.catalogue) and structkit.catalogue()[0]["pdb_id"]


def test_import_is_light_and_names_load_on_first_use():
    code = ("import sys, structkit; heavy = [m for m in ('pandas', 'scipy', 'rdkit', 'openmm', 'dask') "
            "if m in sys.modules]; structkit.load; print(heavy, 'structkit.io.load' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True"


def test_an_unknown_name_is_an_attribute_error():
    try:
        structkit.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")
