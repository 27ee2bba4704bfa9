"""Evidence first in advice (issue 38): the tiers of :func:`evidence_verdict`, read by hand off the
review's coverage table (structkit/data/review_coverage.csv), without any model."""

from __future__ import annotations

from structkit.analysis.measure.coverage import coverage_table
from structkit.analysis.study.advise import evidence_verdict


def test_a_measured_ic50_is_the_strongest_evidence():
    verdict, tier, basis = evidence_verdict("lorlatinib", "L1196M+G1202R", coverage_table())
    assert (verdict, tier) == ("resistant", "measured")
    assert "IC50 1000 nM (line 75, refs 44)" in basis


def test_a_statement_about_the_drug_beats_one_about_its_class():
    # crizotinib and G1202R: named statements (line 162 ...) and class statements (line 65 ...)
    verdict, tier, basis = evidence_verdict("crizotinib", "G1202R", coverage_table())
    assert (verdict, tier) == ("resistant", "reported")
    assert basis.startswith("the review: ") and "line 162" in basis and "line 65" not in basis
    # ceritinib and the compound: only the class statement of line 75 names it
    verdict, tier, basis = evidence_verdict("ceritinib", "L1196M+G1202R", coverage_table())
    assert (verdict, tier) == ("resistant", "reported")
    assert basis.startswith("the review, of the drug class: ")


def test_statements_that_disagree_are_contested():
    verdict, tier, basis = evidence_verdict("brigatinib", "G1202R", coverage_table())
    assert tier == "reported"
    assert verdict == "contested" and "split" in basis
    assert "resistant" in basis and "covered" in basis


def test_a_compound_keeps_a_component_the_review_reports_resisted():
    table = coverage_table()
    # crizotinib is reported resisted by L1196M alone (Table 2); a compound nobody reported keeps it
    assert set(table.loc[(table["drug"] == "crizotinib") & (table["mutation"] == "L1196M"), "relation"]) \
        == {"resistant"}
    verdict, tier, basis = evidence_verdict("crizotinib", "L1196M+G1269A+I1171N", table)
    assert (verdict, tier) == ("resistant", "neighbour")
    assert "L1196M" in basis


def test_nothing_reported_leaves_the_model_to_decide():
    assert evidence_verdict("entrectinib", "L1196M+G1202R", coverage_table()) is None
