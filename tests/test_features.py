"""The feature table: values checked against MDAnalysis, FreeSASA and the literature's hinge
hydrogen bonds; NaN with a reason where a value cannot exist; invariance under rigid motion."""

from __future__ import annotations

import freesasa
import numpy as np
import pandas as pd
import pytest
from MDAnalysis.lib.distances import distance_array

import structkit
from structkit.analysis.measure.features import (
    FEATURE_COLUMNS,
    FeatureContext,
    feature_table,
    frame_features,
    site_features,
)
from structkit.catalogue import catalogue_ids
from structkit.geometry.radii import atom_radii
from structkit.io.load import LoadOptions
from structkit.model.sites import review_sites
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]

HINGE = [1197, 1198, 1199]


@pytest.fixture(scope="module")
def lorlatinib():
    return structkit.load(SHARED / "4cli.cif")


@pytest.fixture(scope="module")
def lorlatinib_features(lorlatinib):
    return site_features(lorlatinib).set_index("uniprot")


def test_columns_and_rows(lorlatinib):
    frame = site_features(lorlatinib)
    assert list(frame.columns) == FEATURE_COLUMNS
    assert frame["uniprot"].tolist() == list(review_sites())
    assert (frame["drug"] == "lorlatinib").all()


def test_distances_against_mdanalysis(lorlatinib, lorlatinib_features):
    lig = lorlatinib.inhibitor.heavy.coords
    for site in (1196, 1198, 1202, 1203, 1256, 1269):
        atoms = lorlatinib.residue_atoms(site).heavy
        d = distance_array(atoms.coords, lig)
        row = lorlatinib_features.loc[site]
        assert row["min_heavy_distance_A"] == pytest.approx(d.min(), abs=1e-4)
        ca = atoms.name == "CA"
        assert row["ca_distance_A"] == pytest.approx(d[ca].min(), abs=1e-4)
        per_ligand_atom = d.min(axis=0)
        for cutoff in (4.0, 4.5, 6.0):
            assert row[f"inhibitor_atoms_within_{cutoff:.1f}_A"] == (per_ligand_atom <= cutoff).sum()
        side = ~np.isin(atoms.name, ["N", "CA", "C", "O"])
        if side.any():
            assert row["min_sidechain_distance_A"] == pytest.approx(d[side].min(), abs=1e-4)
        else:
            assert np.isnan(row["min_sidechain_distance_A"]) and "glycine" in row["reason"]


def _freesasa_residue_areas(coords, radii, residue_of, n_res):
    params = freesasa.Parameters()
    params.setAlgorithm(freesasa.ShrakeRupley)
    params.setNPoints(1000)
    result = freesasa.calcCoord(coords.ravel(), radii, params)
    areas = np.array([result.atomArea(k) for k in range(len(radii))])
    return np.bincount(residue_of, weights=areas, minlength=n_res)


def test_residue_sasa_and_buried_area_against_freesasa(lorlatinib, lorlatinib_features):
    """Independent check at 1000 points: FreeSASA on the same atoms and radii."""
    p = lorlatinib.protein.heavy
    lig = lorlatinib.inhibitor.heavy
    res = lorlatinib.residues
    residue_of = np.repeat(np.arange(len(res)), res.stop - res.start)
    n = len(res)
    apo = _freesasa_residue_areas(p.coords, atom_radii(p.element), residue_of, n)
    holo_all = _freesasa_residue_areas(
        np.vstack([p.coords, lig.coords]), np.concatenate([atom_radii(p.element), atom_radii(lig.element)]),
        np.concatenate([residue_of, np.full(len(lig), n)]), n + 1)[:n]
    for site in (1196, 1198, 1202, 1256):
        row = lorlatinib_features.loc[site]
        r = res.index_of(site)
        # 100 points in the feature table against 1000 in FreeSASA: a residue within ~3 A^2
        assert row["sasa_apo_A2"] == pytest.approx(apo[r], abs=4.0)
        assert row["buried_area_A2"] == pytest.approx(apo[r] - holo_all[r], abs=4.0)
    assert lorlatinib_features.loc[1256, "buried_area_A2"] > 10.0


def test_site_areas_and_interface_equal_the_whole_chain_computation(lorlatinib, lorlatinib_features):
    # the table computes the sites' atoms only and the interface from the atoms the inhibitor can
    # touch; the same 100-point Shrake-Rupley over every atom must give the same numbers
    from structkit.geometry.sasa import group_sum, shrake_rupley

    p, lig, res = lorlatinib.protein.heavy, lorlatinib.inhibitor.heavy, lorlatinib.residues
    radii_p, radii_l = atom_radii(p.element), atom_radii(lig.element)
    residue_of = np.repeat(np.arange(len(res)), res.stop - res.start)[~lorlatinib.protein.is_hydrogen]
    starts = np.flatnonzero(np.r_[True, residue_of[1:] != residue_of[:-1]])
    apo_atoms = shrake_rupley(p.coords, radii_p)
    holo_atoms = shrake_rupley(np.vstack([p.coords, lig.coords]), np.concatenate([radii_p, radii_l]))
    apo, holo = np.zeros(len(res)), np.zeros(len(res))
    apo[residue_of[starts]] = group_sum(apo_atoms, starts)
    holo[residue_of[starts]] = group_sum(holo_atoms[: len(p)], starts)
    for site in (1196, 1198, 1202, 1256):
        r = res.index_of(site)
        assert lorlatinib_features.loc[site, "sasa_apo_A2"] == apo[r]
        assert lorlatinib_features.loc[site, "sasa_holo_A2"] == holo[r]
    interface = apo_atoms.sum() + shrake_rupley(lig.coords, radii_l).sum() - holo_atoms.sum()
    assert lorlatinib_features["interface_buried_area_A2"].iloc[0] == pytest.approx(interface, rel=1e-12)


LITERATURE_HINGE = {
    # drug complex: hinge hydrogen bonds reported in the structure papers
    "2XP2": {"MET1199 N", "GLU1197 O"},  # crizotinib, Cui et al. J. Med. Chem. 2011
    "4MKC": {"MET1199 N", "MET1199 O"},  # ceritinib, Friboulet et al. Cancer Discov. 2014
    "3AOX": {"MET1199 N"},  # alectinib, Sakamoto et al. Cancer Cell 2011
    "6MX8": {"MET1199 N", "MET1199 O"},  # brigatinib, Huang et al. J. Med. Chem. 2016
    "4CLI": {"MET1199 N", "GLU1197 O"},  # lorlatinib, Johnson et al. J. Med. Chem. 2014
    "5FTO": {"MET1199 N", "MET1199 O", "GLU1197 O"},  # entrectinib, Menichincheri et al. 2016
}


@pytest.mark.parametrize("pdb_id", sorted(LITERATURE_HINGE))
def test_hinge_hydrogen_bonds_match_the_literature(pdb_id):
    c = structkit.load(pdb_id, mirrors=[SHARED])
    table = site_features(c, HINGE).set_index("uniprot")
    found = set()
    for site in HINGE:
        for partner in filter(None, table.loc[site, "hbond_partners"].split(";")):
            atom = partner.split("->")[0] if "->" in partner else partner.split("<-")[0]
            found.add(f"{c.residues.resname[c.residues.index_of(site)]}{site} {atom}")
    assert found == LITERATURE_HINGE[pdb_id]


def test_apo_structure_gives_nan_with_reason():
    table = site_features(structkit.load(SHARED / "3l9p.cif"), [1196, 1202]).set_index("uniprot")
    assert table["min_heavy_distance_A"].isna().all()
    assert table["sasa_apo_A2"].notna().all()
    assert all("no inhibitor" in r for r in table["reason"])


def test_absent_residue_gives_nan_with_reason():
    table = site_features(structkit.load(SHARED / "2xba.cif"), [1123, 1196]).set_index("uniprot")
    assert np.isnan(table.loc[1123, "min_heavy_distance_A"])
    assert table.loc[1123, "reason"] == "residue has no coordinates"
    assert table.loc[1123, "residue"] == ""
    assert np.isfinite(table.loc[1196, "min_heavy_distance_A"])


def test_mutant_sites_are_marked():
    table = site_features(structkit.load("9GBE", mirrors=[SHARED]), [1196, 1202]).set_index("uniprot")
    assert table["mutated"].tolist() == [True, True]
    assert table.loc[1202, "residue"] == "R"
    assert np.isfinite(table.loc[1202, "min_sidechain_distance_A"])  # arginine has a side chain


def test_rigid_motion_leaves_distances_and_hbonds_unchanged(lorlatinib):
    ctx = FeatureContext.build(lorlatinib)
    angle = 0.7
    rot = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    shift = np.array([12.0, -7.0, 30.0])
    before = frame_features(ctx, lorlatinib.protein.coords, lorlatinib.inhibitor.coords)
    after = frame_features(ctx, lorlatinib.protein.coords @ rot.T + shift,
                           lorlatinib.inhibitor.coords @ rot.T + shift)
    for key in ("min_heavy_distance_A", "ca_distance_A", "cb_distance_A", "inhibitor_atoms_within_4.0_A",
                "hbonds_to_inhibitor"):
        np.testing.assert_allclose(after[key], before[key], atol=1e-6, equal_nan=True)
    assert after["hbond_partners"] == before["hbond_partners"]
    np.testing.assert_allclose(
        after["interface_buried_area_A2"], before["interface_buried_area_A2"], rtol=0.03)


def test_feature_table_covers_all_shared_structures():
    table = feature_table(catalogue_ids(), options=LoadOptions.resolve([SHARED]))
    assert len(table) == 60 * len(review_sites())
    liganded = table[table["ligand"] != ""]
    # every liganded structure has its inhibitor within 4 A of the gatekeeper or the hinge
    closest = liganded.groupby("pdb_id")["min_heavy_distance_A"].min()
    assert (closest < 4.5).all()
    # NaN only with a reason (a missing KLIFS position means "off the pocket", not a failure)
    assert table.loc[table["uniprot"] == 1156, "klifs_position"].isna().all()
    numeric = table.select_dtypes("number").columns.drop("klifs_position")
    for _, row in table[table[numeric].isna().any(axis=1)].iterrows():
        assert row["reason"], (row["pdb_id"], row["uniprot"])
    assert isinstance(table, pd.DataFrame)
