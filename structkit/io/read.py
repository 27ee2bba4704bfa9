"""Read PDB and mmCIF files (plain or gzip) into :class:`~structkit.model.atoms.Atoms`.

This is the only place where structure files are parsed. The format is sniffed from the content,
not the file name. Only the first model is read. Nothing is filtered here: altlocs, hydrogens,
waters and every HETATM group come out as they are in the file; the policies that pick one
conformer, one chain and one inhibitor live in :mod:`structkit.model.complex`.

For mmCIF the author fields (``auth_seq_id``, ``auth_asym_id``, ``auth_comp_id``,
``auth_atom_id``) are used where present, the label fields otherwise, so that residue numbers are
the depositors' (for ALK, UniProt) numbers in both formats.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

from structkit.errors import StructureFileError
from structkit.model.atoms import Atoms
from structkit.model.structure_file import StructureFile

__all__ = ["StructureFile", "parse_structure_text", "read_structure"]

_GZIP_MAGIC = b"\x1f\x8b"


def read_structure(path: str | Path) -> StructureFile:
    """Read a PDB or mmCIF file, plain or gzip-compressed.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    StructureFile

    Raises
    ------
    StructureFileError
        If the file is missing, empty, not readable as text, truncated or holds no atoms.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StructureFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StructureFileError(f"{path}: is a directory, not a structure file") from None
    except OSError as exc:
        raise StructureFileError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_structure_bytes(raw, path)


def parse_structure_bytes(raw: bytes, path: Path | None = None) -> StructureFile:
    """Parse the bytes of a structure file (gzip is detected from the magic number)."""
    label = str(path) if path is not None else "<data>"
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise StructureFileError(f"{label}: corrupt or truncated gzip data ({exc})") from None
    if not raw.strip():
        raise StructureFileError(f"{label}: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise StructureFileError(f"{label}: not a text file") from None
    if "\x00" in text:
        raise StructureFileError(f"{label}: binary data, not a PDB or mmCIF file")
    return parse_structure_text(text, path)


def parse_structure_text(text: str, path: Path | None = None) -> StructureFile:
    """Parse the text of a PDB or mmCIF file; the format is sniffed from the content.

    Besides unreadable records, three kinds of damage are errors, each reported with the record
    that shows it: a coordinate that is not finite or beyond ±100,000 Å; an atom record repeated
    (same chain, residue, insertion code, atom name and altloc in one model); and a file cut short.
    A PDB file is taken as cut when its ``MASTER`` record counts other numbers of coordinate or
    ``TER`` records than the file holds, or when it has no ``END`` record and either declares
    ``HET`` groups that have no coordinates or has a ``SEQRES`` sequence that runs more than
    20 residues past its last atom. An mmCIF file is taken as cut when its ``_atom_site`` loop
    runs to the end of the file although its other loops are closed by ``#``, or when the loop
    holds no atom of an ``_entity_poly_seq`` residue more than 20 past the last one. Weaker
    evidence (no ``END``, or a loop ending the file, on a protein atom) is kept in
    ``unterminated`` and reported when the file turns out to have no inhibitor.
    """
    label = str(path) if path is not None else "<data>"
    if _looks_like_cif(text):
        result = _parse_mmcif(text, label)
    else:
        result = _parse_pdb(text, label)
    result.path = path
    if len(result.atoms) == 0:
        raise StructureFileError(f"{label}: no atom records found; not a structure file")
    return result


_MAX_COORDINATE = 1e5
_SEQUENCE_TAIL = 20


def _check_coordinates(coords: np.ndarray, record: Callable[[int], str], label: str) -> None:
    """Reject non-finite or absurd coordinates, naming the first record that has one."""
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(coords) <= _MAX_COORDINATE).all(axis=1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        x, y, z = coords[k]
        raise StructureFileError(
            f"{label}: {record(k)} has a coordinate that is not a finite number within "
            f"±{_MAX_COORDINATE:,.0f} Å ({x:g}, {y:g}, {z:g})"
        )


def _check_duplicates(atoms: Atoms, record: Callable[[int], str], label: str) -> None:
    """Reject an atom record written twice in a model: same atom identity at the same place.

    Identity is chain, residue number, insertion code, residue name, atom name and altloc; the
    place is the coordinates to 0.001 Å. Two atoms that only share a name (hydrogens of prepared
    files often do) are different atoms and pass.
    """
    if len(atoms) < 2:
        return
    place = np.round(atoms.coords * 1000).astype(np.int64)
    # only atoms sharing a place can repeat a record: find those first (one sort), then compare
    # their identities; a real file has none or a few (altlocs at one place), so this stays cheap
    order = np.lexsort(place.T[::-1])
    same_place = (place[order][1:] == place[order][:-1]).all(axis=1)
    if not same_place.any():
        return
    candidates = np.unique(np.concatenate([order[1:][same_place], order[:-1][same_place]]))
    sub = atoms[candidates]
    table = pd.DataFrame({"chain": sub.chain, "resnum": sub.resnum, "icode": sub.icode,
                          "resname": sub.resname, "name": sub.name, "altloc": sub.altloc,
                          "x": place[candidates, 0], "y": place[candidates, 1], "z": place[candidates, 2]})
    repeated = table.duplicated(keep="first").to_numpy()
    if repeated.any():
        k = int(np.flatnonzero(repeated)[0])
        same = (table == table.iloc[k]).all(axis=1).to_numpy()
        first, second = int(candidates[np.flatnonzero(same)[0]]), int(candidates[k])
        altloc = f" altloc {atoms.altloc[second]}" if atoms.altloc[second] else ""
        where = (f"{atoms.resname[second]} {atoms.chain[second]}{atoms.resnum[second]}{atoms.icode[second]} "
                 f"atom {atoms.name[second]}{altloc}")
        raise StructureFileError(
            f"{label}: {record(second)} repeats the atom record {record(first)} ({where})"
        )


def _looks_like_cif(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.startswith("data_")
    return False


# --------------------------------------------------------------------------------------------
# PDB
# --------------------------------------------------------------------------------------------

_TWO_LETTER_ELEMENTS = {
    "CL", "BR", "FE", "ZN", "MG", "MN", "NA", "CA", "CU", "CO", "NI", "CD", "HG", "SE", "LI", "AL",
    "SI", "AS", "AU", "AG", "PT", "BA", "SR", "CS", "RB", "YB", "GD", "TB", "SM", "EU", "KR", "XE",
}


def _element_from_name(name: str, resname: str, hetero: bool) -> str:
    """Guess an element from a PDB atom name when columns 77-78 are blank."""
    letters = "".join(ch for ch in name if ch.isalpha()).upper()
    if not letters:
        return ""
    if hetero and letters[:2] in _TWO_LETTER_ELEMENTS and (len(letters) == 2 or resname == letters):
        return letters[:2]
    return letters[0]


def _parse_pdb(text: str, label: str) -> StructureFile:
    lines = text.splitlines()
    atom_lines: list[str] = []
    line_numbers: list[int] = []
    seqres: dict[str, list[str]] = {}
    het_names: dict[str, str] = {}
    engineered: list[tuple[str, int, str, str]] = []
    protein_names: dict[str, str] = {}
    title_parts: list[str] = []
    id_code = None
    resolution = None
    model_seen = 0
    n_coordinate_records = n_ter = 0
    end_record = False
    master: tuple[int, str] | None = None
    het_declared: list[tuple[int, str, str, str]] = []
    conect_lines: list[str] = []
    for number, line in enumerate(lines, start=1):
        record = line[:6]
        if record in ("ATOM  ", "HETATM"):
            n_coordinate_records += 1
            if model_seen <= 1:
                atom_lines.append(line)
                line_numbers.append(number)
        elif record.rstrip() == "TER":
            n_ter += 1
        elif record == "CONECT":
            conect_lines.append(line)
        elif record.rstrip() == "END":
            end_record = True
        elif record == "MASTER":
            master = (number, line)
        elif record == "HET   ":
            het_declared.append((number, line[7:10].strip(), line[12:13].strip(), line[13:18].strip()))
        elif record == "MODEL ":
            model_seen += 1
        elif record == "ENDMDL" and model_seen >= 1:
            model_seen = 2  # ignore further models
        elif record == "HEADER":
            code = line[62:66].strip()
            if re.fullmatch(r"[0-9][A-Za-z0-9]{3}", code):
                id_code = code.upper()
        elif record == "TITLE ":
            title_parts.append(line[10:80].strip())
        elif record == "REMARK" and line[6:10].strip() == "2":
            m = re.search(r"RESOLUTION\.\s+([0-9.]+)\s+ANGSTROM", line)
            if m:
                resolution = float(m.group(1))
        elif record == "SEQRES":
            seqres.setdefault(line[11].strip(), []).extend(line[19:80].split())
        elif record == "HETNAM":
            code = line[11:14].strip()
            het_names[code] = (het_names.get(code, "") + line[15:70].strip()).strip()
        elif record == "DBREF " and line[26:32].strip() in ("UNP", "SWS"):
            entry, accession = line[42:54].strip(), line[33:41].strip()
            if entry and entry.split("_")[0] != accession:  # TrEMBL names are accessions, not names
                protein_names[line[12].strip()] = entry.split("_")[0]
        elif record == "COMPND":
            m = re.match(r"COMPND\s+Protein:\s*([A-Za-z0-9_.-]+)", line)
            if m:
                protein_names.setdefault("", m.group(1))
        elif record == "SEQADV" and "ENGINEERED MUTATION" in line:
            try:
                engineered.append(
                    (line[16].strip(), int(line[18:22]), line[39:42].strip(), line[12:15].strip())
                )
            except ValueError:
                pass
    atoms = _pdb_atoms(atom_lines, line_numbers, label)
    _check_duplicates(atoms, lambda k: f"line {line_numbers[k]}", label)
    if master is not None:
        _check_master(master, n_coordinate_records, n_ter, label)
    unterminated = None
    if not end_record and len(atoms):
        _check_pdb_cut(atoms, het_declared, seqres, label)
        if not atoms.hetero[-1]:
            unterminated = "the file has no END record and ends on a protein atom"
    return StructureFile(
        atoms=atoms, path=None, format="pdb", id_code=id_code,
        title=" ".join(title_parts).strip(), resolution=resolution, seqres=seqres,
        het_names=het_names, engineered=engineered, protein_names=protein_names,
        unterminated=unterminated, conect=_conect_pairs(conect_lines),
        formal_charge=_formal_charges(atom_lines, atoms),
    )


def _conect_pairs(lines: list[str]) -> np.ndarray:
    """(serial, bonded serial) per entry of the CONECT records (columns 7-11, then 12-31 in fives).

    A record with an unreadable serial is skipped whole, an unreadable or blank bonded field on
    its own: the records are only ever a fallback for a ligand's chemistry.
    """
    pairs: list[tuple[int, int]] = []
    for line in lines:
        try:
            serial = int(line[6:11])
        except ValueError:
            continue
        for start in (11, 16, 21, 26):
            field = line[start:start + 5].strip()
            if field.isdigit():
                pairs.append((serial, int(field)))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _formal_charges(lines: list[str], atoms: Atoms) -> dict[int, int]:
    """Non-zero formal charges of HETATM records (columns 79-80: digit then sign, ``1+``, ``2-``)."""
    out: dict[int, int] = {}
    for line, serial, hetero in zip(lines, atoms.serial.tolist(), atoms.hetero.tolist()):
        field = line[78:80].strip()
        if hetero and len(field) == 2 and field[0].isdigit() and field[1] in "+-":
            out[int(serial)] = int(field[0]) * (1 if field[1] == "+" else -1)
    return out


def _check_master(master: tuple[int, str], n_coordinate_records: int, n_ter: int, label: str) -> None:
    """Compare the ``MASTER`` record's counts of coordinate and TER records with the file's."""
    number, line = master
    declared = {"coordinate (ATOM/HETATM)": (_int_or(line[50:55], -1), n_coordinate_records),
                "TER": (_int_or(line[55:60], -1), n_ter)}
    for what, (expected, found) in declared.items():
        if expected >= 0 and expected != found:
            raise StructureFileError(
                f"{label}: the MASTER record (line {number}) counts {expected} {what} records but the "
                f"file has {found}: it was cut or edited"
            )


def _check_pdb_cut(atoms: Atoms, het_declared: list[tuple[int, str, str, str]],
                   seqres: dict[str, list[str]], label: str) -> None:
    """Strong evidence that a PDB file without ``END`` was cut: declared groups or residues missing."""
    present = set(zip(atoms.resname.tolist(), atoms.chain.tolist(),
                      (np.char.add(atoms.resnum.astype(str), atoms.icode.astype(str))).tolist()))
    for number, resname, chain, residue in het_declared:
        if resname and (resname, chain, residue) not in present:
            raise StructureFileError(
                f"{label}: the file has no END record and no coordinates for the {resname} {chain}{residue} "
                f"its HET record (line {number}) declares: the file is cut"
            )
    for chain, sequence in seqres.items():
        tail = _sequence_after_last_atom(atoms, chain, sequence)
        if tail is not None and tail > _SEQUENCE_TAIL:
            raise StructureFileError(
                f"{label}: the file has no END record and chain {chain or '(blank)'}'s SEQRES sequence "
                f"runs {tail} residues past its last atom: the file is cut"
            )


def _sequence_after_last_atom(atoms: Atoms, chain: str, sequence: list[str]) -> int | None:
    """Residues of a deposited sequence after the chain's last residue with atoms, or None.

    The chain's last five residues with coordinates are located in the sequence by their names;
    None where they cannot be placed once and only once.
    """
    mask = (atoms.chain == chain) & ~atoms.hetero
    if not mask.any() or len(sequence) < 5:
        return None
    names = atoms.resname[mask]
    numbers = np.char.add(atoms.resnum[mask].astype(str), atoms.icode[mask].astype(str))
    change = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]])
    last = names[change][-5:].tolist()
    if len(last) < 5:
        return None
    hits = [k for k in range(len(sequence) - 4) if sequence[k:k + 5] == last]
    if len(hits) != 1:
        return None
    return len(sequence) - (hits[0] + 5)


def _pdb_atoms(lines: list[str], numbers: list[int], label: str) -> Atoms:
    if not lines:
        return Atoms.empty()
    for line, number in zip(lines, numbers):
        if len(line.rstrip()) < 54:
            raise StructureFileError(
                f"{label}: line {number} is truncated (an atom record needs coordinates)"
            )
    try:
        coords = np.array(
            [(line[30:38], line[38:46], line[46:54]) for line in lines], dtype=np.float64
        )
    except ValueError:
        bad = _first_bad_line(lines, numbers, lambda s: (float(s[30:38]), float(s[38:46]),
                                                          float(s[46:54])))
        raise StructureFileError(f"{label}: line {bad} has unreadable coordinates") from None
    _check_coordinates(coords, lambda k: f"line {numbers[k]}", label)
    occupancy = _float_column(lines, 54, 60, 1.0)
    b_factor = _float_column(lines, 60, 66, 0.0)
    name = np.array([line[12:16].strip() for line in lines])
    resname = np.array([line[17:21].strip() for line in lines])
    chain = np.array([line[21:22].strip() for line in lines])
    hetero = np.array([line.startswith("HETATM") for line in lines])
    try:
        resnum = np.array([int(line[22:26]) for line in lines], dtype=np.int64)
    except ValueError:
        bad = _first_bad_line(lines, numbers, lambda s: int(s[22:26]))
        raise StructureFileError(f"{label}: line {bad} has an unreadable residue number") from None
    element = np.array([line[76:78].strip().upper() for line in lines])
    missing = element == ""
    if missing.any():
        element[missing] = [
            _element_from_name(n, r, h)
            for n, r, h in zip(name[missing], resname[missing], hetero[missing])
        ]
    serial = np.array([_int_or(line[6:11], i + 1) for i, line in enumerate(lines)], dtype=np.int64)
    return Atoms(
        coords=coords, element=element, name=name,
        altloc=np.array([line[16:17].strip() for line in lines]),
        resname=resname, chain=chain, resnum=resnum,
        icode=np.array([line[26:27].strip() for line in lines]),
        b_factor=b_factor, occupancy=occupancy, hetero=hetero, entity=chain.copy(),
        serial=serial,
    )


def _float_column(lines: list[str], start: int, stop: int, default: float) -> np.ndarray:
    values = [line[start:stop].strip() for line in lines]
    try:
        return np.array([float(v) if v else default for v in values], dtype=np.float64)
    except ValueError:
        return np.array([_float_or(v, default) for v in values], dtype=np.float64)


def _float_or(text: str, default: float) -> float:
    try:
        return float(text)
    except ValueError:
        return default


def _int_or(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _first_bad_line(lines: list[str], numbers: list[int], parse) -> int:
    for line, number in zip(lines, numbers):
        try:
            parse(line)
        except ValueError:
            return number
    return numbers[-1]  # pragma: no cover


# --------------------------------------------------------------------------------------------
# mmCIF
# --------------------------------------------------------------------------------------------

_CIF_TOKEN = re.compile(r"""'(?:[^']|'(?=\S))*'(?=\s|$)|"(?:[^"]|"(?=\S))*"(?=\s|$)|\S+""")


def _cif_tokens(text: str) -> list[str]:
    """Split a run of mmCIF loop rows into values, honouring quotes."""
    if "'" not in text and '"' not in text:
        return text.split()
    out = []
    for tok in _CIF_TOKEN.findall(text):
        if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in "'\"":
            tok = tok[1:-1]
        out.append(tok)
    return out


def _cif_value(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _parse_mmcif(text: str, label: str) -> StructureFile:
    lines = text.splitlines()
    singles: dict[str, str] = {}
    atom_columns: list[str] = []
    atom_body: list[str] = []
    atom_loop_at_end = False
    hash_closed_loops = 0
    poly_seq: tuple[list[str], list[str]] | None = None
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line.startswith(";"):  # multi-line text field: skip to its closing semicolon
            i += 1
            while i < n and not lines[i].startswith(";"):
                i += 1
            i += 1
            continue
        stripped = line.strip()
        if stripped == "loop_":
            j = i + 1
            columns = []
            while j < n and lines[j].lstrip().startswith("_"):
                columns.append(lines[j].split()[0])
                j += 1
            k = j
            while k < n:
                s = lines[k].lstrip()
                if s.startswith(("_", "loop_", "data_", "#")) or s == "":
                    break
                if lines[k].startswith(";"):
                    k += 1
                    while k < n and not lines[k].startswith(";"):
                        k += 1
                k += 1
            is_atom_site = bool(columns) and columns[0].startswith("_atom_site.") and not atom_columns
            if is_atom_site:
                atom_columns = [c[len("_atom_site."):] for c in columns]
                atom_body = lines[j:k]
                atom_loop_at_end = k >= n
            elif k < n and lines[k].lstrip().startswith("#"):
                hash_closed_loops += 1
            if columns and columns[0].startswith("_entity_poly_seq."):
                poly_seq = ([c[len("_entity_poly_seq."):] for c in columns], lines[j:k])
            i = k
            continue
        if stripped.startswith("_"):
            parts = stripped.split(None, 1)
            if len(parts) == 2:
                singles[parts[0]] = _cif_value(parts[1])
            elif i + 1 < n and not lines[i + 1].startswith(";"):
                singles[parts[0]] = _cif_value(lines[i + 1])
        i += 1
    atoms, seq_ids, entity_ids = _cif_atoms(atom_columns, atom_body, label)
    unterminated = None
    if atom_loop_at_end and len(atoms):
        if hash_closed_loops:
            raise StructureFileError(
                f"{label}: the _atom_site loop is not closed by '#' as the file's other loops are; "
                "it runs to the end of the file: the file is cut"
            )
        tail = _entity_tail(seq_ids, entity_ids, poly_seq)
        if tail is not None and tail > _SEQUENCE_TAIL:
            raise StructureFileError(
                f"{label}: the _atom_site loop runs to the end of the file and stops {tail} residues "
                "before the end of its entity's _entity_poly_seq sequence: the file is cut"
            )
        if not atoms.hetero[-1]:
            unterminated = "its _atom_site loop runs to the end of the file and ends on a protein atom"
    id_code = None
    entry = singles.get("_entry.id", "")
    m = re.match(r"([0-9][A-Za-z0-9]{3})(?:$|_)", entry)
    if m:
        id_code = m.group(1).upper()
    resolution = None
    for key in ("_refine.ls_d_res_high", "_reflns.d_resolution_high", "_em_3d_reconstruction.resolution"):
        value = singles.get(key)
        if value not in (None, "?", "."):
            try:
                resolution = float(value)
                break
            except ValueError:
                pass
    return StructureFile(
        atoms=atoms, path=None, format="mmcif", id_code=id_code,
        title=singles.get("_struct.title", "").strip(), resolution=resolution,
        unterminated=unterminated,
    )


def _entity_tail(seq_ids: np.ndarray, entity_ids: np.ndarray,
                 poly_seq: tuple[list[str], list[str]] | None) -> int | None:
    """Largest number of ``_entity_poly_seq`` residues after an entity's last atom, or None."""
    if poly_seq is None or "entity_id" not in poly_seq[0] or "num" not in poly_seq[0]:
        return None
    columns, body = poly_seq
    tokens = _cif_tokens("\n".join(body))
    if not tokens or len(tokens) % len(columns):
        return None
    table = np.array(tokens, dtype=object).reshape(-1, len(columns))
    entity_col, num_col = columns.index("entity_id"), columns.index("num")
    length: dict[str, int] = {}
    for entity, num in zip(table[:, entity_col], table[:, num_col]):
        length[str(entity)] = max(length.get(str(entity), 0), _int_or(str(num), 0))
    numbers = np.array([_int_or(str(v), 0) for v in seq_ids], dtype=np.int64)
    entities = np.asarray(entity_ids).astype(str)
    tails = []
    for entity, n_residues in length.items():
        observed = numbers[(entities == entity) & (numbers > 0)]
        if observed.size:
            tails.append(n_residues - int(observed.max()))
    return max(tails) if tails else None


def _cif_atoms(columns: list[str], body: list[str],
               label: str) -> tuple[Atoms, np.ndarray, np.ndarray]:
    """The atoms of an ``_atom_site`` loop, and its raw ``label_seq_id`` and ``label_entity_id``."""
    empty = (Atoms.empty(), np.zeros(0, dtype=object), np.zeros(0, dtype=object))
    if not columns:
        return empty
    tokens = _cif_tokens("\n".join(body))
    ncol = len(columns)
    if len(tokens) % ncol:
        raise StructureFileError(
            f"{label}: the _atom_site table is truncated or malformed "
            f"({len(tokens)} values for {ncol} columns)"
        )
    table = np.array(tokens, dtype=object).reshape(-1, ncol) if tokens else np.zeros((0, ncol))
    if len(table) == 0:
        return empty
    index = {c: k for k, c in enumerate(columns)}

    @overload
    def col(*names: str, required: Literal[True]) -> np.ndarray: ...
    @overload
    def col(*names: str, required: bool = False) -> np.ndarray | None: ...
    def col(*names: str, required: bool = False) -> np.ndarray | None:
        for name in names:
            if name in index:
                return table[:, index[name]]
        if required:
            raise StructureFileError(f"{label}: the _atom_site table has no {names[0]} column")
        return None

    def text(values: np.ndarray | None, default: str = "") -> np.ndarray:
        if values is None:
            return np.full(len(table), default)
        out = values.astype(str)
        out[(out == "?") | (out == ".")] = default
        return out

    models = col("pdbx_PDB_model_num")
    if models is not None:
        first = models[0]
        keep = models == first
        if not keep.all():
            table = table[keep]
    try:
        coords = np.column_stack(
            [col(a, required=True).astype(np.float64) for a in ("Cartn_x", "Cartn_y", "Cartn_z")]
        )
    except ValueError:
        raise StructureFileError(f"{label}: the _atom_site table has unreadable coordinates") from None
    seq = text(col("auth_seq_id", "label_seq_id"), "")
    try:
        resnum = np.array([int(v) if v else -9999 for v in seq], dtype=np.int64)
    except ValueError:
        raise StructureFileError(f"{label}: the _atom_site table has unreadable residue numbers") from None

    def floats(values: np.ndarray | None, default: float) -> np.ndarray:
        if values is None:
            return np.full(len(table), default)
        return np.array([_float_or(v, default) for v in values], dtype=np.float64)

    group = text(col("group_PDB"), "ATOM")
    element = np.char.upper(text(col("type_symbol"), ""))
    name = text(col("auth_atom_id", "label_atom_id", required=True))
    resname = text(col("auth_comp_id", "label_comp_id", required=True))
    hetero = group == "HETATM"
    missing = element == ""
    if missing.any():
        element[missing] = [
            _element_from_name(a, r, h) for a, r, h in zip(name[missing], resname[missing], hetero[missing])
        ]
    chain = text(col("auth_asym_id", "label_asym_id"), "")
    entity = text(col("label_asym_id", "auth_asym_id"), "")
    serial_raw = text(col("id"), "")
    serial = np.array([_int_or(v, k + 1) for k, v in enumerate(serial_raw)], dtype=np.int64)
    def record(k: int) -> str:
        return f"_atom_site id {serial_raw[k] or k + 1}"

    _check_coordinates(coords, record, label)
    atoms = Atoms(
        coords=coords, element=element, name=name, altloc=text(col("label_alt_id"), ""),
        resname=resname, chain=chain, resnum=resnum, icode=text(col("pdbx_PDB_ins_code"), ""),
        b_factor=floats(col("B_iso_or_equiv"), 0.0), occupancy=floats(col("occupancy"), 1.0),
        hetero=hetero, entity=entity, serial=serial,
    )
    _check_duplicates(atoms, record, label)
    # raw columns (object arrays, no copy): read only when the file may be cut (_entity_tail)
    seq_ids, entity_ids = col("label_seq_id"), col("label_entity_id")
    blank = np.full(len(table), "", dtype=object)
    return atoms, blank if seq_ids is None else seq_ids, blank if entity_ids is None else entity_ids
