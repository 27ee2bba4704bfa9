"""Experiment: an activation term from two conformations of one kinase, on the EGFR potency set.

A mutation that destabilises a kinase's inactive state more than its active one shifts it towards
the active state. In a two-state picture with the drug bound to one state and ATP to both alike,
the drug's apparent affinity then changes by about -(phi_drug - 1/2) x a, where

    a = [E_mut - E_wt](inactive) - [E_mut - E_wt](active)

is the state preference the mutation adds (kcal/mol, + = activating) and phi_drug is 1 for a drug
bound to the active state (gefitinib in 2ITY), 0 for the inactive one. E is the packer's energy of
the site's shell packed without any ligand (:func:`structkit.energy.relax.relax`: ff14SB van der
Waals, 4r-screened Coulomb, rotamer frequencies), with the same shell for wild type and mutant in
each structure; the inactive state is the lapatinib complex 1XKK (alphaC out), the active one the
gefitinib complex 2ITY. Both are on the ddG's ABL1-fitted scale. Nothing is fitted here; the rule
(sign and the factor 1/2) is fixed before the run.

    python scripts/activation_experiment.py [--folder ../shared/benchmarks/egfr_robichaux2021]

It prints, per variant, a and the potency with and without the term, then Pearson, Spearman and
RMSE (censored cells as bounds) of both against the measured shifts of results/egfr_benchmark.csv.
Expectations written before the run: L858R (in the inactive state's hydrophobic alphaC/A-loop
cluster) positive; T790M (the same hinge environment in both states) near zero.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import structkit
from structkit.analysis.study.egfr_benchmark import _corr, _rank, bounded_errors
from structkit.energy.ddg import DdgEstimator, ddg_scale
from structkit.energy.prepare import prepare
from structkit.energy.relax import PackingTables, relax, select_region
from structkit.errors import StructkitError
from structkit.model.mutations import parse_mutation


def state_energies(path: Path, mutations: list[str]) -> dict[str, float]:
    """Mutant-minus-wild-type apo packing energy (raw kcal/mol) of each mutation in one structure."""
    prep = prepare(structkit.load(path, keep_hydrogens=True))
    helper = DdgEstimator(prep)  # for its mutation -> residue rows mapping only
    tables = PackingTables()
    out = {}
    for text in mutations:
        try:
            changes = helper.substitutions(parse_mutation(text, reference=prep.complex_.reference))
        except StructkitError as exc:
            print(f"  {path.name} {text}: {exc}")
            out[text] = float("nan")
            continue
        region = select_region(prep, sorted(changes))
        wild = relax(prep, region, {}, minimise=False, tables=tables)
        mutant = relax(prep, region, changes, minimise=False, tables=tables)
        out[text] = mutant.apo_packing.energy - wild.apo_packing.energy
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="../shared/benchmarks/egfr_robichaux2021")
    parser.add_argument("--table", default="results/egfr_benchmark.csv")
    args = parser.parse_args()
    table = pd.read_csv(args.table, keep_default_na=False, na_values=[""])
    ok = table[table["status"] == "ok"].reset_index(drop=True)
    mutations = ok["mutation"].tolist()
    folder = Path(args.folder)
    active = state_energies(folder / "2ity.pdb", mutations)
    inactive = state_energies(folder / "1xkk.pdb", mutations)
    scale = ddg_scale()
    a = np.array([scale * (inactive[m] - active[m]) for m in mutations])
    term = -(1.0 - 0.5) * a  # gefitinib binds the active state: activation sensitises
    potency = ok["potency"].to_numpy(float)
    with_term = potency + np.nan_to_num(term)
    y = ok["measured"].to_numpy(float)
    bound = ok["bound"].fillna("").astype(str).to_numpy()
    point = bound == ""
    for variant, value, p, q, measured in zip(ok["variant"], a, potency, with_term, y):
        print(f"{variant:22s} a {value:+7.2f}  potency {p:+6.2f} -> {q:+6.2f}  measured {measured:+6.2f}")
    for name, pred in (("potency", potency), ("potency + activation", with_term), ("activation alone", -a)):
        pred = np.nan_to_num(pred)
        rmse = float(np.sqrt(np.mean(bounded_errors(y, bound, pred) ** 2)))
        print(f"{name:22s} Pearson {_corr(y[point], pred[point]):+.3f}  Spearman "
              f"{_corr(_rank(y[point]), _rank(pred[point])):+.3f}  RMSE {rmse:.3f}  (n = {len(y)}, "
              f"{int(point.sum())} points)")
    sensitised = ok["measured_log10"].to_numpy(float) < -0.5
    print(f"sensitised predicted below zero: {np.mean(potency[sensitised] < 0):.2f} -> "
          f"{np.mean(with_term[sensitised] < 0):.2f} (n = {int(sensitised.sum())})")


if __name__ == "__main__":
    main()
