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


def test_crystal_differences_name_what_the_crystal_moves():
    # C1156Y (2XP2 -> 5AAC): the crystal shifts the site's backbone and puts the Tyr ring where
    # the wild type has Phe1127; the shift is recomputed here with Biopython's superimposer on the
    # C-alphas of the residues within 10 A of the site
    from Bio.SVDSuperimposer import SVDSuperimposer

    options = LoadOptions.resolve([SHARED], offline=True)
    wild, crystal = options.load("2XP2"), options.load("5AAC")
    note = check.crystal_differences(wild, crystal, 1156)
    assert note.startswith("the crystal shows its backbone shift of") and "PHE1127" in note
    site = wild.residue_atoms(1156).coords
    near = sorted({int(wild.protein.resnum[k]) for k in range(len(wild.protein))
                   if np.min(np.linalg.norm(site - wild.protein.coords[k], axis=1)) <= 10.0})

    def ca(c, number):
        atoms = c.residue_atoms(number)
        return atoms.coords[list(atoms.name).index("CA")] if "CA" in list(atoms.name) else None

    pairs = [(ca(wild, n), ca(crystal, n)) for n in near]
    pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
    fit = SVDSuperimposer()
    fit.set(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
    fit.run()
    rotation, translation = fit.get_rotran()
    w, c = wild.residue_atoms(1156), crystal.residue_atoms(1156)
    shift = max(np.linalg.norm(c.coords[list(c.name).index(n)] @ rotation + translation
                               - w.coords[list(w.name).index(n)]) for n in ("N", "CA", "C"))
    assert f"backbone shift of {shift:.1f} Å" in note
    # L1198F (2XP2 -> 5AAA), which the model gets right: nothing in the crystal stands in its way
    assert "the miss is the model's own" in check.crystal_differences(wild, options.load("5AAA"), 1198)


def test_two_crystals_of_one_drug_that_disagree():
    # crizotinib with Met1196 in 2YFX (L1196M) and 4ANS (L1196M+G1269A): the methyl sits
    # elsewhere; the side-chain RMSD between them, recomputed with Biopython's superimposer on the
    # residue's N, CA, C, is above the check's 1 Å, so neither crystal alone fixes the side chain
    from Bio.SVDSuperimposer import SVDSuperimposer

    options = LoadOptions.resolve([SHARED], offline=True)
    wild, a, b = options.load("2XP2"), options.load("2YFX"), options.load("4ANS")
    ra, rb = a.residue_atoms(1196), b.residue_atoms(1196)
    xa = {str(n): x for n, x in zip(ra.name, ra.coords)}
    xb = {str(n): x for n, x in zip(rb.name, rb.coords)}
    fit = SVDSuperimposer()
    fit.set(np.array([xa[n] for n in ("N", "CA", "C")]), np.array([xb[n] for n in ("N", "CA", "C")]))
    fit.run()
    rotation, translation = fit.get_rotran()
    side = ("CB", "CG", "SD", "CE")
    rmsd = float(np.sqrt(np.mean([np.sum((xb[n] @ rotation + translation - xa[n]) ** 2) for n in side])))
    assert rmsd > 1.0
    note = check.crystal_differences(wild, a, 1196, [("4ANS", b), ("5AAA", options.load("5AAA"))])
    assert note.startswith("the crystal shows") and f"4ANS ({rmsd:.1f} Å)" in note
    assert "5AAA" not in note  # Leu at 1196 there: not the same residue
    # without the sibling, the same site is the model's own miss
    assert "the miss is the model's own" in check.crystal_differences(wild, a, 1196)
