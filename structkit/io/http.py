"""HTTP requests with a deadline for the whole transfer, classified failures and retries.

Used by :mod:`structkit.io.fetch` (entry files) and :mod:`structkit.io.rcsb` (search and data
APIs). A failure is one of three kinds: :class:`NotFound` (404), :class:`Transient` (timeouts,
dropped or truncated transfers, 429 and 5xx answers: worth retrying), or a
:class:`~structkit.errors.FetchError` the user must act on (another 4xx, an unknown host).
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from structkit.errors import FetchError

__all__ = ["NotFound", "Response", "Transient", "request", "with_retries"]

_CHUNK = 1 << 16
T = TypeVar("T")


class NotFound(Exception):
    """The server answered 404."""


class Transient(Exception):
    """A failure worth retrying; ``retry_after`` is the server's Retry-After in seconds, if any."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Response:
    """Status code and complete body of an answer."""

    status: int
    body: bytes


def request(url: str, timeout: float, data: bytes | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """GET ``url`` (POST ``data`` when given) within ``timeout`` seconds for the whole transfer.

    Raises
    ------
    NotFound, Transient
        As described in the module docstring.
    FetchError
        Another HTTP error, or a host name that does not resolve (no network).
    """
    deadline = time.monotonic() + timeout
    all_headers = {"User-Agent": "structkit", **(headers or {})}
    req = urllib.request.Request(url, data=data, headers=all_headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            chunks = []
            while True:
                if time.monotonic() > deadline:
                    raise Transient(f"timed out after {timeout:g} s")
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
            body = b"".join(chunks)
            if expected is not None and expected.isdigit() and len(body) != int(expected):
                raise Transient(f"truncated body ({len(body)} of {expected} bytes)")
            return Response(response.status, body)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NotFound(url) from None
        if exc.code >= 500 or exc.code == 429:
            raise Transient(f"HTTP {exc.code}", _retry_after(exc.headers.get("Retry-After"))) from None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise Transient(f"timed out after {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise Transient(f"truncated body ({len(exc.partial)} bytes received)") from None
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, socket.gaierror):
            host = urllib.parse.urlsplit(url).hostname
            raise FetchError(
                f"cannot reach {host} (name resolution failed: no network?); "
                "give a local mirror folder of structure files (STRUCTKIT_MIRROR) instead"
            ) from None
        raise Transient(f"connection failed ({reason})") from None


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def with_retries(attempt: Callable[[], T], retries: int, backoff: float, what: str,
                 max_wait: float = 60.0) -> T:
    """Call ``attempt`` until it returns, retrying :class:`Transient` failures.

    Waits ``backoff * 2**k`` seconds before retry ``k + 1``, or the server's Retry-After when it
    gives one (capped at ``max_wait``). After ``retries`` retries the last problem is raised as a
    :class:`~structkit.errors.FetchError` naming ``what``.
    """
    problem = ""
    for k in range(retries + 1):
        try:
            return attempt()
        except Transient as exc:
            problem = str(exc)
            if k < retries:
                wait = exc.retry_after if exc.retry_after is not None else backoff * 2 ** k
                time.sleep(min(wait, max_wait))
    raise FetchError(f"{what}: {problem} (after {retries + 1} attempts)")
