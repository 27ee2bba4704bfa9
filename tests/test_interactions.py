"""Typed interactions on real complexes where each is known to occur (ProLIF and KLIFS comparisons
are in test_interactions_peers.py; the kernels on built geometry in test_geometry_contacts.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.interactions import (
    INTERACTION_COLUMNS,
    INTERACTION_TYPES,
    KLIFS_TYPES,
    fingerprint,
    interaction_changes,
    interaction_table,
    klifs_fingerprint,
)
from structkit.cli import main
from tests.util import SHARED, SHARED_ROOT

pytestmark = [pytest.mark.shared_data]

ABL = SHARED_ROOT / "benchmarks" / "abl_hauser2018"
KLIFS = SHARED_ROOT / "klifs" / "HUMAN"


def abl_table(name: str) -> pd.DataFrame:
    """Interactions of a prepared ABL1 benchmark complex (explicit hydrogens, SDF pose)."""
    complex_ = structkit.load(ABL / f"{name}_complex.pdb", ligand_file=ABL / f"{name}_ligand.sdf",
                              keep_hydrogens=True)
    return interaction_table(complex_)


def pairs(table: pd.DataFrame) -> set[tuple[int, str]]:
    return set(zip(table["resnum"].astype(int), table["type"]))


def row(table: pd.DataFrame, resnum: int, kind: str) -> pd.Series:
    hit = table[(table["resnum"] == resnum) & (table["type"] == kind)]
    assert len(hit), f"no {kind} at {resnum}"
    return hit.sort_values("distance").iloc[0]


def test_imatinib_abl1_hydrogen_bonds_with_hydrogens():
    """Imatinib in ABL1 (2HYY; Nagar et al., Cancer Res. 2002, 62, 4236): the hinge M318 NH to the
    pyridine N, T315 OG1 and E286 carboxylate accepting from the two amide NHs, D381 NH (DFG)
    donating to the amide O, and I360's carbonyl accepting from the piperazinium NH."""
    table = abl_table("imatinib_2hyy")
    expected = {(318, "hbond_donor"), (315, "hbond_acceptor"), (286, "hbond_acceptor"),
                (381, "hbond_donor"), (360, "hbond_acceptor")}
    assert expected <= pairs(table)
    hinge = row(table, 318, "hbond_donor")
    assert (hinge.protein_atoms, hinge.ligand_atoms) == ("N", "N3")
    assert 2.9 < hinge.distance < 3.1 and hinge.angle > 160  # D-H...A from the file's hydrogen


def test_dasatinib_abl1_hydrogen_bonds():
    """Dasatinib in ABL1 (2GQG; Tokarski et al., Cancer Res. 2006, 66, 5790): M318 backbone NH and
    C=O at the hinge, T315 OG1 to the carboxamide NH."""
    table = abl_table("dasatinib_2gqg")
    assert {(318, "hbond_donor"), (318, "hbond_acceptor"), (315, "hbond_acceptor")} <= pairs(table)
    assert row(table, 315, "hbond_acceptor").protein_atoms == "OG1"


def test_crizotinib_heavy_atom_hinge_and_hydrophobic():
    """Crizotinib in ALK (2XP2, no hydrogens; Cui et al., J. Med. Chem. 2011, 54, 6342): the
    aminopyridine to the hinge E1197 C=O and M1199 NH, the pocket lined by L1122, V1130, L1196
    (gatekeeper) and L1256."""
    table = interaction_table(structkit.load("2XP2", mirrors=[SHARED]))
    assert {(1197, "hbond_acceptor"), (1199, "hbond_donor")} <= pairs(table)
    assert {(n, "hydrophobic") for n in (1122, 1130, 1196, 1256)} <= pairs(table)
    assert row(table, 1199, "hbond_donor").klifs == 48  # KLIFS hinge position
    assert np.isnan(row(table, 1199, "hbond_donor").angle)  # heavy-atom criteria: no H angle


def test_ionic_negative_staurosporine_methylamine_and_asp1203():
    """Staurosporine in ALK (3LCS): the methylamino N (a basic amine, charged at pH 7 by the
    inferred ionisation) 2.99 Å from D1203 OD2 at the solvent front."""
    complex_ = structkit.load("3LCS", mirrors=[SHARED])
    bridge = row(interaction_table(complex_), 1203, "ionic_negative")
    assert (bridge.protein_atoms, bridge.ligand_atoms) == ("OD2", "N4")
    inhibitor = complex_.inhibitor
    n4 = inhibitor.coords[inhibitor.name == "N4"][0]
    res = complex_.residues.index_of(1203)
    names = complex_.protein.name[complex_.residues.start[res]:complex_.residues.stop[res]]
    od2 = complex_.protein.coords[complex_.residues.start[res] + int(np.flatnonzero(names == "OD2")[0])]
    assert bridge.distance == pytest.approx(np.linalg.norm(n4 - od2), abs=1e-3)  # by hand
    assert bridge.distance == pytest.approx(2.992, abs=1e-3)


def test_ionic_positive_beta3_lysine_and_amppnp_phosphate():
    """AMP-PNP in ADCK3 (5I35; Stefely et al., Mol. Cell 2016, 63, 608): the β3 lysine (KLIFS 17)
    NZ at 3.0 Å from an α-phosphate oxygen, charged at pH 7 by the inferred ionisation."""
    complex_ = structkit.load(KLIFS / "ADCK3" / "5i35_chainA" / "complex.pdb")
    lysine = row(interaction_table(complex_), 358, "ionic_positive")
    assert (lysine.klifs, lysine.protein_atoms, lysine.ligand_atoms) == (17, "NZ", "O1A")
    assert lysine.distance == pytest.approx(3.027, abs=1e-3)


def test_face_to_face_and_edge_to_face_in_abl():
    """Imatinib's pyridine stacks face to face on F317 behind the gatekeeper and its pyrimidine
    T-stacks on the P-loop Y253 (2HYY); in the KLIFS file of ABL2-imatinib (3GVU) Y299 (the
    same P-loop Tyr, KLIFS 8) is edge-to-face, as KLIFS's own fingerprint says."""
    table = abl_table("imatinib_2hyy")
    ftf = row(table, 317, "face_to_face")
    assert ftf.distance < 5.5 and ftf.angle <= 35
    assert len(ftf.protein_atoms.split(",")) == 6
    assert (253, "edge_to_face") in pairs(table)
    abl2 = interaction_table(structkit.load(KLIFS / "ABL2" / "3gvu_altB_chainA" / "complex.pdb"))
    etf = row(abl2, 299, "edge_to_face")
    assert etf.klifs == 8 and 50 <= etf.angle <= 90


def test_halogen_bond_gefitinib_chlorine_and_glu286():
    """Gefitinib's chlorine pointing its σ-hole at E286 OE2 (docked ABL1 pose; ProLIF agrees)."""
    bond = row(abl_table("gefitinib_2f4j"), 286, "halogen_bond")
    assert (bond.protein_atoms, bond.ligand_atoms) == ("OE2", "CL31")
    assert bond.distance <= 3.5 and bond.angle >= 130


def test_water_bridge_crizotinib_l1196m_has_its_water():
    """2YFX (crizotinib, L1196M) keeps its waters: one bridges the aminopyridine N24 and D1203."""
    complex_ = structkit.load("2YFX", mirrors=[SHARED])
    bridge = row(interaction_table(complex_), 1203, "water_bridge")
    assert bridge.ligand_atoms == "N24" and bridge.water.startswith("HOH")
    # both legs by hand from the file's coordinates
    chain, number = bridge.water.split()[1][0], int(bridge.water.split()[1][1:])
    waters = complex_.waters
    oxygen = waters.coords[(waters.chain == chain) & (waters.resnum == number) & (waters.element == "O")][0]
    n24 = complex_.inhibitor.coords[complex_.inhibitor.name == "N24"][0]
    assert 2.5 <= np.linalg.norm(n24 - oxygen) <= 3.5
    assert bridge.distance >= np.linalg.norm(n24 - oxygen) - 1e-3


def test_no_waters_no_water_bridges():
    """The PyMOL-exported mmCIFs lost their waters (catalogue note), so no bridge can be claimed."""
    complex_ = structkit.load("4CLI", mirrors=[SHARED])
    assert len(complex_.waters) == 0
    assert "water_bridge" not in set(interaction_table(complex_)["type"])


def test_table_columns_klifs_mapping_and_fingerprint():
    table = interaction_table(structkit.load("2XP2", mirrors=[SHARED]))
    assert list(table.columns) == INTERACTION_COLUMNS
    for kind, klifs_type in zip(table["type"], table["klifs_type"]):
        assert klifs_type == kind if kind in KLIFS_TYPES else pd.isna(klifs_type)
    assert table.loc[table["type"] == "halogen_bond", "klifs_type"].isna().all()
    wide = fingerprint(table)
    assert list(wide.columns[-len(INTERACTION_TYPES):]) == list(INTERACTION_TYPES)
    assert wide.set_index("resnum").loc[1199, "hbond_donor"]
    bits = klifs_fingerprint(table)
    assert bits.shape == (85, 7) and bits[47, 3] and bits[45, 4]  # M1199 donor, E1197 acceptor


def test_kinase_of_another_family_by_klifs_position():
    """KLIFS positions make fingerprints comparable across kinases: the hinge donor is KLIFS 48 in
    ALK (M1199) and in ABL1 (M318)."""
    alk = interaction_table(structkit.load("2XP2", mirrors=[SHARED]))
    abl = abl_table("imatinib_2hyy")
    assert row(alk, 1199, "hbond_donor").klifs == row(abl, 318, "hbond_donor").klifs == 48


def test_mutation_removes_and_adds_interactions():
    """E1210K takes ceritinib's solvent-front salt bridge away; the change is reported."""
    complex_ = structkit.load("4MKC", mirrors=[SHARED])
    model = structkit.mutate(complex_, "E1210K")
    changes = interaction_changes(interaction_table(complex_), interaction_table(model.complex_), [1210])
    removed = changes[changes["change"] == "removed"]
    assert ("ionic_negative", 1210) in set(zip(removed["type"], removed["uniprot"]))
    assert (changes["uniprot"] == 1210).all()


def test_changes_keep_the_closest_row_per_residue_and_type_in_key_order():
    # by hand: B 7 keeps its hydrophobic contact (through another pair: no change) and loses its
    # H-bond, shown by its closer row (3.0 before 3.2; a NaN distance comes last); A 12 gains an
    # ionic pair; rows come out removed first, each group in (chain, resnum, icode, type) order
    def table(rows):
        frame = pd.DataFrame(rows, columns=["chain", "resnum", "type", "distance"])
        for column in INTERACTION_COLUMNS:
            if column not in frame:
                frame[column] = "" if column == "icode" else 0
        frame["uniprot"] = frame["resnum"]
        return frame[INTERACTION_COLUMNS]

    before = table([("B", 7, "hydrophobic", 3.9), ("B", 7, "hbond_donor", float("nan")),
                    ("B", 7, "hbond_donor", 3.2), ("B", 7, "hbond_donor", 3.0),
                    ("A", 9, "hbond_acceptor", 2.9)])
    after = table([("B", 7, "hydrophobic", 4.2), ("A", 12, "ionic_positive", 3.6),
                   ("A", 3, "face_to_face", 5.0)])
    changes = interaction_changes(before, after)
    got = list(zip(changes["change"], changes["chain"], changes["resnum"], changes["type"],
                   changes["distance"]))
    assert got == [("removed", "A", 9, "hbond_acceptor", 2.9), ("removed", "B", 7, "hbond_donor", 3.0),
                   ("added", "A", 3, "face_to_face", 5.0), ("added", "A", 12, "ionic_positive", 3.6)]
    assert list(changes.columns) == ["change", *INTERACTION_COLUMNS]
    assert interaction_changes(before, before).empty
    assert list(interaction_changes(before, after, [9])["resnum"]) == [9]


def test_cli_interactions_json_objects(capsys):
    assert main(["interactions", "--mirror", str(SHARED), "3LCS", "--json", "--workers", "1"]) == 0
    records = json.loads(capsys.readouterr().out)
    required = {"structure", "chain", "resnum", "resname", "klifs", "type", "klifs_type", "distance"}
    assert all(required <= set(r) for r in records)
    salt = [r for r in records if r["type"] == "ionic_negative" and r["resnum"] == 1203]
    assert salt and salt[0]["klifs_type"] == "ionic_negative" and salt[0]["klifs"] == 52
    halogen_or_metal = [r for r in records if r["klifs_type"] is None]
    assert all(r["type"] not in ("hydrophobic", "hbond_donor", "hbond_acceptor") for r in halogen_or_metal)


def test_cli_interactions_ligand_file_and_table(tmp_path, capsys):
    out = tmp_path / "imatinib.csv"
    code = main(["interactions", str(ABL / "imatinib_2hyy_complex.pdb"), "--ligand-file",
                 str(ABL / "imatinib_2hyy_ligand.sdf"), "-o", str(out), "--workers", "1"])
    assert code == 0
    table = pd.read_csv(out)
    assert (318, "hbond_donor") in set(zip(table["resnum"], table["type"]))


def test_cli_interactions_apo_is_one_line(capsys):
    assert main(["interactions", "--mirror", str(SHARED), "2YJR"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no inhibitor" in err[0] and "2YJR" in err[0]


def test_cli_interactions_batch_leaves_apo_entries_out(tmp_path, capsys):
    """Over several structures (--all holds apo entries) an apo one is a note, not a failure."""
    out = tmp_path / "two.csv"
    args = ["interactions", "--mirror", str(SHARED), "2YJR", "3LCS", "-o", str(out), "--workers", "1"]
    assert main(args) == 0
    assert set(pd.read_csv(out)["structure"]) == {"3LCS"}
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["structkit: note: 1 structure without an inhibitor left out: 2YJR"]


def test_features_gain_interaction_types():
    frame = structkit.site_features(structkit.load("2XP2", mirrors=[SHARED]), [1196, 1269, 1202])
    types = dict(zip(frame["uniprot"], frame["interaction_types"]))
    assert types[1196] == "hydrophobic" and types[1269] == "halogen_bond" and types[1202] == ""
