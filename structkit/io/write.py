"""Write a Complex as a PDB file: the protein chain (UniProt numbering) and its inhibitor.

Atoms are written with fixed-column ATOM/HETATM records (PDB format 3.3), serials from 1, a TER
after the chain and END. Residues without a UniProt number keep their author number. The file is
written atomically (temporary file, then rename).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from structkit.model.atoms import residue_starts
from structkit.model.complex import Complex

__all__ = ["atom_record", "pdb_text", "write_pdb", "write_text_atomic"]


def _atom_name(name: str, element: str) -> str:
    if len(name) >= 4 or len(element) == 2:
        return f"{name:<4}"
    return f" {name:<3}"


def atom_record(kind: str, serial: int, name: str, resname: str, chain: str, resnum: int, icode: str,
                xyz: np.ndarray, occupancy: float, b: float, element: str) -> str:
    """One fixed-column ATOM or HETATM record (PDB format 3.3)."""
    return (f"{kind:<6}{serial:>5} {_atom_name(name, element)} {resname:>3} {chain[:1] or 'A'}"
            f"{resnum:>4}{icode[:1] or ' '}   {xyz[0]:8.3f}{xyz[1]:8.3f}{xyz[2]:8.3f}"
            f"{occupancy:6.2f}{b:6.2f}          {element.upper():>2}  ")


def pdb_text(complex_: Complex, remarks: list[str] | None = None) -> str:
    """The PDB text of a complex (protein chain, then inhibitor)."""
    lines = [f"REMARK 250 {r}"[:80] for r in (remarks or [])]
    p = complex_.protein
    starts = residue_starts(p)
    stops = np.append(starts[1:], len(p))
    uniprot = complex_.residues.uniprot
    used = set(int(u) for u in uniprot if u >= 0)
    serial = 0
    chain = complex_.chain or "A"
    last = None
    for row, (a, b) in enumerate(zip(starts, stops)):
        number = int(uniprot[row]) if uniprot[row] >= 0 else int(p.resnum[a])
        icode = "" if uniprot[row] >= 0 else (p.icode[a] or ("T" if number in used else ""))
        for k in range(a, b):
            serial += 1
            lines.append(atom_record("ATOM", serial, str(p.name[k]), str(p.resname[k]), chain, number, icode,
                                 p.coords[k], float(p.occupancy[k]), float(p.b_factor[k]),
                                 str(p.element[k])))
        last = (number, icode, str(p.resname[b - 1]))
    if last is not None:
        serial += 1
        lines.append(f"TER   {serial:>5}      {last[2]:>3} {chain[:1]}{last[0]:>4}{last[1] or ' '}")
    lig = complex_.inhibitor
    for k in range(len(lig)):
        serial += 1
        lines.append(atom_record("HETATM", serial, str(lig.name[k]), str(lig.resname[k]), chain,
                             int(lig.resnum[k]), str(lig.icode[k]), lig.coords[k],
                             float(lig.occupancy[k]), float(lig.b_factor[k]), str(lig.element[k])))
    lines.append("END")
    return "\n".join(lines) + "\n"


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Readers (and other workers writing the same file) see either the old file or the whole new one,
    never half of it. The folder is created if needed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_pdb(complex_: Complex, path: str | os.PathLike, remarks: list[str] | None = None) -> Path:
    """Write ``complex_`` to ``path`` atomically; returns the path."""
    return write_text_atomic(path, pdb_text(complex_, remarks))
