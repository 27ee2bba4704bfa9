"""Find the file of a PDB entry: the cache, then local mirror folders, then the RCSB over HTTPS.

Sources, in order
-----------------
1. **Cache** (``STRUCTKIT_CACHE``, default ``$XDG_CACHE_HOME/structkit`` or ``~/.cache/structkit``):
   files this module downloaded, each with a ``.sha256`` sidecar that is checked on every hit; a
   file that fails the check is removed and fetched again.
2. **Mirrors** (``mirrors=`` / ``--mirror DIR``, then ``STRUCTKIT_MIRROR``, a list of folders
   separated by ``os.pathsep``): flat folders holding ``ID.cif``, ``ID.pdb``, ``ID.cif.gz`` or
   ``ID.pdb.gz`` in any case, or a KLIFS download folder ``ID/complex.pdb``. Mirror files are read
   where they are; they are never copied. A relative mirror path is taken from the current
   folder; a mirror folder that does not exist is an error naming it.
3. **RCSB** (``STRUCTKIT_RCSB_URL``, default ``https://files.rcsb.org/download``): ``ID.cif.gz``,
   else ``ID.pdb.gz``.

Downloads are bounded by a timeout per attempt (connect, each read, and the whole transfer),
retried with exponential backoff on network errors, 5xx answers and corrupt bodies (not on 404),
verified (the body parses as a structure and declares the entry asked for), checksummed
(SHA-256 sidecar) and written atomically: the body goes to a hidden temporary file in the cache
folder that is renamed into place only when complete and verified, so a failed or killed
transfer never leaves a partial entry behind. Temporaries left by killed processes are swept.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from structkit.errors import FetchError, StructkitError, StructureFileError
from structkit.io.http import NotFound, Transient, request
from structkit.io.read import parse_structure_bytes
from structkit.io.write import write_bytes_atomic
from structkit.progress import Progress, report

__all__ = [
    "DEFAULT_RCSB_URL",
    "FetchResult",
    "cache_dir",
    "fetch",
    "fetch_each",
    "fetch_many",
    "find_in_mirrors",
    "is_pdb_id",
    "mirror_dirs",
    "mirror_label",
    "normalize_pdb_id",
]

DEFAULT_RCSB_URL = "https://files.rcsb.org/download"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
_FORMATS = ("cif.gz", "pdb.gz")
_MIRROR_NAMES = ("{id}.cif", "{id}.pdb", "{id}.cif.gz", "{id}.pdb.gz", "{id}/complex.pdb")
_ID_RE = re.compile(r"[0-9][A-Za-z0-9]{3}")
_STALE_SECONDS = 3600


@dataclass(frozen=True)
class FetchResult:
    """Where an entry was found.

    Attributes
    ----------
    pdb_id : str
        The entry, upper case.
    path : Path
        The file to read.
    origin : str
        ``"cache"``, ``"mirror"`` or ``"rcsb"``.
    sha256 : str or None
        Checksum of the file (cache and RCSB), None for mirror files.
    """

    pdb_id: str
    path: Path
    origin: str
    sha256: str | None = None


def is_pdb_id(text: str) -> bool:
    """Whether ``text`` is a four-character PDB ID (a digit, then three letters or digits)."""
    return bool(_ID_RE.fullmatch(text.strip()))


def normalize_pdb_id(text: str) -> str:
    """Return the upper-case PDB ID, or raise :class:`StructkitError` naming the input."""
    value = text.strip()
    if not is_pdb_id(value):
        raise StructkitError(
            f"{text!r} is not a PDB ID (four characters, a digit first, such as 2XP2)"
        )
    return value.upper()


def cache_dir(cache: str | os.PathLike | None = None) -> Path:
    """The cache folder: the argument, else ``STRUCTKIT_CACHE``, else the user cache folder."""
    if cache:
        return Path(cache).expanduser()
    env = os.environ.get("STRUCTKIT_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "structkit"


def mirror_dirs(mirrors: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """Mirror folders: those given, then those in ``STRUCTKIT_MIRROR``.

    A relative path, given or in the variable, is taken from the current working folder (as any
    path on a command line is); ``~`` is expanded.

    Raises
    ------
    FetchError
        A folder that does not exist or is a file, named as it was given.
    """
    out = [_mirror_folder(m, "mirror folder") for m in (mirrors or [])]
    env = os.environ.get("STRUCTKIT_MIRROR", "")
    out += [_mirror_folder(p.strip(), "STRUCTKIT_MIRROR folder") for p in env.split(os.pathsep) if p.strip()]
    return out


def _mirror_folder(given: str | os.PathLike, what: str) -> Path:
    path = Path(given).expanduser()
    if path.is_dir():
        return path
    state = "is a file, not a folder" if path.exists() else "does not exist"
    where = "" if path.is_absolute() else f" (relative paths are taken from the current folder, {Path.cwd()})"
    raise FetchError(f"{what} {os.fspath(given)} {state}{where}")


def mirror_label(folder: str | os.PathLike) -> str:
    """How a mirror folder is recorded in manifests and reports: relative to the current folder.

    The same folder gets the same label whether it was given absolute or relative, on the command
    line or in ``STRUCTKIT_MIRROR``, so the same inputs give the same manifest.
    """
    # relative to the current folder as given (a symlinked folder keeps its name) or as resolved
    # (the current folder itself may sit behind a symlink): the shorter of the two
    folder = Path(folder).expanduser()
    given = os.path.relpath(os.path.abspath(folder), os.getcwd())
    resolved = os.path.relpath(folder.resolve(), Path.cwd().resolve())
    return Path(min(given, resolved, key=lambda label: (len(label), label))).as_posix()


def find_in_mirrors(pdb_id: str, mirrors: Sequence[Path]) -> Path | None:
    """Return the first mirror file of an entry, matching names in any case, or None."""
    wanted = [name.format(id=pdb_id.lower()) for name in _MIRROR_NAMES]
    for folder in mirrors:
        if not folder.is_dir():
            continue
        listing = {p.name.lower(): p for p in folder.iterdir()}
        for name in wanted:
            head, _, tail = name.partition("/")
            hit = listing.get(head)
            if hit is None:
                continue
            if tail:
                sub = {p.name.lower(): p for p in hit.iterdir()} if hit.is_dir() else {}
                hit = sub.get(tail)
            if hit is not None and hit.is_file():
                return hit
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sweep_stale(folder: Path) -> None:
    now = time.time()
    for tmp in folder.glob(".*.part"):
        try:
            if now - tmp.stat().st_mtime > _STALE_SECONDS:
                tmp.unlink()
        except OSError:
            pass


def _cached(pdb_id: str, folder: Path) -> FetchResult | None:
    """A verified cache hit, or None (a file failing its checksum is removed)."""
    for fmt in _FORMATS:
        path = folder / f"{pdb_id}.{fmt}"
        if not path.is_file():
            continue
        sidecar = path.with_name(path.name + ".sha256")
        data = path.read_bytes()
        digest = _sha256(data)
        recorded = sidecar.read_text().split()[0] if sidecar.is_file() else None
        if recorded == digest:
            return FetchResult(pdb_id, path, "cache", digest)
        # no sidecar (killed between the two renames) or a mismatch: re-verify or discard
        if recorded is None:
            try:
                _verify(data, pdb_id, str(path))
            except StructkitError:
                pass
            else:
                write_bytes_atomic(sidecar, f"{digest}  {path.name}\n".encode(), durable=True)
                return FetchResult(pdb_id, path, "cache", digest)
        for p in (path, sidecar):
            p.unlink(missing_ok=True)
    return None


def _verify(data: bytes, pdb_id: str, label: str) -> None:
    """Raise StructureFileError unless ``data`` parses and declares entry ``pdb_id``."""
    parsed = parse_structure_bytes(data, Path(label))
    if parsed.id_code is None:
        raise StructureFileError(f"{label}: the file does not declare an entry ID")
    if parsed.id_code != pdb_id:
        raise StructureFileError(f"{label}: the file is entry {parsed.id_code}, not {pdb_id}")


def _download(
    pdb_id: str, folder: Path, base_url: str, timeout: float, retries: int, backoff: float
) -> FetchResult:
    last_problem = ""
    for fmt in _FORMATS:
        url = f"{base_url.rstrip('/')}/{pdb_id}.{fmt}"
        for attempt in range(retries + 1):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                data = request(url, timeout).body
                _verify(data, pdb_id, url)
            except NotFound:
                last_problem = "not found"
                break
            except Transient as exc:
                last_problem = str(exc)
                continue
            except StructureFileError as exc:
                last_problem = str(exc)
                continue
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{pdb_id}.{fmt}"
            digest = _sha256(data)
            write_bytes_atomic(path, data, durable=True)
            write_bytes_atomic(path.with_name(path.name + ".sha256"), f"{digest}  {path.name}\n".encode(),
                               durable=True)
            return FetchResult(pdb_id, path, "rcsb", digest)
        else:
            raise FetchError(
                f"{pdb_id}: download from {base_url} failed after {retries + 1} attempts "
                f"({last_problem})"
            )
    raise FetchError(f"{pdb_id}: not found in the cache, the mirrors or at {base_url}")


def fetch(
    pdb_id: str,
    *,
    cache: str | os.PathLike | None = None,
    mirrors: Iterable[str | os.PathLike] | None = None,
    base_url: str | None = None,
    offline: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> FetchResult:
    """Return the file of a PDB entry from the cache, a mirror or the RCSB.

    Parameters
    ----------
    pdb_id : str
        Four-character PDB ID, any case.
    cache : path, optional
        Cache folder (default :func:`cache_dir`).
    mirrors : list of paths, optional
        Mirror folders searched before ``STRUCTKIT_MIRROR``.
    base_url : str, optional
        Download URL prefix (default ``STRUCTKIT_RCSB_URL`` or the RCSB).
    offline : bool
        Never download.
    timeout : float
        Seconds allowed for one attempt (connection and whole transfer).
    retries : int
        Further attempts after a network error, a 5xx answer or a corrupt body.
    backoff : float
        Seconds before the first retry; doubled for each further one.

    Returns
    -------
    FetchResult

    Raises
    ------
    StructkitError
        ``pdb_id`` is not a PDB ID.
    FetchError
        The entry could not be found or downloaded.
    """
    pdb_id = normalize_pdb_id(pdb_id)
    folders = mirror_dirs(mirrors)  # a mistyped mirror is an error even when the cache answers
    folder = cache_dir(cache)
    if folder.is_dir():
        _sweep_stale(folder)
        hit = _cached(pdb_id, folder)
        if hit is not None:
            return hit
    mirror_hit = find_in_mirrors(pdb_id, folders)
    if mirror_hit is not None:
        return FetchResult(pdb_id, mirror_hit, "mirror")
    if offline:
        raise FetchError(f"{pdb_id}: not in the cache or the mirrors, and downloads are off")
    url = base_url or os.environ.get("STRUCTKIT_RCSB_URL") or DEFAULT_RCSB_URL
    return _download(pdb_id, folder, url, timeout, retries, backoff)


def fetch_each(pdb_ids: Sequence[str],
               **options: Any) -> Iterator[tuple[str, FetchResult | None, str | None]]:
    """Fetch several entries one by one, yielding ``(pdb_id, result, None)`` or ``(pdb_id, None,
    error message)`` as each is done; a failure of one does not stop the others (the command line
    prints a line per entry from it). ``options`` are :func:`fetch`'s."""
    mirror_dirs(options.get("mirrors"))  # a missing mirror folder fails once, not once per entry
    for pdb_id in pdb_ids:
        try:
            result = fetch(pdb_id, **options)
        except StructkitError as exc:
            yield pdb_id, None, str(exc)
            continue
        yield pdb_id, result, None


def fetch_many(
    pdb_ids: Sequence[str],
    *,
    progress: Progress | None = None,
    **options: Any,
) -> tuple[list[FetchResult], dict[str, str]]:
    """Fetch several entries; a failure of one does not stop the others.

    Parameters
    ----------
    pdb_ids : sequence of str
        Entries to fetch.
    progress : callable, optional
        ``progress(done, total, pdb_id)`` after each entry (:mod:`structkit.progress`).
    **options
        Passed to :func:`fetch`.

    Returns
    -------
    results : list of FetchResult
        The entries found, in the order asked.
    errors : dict
        Error message per entry that failed.
    """
    results: list[FetchResult] = []
    errors: dict[str, str] = {}
    for k, (pdb_id, result, error) in enumerate(fetch_each(pdb_ids, **options), start=1):
        if result is not None:
            results.append(result)
        else:
            errors[pdb_id] = str(error)
        report(progress, k, len(pdb_ids), pdb_id)
    return results, errors
