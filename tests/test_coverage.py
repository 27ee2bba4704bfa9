"""The review's coverage data: every Table 2 entry and text statement, quotes checked against the
review, flags for every ambiguity, and the query examples the issue names."""

from __future__ import annotations

import math
import re

import pytest

from structkit.analysis.measure.coverage import (
    COVERAGE_COLUMNS,
    coverage,
    coverage_statements,
    coverage_table,
)
from structkit.errors import StructkitError
from structkit.model.sites import review_mentions
from tests.util import SHARED_ROOT

pytestmark = [pytest.mark.shared_data]

REVIEW_PATH = SHARED_ROOT / "review" / "alk_tki_resistance_review.txt"
REVIEW_LINES = REVIEW_PATH.read_text().splitlines() if REVIEW_PATH.is_file() else []


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_quote_is_verbatim_in_the_review():
    for st in coverage_statements().itertuples(index=False):
        if st.source == "text":
            line = REVIEW_LINES[st.line - 1]
            # a sentence that starts on `line` may end after a figure caption (flag spans_caption)
            candidates = [line]
            if "spans_caption" in st.flags:
                candidates += [line + " " + REVIEW_LINES[k] for k in range(st.line, st.line + 12)]
            assert any(_norm(st.quote) in _norm(c) for c in candidates), st.id
        else:
            assert st.quote.startswith("Table 2, ") and st.drug.capitalize() in REVIEW_LINES[st.line - 1]
        assert st.written in REVIEW_LINES[st.line - 1] or st.written in st.quote, (st.id, st.written)


TABLE2 = {  # drug -> (resistant cell, covered cell), as printed in the review
    "crizotinib": ("L1196M, G1269A G1202R, S1206Y I1151Tins, L1152R C1156Y, F1174L G1202R+G1269A", "L1198F"),
    "ceritinib": ("G1202R, F1174C T1151K, G1123S", "L1196M, G1269A I1171T, S1206Y I1171N/S, V1180L "
                  "I1171N+L1196M I1171N +G1269A"),
    "alectinib": ("G1202R, I1171N/S/T", "C1156Y, F1174L D1203N, G1269A"),
    "brigatinib": ("G1202R, S1206Y CD1203N, E1210K", "G1202R, L1196M F1174L/V, G1269A I1171N, L1198F "
                   "V1180L I1171N+L1198F I1171N+L1196M I1171N +L1256F"),
    "ensartinib": ("G1269A, G1202R, E1210K", "F1174, C1156Y L1196M, S1206R T1151"),
    "lorlatinib": ("G1269A+I1171S/C1156Y/ G1202 L1196M+D1203N G1202R+L1196M/F1174L",
                   "G1202R, I1151Tins I1171N, F1174L E1210K+D1203N F1174C+D1203N"),
}


@pytest.mark.parametrize("drug", sorted(TABLE2))
def test_every_table2_cell_is_in_the_data(drug):
    st = coverage_statements()
    rows = st[(st["source"] == "Table 2") & (st["drug"] == drug)]
    for relation, cell in zip(("resistant", "covered"), TABLE2[drug]):
        assert cell in REVIEW_LINES[rows["line"].iloc[0] - 1]
        written = rows[rows["relation"] == relation]["written"].tolist()
        joined = " ".join(written)
        assert _norm(joined.replace(" +", "+")) == _norm(
            re.sub(r",", "", cell).replace(" +", "+").replace("/ ", "/ "))


def test_every_table2_mention_is_a_coverage_entry():
    mentions = review_mentions()
    written = set(coverage_statements()["written"].str.replace(" ", ""))
    for m in mentions[mentions["where"] == "Table 2"]["written"]:
        assert m.replace(" ", "") in written


def test_tidy_table_shape():
    table = coverage_table()
    assert list(table.columns) == COVERAGE_COLUMNS
    assert set(table["relation"]) == {"resistant", "covered", "reduced_potency"}
    assert (table["quote"] != "").all()


def test_typo_and_wrong_wild_type_are_kept_with_their_reading():
    table = coverage_table()
    typo = table[table["written"] == "CD1203N"].iloc[0]
    assert (typo["mutation"], typo["drug"], typo["relation"]) == ("D1203N", "brigatinib", "resistant")
    assert "typo" in typo["flag"]
    ins = table[table["written"] == "I1151Tins"]
    assert set(ins["mutation"]) == {"T1151Tins"} and set(ins["drug"]) == {"crizotinib", "lorlatinib"}
    assert all("wrong_wild_type" in f for f in ins["flag"])


def test_shorthands_and_site_only_entries():
    table = coverage_table()
    lorl = table[(table["written"] == "G1269A+I1171S/C1156Y/ G1202")]
    assert lorl["mutation"].tolist() == ["I1171S+G1269A", "C1156Y+G1269A", "G1202+G1269A"]
    assert all("shorthand" in f and "site_only" in f for f in lorl["flag"])
    pair = table[table["written"] == "G1202R+L1196M/F1174L"]
    assert pair["mutation"].tolist() == ["L1196M+G1202R", "F1174L+G1202R"]
    sites = table[(table["drug"] == "ensartinib") & (table["relation"] == "covered")]
    assert {"F1174", "T1151"} <= set(sites["mutation"])
    assert all("site_only" in f for f in sites[sites["mutation"].isin(["F1174", "T1151"])]["flag"])


def test_conflict_brigatinib_g1202r():
    rows = coverage(drug="brigatinib", mutation="G1202R", include_compounds=False)
    assert set(rows["relation"]) == {"resistant", "covered"}
    per_drug = rows[~rows["flag"].str.contains("class_statement")]
    # Table 2 lists it both ways, and line 153 says brigatinib inhibits it
    assert all("conflict" in f for f in per_drug["flag"]) and len(per_drug) == 3
    # and no conflict where the review is consistent
    assert not any("conflict" in f for f in coverage(drug="lorlatinib", mutation="G1202R")["flag"])


def test_query_g1202r():
    rows = coverage(mutation="G1202R", include_compounds=False)
    resisted = set(rows[rows["relation"] == "resistant"]["drug"])
    covering = set(rows[rows["relation"] == "covered"]["drug"])
    assert {"crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib"} <= resisted
    assert {"lorlatinib", "brigatinib", "TPX-0131", "NVL-655", "ZX-29"} <= covering
    assert "lorlatinib" not in resisted


def test_g1202r_l1196m_resists_all_table2_drugs():
    rows = coverage(mutation="G1202R+L1196M")
    resisted = set(rows[rows["relation"] == "resistant"]["drug"])
    assert resisted == {"crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib", "lorlatinib"}
    lorl = rows[(rows["drug"] == "lorlatinib") & (rows["line"] == 75)].iloc[0]
    assert lorl["ic50_nM"] == 1000 and lorl["refs"] == "44"
    assert set(rows[rows["relation"] == "covered"]["drug"]) == {"TPX-0131", "NVL-655", "AG-957/adaphostin"}


def test_lorlatinib_compound_mutations():
    rows = coverage(drug="lorlatinib")
    resisted = set(rows[rows["relation"] == "resistant"]["mutation"])
    assert {"L1196M+D1203N", "L1196M+G1202R", "F1174L+G1202R", "I1171N+L1196M"} <= resisted
    covered = set(rows[rows["relation"] == "covered"]["mutation"])
    assert {"D1203N+E1210K", "F1174C+D1203N", "G1202R", "T1151Tins", "I1171N", "F1174L"} <= covered


@pytest.mark.parametrize(
    ("drug", "mutations"),
    [
        ("TPX-0131", {"G1202R", "L1196M+G1202R", "I1171N", "G1269S", "WT"}),
        ("NVL-655", {"G1202R", "L1196M+G1202R", "G1202R+G1269A", "L1198F+G1202R"}),
        ("gilteritinib", {"I1171N+L1198H", "I1171N+F1174I"}),
        ("ZX-29", {"WT", "L1196M", "G1202R"}),
    ],
)
def test_newer_drugs(drug, mutations):
    rows = coverage(drug=drug)
    assert set(rows["mutation"]) == mutations
    assert set(rows["relation"]) == ({"covered", "reduced_potency"} if drug == "TPX-0131" else {"covered"})


def test_ic50_values():
    table = coverage_table()
    ic50 = {(r.drug, r.mutation): r.ic50_nM for r in table.itertuples() if not math.isnan(r.ic50_nM)}
    assert ic50 == {("lorlatinib", "L1196M+G1202R"): 1000.0, ("TPX-0131", "WT"): 10.0,
                    ("ZX-29", "WT"): 2.1, ("ZX-29", "L1196M"): 1.3, ("ZX-29", "G1202R"): 3.9}
    reduced = table[table["flag"].str.contains("reduced_potency")]
    assert set(reduced["mutation"]) == {"I1171N", "G1269S"}


def test_query_errors():
    with pytest.raises(StructkitError, match="not a drug of the review"):
        coverage(drug="aspirin")
    with pytest.raises(StructkitError, match="residue 1203 is D"):
        coverage(mutation="G1203R")


# --- the audit's corrections (issue: the review as data) ---


def test_line_257_class_statement_neither_overrides_nor_conflicts():
    from structkit.analysis.study.relate import reported_labels

    table = coverage_table()
    l1196m = table[(table["mutation"] == "L1196M") & (table["line"] == 257)]
    assert set(l1196m["drug"]) == {"ceritinib", "alectinib", "brigatinib", "ensartinib"}  # kept as evidence
    assert not any("conflict" in f for f in table[table["mutation"] == "L1196M"]["flag"])
    for drug in ("ceritinib", "brigatinib", "ensartinib"):  # Table 2: covered; the class row is superseded
        row = l1196m[l1196m["drug"] == drug].iloc[0]
        assert "superseded" in row["flag"]
    labels = reported_labels().set_index(["drug", "mutation"])
    for drug in ("ceritinib", "brigatinib", "ensartinib"):
        assert labels.loc[(drug, "L1196M"), "reported"] == "covered"
        assert not labels.loc[(drug, "L1196M"), "class_only"]
    # alectinib-L1196M rests only on the class statement: labelled, but kept out of the evaluation
    assert labels.loc[("alectinib", "L1196M"), "class_only"]


def test_reduced_potency_is_not_coverage():
    rows = coverage(drug="TPX-0131")
    reduced = rows[rows["mutation"].isin(["I1171N", "G1269S"])]
    assert set(reduced["relation"]) == {"reduced_potency"}


def test_line_65_statement_is_present():
    rows = coverage_table()
    line65 = rows[rows["line"] == 65]
    assert set(line65["mutation"]) == {"G1202R"}
    assert set(line65[line65["relation"] == "resistant"]["drug"]) == {
        "crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib"}
    assert set(line65[line65["relation"] == "covered"]["drug"]) == {"lorlatinib"}
    assert all("class_statement" in f for f in line65["flag"])


def test_implied_rows_follow_one_rule():
    table = coverage_table()
    implied = {(r.drug, r.mutation, r.line) for r in table.itertuples() if "implied" in r.flag}
    assert {("ensartinib", "G1269A", 153), ("alectinib", "I1171N", 153),
            ("alectinib", "I1171T", 155), ("alectinib", "V1180L", 155)} <= implied
    assert all(r.relation == "resistant" for r in table.itertuples() if "implied" in r.flag)


def test_sentence_across_the_caption_records_its_start():
    rows = coverage_statements()
    spanning = rows[rows["id"].isin(["X84-1", "X84-2"])]
    assert set(spanning["line"]) == {75}
    assert all("spans_caption" in f for f in spanning["flags"])
    assert all("line 84" in i for i in spanning["interpretation"])


def test_cd1203n_alternative_is_recorded():
    row = coverage_statements().query("written == 'CD1203N'").iloc[0]
    assert row["reading"] == "D1203N" and "S1206Y/C" in row["interpretation"]
