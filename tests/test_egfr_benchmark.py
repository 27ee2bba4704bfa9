"""The EGFR potency benchmark: the table read as the source file says, and metrics by hand."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.egfr_benchmark import (
    KCAL_PER_LOG10,
    egfr_benchmark,
    egfr_metrics,
    egfr_variants,
)
from structkit.io.load import LoadOptions
from tests.util import EGFR

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]



def test_variants_as_the_file_records_them():
    rows = [r for r in csv.DictReader(open(EGFR / "robichaux2021_ba_f3.csv")) if r["drug"] == "Gefitinib"]
    table = egfr_variants(EGFR).set_index("variant")
    assert len(table) == len(rows) == 77
    substitutions = [r for r in rows if r["variant_kind"] != "contains_indel_or_complex"]
    assert (table["mutation"] != "").sum() == len(substitutions) == 52
    assert table.loc["E709A G719S", "mutation"] == "E709A+G719S"  # a space for a slash in the source
    assert table.loc["L858R/T790M/C797S", "mutation"] == "L858R+T790M+C797S"
    assert table.loc["Ex19del", "mutation"] == ""
    censored = {r["variant"] for r in substitutions if r["censoring_flag"]}
    assert set(table.index[(table["bound"] == ">=") & (table["mutation"] != "")]) == censored
    assert len(censored) == 8
    t790m = table.loc["T790M"]
    assert t790m["measured"] == pytest.approx(KCAL_PER_LOG10 * 1.25684, abs=1e-3) and t790m["bound"] == ">="


def test_metrics_by_hand():
    """Pearson and Spearman (scipy) on the points only; RMSE with a bound met counting zero."""
    table = pd.DataFrame({
        "variant": list("abcdef"), "status": "ok",
        "measured_log10": [-1.0, -0.2, 0.1, 0.6, 1.0, 1.2],
        "bound": ["", "", "", "", "", ">="],
        "potency": [-0.5, 0.1, 0.0, 0.4, 1.5, 2.0], "ddg": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5],
        "potency_sd": [0.3, 0.3, 0.3, 0.3, 0.3, 0.3], "ddg_sd": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "contains_t790m": [False, False, False, True, True, True]})
    table["measured"] = KCAL_PER_LOG10 * table["measured_log10"]
    m = egfr_metrics(table, n_resamples=50).set_index("method")
    ours = m.loc["structkit potency (ddg - ddg_atp)"]
    y, p = table["measured"][:5], table["potency"][:5]
    assert ours["pearson"] == pytest.approx(stats.pearsonr(y, p)[0], abs=1e-3)
    assert ours["spearman"] == pytest.approx(stats.spearmanr(y, p)[0], abs=1e-3)
    errors = np.r_[p - y, 0.0]  # the bound (>= 1.637) is met by 2.0
    assert ours["rmse"] == pytest.approx(np.sqrt(np.mean(errors ** 2)), abs=1e-3)
    assert ours["sensitised_below_zero"] == 1.0 and ours["n_points"] == 5 and ours["n_bounds"] == 1
    # within 2 sd (0.6): |errors| in kcal/mol are 0.86, 0.37, 0.14, 0.42, 0.14 and the met bound 0
    assert ours["within_2sd"] == pytest.approx(5 / 6, abs=1e-3)
    # the drug's ddG with sd 1: errors 1.36, 0.37, 0.06, 0.52, 0.96; the bound 1.637 missed by 1.14
    assert m.loc["drug ddG alone", "within_2sd"] == pytest.approx(1.0, abs=1e-3)
    assert np.isnan(m.loc["zero everywhere", "within_2sd"])
    zero = m.loc["zero everywhere"]
    assert zero["rmse"] == pytest.approx(np.sqrt(np.mean(np.r_[y, table["measured"][5]] ** 2)), abs=1e-3)
    assert np.isnan(m.loc["contains T790M (one bit)", "rmse"])


def test_benchmark_subset(tmp_path):
    table = egfr_benchmark(EGFR, options=LoadOptions.resolve(cache=tmp_path),
                           variants=["L858R", "S768I", "Ex19del"], engine=Engine(workers=1))
    assert table["variant"].tolist() == ["Ex19del", "L858R", "S768I"]
    assert table["status"].tolist() == ["not modelled (insertion or deletion)", "ok", "ok"]
    ok = table[table["status"] == "ok"]
    np.testing.assert_allclose(ok["potency"], ok["ddg"] - ok["ddg_atp"], atol=1e-3)


def test_variants_outside_two_sd_by_hand():
    """A variant is outside where |prediction - measurement| > 2 sd, a bound the prediction meets
    counting as no error."""
    from structkit.analysis.study.egfr_benchmark import outside_two_sd

    table = pd.DataFrame({
        "variant": ["A", "B", "C", "D"],
        "measured": [0.0, 0.0, 2.0, 2.0],
        "bound": ["", "", ">=", ">="],
        "potency": [0.9, 1.1, 3.5, 0.5],
        "potency_sd": [0.5, 0.5, 0.1, 0.5],
    })
    # A: 0.9 <= 1.0; B: 1.1 > 1.0; C: meets its lower bound; D: 1.5 short of the bound, > 1.0
    assert outside_two_sd(table) == ["B", "D"]
