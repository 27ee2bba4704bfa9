"""Commands on sites, contacts and mutant models.

features, interactions, mutate, scan, trajectory, view, pymol and coverage.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from functools import partial
from pathlib import Path

import pandas as pd

from structkit.analysis.measure.coverage import coverage
from structkit.analysis.measure.features import site_features
from structkit.analysis.measure.scan import review_mutations, scan
from structkit.cli.common import (
    add_compound_option,
    add_csv_option,
    add_engine_options,
    add_json_option,
    add_ligand_options,
    add_sites_option,
    add_strict_option,
    add_structure_options,
    add_table_output_option,
    add_target_options,
    apply_compound,
    count,
    engine_of,
    load_options,
    load_target,
    mutation_argument,
    mutation_list,
    parse_site_list,
    target_ids,
)
from structkit.cli.output import (
    batch,
    check_output,
    emit_table,
    failure_policy,
    failure_summary,
    finish,
    print_failures,
    progress_line,
    timed_progress,
)
from structkit.errors import StructkitError
from structkit.io.pymol import pymol_script
from structkit.io.write import (
    check_output_file,
    write_pdb,
    write_text_atomic,
)
from structkit.model.mutate import mutate


def _cmd_features(args: argparse.Namespace) -> int:
    sites = parse_site_list(args.sites)
    check_output(args.output)
    frames, failed = batch(args, partial(site_features, sites=sites), engine=engine_of(args, progress_line()))
    if frames:
        emit_table(pd.concat(frames, ignore_index=True), args.output)
    return finish(failed)


def _cmd_interactions(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.interactions import InteractionCriteria, fingerprint, interactions

    check_output(args.output)
    criteria = InteractionCriteria.named(args.rules)
    apply_compound(args, "targets")
    targets = target_ids(args, "targets")
    failures = failure_policy(args, targets)
    apo: list[str] | None = None if len(targets) == 1 else []  # one apo target is an error
    table = interactions(targets, criteria=criteria, options=load_options(args, len(targets)),
                         failures=failures, engine=engine_of(args, progress_line()), apo=apo)
    print_failures(failures)
    if apo:
        print(f"structkit: note: {count(len(apo), 'structure')} without an inhibitor left out: "
              f"{', '.join(apo)}", file=sys.stderr)
    if args.fingerprint:
        table = fingerprint(table)
    if args.output:
        emit_table(table, args.output)
    elif args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n"), end="")
    else:
        for structure, rows in table.groupby("structure", sort=False):
            print(structure)
            print(rows.drop(columns="structure").to_string(index=False, na_rep="-"))
            print(flush=True)
    return finish(failure_summary(failures, len(targets)))


def _cmd_mutate(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.interactions import mutant_report

    if args.output:
        check_output_file(args.output, (".pdb",))
    complex_ = load_target(args)
    model = mutate(complex_, mutation_argument(args.mutation))
    report = mutant_report(complex_, model)
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
                  f"{count(row.inhibitor_clash_pairs, 'pair')} over 0.4 A")
            print(f"  protein strain    max overlap {row.protein_max_overlap_A:.2f} A, "
                  f"{count(row.protein_clash_pairs, 'pair')} over 0.4 A")
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
    mutations = mutation_list(args.mutations)
    if args.review:
        mutations += review_mutations()
    if not mutations:
        raise StructkitError("give --mutations M ... or --review")
    check_output(args.output)
    apply_compound(args, "targets")
    targets = target_ids(args, "targets")
    failures = failure_policy(args, targets)
    engine = engine_of(args)
    unit = "mutant models" if engine.serial else "structures"
    table = scan(targets, mutations, failures=failures, engine=engine.reporting(timed_progress(unit)),
                 options=load_options(args, len(targets)))
    print_failures(failures)
    if len(table):
        emit_table(table, args.output)
    return finish(failure_summary(failures, len(targets)))


def _cmd_trajectory(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.trajectory import trajectory_table

    check_output(args.output)
    for path in (args.topology, args.trajectory):
        if not Path(path).is_file():
            raise StructkitError(f"{path}: no such file")
    with warnings.catch_warnings():  # MDAnalysis's notes on its own internals say nothing about the data
        warnings.filterwarnings("ignore", message="DCDReader currently makes independent timesteps")
        table = trajectory_table(args.topology, args.trajectory, parse_site_list(args.sites),
                                 ligand=args.ligand, step=args.step, aggregate=args.aggregate,
                                 interactions=args.interactions,
                                 engine=engine_of(args))
    emit_table(table, args.output)
    return 0


def _cmd_view(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.estimates import ddg
    from structkit.analysis.presentation.views import ddg_numbers, view_html
    from structkit.io.viewer_library import viewer_library

    check_output_file(args.output, (".html",))
    mutations = mutation_list(args.mutation)
    if args.ddg and not mutations:
        raise StructkitError("--ddg needs at least one --mutation")
    library = viewer_library(cache=args.cache, offline=args.offline)  # fails before any work
    apply_compound(args, "target")
    complex_ = load_target(args)
    models = [mutate(complex_, m) for m in mutations]
    for model in models:
        for note in model.notes:
            print(f"structkit: note: {note}", file=sys.stderr)
    numbers = None
    if args.ddg:
        # loaded as structkit ddg loads it (its hydrogens, the command's cache and mirrors)
        table = ddg(args.target, mutations, engine=engine_of(args), options=load_options(args))
        numbers = {row["mutation"]: ddg_numbers(row) for row in table.to_dict("records")}
    write_text_atomic(args.output, view_html(complex_, models, ddg=numbers, library=library))
    print(f"wrote {args.output} ({count(len(models), 'mutant model')}; opens in a browser without network)")
    return 0


def _cmd_pymol(args: argparse.Namespace) -> int:
    check_output_file(args.output, (".pml",))
    complex_ = load_target(args)
    model = mutate(complex_, mutation_argument(args.mutation)) if args.mutation else None
    script, pdb = pymol_script(complex_, args.output, model)
    print(f"wrote {script} and {pdb}; open with: pymol {script}")
    return 0


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
        print(f"{label} ({count(part['drug'].nunique(), 'drug')}):")
        for row in part.itertuples(index=False):
            ic50 = f"  IC50 {row.ic50_nM:g} nM" if row.ic50_nM == row.ic50_nM else ""
            refs = f"  refs {row.refs.replace(';', ',')}" if row.refs else ""
            flag = f"  [{row.flag}]" if row.flag else ""
            where = f"{row.source}, line {row.line}"
            print(f"  {row.drug:<20} {row.mutation:<16} {where:<18}{refs}{ic50}{flag}")
        print()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the features, interactions, mutate, scan, trajectory, view, pymol, coverage commands."""
    p = sub.add_parser("features", help="steric and distance features of sites against the inhibitor")
    add_structure_options(p)
    add_sites_option(p)
    add_table_output_option(p)
    add_engine_options(p)
    p.set_defaults(func=_cmd_features)
    p = sub.add_parser("interactions", help="typed inhibitor interactions per residue (hydrogen bonds, "
                       "π-stacking, salt bridges ...) and fingerprints")
    add_structure_options(p)
    out = p.add_mutually_exclusive_group()
    add_json_option(out, "interactions")
    add_csv_option(out)
    add_table_output_option(out)
    p.add_argument("--fingerprint", action="store_true",
                   help="one row per residue, one true/false column per interaction type")
    p.add_argument("--rules", choices=("default", "klifs"), default="default",
                   help="default: PLIP/ProLIF typing; klifs: the rules of KLIFS's interaction "
                        "fingerprint (hydrophobic by element, charges as drawn, KLIFS ring distances)")
    add_engine_options(p)
    add_compound_option(p)
    p.set_defaults(func=_cmd_interactions)
    p = sub.add_parser("mutate", help="model a mutant side chain and score its clashes")
    add_target_options(p)
    p.add_argument("mutation", metavar="MUTATION", help="e.g. G1202R or L1196M+G1202R")
    p.add_argument("-o", "--output", metavar="FILE.pdb", help="write the mutant complex as PDB")
    add_json_option(p, "site reports")
    p.set_defaults(func=_cmd_mutate)
    p = sub.add_parser("scan", help="model many mutations in many structures")
    p.add_argument("targets", nargs="*", metavar="ID|PATH", help="PDB IDs or structure files")
    p.add_argument("--all", action="store_true", help="every entry of the catalogue")
    p.add_argument("--mutations", nargs="+", metavar="M1,M2",
                   help="mutations to model (space- or comma-separated; compound with +)")
    p.add_argument("--review", action="store_true", help="every substitution the review names")
    add_table_output_option(p)
    add_strict_option(p)
    add_engine_options(p)
    add_ligand_options(p)
    add_compound_option(p)
    p.set_defaults(func=_cmd_scan)
    p = sub.add_parser("trajectory", help="site features over the frames of an MD trajectory")
    p.add_argument("topology", metavar="TOPOLOGY", help="topology file MDAnalysis reads (PDB, PSF, GRO ...)")
    p.add_argument("trajectory", metavar="TRAJECTORY", help="trajectory file (DCD, XTC, TRR ...)")
    add_sites_option(p)
    p.add_argument("--ligand", metavar="CCD", help="the inhibitor's residue name")
    p.add_argument("--step", type=int, default=None, help="use every STEP-th frame")
    p.add_argument("--aggregate", action="store_true", help="mean, sd, min and max per site")
    p.add_argument("--interactions", action="store_true",
                   help="the interaction fingerprint of every frame instead of site features")
    add_table_output_option(p)
    add_engine_options(p)
    p.set_defaults(func=_cmd_trajectory)
    p = sub.add_parser("view", help="write an interactive 3D view (one self-contained HTML file)")
    add_target_options(p)
    p.add_argument("--mutation", nargs="+", metavar="M", help="mutant models to offer (e.g. G1202R L1196M)")
    p.add_argument("--ddg", action="store_true", help="also estimate each mutation's ddG and show it")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the page to write")
    add_engine_options(p)
    add_compound_option(p)
    p.set_defaults(func=_cmd_view)
    p = sub.add_parser("pymol", help="write a PyMOL script of the sites, the inhibitor and a mutant")
    add_target_options(p)
    p.add_argument("--mutation", metavar="M", help="also model this mutation and draw its clashes")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pml",
                   help="the script (a .pdb is written beside it)")
    p.set_defaults(func=_cmd_pymol)
    p = sub.add_parser("coverage", help="which drugs the review reports resisted by or covering a mutation")
    p.add_argument("--drug", metavar="NAME", help="one drug (crizotinib ... NVL-655)")
    p.add_argument("--mutation", metavar="M", help="a mutation (G1202R, G1202R+L1196M ...)")
    p.add_argument("--exact", action="store_true", help="do not list compounds containing the mutation")
    add_json_option(p, "coverage statements")
    p.set_defaults(func=_cmd_coverage)
