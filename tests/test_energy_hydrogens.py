"""The hydrogen builder against the hydrogens of a prepared complex, and per-residue ff14SB parameters."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.energy.forcefield import forcefield
from structkit.energy.hydrogens import build_hydrogens, hydrogen_names, residue_parameters
from structkit.model.rotamers import template
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data]

#: Hydrogens whose position the heavy atoms fix (no free rotor).
FIXED = {"HA", "HB2", "HB3", "HG2", "HG3", "HD1", "HD2", "HE1", "HE2", "HZ", "HB", "HG", "HD21", "HD22"}


@pytest.mark.parametrize("resname", ["LEU", "PHE", "LYS", "TYR", "ASN", "ILE"])
def test_built_hydrogens_match_the_prepared_complex(resname):
    complex_path, _ = abl_files("dasatinib")
    c = structkit.load(complex_path, keep_hydrogens=True)
    p = c.protein
    deviations = []
    for start, stop in zip(c.residues.start, c.residues.stop):
        if p.resname[start] != resname:
            continue
        atoms = {str(n): p.coords[k] for k, n in enumerate(p.name[start:stop], start)}
        heavy_names = ("N", "CA", "C", *template(resname).atoms)
        if not all(n in atoms for n in heavy_names):
            continue
        built = build_hydrogens(resname, {n: atoms[n] for n in heavy_names})[0]
        for name, xyz in zip(hydrogen_names(resname), built):
            rotor = resname in ("LEU", "ILE") and name in ("HG", "HB")  # branch hydrogens stay fixed too
            if name in FIXED and name in atoms and not rotor:
                deviations.append(float(np.linalg.norm(xyz - atoms[name])))
    deviations = np.array(deviations)
    assert len(deviations) >= 10
    assert np.median(deviations) < 0.1
    assert np.mean(deviations < 0.25) >= 0.95


@pytest.mark.parametrize(("resname", "charge"), [("LYS", 1), ("ARG", 1), ("ASP", -1), ("GLU", -1), ("HIS", 0),
                                                  ("SER", 0), ("TRP", 0), ("GLY", 0), ("PRO", 0)])
def test_residue_parameters_are_ff14sb_with_integer_charge(resname, charge):
    backbone = ("N", "CA", "C", "O") if resname == "PRO" else ("N", "H", "CA", "C", "O")
    names = backbone + template(resname).atoms + hydrogen_names(resname)
    params = residue_parameters(resname, names)
    assert params.charge.sum() == pytest.approx(charge, abs=1e-6)
    # every charge as in the ff14SB residue template (OpenMM's parsed XML, a separate path from createSystem)
    tpl = forcefield()._templates["HIE" if resname == "HIS" else resname]
    by_name = {a.name: a.parameters["charge"] for a in tpl.atoms}
    np.testing.assert_allclose(params.charge, [by_name[n] for n in names], atol=1e-9)
    # the amide nitrogen's Lennard-Jones and mbondi2 radius
    n = names.index("N")
    assert params.sigma[n] == pytest.approx(3.25, abs=1e-3)
    assert params.epsilon[n] == pytest.approx(0.17, abs=1e-4)
    assert params.radius[n] == pytest.approx(1.55)  # mbondi2
