"""The ``structkit`` command: thin subcommands over the public API.

Each subcommand parses its options, calls the API, and prints or writes. Errors the user can cause
are :class:`~structkit.errors.StructkitError`: printed as one line, exit status 1, no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pandas as pd

from structkit.analysis.batch import map_structures
from structkit.analysis.coverage import coverage
from structkit.analysis.engine import Engine
from structkit.analysis.features import site_features
from structkit.analysis.run import run
from structkit.analysis.scan import review_mutations, scan
from structkit.catalogue import catalogue_ids
from structkit.errors import StructkitError, StructureWarning
from structkit.io.fetch import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    FetchResult,
    fetch_many,
    normalize_pdb_id,
)
from structkit.io.load import LoadOptions
from structkit.io.pymol import pymol_script
from structkit.io.write import (
    check_output_file,
    check_output_folder,
    write_pdb,
    write_table,
    write_text_atomic,
)
from structkit.model.complex import Complex
from structkit.model.mutate import mutate
from structkit.model.mutations import ambiguous_slash
from structkit.model.numbering import N_KLIFS_POSITIONS
from structkit.model.sites import site_table
from structkit.version import __version__

__all__ = ["main"]


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def _mutation_argument(text: str) -> str:
    """A mutation as typed on the command line; a slash between two sites is refused.

    In the review's prose ``G1202R/L1196M`` means the compound mutant, but on a command line it
    reads as much like "either"; the user is asked to write ``+`` (or to list them separately).
    """
    if ambiguous_slash(text):
        joined = "+".join(t.strip() for t in text.split("/"))
        raise StructkitError(
            f"{text}: a slash between two sites is ambiguous; write {joined} for one compound mutant, "
            "or give the mutations separately"
        )
    return text


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mirror", action="append", default=[], metavar="DIR",
        help="local folder of structure files searched before the RCSB (repeatable; "
             "STRUCTKIT_MIRROR adds more)",
    )
    parser.add_argument("--cache", metavar="DIR", help="download cache (default STRUCTKIT_CACHE)")
    parser.add_argument("--offline", action="store_true", help="never download")


def _add_ligand_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ligand", metavar="CCD", help="use this ligand as the inhibitor")
    parser.add_argument("--chain", metavar="ID", help="use this kinase chain")
    parser.add_argument("--ligand-file", metavar="POSE",
                        help="the inhibitor pose as .sdf/.mol/.mol2/.pdb (docking output); its "
                             "chemistry is used, and it is added to a receptor without a ligand")
    parser.add_argument("--pose", type=int, default=1, metavar="N",
                        help="pose N of a multi-pose SDF (default 1)")
    parser.add_argument("--reference", metavar="FASTA",
                        help="renumber a non-ALK kinase chain by this sequence (first=N in the header)")
    _add_source_options(parser)


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, metavar="N",
                        help="local worker processes (default: all cores; 1 runs everything in this process)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the tasks on this Dask scheduler (default STRUCTKIT_SCHEDULER), "
                             "for example tcp://host:8786")


def _engine(args: argparse.Namespace) -> Engine:
    """The engine the batch options ask for (see :mod:`structkit.analysis.engine`)."""
    if args.workers is not None and args.workers < 1:
        raise StructkitError(f"--workers {args.workers}: give 1 or more")
    return Engine(workers=args.workers, scheduler=args.scheduler)


def _add_strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first structure that fails (default: process the others, "
                             "list the failures, exit 1)")


def _add_structure_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="ID|PATH", help="PDB IDs or structure files")
    parser.add_argument("--all", action="store_true", help="every entry of the catalogue")
    _add_strict_option(parser)
    _add_ligand_options(parser)


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="ID|PATH", help="PDB ID or structure file")
    _add_ligand_options(parser)


def _load_options(args: argparse.Namespace, n_targets: int = 1) -> LoadOptions:
    """The typed load options of the common command-line options, built once per command (the
    mirrors checked and made absolute, so tasks in other processes or on other hosts read the same)."""
    if getattr(args, "ligand_file", None) and n_targets > 1:
        raise StructkitError("--ligand-file belongs to one structure; give a single target with it")
    keys = ("ligand", "chain", "ligand_file", "pose", "reference")
    per_structure = {key: getattr(args, key) for key in keys if hasattr(args, key)}
    return LoadOptions.resolve(args.mirror, cache=args.cache, offline=args.offline, **per_structure)


def _load_target(args: argparse.Namespace) -> Complex:
    return _load_options(args).load(args.target)


def _batch(args: argparse.Namespace, fn, progress=None,
           engine: Engine | None = None) -> tuple[list, str | None]:
    """``fn`` over every target with the one batch policy of the command line.

    The good inputs are processed; each failure is printed as one line; the command then writes
    what succeeded and exits 1 (see :func:`_finish`). ``--strict`` stops at the first failure; a
    single target fails as itself.

    Returns
    -------
    results : list
        ``fn``'s results for the targets that succeeded.
    summary : str or None
        ``"k of n structures failed: ..."``, None when all succeeded.
    """
    targets = _ids(args, "targets")
    options = _load_options(args, len(targets))
    failures: dict[str, str] | None = None if args.strict or len(targets) == 1 else {}
    results = map_structures(targets, fn, progress=progress, failures=failures, engine=engine,
                             options=options)
    _print_failures(failures)
    return results, _failure_summary(failures, len(targets))


def _print_failures(failures: dict[str, str] | None) -> None:
    """One ``structkit: error:`` line per failed structure of a batch (after the progress line)."""
    if failures:
        _end_progress_line()
    for message in (failures or {}).values():
        print(f"structkit: error: {message}", file=sys.stderr)


def _failure_summary(failures: dict[str, str] | None, n_targets: int) -> str | None:
    if not failures:
        return None
    return f"{len(failures)} of {_count(n_targets, 'structure')} failed: {', '.join(failures)}"


def _finish(summary: str | None) -> int:
    """Exit status of a batch command: 1 with the summary line when some structures failed."""
    if summary is None:
        return 0
    print(f"structkit: error: {summary}", file=sys.stderr)
    return 1


def _end_progress_line() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _check_output(path: str | None) -> None:
    """Check a table output path before computing (see :func:`check_output_file`)."""
    if path:
        check_output_file(path, (".csv", ".parquet"))


def _emit_table(table: pd.DataFrame, output: str | None) -> None:
    """Write the table to OUTPUT (CSV or Parquet), or print it as CSV."""
    if output:
        write_table(table, output)
        print(f"wrote {_count(len(table), 'row')} to {output}")
    else:
        print(table.to_csv(index=False, lineterminator="\n", float_format="%.4g"), end="")


def _progress_line():
    """A progress callback that redraws one stderr line when stderr is a terminal."""
    interactive = sys.stderr.isatty()

    def progress(k: int, n: int, entry: str) -> None:
        if interactive and n > 1:
            print(f"\r[{k}/{n}] {entry}   ", end="" if k < n else "\n", file=sys.stderr, flush=True)

    return progress


def _ids(args: argparse.Namespace, name: str) -> list[str]:
    values = list(getattr(args, name))
    if args.all:
        values += catalogue_ids()
    if not values:
        raise StructkitError(f"give at least one {name[:-1].replace('_', ' ')} or --all")
    return list(dict.fromkeys(values))


def _discovered_ids(args: argparse.Namespace) -> list[str]:
    """IDs of ALK entries the RCSB knows beyond the catalogue (``fetch --all --discover``)."""
    from structkit.analysis.discover import discover
    from structkit.io.rcsb import RcsbClient

    client = RcsbClient(timeout=args.timeout, retries=args.retries, cache=args.cache, offline=args.offline)
    try:
        rows = discover(client=client)
    except StructkitError as exc:
        print(f"structkit: warning: discovery failed ({exc}); fetching the catalogue's entries only",
              file=sys.stderr)
        return []
    new = [r["pdb_id"] for r in rows if r["verified"] != "yes"]
    print(f"structkit: discovered {_count(len(new), 'entry', 'entries')} beyond the catalogue",
          file=sys.stderr)
    return new


def _cmd_fetch(args: argparse.Namespace) -> int:
    if args.discover and not args.all:
        raise StructkitError("--discover adds the RCSB's current entries to --all; give both")
    ids = [normalize_pdb_id(i) for i in _ids(args, "ids")]
    if args.discover:
        ids += [i for i in _discovered_ids(args) if i not in ids]
    width = len(str(len(ids)))

    def progress(k: int, n: int, pdb_id: str, result: FetchResult | None, error: str | None) -> None:
        prefix = f"[{k:>{width}}/{n}] " if n > 1 else ""
        if result is not None:
            print(f"{prefix}{result.pdb_id}\t{result.origin}\t{result.path}", flush=True)
        elif n > 1:
            print(f"{prefix}{pdb_id}\tfailed\t{error}", file=sys.stderr, flush=True)

    _, errors = fetch_many(
        ids, progress=progress, mirrors=args.mirror, cache=args.cache, offline=args.offline,
        timeout=args.timeout, retries=args.retries,
    )
    if errors:
        if len(ids) == 1:
            raise StructkitError(next(iter(errors.values())))
        raise StructkitError(
            f"{len(errors)} of {_count(len(ids), 'entry', 'entries')} could not be fetched: "
            f"{', '.join(errors)}"
        )
    return 0


def _cmd_discover(args: argparse.Namespace) -> int:
    from structkit.analysis.discover import discover, verify_rows, write_catalogue
    from structkit.catalogue import catalogue
    from structkit.io.rcsb import RcsbClient

    if args.output:
        check_output_file(args.output, (".csv",))
    client = RcsbClient(timeout=args.timeout, retries=args.retries, cache=args.cache, offline=args.offline,
                        max_age=0.0 if args.refresh else 86400.0)
    try:
        rows = discover(args.uniprot.strip().upper(), args.since, client=client)
    except StructkitError as exc:
        raise StructkitError(f"{exc}; the shipped catalogue ({_count(len(catalogue()), 'entry', 'entries')})"
                             " stays in use") from None
    failures: dict[str, str] = {}
    if args.verify:
        rows = verify_rows(rows, failures=failures, progress=_timed_progress("new entries"),
                           options=_load_options(args))
    new = [r for r in rows if "discovered through the RCSB" in r["notes"]]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        n_verified = sum(r["verified"] == "yes" for r in new)
        print(f"{_count(len(rows), 'entry', 'entries')} mapped to {args.uniprot}: "
              f"{len(rows) - len(new)} in the catalogue, {len(new)} new ({n_verified} verified)")
        for row in new:
            state = "verified" if row["verified"] == "yes" else "unverified"
            drug = f" ({row['drug']})" if row["drug"] else ""
            resolution = f"  {row['resolution_A']} A" if row["resolution_A"] else ""
            print(f"  {row['pdb_id']}  {state:<10}  chain {row['chain'] or '-'}  "
                  f"ligand {row['ligand'] or '-'}{drug}  {row['mutations'] or '?'}{resolution}")
    for pdb_id, message in failures.items():
        print(f"structkit: error: {message} (the row of {pdb_id} stays unverified)", file=sys.stderr)
    if args.output:
        write_catalogue(rows, args.output)
        print(f"wrote {_count(len(rows), 'row')} to {args.output}")
    return 1 if failures else 0


def _format_state(c: dict) -> str:
    def number(value) -> str:
        return f"{value:.1f}" if isinstance(value, float) and value == value else "-"

    return (f"DFG-{c['dfg']} (D1 {number(c['dfg_d1_A'])} A, D2 {number(c['dfg_d2_A'])} A), "
            f"aC-{c['alpha_c']} (Lys-Glu CB {number(c['lys_glu_cb_A'])} A, "
            f"salt bridge {number(c['lys_glu_salt_bridge_A'])} A)")


def _format_info(s: dict) -> str:
    res = f", {s['resolution']:.2f} Å" if s.get("resolution") else ""
    drug = f" ({s['drug']})" if s.get("drug") else ""
    gaps = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in s["gaps"]) or "none"
    missing = s["missing_atoms"]
    missing_text = "; ".join(f"{k}: {' '.join(v)}" for k, v in list(missing.items())[:6])
    if len(missing) > 6:
        missing_text += f"; ... ({len(missing) - 6} more)"
    if s["kinase"] == "ALK" and s["reference"] != "author numbering":
        numbering = f"UniProt Q9UM73 numbering by {s['numbering']}"
    elif s["reference"] == "author numbering":
        numbering = "the file's author numbering; no reference, so no mutations are read"
    else:
        numbering = f"numbering of {s['reference']} by {s['numbering']}"
    ligand_source = (f", {_count(s['n_ligand_atoms'], 'heavy atom')}, chemistry from {s['ligand_source']}"
                     if s["ligand"] else "")
    lines = [
        f"{s['pdb_id'] or '-'}  {s['source']} ({s['format']}{res})",
        f"  kinase      {s['kinase'] or 'unnamed protein kinase'}; gatekeeper {s['gatekeeper'] or 'missing'}",
        f"  chain       {s['chain']}",
        f"  inhibitor   {s['ligand'] or 'none (apo)'}{drug}{ligand_source}",
        f"  residues    {s['first_residue']}-{s['last_residue']} "
        f"({s['n_residues']} with coordinates, {numbering})",
        f"  gaps        {gaps}",
        f"  mutations   {_mutations_line(s)}",
        f"  altlocs     {_count(s['n_altloc_atoms'], 'atom record')} with alternate locations",
        f"  missing     {_count(s['n_residues_missing_atoms'], 'residue')} "
        + ("lacks" if s['n_residues_missing_atoms'] == 1 else "lack") + " template atoms"
        + (f" ({missing_text})" if missing_text else ""),
        f"  waters      {s['n_waters']}; additives: {', '.join(s['additives']) or 'none'}",
        f"  state       {_format_state(s['conformation'])}",
    ]
    lines += [f"  warning     {w}" for w in s.get("warnings", [])]
    return "\n".join(lines)


def _mutations_line(summary: dict) -> str:
    """The mutations of an info summary; without a reference none can be read, and it says so."""
    if summary["mutations"] is None:
        engineered = summary["declared_mutations"]
        declared = f"; the file declares {', '.join(engineered)}" if engineered else ""
        return f"not read (no reference sequence: give --reference FASTA){declared}"
    return ", ".join(summary["mutations"]) or "none (wild type)"


def _cmd_info(args: argparse.Namespace) -> int:
    def one(complex_: Complex) -> dict:
        summary = complex_.summary()
        if not args.json:
            print(_format_info(summary), flush=True)
        return summary

    summaries, failed = _batch(args, one)
    if args.json:
        print(json.dumps(summaries, indent=2))
    return _finish(failed)


def _parse_site_list(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise StructkitError(f"--sites takes UniProt numbers such as 1196,1202, not {text!r}") from None


def _cmd_sites(args: argparse.Namespace) -> int:
    sites = _parse_site_list(args.sites)
    def one(complex_: Complex) -> pd.DataFrame:
        frame = site_table(complex_, sites)
        if not (args.json or args.csv):
            drug = f" ({complex_.drug})" if complex_.drug else ""
            print(f"{complex_.pdb_id or complex_.source}  chain {complex_.chain}  "
                  f"inhibitor {complex_.ligand or 'none'}{drug}")
            print(frame.drop(columns="pdb_id").to_string(index=False, na_rep="-"))
            print(flush=True)
        return frame

    frames, failed = _batch(args, one)
    if not frames:
        return _finish(failed)
    table = pd.concat(frames, ignore_index=True)
    if args.json:
        print(table.to_json(orient="records", indent=2))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n"), end="")
    return _finish(failed)


def _cmd_features(args: argparse.Namespace) -> int:
    sites = _parse_site_list(args.sites)
    _check_output(args.output)
    frames, failed = _batch(args, partial(site_features, sites=sites), progress=_progress_line(),
                            engine=_engine(args))
    if frames:
        _emit_table(pd.concat(frames, ignore_index=True), args.output)
    return _finish(failed)


def _cmd_interactions(args: argparse.Namespace) -> int:
    from structkit.analysis.interactions import fingerprint, interactions

    _check_output(args.output)
    targets = _ids(args, "targets")
    failures: dict[str, str] | None = None if args.strict or len(targets) == 1 else {}
    apo: list[str] | None = None if len(targets) == 1 else []  # one apo target is an error
    table = interactions(targets, options=_load_options(args, len(targets)), progress=_progress_line(),
                         failures=failures, engine=_engine(args), apo=apo)
    _print_failures(failures)
    if apo:
        print(f"structkit: note: {_count(len(apo), 'structure')} without an inhibitor left out: "
              f"{', '.join(apo)}", file=sys.stderr)
    if args.fingerprint:
        table = fingerprint(table)
    if args.output:
        _emit_table(table, args.output)
    elif args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n"), end="")
    else:
        for structure, rows in table.groupby("structure", sort=False):
            print(structure)
            print(rows.drop(columns="structure").to_string(index=False, na_rep="-"))
            print(flush=True)
    return _finish(_failure_summary(failures, len(targets)))


def _interaction_changes(complex_: Complex, model) -> pd.DataFrame | None:
    """Interactions the mutation removes or adds at its sites (None for an apo structure)."""
    from structkit.analysis.interactions import interaction_changes, interaction_table

    if len(complex_.inhibitor) == 0:
        return None
    sites = [site.site for site in model.sites]
    return interaction_changes(interaction_table(complex_), interaction_table(model.complex_), sites)


def _changed(changes: pd.DataFrame | None, kind: str, site: int) -> str:
    """``type (protein atoms-ligand atoms d Å)`` of one site's removed or added interactions."""
    if changes is None:
        return ""
    rows = changes[(changes["change"] == kind) & (changes["uniprot"] == site)]
    return "; ".join(f"{r.type} ({r.protein_atoms}-{r.ligand_atoms} {r.distance:.1f} A)"
                     for r in rows.itertuples())


def _cmd_mutate(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output, (".pdb",))
    complex_ = _load_target(args)
    model = mutate(complex_, _mutation_argument(args.mutation))
    report = model.to_frame()
    changes = _interaction_changes(complex_, model)
    report["interactions_removed"] = [_changed(changes, "removed", site) for site in report["site"]]
    report["interactions_added"] = [_changed(changes, "added", site) for site in report["site"]]
    for note in model.notes:
        print(f"structkit: note: {note}", file=sys.stderr)
    if args.output:
        remarks = [f"structkit mutant model of {complex_.pdb_id or complex_.source}: {model.mutation}",
                   "side chains: Dunbrack bbind02 rotamers, best by van der Waals overlap"]
        for site in model.sites:
            remarks.append(f"{site.to_residue}{site.site}: rotamer {site.best_rotamer} chis "
                           + " ".join(f"{c:.1f}" for c in site.best_chis))
        write_pdb(model.complex_, args.output, remarks)
    if args.json:
        print(report.to_json(orient="records", indent=2))
    else:
        for row in report.itertuples(index=False):
            print(f"{row.pdb_id} {row.mutation}: site {row.site} {row.from_residue}->{row.to_residue}"
                  f" (inhibitor {row.ligand or 'none'}{' ' + row.drug if row.drug else ''})")
            print(f"  rotamers          {row.n_rotamers} in the library, {row.n_feasible_rotamers} without "
                  f"protein clash, {row.n_clear_rotamers} also clear of the inhibitor")
            print(f"  best rotamer      #{row.best_rotamer} (frequency {row.best_rotamer_frequency:.3f};"
                  f" chi {row.best_chis or '-'})")
            print(f"  inhibitor clash   max overlap {row.inhibitor_max_overlap_A:.2f} A, "
                  f"{_count(row.inhibitor_clash_pairs, 'pair')} over 0.4 A")
            print(f"  protein strain    max overlap {row.protein_max_overlap_A:.2f} A, "
                  f"{_count(row.protein_clash_pairs, 'pair')} over 0.4 A")
            print(f"  side-chain volume {row.sidechain_volume_wt_A3:.0f} -> "
                  f"{row.sidechain_volume_mut_A3:.0f} A^3 ({row.volume_change_A3:+.0f})")
            if row.clashing_atom_pairs:
                print(f"  clashing pairs    {row.clashing_atom_pairs}")
            if len(complex_.inhibitor):
                print(f"  interactions lost {row.interactions_removed or 'none'}")
                print(f"  interactions new  {row.interactions_added or 'none'}")
    if args.output:
        print(f"wrote {args.output}")
    return 0


def _cmd_scan(args: argparse.Namespace) -> int:
    mutations = [_mutation_argument(m.strip()) for text in args.mutations or [] for m in text.split(",")
                 if m.strip()]
    if args.review:
        mutations += review_mutations()
    if not mutations:
        raise StructkitError("give --mutations M ... or --review")
    _check_output(args.output)
    targets = _ids(args, "targets")
    failures: dict[str, str] | None = None if args.strict or len(targets) == 1 else {}
    engine = _engine(args)
    unit = "mutant models" if engine.serial else "structures"
    table = scan(targets, mutations, progress=_timed_progress(unit), failures=failures, engine=engine,
                 options=_load_options(args, len(targets)))
    _print_failures(failures)
    if len(table):
        _emit_table(table, args.output)
    return _finish(_failure_summary(failures, len(targets)))


def _cmd_trajectory(args: argparse.Namespace) -> int:
    from structkit.analysis.trajectory import trajectory_table

    _check_output(args.output)
    for path in (args.topology, args.trajectory):
        if not Path(path).is_file():
            raise StructkitError(f"{path}: no such file")
    with warnings.catch_warnings():  # MDAnalysis's notes on its own internals say nothing about the data
        warnings.filterwarnings("ignore", message="DCDReader currently makes independent timesteps")
        table = trajectory_table(args.topology, args.trajectory, _parse_site_list(args.sites),
                                 ligand=args.ligand, step=args.step, aggregate=args.aggregate,
                                 interactions=args.interactions,
                                 engine=_engine(args))
    _emit_table(table, args.output)
    return 0


def _cmd_view(args: argparse.Namespace) -> int:
    from structkit.analysis.ddg import ddg
    from structkit.analysis.views import ddg_numbers, view_html
    from structkit.io.viewer_library import viewer_library

    check_output_file(args.output, (".html",))
    mutations = [_mutation_argument(m.strip()) for text in args.mutation or [] for m in text.split(",")
                 if m.strip()]
    if args.ddg and not mutations:
        raise StructkitError("--ddg needs at least one --mutation")
    library = viewer_library(cache=args.cache, offline=args.offline)  # fails before any work
    complex_ = _load_target(args)
    models = [mutate(complex_, m) for m in mutations]
    for model in models:
        for note in model.notes:
            print(f"structkit: note: {note}", file=sys.stderr)
    numbers = None
    if args.ddg:
        # loaded as structkit ddg loads it (its hydrogens, the command's cache and mirrors)
        table = ddg(args.target, mutations, engine=_engine(args), options=_load_options(args))
        numbers = {row["mutation"]: ddg_numbers(row) for row in table.to_dict("records")}
    write_text_atomic(args.output, view_html(complex_, models, ddg=numbers, library=library))
    print(f"wrote {args.output} ({_count(len(models), 'mutant model')}; opens in a browser without network)")
    return 0


def _cmd_pymol(args: argparse.Namespace) -> int:
    check_output_file(args.output, (".pml",))
    complex_ = _load_target(args)
    model = mutate(complex_, _mutation_argument(args.mutation)) if args.mutation else None
    script, pdb = pymol_script(complex_, args.output, model)
    print(f"wrote {script} and {pdb}; open with: pymol {script}")
    return 0


def _cmd_pocket(args: argparse.Namespace) -> int:
    records = []
    complexes, failed = _batch(args, lambda complex_: complex_)
    for complex_ in complexes:
        table = complex_.pocket()
        name = str(complex_.pdb_id or complex_.source)
        if args.json:
            for row in table.to_dict(orient="records"):
                row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
                if row["resnum"] is not None:
                    row["resnum"] = int(row["resnum"])
                if row["distance_A"] is not None:
                    row["distance_A"] = round(float(row["distance_A"]), 3)
                records.append({"structure": name, **row})
            continue
        found = int((table["status"] != "missing").sum())
        print(f"{name}  {complex_.kinase or 'kinase'} chain {complex_.chain}: {found} of "
              f"{N_KLIFS_POSITIONS} KLIFS positions found"
              + (f" (TM-score {complex_.klifs.tm_score:.2f} to the ALK template)"
                                    if complex_.klifs is not None else " (ALK: curated map)"))
        for row in table.itertuples(index=False):
            where = "-" if pd.isna(row.resnum) else f"{row.resname} {row.resnum}{row.icode or ''}"
            flag = "" if row.status == "ok" else f"  [{row.status}]"
            print(f"  {row.klifs:>2} {row.region:<6} {where}{flag}")
        print()
    if args.json:
        print(json.dumps(records, indent=2))
    return _finish(failed)


def _cmd_coverage(args: argparse.Namespace) -> int:
    table = coverage(drug=args.drug, mutation=args.mutation, include_compounds=not args.exact)
    if args.json:
        print(table.to_json(orient="records", indent=2))
        return 0
    if table.empty:
        print("no coverage statement matches")
        return 0
    for relation in ("resistant", "covered"):
        part = table[table["relation"] == relation]
        if part.empty:
            continue
        label = "reported resistant" if relation == "resistant" else "reported covering"
        print(f"{label} ({_count(part['drug'].nunique(), 'drug')}):")
        for row in part.itertuples(index=False):
            ic50 = f"  IC50 {row.ic50_nM:g} nM" if row.ic50_nM == row.ic50_nM else ""
            refs = f"  refs {row.refs.replace(';', ',')}" if row.refs else ""
            flag = f"  [{row.flag}]" if row.flag else ""
            where = f"{row.source}, line {row.line}"
            print(f"  {row.drug:<20} {row.mutation:<16} {where:<18}{refs}{ic50}{flag}")
        print()
    return 0


def _timed_progress(unit: str):
    """Progress on stderr with the elapsed time and an estimate of the time left."""
    import time

    start = time.perf_counter()
    interactive = sys.stderr.isatty()
    last = [-1]

    def progress(done: int, total: int, label: str) -> None:
        elapsed = time.perf_counter() - start
        left = elapsed / done * (total - done) if done else float("nan")
        line = f"[{done}/{total} {unit}] {label}: {elapsed:.0f} s elapsed, about {left:.0f} s left"
        if interactive:
            print(f"\r{line}   ", end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif done == total or done * 10 // max(total, 1) != last[0]:
            last[0] = done * 10 // max(total, 1)
            print(line, file=sys.stderr, flush=True)

    return progress


def _cmd_ddg(args: argparse.Namespace) -> int:
    from structkit.analysis.ddg import ddg

    if args.models:
        check_output_folder(args.models)
    texts = [_mutation_argument(m.strip()) for text in args.mutations for m in text.split(",") if m.strip()]
    if not texts:
        raise StructkitError("give --mutations M1,M2,...")
    if args.atp_reference and not args.potency:
        raise StructkitError("--atp-reference goes with --potency")
    if args.potency and args.models:
        raise StructkitError("-o/--models writes the drug's relaxed models; leave out --potency for it")
    engine = _engine(args)
    timed = _timed_progress("estimates" if args.potency else "mutations")

    def progress(done: int, total: int, label: str) -> None:
        if done == 0:  # the API has checked the inputs: say what comes before the work starts
            if not started:
                started.append(True)
                print(f"structkit ddg: {_count(total, 'estimate')} on {engine.describe()}: about 1-2 s "
                      "per estimate and core for a kinase domain, plus 10-20 s once to protonate a "
                      "crystal structure", file=sys.stderr)
            return
        timed(done, total, label)

    started: list[bool] = []
    try:
        table = ddg(args.target, texts, engine=engine, models=args.models, use_cache=not args.no_cache,
                    progress=progress,
                    options=_load_options(args), potency=args.potency, atp_reference=args.atp_reference)
    except StructkitError as exc:
        if "no inhibitor in the structure" in str(exc) and not args.ligand_file:
            raise StructkitError(f"{exc} (give its pose with --ligand-file)") from None
        raise
    failed = table[table["status"] != "ok"]
    if args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2))
    else:
        print(table.drop(columns=["status"]).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print("ddg, ddg_sd: kcal/mol, positive = the inhibitor binds more weakly to the mutant; the "
              "components are the raw mutant-minus-wild-type terms (ddg = scale x their sum)")
        if args.potency:
            print("ddg_atp: the same for the nucleotide (Mg-ATP analogue); potency = ddg - ddg_atp, "
                  "positive = the drug is less potent on the mutant (ATP competition)")
    for row in failed.itertuples(index=False):
        print(f"structkit: error: {row.mutation}: {row.status}", file=sys.stderr)
    if args.models:
        print(f"wrote the relaxed wild-type and mutant regions to {args.models}", file=sys.stderr)
    return 1 if len(failed) else 0


def _cmd_benchmark(args: argparse.Namespace) -> int:
    from structkit.analysis.benchmark import abl_benchmark, benchmark_metrics, per_drug_metrics

    _check_output(args.output)
    if args.set == "egfr":
        return _benchmark_egfr(args)
    table = abl_benchmark(args.data or "../shared/benchmarks/abl_hauser2018", engine=_engine(args),
                          use_cache=not args.no_cache, drugs=args.drugs,
                          progress=_timed_progress("pairs"))
    if args.output:
        write_table(table, args.output)
        print(f"wrote {_count(len(table), 'row')} to {args.output}")
    metrics = benchmark_metrics(table)
    skipped = table[table["status"] != "ok"]
    print(f"ABL1 benchmark (Hauser 2018): {int((table['status'] == 'ok').sum())} of {len(table)} pairs "
          f"estimated, resistant = ddG_exp > 1.36 kcal/mol")
    for row in skipped.itertuples(index=False):
        print(f"  not modelled: {row.drug} {row.mutation}: {row.status}")
    cols = ["method", "rmse", "pearson", "kendall", "auc"]
    print(metrics[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    print(per_drug_metrics(table).to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    return 0


def _benchmark_egfr(args: argparse.Namespace) -> int:
    from structkit.analysis.egfr_benchmark import davis_check, egfr_benchmark, egfr_metrics

    folder = args.data or "../shared/benchmarks/egfr_robichaux2021"
    if args.drugs and [d.lower() for d in args.drugs] != ["gefitinib"]:
        raise StructkitError("the EGFR benchmark has complexes for gefitinib only")
    options = LoadOptions.resolve(cache=args.cache) if getattr(args, "cache", None) else LoadOptions.resolve()
    engine = _engine(args)
    table = egfr_benchmark(folder, options=options, engine=engine, use_cache=not args.no_cache,
                           progress=_timed_progress("estimates"))
    if args.output:
        write_table(table, args.output)
        print(f"wrote {_count(len(table), 'row')} to {args.output}")
    modelled = table[table["status"] == "ok"]
    print(f"EGFR potency benchmark (Robichaux 2021, gefitinib, Ba/F3): {len(modelled)} of {len(table)} "
          "variants estimated (the rest hold insertions or deletions); kcal/mol, + = less potent")
    cols = ["method", "n", "pearson", "spearman", "rmse", "auc_resistant", "auc_sensitised",
            "sensitised_below_zero"]
    print(egfr_metrics(table)[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    davis = davis_check(folder, options=options, engine=engine, use_cache=not args.no_cache)
    print("Davis 2011 binding (Kd) of gefitinib, binding ddG only:")
    print(davis.to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    return 0


def _cmd_advise(args: argparse.Namespace) -> int:
    from structkit.analysis.advise import VERDICT_RULE, advise

    texts = [_mutation_argument(m) for m in args.mutations]
    table = advise(texts, kinase=args.kinase, options=_load_options(args), engine=_engine(args),
                   use_cache=not args.no_cache, progress=_timed_progress("estimates"))
    if args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2, ensure_ascii=False))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n", float_format="%.3f"), end="")
    else:
        for mutation, rows in table.groupby("mutation", sort=False):
            print(f"{mutation} ({args.kinase}): drugs ranked from most to least likely to cover it")
            show = rows[["rank", "drug", "verdict", "potency", "potency_sd", "ddg", "ddg_atp", "mechanism",
                         "reported", "agreement"]]
            print(show.to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
        print(f"verdict: {VERDICT_RULE}; potency = drug ddG - ATP ddG (kcal/mol, + = less potent)")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    interactive = sys.stderr.isatty()
    last = {}

    def progress(step: str, done: int, total: int) -> None:
        if interactive:
            print(f"\r{step:<12} {done}/{total}   ", end="" if done < total else "\n", file=sys.stderr,
                  flush=True)
        elif done == total or done * 10 // max(total, 1) != last.get(step, -1):
            last[step] = done * 10 // max(total, 1)
            print(f"{step:<12} {done}/{total}", file=sys.stderr, flush=True)

    check_output_folder(args.output)
    written = run(args.output, progress=progress, abl=args.abl, egfr=args.egfr, engine=_engine(args),
                  reuse_energies=args.reuse_energies, options=_load_options(args))
    print(f"wrote {_count(len(written), 'file')} to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``structkit`` command."""
    parser = argparse.ArgumentParser(
        prog="structkit",
        description="Structural analysis of the ALK kinase ATP pocket and its resistance mutations.",
    )
    parser.add_argument("--version", action="version", version=f"structkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("fetch", help="get entry files (cache, then mirrors, then the RCSB)")
    p.add_argument("ids", nargs="*", metavar="ID", help="PDB IDs")
    p.add_argument("--all", action="store_true", help="every entry of the catalogue")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per attempt")
    p.add_argument("--retries", type=int, default=DEFAULT_RETRIES, help="retries per entry")
    p.add_argument("--discover", action="store_true",
                   help="with --all: also the ALK entries the RCSB lists beyond the catalogue")
    _add_source_options(p)
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("discover", help="find a kinase's PDB entries (RCSB Search and Data APIs)")
    p.add_argument("--uniprot", default="Q9UM73", metavar="ACCESSION",
                   help="UniProt accession of the kinase (default Q9UM73, ALK)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only entries released on or after this date")
    p.add_argument("--verify", action="store_true",
                   help="load each new entry's file (cache, mirrors, RCSB) and read its row off it")
    p.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="write the rows as a catalogue CSV")
    p.add_argument("--refresh", action="store_true",
                   help="ask the RCSB again even when answers of the last day are cached")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.add_argument("--retries", type=int, default=3, help="retries per request")
    _add_source_options(p)
    p.set_defaults(func=_cmd_discover)

    p = sub.add_parser("info", help="summarise structures (chain, inhibitor, residues, mutations)")
    _add_structure_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=_cmd_info)

    p = sub.add_parser("sites", help="the review's mutation sites in structures")
    _add_structure_options(p)
    p.add_argument("--sites", metavar="N,N", help="residue numbers (ALK: UniProt; default: review sites)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON records")
    out.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(func=_cmd_sites)

    p = sub.add_parser("pocket", help="the 85 KLIFS pocket positions of any kinase structure")
    _add_structure_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON list (one object per position)")
    p.set_defaults(func=_cmd_pocket)

    p = sub.add_parser("features", help="steric and distance features of sites against the inhibitor")
    _add_structure_options(p)
    p.add_argument("--sites", metavar="N,N", help="residue numbers (ALK: UniProt; default: review sites)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write FILE.csv or FILE.parquet (default: CSV to stdout)")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_features)

    p = sub.add_parser("interactions", help="typed inhibitor interactions per residue (hydrogen bonds, "
                       "π-stacking, salt bridges ...) and fingerprints")
    _add_structure_options(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list, one object per interaction")
    out.add_argument("--csv", action="store_true", help="print CSV")
    out.add_argument("-o", "--output", metavar="FILE", help="write FILE.csv or FILE.parquet")
    p.add_argument("--fingerprint", action="store_true",
                   help="one row per residue, one true/false column per interaction type")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_interactions)

    p = sub.add_parser("mutate", help="model a mutant side chain and score its clashes")
    _add_target_options(p)
    p.add_argument("mutation", metavar="MUTATION", help="e.g. G1202R or L1196M+G1202R")
    p.add_argument("-o", "--output", metavar="FILE.pdb", help="write the mutant complex as PDB")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_mutate)

    p = sub.add_parser("scan", help="model many mutations in many structures")
    p.add_argument("targets", nargs="*", metavar="ID|PATH", help="PDB IDs or structure files")
    p.add_argument("--all", action="store_true", help="every entry of the catalogue")
    p.add_argument("--mutations", nargs="+", metavar="M1,M2",
                   help="mutations to model (space- or comma-separated; compound with +)")
    p.add_argument("--review", action="store_true", help="every substitution the review names")
    p.add_argument("-o", "--output", metavar="FILE", help="write FILE.csv or FILE.parquet")
    _add_strict_option(p)
    _add_engine_options(p)
    _add_ligand_options(p)
    p.set_defaults(func=_cmd_scan)

    p = sub.add_parser("trajectory", help="site features over the frames of an MD trajectory")
    p.add_argument("topology", metavar="TOPOLOGY", help="topology file MDAnalysis reads (PDB, PSF, GRO ...)")
    p.add_argument("trajectory", metavar="TRAJECTORY", help="trajectory file (DCD, XTC, TRR ...)")
    p.add_argument("--sites", metavar="N,N", help="residue numbers (ALK: UniProt; default: review sites)")
    p.add_argument("--ligand", metavar="CCD", help="the inhibitor's residue name")
    p.add_argument("--step", type=int, default=None, help="use every STEP-th frame")
    p.add_argument("--aggregate", action="store_true", help="mean, sd, min and max per site")
    p.add_argument("--interactions", action="store_true",
                   help="the interaction fingerprint of every frame instead of site features")
    p.add_argument("-o", "--output", metavar="FILE", help="write FILE.csv or FILE.parquet")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_trajectory)

    p = sub.add_parser("view", help="write an interactive 3D view (one self-contained HTML file)")
    _add_target_options(p)
    p.add_argument("--mutation", nargs="+", metavar="M", help="mutant models to offer (e.g. G1202R L1196M)")
    p.add_argument("--ddg", action="store_true", help="also estimate each mutation's ddG and show it")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the page to write")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_view)

    p = sub.add_parser("pymol", help="write a PyMOL script of the sites, the inhibitor and a mutant")
    _add_target_options(p)
    p.add_argument("--mutation", metavar="M", help="also model this mutation and draw its clashes")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pml",
                   help="the script (a .pdb is written beside it)")
    p.set_defaults(func=_cmd_pymol)

    p = sub.add_parser("coverage", help="which drugs the review reports resisted by or covering a mutation")
    p.add_argument("--drug", metavar="NAME", help="one drug (crizotinib ... NVL-655)")
    p.add_argument("--mutation", metavar="M", help="a mutation (G1202R, G1202R+L1196M ...)")
    p.add_argument("--exact", action="store_true", help="do not list compounds containing the mutation")
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.set_defaults(func=_cmd_coverage)

    p = sub.add_parser("ddg", help="change in the inhibitor's binding free energy caused by mutations")
    _add_target_options(p)
    p.add_argument("--mutations", nargs="+", required=True, metavar="M1,M2",
                   help="substitutions, comma-separated (compound with +: G1202R+L1196M)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list (mutation, ddg, ddg_sd, components ...)")
    p.add_argument("-o", "--models", metavar="DIR",
                   help="write the relaxed wild-type and mutant regions as PDB files to DIR")
    p.add_argument("--potency", action="store_true",
                   help="also the ATP side (ddg_atp) and the potency shift: potency = ddg - ddg_atp")
    p.add_argument("--atp-reference", metavar="FILE_OR_ID",
                   help="the nucleotide complex for --potency (default: the kinase's, e.g. ALK 3LCT, "
                        "EGFR 2ITX)")
    _add_engine_options(p)
    p.add_argument("--no-cache", action="store_true", help="recompute instead of reading the result cache")
    p.set_defaults(func=_cmd_ddg)

    p = sub.add_parser("benchmark", help="validate the ddG estimate on measured data")
    p.add_argument("set", choices=["abl", "egfr"],
                   help="abl: 144 ABL1 mutation x drug pairs (Hauser 2018); egfr: the gefitinib potency "
                        "shifts of 52 EGFR substitution variants (Robichaux 2021) and Davis 2011 Kd")
    p.add_argument("--data", metavar="DIR",
                   help="the benchmark folder (default ../shared/benchmarks/abl_hauser2018 or "
                        "../shared/benchmarks/egfr_robichaux2021)")
    p.add_argument("--drugs", nargs="+", metavar="NAME", help="only these drugs")
    p.add_argument("-o", "--output", metavar="FILE", help="write the per-pair table (.csv or .parquet)")
    _add_engine_options(p)
    p.add_argument("--no-cache", action="store_true", help="recompute instead of reading the result cache")
    p.set_defaults(func=_cmd_benchmark)

    p = sub.add_parser("advise", help="which drugs still cover a mutation: review and predicted potency")
    p.add_argument("mutations", nargs="+", metavar="MUTATION",
                   help="single or compound substitutions (G1202R, G1202R+L1196M), each answered")
    p.add_argument("--kinase", default="ALK", help="the kinase (drug complexes exist for ALK)")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON records")
    form.add_argument("--csv", action="store_true", help="print CSV")
    _add_engine_options(p)
    _add_source_options(p)
    p.add_argument("--no-cache", action="store_true", help="recompute instead of reading the result cache")
    p.set_defaults(func=_cmd_advise)

    p = sub.add_parser("run", help="regenerate results/: tables, figures, REPORT.md, manifest")
    p.add_argument("-o", "--output", default="results", metavar="DIR", help="results folder")
    p.add_argument("--abl", default="../shared/benchmarks/abl_hauser2018", metavar="DIR",
                   help="the ABL1 benchmark folder (default ../shared/benchmarks/abl_hauser2018)")
    p.add_argument("--egfr", default="../shared/benchmarks/egfr_robichaux2021", metavar="DIR",
                   help="the EGFR potency benchmark folder (default ../shared/benchmarks/egfr_robichaux2021)")
    _add_engine_options(p)
    p.add_argument("--reuse-energies", metavar="DIR",
                   help="read the force-field tables (abl_benchmark, crystal_check, ddg_alk, ddg_atp, "
                        "egfr_*) from this results folder instead of computing them")
    _add_source_options(p)
    p.set_defaults(func=_cmd_run)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
