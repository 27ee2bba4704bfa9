"""Where the project's shared data lie: one owner of every default data path.

The repository is used beside a folder ``shared/`` (``../shared`` from the repository root) that holds
what may not be copied into the package: the ALK structure mirror, the ABL1 and EGFR benchmarks and
the measured mutation effects the potency model learns from. ``STRUCTKIT_SHARED`` names another
place; without it, ``../shared`` from the current folder is used, else the folder beside the
repository that holds this package. Without any of them the commands that need those data say so.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ABL_BENCHMARK", "EGFR_BENCHMARK", "MEASUREMENTS", "default_path", "shared_root"]

#: The ABL1 binding benchmark (Hauser et al. 2018), relative to the shared folder.
ABL_BENCHMARK = "benchmarks/abl_hauser2018"
#: The EGFR potency benchmark (Robichaux et al. 2021), relative to the shared folder.
EGFR_BENCHMARK = "benchmarks/egfr_robichaux2021"
#: Measured mutation effects to learn from (Davis 2011, Platinum, BINDKIN, ...).
MEASUREMENTS = "measurements"


def shared_root() -> Path:
    """The shared data folder: ``STRUCTKIT_SHARED``, else ``../shared`` from the current folder,
    else the ``shared`` folder beside the repository (which may not exist)."""
    env = os.environ.get("STRUCTKIT_SHARED")
    if env:
        return Path(env).expanduser()
    here = Path("..") / "shared"
    if here.is_dir():
        return here
    beside_repo = Path(__file__).resolve().parents[3] / "shared"
    return beside_repo if beside_repo.is_dir() else here


def default_path(relative: str) -> Path:
    """A default data folder (:data:`ABL_BENCHMARK`, :data:`EGFR_BENCHMARK`, :data:`MEASUREMENTS`)
    under :func:`shared_root`."""
    return shared_root() / relative
