"""Checks of the public API's arguments: a wrong type or value is a :class:`StructkitError` that names
the argument, as the command line names its flag, never Python's own ``TypeError`` from deep inside.

One owner for each rule that the command line and the API share: a worker count (``--workers``,
``workers=``, ``STRUCTKIT_WORKERS``) and a Dask scheduler address (``--scheduler``,
``scheduler=``, ``STRUCTKIT_SCHEDULER``) follow the same rules wherever they come from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from structkit.errors import StructkitError

__all__ = [
    "check_mutations",
    "check_scheduler",
    "check_source",
    "check_text",
    "check_workers",
    "workers_from_text",
]

#: A Dask scheduler address: ``[protocol://]host:port`` (tcp, tls, ws, wss, ucx, inproc).
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx|inproc)://)?(?:\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+):\d{1,5}$")


def _kind(value: Any) -> str:
    return type(value).__name__


def check_text(value: Any, name: str, example: str) -> str:
    """``value`` if it is a non-empty string.

    Parameters
    ----------
    value : object
    name : str
        The argument's name, as the message gives it.
    example : str
        A valid value, shown in the message.

    Returns
    -------
    str

    Raises
    ------
    StructkitError
        Anything else (``None``, a number, an empty string).
    """
    if not isinstance(value, str):
        raise StructkitError(f"{name}={value!r}: expected a string such as {example!r}, got {_kind(value)}")
    if not value.strip():
        raise StructkitError(f"{name}={value!r}: empty; give a value such as {example!r}")
    return value


def check_source(value: Any, name: str, allow_complex: bool = False) -> Any:
    """``value`` if it names a structure: a PDB ID or a path (or, with ``allow_complex``, a
    loaded :class:`~structkit.model.complex.Complex`, recognised by its ``protein`` and
    ``inhibitor`` arrays so that this module stays below the model layer).

    Raises
    ------
    StructkitError
        ``None``, a number, an empty string or any other object.
    """
    if allow_complex and hasattr(value, "protein") and hasattr(value, "inhibitor"):
        return value
    if isinstance(value, os.PathLike):
        return value
    what = "a PDB ID such as '2XP2', a file path" + (" or a loaded Complex" if allow_complex else "")
    if not isinstance(value, str):
        raise StructkitError(f"{name}={value!r}: expected {what}, got {_kind(value)}")
    if not value.strip():
        raise StructkitError(f"{name}={value!r}: empty; expected {what}")
    return value


def check_mutations(value: Any, name: str = "mutations") -> str | list[str]:
    """``value`` if it is a mutation string or a non-empty sequence of them.

    Raises
    ------
    StructkitError
        ``None``, a number, an empty sequence, or a sequence holding something else.
    """
    if isinstance(value, str):
        return check_text(value, name, "G1202R")
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)) and len(value) > 0:
        for k, item in enumerate(value):
            check_text(item, f"{name}[{k}]", "G1202R")
        return list(value)
    raise StructkitError(f"{name}={value!r}: expected a mutation such as 'G1202R' or a list of them, "
                         f"got {_kind(value) if not isinstance(value, Sequence) else 'an empty list'}")


def check_workers(value: Any, name: str = "workers") -> int | None:
    """``value`` if it is ``None`` (the default count) or a whole number of 1 or more.

    Raises
    ------
    StructkitError
        0, a negative number, a bool, a float, a string or anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StructkitError(f"{name}={value!r}: give a whole number of worker processes, 1 or more")
    return int(value)


def workers_from_text(text: str, name: str) -> int:
    """A worker count written as text (an environment variable), by the rules of :func:`check_workers`.

    Raises
    ------
    StructkitError
        Text that is not a whole number of 1 or more.
    """
    stripped = text.strip()
    if not re.fullmatch(r"[+]?\d+", stripped) or int(stripped) < 1:
        raise StructkitError(f"{name}={text!r}: give a whole number of worker processes, 1 or more")
    return int(stripped)


def check_scheduler(value: Any, name: str = "scheduler") -> str | None:
    """``value`` if it is ``None`` or a Dask scheduler address ``[protocol://]host:port``.

    Raises
    ------
    StructkitError
        Anything that is not such an address (which Dask would otherwise try to reach for 20 s
        and then fail with a traceback).
    """
    if value is None:
        return None
    if not isinstance(value, str) or not _SCHEDULER.match(value.strip()):
        raise StructkitError(f"{name}={value!r}: not a Dask scheduler address; give "
                             "[protocol://]host:port, for example tcp://127.0.0.1:8786")
    return value.strip()
