"""The EGFR potency benchmark: measured Ba/F3 potency shifts against the potency model.

Data: ``../shared/benchmarks/egfr_robichaux2021`` (Robichaux et al. 2021, Nature 597:732, Figure
2a: log10 IC50 mutant / wild type in Ba/F3 cells; see that folder's SOURCES.md). Every substitution
variant (single or compound) of the gefitinib column is estimated on the gefitinib complex 2ITY
(drug side) and the AMP-PNP complex 2ITX (ATP side, Mg²⁺ modelled); variants holding an insertion
or deletion are listed with status ``not modelled``. Measured values are converted to kcal/mol at
298 K (1.364 x log10 ratio). Cells the source pins at an assay limit (``censoring_flag``
``repeated_value_high``) are lower bounds: a prediction at or above the bound counts as exact, and
they take no part in Pearson's or Spearman's correlation (which need points).

Nothing is fitted: the potency is ``ddg - ddg_atp`` on the ABL1-calibrated scale. Baselines: zero
everywhere, the drug's ddG alone, and the one-bit "contains T790M" (correlations and AUC only: a
bit has no kcal/mol scale). ``sensitised`` is a measured shift below -0.5 log units (about 3-fold
more potent), ``resistant`` above +0.5.

The Davis et al. 2011 binding constants (``davis2011_egfr_abl1_kd.csv``) of gefitinib on EGFR
substitution constructs check the drug's binding ddG alone: :func:`davis_check`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from structkit.analysis.measure.potency import potency_table
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.metrics import roc_auc
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.mutations import parse_mutations

__all__ = ["EGFR_COLUMNS", "EGFR_CRYSTAL_PAIRS", "KCAL_PER_LOG10", "bounded_errors", "davis_check",
           "egfr_benchmark", "egfr_crystal_check", "egfr_metrics", "egfr_variants", "outside_two_sd"]

#: kcal/mol per log10 unit at 298.15 K (RT ln 10).
KCAL_PER_LOG10 = 1.364
#: Measured shift (log10 units) beyond which a variant is called sensitised / resistant.
CALL_LOG10 = 0.5
_DRUG_COMPLEX, _ATP_COMPLEX, _DRUG = "2ity.pdb", "2itx.pdb", "gefitinib"

EGFR_COLUMNS = ["variant", "mutation", "measured_log10", "measured", "bound", "contains_t790m", "ddg",
                "ddg_sd", "ddg_atp", "ddg_atp_sd", "potency", "potency_sd", "flag", "atp_flag", "status"]


def egfr_variants(folder: str | os.PathLike, drug: str = _DRUG) -> pd.DataFrame:
    """The drug's rows of the Ba/F3 table: variant, mutation (``+``-joined, or empty), measured
    values (log10 and kcal/mol), ``bound`` (``>=`` for a censored cell, else empty)."""
    path = Path(folder) / "robichaux2021_ba_f3.csv"
    if not path.is_file():
        raise StructkitError(f"{folder}: not the EGFR benchmark folder (no robichaux2021_ba_f3.csv)")
    data = pd.read_csv(path, keep_default_na=False)
    rows = data[data["drug"].str.lower() == drug.lower()]
    if rows.empty:
        raise StructkitError(f"{path}: no rows for {drug}")
    out = []
    for r in rows.itertuples(index=False):
        substitution = r.variant_kind in ("single_substitution", "multiple_substitutions")
        mutation = "+".join(r.variant.replace("/", " ").split()) if substitution else ""
        value = float(r.value)
        out.append({"variant": r.variant, "mutation": mutation, "measured_log10": value,
                    "measured": round(KCAL_PER_LOG10 * value, 3),
                    "bound": ">=" if r.censoring_flag == "repeated_value_high" else
                             ("<=" if r.censoring_flag == "repeated_value_low" else ""),
                    "contains_t790m": "T790M" in r.variant})
    return pd.DataFrame(out).sort_values("variant", kind="stable").reset_index(drop=True)


def egfr_benchmark(
    folder: str | os.PathLike,
    *,
    options: LoadOptions | None = None,
    engine: Engine | None = None,
    variants: list[str] | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """Estimate every gefitinib substitution variant (columns :data:`EGFR_COLUMNS`, variant order).

    Parameters
    ----------
    folder : path
        ``../shared/benchmarks/egfr_robichaux2021``.
    options : LoadOptions, optional
        Where the complexes are read from.
    engine : Engine, optional
        How the estimates run (workers, result cache, progress over both sides; default: every
        core, the cache of ``options``).
    variants : list of str, optional
        A subset (as the table spells them).
    mode : {"fast", "accurate"}
        The ddG mode of both sides (:func:`~structkit.analysis.measure.ddg.ddg_table`).

    Returns
    -------
    pandas.DataFrame
        One row per variant of the shared table: the measured shift (``bound`` ``>=`` where the
        cell is censored), the drug and ATP-side estimates, the potency shift, and a ``status``
        (insertions and deletions are listed as not modelled).
    """
    folder = Path(folder)
    table = egfr_variants(folder)
    if variants is not None:
        table = table[table["variant"].isin(variants)].reset_index(drop=True)
    options = options or LoadOptions.resolve()
    drug = options.load(folder / _DRUG_COMPLEX, keep_hydrogens=True)
    atp = options.load(folder / _ATP_COMPLEX, keep_hydrogens=True)
    modelled = table["mutation"] != ""
    mutations = [str(parse_mutations(m, strict=True, reference=drug.reference).mutations[0])
                 for m in table.loc[modelled, "mutation"]]
    estimates = potency_table(drug, mutations, atp, engine=Engine.for_tasks(engine, cache=options.cache),
                              mode=mode)
    out = table.copy()
    for column in ("ddg", "ddg_sd", "ddg_atp", "ddg_atp_sd", "potency", "potency_sd"):
        out[column] = np.nan
        out.loc[modelled, column] = estimates[column].to_numpy()
    for column in ("flag", "atp_flag"):
        out[column] = ""
        out.loc[modelled, column] = estimates[column].fillna("").to_numpy()
    out["status"] = "not modelled (insertion or deletion)"
    out.loc[modelled, "status"] = estimates["status"].to_numpy()
    return out[EGFR_COLUMNS]


def bounded_errors(measured: np.ndarray, bound: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Prediction minus measurement (kcal/mol), zero where the measurement is a bound (``bound``
    ``>=`` or ``<=``, else empty) that the prediction meets."""
    err = np.asarray(pred, dtype=float) - np.asarray(measured, dtype=float)
    lower = bound == ">="
    upper = bound == "<="
    err[lower & (pred >= measured)] = 0.0
    err[upper & (pred <= measured)] = 0.0
    return err


def outside_two_sd(table: pd.DataFrame) -> list[str]:
    """The variants of an EGFR benchmark table (its modelled rows) whose measured shift lies more than
    2 ``potency_sd`` from the predicted potency (a censored cell counts where the prediction does
    not meet its bound)."""
    bound = table["bound"].fillna("").astype(str).to_numpy()
    measured, predicted = table["measured"].to_numpy(dtype=float), table["potency"].to_numpy(dtype=float)
    err = bounded_errors(measured, bound, predicted)
    return table.loc[np.abs(err) > 2 * table["potency_sd"].to_numpy(dtype=float), "variant"].tolist()


def _rank(x: np.ndarray) -> np.ndarray:
    return pd.Series(x).rank().to_numpy()


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def egfr_metrics(table: pd.DataFrame, *, n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per method (potency, drug ddG alone, zero, contains T790M): n, Pearson and Spearman on the
    uncensored points, RMSE with censored cells as bounds, AUC for resistant (> +0.5 log) and for
    sensitised (< -0.5 log) variants, the fraction of sensitised variants predicted below zero, the
    fraction of measured values within +- 2 of the prediction's sd (``within_2sd``: a censored cell
    counts as inside when the prediction is within 2 sd of its bound or beyond it; NaN for a
    prediction without an sd), and 95 % bootstrap intervals (pairs resampled, ``seed`` fixed) for
    Pearson, Spearman and RMSE."""
    ok = table[table["status"] == "ok"].reset_index(drop=True)
    y = ok["measured"].to_numpy(dtype=float)
    log10 = ok["measured_log10"].to_numpy(dtype=float)
    bound = ok["bound"].fillna("").astype(str).to_numpy()  # a table read back holds NaN for ""
    point = bound == ""
    methods = {
        "structkit potency (ddg - ddg_atp)": (ok["potency"].to_numpy(dtype=float), True),
        "drug ddG alone": (ok["ddg"].to_numpy(dtype=float), True),
        "zero everywhere": (np.zeros(len(ok)), True),
        "contains T790M (one bit)": (ok["contains_t790m"].astype(bool).to_numpy(dtype=float), False),
    }
    uncertainty = {"structkit potency (ddg - ddg_atp)": ok["potency_sd"].to_numpy(dtype=float),
                   "drug ddG alone": ok["ddg_sd"].to_numpy(dtype=float)}
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, len(ok), len(ok)) for _ in range(n_resamples)]
    resistant, sensitised = log10 > CALL_LOG10, log10 < -CALL_LOG10

    def stats(idx: np.ndarray, pred: np.ndarray, kcal: bool) -> dict[str, float]:
        p = point[idx]
        yi, pi = y[idx][p], pred[idx][p]
        return {"pearson": _corr(yi, pi), "spearman": _corr(_rank(yi), _rank(pi)),
                "rmse": float(np.sqrt(np.mean(bounded_errors(y[idx], bound[idx], pred[idx]) ** 2)))
                if kcal else float("nan")}

    rows = []
    everything = np.arange(len(ok))
    for name, (pred, kcal) in methods.items():
        value = stats(everything, pred, kcal)
        row = {"method": name, "n": len(ok), "n_points": int(point.sum()), "n_bounds": int((~point).sum())}
        boot = [stats(i, pred, kcal) for i in draws]
        for key in ("pearson", "spearman", "rmse"):
            values = np.array([b[key] for b in boot])
            values = values[np.isfinite(values)]
            lo, hi = np.quantile(values, [0.025, 0.975]) if len(values) else (np.nan, np.nan)
            row.update({key: round(value[key], 3), f"{key}_lo": round(float(lo), 3),
                        f"{key}_hi": round(float(hi), 3)})
        row["auc_resistant"] = round(roc_auc(resistant, pred), 3)
        row["auc_sensitised"] = round(roc_auc(sensitised, -pred), 3)
        row["sensitised_below_zero"] = (round(float((pred[sensitised] < 0).mean()), 3)
                                        if sensitised.any() else float("nan"))
        sd = uncertainty.get(name)
        inside = np.abs(bounded_errors(y, bound, pred)) <= 2 * sd if sd is not None else None
        row["within_2sd"] = round(float(np.mean(inside)), 3) if inside is not None else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def davis_check(
    folder: str | os.PathLike,
    *,
    options: LoadOptions | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Gefitinib's measured binding change on the Davis 2011 EGFR substitution constructs (kcal/mol,
    RT ln Kd_mutant/Kd_wild-type) beside the drug ddG of the same substitutions on 2ITY (binding
    only: that assay has no ATP). Constructs without a reported Kd, or with an indel, are left out.
    ``engine``: how the estimates run (default: in this process, the cache of ``options``).
    """
    from structkit.analysis.measure.ddg import ddg_table

    folder = Path(folder)
    data = pd.read_csv(folder / "davis2011_egfr_abl1_kd.csv", keep_default_na=False)
    rows = data[(data["gene"] == "EGFR") & (data["inhibitor"].str.lower() == _DRUG)
                & (data["kd_reported"] == "yes")]
    wild = rows[rows["mutation"] == "WT"]
    columns = ["construct", "mutation", "kd_nM", "measured", "ddg", "ddg_sd", "status"]
    if wild.empty:
        return pd.DataFrame(columns=columns)
    kd_wild = float(wild["Kd_nM"].iloc[0])
    options = options or LoadOptions.resolve()
    drug = options.load(folder / _DRUG_COMPLEX, keep_hydrogens=True)
    out = []
    for r in rows.itertuples(index=False):
        if r.mutation == "WT" or "del" in r.mutation or "ins" in r.mutation.lower():
            continue
        mutation = str(parse_mutations("+".join(m.strip() for m in r.mutation.split(",")), strict=True,
                                       reference=drug.reference).mutations[0])
        out.append({"construct": r.construct, "mutation": mutation, "kd_nM": float(r.Kd_nM),
                    "measured": round(KCAL_PER_LOG10 * np.log10(float(r.Kd_nM) / kd_wild), 3)})
    table = pd.DataFrame(out)
    estimates = ddg_table(drug, table["mutation"].tolist(),
                          engine=Engine.for_tasks(engine, 1, cache=options.cache))
    table["ddg"] = estimates["ddg"].to_numpy()
    table["ddg_sd"] = estimates["ddg_sd"].to_numpy()
    table["status"] = estimates["status"].to_numpy()
    return table[columns]


#: (wild-type file, mutant crystal file, mutation, side) of the EGFR folder: the gefitinib mutant
#: crystals against mutant models of 2ITY, and the L858R AMP-PNP crystal against the L858R model of
#: 2ITX (4I22 also carries V948R, far from the ATP site, which is not modelled).
EGFR_CRYSTAL_PAIRS = [("2ity.pdb", "2itz.pdb", "L858R", "drug"), ("2ity.pdb", "2ito.pdb", "G719S", "drug"),
                      ("2ity.pdb", "4i22.pdb", "T790M+L858R", "drug"),
                      ("2itx.pdb", "2itv.pdb", "L858R", "ATP")]
EGFR_CRYSTAL_COLUMNS = ["side", "wild_type_entry", "mutant_entry", "mutation", "site", "residue",
                        "rmsd_relaxed_A", "rmsd_fixed_pocket_A", "within_1A", "ddg_forward", "ddg_reverse",
                        "note"]


def egfr_crystal_check(folder: str | os.PathLike, *, options: LoadOptions | None = None) -> pd.DataFrame:
    """The EGFR mutant crystals against the mutant models (:data:`EGFR_CRYSTAL_PAIRS`).

    Per substituted site: the side-chain RMSD of the relaxed and of the fixed-pocket model against
    the crystal (:func:`~structkit.analysis.study.crystal_check.pair_rows`), the forward estimate on the
    wild-type complex and the reverse one (the mutant crystal mutated back): a consistent estimate
    has ``ddg_reverse`` close to ``-ddg_forward``. For the ATP pair both are ATP-side estimates
    (AMP-PNP with its modelled Mg²⁺).
    """
    from structkit.analysis.study.crystal_check import pair_rows
    from structkit.energy.ddg import DdgEstimator
    from structkit.energy.prepare import prepare

    folder = Path(folder)
    options = options or LoadOptions.resolve()
    estimators: dict[str, DdgEstimator] = {}

    def estimator(name: str) -> DdgEstimator:
        if name not in estimators:
            estimators[name] = DdgEstimator(prepare(options.load(folder / name, keep_hydrogens=True),
                                                    cache=options.cache))
        return estimators[name]

    rows = []
    for wild_name, mutant_name, mutation, side in EGFR_CRYSTAL_PAIRS:
        wild = options.load(folder / wild_name)
        crystal = options.load(folder / mutant_name)
        forward = estimator(wild_name).estimate(mutation).ddg
        back = "+".join(f"{m[-1]}{m[1:-1]}{m[0]}" for m in mutation.split("+"))
        try:
            reverse = estimator(mutant_name).estimate(back).ddg
        except StructkitError:
            reverse = float("nan")
        for row in pair_rows(wild, crystal, mutation, estimator(wild_name), wild_name[:4].upper(),
                             mutant_name[:4].upper()):
            rows.append({**row, "side": side, "ddg_forward": round(forward, 3),
                         "ddg_reverse": round(reverse, 3)})
    return pd.DataFrame(rows, columns=EGFR_CRYSTAL_COLUMNS)
