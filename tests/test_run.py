"""structkit run: the tracked results/ are exactly what a fresh run produces (so two runs agree),
files are written atomically, and the report states the evaluation numbers.

The force-field tables (ABL1 benchmark, crystal check, ALK ddG: about 25 minutes on two cores) are
reused from the tracked results here; tests/test_run_energies.py recomputes a subset of them."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from structkit.analysis.pipeline.run import RESULT_TABLES, run, write_table
from structkit.energy.ddg import NO_FIT, NO_FIT_KCAL
from structkit.io.load import LoadOptions
from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]


@pytest.fixture(scope="module")
def fresh_results(tmp_path_factory, viewer_js):
    """A run offline, whatever the user's cache holds: the viewer library comes from the session's
    integrity-checked copy (STRUCTKIT_3DMOL), set for the run and restored after it."""
    out = tmp_path_factory.mktemp("results")
    before = os.environ.get("STRUCTKIT_3DMOL")
    os.environ["STRUCTKIT_3DMOL"] = str(viewer_js)
    try:
        run(out, options=LoadOptions.resolve([SHARED], offline=True), reuse_energies=REPO / "results")
    finally:
        if before is None:
            os.environ.pop("STRUCTKIT_3DMOL", None)
        else:
            os.environ["STRUCTKIT_3DMOL"] = before
    return out


@pytest.mark.parametrize("name", [f"{t}.csv" for t in RESULT_TABLES] + ["REPORT.md", "index.html"])
def test_fresh_run_equals_tracked_results(fresh_results, name):
    assert (fresh_results / name).read_bytes() == (REPO / "results" / name).read_bytes(), name


def test_figures_and_manifest(fresh_results):
    figures = sorted(p.name for p in (fresh_results / "figures").iterdir())
    assert figures == ["abl_benchmark.png", "coverage_heatmap.png", "distance_by_region.png",
                       "interactions.png", "pocket_map.png", "roc_curves.png", "saturation.png"]
    manifest = json.loads((fresh_results / "manifest.json").read_text())
    assert manifest["inputs"]["structures"]["2XP2"]["file"] == "2xp2.pdb"
    assert len(manifest["inputs"]["structures"]) == 60
    assert set(manifest["outputs"]) == set(RESULT_TABLES)
    assert manifest["packages"]["numpy"] and manifest["packages"]["openmm"]
    assert manifest["force_field"]["protein_force_field"] == "amber14/protein.ff14SB.xml"
    assert manifest["force_field"]["ddg_mode"].startswith("fast (every table")
    assert manifest["interaction_criteria"]["hbond_distance"] == 3.5
    assert manifest["conformation_rule"]["dfg_d1_in_A"] == 11.0
    assert not [p for p in fresh_results.rglob(".*.part")]


def test_views_behind_every_prediction_row(fresh_results):
    """index.html links every drug x mutation row to views/<drug>.html#<mutation>; each view offers
    those mutations (the browser tests open them)."""
    import re

    from structkit.analysis.presentation.html_report import view_file_name

    pred = pd.read_csv(fresh_results / "predictions.csv", keep_default_na=False)
    index = (fresh_results / "index.html").read_text()
    for drug, rows in pred.groupby("drug"):
        page = (fresh_results / "views" / view_file_name(drug)).read_text()
        data = json.loads(re.search(r'id="structkit-data">(.*?)</script>', page, re.S).group(1)
                          .replace("<\\/", "</"))
        # every single substitution has its model; class statements (F1174), insertions and
        # compounds with a site the complex lacks cannot be modelled: their rows open the wild type
        missing = set(rows["mutation"]) - set(data["mutants"])
        assert not {m for m in missing if re.fullmatch(r"[A-Z]\d+[A-Z]", m)}, missing
        assert data["default"] == "G1202R"
        assert f'href="views/{view_file_name(drug)}#G1202R"' in index


def test_report_holds_the_evaluation_numbers(fresh_results):
    report = (fresh_results / "REPORT.md").read_text()
    metrics = pd.read_csv(fresh_results / "evaluation.csv")
    lodo = metrics[(metrics["subset"] == "all") & (metrics["validation"] == "leave-one-drug-out")].iloc[0]
    assert f"| {lodo.auc:.2f} | {lodo.ci_low:.2f}-{lodo.ci_high:.2f} |" in report
    assert "## Limitations" in report and "figures/roc_curves.png" in report
    abl = pd.read_csv(fresh_results / "abl_metrics.csv").set_index("method")
    ours = abl.loc["structkit ddG (scale fitted leave-one-drug-out)"]
    assert f"{ours.auc:.2f} ({ours.auc_lo:.2f}-{ours.auc_hi:.2f})" in report
    assert "FEP+" in report and "Rosetta REF15 flex ddG" in report
    crystal = pd.read_csv(fresh_results / "crystal_check.csv")
    assert f"{int(crystal['within_1A'].sum())} of {len(crystal)} mutated side chains" in report
    # the ±2 sd coverage, counted here from the benchmark table
    table = pd.read_csv(fresh_results / "abl_benchmark.csv")
    ok = table[table["status"] == "ok"]
    inside = int((np.abs(ok["ddg_exp"] - ok["ddg_pred"]) <= 2 * ok["ddg_sd"]).sum())
    assert f"{inside} of {len(ok)} measured values" in report
    egfr = pd.read_csv(fresh_results / "egfr_metrics.csv").set_index("method")
    share = egfr.loc["structkit potency (ddg - ddg_atp)", "within_2sd"]
    assert f"holds {share:.2f} of the measured shifts within +- 2 sd" in report


def test_predictions_table_contract(fresh_results):
    pred = pd.read_csv(fresh_results / "predictions.csv", keep_default_na=False)
    for column in ("drug", "structure", "mutation", "risk", "predicted", "reported"):
        assert column in pred.columns
    assert set(pred["predicted"]) <= {"resistant", "covered", ""}
    assert set(pred["reported"]) <= {"resistant", "covered", "conflict", "reduced_potency", ""}
    risks = pd.to_numeric(pred["risk"], errors="coerce").dropna()
    assert ((risks >= 0) & (risks <= 1)).all()
    ddg = pd.to_numeric(pred["ddg"], errors="coerce")
    atp = pd.to_numeric(pred["ddg_atp"], errors="coerce")
    potency = pd.to_numeric(pred["potency"], errors="coerce")
    ok = ddg.notna()
    # the potency is the drug's ddG minus ATP's (ADP with Mg in 3LCT), from the two energy tables
    both = ok & atp.notna()
    assert both.sum() > 0.9 * ok.sum()
    # (the CSV keeps 4 significant digits: 10.77 for 10.766)
    np.testing.assert_allclose(potency[both], ddg[both] - atp[both], atol=2e-3, rtol=1e-3)
    ddg_atp = pd.read_csv(fresh_results / "ddg_atp.csv").set_index("mutation")["ddg"]
    np.testing.assert_allclose(atp[both], ddg_atp.reindex(pred["mutation"][both]).to_numpy(), atol=1e-9)
    # the risk is a fixed monotone map of the potency: 0.5 at 1.36 kcal/mol
    expected = 1 / (1 + np.exp(-(potency[ok] - 1.36) / 0.5))
    np.testing.assert_allclose(pd.to_numeric(pred["risk"][ok]), expected, atol=6e-4)
    # the model's verdict, by its rule (the verdict itself is decided by the evidence, as in advise)
    verdict, p = pred["model_verdict"][ok], potency[ok]
    drug_fit, atp_fit = pred["ddg_flag"][ok], pred["atp_flag"][ok]
    plain = (drug_fit == "") & (atp_fit == "")
    assert (verdict[plain & (p >= 1.36)] == "resistant").all()
    assert (verdict[plain & (p >= 0.68) & (p < 1.36)] == "reduced").all()
    assert (verdict[plain & (p < 0.68)] == "covered").all()
    # a mutant the drug cannot fit while the nucleotide can is resisted; neither fitting: unknown
    assert (verdict[(drug_fit == NO_FIT) & (atp_fit == "")] == "resistant").all()
    assert (verdict[atp_fit == NO_FIT] == "unknown").all()
    # evidence first: where the model decides, its verdict is the verdict; a measured IC50 always decides
    predicted = pred["evidence"] == "predicted"
    assert (pred.loc[predicted, "verdict"] == pred.loc[predicted, "model_verdict"]).all()
    lorlatinib = pred[(pred["drug"] == "lorlatinib") & (pred["mutation"] == "L1196M+G1202R")].iloc[0]
    assert (lorlatinib["verdict"], lorlatinib["evidence"]) == ("resistant", "measured")
    # p_resistant is the Gaussian tail beyond 1.36 kcal/mol with sd potency_sd (scipy), as advise gives it
    from scipy.stats import norm

    sd = pd.to_numeric(pred["potency_sd"], errors="coerce")[ok]
    known = plain & (sd > 0)
    tail = norm.sf(1.36, loc=p[known], scale=sd[known])
    np.testing.assert_allclose(pd.to_numeric(pred["p_resistant"][ok][known]), tail, atol=2e-3)
    # none where the verdict rests on a side that does not fit
    assert pd.to_numeric(pred["p_resistant"][ok][~plain], errors="coerce").isna().all()
    # flagged estimates are bounded (an unflagged one may exceed the bound through its other terms)
    assert set(drug_fit) <= {"", NO_FIT} and (ddg[ok][drug_fit == NO_FIT] <= NO_FIT_KCAL).all()
    assert set(pred["mechanism"][ok]) <= {"touches the drug", "ATP site", "αC and activation", "remote"} | {
        m for m in pred["mechanism"] if ";" in m}
    # every substitution at every review site on every drug complex
    singles = pred[~pred["mutation"].str.contains(r"\+") & ok]
    assert singles.groupby("drug")["mutation"].nunique().min() == 15 * 19
    assert set(pred["drug"]) == {"crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib",
                                 "entrectinib", "NVL-655"}
    row = pred[(pred["drug"] == "brigatinib") & (pred["mutation"] == "G1202R")].iloc[0]
    assert row["reported"] == "conflict"


def test_interrupted_write_keeps_the_previous_table(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    write_table(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "a\n1\n"

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("structkit.analysis.pipeline.run.os.replace", interrupted)
    try:
        write_table(pd.DataFrame({"a": [2]}), target)
    except KeyboardInterrupt:
        pass
    assert target.read_text() == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_manifest_records_the_mirror_however_given(tmp_path, monkeypatch):
    # the new user's case: STRUCTKIT_MIRROR from the environment was not recorded at all
    from structkit.analysis.pipeline.run import _manifest

    monkeypatch.chdir(REPO)
    given = _manifest(tmp_path, LoadOptions.resolve([SHARED], offline=True), {})
    monkeypatch.setenv("STRUCTKIT_MIRROR", "../shared/structures")
    from_environment = _manifest(tmp_path, LoadOptions.resolve(offline=True), {})
    assert given["mirrors"] == from_environment["mirrors"] == ["../shared/structures"]
    assert given["command"] == from_environment["command"] == "structkit run --mirror ../shared/structures"
    assert given["inputs"] == from_environment["inputs"]
