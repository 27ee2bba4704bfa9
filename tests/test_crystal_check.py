"""Side-chain RMSD by hand (with symmetric swaps) and one mutant-crystal pair end to end."""

from __future__ import annotations

import numpy as np
import pytest

import structkit.analysis.study.crystal_check as check
from structkit.io.load import LoadOptions
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]


def test_rmsd_allows_ring_flips_and_superposes_the_backbone():
    rng = np.random.default_rng(0)
    names = ["N", "CA", "C", "CB", "CG", "CD1", "CD2", "CE1", "CE2", "CZ"]
    model = {n: rng.normal(size=3) * 2 for n in names}
    rotation = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    if np.linalg.det(rotation) < 0:
        rotation[:, 0] *= -1
    crystal = {n: x @ rotation.T + 5.0 for n, x in model.items()}
    crystal["CD1"], crystal["CD2"] = crystal["CD2"], crystal["CD1"]
    crystal["CE1"], crystal["CE2"] = crystal["CE2"], crystal["CE1"]
    assert check.sidechain_rmsd("PHE", model, crystal) == pytest.approx(0.0, abs=1e-9)
    assert check.sidechain_rmsd("LEU", model, crystal) > 0.5  # no swap allowed for other residues


def test_one_pair(monkeypatch):
    monkeypatch.setattr(check, "CRYSTAL_PAIRS", [("2XP2", "5AAA")])
    table = check.crystal_check(options=LoadOptions.resolve([SHARED], offline=True))
    row = table.iloc[0]
    assert (row["mutation"], row["site"], row["residue"]) == ("L1198F", 1198, "PHE")
    assert row["rmsd_relaxed_A"] < 1.0 and bool(row["within_1A"])
