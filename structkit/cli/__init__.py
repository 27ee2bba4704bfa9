"""The ``structkit`` command: thin subcommands over the public API.

Each subcommand parses its options, calls the API, and prints or writes. Errors the user can cause
are :class:`~structkit.errors.StructkitError`: printed as one line, exit status 1, no traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from structkit.cli import analysis, energy, posing, structures
from structkit.errors import StructkitError, StructureWarning
from structkit.version import __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``structkit`` command."""
    parser = argparse.ArgumentParser(
        prog="structkit",
        description="Structural analysis of the ALK kinase ATP pocket and its resistance mutations.",
    )
    parser.add_argument("--version", action="version", version=f"structkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for commands in (structures, analysis, energy, posing):
        commands.register(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Every warning as one line (structkit's own and those of the libraries it calls)."""
    text = " ".join(str(message).split())
    print(f"structkit: warning: {text}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", StructureWarning)
            warnings.showwarning = _show_warning
            return args.func(args)
    except StructkitError as exc:
        print(f"structkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("structkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except OSError as exc:  # a write that failed after the checks (disk full, folder removed ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"structkit: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
