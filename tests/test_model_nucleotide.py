"""Nucleotides: phosphates ionised at pH 7 and Mg2+ ions placed by their coordination."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

import structkit
from structkit.model.ligand import ccd_molecule
from structkit.model.nucleotide import MG_O_DISTANCE, ionise_phosphates, is_nucleotide, place_magnesium
from tests.util import EGFR, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]



@pytest.mark.parametrize(("code", "charge"), [("ANP", -4), ("ATP", -4), ("ADP", -3)])
def test_phosphates_are_ionised(code, charge):
    """ATP4-, AMP-PNP4- (its bridging N-H stays), ADP3-: every non-bridging P-OH loses its proton."""
    from rdkit import Chem

    mol = ionise_phosphates(ccd_molecule(code))
    assert Chem.GetFormalCharge(mol) == charge
    with_h = Chem.AddHs(mol)
    assert not any(a.GetSymbol() == "O" and any(n.GetSymbol() == "H" for n in a.GetNeighbors())
                   and any(n.GetSymbol() == "P" for n in a.GetNeighbors()) for a in with_h.GetAtoms())
    if code == "ANP":  # the P-N(H)-P bridge keeps its hydrogen
        n3b = next(a for a in with_h.GetAtoms() if a.GetSymbol() == "N" and
                   sum(n.GetSymbol() == "P" for n in a.GetNeighbors()) == 2)
        assert n3b.GetTotalNumHs(includeNeighbors=True) == 1


def test_nucleotide_codes():
    assert is_nucleotide("ANP") and is_nucleotide("adp")
    assert not is_nucleotide("VGH") and not is_nucleotide(None)


def _check_sites(complex_, sites):
    """Distances recomputed by hand from the coordinates: each ion holds at least one phosphate
    oxygen near the target distance and keeps clear of everything else."""
    heavy = np.vstack([complex_.inhibitor.heavy.coords, complex_.protein.heavy.coords])
    for site in sites:
        named = {f"{complex_.ligand} {n}": x for n, x in zip(complex_.inhibitor.heavy.name,
                                                            complex_.inhibitor.heavy.coords)}
        for label, distance in zip(site.ligands, site.distances):
            if label in named:
                assert np.linalg.norm(named[label] - site.coords) == pytest.approx(distance, abs=1e-3)
        phosphate_o = [d for label, d in zip(site.ligands, site.distances) if label in named]
        assert phosphate_o and min(abs(d - MG_O_DISTANCE) for d in phosphate_o) < 0.1
        d = np.linalg.norm(heavy - site.coords, axis=1)
        ligand_d = set(np.round(site.distances, 3))
        others = [x for x in d if round(float(x), 3) not in ligand_d]
        assert min(others) >= 2.6
        assert site.modelled


def test_two_ions_in_the_egfr_amp_pnp_complex():
    """2ITX has no Mg: two are modelled, one reaching the DFG aspartate D855."""
    complex_ = structkit.load(EGFR / "2itx.pdb")
    sites = place_magnesium(complex_)
    assert [s.name for s in sites] == ["Mg1", "Mg2"]
    assert any("ASP855" in label for s in sites for label in s.ligands)
    assert np.linalg.norm(sites[0].coords - sites[1].coords) > 3.0
    _check_sites(complex_, sites)


def test_alk_adp_complex_reaches_its_dfg_aspartate():
    complex_ = structkit.load(SHARED / "3lct.cif")
    sites = place_magnesium(complex_)
    assert len(sites) == 2 and "ASP1270 OD2" in sites[0].ligands
    _check_sites(complex_, sites)


def test_an_ion_of_the_file_is_kept(tmp_path):
    """A deposited Mg near the phosphates is used as it is, not modelled again."""
    complex_ = structkit.load(EGFR / "2itx.pdb")
    x, y, z = place_magnesium(complex_)[0].coords
    lines = [line for line in (EGFR / "2itx.pdb").read_text().splitlines() if not line.startswith("END")]
    lines.append(f"HETATM 9999 MG    MG A3001    {x:8.3f}{y:8.3f}{z:8.3f}  1.00 20.00          MG")
    lines.append("END")
    path = tmp_path / "with_mg.pdb"
    path.write_text("\n".join(lines) + "\n")
    sites = place_magnesium(structkit.load(path))
    assert len(sites) == 1 and not sites[0].modelled
    np.testing.assert_allclose(sites[0].coords, [x, y, z], atol=1e-3)


def test_magnesium_parameters_are_openmms_li_merz_set():
    """Read independently from OpenMM's amber14/tip3p.xml: +2, sigma and epsilon of Mg2+."""
    import os

    from openmm import app

    from structkit.energy.forcefield import magnesium_parameters

    path = os.path.join(os.path.dirname(app.__file__), "data", "amber14", "tip3p.xml")
    root = ET.parse(path).getroot()
    mg = next(a for a in root.iter("Atom") if a.get("type", "").endswith("Mg2+") and a.get("sigma"))
    params = magnesium_parameters()
    assert params.charge[0] == 2.0
    assert params.sigma[0] == pytest.approx(float(mg.get("sigma")) * 10.0)
    assert params.epsilon[0] == pytest.approx(float(mg.get("epsilon")) / 4.184)


def test_prepared_nucleotide_is_neutral_with_its_ions(tmp_path):
    """AMP-PNP4- and two Mg2+: the rigid ligand of the ATP side carries no net charge."""
    from structkit.energy.prepare import prepare

    prep = prepare(structkit.load(EGFR / "2itx.pdb"), cache=tmp_path)
    assert (prep.ligand.element == "Mg").sum() == 2 and len(prep.magnesium) == 2
    assert prep.ligand.params.charge.sum() == pytest.approx(0.0, abs=1e-6)
    assert prep.ligand.smiles.endswith(".[Mg+2].[Mg+2]")
