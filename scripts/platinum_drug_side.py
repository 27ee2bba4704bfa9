"""Experiment: the drug side learned from other proteins' measured mutation effects, judged zero-shot on ABL1.

Issue 38 asks whether measured binding changes of other proteins (Platinum: 1,008 affinity
changes upon mutation, mostly non-kinases) teach the drug side something the structural ddG does
not know, judged on ABL1 with no ABL1 row in training (Davis's ABL1 values are the benchmark's own).

Fixed before the run (nothing below was changed after seeing the ABL1 numbers):

- **Training**: Platinum's single-point rows with a distance to the ligand and a ddG, every ABL1
  row (UniProt P00519) left out; ``ddG_kcal_mol`` as given (``RT ln(K_mut / K_wt)``).
- **Features** (on both sides from what each has): the site's distance to the ligand (Platinum's
  ``dist_to_lig``; ours the smallest heavy-atom distance of the mutated residue to the drug,
  ``min_distance_A`` of ``results/abl_benchmark.csv``), clipped at 20 Å, and its inverse; the
  substitution's change in side-chain volume (Zamyatnin, Prog. Biophys. Mol. Biol. 24, 107, 1972)
  and its absolute value, change in hydropathy (Kyte & Doolittle, J. Mol. Biol. 157, 105, 1982),
  to or from proline and glycine.
- **Model**: scikit-learn's ExtraTreesRegressor, 300 trees, at least 10 pairs per leaf, seed 0.
- **Combination**: the structural ddG (``ddg_pred``, the package's number) plus the learned
  prediction, both kcal/mol, no weight fitted.
- **Judged** on the 143 modelled ABL1 pairs: ROC AUC (resistant: measured > 1.36 kcal/mol) and
  Pearson r, each with a percentile bootstrap interval (2,000 resamples of pairs, seed 0), beside
  the structural ddG alone and the distance baseline (-distance).
- **Adopted** only if the combination beats the ddG alone on both AUC and Pearson.

    python scripts/platinum_drug_side.py [--shared ../shared] [--abl results/abl_benchmark.csv]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learned_correction import HYDROPATHY, VOLUME  # the residue tables, with their sources

RESISTANT = 1.36
ABL1 = "P00519"


def features(mutations: pd.Series, distance: pd.Series) -> np.ndarray:
    wild, mutant = mutations.str[0], mutations.str[-1]
    d = np.clip(distance.to_numpy(dtype=float), 0.5, 20.0)
    dv = (mutant.map(VOLUME) - wild.map(VOLUME)).to_numpy(dtype=float)
    dh = (mutant.map(HYDROPATHY) - wild.map(HYDROPATHY)).to_numpy(dtype=float)
    flags = np.c_[(mutant == "P"), (wild == "P"), (mutant == "G"), (wild == "G")].astype(float)
    return np.c_[d, 1.0 / d, dv, np.abs(dv), dh, flags]


def interval(y: np.ndarray, p: np.ndarray, stat, n: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    values = []
    for _ in range(n):
        pick = rng.integers(0, len(y), len(y))
        try:
            values.append(stat(y[pick], p[pick]))
        except ValueError:
            continue
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return stat(y, p), float(low), float(high)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--abl", default="results/abl_benchmark.csv")
    args = parser.parse_args()
    platinum = pd.read_csv(Path(args.shared) / "measurements" / "platinum.csv")
    single = platinum["mutation"].astype(str).str.fullmatch(r"[A-Z]\d+[A-Z]")
    train = platinum[single & platinum["dist_to_lig"].notna() & platinum["ddG_kcal_mol"].notna()
                     & (platinum["uniprot"] != ABL1)]
    train = train[train["mutation"].str[0].isin(VOLUME) & train["mutation"].str[-1].isin(VOLUME)]
    model = ExtraTreesRegressor(n_estimators=300, min_samples_leaf=10, random_state=0)
    model.fit(features(train["mutation"], train["dist_to_lig"]), train["ddG_kcal_mol"].to_numpy(float))
    print(f"training: {len(train)} Platinum single-point rows, {train['uniprot'].nunique()} proteins, "
          f"no ABL1 row; {int(train['is_protein_kinase'].sum())} of them kinase rows")

    abl = pd.read_csv(args.abl)
    abl = abl[abl["status"] == "ok"].reset_index(drop=True)
    y = abl["ddg_exp"].to_numpy(float)
    resistant = (y > RESISTANT).astype(int)
    learned = model.predict(features(abl["mutation"], abl["min_distance_A"]))
    ddg = abl["ddg_pred"].to_numpy(float)
    rows = {"structural ddG (the package)": ddg, "learned from Platinum alone": learned,
            "ddG + learned (no weight)": ddg + learned,
            "distance baseline": -abl["min_distance_A"].to_numpy(float)}
    print(f"ABL1: {len(y)} pairs, {resistant.sum()} resistant")
    print(f"{'prediction':32s} {'AUC (95 % CI)':>22s} {'Pearson r (95 % CI)':>24s}")
    results = {}
    for name, p in rows.items():
        auc = interval(resistant, p, roc_auc_score)
        r = interval(y, p, lambda a, b: pearsonr(a, b)[0])
        results[name] = (auc[0], r[0])
        print(f"{name:32s} {auc[0]:.3f} ({auc[1]:.2f}-{auc[2]:.2f})   {r[0]:.3f} ({r[1]:.2f}-{r[2]:.2f})")
    base, both = results["structural ddG (the package)"], results["ddG + learned (no weight)"]
    adopted = both[0] > base[0] and both[1] > base[1]
    print("adopted" if adopted else "not adopted: the combination does not beat the ddG alone on both")


if __name__ == "__main__":
    main()
