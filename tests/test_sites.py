"""Review regions (recomputed from 3LCT and KLIFS), review sites, and the site table on all 60 structures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.catalogue import catalogue_ids
from structkit.model.numbering import klifs_map
from structkit.model.sites import (
    SITE_COLUMNS,
    regions_of,
    review_mentions,
    review_regions,
    review_sites,
    site_table,
)
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]

RIBOSE = ["C1'", "C2'", "C3'", "C4'", "C5'", "O2'", "O3'", "O4'"]


def _within(complex_, ligand_mask, cutoff=4.5):
    p, r = complex_.protein, complex_.residues
    d = np.linalg.norm(p.coords[:, None] - complex_.inhibitor.coords[ligand_mask][None], axis=-1).min(axis=1)
    return frozenset(int(u) for u, a, b in zip(r.uniprot, r.start, r.stop) if (d[a:b] <= cutoff).any())


def test_pocket_regions_recomputed_from_the_adp_complex():
    c = structkit.load(SHARED / "3lct.cif")
    assert c.ligand == "ADP"
    regions = review_regions()
    assert regions["ATP-binding pocket"] == _within(c, np.ones(len(c.inhibitor), dtype=bool))
    assert regions["ribose-binding pocket"] == _within(c, np.isin(c.inhibitor.name, RIBOSE))


def test_klifs_based_regions_agree_with_the_klifs_map():
    kmap = klifs_map()
    by_region = {name: frozenset(kmap.uniprot[kmap.region == name].tolist()) for name in set(kmap.region)}
    regions = review_regions()
    assert regions["gatekeeper"] == by_region["GK"] == {1196}
    assert regions["hinge"] == by_region["hinge"]
    assert regions["glycine-rich loop"] == by_region["g.l"]
    assert regions["DFG"] == by_region["xDFG"]
    assert regions["solvent front"] == by_region["linker"] | by_region["αD"]


def test_alpha_c_regions_follow_the_2xp2_helix_record():
    helix = next(line for line in (SHARED / "2xp2.pdb").read_text().splitlines()
                 if line.startswith("HELIX") and line[7:10].strip() == "3")
    start, end = int(helix[21:25]), int(helix[33:37])
    assert (start, end) == (1157, 1174)
    assert max(review_regions()["N-terminal to αC-helix"]) == start - 1
    assert end in review_regions()["C-terminal to αC-helix"]


def test_review_sites_are_the_residues_the_review_names():
    # M1199 is named only as a hydrogen-bond partner of gilteritinib, not as a mutation site
    assert review_sites() == (1123, 1151, 1152, 1156, 1171, 1174, 1180, 1196, 1198, 1202,
                              1203, 1206, 1210, 1256, 1269)
    mentions = review_mentions()
    table2 = mentions[mentions["where"] == "Table 2"]
    assert len(table2) == 59
    unparsed = mentions[mentions["canonical"] == ""]
    assert unparsed["written"].tolist() == ["CD1203N"]


def test_every_review_site_has_a_region():
    for site in review_sites():
        assert regions_of(site), site
    assert regions_of(1156) == ["N-terminal to αC-helix"]
    assert regions_of(1202) == ["solvent front"]


def test_site_table_marks_mutations_and_klifs_gaps():
    frame = site_table(structkit.load("9GBE", mirrors=[SHARED]))
    assert list(frame.columns) == SITE_COLUMNS
    table = frame.set_index("uniprot")
    assert table.loc[1196, ["wild_type", "residue", "mutated"]].tolist() == ["L", "M", True]
    assert table.loc[1202, ["wild_type", "residue", "mutated"]].tolist() == ["G", "R", True]
    # off the pocket: a missing position, not 0
    assert pd.isna(table.loc[1156, "klifs_position"]) and table.loc[1156, "klifs_region"] == ""
    assert table.loc[1203, "klifs_region"] == "linker"
    assert not table.drop(index=[1196, 1202])["mutated"].any()


def test_unresolved_site():
    # 2XBA lacks residues 1123-1129 (its gaps) and keeps only part of others
    table = site_table(structkit.load("2XBA", mirrors=[SHARED])).set_index("uniprot")
    assert table.loc[1123, "resolved"] == "no" and table.loc[1123, "residue"] == ""


@pytest.mark.parametrize("pdb_id", catalogue_ids())
def test_sites_on_every_shared_structure(pdb_id):
    c = structkit.load(pdb_id, mirrors=[SHARED])
    table = site_table(c)
    assert len(table) == len(review_sites())
    mutated = table[table["mutated"]]
    expected = {int(m[1:-1]) for m in c.mutations} & set(review_sites())
    assert set(mutated["uniprot"]) == expected


def test_primary_regions_cover_every_site_once():
    """Each review site has one primary region; primary + secondary = all its memberships."""
    import csv
    from importlib import resources

    from structkit.model.sites import primary_region_of, regions_of, review_sites

    text = resources.files("structkit.data").joinpath("review_site_regions.csv").read_text()
    rows = {int(r["site"]): r for r in csv.DictReader(x for x in text.splitlines() if not x.startswith("#"))}
    assert set(rows) == set(review_sites())
    for site, row in rows.items():
        secondary = {x for x in row["secondary_regions"].split(";") if x}
        assert {row["primary_region"]} | secondary == set(regions_of(site)), site
        assert row["primary_region"] not in secondary and row["basis"]
        assert primary_region_of(site) == row["primary_region"]
    # the audit's points: D1203 counted once; I1171 inside the helix; G1269 stays out of the ATP pocket
    assert primary_region_of(1203) == "solvent front"
    assert regions_of(1171) == ["αC-helix"]
    assert "ATP-binding pocket" not in regions_of(1269)


def test_regions_by_klifs_position():
    from structkit.model.sites import region_klifs_positions

    klifs = region_klifs_positions()
    assert klifs["gatekeeper"] == (45,) and klifs["hinge"] == (46, 47, 48)
    assert klifs["solvent front"] == tuple(range(49, 60)) and klifs["DFG"] == (80, 81, 82, 83)
    assert klifs["glycine-rich loop"] == tuple(range(4, 10))
