"""The one exception type users see.

Every error a user can cause (a bad ID, a missing or corrupt file, a bad mutation string, no network)
is raised as :class:`StructkitError` with a one-line message that names the input. The command line
prints that line and exits non-zero; it never shows a traceback for such errors.
"""

from __future__ import annotations

__all__ = ["FetchError", "NoInhibitorError", "StructkitError", "StructureFileError", "StructureWarning"]


class StructkitError(Exception):
    """An error caused by the input (IDs, files, options), reported in one line."""


class StructureFileError(StructkitError):
    """A structure file is missing, empty, truncated or not a structure."""


class FetchError(StructkitError):
    """An entry could not be found in the cache, the mirrors or the RCSB."""


class NoInhibitorError(StructkitError):
    """A computation on the inhibitor was asked of a structure that holds none."""


class StructureWarning(UserWarning):
    """Weak evidence that a structure is not what it seems (for example a file that may be cut).

    Raised through :mod:`warnings`; the command line prints it as one ``structkit: warning:`` line.
    """
