"""Validation of the binding free energy change estimate on measured data: the ABL1 benchmark.

The set (Hauser et al., Commun. Biol. 2018; files and provenance in
``../shared/benchmarks/abl_hauser2018/SOURCES.md``) holds 144 measured ABL1 mutation x drug ddG values
and one prepared complex per drug. Every pair is estimated on its drug's complex with the complex's
own hydrogens and the SDF pose's chemistry. Resistant means ddG_exp > 1.36 kcal/mol (a 10-fold loss).

Beside the force-field estimate, ``ddg_vina`` scores the same relaxed models with the Vina function
and ``ddg_consensus`` is the mean of ``ddg_pred`` and ``ddg_vina`` (see :mod:`structkit.energy.ddg`).

The only fitted numbers are the scale of :mod:`structkit.energy.ddg` and the model error bands of
:mod:`structkit.energy.uncertainty`; here both are fitted leave one drug out (the scale by least
squares through the origin on the other seven drugs, the bands on their residuals), so neither
``ddg_pred`` nor ``ddg_sd`` of a drug saw that drug's measurements. Ranking figures (AUC,
Kendall, Pearson) of the raw sum need no fit at all and are reported beside them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from structkit.analysis.measure.ddg import ddg_tables
from structkit.analysis.measure.thresholds import RESISTANT_KCAL, is_resistant
from structkit.analysis.parallel.engine import Engine
from structkit.energy.ddg import COMPONENTS, NO_FIT, NO_FIT_KCAL, ddg_scale
from structkit.energy.uncertainty import fit_model_error, site_distance, total_sd
from structkit.errors import StructkitError
from structkit.io.load import load
from structkit.model.complex import Complex
from structkit.model.mutate import mutate

__all__ = ["ABL_COLUMNS", "PUBLISHED", "RESISTANT_KCAL", "abl_benchmark", "abl_complexes",
           "benchmark_metrics", "loo_scale", "loo_total_sd", "per_drug_metrics", "sd_coverage"]

#: A 10-fold loss of affinity at 300 K.
ABL_COLUMNS = ["drug", "mutation", "ddg_exp", "resistant", "ddg_pred", "ddg_sd", "ddg_spread", "ddg_raw",
               "ddg_vina", "ddg_consensus", *COMPONENTS,
               "min_distance_A", "clash_excess_A", "flag", "status"]


def abl_complexes(folder: str | os.PathLike) -> dict[str, Path]:
    """Drug name -> complex file of the benchmark folder."""
    folder = Path(folder)
    found = {p.name.split("_")[0]: p for p in sorted(folder.glob("*_complex.pdb"))}
    if not found or not (folder / "hauser2018_abl_ddg.csv").is_file():
        raise StructkitError(
            f"{folder}: not the ABL1 benchmark folder (no *_complex.pdb or hauser2018_abl_ddg.csv)")
    return found


def loo_scale(raw: np.ndarray, measured: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Leave-one-group-out predictions ``s * raw`` with ``s`` fitted through the origin on the rest.

    A group with nothing to fit on (the only group, or the others all zero) keeps NaN: its scale
    would have to come from its own measurements.
    """
    out = np.full(len(raw), np.nan)
    ok = np.isfinite(raw) & np.isfinite(measured)
    for group in np.unique(groups):
        train = ok & (groups != group)
        norm = float(np.dot(raw[train], raw[train]))
        if norm == 0.0:
            continue
        scale = float(np.dot(raw[train], measured[train]) / norm)
        test = groups == group
        out[test] = scale * raw[test]
    return out


def _clash(complex_, mutation: str) -> float:
    try:
        return round(sum(s.inhibitor_excess for s in mutate(complex_, mutation).sites), 3)
    except StructkitError:
        return float("nan")


def _drug_complex(path: Path) -> Complex:
    """A benchmark drug's complex with its own hydrogens and its SDF pose's chemistry."""
    return load(path, ligand_file=path.with_name(path.name.replace("_complex.pdb", "_ligand.sdf")),
                keep_hydrogens=True)


def _with_measurements(drug: str, table: pd.DataFrame, rows: pd.DataFrame, complex_: Complex) -> pd.DataFrame:
    """A drug's ddG table with its measured values, site distances and clash excesses beside it."""
    table.insert(0, "drug", drug)
    table["ddg_exp"] = rows["ddG_exp"].to_numpy()
    table["min_distance_A"] = [round(site_distance(complex_, [int(r)]), 3) for r in rows["resid"]]
    table["clash_excess_A"] = [_clash(complex_, m) for m in rows["mutation"]]
    return table


def abl_benchmark(
    folder: str | os.PathLike,
    *,
    drugs: list[str] | None = None,
    engine: Engine | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """Estimate every pair of the benchmark (columns :data:`ABL_COLUMNS`, drug then file order).

    Parameters
    ----------
    folder : path
        ``../shared/benchmarks/abl_hauser2018``.
    drugs : list of str, optional
        A subset of drugs (all by default); the leave-one-drug-out scale then uses only those.
    engine : Engine, optional
        How the estimates run (:class:`~structkit.analysis.parallel.engine.Engine`: workers, result
        cache, progress over all pairs, labelled ``"imatinib E255K"``); the table does not depend on it.
    mode : {"fast", "accurate"}
        The ddG mode (:func:`~structkit.analysis.measure.ddg.ddg_table`). In the accurate mode the
        members an estimate averages are those the mutant fits by the package's scale (fitted on
        all eight drugs), a choice the leave-one-drug-out scale does not redo.

    Returns
    -------
    pandas.DataFrame
        One row per measured pair: the estimate, its terms, the measured value and a ``status``
        (``ok`` or why the pair was not modelled).
    """
    files = abl_complexes(folder)
    data = pd.read_csv(Path(folder) / "hauser2018_abl_ddg.csv")
    names = sorted(data["tki"].str.lower().unique())
    if drugs:
        names = [d for d in names if d in {x.lower() for x in drugs}]
    rows = [data[data["tki"].str.lower() == drug] for drug in names]
    complexes = [_drug_complex(files[drug]) for drug in names]
    # every drug's pairs in one batch of tasks (ddg_tables), side by side on the workers
    tables = ddg_tables(complexes, [r["mutation"].tolist() for r in rows], engine=engine, mode=mode,
                        labels=names)
    frames = [_with_measurements(drug, table, r, c)
              for drug, table, r, c in zip(names, tables, rows, complexes)]
    out = pd.concat(frames, ignore_index=True)
    out["resistant"] = is_resistant(out["ddg_exp"])
    raw = out["ddg_raw"].to_numpy(dtype=float)
    pred = loo_scale(raw, out["ddg_exp"].to_numpy(dtype=float), out["drug"].to_numpy())
    scale = pred / np.where(raw == 0, np.nan, raw)
    clash = scale * (out["vdw"].to_numpy(dtype=float) + out["strain"].to_numpy(dtype=float))
    no_fit = clash > NO_FIT_KCAL  # the estimator's rule, with this drug's leave-one-out scale
    out["ddg_pred"] = np.round(np.where(no_fit, np.minimum(pred, NO_FIT_KCAL), pred), 3)
    vina = out["ddg_vina"].to_numpy(dtype=float)
    out["ddg_vina"] = np.where(no_fit, np.minimum(vina, NO_FIT_KCAL), vina)  # as the estimator bounds it
    out["ddg_consensus"] = np.round(0.5 * (out["ddg_pred"] + out["ddg_vina"]), 3)
    out["flag"] = np.where(no_fit, NO_FIT, "")
    # the estimator's spread is on the package's scale and its model error fitted on all eight
    # drugs: put the spread on the pair's leave-one-drug-out scale and refit the error without the drug
    relative = np.nan_to_num(scale, nan=0.0) / ddg_scale()
    out["ddg_spread"] = np.round(out["ddg_spread"].to_numpy(dtype=float) * relative, 3)
    out["ddg_sd"] = np.round(loo_total_sd(out, scale), 3)
    return out[ABL_COLUMNS]


def loo_total_sd(table: pd.DataFrame, scale: np.ndarray) -> np.ndarray:
    """Each pair's ``ddg_sd`` (:func:`~structkit.energy.uncertainty.total_sd` of its ``ddg_spread``)
    with the error bands fitted on the other drugs' residuals under the pair's leave-one-drug-out
    ``scale`` (NaN where it has none)."""
    raw = table["ddg_raw"].to_numpy(dtype=float)
    measured = table["ddg_exp"].to_numpy(dtype=float)
    distance = table["min_distance_A"].to_numpy(dtype=float)
    spread = table["ddg_spread"].to_numpy(dtype=float)
    drugs = table["drug"].to_numpy()
    out = np.full(len(table), np.nan)
    for drug in np.unique(drugs):
        test = drugs == drug
        s = scale[test]
        s = s[np.isfinite(s)]
        if not len(s):
            continue
        bands = fit_model_error(measured[~test] - s[0] * raw[~test], distance[~test])
        out[test] = total_sd(spread[test], distance[test], bands)
    return out


#: Published figures on the same 144 pairs (``../shared/benchmarks/abl_hauser2018/SOURCES.md``).
PUBLISHED: list[dict[str, Any]] = [
    {"method": "FEP+ (Hauser 2018; GPU-hours per mutation)", "rmse": 1.05, "pearson": 0.39, "auc": 0.76},
    {"method": "Prime MM-GBSA (Hauser 2018)", "rmse": 1.73, "pearson": 0.41, "auc": 0.66},
    {"method": "Amber99sb*-ILDN non-equilibrium alchemy (Aldeghi 2019)", "rmse": 0.85, "pearson": 0.44,
     "auc": 0.76},
    {"method": "Rosetta REF15 flex ddG (Aldeghi 2019)", "rmse": 0.72, "pearson": 0.67, "auc": 0.77},
    {"method": "average of alchemy and Rosetta (Aldeghi 2019)", "rmse": float("nan"), "pearson": float("nan"),
     "auc": 0.85},
]
METRIC_COLUMNS = ["method", "n", "rmse", "rmse_lo", "rmse_hi", "pearson", "pearson_lo", "pearson_hi",
                  "kendall", "kendall_lo", "kendall_hi", "auc", "auc_lo", "auc_hi", "fitted"]


def _pearson(y: np.ndarray, p: np.ndarray) -> float:
    if np.std(p) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(y, p)[0, 1])


def _kendall(y: np.ndarray, p: np.ndarray) -> float:
    from scipy.stats import kendalltau

    if np.std(p) == 0:
        return float("nan")
    return float(kendalltau(y, p).statistic)


def _rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y - p) ** 2)))


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    from structkit.analysis.study.metrics import roc_auc

    return roc_auc(is_resistant(y), p)


def baselines(table: pd.DataFrame) -> dict[str, tuple[np.ndarray, bool, bool]]:
    """Predictions to compare: name -> (values, values are kcal/mol, fitted on the measured data)."""
    y = table["ddg_exp"].to_numpy(dtype=float)
    same = np.full(len(table), np.nan)
    for k, (drug, mutation) in enumerate(zip(table["drug"], table["mutation"])):
        other = (table["mutation"] == mutation) & (table["drug"] != drug)
        pool = y[other.to_numpy()] if other.any() else y[(table["drug"] != drug).to_numpy()]
        same[k] = pool.mean()
    def column(name: str) -> np.ndarray:
        return table[name].to_numpy(dtype=float)

    return {
        "structkit ddG (scale fitted leave-one-drug-out)": (column("ddg_pred"), True, True),
        "structkit raw sum (no fit)": (column("ddg_raw"), True, False),
        "Vina score of the same relaxed models (no fit)": (column("ddg_vina"), True, False),
        "consensus: mean of structkit ddG and Vina (no weight fitted)": (column("ddg_consensus"), True, True),
        "minimum distance to the drug (closer = more resistant)": (-column("min_distance_A"), False, False),
        "steric clash alone (structkit mutate)": (column("clash_excess_A"), False, False),
        "mean ddG of the same mutation under the other drugs": (same, True, True),
        "ddG = 0 for every pair": (np.zeros(len(table)), True, False),
    }


def benchmark_metrics(table: pd.DataFrame, *, n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """RMSE, Pearson, Kendall and ROC AUC with 95 % bootstrap intervals for each prediction.

    RMSE is given only for predictions in kcal/mol; the intervals resample the pairs (``seed`` fixed).
    """
    ok = (table["status"] == "ok").to_numpy()
    sub = table[ok].reset_index(drop=True)
    y = sub["ddg_exp"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, len(y), len(y)) for _ in range(n_resamples)]
    rows = []
    for name, (pred, in_kcal, fitted) in baselines(sub).items():
        row = {"method": name, "n": len(y), "fitted": fitted}
        stats = {"pearson": _pearson, "kendall": _kendall, "auc": _auc}
        if in_kcal:
            stats = {"rmse": _rmse, **stats}
        for key, fn in stats.items():
            value = fn(y, pred)
            values = np.array([fn(y[i], pred[i]) for i in draws])
            values = values[np.isfinite(values)]
            lo, hi = (np.quantile(values, [0.025, 0.975]) if len(values) else (np.nan, np.nan))
            row.update({key: round(value, 3), f"{key}_lo": round(float(lo), 3),
                        f"{key}_hi": round(float(hi), 3)})
        rows.append(row)
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def sd_coverage(table: pd.DataFrame, *, k: float = 2.0, column: str = "ddg_sd") -> tuple[int, int]:
    """How many measured values fall within ``ddg_pred +- k x column`` (of the pairs estimated).

    For an honest Gaussian uncertainty about 95 % would at ``k = 2`` and 68 % at ``k = 1``.
    """
    ok = table[table["status"] == "ok"]
    y, p, sd = (ok[c].to_numpy(dtype=float) for c in ("ddg_exp", "ddg_pred", column))
    return int(np.sum(np.abs(y - p) <= k * sd)), len(ok)


def per_drug_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """n, resistant count, RMSE, Pearson, Kendall and AUC of the structkit estimate for each drug."""
    rows = []
    for drug, g in table[table["status"] == "ok"].groupby("drug", sort=True):
        y = g["ddg_exp"].to_numpy(dtype=float)
        p = g["ddg_pred"].to_numpy(dtype=float)
        rows.append({"drug": drug, "n": len(g), "n_resistant": int(is_resistant(y).sum()),
                     "rmse": round(_rmse(y, p), 3), "pearson": round(_pearson(y, p), 3),
                     "kendall": round(_kendall(y, p), 3), "auc": round(_auc(y, p), 3)})
    return pd.DataFrame(rows)
