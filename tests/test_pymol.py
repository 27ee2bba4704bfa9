"""The PyMOL script: it runs in PyMOL and builds the sites, the inhibitor, the mutant and its clashes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import structkit
from structkit.io.pymol import pymol_script
from structkit.model.mutate import mutate
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _run_in_pymol(script):
    pymol2 = pytest.importorskip("pymol2")
    session = pymol2.PyMOL()
    session.start()
    here = os.getcwd()
    try:
        os.chdir(script.parent)
        session.cmd.do(f"@{script.name}")
        names = session.cmd.get_names("all")
        counts = {n: session.cmd.count_atoms(n) for n in names if not n.startswith("clash_")}
        return names, counts
    finally:
        os.chdir(here)
        session.stop()


def test_script_with_mutant_and_clashes(tmp_path):
    complex_ = structkit.load("4CLI", mirrors=[SHARED])
    model = mutate(complex_, "L1198F")
    script, pdb = pymol_script(complex_, tmp_path / "view.pml", model)
    assert pdb.is_file() and "load view.pdb" in script.read_text()
    names, counts = _run_in_pymol(script)
    assert counts["inhibitor"] == 30 and counts["mutant_F1198"] == 11
    assert counts["site_1202"] == 4 and counts["site_1196"] == 8
    clashes = [n for n in names if n.startswith("clash_1198_")]
    assert len(clashes) == model.sites[0].inhibitor_pairs == 2


def test_script_for_apo_structure(tmp_path):
    script, _ = pymol_script(structkit.load("3L9P", mirrors=[SHARED]), tmp_path / "apo.pml")
    names, counts = _run_in_pymol(script)
    assert "inhibitor" not in names and counts["site_1196"] == 8


def test_another_kinase_colours_its_klifs_equivalent_sites(tmp_path):
    """ABL1 with a ligand file: T315 (KLIFS 45) is drawn as the gatekeeper, G321 (ALK G1202's position)
    as solvent front; no ALK residue number leaks into the script."""
    abl = SHARED.parent / "benchmarks" / "abl_hauser2018"
    c = structkit.load(abl / "imatinib_2hyy_complex.pdb", ligand_file=abl / "imatinib_2hyy_ligand.sdf")
    script, _ = pymol_script(c, tmp_path / "abl.pml")
    text = Path(script).read_text()
    assert "color region_gatekeeper, site_315 and elem C" in text
    assert "color region_solvent_front, site_321 and elem C" in text and "site_1202" not in text
