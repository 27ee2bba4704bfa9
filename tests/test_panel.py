"""The measured-panel potency model: read the panels as their files hold them, never use a drug's own
measurements for it, and beat the baselines the issue names on the EGFR panel, leave one drug out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.panel import (
    binding_mode,
    drug_chemistry_table,
    drug_query,
    leave_one_drug_out,
    panel_potency,
    query_of_complex,
)
from structkit.analysis.parallel.engine import Engine
from structkit.analysis.study.panel_benchmark import panel_benchmark
from structkit.io.measurements import KCAL_PER_LOG10, measured_panel, variant_key
from tests.util import EGFR, SHARED_ROOT

pytestmark = [pytest.mark.shared_data]


@pytest.fixture(scope="module")
def egfr():
    panel = measured_panel("EGFR", SHARED_ROOT)
    assert panel is not None
    return panel


def test_variant_keys_order_substitutions_by_position():
    assert variant_key("L858R/T790M") == "T790M+L858R"
    assert variant_key("E709K G719S") == "E709K+G719S"
    assert variant_key("T790M") == "T790M"
    assert variant_key("A763insFQEA") == "A763insFQEA"


def test_the_egfr_panel_is_the_file_in_kcal(egfr):
    raw = pd.read_csv(EGFR / "robichaux2021_ba_f3.csv", keep_default_na=False)
    row = raw[(raw["drug"] == "Gefitinib") & (raw["variant"] == "T790M")].iloc[0]
    matrix = egfr.matrix()
    assert matrix.loc["T790M", "Gefitinib"] == pytest.approx(KCAL_PER_LOG10 * float(row["value"]))
    assert len(egfr.drugs) == raw["drug"].nunique() == 23
    modes = egfr.modes()
    assert modes["Osimertinib"] == "covalent" and modes["Gefitinib"] == "reversible"
    assert modes["Midostaurin"] == "reversible, other target"  # a PKC inhibitor, not EGFR's
    assert modes["Brigatinib"] == "reversible"  # ALK/EGFR


def test_davis_panels_average_the_phosphorylation_states_and_drop_uninformative_pairs():
    abl = measured_panel("ABL1", SHARED_ROOT)
    assert abl is not None and abl.assay == "KINOMEscan binding Kd"
    raw = pd.read_csv(SHARED_ROOT / "measurements" / "davis2011_mutant_pairs.csv")
    rows = raw[(raw["gene"] == "ABL1") & (raw["mutation"] == "T315I") & (raw["drug"] == "Imatinib")
               & (raw["censoring"] != "both")]
    assert len(rows) >= 1
    assert abl.matrix().loc["T315I", "Imatinib"] == pytest.approx(rows["ddG_kcal_mol"].mean())
    assert measured_panel("NO_SUCH_KINASE", SHARED_ROOT) is None


def test_every_ccd_code_of_the_drug_table_names_its_drug_in_the_dictionary():
    """The table's codes, checked against the CCD biotite ships: the quoted name or synonym is there."""
    from biotite.structure.info.ccd import get_ccd

    chem = get_ccd()["chem_comp"]
    ids = list(chem["id"].as_array())
    names, synonyms = chem["name"].as_array(), chem["pdbx_synonyms"].as_array()
    for row in {r["ccd"]: r for r in drug_chemistry_table().values()}.values():
        k = ids.index(row["ccd"])
        text = f"{names[k]} {synonyms[k]}".lower()
        if row["ccd"] != "FMM":  # lapatinib: systematic name, see the table's header
            assert row["drug"].lower() in text, (row["drug"], row["ccd"])


def test_a_drug_never_predicts_itself(egfr):
    """Gefitinib's query leaves Gefitinib out by name, and by chemistry when named otherwise."""
    by_name = panel_potency(egfr, drug_query("Gefitinib"), ["T790M"])
    anonymous = drug_query("Gefitinib")
    anonymous = type(anonymous)(frozenset({"compound-1"}), anonymous.fingerprint, "reversible")
    by_chemistry = panel_potency(egfr, anonymous, ["T790M"])
    assert by_name["potency_panel"].iloc[0] == pytest.approx(by_chemistry["potency_panel"].iloc[0])
    measured = egfr.matrix().loc["T790M"]
    n_measured = int(measured.notna().sum())
    assert by_name["panel_n"].iloc[0] == n_measured - 1
    assert by_name["panel_nearest"].iloc[0] != "Gefitinib"


def test_the_prediction_is_the_weighted_mean_computed_by_hand(egfr):
    from structkit.analysis.measure import panel as module

    query = drug_query("Sapatinib", "reversible")
    result = panel_potency(egfr, query, ["L858R"])
    matrix = egfr.matrix()
    weights, sims = module._weights(egfr, query)
    column = matrix.loc["L858R", weights.index]
    ok = column.notna()
    expected = float((column[ok] * weights[ok]).sum() / weights[ok].sum())
    assert result["potency_panel"].iloc[0] == pytest.approx(expected, abs=1e-3)
    # by hand for one weight: Afatinib, covalent, against a reversible query
    s = sims["Afatinib"] if np.isfinite(sims["Afatinib"]) else module.FLOOR_SIMILARITY
    assert weights["Afatinib"] == pytest.approx((s ** 3 + 0.02) * 0.1)


def test_an_unmeasured_mutation_is_left_to_the_structure(egfr):
    result = panel_potency(egfr, drug_query("Gefitinib"), ["C797S", "T790M"])
    assert np.isnan(result["potency_panel"].iloc[0]) and result["panel_n"].iloc[0] == 0
    assert np.isfinite(result["potency_panel"].iloc[1])


def test_binding_mode_is_read_off_the_structure():
    assert binding_mode(structkit.load(EGFR / "2ity.pdb")) == "reversible"
    query = query_of_complex(structkit.load(EGFR / "2ity.pdb"))
    assert "gefitinib" in query.names and query.fingerprint is not None


def test_leave_one_drug_out_beats_the_baselines_on_average(egfr):
    """The panel model against the baselines on the 17 drugs with 40 or more modelled variants:
    higher mean Spearman than the mean of the other drugs, the nearest drug by chemistry and the
    one-bit "contains T790M"; lower mean RMSE than zero and the mean of the others."""
    table = panel_benchmark(egfr)
    method = table["method"].str.split(" ").str[0]
    summary = table.groupby(method).agg(spearman=("spearman", "mean"), rmse=("rmse", "mean"))
    model = summary.loc["panel_model"]
    assert model["spearman"] > summary.loc["mean_of_others", "spearman"]
    assert model["spearman"] > summary.loc["nearest_drug", "spearman"]
    assert model["spearman"] > summary.loc["contains_T790M", "spearman"] + 0.3
    assert model["rmse"] < summary.loc["mean_of_others", "rmse"] < summary.loc["zero", "rmse"]
    gefitinib = table[(table["drug"] == "Gefitinib") & (table["method"] == "panel_model")].iloc[0]
    assert gefitinib["spearman"] > 0.75 and gefitinib["spearman_low"] > 0.5
    assert len(set(leave_one_drug_out(egfr)["drug"])) == 23


@pytest.mark.slow
@pytest.mark.openmm
def test_ddg_potency_learns_from_the_panel_and_keeps_the_structural_number(tmp_path):
    options = structkit.LoadOptions.resolve(cache=tmp_path)
    table = structkit.ddg(EGFR / "2ity.pdb", "T790M,C797S", potency=True, atp_reference=EGFR / "2itx.pdb",
                          kinase="EGFR", options=options, engine=Engine(workers=1))
    assert table["potency_basis"].tolist() == ["measured panel", "structure"]
    t790m, c797s = table.iloc[0], table.iloc[1]
    query = query_of_complex(structkit.load(EGFR / "2ity.pdb"))
    expected = panel_potency(measured_panel("EGFR", SHARED_ROOT), query, ["T790M"])
    assert t790m["potency"] == pytest.approx(expected["potency_panel"].iloc[0])
    assert t790m["potency_structural"] == pytest.approx(t790m["ddg"] - t790m["ddg_atp"], abs=2e-3)
    assert c797s["potency"] == pytest.approx(c797s["potency_structural"])
    # a header-less file names no kinase: without kinase= the structure answers alone
    plain = structkit.ddg(EGFR / "2ity.pdb", "T790M", potency=True, atp_reference=EGFR / "2itx.pdb",
                          options=options, engine=Engine(workers=1))
    assert plain["potency_basis"].tolist() == ["structure"]


def test_binding_types_follow_the_pocket_each_crystal_holds():
    """Crizotinib (2XP2) holds DFG-in/αC-in: type I; lapatinib (1XKK) the αC-out pocket: type I½;
    imatinib (ABL1 2HYY) DFG-out: type II (the literature's classes of the three)."""
    from structkit.analysis.measure.panel import binding_type
    from tests.util import ABL, SHARED

    assert binding_type(structkit.load("2XP2", mirrors=[SHARED])) == "type I"
    assert binding_type(structkit.load(EGFR / "1xkk.pdb")) == "type I½"
    assert binding_type(structkit.load(ABL / "imatinib_2hyy_complex.pdb")) == "type II"


def test_a_measurement_is_the_drugs_own_by_name_only(egfr):
    from structkit.analysis.measure.panel import measured_shift

    shift, censored, name = measured_shift(egfr, drug_query("Iressa"), "T790M")  # an alias
    assert censored  # the source pins gefitinib's T790M cell at the assay limit: a lower bound
    assert name == "Gefitinib" and shift == pytest.approx(egfr.matrix().loc["T790M", "Gefitinib"])
    assert measured_shift(egfr, drug_query("Gefitinib"), "C797S") is None  # not in the panel
    gefitinib = drug_query("Gefitinib")
    nameless = type(gefitinib)(frozenset({"compound-1"}), gefitinib.fingerprint, "")
    assert measured_shift(egfr, nameless, "T790M") is None  # chemistry alone is not the drug's measurement


def test_panel_summary_means_over_drugs_by_hand():
    """Means per method over the drugs, the nearest-drug baselines (named by their drug) as one."""
    from structkit.analysis.study.panel_benchmark import panel_summary

    metrics = pd.DataFrame({
        "drug": ["a", "a", "b", "b"],
        "method": ["panel_model", "nearest_drug (b)", "panel_model", "nearest_drug (a)"],
        "spearman": [0.4, 0.2, 0.8, np.nan], "pearson": [0.1, 0.3, 0.5, 0.7], "rmse": [1.0, 2.0, 3.0, 4.0],
    })
    got = panel_summary(metrics)
    assert got.index.tolist() == ["panel_model", "nearest_drug"]
    assert got.loc["panel_model"].tolist() == pytest.approx([2, 0.6, 0.3, 2.0])
    assert got.loc["nearest_drug", "spearman"] == pytest.approx(0.2)  # NaN left out of the mean
