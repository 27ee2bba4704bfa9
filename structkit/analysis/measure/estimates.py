"""The ddG call a user makes: one structure, its mutations, and on request the potency shift or
the relaxed models.

It sits above :mod:`structkit.analysis.measure.ddg` (the parallel, cached tables) and
:mod:`structkit.analysis.measure.potency` (the ATP side), and dispatches to them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from structkit.analysis.measure.ddg import check_mode, complete_table, ddg_table, make_estimator
from structkit.analysis.measure.potency import atp_complex, potency_table
from structkit.analysis.parallel.engine import Engine
from structkit.arguments import check_source
from structkit.energy.ddg import DdgEstimate
from structkit.energy.models import write_model
from structkit.energy.prepare import prepare
from structkit.errors import NoInhibitorError, StructkitError
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutations import parse_mutations, requested_mutations

__all__ = ["ESTIMATE_COST", "ddg", "ddg_legend"]

#: What one estimate costs per core for a kinase domain, by mode, and the one-off protonation of a
#: crystal structure (measured on this project's two-core machine: ``scripts/bench_engine.py`` and
#: the ABL1 benchmark's timings in ``docs/guide.md``); the command line says it before the work.
ESTIMATE_COST = {"fast": "0.3-1 s", "accurate": "1.5-3 s (five backbones)", "protonation": "about 10 s"}


def ddg_legend(potency: bool = False) -> str:
    """What the columns of :func:`ddg` mean, in a few lines (the command line prints it under the
    table); with ``potency``, the potency columns too."""
    from structkit.energy.ddg import NO_FIT, NO_FIT_KCAL

    text = ("ddg, ddg_sd: kcal/mol, positive = the inhibitor binds more weakly to the mutant; ddg_sd: "
            "the conformers' spread (ddg_spread) and the method's error on measured ABL1 pairs at the "
            "site's distance from the drug (site_distance_A), in quadrature; the "
            "components are the raw mutant-minus-wild-type terms (ddg = scale x their sum); ddg_vina: "
            "the Vina score of the same models, ddg_consensus the mean of the two; flag "
            f"{NO_FIT}: the mutant does not fit a fixed backbone, ddg bounded at {NO_FIT_KCAL:g}")
    if potency:
        text += ("\nddg_atp: the same for the nucleotide (Mg-ATP analogue); potency_structural = ddg - "
                 "ddg_atp; potency: positive = the drug is less potent on the mutant, learned from the "
                 "kinase's measured panel where it has one (potency_basis; the drug's own measurements "
                 "never enter), else the structural estimate")
    return text


def ddg(
    structure: str | os.PathLike | Complex,
    mutations: str | Sequence[str],
    *,
    options: LoadOptions | None = None,
    models: str | os.PathLike | None = None,
    engine: Engine | None = None,
    potency: bool = False,
    atp_reference: str | os.PathLike | Complex | None = None,
    mode: str = "fast",
    kinase: str | None = None,
    drug: str | None = None,
) -> pd.DataFrame:
    """The change in the inhibitor's binding free energy for each mutation (kcal/mol, + = weaker).

    Parameters
    ----------
    structure : str, path or Complex
        A PDB ID, a structure file (a receptor with ``options.ligand_file``), or a loaded complex.
    mutations : str or sequence of str
        ``"G1202R,L1196M"`` or a list; compound mutations with ``+``.
    options : LoadOptions, optional
        Where the structure comes from and how it is read (a receptor's docked pose:
        ``LoadOptions.resolve(ligand_file=..., pose=...)``).
    models : path, optional
        Folder to write the relaxed wild-type and mutant regions to as PDB files (computed afresh,
        not from the cache): ``<entry>_<mutation>.pdb`` and ``..._wt.pdb``, and in the accurate
        mode one pair per backrubbed backbone (``..._backrub+7.5.pdb``).
    engine : Engine, optional
        How the work runs, which result cache it uses and whom it tells of its progress (see
        :func:`ddg_table`; default: every core, the cache of ``options``, no progress).
    potency : bool
        Also estimate the ATP side and the potency shift (:mod:`structkit.analysis.measure.potency`):
        columns ``ddg_atp``, ``ddg_atp_sd``, ``potency``, ``potency_sd`` (kcal/mol, + = less potent).
    atp_reference : str, path or Complex, optional
        The nucleotide complex for the ATP side (default: the kinase's entry of
        :data:`~structkit.analysis.measure.potency.ATP_REFERENCES`).
    mode : {"fast", "accurate"}
        As for :func:`ddg_table` (both sides of the potency use it).
    kinase : str, optional
        With ``potency``: the kinase whose measured panel the potency learns from (default the
        name read off the structure, such as ``EGFR``); see :func:`with_measured_panel`.
    drug : str, optional
        With ``potency``: the drug's name, so that its own measurements are never its evidence
        (it is also recognised by its chemistry).

    Returns
    -------
    DataFrame
        Columns :data:`DDG_COLUMNS` (see :mod:`structkit.energy.ddg` for their meaning; ``ddg_sd``
        is the uncertainty to act on, the conformers' spread ``ddg_spread`` and the method's ABL1
        error at the site's distance ``site_distance_A`` in quadrature,
        :mod:`structkit.energy.uncertainty`), with ``potency``: and the potency columns, where
        ``potency`` is learned from the kinase's measured panel when it has one (``potency_basis``
        says which, ``potency_structural`` keeps the structural estimate beside it).
    """
    check_mode(mode)
    check_source(structure, "structure", allow_complex=True)
    texts = requested_mutations(mutations)
    if isinstance(structure, Complex):
        complex_ = structure
    else:
        options = options or LoadOptions.resolve()
        complex_ = options.load(structure, keep_hydrogens=True)
    if not len(complex_.inhibitor):
        label = complex_.pdb_id or str(structure)
        raise NoInhibitorError(f"{label}: no inhibitor in the structure")
    canonical = [str(m) for text in texts
                 for m in parse_mutations(text, strict=True, reference=complex_.reference).mutations]
    # by default the results are kept in the structures' cache; no more workers than tasks (at most
    # one per mutation and side)
    engine = Engine.for_tasks(engine, len(canonical) * (2 if potency else 1),
                              cache=options.cache if options is not None else None)
    if potency:
        if models is not None:
            raise StructkitError("relaxed models are written for the drug's ddG only, not with the potency")
        atp = atp_complex(complex_, atp_reference, options)
        table = potency_table(complex_, canonical, atp, engine=engine, mode=mode)
        return with_measured_panel(table, complex_, kinase=kinase, drug=drug)
    if models is not None:
        return _with_models(complex_, canonical, Path(models), engine, mode)
    return ddg_table(complex_, canonical, engine=engine, mode=mode)


def with_measured_panel(table: pd.DataFrame, complex_: Complex, *, kinase: str | None = None,
                        drug: str | None = None) -> pd.DataFrame:
    """A potency table with the measured panel's prediction beside the structural estimate.

    Where the kinase has a measured multi-drug panel of cellular potency
    (:func:`~structkit.io.measurements.measured_panel`; EGFR's Ba/F3 panel) that holds a mutation,
    ``potency`` becomes the panel model's prediction
    (:mod:`~structkit.analysis.measure.panel`: the other drugs' measured shifts, weighted by
    chemistry and binding mode; the drug's own never enter) and ``potency_sd`` its
    leave-one-drug-out error; elsewhere the structural ``ddg - ddg_atp`` stays. ``potency_basis``
    says which (``measured panel`` or ``structure``), ``potency_structural`` and
    ``potency_structural_sd`` keep the structural numbers, and the panel columns
    (:data:`~structkit.analysis.measure.panel.PANEL_COLUMNS`) show the evidence.
    """
    from structkit.analysis.measure.panel import PANEL_COLUMNS, panel_potency, query_of_complex
    from structkit.io.measurements import cellular_panel

    out = table.copy()
    out["potency_structural"] = out["potency"]
    out["potency_structural_sd"] = out["potency_sd"]
    panel = cellular_panel(kinase or complex_.kinase)
    if panel is None:
        for column in PANEL_COLUMNS:
            out[column] = "" if column in ("panel_nearest", "panel_source") else np.nan
        out["panel_n"] = 0
        out["potency_basis"] = "structure"
        return out
    found = panel_potency(panel, query_of_complex(complex_, drug), out["mutation"].tolist())
    for column in PANEL_COLUMNS:
        out[column] = found[column].to_numpy()
    learned = out["potency_panel"].notna().to_numpy()
    out.loc[learned, "potency"] = out.loc[learned, "potency_panel"]
    out.loc[learned, "potency_sd"] = out.loc[learned, "panel_sd"]
    out["potency_basis"] = np.where(learned, "measured panel", "structure")
    return out


def _with_models(complex_: Complex, mutations: list[str], folder: Path, engine: Engine,
                 mode: str = "fast") -> pd.DataFrame:
    """The estimates with the relaxed models written (in this process: the models are not cached)."""
    estimator = make_estimator(prepare(complex_, cache=engine.cache), mode)
    label = (complex_.pdb_id or Path(str(complex_.source)).stem).lower()
    engine.report(0, len(mutations), "")
    rows = []
    for k, mutation in enumerate(mutations, start=1):
        try:
            estimate = estimator.estimate(mutation, keep_models=True)
            stem = f"{label}_{mutation.replace('+', '_')}"
            for member in estimate.members or [estimate]:
                suffix = "" if member.backbone == "crystal" else f"_{member.backbone}"
                _write_pair(member, folder, stem + suffix)
            rows.append({**estimate.row(), "status": "ok"})
        except StructkitError as exc:
            rows.append({"mutation": mutation, "status": str(exc)})
        engine.report(k, len(mutations), mutation)
    return complete_table(pd.DataFrame(rows))


def _write_pair(estimate: DdgEstimate, folder: Path, stem: str) -> None:
    assert estimate.wild is not None and estimate.mutant is not None and estimate.prep is not None
    write_model(estimate.prep, estimate.wild, folder / f"{stem}_wt.pdb")
    write_model(estimate.prep, estimate.mutant, folder / f"{stem}.pdb")
