"""How well :func:`structkit.posing.pose.pose` places inhibitors it has not seen: cross-template posing
of every co-crystal inhibitor of a kinase, against its crystal pose.

For every template of the kinases asked (ALK's entries; the ABL1 and EGFR complexes of the shared
benchmarks), its inhibitor is posed **from its SMILES** (the crystal's chemistry, no coordinates)
with every template of the same ligand removed: its own entry, the other entries of that
inhibitor, and any template whose canonical SMILES (stereo ignored) is the same. So the pose comes
from other ligands' templates (cross-template, not redocking), into the receptor the method
chooses (the kinase's structure whose ligand matches best), as a user's new compound would.

- ``rmsd``: heavy-atom RMSD (symmetry-aware, :func:`structkit.posing.rmsd.pose_rmsd`, no fitting) between
  the pose and the crystal ligand after superposing the crystal's KLIFS pocket C-alpha atoms on the
  receptor's (:func:`structkit.posing.templates.pocket_frame`);
- ``cross_kinase_rmsd``: the same with every template of the kinase itself removed too (the pose comes
  from other kinases' templates: a kinase never seen);
- ``redock_rmsd``: the baseline, plain AutoDock Vina docking of the same SMILES-built conformer into
  the entry's own receptor (cognate redocking, the easy case), in a box around the crystal ligand
  with 4 Å margins, ``exhaustiveness`` 8, top pose (for the first entry of each ligand with a drug
  name by default: about a minute per ligand).

A ligand with several entries is posed once; its RMSD is given against each entry's crystal.
Nucleotides are not posed.

:func:`pose_transfer` is the other half of "a kinase never seen": an inhibitor whose pose is known
in **another kinase** (imatinib in ABL2 for ABL1, gefitinib in ABL1 for EGFR), posed into its own
entry's receptor with every template of its own kinase removed and the other kinases' templates,
its own among them, kept: the case of a drug profiled on a new kinase. Every inhibitor of the library
found in two or more kinases is posed so, once per entry. ``reference`` and ``template_pose`` say
whether the pose measured against and the one placed on are crystals or docked models (the ABL1
benchmark's gefitinib and erlotinib, :data:`~structkit.posing.templates.ABL1_MODELLED`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform
from structkit.io.fetch import cache_dir
from structkit.io.write import write_text_atomic
from structkit.model.complex import Complex
from structkit.posing.placement import embedded
from structkit.posing.pose import pose, protocol
from structkit.posing.rmsd import graph_key, pose_rmsd
from structkit.posing.templates import (
    Template,
    crystal_smiles,
    pocket_ca,
    pocket_frame,
    pose_origin,
    sources_digest,
    template_library,
    template_sources,
)
from structkit.posing.vina_run import Box, VinaReceptor
from structkit.version import __version__

__all__ = ["POSED_DDG_COLUMNS", "POSE_BENCHMARK_COLUMNS", "POSE_TRANSFER_COLUMNS", "SUCCESS_RMSD",
           "crystal_in", "crystal_rmsd", "pose_benchmark", "pose_benchmark_summary", "pose_transfer",
           "posed_ddg", "posed_ddg_summary", "skeleton_smiles"]

_ANONYMOUS = {"LIG", "UNL", "UNK", "DRG", "INH"}
#: A pose within this heavy-atom RMSD of the crystal (Å) is a success.
SUCCESS_RMSD = 2.0
POSE_BENCHMARK_COLUMNS = [
    "kinase", "entry", "ligand", "drug", "n_heavy", "method", "receptor", "template", "template_kinase",
    "template_ligand", "similarity", "coverage", "core_shift", "confidence", "vina_score", "rmsd",
    "cross_kinase_method", "cross_kinase_template", "cross_kinase_confidence", "cross_kinase_rmsd",
    "redock_rmsd",
]
#: Columns of :func:`pose_transfer`.
POSE_TRANSFER_COLUMNS = ["kinase", "entry", "ligand", "drug", "reference", "n_heavy", "method", "template",
                         "template_kinase", "template_pose", "coverage", "core_shift", "confidence",
                         "vina_score", "rmsd"]


def skeleton_smiles(smiles: str) -> str:
    """One key for every entry and every drawing of one ligand (:func:`~structkit.posing.rmsd.graph_key`
    of the SMILES): a ligand drawn charged in one file and neutral in another is the same ligand."""
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    return graph_key(mol) if mol is not None else smiles


def _same_ligand(a: Template, b: Template) -> bool:
    """The same ligand: the same CCD code (a ligand read from an SDF is named ``LIG``, which says
    nothing) or the same bare graph."""
    codes = {a.ligand, b.ligand}
    same_code = len(codes) == 1 and not codes & _ANONYMOUS
    return same_code or skeleton_smiles(a.smiles) == skeleton_smiles(b.smiles)


def crystal_in(template: Template, receptor: Complex) -> np.ndarray:
    """The template's crystal ligand coordinates in the receptor's frame (KLIFS C-alpha superposition)."""
    rotation, translation, _ = pocket_frame((template.positions, template.ca), pocket_ca(receptor),
                                            template.label)
    return apply_transform(template.mol.GetConformer().GetPositions(), rotation, translation)


def crystal_rmsd(pose_mol, template: Template, receptor: Complex) -> float:
    """Symmetry-aware heavy-atom RMSD (Å) of a pose to the template's crystal ligand put in the
    receptor's frame (:func:`crystal_in`)."""
    from rdkit import Chem
    from rdkit.Geometry import Point3D

    reference = Chem.Mol(template.mol)
    conformer = reference.GetConformer()
    for k, p in enumerate(crystal_in(template, receptor)):
        conformer.SetAtomPosition(k, Point3D(*map(float, p)))
    return pose_rmsd(pose_mol, reference)


def _redock(template: Template, cache) -> float:
    from structkit.energy.prepare import prepare
    from structkit.io.compound import read_compound

    complex_ = template.load_complex()
    receptor = complex_.without_inhibitor()
    compound = read_compound(template.smiles, name=template.ligand)
    try:
        mol = embedded(compound.mol, template.label)
    except StructkitError:
        return float("nan")
    box = Box.around(template.mol.GetConformer().GetPositions(), margin=4.0, minimum=0.0)
    runner = VinaReceptor(prepare(receptor, cache=cache), box)
    docked = runner.dock(mol)[0][1]
    return crystal_rmsd(docked, template, receptor)


def _pose_ligand(group: list[Template], library: list[Template], redock: str | None, cross_kinase: bool,
                 cache) -> list[dict]:
    """Rows of one ligand's entries (one task)."""
    first = group[0]
    labels = {t.label for t in group}
    others = [t for t in library if t.label not in labels and not _same_ligand(t, first)]
    rows = []
    name = first.drug or first.ligand
    try:
        result = pose(f"{first.ligand}={first.smiles}", kinase=first.kinase, templates=others, cache=cache)
    except StructkitError as error:
        return [{"kinase": t.kinase, "entry": t.label, "ligand": t.ligand, "drug": name,
                 "method": f"failed: {error}"} for t in group]
    crossed = None
    if cross_kinase:
        foreign = [t for t in others if t.kinase != first.kinase]
        try:
            crossed = pose(f"{first.ligand}={first.smiles}", kinase=first.kinase, templates=foreign,
                           structure=result.receptor, cache=cache)
        except StructkitError:
            crossed = None
    for template in group:
        row = {"kinase": template.kinase, "entry": template.label, "ligand": template.ligand,
               "drug": template.drug or "", "n_heavy": template.mol.GetNumAtoms(), **{
                   k: v for k, v in result.summary().items()
                   if k in ("method", "receptor", "template", "template_kinase", "template_ligand",
                            "similarity", "coverage", "core_shift", "confidence", "vina_score")},
               "rmsd": round(crystal_rmsd(result.mol, template, result.receptor), 2)}
        if crossed is not None:
            row.update(cross_kinase_method=crossed.method, cross_kinase_template=crossed.template or "",
                       cross_kinase_confidence=crossed.confidence,
                       cross_kinase_rmsd=round(crystal_rmsd(crossed.mol, template, crossed.receptor), 2))
        if redock and template is first and (redock == "all" or template.drug):
            row["redock_rmsd"] = round(_redock(template, cache), 2)
        rows.append(row)
    return rows


def pose_benchmark(
    kinases: Sequence[str] = ("ALK", "ABL1", "EGFR"),
    *,
    mirrors: Iterable[str | os.PathLike] | None = None,
    entries: Sequence[str] | None = None,
    redock: str | None = "drugs",
    cross_kinase: bool = True,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Cross-template posing of every co-crystal inhibitor of the kinases (see the module notes).

    Parameters
    ----------
    kinases : sequence of str
        Kinases whose templates are posed.
    mirrors : paths, optional
        Mirror folders (ALK's structures).
    entries : sequence of str, optional
        Only these template labels (entry IDs).
    redock : {"drugs", "all"} or None
        The Vina redocking baseline for the first entry of every ligand (``"all"``), of every ligand
        with a drug name (``"drugs"``: ALK's clinical drugs and the ABL1 and EGFR complexes; about a
        minute each), or none.
    cross_kinase : bool
        Add the pose from other kinases' templates only.
    engine : Engine, optional
        Ligands are posed in parallel on its workers; each ligand's finished rows are read from its
        result cache when their key (version, posing protocol, template files, the ligand's
        entries, options) is there (unless ``use_cache`` is off); its progress hears
        ``(done, total, ligand)`` per ligand posed (default: in this process, ``STRUCTKIT_CACHE``).

    Returns
    -------
    pandas.DataFrame
        :data:`POSE_BENCHMARK_COLUMNS`, one row per entry, sorted by kinase and entry.
    """
    mirrors = list(mirrors or [])
    engine = engine or Engine(workers=1)
    cache = engine.cache
    wanted = {k.upper() for k in kinases}
    library = template_library(mirrors, cache=cache)
    chosen = [t for t in library if t.kinase.upper() in wanted and (not entries or t.label in entries)]
    if not chosen:
        raise StructkitError(f"no templates of {', '.join(sorted(wanted))} to pose"
                             + (f" among entries {', '.join(entries)}" if entries else ""))
    groups: dict[tuple[str, str], list[Template]] = {}
    for template in chosen:
        groups.setdefault((template.kinase, skeleton_smiles(template.smiles)), []).append(template)
    rows = _cached_rows("pose-group", groups, _pose_ligand, (library, redock, cross_kinase, cache),
                        f"{redock}\n{cross_kinase}", mirrors, engine)
    return _as_written(rows, POSE_BENCHMARK_COLUMNS)


def pose_transfer(
    *,
    mirrors: Iterable[str | os.PathLike] | None = None,
    entries: Sequence[str] | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Every inhibitor crystallised with two or more kinases, posed into each of its entries from the
    other kinases' templates only, its own crystal pose there included (see the module notes).

    Parameters
    ----------
    mirrors, entries, engine
        As for :func:`pose_benchmark` (one task per entry; rows cached by the same kind of key).

    Returns
    -------
    pandas.DataFrame
        :data:`POSE_TRANSFER_COLUMNS`, one row per entry, sorted by kinase and entry; empty where no
        inhibitor of the library is held by two kinases.
    """
    mirrors = list(mirrors or [])
    engine = engine or Engine(workers=1)
    library = template_library(mirrors, cache=engine.cache)
    skeletons = [skeleton_smiles(t.smiles) for t in library]
    kinases_of: dict[str, set[str]] = {}
    for template, skeleton in zip(library, skeletons):
        kinases_of.setdefault(skeleton, set()).add(template.kinase)
    chosen = {(t.kinase, t.label): [t] for t, skeleton in zip(library, skeletons)
              if len(kinases_of[skeleton]) > 1 and (not entries or t.label in entries)}
    rows = _cached_rows("pose-transfer", chosen, _transfer_entry, (library, engine.cache), "", mirrors,
                        engine)
    return _as_written(rows, POSE_TRANSFER_COLUMNS)


def _transfer_entry(group: list[Template], library: list[Template], cache) -> list[dict]:
    """One entry posed from the other kinases' templates (one task)."""
    template = group[0]
    foreign = [t for t in library if t.kinase != template.kinase]
    row = {"kinase": template.kinase, "entry": template.label, "ligand": template.ligand,
           "drug": template.drug or "", "reference": pose_origin(template),
           "n_heavy": template.mol.GetNumAtoms()}
    try:
        result = pose(f"{template.ligand}={template.smiles}", kinase=template.kinase, templates=foreign,
                      structure=template.load_complex(), cache=cache)
    except StructkitError as error:
        return [{**row, "method": f"failed: {error}"}]
    summary = result.summary()
    row.update({k: summary[k] for k in ("method", "template", "template_kinase", "coverage", "core_shift",
                                         "confidence", "vina_score")})
    # an entry with two inhibitors gives two templates of one label: the ligand tells them apart
    used = [t for t in foreign if (t.label, t.ligand) == (result.template, result.template_ligand)]
    row["template_pose"] = pose_origin(used[0]) if used else ""
    row["rmsd"] = round(crystal_rmsd(result.mol, template, result.receptor), 2)
    return [row]


def _cached_rows(kind: str, groups: dict, task, arguments: tuple, options: str,
                 mirrors: list, engine: Engine) -> list[dict]:
    """Each group's rows, read from the engine's result cache or computed on its workers and cached
    on their own (an interrupted benchmark resumes; a kinase added later costs only its ligands). The
    key holds the version, the posing protocol, the group's labels, the options and every template
    file."""
    digest = sources_digest(template_sources(mirrors))
    # ("pose-group" keys in "pose-groups", as before this helper: the rows cached then still count)
    folder = cache_dir(engine.cache) / "benchmarks" / f"{kind}s"
    method = protocol()
    keys = {k: hashlib.sha256(f"{kind} {__version__}\n{method}\n{k}\n{[t.label for t in g]}\n"
                              f"{options}\n{digest}".encode()).hexdigest()[:32]
            for k, g in groups.items()}
    done = {k: json.loads((folder / f"{keys[k]}.json").read_text()) for k in groups
            if engine.use_cache and (folder / f"{keys[k]}.json").is_file()}
    todo = [k for k in groups if k not in done]
    key_of = {id(groups[k]): k for k in todo}
    posed = [len(done)]

    def finished(group: list[Template], rows: list[dict]) -> None:
        # each group's rows are kept as soon as they come: an interrupted benchmark resumes
        k = key_of[id(group)]
        write_text_atomic(folder / f"{keys[k]}.json", json.dumps(rows, sort_keys=True))
        done[k] = rows
        posed[0] += 1
        engine.report(posed[0], len(groups), group[0].drug or group[0].ligand)

    with engine:
        engine.map(task, [groups[k] for k in todo], *arguments, on_result=finished)
    return [row for k in groups for row in done[k]]


def _as_written(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """The rows in ``columns``, sorted by kinase and entry, as written and read back (a run that
    computes the table equals one that reads it)."""
    table = pd.DataFrame(rows)
    for column in columns:
        if column not in table:
            table[column] = np.nan
    table = table[columns].sort_values(["kinase", "entry"], kind="stable").reset_index(drop=True)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return pd.read_csv(io.StringIO(buffer.getvalue()), keep_default_na=False, na_values=[""])


def pose_benchmark_summary(table: pd.DataFrame, clinical: Sequence[str] = (),
                           transfer: pd.DataFrame | None = None) -> pd.DataFrame:
    """Success rates (RMSD <= :data:`SUCCESS_RMSD`) per kinase and method, by entry and by ligand.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`pose_benchmark`.
    clinical : sequence of str
        Drug names counted apart (the row ``clinical``: one entry per drug, its first).
    transfer : pandas.DataFrame, optional
        From :func:`pose_transfer`: its entries counted as the method ``same inhibitor, other
        kinase`` (set ``entries``) of their kinase.

    Returns
    -------
    pandas.DataFrame
        kinase, set, method, n, within (count), fraction, median_rmsd.
    """
    rows = []
    columns = {"cross-template": "rmsd", "cross-kinase": "cross_kinase_rmsd", "Vina redock": "redock_rmsd"}

    def add(kinase: str, label: str, method: str, rmsd: pd.Series) -> None:
        values = pd.to_numeric(rmsd, errors="coerce").dropna()
        if len(values):
            within = int((values <= SUCCESS_RMSD).sum())
            rows.append({"kinase": kinase, "set": label, "method": method, "n": len(values), "within": within,
                         "fraction": round(within / len(values), 3),
                         "median_rmsd": round(float(values.median()), 2)})

    moved = transfer if transfer is not None else pd.DataFrame(columns=["kinase", "rmsd"])
    for kinase in sorted(set(table["kinase"]) | set(moved["kinase"])):
        part = table[table["kinase"] == kinase]
        by_ligand = part.drop_duplicates("ligand" if kinase == "ALK" else "entry")
        drugs = part[part["drug"].isin(list(clinical))].drop_duplicates("drug")
        sets = [("entries", part), ("ligands", by_ligand)]
        if len(drugs):
            sets.append(("clinical drugs", drugs))
        for label, rows_of in sets:
            for method, column in columns.items():
                add(kinase, label, method, rows_of[column])
        add(kinase, "entries", "same inhibitor, other kinase", moved.loc[moved["kinase"] == kinase, "rmsd"])
    return pd.DataFrame(rows)


#: Columns of :func:`posed_ddg`.
POSED_DDG_COLUMNS = ["drug", "structure", "template", "confidence", "pose_rmsd", "mutation", "ddg_crystal",
                     "ddg_posed"]


def posed_ddg(
    complexes: Sequence[tuple[str, str, Complex]],
    mutations: Sequence[str],
    crystal: pd.DataFrame,
    *,
    mirrors: Iterable[str | os.PathLike] | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """The ddG of mutations on each drug posed from its SMILES, beside the same on its crystal complex.

    Each drug is posed into its own crystal complex's receptor (the inhibitor removed) with every
    template of its ligand left out, so that the two ddG differ by the pose alone.

    Parameters
    ----------
    complexes : sequence of (drug, structure, complex)
        The crystal complexes (for ALK, the drugs' reference complexes).
    mutations : sequence of str
    crystal : pandas.DataFrame
        The ddG on the crystal complexes (``drug``, ``mutation``, ``ddg``), as ``results/ddg_alk.csv``.
    mirrors, engine
        As for :func:`pose_benchmark` and :func:`structkit.analysis.measure.ddg.complexes_ddg` (the
        poses are made in this process, the estimates on the engine's workers).

    Returns
    -------
    pandas.DataFrame
        :data:`POSED_DDG_COLUMNS`, one row per drug and mutation.
    """
    from structkit.analysis.measure.ddg import complexes_ddg
    from structkit.model.ligand import inhibitor_chemistry

    cache = engine.cache if engine is not None else None
    library = template_library(list(mirrors or []), cache=cache)
    posed, meta = [], {}
    for drug, structure, complex_ in complexes:
        mol, smiles = crystal_smiles(inhibitor_chemistry(complex_).mol)
        same = skeleton_smiles(smiles)
        others = [t for t in library if t.ligand != complex_.ligand and skeleton_smiles(t.smiles) != same]
        # (the drugs' complexes carry CCD codes: the code and the bare graph leave every entry of it out)
        result = pose(f"{drug}={smiles}", kinase=complex_.kinase or "ALK", structure=complex_,
                      templates=others, cache=cache)
        posed.append((drug, structure, result.complex()))
        meta[drug] = {"template": result.template or "", "confidence": result.confidence,
                      "pose_rmsd": round(pose_rmsd(result.mol, mol), 2)}
    table = complexes_ddg(posed, list(mutations), engine=engine)
    table = table[["drug", "structure", "mutation", "ddg"]].rename(columns={"ddg": "ddg_posed"})
    table = table.merge(crystal[["drug", "mutation", "ddg"]].rename(columns={"ddg": "ddg_crystal"}),
                        on=["drug", "mutation"], how="left")
    for column in ("template", "confidence", "pose_rmsd"):
        table[column] = table["drug"].map({d: m[column] for d, m in meta.items()})
    return table[POSED_DDG_COLUMNS]


def posed_ddg_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Pearson's r between the ddG on posed and crystal complexes, per drug and over all (with n)."""
    from scipy.stats import pearsonr

    rows = []
    for drug, part in [*table.groupby("drug", sort=True), ("all", table)]:
        both = part[["ddg_crystal", "ddg_posed"]].apply(pd.to_numeric, errors="coerce").dropna()
        r = float(pearsonr(both["ddg_crystal"], both["ddg_posed"])[0]) if len(both) >= 3 else float("nan")
        first = part.iloc[0]
        rows.append({"drug": drug, "n": len(both), "pearson": round(r, 3),
                     "pose_rmsd": first["pose_rmsd"] if drug != "all" else np.nan,
                     "confidence": first["confidence"] if drug != "all" else ""})
    return pd.DataFrame(rows)
