"""Loading policies: altlocs, hydrogens, zero occupancy, chains, inhibitor choice, insertion
codes, missing atoms; checked on real files and on copies of them edited by the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymol
import pytest

import structkit
from structkit.errors import StructkitError
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _edit_pdb(src, dst, edit):
    out = []
    for line in src.read_text().splitlines():
        new = edit(line) if line.startswith(("ATOM", "HETATM")) else line
        if new is not None:
            out.append(new)
    dst.write_text("\n".join(out) + "\n")


def test_complex_arrays_and_residue_views():
    c = structkit.load(SHARED / "2xp2.pdb")
    assert c.chain == "A" and c.ligand == "VGH" and c.drug == "crizotinib"
    assert c.protein.coords.shape == (len(c.protein), 3) and c.protein.coords.dtype == np.float64
    assert len(c.inhibitor) == 30 and set(c.inhibitor.resname) == {"VGH"}
    assert len(c.waters) == 167 and set(c.waters.resname) == {"HOH"}
    gk = c.residue_atoms(1196)
    assert set(gk.resname) == {"LEU"} and len(gk) == 8
    frame = c.residues.to_frame()
    row = frame[frame.uniprot == 1198].iloc[0]
    assert (row.klifs_position, row.klifs_region, row.wild_type) == (47, "hinge", "L")
    assert c.first_residue == 1093 and c.last_residue == 1401


def test_missing_atoms_reported_per_residue():
    c = structkit.load(SHARED / "2xp2.pdb")
    # by hand from the file: residue 1401 (TYR) and 1136 (SER) keep only their N atom
    assert c.missing_atoms[1401] == ("CA", "C", "O", "CB", "CG", "CD1", "CD2", "CE1", "CE2", "CZ", "OH")
    assert c.missing_atoms[1136] == ("CA", "C", "O", "CB", "OG")
    assert len(c.missing_atoms) == 4


def test_altlocs_highest_occupancy_then_first_label():
    c = structkit.load(SHARED / "3aox.pdb")
    assert c.n_altloc_atoms == 148  # SOURCES.md: 148 altloc atoms
    assert (c.protein.altloc != "").sum() == (c.protein.altloc == "A").sum()  # ties go to A
    names = [(n, r) for n, r in zip(c.protein.name.tolist(), c.protein.resnum.tolist())]
    assert len(names) == len(set(names)), "one conformer per atom"


def test_altloc_choice_follows_occupancy(tmp_path):
    src = SHARED / "3aox.pdb"
    lines = [x for x in src.read_text().splitlines() if x.startswith("ATOM") and x[16] in "AB"]
    resnum = int(lines[0][22:26])

    def favour_b(line):
        if int(line[22:26]) == resnum and line[16] in "AB":
            occ = 0.30 if line[16] == "A" else 0.70
            return f"{line[:54]}{occ:6.2f}{line[60:]}"
        return line

    copy = tmp_path / "favour_b.pdb"
    _edit_pdb(src, copy, favour_b)
    c = structkit.load(copy)
    kept = c.protein[c.protein.resnum == resnum]
    assert set(kept.altloc.tolist()) - {""} == {"B"}
    coords_b = [x for x in lines if int(x[22:26]) == resnum and x[16] == "B"]
    assert len(kept[kept.altloc == "B"]) == len(coords_b)


def test_hydrogens_dropped_by_default_and_kept_on_request():
    c = structkit.load(SHARED / "7jy4.cif")
    assert not c.protein.is_hydrogen.any() and not c.inhibitor.is_hydrogen.any()
    with_h = structkit.load(SHARED / "7jy4.cif", keep_hydrogens=True)
    assert with_h.protein.is_hydrogen.sum() > 1000
    assert len(with_h.protein.heavy) == len(c.protein)


def test_zero_occupancy_kept_or_dropped(tmp_path):
    def zero_1196_side_chain(line):
        if int(line[22:26]) == 1196 and line[12:16].strip() in ("CD1", "CD2"):
            return f"{line[:54]}{0.0:6.2f}{line[60:]}"
        return line

    copy = tmp_path / "zero.pdb"
    _edit_pdb(SHARED / "2xp2.pdb", copy, zero_1196_side_chain)
    kept = structkit.load(copy)
    row = kept.residues.index_of(1196)
    assert kept.residues.n_zero_occupancy[row] == 2 and 1196 not in kept.missing_atoms
    dropped = structkit.load(copy, zero_occupancy="drop")
    assert dropped.missing_atoms[1196] == ("CD1", "CD2")


def test_insertion_code_residue_is_unmapped(tmp_path):
    lines = (SHARED / "2xp2.pdb").read_text().splitlines()
    ser = [x for x in lines if x.startswith("ATOM") and int(x[22:26]) == 1206]
    inserted = [f"{x[:26]}A{x[27:]}" for x in ser]
    at = lines.index(ser[-1]) + 1
    copy = tmp_path / "insertion.pdb"
    copy.write_text("\n".join(lines[:at] + inserted + lines[at:]) + "\n")
    c = structkit.load(copy)
    rows = np.flatnonzero(c.residues.resnum == 1206)
    assert c.residues.icode[rows].tolist() == ["", "A"]
    assert c.residues.uniprot[rows].tolist() == [1206, -1]
    assert c.mutations == []


def test_apo_structure_has_no_inhibitor_and_keeps_additives():
    c = structkit.load(SHARED / "3l9p.cif")
    assert c.ligand is None and len(c.inhibitor) == 0
    assert set(c.additives.resname) == {"GOL"}


def test_named_ligand_and_absent_ligand():
    c = structkit.load(SHARED / "3l9p.cif", ligand="gol")
    assert c.ligand == "GOL"
    with pytest.raises(StructkitError, match="has no ligand 'VGH'"):
        structkit.load(SHARED / "3l9p.cif", ligand="VGH")


def test_inhibitor_is_the_copy_in_the_atp_site():
    """7JY4 holds two copies of W47; the second in file order sits at the hinge and is chosen."""
    c = structkit.load(SHARED / "7jy4.cif")
    assert c.ligand == "W47" and len(c.inhibitor) == 30
    assert set(c.inhibitor.entity) == {"C"} and set(c.additives.entity) == {"B"}
    hinge = c.residue_atoms(1198).coords
    d_inhibitor = np.linalg.norm(c.inhibitor.coords[:, None] - hinge[None], axis=-1).min()
    d_other = np.linalg.norm(c.additives.coords[:, None] - hinge[None], axis=-1).min()
    assert d_inhibitor < 4.0 and d_other > 20.0


def test_ligand_altlocs_resolved():
    """4FOD's 84 altloc records are the two conformers of its inhibitor 0UV (2 x 42 atoms)."""
    c = structkit.load(SHARED / "4fod.cif")
    assert c.ligand == "0UV" and len(c.inhibitor) == 42
    assert set(c.inhibitor.altloc.tolist()) == {"A"}
    assert c.n_altloc_atoms == 84 and c.metadata["inhibitor_altloc_atoms"] == 84


def _two_chain_copy(tmp_path, ligand_to_b):
    """2XP2 with its chain duplicated as chain B, shifted 60 Å; the ligand follows one chain."""
    out = []
    lines = (SHARED / "2xp2.pdb").read_text().splitlines()
    for line in lines:
        if line.startswith(("ATOM", "HETATM")) and line[17:20] != "HOH":
            is_ligand = line[17:20] == "VGH"
            if not is_ligand or not ligand_to_b:
                out.append(line)
    for line in lines:
        if line.startswith(("ATOM", "HETATM")) and line[17:20] != "HOH":
            is_ligand = line[17:20] == "VGH"
            if is_ligand and not ligand_to_b:
                continue
            x = float(line[30:38]) + 60.0
            out.append(f"{line[:21]}B{line[22:30]}{x:8.3f}{line[38:]}")
    path = tmp_path / "two_chains.pdb"
    path.write_text("\n".join(out) + "\n")
    return path


@pytest.mark.parametrize(("ligand_to_b", "expected"), [(True, "B"), (False, "A")])
def test_chain_whose_pocket_holds_the_inhibitor(tmp_path, ligand_to_b, expected):
    c = structkit.load(_two_chain_copy(tmp_path, ligand_to_b))
    assert c.chain == expected and c.ligand == "VGH"
    assert c.other_chains == [{"A": "B", "B": "A"}[expected]]


def test_named_chain(tmp_path):
    c = structkit.load(_two_chain_copy(tmp_path, True), chain="A")
    assert c.chain == "A" and c.ligand is None  # the ligand sits in chain B's pocket
    with pytest.raises(StructkitError, match="chain 'Z' is not a kinase chain"):
        structkit.load(_two_chain_copy(tmp_path, True), chain="Z")


def test_structure_without_alk_chain(tmp_path):
    # a poly-alanine chain: parses, but nothing maps to Q9UM73
    def to_ala(line):
        if line.startswith("ATOM") and line[12:16].strip() in ("N", "CA", "C", "O", "CB"):
            return f"{line[:17]}ALA{line[20:]}"
        return None if line.startswith("ATOM") else line

    copy = tmp_path / "polyala.pdb"
    _edit_pdb(SHARED / "2xp2.pdb", copy, to_ala)
    # no chain maps to ALK any more, but the fold is still a kinase's: it loads by structure, with
    # author numbering, and the structural KLIFS assignment agrees with ALK's curated map
    polyala = structkit.load(copy)
    assert not polyala.is_alk and polyala.kinase is None and polyala.mutations == []
    original = structkit.load(SHARED / "2xp2.pdb")
    assert (polyala.residues.klifs_position == original.residues.klifs_position).all()
    # a protein that is not a kinase (PyMOL's interleukin-2 demo file) is refused
    il2 = Path(pymol.__file__).parent / "data" / "demo" / "il2.pdb"
    with pytest.raises(StructkitError, match="no protein kinase chain"):
        structkit.load(il2)


@pytest.mark.parametrize("pdb_id", ["2XP2", "4CLI", "6MX8", "3AOX", "4MKC", "5FTO", "9GBE"])
def test_drug_complexes(pdb_id):
    drugs = {"2XP2": "crizotinib", "4CLI": "lorlatinib", "6MX8": "brigatinib", "3AOX": "alectinib",
             "4MKC": "ceritinib", "5FTO": "entrectinib", "9GBE": "NVL-655"}
    assert structkit.load(pdb_id, mirrors=[SHARED]).drug == drugs[pdb_id]
