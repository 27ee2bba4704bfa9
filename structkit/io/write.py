"""Every file structkit writes goes through here: atomically, with the umask's permissions.

:func:`write_atomic` is the one writer (temporary file in the same folder, then a rename); text,
bytes, tables (CSV or Parquet) and PDB files are built on it, and the command line checks user
output paths with :func:`check_output_file` / :func:`check_output_folder` before it computes.

A Complex is written with fixed-column ATOM/HETATM records (PDB format 3.3), serials from 1, a TER
after the chain and END. Residues without a UniProt number keep their author number.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from structkit.errors import StructkitError
from structkit.model.atoms import residue_starts
from structkit.model.complex import Complex

__all__ = [
    "atom_record", "check_output_file", "check_output_folder", "pdb_text", "write_atomic",
    "write_bytes_atomic", "write_pdb", "write_table", "write_text_atomic",
]


def _atom_name(name: str, element: str) -> str:
    if len(name) >= 4 or len(element) == 2:
        return f"{name:<4}"
    return f" {name:<3}"


def atom_record(kind: str, serial: int, name: str, resname: str, chain: str, resnum: int, icode: str,
                xyz: Sequence[float] | np.ndarray, occupancy: float, b: float, element: str) -> str:
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
    # plain Python values once (numpy scalars formatted one by one cost most of the time)
    name, resname, element = p.name.tolist(), p.resname.tolist(), p.element.tolist()
    coords, occupancy, b_factor = p.coords.tolist(), p.occupancy.tolist(), p.b_factor.tolist()
    resnum, icodes = p.resnum.tolist(), p.icode.tolist()
    for row, (a, b) in enumerate(zip(starts.tolist(), stops.tolist())):
        number = int(uniprot[row]) if uniprot[row] >= 0 else int(resnum[a])
        icode = "" if uniprot[row] >= 0 else (icodes[a] or ("T" if number in used else ""))
        for k in range(a, b):
            serial += 1
            lines.append(atom_record("ATOM", serial, name[k], resname[k], chain, number, icode,
                                     coords[k], occupancy[k], b_factor[k], element[k]))
        last = (number, icode, resname[b - 1])
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


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None], *, durable: bool = False) -> Path:
    """Create ``path`` through ``write(temporary_path)`` and a rename: the one atomic writer.

    ``write`` fills a temporary file in the same folder; it is renamed over ``path`` only when
    complete, so readers (and other workers writing the same file) see the old file or the whole
    new one, never half of it, and an error leaves no partial file behind. The file gets the
    permissions a plain ``open`` would give it (0666 less the umask), not the temporary file's
    0600. Missing folders are created (the command line checks user paths before computing, see
    :func:`check_output_file`). ``durable`` also flushes the data to disk before the rename.

    Raises
    ------
    OSError
        The folder cannot be created or written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:  # name the file the caller asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        if durable:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: str | os.PathLike, data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomic`)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write_atomic(path, write, durable=durable)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically (see :func:`write_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a DataFrame atomically: CSV (floats to 4 significant digits), or Parquet for ``.parquet``."""
    path = Path(path)
    if path.suffix == ".parquet":
        return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
    return write_text_atomic(path, table_text(frame))


def table_text(frame: pd.DataFrame) -> str:
    """The CSV text :func:`write_table` writes (floats to 4 significant digits)."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.4g")


def check_output_file(path: str | os.PathLike, suffixes: tuple[str, ...] = ()) -> Path:
    """Check, before any computation, that a file can be written at ``path``.

    The folder must exist already (it is not created silently), be a folder and be writable;
    ``path`` must not be a folder; its name must end in one of ``suffixes`` when given.

    Raises
    ------
    StructkitError
        One line naming the path and what is wrong with it.
    """
    path = Path(path)
    if suffixes and not path.name.lower().endswith(suffixes):
        raise StructkitError(f"{path}: the output must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise StructkitError(f"{path}: is a folder; give a file name")
    _check_writable_folder(path, path.parent)
    return path


def check_output_folder(path: str | os.PathLike) -> Path:
    """Check, before any computation, that ``path`` is or can become a writable folder.

    An existing folder must be writable; a new one is created by the command, so its parent must
    exist already and be writable.

    Raises
    ------
    StructkitError
        One line naming the path and what is wrong with it.
    """
    path = Path(path)
    if path.is_dir():
        _check_writable_folder(path, path)
    elif path.exists():
        raise StructkitError(f"{path}: is a file, not a folder")
    else:
        _check_writable_folder(path, path.parent)
    return path


def _check_writable_folder(path: Path, folder: Path) -> None:
    folder = folder if str(folder) else Path(".")
    if not folder.exists():
        blocking = next((a for a in folder.parents if a.exists() and not a.is_dir()), None)
        if blocking is not None:
            raise StructkitError(f"{path}: {blocking} is a file, not a folder")
        raise StructkitError(f"{path}: the folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise StructkitError(f"{path}: {folder} is a file, not a folder")
    try:  # the real test, also for root and for file systems that refuse new files (/proc)
        fd, probe = tempfile.mkstemp(prefix=".structkit-write-test.", dir=folder)
    except OSError as exc:
        raise StructkitError(f"{path}: cannot write in the folder {folder} ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


def write_pdb(complex_: Complex, path: str | os.PathLike, remarks: list[str] | None = None) -> Path:
    """Write ``complex_`` to ``path`` atomically; returns the path.

    Parameters
    ----------
    complex_ : Complex
        The complex: its kinase chain (in the reference numbering where it has one) and its
        inhibitor are written; waters and additives are left out.
    path : path
        The PDB file to write (its folder must exist).
    remarks : list of str, optional
        Lines written first, as ``REMARK 250`` records (cut at 80 columns).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return write_text_atomic(path, pdb_text(complex_, remarks))
