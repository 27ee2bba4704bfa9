"""The API reference (docs/api.rst) documents every public name, and only public names."""

from __future__ import annotations

import inspect
import re

import structkit
from tests.util import REPO


def test_api_reference_lists_every_public_name():
    text = (REPO / "docs" / "api.rst").read_text()
    documented = re.findall(r"^\.\. auto(?:class|function):: (\w+)$", text, flags=re.M)
    assert len(documented) == len(set(documented))
    assert set(documented) == set(structkit.__all__) - {"__version__"}
    for name in documented:
        kind = "class" if isinstance(getattr(structkit, name), type) else "function"
        assert f".. auto{kind}:: {name}\n" in text


def test_public_functions_document_parameters_and_returns_numpydoc_style():
    missing = []
    for name in structkit.__all__:
        obj = getattr(structkit, name)
        if name.startswith("__") or isinstance(obj, type):
            continue
        doc = inspect.getdoc(obj) or ""
        signature = inspect.signature(obj)
        if signature.parameters and "Parameters\n----------" not in doc:
            missing.append(f"{name}: Parameters")
        if signature.return_annotation not in (None, "None", inspect.Signature.empty) \
                and "Returns\n-------" not in doc:
            missing.append(f"{name}: Returns")
    assert missing == []
