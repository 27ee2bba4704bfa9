"""The join and the evaluation: labels from the review, cross-validation folds, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd

from structkit.analysis.evaluation import _folds, cross_validate, labelled_samples
from structkit.analysis.relate import reported_labels, score_mutation
from structkit.io.load import load
from tests.conftest import REPO, SHARED


def test_reported_labels_merge_statements_and_mark_conflicts():
    labels = reported_labels().set_index(["drug", "mutation"])
    assert labels.loc[("brigatinib", "G1202R"), "reported"] == "conflict"
    assert labels.loc[("lorlatinib", "G1202R"), "reported"] == "covered"
    assert labels.loc[("crizotinib", "L1196M"), "reported"] == "resistant"
    assert labels.loc[("crizotinib", "L1196M"), "n_statements"] == 3  # Table 2, line 73, line 261


def test_scores_of_a_known_clash():
    scores = score_mutation(load("2XP2", mirrors=[SHARED]), "G1269A")
    assert scores["clash_excess_A"] > 0 and scores["min_distance_A"] < 4.0
    assert abs(scores["volume_change_A3"] - 20.4) < 1.5  # a methyl group


def _tracked_join():
    return pd.read_csv(REPO / "results" / "join.csv", keep_default_na=False,
                       dtype={"mutant_crystal": str}).replace("", np.nan).assign(
        reported=lambda d: d["reported"].fillna(""), modelled=lambda d: d["modelled"].astype(str) == "True",
        solvent_front=lambda d: d["solvent_front"].astype(str) == "True",
        regions=lambda d: d["regions"].fillna(""))


def test_folds_hold_out_each_drug_and_each_site():
    samples = labelled_samples(_tracked_join())
    drug_folds = _folds(samples, "leave-one-drug-out")
    assert sorted(len(f) for f in drug_folds) == sorted(samples["drug"].value_counts().tolist())
    site_folds = _folds(samples, "leave-one-site-out")
    for fold in site_folds:
        shared = set.intersection(*[set(samples["sites"].iloc[k]) for k in fold]) if len(fold) else set()
        assert shared, "every sample of a site fold involves that site"


def test_cross_validation_is_deterministic():
    samples = labelled_samples(_tracked_join())
    a = cross_validate(samples, "leave-one-drug-out")
    b = cross_validate(samples, "leave-one-drug-out")
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a).all()
