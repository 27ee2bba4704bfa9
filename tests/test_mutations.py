"""Mutation notation: every form the review uses, errors, and round trips (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from structkit.errors import StructkitError
from structkit.model.mutations import Change, Mutation, parse_mutation, parse_mutations
from structkit.model.numbering import reference_residue, reference_sequence


def canon(text, strict=True):
    return [str(m) for m in parse_mutations(text, strict=strict).mutations]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G1202R", ["G1202R"]),
        ("g1202r", ["G1202R"]),
        ("I1171N/S/T", ["I1171N", "I1171S", "I1171T"]),
        ("I1171/N/S", ["I1171N", "I1171S"]),
        ("F1174L/V", ["F1174L", "F1174V"]),
        ("F1174", ["F1174"]),
        ("T1151", ["T1151"]),
        ("G1202R+L1196M", ["L1196M+G1202R"]),
        ("I1171N +G1269A", ["I1171N+G1269A"]),
        ("1151Tins", ["T1151Tins"]),
        ("G1202del", ["G1202del"]),
        ("E1210K+D1203N", ["D1203N+E1210K"]),
    ],
)
def test_forms(text, expected):
    parsed = parse_mutations(text)
    assert [str(m) for m in parsed.mutations] == expected
    assert not parsed.flagged


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ("G1202R/L1196M", ["L1196M+G1202R"], "read as a compound"),
        ("G1202R+L1196M/F1174L", ["L1196M+G1202R", "F1174L+G1202R"], "alternatives of this component"),
        ("G1269A+I1171S/C1156Y/ G1202", ["I1171S+G1269A", "C1156Y+G1269A", "G1202+G1269A"],
         "alternatives of this component"),
        ("I1151Tins", ["T1151Tins"], "residue 1151 is T (Thr) in ALK, not I"),
    ],
)
def test_review_shorthands_are_flagged(text, expected, note):
    parsed = parse_mutations(text, strict=False)
    assert [str(m) for m in parsed.mutations] == expected
    assert any(note in n for n in parsed.notes)


def test_wrong_wild_type_names_the_real_residue():
    with pytest.raises(StructkitError, match=r"residue 1203 is D \(Asp\) in ALK, not G"):
        parse_mutations("G1203R")
    parsed = parse_mutations("G1203R", strict=False)
    assert canon("G1203R", strict=False) == ["D1203R"] and parsed.flagged


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "empty"), ("XYZ", "not of the form"), ("CD1203N", "not of the form"),
     ("G1202G", "names no change"), ("G1202R+", "empty component"), ("G1202B", "not an amino-acid"),
     ("G99999R", "outside the ALK reference"), ("G1202R+G1202A", "two changes at one site")],
)
def test_malformed(text, why):
    with pytest.raises(StructkitError, match=why):
        parse_mutations(text)


def test_parse_mutation_wants_one():
    assert str(parse_mutation("L1196M+G1202R")) == "L1196M+G1202R"
    with pytest.raises(StructkitError, match="denotes 3 alternatives"):
        parse_mutation("I1171N/S/T")


_REF = reference_sequence()
_positions = st.integers(_REF.first, _REF.last)


@st.composite
def changes(draw, position=None):
    pos = draw(_positions) if position is None else position
    wt = reference_residue(pos)
    kind = draw(st.sampled_from(["substitution", "site", "insertion", "deletion"]))
    if kind == "substitution":
        residue = draw(st.sampled_from([a for a in "ACDEFGHIKLMNPQRSTVWY" if a != wt]))
    elif kind == "insertion":
        residue = draw(st.text("ACDEFGHIKLMNPQRSTVWY", min_size=1, max_size=3))
    else:
        residue = ""
    return Change(pos, kind, residue, wt)


@st.composite
def mutations(draw):
    sites = draw(st.lists(_positions, min_size=1, max_size=4, unique=True))
    return Mutation(tuple(draw(changes(position=p)) for p in sites))


@given(mutations())
def test_round_trip(mutation):
    text = str(mutation)
    parsed = parse_mutation(text)
    assert parsed == mutation
    assert str(parsed) == text


@given(mutations())
def test_order_of_components_does_not_matter(mutation):
    reversed_text = "+".join(str(c) for c in reversed(mutation.changes))
    assert parse_mutation(reversed_text) == mutation
