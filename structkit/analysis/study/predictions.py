"""Predictions for every drug complex x every substitution at the review's sites (and the review's
compound mutations), with the risk taken from the binding free energy change, and a saturation scan
of every pocket position x 19 substitutions on each drug's complex (steric scores)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from structkit.analysis.measure.reference_complexes import DrugComplex
from structkit.analysis.measure.thresholds import RESISTANT_KCAL
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.evaluation import fit_model, labelled_samples, predict_risk
from structkit.analysis.study.relate import SCORE_COLUMNS, score_mutation
from structkit.energy.ddg import flag_text
from structkit.errors import StructkitError
from structkit.model.mutations import Change, Mutation
from structkit.model.numbering import klifs_map, reference_residue
from structkit.model.residues import ONE_LETTER

__all__ = ["PREDICTION_COLUMNS", "RISK_WIDTH_KCAL", "SATURATION_COLUMNS", "agreement_by_mechanism",
           "ddg_predictions", "ddg_risk",
           "predictions", "saturation_scan"]

PREDICTION_COLUMNS = ["drug", "structure", "mutation", "risk", "predicted", "reported", "n_statements",
                      "flags", *SCORE_COLUMNS, "regions", "mutant_crystal", "note", "ddg", "ddg_sd",
                      "ddg_flag", "ddg_atp", "atp_flag", "potency", "potency_sd"]
#: Width of the logistic map from ddG to risk (kcal/mol), fixed in advance.
RISK_WIDTH_KCAL = 0.5


def ddg_risk(ddg: np.ndarray) -> np.ndarray:
    """Risk of resistance from ddG: 1 / (1 + exp(-(ddG - 1.36) / 0.5)); 0.5 at a 10-fold loss.

    Monotone, fixed in advance (no fitting on ALK data): a ranking by risk is a ranking by ddG.
    """
    ddg = np.asarray(ddg, dtype=float)
    return 1.0 / (1.0 + np.exp(-(ddg - RESISTANT_KCAL) / RISK_WIDTH_KCAL))


def ddg_predictions(ddg_table: pd.DataFrame, joined: pd.DataFrame, saturation: pd.DataFrame,
                    ddg_atp: pd.DataFrame | None = None) -> pd.DataFrame:
    """The prediction table: one row per (drug complex, estimated mutation), then the review's entries
    that cannot be modelled.

    Parameters
    ----------
    ddg_table : DataFrame
        ``drug``, ``structure`` and the columns of :data:`structkit.analysis.measure.ddg.DDG_COLUMNS`.
    joined : DataFrame
        From :func:`structkit.analysis.study.relate.join`: labels and steric scores of review mutations.
    saturation : DataFrame
        From :func:`saturation_scan`: steric scores of pocket substitutions.
    ddg_atp : DataFrame, optional
        The same mutations on the nucleotide complex (``mutation``, ``ddg``, ``ddg_sd``, ``status``):
        the ATP side of the potency shift (:mod:`structkit.analysis.measure.potency`).

    Returns
    -------
    DataFrame
        Columns :data:`PREDICTION_COLUMNS`; ``potency`` = ``ddg - ddg_atp`` (``ddg`` itself where no
        ATP side is given or it failed, then ``ddg_atp`` is NaN); ``risk`` = :func:`ddg_risk` of the
        potency, ``predicted`` is ``resistant`` when it is >= 1.36 kcal/mol. Steric scores come
        from ``joined`` or ``saturation`` where those hold the pair (NaN otherwise).
    """
    from structkit.model.sites import primary_region_of

    review = {(d, m): r for d, m, r in zip(joined["drug"], joined["mutation"], joined.to_dict("records"))}
    steric = {(d, m): r for d, m, r in zip(saturation["drug"], saturation["mutation"],
                                           saturation.to_dict("records")) if r["status"] == "ok"}
    atp_side = ({} if ddg_atp is None else
                {m: (d, sd, flag_text(f)) for m, d, sd, f, st in zip(ddg_atp["mutation"], ddg_atp["ddg"],
                                                                 ddg_atp["ddg_sd"], _flags(ddg_atp),
                                                                 ddg_atp["status"]) if st == "ok"})
    rows = []
    for r, flag in zip(ddg_table.to_dict("records"), _flags(ddg_table)):
        key = (r["drug"], r["mutation"])
        label = review.get(key)
        scores = label if label is not None and label.get("modelled") else steric.get(key, {})
        ok = r["status"] == "ok"
        positions = parse_mutation_positions(r["mutation"])
        row = {
            "drug": r["drug"], "structure": r["structure"], "mutation": r["mutation"],
            "reported": label["reported"] if label else "",
            "n_statements": label["n_statements"] if label else 0,
            "flags": label["flags"] if label else "",
            **{c: scores.get(c, np.nan) for c in SCORE_COLUMNS},
            "regions": ";".join(sorted({primary_region_of(p) for p in positions} - {""})),
            "mutant_crystal": label["mutant_crystal"] if label else "",
            "note": "; ".join(x for x in ((label or {}).get("note", ""),
                                          "" if ok else f"not modelled: {r['status']}") if x),
            "ddg": r["ddg"] if ok else np.nan, "ddg_sd": r["ddg_sd"] if ok else np.nan,
            "ddg_flag": flag_text(flag) if ok else "",
        }
        atp = atp_side.get(r["mutation"])
        row["ddg_atp"] = atp[0] if atp and ok else np.nan
        row["atp_flag"] = atp[2] if atp and ok else ""
        row["potency"] = round(row["ddg"] - atp[0], 3) if atp and ok else row["ddg"]
        row["potency_sd"] = round(float(np.hypot(row["ddg_sd"], atp[1])), 3) if atp and ok else row["ddg_sd"]
        rows.append(row)
    done = {(r["drug"], r["mutation"]) for r in rows}
    for r in joined.to_dict("records"):
        if (r["drug"], r["mutation"]) not in done:
            rows.append({**{c: r.get(c, np.nan) for c in PREDICTION_COLUMNS if c in r},
                         "note": r["note"] or "not modelled", "ddg": np.nan, "ddg_sd": np.nan,
                         "ddg_flag": "", "ddg_atp": np.nan, "atp_flag": "", "potency": np.nan,
                         "potency_sd": np.nan})
    table = pd.DataFrame(rows)
    risk = ddg_risk(table["potency"].to_numpy(dtype=float))
    table["risk"] = np.round(risk, 4)
    table["predicted"] = np.where(np.isnan(risk), "", np.where(risk >= 0.5, "resistant", "covered"))
    return table[PREDICTION_COLUMNS]


def _flags(table: pd.DataFrame) -> list[object]:
    """The ``flag`` column of a ddG table (tables written before it existed have none)."""
    return table["flag"].tolist() if "flag" in table else [""] * len(table)


def parse_mutation_positions(text: str) -> tuple[int, ...]:
    """Residue numbers a mutation changes (empty if it cannot be parsed)."""
    from structkit.model.mutations import mutation_positions

    try:
        return mutation_positions(text)
    except StructkitError:
        return ()

SATURATION_COLUMNS = ["drug", "structure", "position", "klifs_position", "klifs_region", "wild_type",
                      "to_residue", "mutation", "risk", *SCORE_COLUMNS, "status"]


def predictions(joined: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Risk of resistance for every joined row from the steric model fitted on all labelled pairs
    (the previous prediction; kept for the steric model's coefficients and comparison).

    Returns the table (columns :data:`PREDICTION_COLUMNS`; ``predicted`` is ``resistant`` when the
    risk is at least 0.5; unmodelled rows keep NaN and an empty prediction) and the fitted model.
    """
    model = fit_model(labelled_samples(joined))
    table = joined.copy()
    modelled = table["modelled"].astype(bool).to_numpy()
    risk = np.full(len(table), np.nan)
    risk[modelled] = predict_risk(model, table[modelled])
    table["risk"] = risk
    table["predicted"] = np.where(np.isnan(risk), "", np.where(risk >= 0.5, "resistant", "covered"))
    columns = [c for c in PREDICTION_COLUMNS if c in table]
    return table[columns], model


def _saturate(dc: DrugComplex) -> list[dict]:
    """One task of :func:`saturation_scan`: the rows of one complex, in position and residue order."""
    kmap = klifs_map()
    amino = sorted(ONE_LETTER.values())
    rows = []
    cache: dict = {}
    for position, (site, region) in enumerate(zip(kmap.uniprot.tolist(), kmap.region.tolist()), 1):
        wt = reference_residue(site)
        for aa in amino:
            if aa == wt:
                continue
            mutation = Mutation((Change(site, "substitution", aa, wt),))
            row = {"drug": dc.drug, "structure": dc.structure, "position": site,
                   "klifs_position": position, "klifs_region": region, "wild_type": wt,
                   "to_residue": aa, "mutation": str(mutation)}
            try:
                scores = score_mutation(dc.complex_, mutation, cache)
                row.update({c: scores[c] for c in SCORE_COLUMNS})
                row["status"] = "ok"
            except StructkitError as exc:
                row.update({c: np.nan for c in SCORE_COLUMNS})
                row["status"] = str(exc)
            rows.append(row)
    return rows


def saturation_scan(
    complexes: list[DrugComplex],
    model: dict,
    *,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Every KLIFS pocket position x the 19 other amino acids, on every drug complex.

    Parameters
    ----------
    complexes : list of DrugComplex
    model : dict
        The fitted risk model (:func:`~structkit.analysis.study.evaluation.fit_model`).
    engine : Engine, optional
        Runs one task per complex (default: in this process) and tells its progress
        ``(done, total, drug)`` after each; the table is the same either way.

    Returns
    -------
    DataFrame
        Columns :data:`SATURATION_COLUMNS`; positions without coordinates get ``status`` and NaN.
    """
    engine = engine or Engine(workers=1)
    parts = engine.map(_saturate, complexes, report=lambda dc: dc.drug)
    rows = [row for part in parts for row in part]
    table = pd.DataFrame(rows, columns=SATURATION_COLUMNS)
    ok = table["status"] == "ok"
    table.loc[ok, "risk"] = predict_risk(model, table[ok])
    return table


def agreement_by_mechanism(table: pd.DataFrame) -> pd.DataFrame:
    """The review's labelled, modelled pairs of ``predictions.csv`` per mechanism class: pairs,
    reported resistant, predicted resistant or reduced (``model_verdict``), the share of the judged
    pairs where the model agrees (the ``agreement`` column: the one rule), and the mean potency of
    the resistant and the covered pairs (NaN where a class has none)."""
    labelled = table[table["reported"].isin(["resistant", "covered"]) & table["potency"].notna()]
    rows = []
    for name, g in labelled.groupby("mechanism", sort=True):
        resistant = g["reported"] == "resistant"
        judged = g["agreement"].astype(str).str.startswith("the model ")
        rows.append({
            "mechanism": name, "pairs": len(g), "reported_resistant": int(resistant.sum()),
            "predicted_resistant": int(g["model_verdict"].isin(["resistant", "reduced"]).sum()),
            "agreement": (float((g.loc[judged, "agreement"] == "the model agrees").mean()) if judged.any()
                          else float("nan")),
            "potency_resistant": float(g.loc[resistant, "potency"].mean()),  # NaN where there is none
            "potency_covered": float(g.loc[~resistant, "potency"].mean()),
        })
    return pd.DataFrame(rows, columns=["mechanism", "pairs", "reported_resistant", "predicted_resistant",
                                       "agreement", "potency_resistant", "potency_covered"])
