"""The 3D viewer library embedded in structkit's HTML views: 3Dmol.js, pinned, from the npm registry.

3Dmol.js (Rego and Koes, Bioinformatics 2015, 31, 1322; BSD-3-Clause licence, University of
Pittsburgh and contributors) is not part of structkit's source: the first view fetches the
pinned release's tarball from the npm registry, checks it against the registry's published
sha512 integrity, and keeps the minified build and its licence in the cache
(``STRUCTKIT_CACHE/vendor``). Every view embeds that file, so a written view opens offline and
makes no request at all. ``STRUCTKIT_3DMOL`` may name a local copy (the ``.tgz`` from
``npm pack 3dmol@2.5.5``, or ``3Dmol-min.js`` itself) for machines without registry access.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from structkit.errors import FetchError, StructkitError
from structkit.io.fetch import cache_dir
from structkit.io.http import NotFound, Transient, request, with_retries
from structkit.io.write import write_text_atomic

__all__ = ["THREEDMOL", "ViewerLibrary", "viewer_library"]

#: The pinned release: npm package, version, the file embedded, and the registry's integrity hash.
THREEDMOL = {
    "package": "3dmol",
    "version": "2.5.5",
    "member": "package/build/3Dmol-min.js",
    "licence": "BSD-3-Clause",
    "integrity": "sha512-kqNHouGqq3YfW58174tdERvm0XYTmP0tavQKOqIw1ouc2OJ7epkXEFrtEkVXV0clBZT2Ze2xHRC/"
                 "qxX0u0qCdw==",
}
_REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class ViewerLibrary:
    """The viewer's JavaScript and its licence text."""

    name: str
    version: str
    javascript: str
    licence: str


def _tarball_url() -> str:
    registry = os.environ.get("STRUCTKIT_NPM_REGISTRY", _REGISTRY).rstrip("/")
    name, version = THREEDMOL["package"], THREEDMOL["version"]
    return f"{registry}/{name}/-/{name}-{version}.tgz"


def _check_integrity(data: bytes, label: str) -> None:
    algorithm, expected = THREEDMOL["integrity"].split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise StructkitError(f"{label}: not the pinned 3dmol {THREEDMOL['version']} release "
                             f"(its {algorithm} differs from the npm registry's integrity hash)")


def _member_text(tar: tarfile.TarFile, name: str) -> str:
    """The text of one regular file of the archive (KeyError when it holds none of that name)."""
    member = tar.extractfile(name)
    if member is None:
        raise KeyError(name)
    return member.read().decode("utf-8")


def _unpack(data: bytes, label: str) -> tuple[str, str]:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            js = _member_text(tar, THREEDMOL["member"])
            licence = _member_text(tar, "package/LICENSE")
    except (tarfile.TarError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        raise StructkitError(f"{label}: not a 3dmol package tarball ({exc})") from None
    return js, licence


def viewer_library(*, cache: str | os.PathLike | None = None, offline: bool = False,
                   timeout: float = 60.0) -> ViewerLibrary:
    """The pinned 3Dmol.js build: from ``STRUCTKIT_3DMOL``, the cache, or the npm registry.

    Parameters
    ----------
    cache : path, optional
        Cache folder (default ``STRUCTKIT_CACHE``).
    offline : bool
        Never download.
    timeout : float
        Seconds for the whole download.

    Raises
    ------
    StructkitError
        Not cached and offline or unreachable, or a file that is not the pinned release.
    """
    version = THREEDMOL["version"]
    local = os.environ.get("STRUCTKIT_3DMOL")
    if local:
        path = Path(local).expanduser()
        if not path.is_file():
            raise StructkitError(f"STRUCTKIT_3DMOL={local}: no such file")
        if path.suffix in (".tgz", ".gz"):
            data = path.read_bytes()
            _check_integrity(data, str(path))
            js, licence = _unpack(data, str(path))
            return ViewerLibrary("3Dmol.js", version, js, licence)
        text = path.read_text(encoding="utf-8")
        if "3Dmol" not in text[:20000]:
            raise StructkitError(f"STRUCTKIT_3DMOL={local}: not a 3Dmol.js build")
        note = f"3Dmol.js {version}, BSD-3-Clause (licence file not given)"
        return ViewerLibrary("3Dmol.js", version, text, note)
    folder = cache_dir(cache) / "vendor" / f"3dmol-{version}"
    js_path, licence_path = folder / "3Dmol-min.js", folder / "LICENSE"
    if js_path.is_file() and licence_path.is_file():
        return ViewerLibrary("3Dmol.js", version, js_path.read_text(encoding="utf-8"),
                             licence_path.read_text(encoding="utf-8"))
    url = _tarball_url()
    if offline:
        raise StructkitError(f"the 3D viewer library (3dmol {version}) is not in the cache and offline "
                             f"mode forbids fetching it from {url}; set STRUCTKIT_3DMOL to a local copy")

    def attempt() -> bytes:
        return request(url, timeout).body

    try:
        data = with_retries(attempt, retries=2, backoff=1.0, what=url)
    except NotFound:
        raise StructkitError(f"{url}: not found on the npm registry") from None
    except (FetchError, Transient) as exc:
        raise StructkitError(f"cannot fetch the 3D viewer library from {url} ({exc}); set STRUCTKIT_3DMOL "
                             "to a local copy (npm pack 3dmol@" + version + ")") from None
    _check_integrity(data, url)
    js, licence = _unpack(data, url)
    try:
        write_text_atomic(js_path, js)
        write_text_atomic(licence_path, licence)
    except OSError:
        pass  # an unwritable cache only costs a download next time
    return ViewerLibrary("3Dmol.js", version, js, licence)
