"""The project's thresholds on free energy changes, defined once (kcal/mol, 298 K).

A 10-fold change in a dissociation constant or an IC50 is RT ln 10 = 1.364 kcal/mol at 298.15 K;
the project rounds it to :data:`RESISTANT_KCAL`. A change *at or above* it is resistance, for
measured values (the ABL1 labels) and predictions alike (:func:`is_resistant`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["REDUCED_KCAL", "RESISTANT_KCAL", "is_resistant"]

#: Resistance: at least a 10-fold loss.
RESISTANT_KCAL = 1.36
#: Reduced potency: at least about a 3-fold loss (half the resistance threshold in log units).
REDUCED_KCAL = 0.68


def is_resistant(ddg: ArrayLike) -> np.ndarray:
    """Whether each change is at or above :data:`RESISTANT_KCAL` (NaN counts as not resistant)."""
    return np.asarray(ddg, dtype=float) >= RESISTANT_KCAL
