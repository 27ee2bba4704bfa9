"""Predictions for every (drug with a structure, mutation of the review), and a saturation scan of
every pocket position x 19 substitutions on each drug's complex."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from structkit.analysis.evaluation import fit_model, labelled_samples, predict_risk
from structkit.analysis.relate import SCORE_COLUMNS, DrugComplex, score_mutation
from structkit.errors import StructkitError
from structkit.model.mutations import Change, Mutation
from structkit.model.numbering import klifs_map, reference_residue
from structkit.model.residues import ONE_LETTER

__all__ = ["PREDICTION_COLUMNS", "SATURATION_COLUMNS", "predictions", "saturation_scan"]

PREDICTION_COLUMNS = ["drug", "structure", "mutation", "risk", "predicted", "reported", "n_statements",
                      "flags", *SCORE_COLUMNS, "regions", "mutant_crystal", "note"]
SATURATION_COLUMNS = ["drug", "structure", "position", "klifs_position", "klifs_region", "wild_type",
                      "to_residue", "mutation", "risk", *SCORE_COLUMNS, "status"]


def predictions(joined: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Risk of resistance for every joined row, from the model fitted on all labelled pairs.

    Returns the table (columns :data:`PREDICTION_COLUMNS`; ``predicted`` is ``resistant`` when the
    risk is at least 0.5; unmodelled rows keep NaN and an empty prediction) and the fitted model.
    """
    model = fit_model(labelled_samples(joined))
    table = joined.copy()
    modelled = table["modelled"].astype(bool).to_numpy()
    risk = np.full(len(table), np.nan)
    risk[modelled] = predict_risk(model, table[modelled])
    table["risk"] = risk
    table["predicted"] = np.where(np.isnan(risk), "", np.where(risk >= 0.5, "resistant", "covered"))
    return table[PREDICTION_COLUMNS], model


def saturation_scan(
    complexes: list[DrugComplex],
    model: dict,
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> pd.DataFrame:
    """Every KLIFS pocket position x the 19 other amino acids, on every drug complex.

    Returns
    -------
    DataFrame
        Columns :data:`SATURATION_COLUMNS`; positions without coordinates get ``status`` and NaN.
    """
    kmap = klifs_map()
    amino = sorted(ONE_LETTER.values())
    rows = []
    total = len(complexes) * len(kmap.uniprot)
    done = 0
    for dc in complexes:
        cache: dict = {}
        for position, (site, region) in enumerate(zip(kmap.uniprot.tolist(), kmap.region.tolist()), 1):
            wt = reference_residue(site)
            for aa in amino:
                if aa == wt:
                    continue
                mutation = Mutation((Change(site, "substitution", aa, wt),))
                row = {"drug": dc.drug, "structure": dc.structure, "position": site,
                       "klifs_position": position, "klifs_region": region, "wild_type": wt,
                       "to_residue": aa, "mutation": str(mutation)}
                try:
                    scores = score_mutation(dc.complex_, mutation, cache)
                    row.update({c: scores[c] for c in SCORE_COLUMNS})
                    row["status"] = "ok"
                except StructkitError as exc:
                    row.update({c: np.nan for c in SCORE_COLUMNS})
                    row["status"] = str(exc)
                rows.append(row)
            done += 1
            if progress:
                progress(done, total, f"{dc.drug} {site}")
    table = pd.DataFrame(rows, columns=SATURATION_COLUMNS)
    ok = table["status"] == "ok"
    table.loc[ok, "risk"] = predict_risk(model, table[ok])
    return table
