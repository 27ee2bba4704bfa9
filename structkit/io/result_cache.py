"""A cache of computed results (JSON), keyed by everything that determines them.

A key is the SHA-256 of its parts (input checksums, parameters, method and package versions), so a
change to any of them simply misses. Entries live under ``STRUCTKIT_CACHE/results/<kind>/`` and are
written through a temporary file and a rename: several workers may write the same entry at once,
and a reader sees either nothing or a whole entry, never half of one. An unreadable entry counts as
a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from structkit.io.fetch import cache_dir
from structkit.io.write import write_text_atomic

__all__ = ["ResultCache"]


class ResultCache:
    """Computed results of one kind (for example ``"ddg"``).

    Parameters
    ----------
    kind : str
        Sub-folder name.
    cache : path, optional
        Cache root (default ``STRUCTKIT_CACHE``, else the user cache folder).
    enabled : bool
        False makes every lookup miss and every store a no-op.
    """

    def __init__(self, kind: str, cache: str | os.PathLike | None = None, *, enabled: bool = True):
        self.folder = cache_dir(cache) / "results" / kind
        self.enabled = enabled

    @staticmethod
    def key(*parts: object) -> str:
        """The key of a tuple of JSON-serialisable parts."""
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The stored payload, or None."""
        if not self.enabled:
            return None
        try:
            return json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, payload: dict) -> None:
        """Store a payload (an unwritable cache is ignored: it only costs time)."""
        if not self.enabled:
            return
        try:
            write_text_atomic(self._path(key), json.dumps(payload, sort_keys=True))
        except OSError:
            pass
