"""Sphinx configuration: the tutorials (executed notebooks, shown with their stored outputs by myst-nb)
and the API reference built from structkit's numpydoc docstrings.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (warnings are errors).
"""

from __future__ import annotations

from structkit.version import __version__

project = "structkit"
author = "structkit developers"
copyright = "2026, structkit developers"
version = release = __version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_nb"]
# the notebooks are executed by scripts/make_tutorials.py (and again by tests/test_tutorials.py);
# the site shows the outputs stored in them
nb_execution_mode = "off"
source_suffix = {".rst": "restructuredtext", ".ipynb": "myst-nb", ".md": "myst-nb"}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True  # "Attributes" sections as fields: no second description of dataclass fields
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
# the heavy libraries are imported inside functions; nothing needs mocking
nitpicky = False
exclude_patterns = ["_build", "guide.md", "**/.ipynb_checkpoints"]
html_theme = "alabaster"
html_static_path: list[str] = []
