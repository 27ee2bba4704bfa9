"""Commands about structures themselves: fetch, discover, info, sites, pocket."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from structkit.cli.common import (
    add_csv_option,
    add_json_option,
    add_network_options,
    add_sites_option,
    add_source_options,
    add_structure_options,
    count,
    load_options,
    parse_site_list,
    target_ids,
)
from structkit.cli.output import (
    batch,
    finish,
    timed_progress,
)
from structkit.errors import StructkitError
from structkit.io.fetch import (
    fetch_each,
    normalize_pdb_id,
)
from structkit.io.write import (
    check_output_file,
)
from structkit.model.complex import Complex
from structkit.model.numbering import N_KLIFS_POSITIONS
from structkit.model.sites import site_table


def _discovered_ids(args: argparse.Namespace) -> list[str]:
    """IDs of ALK entries the RCSB knows beyond the catalogue (``fetch --all --discover``)."""
    from structkit.analysis.measure.discover import discover
    from structkit.io.rcsb import RcsbClient

    client = RcsbClient(timeout=args.timeout, retries=args.retries, cache=args.cache, offline=args.offline)
    try:
        rows = discover(client=client)
    except StructkitError as exc:
        print(f"structkit: warning: discovery failed ({exc}); fetching the catalogue's entries only",
              file=sys.stderr)
        return []
    new = [r["pdb_id"] for r in rows if r["verified"] != "yes"]
    print(f"structkit: discovered {count(len(new), 'entry', 'entries')} beyond the catalogue",
          file=sys.stderr)
    return new


def _cmd_fetch(args: argparse.Namespace) -> int:
    if args.discover and not args.all:
        raise StructkitError("--discover adds the RCSB's current entries to --all; give both")
    ids = [normalize_pdb_id(i) for i in target_ids(args, "ids")]
    if args.discover:
        ids += [i for i in _discovered_ids(args) if i not in ids]
    width = len(str(len(ids)))
    errors: dict[str, str] = {}
    for k, (pdb_id, result, error) in enumerate(fetch_each(
            ids, mirrors=args.mirror, cache=args.cache, offline=args.offline, timeout=args.timeout,
            retries=args.retries), start=1):
        prefix = f"[{k:>{width}}/{len(ids)}] " if len(ids) > 1 else ""
        if result is not None:
            print(f"{prefix}{result.pdb_id}\t{result.origin}\t{result.path}", flush=True)
            continue
        errors[pdb_id] = str(error)
        if len(ids) > 1:
            print(f"{prefix}{pdb_id}\tfailed\t{error}", file=sys.stderr, flush=True)
    if errors:
        if len(ids) == 1:
            raise StructkitError(next(iter(errors.values())))
        raise StructkitError(
            f"{len(errors)} of {count(len(ids), 'entry', 'entries')} could not be fetched: "
            f"{', '.join(errors)}"
        )
    return 0


def _cmd_discover(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.discover import (
        discover,
        is_discovered,
        is_release_date,
        verify_rows,
        write_catalogue,
    )
    from structkit.catalogue import catalogue
    from structkit.io.rcsb import RcsbClient

    if args.output:
        check_output_file(args.output, (".csv",))
    client = RcsbClient(timeout=args.timeout, retries=args.retries, cache=args.cache, offline=args.offline,
                        max_age=0.0 if args.refresh else 86400.0)
    if args.since is not None and not is_release_date(args.since):
        raise StructkitError(f"--since {args.since!r}: give a date as YYYY-MM-DD")
    try:
        rows = discover(args.uniprot.strip().upper(), args.since, client=client)
    except StructkitError as exc:
        raise StructkitError(f"{exc}; the shipped catalogue ({count(len(catalogue()), 'entry', 'entries')})"
                             " stays in use") from None
    failures: dict[str, str] = {}
    if args.verify:
        rows = verify_rows(rows, failures=failures, progress=timed_progress("new entries"),
                           options=load_options(args))
    new = [r for r in rows if is_discovered(r)]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        n_verified = sum(r["verified"] == "yes" for r in new)
        print(f"{count(len(rows), 'entry', 'entries')} mapped to {args.uniprot}: "
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
        print(f"wrote {count(len(rows), 'row')} to {args.output}")
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
    ligand_source = (f", {count(s['n_ligand_atoms'], 'heavy atom')}, chemistry from {s['ligand_source']}"
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
        f"  altlocs     {count(s['n_altloc_atoms'], 'atom record')} with alternate locations",
        f"  missing     {count(s['n_residues_missing_atoms'], 'residue')} "
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

    summaries, failed = batch(args, one)
    if args.json:
        print(json.dumps(summaries, indent=2))
    return finish(failed)


def _cmd_sites(args: argparse.Namespace) -> int:
    sites = parse_site_list(args.sites)
    def one(complex_: Complex) -> pd.DataFrame:
        frame = site_table(complex_, sites)
        if not (args.json or args.csv):
            drug = f" ({complex_.drug})" if complex_.drug else ""
            print(f"{complex_.pdb_id or complex_.source}  chain {complex_.chain}  "
                  f"inhibitor {complex_.ligand or 'none'}{drug}")
            print(frame.drop(columns="pdb_id").to_string(index=False, na_rep="-"))
            print(flush=True)
        return frame

    frames, failed = batch(args, one)
    if not frames:
        return finish(failed)
    table = pd.concat(frames, ignore_index=True)
    if args.json:
        print(table.to_json(orient="records", indent=2))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n"), end="")
    return finish(failed)


def _cmd_pocket(args: argparse.Namespace) -> int:
    records = []
    complexes, failed = batch(args, lambda complex_: complex_)
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
    return finish(failed)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the fetch, discover, info, sites, pocket commands."""
    p = sub.add_parser("fetch", help="get entry files (cache, then mirrors, then the RCSB)")
    p.add_argument("ids", nargs="*", metavar="ID", help="PDB IDs")
    p.add_argument("--all", action="store_true", help="every entry of the catalogue")
    add_network_options(p)
    p.add_argument("--discover", action="store_true",
                   help="with --all: also the ALK entries the RCSB lists beyond the catalogue")
    add_source_options(p)
    p.set_defaults(func=_cmd_fetch)
    p = sub.add_parser("discover", help="find a kinase's PDB entries (RCSB Search and Data APIs)")
    p.add_argument("--uniprot", default="Q9UM73", metavar="ACCESSION",
                   help="UniProt accession of the kinase (default Q9UM73, ALK)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only entries released on or after this date")
    p.add_argument("--verify", action="store_true",
                   help="load each new entry's file (cache, mirrors, RCSB) and read its row off it")
    add_json_option(p, "catalogue rows")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="write the rows as a catalogue CSV")
    p.add_argument("--refresh", action="store_true",
                   help="ask the RCSB again even when answers of the last day are cached")
    add_network_options(p)
    add_source_options(p)
    p.set_defaults(func=_cmd_discover)
    p = sub.add_parser("info", help="summarise structures (chain, inhibitor, residues, mutations)")
    add_structure_options(p)
    add_json_option(p, "structure summaries")
    p.set_defaults(func=_cmd_info)
    p = sub.add_parser("sites", help="the review's mutation sites in structures")
    add_structure_options(p)
    add_sites_option(p)
    out = p.add_mutually_exclusive_group()
    add_json_option(out, "site rows")
    add_csv_option(out)
    p.set_defaults(func=_cmd_sites)
    p = sub.add_parser("pocket", help="the 85 KLIFS pocket positions of any kinase structure")
    add_structure_options(p)
    add_json_option(p, "pocket positions")
    p.set_defaults(func=_cmd_pocket)
