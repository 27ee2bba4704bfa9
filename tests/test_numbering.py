"""UniProt and KLIFS numbering: the reference against the files' SEQRES, renumbered copies, the
KLIFS pocket file of 2YJR, and mutations read from the coordinates."""

from __future__ import annotations

import re

import numpy as np
import pytest

import structkit
from structkit.io.read import read_structure
from structkit.model.numbering import klifs_map, reference_residue, reference_sequence
from structkit.model.residues import one_letter
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _seqres_by_uniprot(path, first):
    seq = "".join(one_letter(r) for r in read_structure(path).seqres["A"])
    return {first + i: c for i, c in enumerate(seq)}


def test_reference_is_3aox_seqres_and_states_its_source():
    ref = reference_sequence()
    assert ref.first == 1069 and ref.last == 1411
    assert "3AOX" in ref.source
    seqres = _seqres_by_uniprot(SHARED / "3aox.pdb", 1068)  # DBREF: 1069-1411, 1068 is a tag
    assert all(seqres[n] == reference_residue(n) for n in range(1069, 1412))


@pytest.mark.parametrize(
    ("name", "first_seqres", "dbref", "engineered"),
    [
        ("2xp2.pdb", 1085, (1093, 1411), {}),
        ("4mkc.pdb", 1044, (1072, 1410), {1281: "G"}),
        ("2yfx.pdb", 1085, (1093, 1411), {1196: "M"}),
        ("4ans.pdb", 1070, (1093, 1411), {1196: "M", 1269: "A"}),
        ("5aab.pdb", 1085, (1093, 1411), {1156: "Y", 1198: "F"}),
    ],
)
def test_reference_cross_checked_against_other_seqres(name, first_seqres, dbref, engineered):
    seqres = _seqres_by_uniprot(SHARED / name, first_seqres)
    for n in range(dbref[0], dbref[1] + 1):
        assert seqres[n] == engineered.get(n, reference_residue(n)), n


def test_klifs_map_reproduces_the_2yjr_pocket_file():
    pocket = read_structure(SHARED / "2yjr" / "pocket.pdb").atoms
    ca = pocket[pocket.name == "CA"]
    kmap = klifs_map()
    resolved = kmap.uniprot[:83]
    np.testing.assert_array_equal(resolved, ca.resnum)
    # the wild-type residue of every position agrees with the pocket file but at F1174L
    observed = np.array([one_letter(r) for r in ca.resname])
    differs = np.flatnonzero(observed != kmap.wild_type[:83]) + 1
    assert differs.tolist() == [31]
    assert kmap.uniprot[30] == 1174
    assert kmap.uniprot[83:].tolist() == [1273, 1274]
    assert all("inferred" in note for note in kmap.note[83:])


def test_klifs_landmarks():
    kmap = klifs_map()
    regions = dict(zip(kmap.uniprot.tolist(), kmap.region.tolist()))
    assert regions[1196] == "GK"
    assert [regions[n] for n in (1197, 1198, 1199)] == ["hinge"] * 3
    assert kmap.position_of(np.array([1150, 1167, 1196, 1270])).tolist() == [17, 24, 45, 81]
    assert kmap.position_of(np.array([1156, 1176])).tolist() == [0, 0]  # between positions
    assert kmap.region[kmap.position_of(np.array([1202]))[0] - 1] == "linker"


@pytest.mark.parametrize(
    ("pdb_id", "mutations"),
    [("2YFX", ["L1196M"]), ("4ANS", ["L1196M", "G1269A"]), ("9GBE", ["L1196M", "G1202R"]),
     ("2XP2", []), ("5AAB", ["C1156Y", "L1198F"]), ("2YJR", ["F1174L"])],
)
def test_mutations_from_coordinates(pdb_id, mutations):
    assert structkit.load(pdb_id, mirrors=[SHARED]).mutations == mutations


def _renumber(path, out, mapping):
    lines = []
    for line in path.read_text().splitlines():
        if line.startswith(("ATOM", "HETATM")) and line[17:20] != "HOH":
            num = int(line[22:26])
            if num in mapping:
                line = f"{line[:22]}{mapping[num]:>4}{line[26:]}"
        lines.append(line)
    out.write_text("\n".join(lines) + "\n")


def test_renumbered_from_one_maps_back(tmp_path):
    """A copy renumbered 1, 2, 3 ... across the gaps (as PDBFixer writes) maps like the original."""
    original = structkit.load(SHARED / "2yfx.pdb")
    residues = sorted(set(original.residues.resnum.tolist()))
    mapping = {n: i + 1 for i, n in enumerate(residues)}
    copy = tmp_path / "renumbered.pdb"
    _renumber(SHARED / "2yfx.pdb", copy, mapping)
    renumbered = structkit.load(copy)
    assert renumbered.numbering.method == "alignment"
    assert renumbered.residues.resnum[0] == 1
    np.testing.assert_array_equal(renumbered.residues.uniprot, original.residues.uniprot)
    assert renumbered.mutations == ["L1196M"]
    assert renumbered.ligand == "VGH"


def test_shifted_numbering_maps_back(tmp_path):
    original = structkit.load(SHARED / "4ans.pdb")
    mapping = {n: n - 1000 for n in set(original.residues.resnum.tolist())}
    copy = tmp_path / "shifted.pdb"
    _renumber(SHARED / "4ans.pdb", copy, mapping)
    shifted = structkit.load(copy)
    assert shifted.numbering.method == "author" and shifted.numbering.offset == 1000
    np.testing.assert_array_equal(shifted.residues.uniprot, original.residues.uniprot)
    assert shifted.mutations == ["L1196M", "G1269A"]


def test_expression_tag_is_not_a_mutation():
    c = structkit.load(SHARED / "5fto.cif")
    row = np.flatnonzero(c.residues.resnum == 1093)[0]
    assert c.residues.resname[row] == "GLY"  # native N1093: a tag remnant numbered like ALK
    assert c.residues.uniprot[row] == -1
    assert c.mutations == []


def test_construct_substitution_next_to_terminus_is_kept():
    c = structkit.load(SHARED / "4dce.cif")
    assert c.first_residue == 1093
    assert c.mutations == ["C1097S"]


def _sources_mutations():
    rows = {}
    sources = SHARED / "SOURCES.md"
    for line in (sources.read_text() if sources.is_file() else "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and re.fullmatch(r"[0-9][A-Z0-9]{3}", cells[0]):
            rows[cells[0]] = [] if cells[3] == "WT" else cells[3].split("+")
    return rows


SOURCES_SITES = {1123, 1151, 1152, 1156, 1171, 1174, 1180, 1196, 1198, 1202, 1203, 1206, 1210,
                 1245, 1256, 1269, 1275}


@pytest.mark.parametrize("pdb_id", sorted(_sources_mutations()))
def test_every_shared_structure_reports_the_sources_mutations(pdb_id):
    c = structkit.load(pdb_id, mirrors=[SHARED])
    at_sites = [m for m in c.mutations if int(m[1:-1]) in SOURCES_SITES]
    assert at_sites == _sources_mutations()[pdb_id]
    # every residue maps, or is a terminal tag remnant
    assert (c.residues.uniprot >= 0).sum() >= len(c.residues) - 1
    # every engineered mutation the header declares is seen where the residue is resolved
    for _, num, _, res in c.metadata["engineered"]:
        if c.residues.index_of(num) >= 0:
            assert f"{reference_residue(num)}{num}{one_letter(res)}" in c.mutations
