"""The ABL1 benchmark: a subset estimated end to end, the leave-one-drug-out scale and the metrics
checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.benchmark import (
    ABL_COLUMNS,
    abl_benchmark,
    benchmark_metrics,
    loo_scale,
    per_drug_metrics,
    sd_coverage,
)
from structkit.errors import StructkitError
from tests.util import ABL

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]


def test_loo_scale_leaves_a_lone_group_empty():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pred = loo_scale(np.array([1.0, 2.0]), np.array([0.5, 1.0]), np.array(["a", "a"]))
    assert np.isnan(pred).all()


def test_loo_scale_by_hand():
    raw = np.array([1.0, 2.0, 3.0, 4.0])
    measured = np.array([2.0, 4.0, 3.0, 4.0])
    groups = np.array(["a", "a", "b", "b"])
    pred = loo_scale(raw, measured, groups)
    # group a is predicted with the scale fitted on b: (3*3 + 4*4) / (9 + 16) = 1
    np.testing.assert_allclose(pred[:2], [1.0, 2.0])
    # group b with the scale of a: (2 + 8) / (1 + 4) = 2
    np.testing.assert_allclose(pred[2:], [6.0, 8.0])


@pytest.fixture(scope="module")
def subset():
    return abl_benchmark(ABL, drugs=["erlotinib", "gefitinib"], engine=Engine(workers=1))


def test_subset_end_to_end(subset):
    measured = pd.read_csv(ABL / "hauser2018_abl_ddg.csv")
    expected = measured[measured["tki"].isin(["erlotinib", "gefitinib"])]
    assert list(subset.columns) == ABL_COLUMNS
    assert len(subset) == len(expected) == 13
    assert (subset["status"] == "ok").all()
    np.testing.assert_allclose(np.sort(subset["ddg_exp"]), np.sort(expected["ddG_exp"]))
    assert (subset["min_distance_A"] > 0).all()
    # T315I sits next to erlotinib: within 5 Å
    t315i = subset[(subset["drug"] == "erlotinib") & (subset["mutation"] == "T315I")].iloc[0]
    assert t315i["min_distance_A"] < 5.0


def test_sd_on_the_pairs_scale(subset):
    """ddg_spread is the estimator's spread (kcal/mol on the package's scale) put on the scale the
    pair's ddg_pred uses: the ratio of the two scales, not their product; ddg_sd adds the model error
    fitted on the other drug's residuals."""
    from structkit.analysis.measure.ddg import ddg_table
    from structkit.energy.ddg import ddg_scale
    from structkit.io.load import load
    from tests.util import abl_files

    rows = subset[subset["drug"] == "erlotinib"]
    complex_path, sdf = abl_files("erlotinib")
    direct = ddg_table(load(complex_path, ligand_file=sdf, keep_hydrogens=True), rows["mutation"].tolist(),
                       engine=Engine(workers=1))
    loo = (rows["ddg_pred"] / rows["ddg_raw"]).to_numpy()
    expected = direct["ddg_spread"].to_numpy() * loo / ddg_scale()
    np.testing.assert_allclose(rows["ddg_spread"].to_numpy(), expected, atol=2e-3)
    assert (rows["ddg_spread"] > 0).any()
    # the model error by hand: gefitinib's residuals under erlotinib's leave-one-out scale (fitted on
    # gefitinib alone), as a root-mean-square in the site's distance band
    other = subset[subset["drug"] == "gefitinib"]
    s = loo[0]
    residual = other["ddg_exp"].to_numpy() - s * other["ddg_raw"].to_numpy()
    band = np.digitize(other["min_distance_A"].to_numpy(), [4.5, 8.0])
    rms = {b: np.sqrt(np.mean(residual[band == b] ** 2)) for b in set(band)}
    worst = max(rms.values())
    error = [rms.get(b, worst) for b in np.digitize(rows["min_distance_A"].to_numpy(), [4.5, 8.0])]
    np.testing.assert_allclose(rows["ddg_sd"].to_numpy(), np.hypot(rows["ddg_spread"], error), atol=2e-3)


def test_metrics_by_hand(subset):
    metrics = benchmark_metrics(subset, n_resamples=50).set_index("method")
    y = subset["ddg_exp"].to_numpy()
    zero = metrics.loc["ddG = 0 for every pair"]
    assert zero["rmse"] == pytest.approx(np.sqrt(np.mean(y**2)), abs=1e-3)
    ours = metrics.loc["structkit raw sum (no fit)"]
    assert ours["pearson"] == pytest.approx(np.corrcoef(y, subset["ddg_raw"])[0, 1], abs=1e-3)
    assert ours["pearson_lo"] <= ours["pearson"] <= ours["pearson_hi"]
    vina = metrics.loc["Vina score of the same relaxed models (no fit)"]
    assert vina["kendall"] == pytest.approx(kendalltau(y, subset["ddg_vina"]).statistic, abs=1e-3)
    # the consensus is the plain mean of the leave-one-drug-out estimate and the Vina score
    mean = (subset["ddg_pred"] + subset["ddg_vina"]) / 2
    np.testing.assert_allclose(subset["ddg_consensus"], mean, atol=1e-3)
    both = metrics.loc["consensus: mean of structkit ddG and Vina (no weight fitted)"]
    assert both["rmse"] == pytest.approx(np.sqrt(np.mean((y - subset["ddg_consensus"]) ** 2)), abs=1e-3)
    per_drug = per_drug_metrics(subset)
    assert per_drug["drug"].tolist() == ["erlotinib", "gefitinib"] and per_drug["n"].sum() == 13


def test_sd_coverage_by_hand():
    table = pd.DataFrame({"ddg_exp": [1.0, 1.0, 1.0, 0.0], "ddg_pred": [0.9, 0.0, 1.5, 9.0],
                          "ddg_sd": [0.05, 0.6, 0.1, 1.0], "status": ["ok", "ok", "ok", "not modelled"]})
    # |1 - 0.9| = 0.1 <= 0.1; |1 - 0| = 1 <= 1.2; |1 - 1.5| = 0.5 > 0.2; the last is not estimated
    assert sd_coverage(table) == (2, 3)
    assert sd_coverage(table, k=1.0) == (0, 3)
    table["ddg_spread"] = [0.0, 0.0, 0.0, 0.0]
    assert sd_coverage(table, column="ddg_spread") == (0, 3)


def test_not_a_benchmark_folder(tmp_path):
    with pytest.raises(StructkitError, match="not the ABL1 benchmark folder"):
        abl_benchmark(tmp_path)
