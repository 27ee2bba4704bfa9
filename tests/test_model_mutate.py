"""Mutant modelling: models against crystal structures of the same mutants, clashes the
literature reports, the written model (Biopython, our reader and PyMOL read it), and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from Bio.PDB import PDBParser

import structkit
from structkit.errors import StructkitError
from structkit.io.write import write_pdb
from structkit.model.mutate import MUTANT_COLUMNS, mutate
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _kabsch(p, q):
    pc, qc = p.mean(0), q.mean(0)
    u, _, vt = np.linalg.svd((p - pc).T @ (q - qc))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, qc - pc @ r.T


def _ca(c):
    out = {}
    for u, a, b in zip(c.residues.uniprot, c.residues.start, c.residues.stop):
        k = np.flatnonzero(c.protein.name[a:b] == "CA")
        if u >= 0 and k.size:
            out[int(u)] = c.protein.coords[a + k[0]]
    return out


def _rmsd_to_crystal(model, crystal, site):
    a, b = _ca(model), _ca(crystal)
    pocket = [u for u in structkit.klifs_map().uniprot if u in a and u in b]
    r, t = _kabsch(np.array([a[u] for u in pocket]), np.array([b[u] for u in pocket]))
    built, real = model.residue_atoms(site), crystal.residue_atoms(site)
    names = [n for n in built.name if n not in ("N", "CA", "C", "O") and n in real.name]
    x = np.array([built.coords[list(built.name).index(n)] for n in names]) @ r.T + t
    y = np.array([real.coords[list(real.name).index(n)] for n in names])
    return float(np.sqrt(((x - y) ** 2).sum(axis=1).mean()))


@pytest.mark.parametrize(
    ("source", "mutation", "crystal", "limit"),
    [
        ("4CLI", "L1198F", "5AA9", 0.5),   # lorlatinib
        ("2XP2", "L1198F", "5AAA", 0.5),   # crizotinib
        ("2XP2", "G1269A", "4ANQ", 0.6),   # crizotinib
        ("4CLI", "L1196M", "4CLJ", 2.0),   # lorlatinib; Met's terminal methyl is the freest atom
        ("2XP2", "L1196M", "2YFX", 2.0),   # crizotinib
    ],
)
def test_model_matches_crystal_of_the_mutant(source, mutation, crystal, limit):
    model = mutate(structkit.load(source, mirrors=[SHARED]), mutation)
    site = model.sites[0].site
    assert _rmsd_to_crystal(model.complex_, structkit.load(crystal, mirrors=[SHARED]), site) < limit


def test_g1269a_clashes_with_crizotinib_halogens():
    """G1269A sits under crizotinib's dichlorofluorophenyl ring (Friboulet et al. 2014)."""
    report = mutate(structkit.load("2XP2", mirrors=[SHARED]), "G1269A").to_frame().iloc[0]
    assert report["inhibitor_clash_pairs"] >= 1
    assert "VGH:F" in report["clashing_atom_pairs"] or "VGH:CL" in report["clashing_atom_pairs"]


def test_l1198f_clashes_with_lorlatinib_but_not_crizotinib():
    """L1198F resists lorlatinib and resensitises to crizotinib (Shaw et al., NEJM 2016)."""
    lorl = mutate(structkit.load("4CLI", mirrors=[SHARED]), "L1198F").sites[0]
    criz = mutate(structkit.load("2XP2", mirrors=[SHARED]), "L1198F").sites[0]
    assert lorl.n_clear == 0 and lorl.inhibitor_pairs >= 1
    assert criz.n_clear >= 1 and criz.inhibitor_pairs == 0


def test_report_columns_and_volume():
    model = mutate(structkit.load("4CLI", mirrors=[SHARED]), "G1202R")
    frame = model.to_frame()
    assert list(frame.columns) == MUTANT_COLUMNS
    row = frame.iloc[0]
    assert (row.from_residue, row.to_residue, row.n_rotamers) == ("G", "R", 81)
    assert row.sidechain_volume_wt_A3 == 0.0 and 70 < row.volume_change_A3 < 110


def test_compound_mutation_changes_both_sites():
    c = structkit.load("4CLI", mirrors=[SHARED])
    model = mutate(c, "G1202R+L1196M")
    assert [s.site for s in model.sites] == [1196, 1202]
    assert model.complex_.mutations == ["L1196M", "G1202R"]
    assert c.mutations == []  # the source is untouched
    assert len(model.complex_.residue_atoms(1202)) == 11
    assert set(model.complex_.residue_atoms(1196).name) == {"N", "CA", "C", "O", "CB", "CG", "SD", "CE"}


@pytest.mark.parametrize(
    ("mutation", "message"),
    [("T1151Tins", "only substitutions"), ("F1174", "only substitutions"), ("G1202del", "only substitutions"),
     ("G1203R", "residue 1203 is D")],
)
def test_unmodellable_mutations(mutation, message):
    with pytest.raises(StructkitError, match=message):
        mutate(structkit.load("4CLI", mirrors=[SHARED]), mutation)


def test_site_without_coordinates():
    with pytest.raises(StructkitError, match="residue 1156 has no coordinates"):
        mutate(structkit.load("4JOA", mirrors=[SHARED]), "C1156Y")


def test_written_model_is_valid_pdb(tmp_path):
    model = mutate(structkit.load("2XP2", mirrors=[SHARED]), "L1196M+G1202R")
    path = write_pdb(model.complex_, tmp_path / "model.pdb", ["test model"])
    # Biopython in strict mode
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        structure = PDBParser(PERMISSIVE=False, QUIET=True).get_structure("m", str(path))
    residues = {r.id[1]: r.resname for r in structure[0]["A"]}
    assert residues[1196] == "MET" and residues[1202] == "ARG" and residues[9000] == "VGH"
    n_atoms = len(list(structure[0].get_atoms()))
    assert n_atoms == len(model.complex_.protein) + len(model.complex_.inhibitor)
    # our own reader gives the same complex back
    again = structkit.load(path)
    assert again.mutations == ["L1196M", "G1202R"] and again.ligand == "VGH"
    np.testing.assert_allclose(again.protein.coords, model.complex_.protein.coords, atol=1e-3)
    # PyMOL opens it
    pymol2 = pytest.importorskip("pymol2")
    session = pymol2.PyMOL()
    session.start()
    try:
        session.cmd.load(str(path), "mutant")
        assert session.cmd.count_atoms("mutant") == n_atoms
        assert session.cmd.count_atoms("mutant and resi 1202 and resn ARG") == 11
        assert session.cmd.count_atoms("mutant and resn VGH") == 30
    finally:
        session.stop()


def test_a_mutant_residue_table_equals_one_built_from_scratch():
    # with_protein reuses the entries of residues whose atoms did not change; every field must
    # be what a table built from the mutant chain alone gives (2XP2 has residues with missing
    # atoms, and the substituted ones change theirs)
    from dataclasses import fields

    from structkit.model.complex import _residue_table

    crystal = structkit.load("2XP2", mirrors=[SHARED])
    assert any(crystal.residues.missing_atoms)
    mutant = mutate(crystal, "L1196M+G1202R").complex_
    had = np.zeros(len(mutant.protein), dtype=np.int64)
    had[mutant.residues.start] = crystal.residues.n_altloc_atoms
    scratch = _residue_table(mutant.protein, mutant.numbering, had, mutant.reference,
                             crystal.residues.klifs_position)
    for field in fields(scratch):
        ours, theirs = getattr(mutant.residues, field.name), getattr(scratch, field.name)
        if isinstance(theirs, np.ndarray):
            np.testing.assert_array_equal(ours, theirs, err_msg=field.name)
        else:
            assert ours == theirs, field.name
    row = mutant.residues.index_of(1202)
    assert mutant.residues.resname[row] == "ARG" and mutant.residues.missing_atoms[row] == ()
