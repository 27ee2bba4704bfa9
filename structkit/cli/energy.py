"""Commands of the energy model and the results package: ddg, benchmark, advise, run."""

from __future__ import annotations

import argparse
import json
import sys

from structkit.analysis.measure.thresholds import RESISTANT_KCAL
from structkit.cli.common import (
    add_compound_option,
    add_csv_option,
    add_engine_options,
    add_json_option,
    add_no_cache_option,
    add_source_options,
    add_table_output_option,
    add_target_options,
    apply_compound,
    count,
    engine_of,
    load_options,
    mutation_argument,
    mutation_list,
)
from structkit.cli.output import (
    TimeLeft,
    check_output,
    emit_table,
    timed_progress,
)
from structkit.energy.ensemble import MODES
from structkit.errors import NoInhibitorError, StructkitError
from structkit.io.compound import split_named
from structkit.io.shared_data import ABL_BENCHMARK, EGFR_BENCHMARK, default_path
from structkit.io.write import (
    check_output_file,
    check_output_folder,
    write_text_atomic,
)


def _cmd_ddg(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.estimates import ESTIMATE_COST, ddg, ddg_legend

    check_output(args.output)
    if args.models:
        check_output_folder(args.models)
    texts = mutation_list(args.mutations)
    if not texts:
        raise StructkitError("give --mutations M1,M2,...")
    if args.atp_reference and not args.potency:
        raise StructkitError("--atp-reference goes with --potency")
    if args.potency and args.models:
        raise StructkitError("--models writes the drug's relaxed models; leave out --potency for it")
    apply_compound(args, "target")
    timed = timed_progress("estimates" if args.potency else "mutations")

    def progress(done: int, total: int, label: str) -> None:
        if done == 0:  # the API has checked the inputs: say what comes before the work starts
            if not started:
                started.append(True)
                print(f"structkit ddg: {count(total, 'estimate')} on {engine.describe()}: about "
                      f"{ESTIMATE_COST[args.mode]} per estimate and core for a kinase domain, plus "
                      f"{ESTIMATE_COST['protonation']} once to protonate a crystal structure",
                      file=sys.stderr)
            return
        timed(done, total, label)

    started: list[bool] = []
    engine = engine_of(args, progress)
    try:
        table = ddg(args.target, texts, engine=engine, models=args.models, options=load_options(args),
                    potency=args.potency,
                    atp_reference=args.atp_reference, mode=args.mode, kinase=args.kinase, drug=args.drug)
    except NoInhibitorError as exc:
        if not args.ligand_file:
            raise StructkitError(f"{exc} (give its pose with --ligand-file)") from None
        raise
    failed = table[table["status"] != "ok"]
    if args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2))
    elif args.output:
        emit_table(table, args.output)
    else:
        print(table.drop(columns=["status"]).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print(ddg_legend(potency=args.potency))
    for row in failed.itertuples(index=False):
        print(f"structkit: error: {row.mutation}: {row.status}", file=sys.stderr)
    if args.models:
        print(f"wrote the relaxed wild-type and mutant regions to {args.models}", file=sys.stderr)
    return 1 if len(failed) else 0


def _cmd_benchmark(args: argparse.Namespace) -> int:
    from structkit.analysis.study.benchmark import abl_benchmark, benchmark_metrics, per_drug_metrics

    check_output(args.output)
    if args.set == "egfr":
        return _benchmark_egfr(args)
    if args.set == "poses":
        return _benchmark_poses(args)
    table = abl_benchmark(args.data or default_path(ABL_BENCHMARK), drugs=args.drugs, mode=args.mode,
                          engine=engine_of(args, timed_progress("pairs")))
    if args.output:
        emit_table(table, args.output)
    metrics = benchmark_metrics(table)
    skipped = table[table["status"] != "ok"]
    print(f"ABL1 benchmark (Hauser 2018): {int((table['status'] == 'ok').sum())} of {len(table)} pairs "
          f"estimated, resistant = ddG_exp >= {RESISTANT_KCAL} kcal/mol")
    for row in skipped.itertuples(index=False):
        print(f"  not modelled: {row.drug} {row.mutation}: {row.status}")
    if table["drug"].nunique() < 2:
        print("  one drug: ddg_pred needs a scale fitted on the other drugs (leave one drug out) and is "
              "left empty; give two or more with --drugs, or rank by ddg_raw")
    cols = ["method", "rmse", "pearson", "kendall", "auc"]
    print(metrics[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    print(per_drug_metrics(table).to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    return 0


def _benchmark_poses(args: argparse.Namespace) -> int:
    from structkit.analysis.study.pose_benchmark import (
        SUCCESS_RMSD,
        pose_benchmark,
        pose_benchmark_summary,
        pose_transfer,
    )
    from structkit.catalogue import drugs

    if args.drugs:
        raise StructkitError("the pose benchmark poses every co-crystal inhibitor; give --entries instead")
    engine = engine_of(args, timed_progress("ligands"))
    table = pose_benchmark(mirrors=args.mirror, entries=args.entries, engine=engine)
    transfer = pose_transfer(mirrors=args.mirror, entries=args.entries,
                             engine=engine.reporting(timed_progress("entries held by two kinases")))
    if args.output:
        emit_table(table, args.output)
    print(f"Pose benchmark: each co-crystal inhibitor posed from its SMILES with its own ligand's templates "
          f"removed (and, for an inhibitor held by two kinases, from the other kinase's pose of it); "
          f"success = heavy-atom RMSD <= {SUCCESS_RMSD} A to the crystal")
    summary = pose_benchmark_summary(table, [row["drug"] for row in drugs().values()], transfer)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    return 0


def _benchmark_egfr(args: argparse.Namespace) -> int:
    from structkit.analysis.study.egfr_benchmark import davis_check, egfr_benchmark, egfr_metrics

    folder = args.data or default_path(EGFR_BENCHMARK)
    if args.drugs and [d.lower() for d in args.drugs] != ["gefitinib"]:
        raise StructkitError("the EGFR benchmark has complexes for gefitinib only")
    options = load_options(args)  # the cache, mirrors and --offline asked for
    engine = engine_of(args, timed_progress("estimates"))
    table = egfr_benchmark(folder, options=options, engine=engine, mode=args.mode)
    if args.output:
        emit_table(table, args.output)
    modelled = table[table["status"] == "ok"]
    print(f"EGFR potency benchmark (Robichaux 2021, gefitinib, Ba/F3): {len(modelled)} of {len(table)} "
          "variants estimated (the rest hold insertions or deletions); kcal/mol, + = less potent")
    cols = ["method", "n", "pearson", "spearman", "rmse", "auc_resistant", "auc_sensitised",
            "sensitised_below_zero"]
    print(egfr_metrics(table)[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    davis = davis_check(folder, options=options, engine=engine.reporting(None))
    print("Davis 2011 binding (Kd) of gefitinib, binding ddG only:")
    print(davis.to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
    return 0


def _cmd_advise(args: argparse.Namespace) -> int:
    from structkit.analysis.measure.review_tables import context_lines
    from structkit.analysis.measure.scan import review_mutations
    from structkit.analysis.study.advise import ADVICE_LEGEND, advise

    if args.html:
        check_output_file(args.html, (".html",))
    texts = [mutation_argument(m) for m in args.mutations]
    if args.review:
        if args.kinase.upper() != "ALK":
            raise StructkitError("--review gives ALK's mutations; give another kinase's as arguments")
        texts += [m for m in review_mutations() if m not in texts]
    if not texts:
        raise StructkitError("give mutations (G1202R G1202R+L1196M ...) or --review")
    complexes = None
    if args.complexes:
        complexes = {}
        for text in args.complexes:
            drug, _, source = (part.strip() for part in text.partition("="))
            if not drug or not source:
                raise StructkitError(f"--complex {text}: give DRUG=FILE_OR_ID")
            if drug in complexes:
                raise StructkitError(f"--complex {text}: {drug} is given twice")
            complexes[drug] = source
    compounds: dict[str, str] = {}
    for text in args.compounds:
        name, rest = split_named(text.strip())
        if name is None:
            raise StructkitError(f"--compound {text}: give NAME=SMILES or NAME=FILE")
        if name in compounds:
            raise StructkitError(f"--compound {text}: {name} is given twice")
        compounds[name] = rest
    table = advise(texts, kinase=args.kinase, complexes=complexes, atp_reference=args.atp_reference,
                   options=load_options(args), engine=engine_of(args, timed_progress("estimates")),
                   compounds=compounds or None)
    if args.html:
        from structkit.analysis.presentation.panel_page import panel_html
        from structkit.model.mutations import mutation_positions
        from structkit.model.sites import primary_region_of

        regions = {}
        if args.kinase.upper() == "ALK":
            regions = {m: " + ".join(dict.fromkeys(primary_region_of(p) or "-"
                                                   for p in mutation_positions(m)))
                       for m in dict.fromkeys(table["mutation"])}
        write_text_atomic(args.html, panel_html(table, compounds=list(compounds), regions=regions,
                                                title=f"{args.kinase} resistance panel"))
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=2, ensure_ascii=False))
    elif args.csv:
        print(table.to_csv(index=False, lineterminator="\n", float_format="%.3f"), end="")
    else:
        for mutation, rows in table.groupby("mutation", sort=False):
            print(f"{mutation} ({args.kinase}): drugs ranked from most to least likely to cover it")
            show = rows[["rank", "drug", "verdict", "evidence", "model_verdict", "potency", "potency_sd",
                         "p_resistant", "mechanism"]]
            print(show.to_string(index=False, float_format=lambda v: f"{v:.2f}", na_rep="-"))
            for row in rows.itertuples(index=False):
                note = "" if row.evidence == "predicted" else f"; {row.agreement}"
                print(f"  {row.drug}: {row.basis}{note}")
        beyond = context_lines(list(dict.fromkeys(table["drug"]))) if args.kinase.upper() == "ALK" else []
        if beyond:
            print("Beyond the kinase domain, the review reports (its Tables 1, 3-5):")
            print("\n".join(beyond))
        print(ADVICE_LEGEND)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from structkit.analysis.pipeline.run import (
        run,  # matplotlib and the whole pipeline: only for this command
    )

    interactive = sys.stderr.isatty()
    last: dict[str, float] = {}
    clocks: dict[str, TimeLeft] = {}

    def progress(done: int, total: int, step: str) -> None:
        elapsed, left = clocks.setdefault(step, TimeLeft()).left(done, total)
        timing = ""
        if 0 < done < total and elapsed >= 10 and left == left:  # once the rate means something
            timing = f"  {elapsed:.0f} s, about {left:.0f} s left"
        elif done == total and elapsed >= 1:
            timing = f"  {elapsed:.0f} s"
        if interactive:
            print(f"\r{step:<12} {done}/{total}{timing}   ", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)
        elif done == total or done * 10 // max(total, 1) != last.get(step, -1):
            last[step] = done * 10 // max(total, 1)
            print(f"{step:<12} {done}/{total}{timing}", file=sys.stderr, flush=True)

    check_output_folder(args.output)
    written = run(args.output, abl=args.abl, egfr=args.egfr, engine=engine_of(args, progress),
                  reuse_energies=args.reuse_energies, options=load_options(args))
    print(f"wrote {count(len(written), 'file')} to {args.output}")
    return 0


def _add_mode_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=MODES, default="fast",
                   help="fast: side chains on the crystal backbone (default); accurate: the mean over "
                        "the crystal and four backrubbed backbones, about five times the cost")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ddg, benchmark, advise, run commands."""
    p = sub.add_parser("ddg", help="change in the inhibitor's binding free energy caused by mutations")
    add_target_options(p)
    p.add_argument("--mutations", nargs="+", required=True, metavar="M1,M2",
                   help="substitutions, comma-separated (compound with +: G1202R+L1196M)")
    out = p.add_mutually_exclusive_group()
    add_json_option(out, "estimates (mutation, ddg, ddg_sd, components ...)")
    add_table_output_option(out)
    p.add_argument("--models", metavar="DIR",
                   help="also write the relaxed wild-type and mutant regions as PDB files to DIR")
    p.add_argument("--potency", action="store_true",
                   help="also the ATP side (ddg_atp) and the potency shift: learned from the kinase's "
                        "measured cellular panel where it has one (EGFR's Ba/F3 panel), else ddg - ddg_atp")
    p.add_argument("--kinase", metavar="NAME",
                   help="with --potency: the kinase whose measured panel to learn from (default: the "
                        "name read off the structure)")
    p.add_argument("--drug", metavar="NAME",
                   help="with --potency: the drug's name, so that its own measurements are never used")
    p.add_argument("--atp-reference", metavar="FILE_OR_ID",
                   help="the nucleotide complex for --potency (default: the kinase's, e.g. ALK 3LCT, "
                        "EGFR 2ITX)")
    _add_mode_option(p)
    add_engine_options(p)
    add_no_cache_option(p)
    add_compound_option(p)
    p.set_defaults(func=_cmd_ddg)
    p = sub.add_parser("benchmark", help="validate the ddG estimate on measured data")
    p.add_argument("set", choices=["abl", "egfr", "poses"],
                   help="abl: 144 ABL1 mutation x drug pairs (Hauser 2018); egfr: the gefitinib potency "
                        "shifts of 52 EGFR substitution variants (Robichaux 2021) and Davis 2011 Kd; "
                        "poses: every co-crystal inhibitor of ALK, ABL1 and EGFR posed from its SMILES "
                        "against its crystal (give --mirror with ALK's structures)")
    p.add_argument("--data", metavar="DIR",
                   help=f"the benchmark folder (default {ABL_BENCHMARK} or {EGFR_BENCHMARK} in the shared "
                        "data folder: STRUCTKIT_SHARED, else ../shared)")
    p.add_argument("--drugs", nargs="+", metavar="NAME", help="only these drugs")
    p.add_argument("--entries", nargs="+", metavar="ID", help="poses: only these entries")
    add_table_output_option(p)
    _add_mode_option(p)
    add_engine_options(p)
    add_no_cache_option(p)
    add_source_options(p)
    p.set_defaults(func=_cmd_benchmark)
    p = sub.add_parser("advise", help="which drugs still cover a mutation: review and predicted potency")
    p.add_argument("mutations", nargs="*", metavar="MUTATION",
                   help="single or compound substitutions (G1202R, G1202R+L1196M), each answered")
    p.add_argument("--review", action="store_true",
                   help="also every mutation the review names (ALK's 35: the whole panel)")
    p.add_argument("--html", metavar="FILE.html",
                   help="also write the panel as a page: mutations as rows, drugs and compounds as columns")
    p.add_argument("--kinase", default="ALK",
                   help="the kinase (ALK's drug complexes are known; for another give --complex)")
    p.add_argument("--complex", action="append", default=[], metavar="DRUG=FILE_OR_ID", dest="complexes",
                   help="a drug's complex with the kinase, instead of ALK's (repeatable)")
    p.add_argument("--compound", action="append", default=[], metavar="NAME=SMILES|FILE", dest="compounds",
                   help="a new compound to rank beside the drugs, posed in the kinase (repeatable; "
                        "see 'structkit pose')")
    p.add_argument("--atp-reference", metavar="FILE_OR_ID",
                   help="the nucleotide complex of the ATP side (default: the kinase's, e.g. ALK 3LCT, "
                        "EGFR 2ITX; else a transplanted nucleotide)")
    p.add_argument("--reference", metavar="FASTA",
                   help="renumber the given complexes by this sequence (first=N in the header)")
    form = p.add_mutually_exclusive_group()
    add_json_option(form, "drug answers, one per mutation and drug")
    add_csv_option(form)
    add_engine_options(p)
    add_source_options(p)
    add_no_cache_option(p)
    p.set_defaults(func=_cmd_advise)
    p = sub.add_parser("run", help="regenerate results/: tables, figures, REPORT.md, manifest")
    p.add_argument("-o", "--output", default="results", metavar="DIR", help="results folder")
    p.add_argument("--abl", metavar="DIR",
                   help=f"the ABL1 benchmark folder (default {ABL_BENCHMARK} in the shared data folder: "
                        "STRUCTKIT_SHARED, else ../shared)")
    p.add_argument("--egfr", metavar="DIR",
                   help=f"the EGFR potency benchmark folder (default {EGFR_BENCHMARK} in the shared data "
                        "folder)")
    add_engine_options(p)
    p.add_argument("--reuse-energies", metavar="DIR",
                   help="read the force-field tables (abl_benchmark, crystal_check, ddg_alk, ddg_atp, "
                        "egfr_*) from this results folder instead of computing them")
    add_source_options(p)
    p.set_defaults(func=_cmd_run)
