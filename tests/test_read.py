"""The reader against Biopython's parsers and the files' own records, and its errors."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest
from Bio.PDB import MMCIFParser, PDBParser

from structkit.errors import StructureFileError
from structkit.io.read import read_structure
from tests.util import SHARED, SHARED_ROOT, shared_file

pytestmark = [pytest.mark.shared_data]


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
        (gzip.compress(b"ATOM", mtime=0)[:10], "gzip"),
    ],
    ids=["empty", "blank", "png", "text", "gzip-cut"],  # fixed ids: pytest-xdist workers must agree
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


# --- files cut at a line boundary (issue: a cut file must not pass as an apo structure) ---

def _lines(name):
    return (SHARED / name).read_text().splitlines()


def _write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_pdb_cut_in_the_protein_is_an_error(tmp_path):
    # the new user's case: `head -n 1500 2xp2.pdb`; the HET record declares VGH A9000, which is gone
    path = _write(tmp_path, "half.pdb", _lines("2xp2.pdb")[:1500])
    with pytest.raises(StructureFileError, match=r"no END record and no coordinates for the VGH A9000 .*"
                                                 r"HET record \(line 400\).*cut"):
        read_structure(path)


def test_pdb_cut_without_het_records_is_caught_by_its_seqres(tmp_path):
    lines = [line for line in _lines("2xp2.pdb")[:1500] if not line.startswith("HET ")]
    path = _write(tmp_path, "half.pdb", lines)
    with pytest.raises(StructureFileError, match=r"chain A.s SEQRES sequence runs \d+ residues past"):
        read_structure(path)


def test_pdb_cut_before_its_ligand_records(tmp_path):
    lines = _lines("2xp2.pdb")
    first_het = next(k for k, line in enumerate(lines) if line.startswith("HETATM"))
    path = _write(tmp_path, "protein_only.pdb", lines[:first_het])
    with pytest.raises(StructureFileError, match="no coordinates for the VGH A9000"):
        read_structure(path)


def test_pdb_with_end_and_removed_ligand_is_not_cut(tmp_path):
    # a user who deletes the HETATM records on purpose keeps END; the stale HET record is no evidence
    lines = [line for line in _lines("2xp2.pdb") if not line.startswith("HETATM")]
    assert read_structure(_write(tmp_path, "apo.pdb", lines)).unterminated is None


def test_master_record_counts_are_checked(tmp_path):
    lines = _lines("2xp2.pdb")
    n_coord = sum(line.startswith(("ATOM  ", "HETATM")) for line in lines)
    n_ter = sum(line.startswith("TER") for line in lines)
    assert (n_coord, n_ter) == (2459, 0)  # counted by hand from the file: TER records were dropped

    def master(coords):
        return f"MASTER    {0:5d}{0:5d}{0:5d}{0:5d}{0:5d}{0:5d}{0:5d}{0:5d}{coords:5d}{n_ter:5d}{0:5d}{0:5d}"

    end = lines.index(next(line for line in lines if line.rstrip() == "END"))
    good = _write(tmp_path, "good.pdb", [*lines[:end], master(n_coord), *lines[end:]])
    assert len(read_structure(good).atoms) == 2459
    edited = [line for line in lines if not line.startswith("HETATM")]  # 30 VGH atoms, 167 waters
    bad = _write(tmp_path, "bad.pdb", [*edited[:-1], master(n_coord), *edited[-1:]])
    with pytest.raises(StructureFileError, match=r"MASTER record \(line \d+\) counts 2459 coordinate "
                                                 r"\(ATOM/HETATM\) records but the file has 2262"):
        read_structure(bad)


def _rcsb_style_cif(tmp_path, cut_atoms: int | None, close_entity_loop: bool):
    """9GBE's atoms in an mmCIF laid out as the wwPDB writes them: loops closed by '#', an entity
    sequence before the atoms (the PyMOL-exported mirror file has neither)."""
    lines = _lines("9gbe.cif")
    start = lines.index("loop_")
    rows = [k for k, line in enumerate(lines) if line.startswith(("ATOM", "HETATM"))]
    last_seq = max(int(lines[k].split()[8]) for k in rows if lines[k].startswith("ATOM"))
    entity = ["loop_", "_entity_poly_seq.entity_id", "_entity_poly_seq.num", "_entity_poly_seq.mon_id"]
    entity += [f"1 {n} ALA" for n in range(1, last_seq + 5)]  # names are not used, only the numbers
    entity += ["#"] if close_entity_loop else []
    atom_lines = lines[start:rows[0]] + [lines[k] for k in rows]
    if cut_atoms is not None:
        atom_lines = atom_lines[:cut_atoms]
    else:
        atom_lines += ["#"]
    return _write(tmp_path, "rcsb.cif", lines[:start] + entity + atom_lines)


def test_mmcif_with_closed_loops_is_whole(tmp_path):
    parsed = read_structure(_rcsb_style_cif(tmp_path, None, close_entity_loop=True))
    assert parsed.unterminated is None
    assert len(parsed.atoms) == len(read_structure(SHARED / "9gbe.cif").atoms)


def test_mmcif_atom_loop_not_closed_is_cut(tmp_path):
    path = _rcsb_style_cif(tmp_path, 1200, close_entity_loop=True)
    with pytest.raises(StructureFileError, match=r"_atom_site loop is not closed by '#'.*cut"):
        read_structure(path)


def test_mmcif_atom_loop_stopping_short_of_its_entity_sequence_is_cut(tmp_path):
    path = _rcsb_style_cif(tmp_path, 1200, close_entity_loop=False)
    with pytest.raises(StructureFileError, match=r"stops \d+ residues before the end of its entity"):
        read_structure(path)


def test_pymol_mmcif_cut_warns_when_it_comes_out_apo(tmp_path):
    import structkit
    from structkit.errors import StructureWarning

    lines = _lines("2xb7.cif")
    path = _write(tmp_path, "half.cif", lines[: len(lines) // 2])
    with pytest.warns(StructureWarning, match="no inhibitor found, but its _atom_site loop runs to the end"):
        complex_ = structkit.load(path)
    assert complex_.ligand is None
    assert complex_.summary()["warnings"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the whole file has its inhibitor: no warning
        assert structkit.load(SHARED / "2xb7.cif").ligand == "GUI"


# --- damaged records ---

@pytest.mark.parametrize("value", ["     nan", "     inf", "  -1e999", "    NaN ", "9.99e+99"])
def test_non_finite_pdb_coordinate_names_its_line(tmp_path, value):
    lines = _lines("2xp2.pdb")
    k = next(i for i, line in enumerate(lines) if line.startswith("HETATM"))
    lines[k] = lines[k][:38] + value + lines[k][46:]
    with pytest.raises(StructureFileError, match=rf"line {k + 1} has a coordinate that is not a finite"):
        read_structure(_write(tmp_path, "bad.pdb", lines))


def test_non_finite_mmcif_coordinate_names_its_record(tmp_path):
    lines = _lines("4cli.cif")
    k = next(i for i, line in enumerate(lines) if line.startswith("ATOM"))
    fields = lines[k].split()
    fields[11] = "nan"
    lines[k] = " ".join(fields)
    with pytest.raises(StructureFileError, match=rf"_atom_site id {fields[1]} has a coordinate"):
        read_structure(_write(tmp_path, "bad.cif", lines))


def test_repeated_ligand_record_is_rejected(tmp_path):
    lines = _lines("2xp2.pdb")
    k = next(i for i, line in enumerate(lines) if line.startswith("HETATM")) + 3
    lines.insert(k + 1, lines[k])
    with pytest.raises(StructureFileError, match=rf"line {k + 2} repeats the atom record line {k + 1} "
                                                 r"\(VGH A9000 atom \w+\)"):
        read_structure(_write(tmp_path, "dup.pdb", lines))


def test_same_named_hydrogens_at_different_places_are_kept():
    # the prepared dasatinib complex names two ligand hydrogens H1 (lines 4434-4435): two atoms
    parsed = read_structure(SHARED.parent / "benchmarks" / "abl_hauser2018" / "dasatinib_2gqg_complex.pdb")
    ligand = parsed.atoms.resname == "LIG"
    assert (parsed.atoms.name[ligand] == "H1").sum() == 2


@pytest.mark.shared_data
def test_conect_records_and_charges_match_rdkit():
    """The CONECT pairs, bond orders (repeated entries) and formal charges of the ligand in
    KLIFS's CHK1 file, against RDKit's own PDB reader of the same file."""
    from rdkit import Chem

    import structkit

    path = SHARED_ROOT / "klifs" / "HUMAN" / "CHK1" / "3nlb_chainA" / "complex.pdb"
    parsed = read_structure(path)
    conect_lines = [line for line in path.read_text().splitlines() if line.startswith("CONECT")]
    listed = sum(len(line[11:31].split()) for line in conect_lines)
    assert parsed.conect.shape == (listed, 2)
    assert parsed.formal_charge == {2275: 1}  # N14 of Q5B, "N1+"

    mol = Chem.MolFromPDBFile(str(path), removeHs=False, sanitize=False, proximityBonding=False)
    serial = [a.GetPDBResidueInfo().GetSerialNumber() for a in mol.GetAtoms()]
    ligand = {k for k, a in enumerate(mol.GetAtoms()) if a.GetPDBResidueInfo().GetResidueName() == "Q5B"}
    theirs = {
        (min(serial[b.GetBeginAtomIdx()], serial[b.GetEndAtomIdx()]),
         max(serial[b.GetBeginAtomIdx()], serial[b.GetEndAtomIdx()]), int(b.GetBondTypeAsDouble()))
        for b in mol.GetBonds() if {b.GetBeginAtomIdx(), b.GetEndAtomIdx()} <= ligand
    }
    records = structkit.load(path).ligand_records
    assert records is not None and set(records.bonds) == theirs
    assert len(theirs) == 31 and sum(order == 2 for *_, order in theirs) == 7  # Kekulé: 2+4+C=O
    assert {serial[k]: mol.GetAtomWithIdx(k).GetFormalCharge() for k in ligand
            if mol.GetAtomWithIdx(k).GetFormalCharge()} == {2275: 1}


@pytest.mark.shared_data
def test_files_without_conect_records_have_none():
    import structkit

    path = shared_file("2XP2")  # a PDB file with no CONECT records: the CCD alone types its ligand
    assert read_structure(path).conect.shape == (0, 2)
    assert structkit.load(path).ligand_records is None
