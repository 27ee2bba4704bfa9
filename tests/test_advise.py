"""structkit advise: every ALK drug with a complex for a patient's mutation, with the review's word."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import norm

import structkit
from structkit.analysis.parallel.engine import Engine
from structkit.io.load import LoadOptions
from tests.util import EGFR, SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: the seven complexes are prepared once."""
    return tmp_path_factory.mktemp("advise")


@pytest.fixture(scope="module")
def g1202r(cache):
    return structkit.advise("G1202R", options=LoadOptions.resolve([SHARED], cache=cache),
                            engine=Engine(workers=2))


def test_solvent_front_g1202r_as_the_review_reports(g1202r):
    """Table 2 of the review: crizotinib resisted by G1202R, lorlatinib covers it. The verdict is
    the review's (evidence first), the model's verdict beside it agrees on both, and lorlatinib ranks
    above crizotinib."""
    table = g1202r.set_index("drug")
    assert len(table) == 7 and set(table["mutation"]) == {"G1202R"}
    assert table.loc["crizotinib", "reported"] == "resistant"
    assert table.loc["crizotinib", ["verdict", "evidence", "model_verdict"]].tolist() == [
        "resistant", "reported", "resistant"]
    assert table.loc["crizotinib", "agreement"] == "the model agrees"
    assert table.loc["lorlatinib", "reported"] == "covered"
    assert table.loc["lorlatinib", ["verdict", "model_verdict"]].tolist() == ["covered", "covered"]
    assert table.loc["lorlatinib", "rank"] < table.loc["crizotinib", "rank"]
    assert table.loc["crizotinib", "quote"] and int(table.loc["crizotinib", "line"]) > 0
    assert set(table["mechanism"]) == {"touches the drug"}
    # brigatinib: the review's own statements disagree (lines 153 and 165)
    assert table.loc["brigatinib", "verdict"] == "contested"
    assert "split" in table.loc["brigatinib", "basis"]
    for r in g1202r.itertuples():
        assert r.potency == pytest.approx(r.ddg - r.ddg_atp, abs=1e-3)
        assert r.model_basis.startswith("potency")
        assert r.evidence in ("measured", "reported", "neighbour", "predicted")
        # the interval and the probability, by hand with scipy (none where a side does not fit)
        if r.flag or r.atp_flag:
            assert np.isnan(r.potency_low) and np.isnan(r.p_resistant)
            continue
        assert (r.potency_low, r.potency_high) == pytest.approx(
            (r.potency - 2 * r.potency_sd, r.potency + 2 * r.potency_sd), abs=2e-3)
        assert r.p_resistant == pytest.approx(norm.sf(1.36, loc=r.potency, scale=r.potency_sd), abs=2e-3)
    order = {"covered": 0, "reduced": 1, "contested": 2, "resistant": 3, "unknown": 4}
    assert [order[v] for v in g1202r["verdict"]] == sorted(order[v] for v in g1202r["verdict"])


def test_a_measurement_outranks_the_model(cache):
    """Issue 38: for G1202R+L1196M the model calls lorlatinib covered (potency about 0.3), but the
    review reports it resisted with an IC50 of about 1 uM (line 75, ref 44): the verdict is resistant
    on measured evidence, the model's guess stays visible beside it, and lorlatinib ranks among the
    resisted, below every drug the evidence or the model calls covered."""
    table = structkit.advise("G1202R+L1196M", options=LoadOptions.resolve([SHARED], cache=cache),
                             engine=Engine(workers=2))
    lorlatinib = table.set_index("drug").loc["lorlatinib"]
    assert lorlatinib["verdict"] == "resistant" and lorlatinib["evidence"] == "measured"
    assert "IC50 1000 nM" in lorlatinib["basis"] and "line 75" in lorlatinib["basis"]
    assert lorlatinib["model_verdict"] == "covered"
    assert lorlatinib["agreement"].startswith("the model disagrees")
    covered = table.loc[table["verdict"] == "covered", "rank"]
    assert (covered < lorlatinib["rank"]).all()
    nvl = table.set_index("drug").loc["NVL-655"]
    assert nvl["verdict"] == "covered" and nvl["evidence"] == "reported"
    # entrectinib: the review says nothing of it, so the model decides
    assert table.set_index("drug").loc["entrectinib", "evidence"] == "predicted"


def test_bad_input_is_one_line():
    assert_one_line_error(run("advise", "G1202R", "--kinase", "EGFR"), "ALK only")
    assert_one_line_error(run("advise", "G1202Q7"), "cannot parse")
    assert_one_line_error(run("advise", "A1202R"), "1202")


def test_json_objects(cache, g1202r):
    """The CLI's JSON holds the fields a program reads, and from the cache the API call filled (the
    warm path) it gives the API's answer."""
    proc = run("advise", "G1202R", "--json", "--mirror", str(SHARED), "--cache", str(cache),
               "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 7
    assert {"drug", "verdict", "reported", "potency", "potency_sd", "potency_low", "potency_high",
            "p_resistant", "basis", "mechanism"} <= set(rows[0])
    assert {r["drug"]: r["reported"] for r in rows}["crizotinib"] == "resistant"
    api = g1202r.set_index("drug")
    for r in rows:
        assert r["verdict"] == api.loc[r["drug"], "verdict"]
        assert r["potency"] == pytest.approx(api.loc[r["drug"], "potency"], abs=1e-3)


def test_the_table_is_followed_by_the_apis_legend(cache, g1202r):
    """The text output ends with what the API says its columns mean (one owner of the legend)."""
    from structkit.analysis.study.advise import ADVICE_LEGEND, EVIDENCE_TIERS, VERDICT_RULE

    proc = run("advise", "G1202R", "--mirror", str(SHARED), "--cache", str(cache), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith(ADVICE_LEGEND)
    assert VERDICT_RULE in ADVICE_LEGEND and " > ".join(EVIDENCE_TIERS) in ADVICE_LEGEND


def test_verdict_of_estimates_that_do_not_fit():
    """A drug that does not fit the mutant while the nucleotide does is resisted, whatever the
    bounded number says; where the nucleotide does not fit either, the model cannot tell."""
    from structkit.analysis.study.advise import verdict
    from structkit.energy.ddg import NO_FIT

    assert verdict(0.2, "ok", "touches the drug", NO_FIT, "")[0] == "resistant"
    call, basis = verdict(0.0, "ok", "touches the drug", NO_FIT, NO_FIT)
    assert call == "unknown" and "nucleotide does not fit" in basis
    assert verdict(0.2, "ok", "touches the drug")[0] == "covered"
    assert verdict(2.0, "ok", "touches the drug", "", "")[0] == "resistant"


def test_resistance_probability_by_hand():
    from structkit.analysis.study.advise import resistance_probability
    from structkit.energy.ddg import NO_FIT

    assert resistance_probability(1.36, 0.7) == pytest.approx(0.5)
    assert resistance_probability(0.0, 1.0) == pytest.approx(norm.sf(1.36), abs=1e-12)
    assert resistance_probability(3.0, 0.5) == pytest.approx(norm.cdf((3.0 - 1.36) / 0.5), abs=1e-12)
    assert resistance_probability(2.0, 0.0) == 1.0 and resistance_probability(1.0, 0.0) == 0.0
    assert np.isnan(resistance_probability(float("nan"), 1.0))
    assert np.isnan(resistance_probability(5.0, 1.0, NO_FIT))
    assert np.isnan(resistance_probability(0.1, 1.0, "", NO_FIT))


def test_any_kinase_with_its_complexes(tmp_path):
    """EGFR with gefitinib's complex given: the same potency as structkit ddg --potency on 2ITY with
    2ITX (the kinase's nucleotide complex, found in the mirror), and no review statement (the review
    is about ALK)."""
    options = LoadOptions.resolve([EGFR], cache=tmp_path)
    table = structkit.advise("T790M", kinase="EGFR", complexes={"gefitinib": EGFR / "2ity.pdb"},
                             options=options, engine=Engine(workers=1))
    assert table["drug"].tolist() == ["gefitinib"] and table["mutation"].tolist() == ["T790M"]
    row = table.iloc[0]
    assert row["reported"] == "" and row["structure"] == "2ity.pdb"
    # the cellular panel measured gefitinib on T790M (Robichaux 2021: +1.26 log10, 1.71 kcal/mol):
    # that measurement decides, and the structural model's call stays beside it
    assert (row["verdict"], row["evidence"]) == ("resistant", "measured")
    assert "Gefitinib +1.71 kcal/mol" in row["basis"] and "Robichaux" in row["basis"]
    assert row["model_verdict"] in ("covered", "reduced", "resistant")
    direct = structkit.ddg(EGFR / "2ity.pdb", "T790M", potency=True, atp_reference=EGFR / "2itx.pdb",
                           options=options, engine=Engine(workers=1)).iloc[0]
    assert row["potency"] == pytest.approx(direct["potency"], abs=1e-3)
    assert row["ddg_atp"] == pytest.approx(direct["ddg_atp"], abs=1e-3)
    assert row["mechanism"] == "touches the drug"  # the gatekeeper


def test_bad_complexes_are_one_line(tmp_path):
    advise_egfr = ("advise", "T790M", "--kinase", "EGFR")
    assert_one_line_error(run(*advise_egfr, "--complex", "gefitinib"), "DRUG=FILE_OR_ID")
    assert_one_line_error(run(*advise_egfr, "--complex", f"gefitinib={tmp_path}/none.pdb", "--offline"),
                          "none.pdb")
    assert_one_line_error(run("advise", "T790M", "--kinase", "EGFR", "--complex", f"a={EGFR}/2ity.pdb",
                              "--complex", f"a={EGFR}/1xkk.pdb"), "given twice")
