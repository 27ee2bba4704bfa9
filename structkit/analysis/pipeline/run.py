"""``structkit run``: regenerate ``results/`` from scratch, deterministically.

Tables (CSV): ``structures`` (with the DFG and αC-helix state), ``features``, ``scan``,
``interactions`` (typed interactions of every drug complex), ``coverage``, ``join``, ``evaluation``,
``out_of_fold``, ``predictions``, ``saturation``, ``abl_benchmark`` and ``abl_metrics`` (the ddG
estimate on the measured ABL1 set), ``crystal_check`` (relaxed mutant side chains against mutant
crystals), ``egfr_panel`` (the measured-panel potency model leave one drug out, with its baselines),
``ddg_alk`` (the ddG estimate for every drug complex x every substitution at the review's sites and
the review's compound mutations), ``ddg_atp`` (the same mutations against ADP in 3LCT), ``poses`` and
``pose_summary`` (every co-crystal inhibitor posed from its SMILES, cross-template, against its
crystal), ``pose_transfer`` (every inhibitor held by two kinases posed in each from the other's
pose) and ``posed_ddg`` and ``posed_ddg_summary`` (the review mutations' ddG on each drug posed
from other ligands' templates against the same on its crystal complex); figures
(PNG) in ``figures/``; ``REPORT.md``; ``index.html`` (the report as a web page with sortable tables
and a link from every drug x mutation row to ``views/<drug>.html``, the drug complex's 3D view with
that mutant model; the views embed the 3Dmol.js library and are left out of version control);
``manifest.json`` (input checksums, package versions, command). Every file is written through a
temporary file and a rename, so an interrupted run never leaves a half-written file; tables hold no
timestamps and have a fixed row order, and every random step has a fixed seed, so two runs on the
same inputs give byte-identical tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Sequence
from functools import partial
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from structkit.analysis.measure.coverage import coverage_table
from structkit.analysis.measure.ddg import complexes_ddg, substitutions_at
from structkit.analysis.measure.features import site_features
from structkit.analysis.measure.interactions import (
    INTERACTION_COLUMNS,
    InteractionCriteria,
    interaction_table,
)
from structkit.analysis.measure.reference_complexes import (
    ALK_ATP_ENTRY,
    DrugComplex,
    alk_atp_complex,
    drug_complexes,
)
from structkit.analysis.measure.scan import SCAN_COLUMNS, review_mutations, scan_complex
from structkit.analysis.measure.structures import STRUCTURE_COLUMNS, structure_row
from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.presentation.figures import (
    abl_scatter_figure,
    distance_figure,
    heatmap_figure,
    interaction_heatmap_figure,
    pocket_map_figure,
    roc_figure,
    saturation_figure,
    save_figure,
)
from structkit.analysis.presentation.html_report import index_html, view_file_name
from structkit.analysis.presentation.report import RunResults, report_markdown
from structkit.analysis.presentation.views import ddg_numbers, view_html
from structkit.analysis.study.advise import judge, mechanism_class
from structkit.analysis.study.benchmark import abl_benchmark, benchmark_metrics
from structkit.analysis.study.crystal_check import crystal_check
from structkit.analysis.study.egfr_benchmark import (
    davis_check,
    egfr_benchmark,
    egfr_crystal_check,
    egfr_metrics,
)
from structkit.analysis.study.evaluation import evaluate
from structkit.analysis.study.panel_benchmark import panel_benchmark
from structkit.analysis.study.pose_benchmark import (
    pose_benchmark,
    pose_benchmark_summary,
    pose_transfer,
    posed_ddg,
    posed_ddg_summary,
)
from structkit.analysis.study.predictions import ddg_predictions, parse_mutation_positions, saturation_scan
from structkit.analysis.study.predictions import predictions as make_predictions
from structkit.analysis.study.relate import join
from structkit.catalogue import catalogue, catalogue_ids
from structkit.energy.ddg import METHOD as DDG_PROTOCOL
from structkit.energy.ensemble import BACKRUB_ANGLES
from structkit.energy.forcefield import record as force_field_record
from structkit.errors import StructkitError
from structkit.io.fetch import fetch, mirror_label
from structkit.io.load import LoadOptions
from structkit.io.measurements import egfr_cell_panel
from structkit.io.shared_data import ABL_BENCHMARK, EGFR_BENCHMARK, default_path
from structkit.io.viewer_library import viewer_library
from structkit.io.write import table_text, write_table, write_text_atomic
from structkit.model.complex import Complex
from structkit.model.conformation import ALPHA_C_CB_IN, DFG_D1_IN, DFG_D2_IN, DFG_D2_OUT
from structkit.model.mutate import mutate
from structkit.model.sites import review_sites
from structkit.version import __version__

__all__ = ["RESULT_TABLES", "run", "write_table"]

#: The tables ``structkit run`` writes, in order.
RESULT_TABLES = ["structures", "features", "scan", "interactions", "coverage", "join", "evaluation",
                 "out_of_fold", "predictions", "saturation", "abl_benchmark", "abl_metrics", "crystal_check",
                 "ddg_alk", "ddg_atp", "egfr_benchmark", "egfr_metrics", "egfr_crystal_check", "egfr_davis",
                 "egfr_panel", "poses", "pose_transfer", "pose_summary", "posed_ddg", "posed_ddg_summary"]
#: The expensive tables, force field and posing (read from ``reuse_energies`` instead of computed,
#: when given).
ENERGY_TABLES = ["crystal_check", "abl_benchmark", "ddg_alk", "ddg_atp", "egfr_benchmark",
                 "egfr_crystal_check", "egfr_davis", "poses", "pose_transfer", "posed_ddg"]
#: The ALK complex with a nucleotide in the ATP site (ADP), for ddG of the natural ligand.
ATP_COMPLEX = ALK_ATP_ENTRY
_PACKAGES = ["structkit", "numpy", "scipy", "pandas", "biopython", "rdkit", "biotite", "MDAnalysis",
             "matplotlib", "pyarrow", "openmm", "pdbfixer"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(out: Path, options: LoadOptions, tables: dict[str, Path]) -> dict:
    mirrors = [Path(m) for m in options.mirrors]
    inputs = {}
    used: set[Path] = set()
    for row in catalogue():
        if row["verified"] != "yes":
            continue
        try:
            found = fetch(row["pdb_id"], mirrors=options.mirrors, cache=options.cache, offline=True)
        except Exception:
            continue
        inputs[row["pdb_id"]] = {"file": found.path.name, "sha256": _sha256(found.path)}
        if found.origin == "mirror":
            used.update(m for m in mirrors if found.path.resolve().is_relative_to(m.resolve()))
    labels = mirror_labels([m for m in mirrors if m in used])
    data = {}
    for entry in sorted(resources.files("structkit.data").iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".csv", ".fasta")):
            data[entry.name] = hashlib.sha256(entry.read_bytes()).hexdigest()
    # structkit's own version from the code that ran (an editable install's metadata keeps the version
    # it was installed at); the others from their installed metadata
    versions: dict[str, str | None] = {"structkit": __version__}
    for name in _PACKAGES[1:]:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "command": "structkit run" + "".join(f" --mirror {m}" for m in labels),
        "mirrors": labels,
        "python": platform.python_version(),
        "packages": versions,
        "inputs": {"structures": inputs, "package_data": data},
        "force_field": {**force_field_record(), "ddg_protocol": DDG_PROTOCOL,
                        "second_estimator": "AutoDock Vina 1.2 intermolecular function on the same relaxed "
                                            "models (structkit.geometry.vina, XS types, 8 Å cut-off, rotor "
                                            "factor 0.05846 per RDKit rotatable bond; nothing fitted); "
                                            "ddg_consensus = mean of ddg and ddg_vina",
                        "ddg_mode": "fast (every table; the accurate mode, a mean over the crystal backbone "
                                    "and backrubs of " + ", ".join(f"{a:+g}" for a in BACKRUB_ANGLES)
                                    + " degrees, did not pay on the ABL1 benchmark)"},
        "interaction_criteria": InteractionCriteria().as_dict(),
        "conformation_rule": {"dfg": "Modi & Dunbrack 2019 spatial classes on KLIFS 17/28/82",
                              "dfg_d1_in_A": DFG_D1_IN, "dfg_d2_in_A": DFG_D2_IN, "dfg_d2_out_A": DFG_D2_OUT,
                              "alpha_c": "Lys(KLIFS 17)-Glu(KLIFS 24) CB distance",
                              "alpha_c_cb_in_A": ALPHA_C_CB_IN},
        "outputs": {name: _sha256(path) for name, path in tables.items()},
    }


def mirror_labels(mirrors: list[Path]) -> list[str]:
    """The mirror folders as manifests and reports name them (see :func:`mirror_label`), once each."""
    return list(dict.fromkeys(mirror_label(m) for m in mirrors))


def mechanism_classes(pred: pd.DataFrame, complexes: Sequence[DrugComplex], atp: Complex) -> list[str]:
    """The mechanism class (:func:`~structkit.analysis.study.advise.mechanism_class`) of every prediction row,
    per site of a compound joined by ``;`` (empty where the mutation names no site)."""
    by_drug = {dc.drug: dc.complex_ for dc in complexes}
    memo: dict[tuple[str, int], str] = {}
    out = []
    for drug, mutation in zip(pred["drug"], pred["mutation"]):
        classes = []
        for site in parse_mutation_positions(mutation):
            if (drug, site) not in memo:
                memo[(drug, site)] = mechanism_class(by_drug[drug], atp, site)
            classes.append(memo[(drug, site)])
        out.append("; ".join(dict.fromkeys(classes)))
    return out


def _read_table(path: Path) -> pd.DataFrame:
    """A results table as written by :func:`write_table` (empty text stays empty)."""
    if not path.is_file():
        raise StructkitError(f"{path}: no such results table to reuse")
    return _parse_table(path)


def _parse_table(source) -> pd.DataFrame:
    table = pd.read_csv(source, keep_default_na=False, na_values=[""])
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].fillna("")
    return table


def as_written(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it reads back from its CSV file (floats at the written precision).

    Everything derived from a computed table (predictions, the report, index.html) is derived
    from this, so a run that computes the table and a run that reuses the written file produce the
    same bytes.
    """
    import io

    return _parse_table(io.StringIO(table_text(table)))


def alk_mutations(complexes: Sequence[DrugComplex]) -> list[str]:
    """Every substitution at the review's sites (19 per site), then the review's compound mutations."""
    from structkit.model.mutations import mutation_positions

    review = review_mutations()
    sites = sorted({p for m in review for p in mutation_positions(m)})
    return substitutions_at(sites, complexes[0].complex_.reference) + [m for m in review if "+" in m]


def drug_interactions(complexes: Sequence[DrugComplex]) -> pd.DataFrame:
    """The typed interactions of every drug complex, with a leading ``drug`` column."""
    frames = [interaction_table(dc.complex_).assign(structure=dc.structure).assign(drug=dc.drug)
              for dc in complexes]
    table = pd.concat(frames, ignore_index=True)
    return table[["drug", *INTERACTION_COLUMNS]]


def _drug_view(complex_: Complex, drug: str, structure: str, mutations: list[str],
               numbers: dict[str, dict], library) -> str:
    """One task: the 3D view page of a drug complex with a model of each mutation."""
    models = []
    for mutation in mutations:
        try:
            models.append(mutate(complex_, mutation))
        except StructkitError:
            continue  # a site without coordinates: the row's link opens the wild type
    default = "G1202R" if "G1202R" in mutations else None
    return view_html(complex_, models, ddg=numbers, library=library, default=default,
                     title=f"{drug} ({structure}): mutant models")


def _write_views(folder: Path, complexes, predictions: pd.DataFrame, ddg_alk: pd.DataFrame, engine: Engine,
                 options: LoadOptions) -> list[Path]:
    """``views/<drug>.html`` for every drug complex, each offering every mutation of its predictions
    (the engine's progress hears ``(done, total, drug)``)."""
    library = viewer_library(cache=options.cache, offline=options.offline)
    by_drug = {drug: rows for drug, rows in ddg_alk.groupby("drug", sort=False)}
    tasks = []
    for dc in complexes:
        mutations = predictions.loc[predictions["drug"] == dc.drug, "mutation"].tolist()
        rows = by_drug.get(dc.drug, ddg_alk.iloc[:0])
        numbers = {row["mutation"]: ddg_numbers(row) for row in rows.to_dict("records")}
        tasks.append((dc.complex_, dc.drug, dc.structure, mutations, numbers))
    engine.report(0, len(tasks), "")
    pages = engine.map(_view_task, tasks, library, report=lambda task: task[1])
    return [write_text_atomic(folder / view_file_name(task[1]), page) for task, page in zip(tasks, pages)]


def _view_task(task: tuple, library) -> str:
    complex_, drug, structure, mutations, numbers = task
    return _drug_view(complex_, drug, structure, mutations, numbers, library)


def _catalogue_entry(complex_: Complex, liganded: frozenset[str], mutations: list[str]) -> tuple:
    """One task of a run: everything computed from one catalogue structure, loaded once."""
    frames = scan_complex(complex_, mutations) if complex_.pdb_id in liganded else []
    return structure_row(complex_), site_features(complex_), frames


def _catalogue_tables(ids: list[str], liganded: frozenset[str], engine: Engine,
                      options: LoadOptions) -> dict[str, pd.DataFrame]:
    """The structures, features and scan tables: one task per catalogue entry."""
    task = partial(_catalogue_entry, liganded=liganded, mutations=review_mutations())
    parts = map_structures(ids, task, engine=engine, options=options)
    scan_frames = [f for _, _, frames in parts for f in frames]
    return {
        "structures": pd.DataFrame([row for row, _, _ in parts], columns=STRUCTURE_COLUMNS),
        "features": pd.concat([frame for _, frame, _ in parts], ignore_index=True),
        "scan": pd.concat(scan_frames, ignore_index=True)[SCAN_COLUMNS],
    }


def run(
    output: str | os.PathLike = "results",
    *,
    abl: str | os.PathLike | None = None,
    egfr: str | os.PathLike | None = None,
    reuse_energies: str | os.PathLike | None = None,
    engine: Engine | None = None,
    options: LoadOptions | None = None,
) -> list[Path]:
    """Regenerate the whole results folder.

    Parameters
    ----------
    output : path
        The results folder.
    abl : path, optional
        The ABL1 benchmark folder (default: in the shared data folder,
        :mod:`structkit.io.shared_data`).
    egfr : path, optional
        The EGFR potency benchmark folder (default: in the shared data folder).
    engine : Engine, optional
        Where the per-structure tasks and the ddG estimates run (this process, a local Dask
        cluster or a Dask scheduler), the result cache (default: the cache of ``options``) and the
        progress, told ``(done, total, step)`` within each step (``structures``, ``ddg``, ...);
        the results do not depend on it.
    reuse_energies : path, optional
        A results folder whose force-field tables (:data:`ENERGY_TABLES`) are read instead of
        computed again (about 25 minutes on two cores without a warm cache); everything else is
        recomputed from them.
    options : LoadOptions, optional
        Where the structures come from (mirrors, cache, offline; default: the environment's);
        the manifest records its mirrors.

    Returns
    -------
    list of Path
        The files written.
    """
    options = options or LoadOptions.resolve()  # a missing mirror folder fails before any work
    engine = Engine.for_tasks(engine, cache=options.cache)
    with engine:  # one engine (one local cluster) for the whole run; shut down however it ends
        return _run(Path(output), abl or default_path(ABL_BENCHMARK), egfr or default_path(EGFR_BENCHMARK),
                    reuse_energies, engine, options)


def _run(out: Path, abl, egfr, reuse_energies, engine: Engine, options: LoadOptions) -> list[Path]:
    def say(name: str, done: int, total: int) -> None:
        engine.report(done, total, name)

    def step(name: str) -> Engine:
        """The engine of one step: its progress names the step."""
        return engine.reporting(lambda done, total, _label: say(name, done, total))

    ids = catalogue_ids()
    liganded = frozenset(r["pdb_id"] for r in catalogue() if r["verified"] == "yes" and r["ligand"])
    tables = _catalogue_tables(ids, liganded, step("structures"), options)
    cov = coverage_table()
    tables["coverage"] = cov
    complexes = drug_complexes(options)
    tables["interactions"] = drug_interactions(complexes)
    joined = join(complexes=complexes, progress=step("join").progress, options=options)
    _, model = make_predictions(joined)
    tables["saturation"] = saturation_scan(complexes, model, engine=step("saturation"))
    atp = alk_atp_complex(options)  # loaded once: the ATP side's ddG and the mechanism classes
    if reuse_energies is not None:
        for name in ENERGY_TABLES:
            tables[name] = _read_table(Path(reuse_energies) / f"{name}.csv")
    else:
        tables["crystal_check"] = crystal_check(progress=step("crystals").progress, options=options)
        mutations = alk_mutations(complexes)
        tables["abl_benchmark"] = abl_benchmark(abl, engine=step("abl"))
        tables["ddg_alk"] = complexes_ddg([(dc.drug, dc.structure, dc.complex_) for dc in complexes],
                                          mutations, engine=step("ddg"))
        tables["ddg_atp"] = complexes_ddg([("ADP", ATP_COMPLEX, atp)], mutations, engine=step("ddg ATP site"))
        tables["egfr_benchmark"] = egfr_benchmark(egfr, options=options, engine=step("egfr"))
        tables["egfr_crystal_check"] = egfr_crystal_check(egfr, options=options)
        tables["egfr_davis"] = davis_check(egfr, options=options, engine=step("egfr davis"))
        tables["poses"] = pose_benchmark(mirrors=options.mirrors, engine=step("poses"))
        tables["pose_transfer"] = pose_transfer(mirrors=options.mirrors, engine=step("pose transfer"))
        tables["posed_ddg"] = posed_ddg([(dc.drug, dc.structure, dc.complex_) for dc in complexes],
                                        review_mutations(), tables["ddg_alk"], mirrors=options.mirrors,
                                        engine=step("posed ddg"))
        for name in ENERGY_TABLES:
            tables[name] = as_written(tables[name])
    abl_table, ddg_alk, ddg_atp = tables["abl_benchmark"], tables["ddg_alk"], tables["ddg_atp"]
    tables["egfr_metrics"] = egfr_metrics(tables["egfr_benchmark"])
    say("panel", 0, 1)
    tables["egfr_panel"] = panel_benchmark(egfr_cell_panel(egfr))
    say("panel", 1, 1)
    tables["abl_metrics"] = benchmark_metrics(abl_table)
    tables["pose_summary"] = pose_benchmark_summary(tables["poses"], [dc.drug for dc in complexes],
                                                    tables["pose_transfer"])
    tables["posed_ddg_summary"] = posed_ddg_summary(tables["posed_ddg"])
    joined = joined.merge(ddg_alk[["drug", "mutation", "ddg", "ddg_sd"]], on=["drug", "mutation"], how="left")
    joined = joined.merge(ddg_atp[["mutation", "ddg"]].rename(columns={"ddg": "ddg_atp"}), on="mutation",
                          how="left")
    tables["join"] = joined
    say("evaluation", 0, 1)
    metrics, oof = evaluate(joined, progress=step("evaluation").progress)
    tables["evaluation"] = metrics
    tables["out_of_fold"] = oof
    pred = ddg_predictions(ddg_alk, joined, tables["saturation"], ddg_atp)
    pred["mechanism"] = mechanism_classes(pred, complexes, atp)
    judged = [judge(d, m, {"potency": p, "potency_sd": sd, "flag": f, "atp_flag": a,
                           "status": "ok" if np.isfinite(p) else "no estimate"}, mech, cov)
              for d, m, p, sd, f, a, mech in zip(pred["drug"], pred["mutation"],
                                                 pred["potency"].to_numpy(dtype=float),
                                                 pred["potency_sd"].to_numpy(dtype=float), pred["ddg_flag"],
                                                 pred["atp_flag"], pred["mechanism"])]
    for column in ("verdict", "evidence", "basis", "model_verdict", "p_resistant", "agreement"):
        pred[column] = [j[column] for j in judged]
    tables["predictions"] = pred

    written: dict[str, Path] = {}
    for name in RESULT_TABLES:
        path = out / f"{name}.csv"
        write_table(tables[name], path)
        written[name] = path

    figures = {
        "coverage_heatmap.png": heatmap_figure(pred[pred["mutation"].isin(set(joined["mutation"]))]),
        "interactions.png": interaction_heatmap_figure(tables["interactions"], set(review_sites())),
        "roc_curves.png": roc_figure(oof, metrics),
        "distance_by_region.png": distance_figure(tables["features"]),
        "pocket_map.png": pocket_map_figure(next(dc.complex_ for dc in complexes if dc.drug == "lorlatinib")),
        "saturation.png": saturation_figure(tables["saturation"]),
        "abl_benchmark.png": abl_scatter_figure(abl_table, tables["abl_metrics"]),
    }
    figure_paths = []
    for k, (name, fig) in enumerate(figures.items(), start=1):
        figure_paths.append(save_figure(fig, out / "figures" / name))
        say("figures", k, len(figures))
    say("manifest", 0, 1)
    manifest = _manifest(out, options, written)
    report = report_markdown(RunResults(tables=tables, complexes=complexes, model=model,
                                        figures=list(figures), mirrors=manifest["mirrors"]))
    say("manifest", 1, 1)
    report_path = write_text_atomic(out / "REPORT.md", report)
    view_paths = _write_views(out / "views", complexes, pred, ddg_alk, step("views"), options)
    index_path = write_text_atomic(out / "index.html", index_html(report, pred, abl_table))
    manifest_path = write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return [*written.values(), *figure_paths, report_path, index_path, *view_paths, manifest_path]
