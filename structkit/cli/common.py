"""Options the commands share and how they become typed API inputs."""

from __future__ import annotations

import argparse
import sys

from structkit.analysis.parallel.engine import Engine
from structkit.arguments import check_scheduler, check_workers
from structkit.catalogue import catalogue_ids
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutations import requested_mutation
from structkit.progress import Progress

# a parser or one of its (mutually exclusive) groups: anything options are added to
OptionTarget = argparse._ActionsContainer


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def mutation_argument(text: str) -> str:
    """A mutation as typed on the command line (:func:`~structkit.model.mutations.requested_mutation`)."""
    return requested_mutation(text)


def parse_site_list(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise StructkitError(f"--sites takes UniProt numbers such as 1196,1202, not {text!r}") from None


def add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mirror", action="append", default=[], metavar="DIR",
        help="local folder of structure files searched before the RCSB (repeatable; "
             "STRUCTKIT_MIRROR adds more)",
    )
    parser.add_argument("--cache", metavar="DIR", help="download cache (default STRUCTKIT_CACHE)")
    parser.add_argument("--offline", action="store_true", help="never download")


def add_ligand_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ligand", metavar="CCD", help="use this ligand as the inhibitor")
    parser.add_argument("--chain", metavar="ID", help="use this kinase chain")
    parser.add_argument("--ligand-file", metavar="POSE",
                        help="the inhibitor pose as .sdf/.mol/.mol2/.pdb (docking output); its "
                             "chemistry is used, and it is added to a receptor without a ligand")
    parser.add_argument("--pose", type=int, default=1, metavar="N",
                        help="pose N of a multi-pose SDF (default 1)")
    parser.add_argument("--reference", metavar="FASTA",
                        help="renumber a non-ALK kinase chain by this sequence (first=N in the header)")
    add_source_options(parser)


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, metavar="N",
                        help="local worker processes (default: all cores; 1 runs everything in this process)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the tasks on this Dask scheduler (default STRUCTKIT_SCHEDULER), "
                             "for example tcp://host:8786")


def engine_of(args: argparse.Namespace, progress: Progress | None = None) -> Engine:
    """The engine the options ask for (see :mod:`structkit.analysis.parallel.engine`): ``--workers``,
    ``--scheduler``, ``--cache`` and ``--no-cache`` where the command has them, and ``progress``."""
    check_workers(args.workers, "--workers")
    check_scheduler(args.scheduler, "--scheduler")
    return Engine(workers=args.workers, scheduler=args.scheduler, cache=getattr(args, "cache", None),
                  use_cache=not getattr(args, "no_cache", False), progress=progress)


def add_strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first structure that fails (default: process the others, "
                             "list the failures, exit 1)")


def add_structure_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="ID|PATH", help="PDB IDs or structure files")
    parser.add_argument("--all", action="store_true", help="every entry of the catalogue")
    add_strict_option(parser)
    add_ligand_options(parser)


def add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="ID|PATH", help="PDB ID or structure file")
    add_ligand_options(parser)


def load_options(args: argparse.Namespace, n_targets: int = 1) -> LoadOptions:
    """The typed load options of the common command-line options, built once per command (the
    mirrors checked and made absolute, so tasks in other processes or on other hosts read the same)."""
    if getattr(args, "pose", 1) < 1:
        raise StructkitError(f"--pose {args.pose}: poses are numbered from 1")
    if getattr(args, "ligand_file", None) and n_targets > 1:
        raise StructkitError("--ligand-file belongs to one structure; give a single target with it")
    keys = ("ligand", "chain", "ligand_file", "pose", "reference")
    per_structure = {key: getattr(args, key) for key in keys if hasattr(args, key)}
    return LoadOptions.resolve(args.mirror, cache=args.cache, offline=args.offline, **per_structure)


def load_target(args: argparse.Namespace) -> Complex:
    return load_options(args).load(args.target)


def target_ids(args: argparse.Namespace, name: str) -> list[str]:
    values = list(getattr(args, name))
    if args.all:
        values += catalogue_ids()
    if not values:
        raise StructkitError(f"give at least one {name[:-1].replace('_', ' ')} or --all")
    return list(dict.fromkeys(values))


def mutation_list(texts: list[str] | None) -> list[str]:
    """Mutations from repeated, comma-separated command-line values, each checked as typed."""
    return [mutation_argument(m.strip()) for text in texts or [] for m in text.split(",") if m.strip()]


def add_json_option(parser: OptionTarget, what: str = "records") -> None:
    """``--json``: print the command's result as JSON (``what`` says what one object is)."""
    parser.add_argument("--json", action="store_true", help=f"print JSON: a list of {what}")


def add_csv_option(parser: OptionTarget) -> None:
    """``--csv``: print the command's table as CSV."""
    parser.add_argument("--csv", action="store_true", help="print the table as CSV")


def add_sites_option(parser: argparse.ArgumentParser) -> None:
    """``--sites N,N``: residue numbers (read by :func:`parse_site_list`)."""
    parser.add_argument("--sites", metavar="N,N",
                        help="residue numbers (ALK: UniProt; default: review sites)")


def add_table_output_option(parser: OptionTarget) -> None:
    """``-o FILE``: where the command's table goes (``-o`` always names the command's main output)."""
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the table to FILE.csv or FILE.parquet (default: CSV to stdout)")


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """``--timeout`` and ``--retries`` of every request to the RCSB, with the library's defaults."""
    from structkit.io.fetch import DEFAULT_RETRIES, DEFAULT_TIMEOUT

    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds per attempt of a request (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--retries", type=int, default=DEFAULT_RETRIES, metavar="N",
                        help=f"retries of a failed request (default {DEFAULT_RETRIES})")


def add_no_cache_option(parser: argparse.ArgumentParser) -> None:
    """``--no-cache``: recompute instead of reading the result cache."""
    parser.add_argument("--no-cache", action="store_true",
                        help="recompute instead of reading the result cache")


def add_compound_option(parser: argparse.ArgumentParser) -> None:
    """``--compound NAME=SMILES|FILE``: pose a new compound in the target and analyse it instead."""
    parser.add_argument(
        "--compound", metavar="NAME=SMILES|FILE",
        help="pose this compound (SMILES or .sdf/.mol/.mol2/.pdb; see 'structkit pose') in the "
             "structure given, its own inhibitor removed (with none given: in the kinase's structure "
             "whose ligand matches best) and analyse it as the inhibitor",
    )


def apply_compound(args: argparse.Namespace, attribute: str) -> None:
    """Where ``--compound`` is given: pose it and point the command's target at the posed complex.

    The target (``args.<attribute>``, one ID or path, or a list of at most one) becomes the
    receptor file and ``args.ligand_file`` the pose (:func:`structkit.posing.files.pose_files`,
    cached); a line on standard error says where it was posed and how far to trust it.
    """
    if not getattr(args, "compound", None):
        return
    from structkit.posing.files import pose_files

    if getattr(args, "ligand_file", None) or getattr(args, "ligand", None):
        raise StructkitError("--compound gives the inhibitor; leave out --ligand-file and --ligand")
    if getattr(args, "all", False):
        raise StructkitError("--compound is posed in one structure; leave out --all")
    value = getattr(args, attribute)
    targets = [value] if isinstance(value, str) else list(value or [])
    if len(targets) > 1:
        raise StructkitError(f"--compound is posed in one structure; {len(targets)} were given")
    posed = pose_files(args.compound, kinase=getattr(args, "kinase", None) or "ALK",
                       structure=targets[0] if targets else None, mirrors=args.mirror, cache=args.cache)
    s = posed.summary
    template = f" on template {s['template']} ({s['template_ligand']})" if s["template"] else ""
    print(f"structkit: posed {posed.name} in {s['receptor']} by {s['method']}{template}: Vina "
          f"{s['vina_score']} kcal/mol, confidence {s['confidence']}", file=sys.stderr)
    setattr(args, attribute, str(posed.structure) if isinstance(value, str) else [str(posed.structure)])
    args.ligand_file = str(posed.ligand_file)
    args.ligand = None
