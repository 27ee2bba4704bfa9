"""The reader against Biopython's parsers and the files' own records, and its errors."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest
from Bio.PDB import MMCIFParser, PDBParser

from structkit.errors import StructureFileError
from structkit.io.read import read_structure
from tests.conftest import SHARED, shared_file


def _biopython_atoms(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser = MMCIFParser(QUIET=True) if path.suffix == ".cif" else PDBParser(QUIET=True)
        model = parser.get_structure("x", str(path))[0]
    rows = []
    for atom in model.get_atoms():
        for a in atom.disordered_get_list() if atom.is_disordered() else [atom]:
            res = a.get_parent()
            rows.append((res.get_parent().id, res.id[1], res.id[2].strip(), res.resname,
                         a.get_id(), a.get_altloc().strip(), *np.round(a.coord, 3),
                         a.occupancy, a.bfactor))
    return sorted(rows, key=lambda r: (r[0], r[1], r[2], r[4], r[5]))


@pytest.mark.parametrize("pdb_id", ["2XP2", "3AOX", "4MKC", "3LCT", "9GBE", "7JYR", "4FOD"])
def test_atoms_match_biopython(pdb_id):
    path = shared_file(pdb_id)
    atoms = read_structure(path).atoms
    ours = sorted(
        zip(atoms.chain.tolist(), atoms.resnum.tolist(), atoms.icode.tolist(),
            atoms.resname.tolist(), atoms.name.tolist(), atoms.altloc.tolist(),
            *np.round(atoms.coords, 3).T.tolist(), atoms.occupancy.tolist(),
            atoms.b_factor.tolist()),
        key=lambda r: (r[0], r[1], r[2], r[4], r[5]),
    )
    theirs = _biopython_atoms(path)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a[:6] == tuple(b[:6])
        np.testing.assert_allclose(a[6:], b[6:], atol=1e-3)


def test_pdb_header_records():
    parsed = read_structure(SHARED / "2xp2.pdb")
    assert parsed.format == "pdb"
    assert parsed.id_code == "2XP2"
    assert parsed.resolution == pytest.approx(1.90)
    assert "CRIZOTINIB" in parsed.title
    assert len(parsed.seqres["A"]) == 327
    assert parsed.het_names["VGH"].startswith("3-[(1R)-1-(2,6-DICHLORO-3-FLUOROPHENYL)")
    # MODEL 1 / ENDMDL wrapper: 2459 atom records, all read once
    assert len(parsed.atoms) == 2459


def test_engineered_mutations_from_seqadv():
    assert read_structure(SHARED / "5aab.pdb").engineered == [
        ("A", 1156, "CYS", "TYR"), ("A", 1198, "LEU", "PHE")]


def test_mmcif_quoted_atom_names_and_entry_id():
    parsed = read_structure(SHARED / "3lct.cif")
    assert parsed.format == "mmcif"
    assert parsed.id_code == "3LCT"
    adp = parsed.atoms.name[parsed.atoms.resname == "ADP"]
    assert "O5'" in adp.tolist() and "C1'" in adp.tolist()
    assert len(adp) == 27


def test_gzip_is_detected_by_content(tmp_path):
    target = tmp_path / "anything.bin"
    target.write_bytes(gzip.compress((SHARED / "4cli.cif").read_bytes()))
    a = read_structure(target).atoms
    b = read_structure(SHARED / "4cli.cif").atoms
    np.testing.assert_array_equal(a.coords, b.coords)
    np.testing.assert_array_equal(a.name, b.name)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"hello, this is a text file\nnot a structure\n", "no atom records"),
        (gzip.compress(b"ATOM")[:10], "gzip"),
    ],
)
def test_bad_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.pdb"
    path.write_bytes(content)
    with pytest.raises(StructureFileError, match=message) as info:
        read_structure(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file():
    with pytest.raises(StructureFileError, match="no such file"):
        read_structure(SHARED / "0000.pdb")


def test_truncated_pdb_line(tmp_path):
    lines = (SHARED / "2xp2.pdb").read_text().splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("ATOM")) + 100
    path = tmp_path / "cut.pdb"
    path.write_text("\n".join(lines[:cut]) + "\n" + lines[cut][:40])
    with pytest.raises(StructureFileError, match=f"line {cut + 1} is truncated"):
        read_structure(path)


def test_truncated_mmcif_row(tmp_path):
    text = (SHARED / "4cli.cif").read_text()
    path = tmp_path / "cut.cif"
    path.write_text(text[: len(text) // 2].rsplit(" ", 3)[0])
    with pytest.raises(StructureFileError, match="truncated or malformed"):
        read_structure(path)
