"""Relate the review's reported coverage to structure: each (drug, mutation) joined with steric
scores measured on the drug's own complex.

Reference complexes are those of :mod:`structkit.analysis.measure.reference_complexes` (one per
drug of ``structkit/data/drugs.csv``, mutant pockets modelled back to wild type). Where the
catalogue holds a crystal of the drug with exactly that mutation (2YFX, 4ANQ, 4ANS, 5AAA, 5AAB,
5AAC for crizotinib; 4CLJ, 5A9U, 5AA8, 5AA9 for lorlatinib; 9GBE for NVL-655) its measured distance
is added beside the model's.

Scores (all from the model of the mutant on the drug's complex; sums and extremes over the sites of
a compound mutation)
--------------------------------------------------------------------------------------------------
``clash_excess_A``     summed excess overlap (> 0.4 Å) of the best rotamers with the inhibitor
``max_overlap_A``      largest overlap of a best rotamer with the inhibitor
``min_distance_A``     shortest distance from the wild-type residue(s) to the inhibitor
``volume_change_A3``   side-chain volume of the mutant minus the wild type
``clear_fraction``     smallest fraction of rotamers free of protein and inhibitor clashes
``strain_A``           summed excess overlap of the best rotamers with the protein
``delta_buried_A2``    area of the mutant residue(s) buried by the inhibitor minus the wild type's
``solvent_front``      whether a site lies in the review's solvent front (for the baseline)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from structkit.analysis.measure.coverage import LABEL_RELATIONS, coverage_table, is_class_statement
from structkit.analysis.measure.reference_complexes import DrugComplex, drug_complexes
from structkit.catalogue import catalogue, on_catalogue_change
from structkit.errors import StructkitError
from structkit.geometry.distances import distance_matrix
from structkit.geometry.radii import atom_radii
from structkit.geometry.sasa import sasa_of_atoms
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutate import mutate
from structkit.model.mutations import Mutation, mutation_positions, parse_mutations
from structkit.model.sites import primary_region_of, regions_of
from structkit.progress import Progress

__all__ = ["SCORE_COLUMNS", "join", "reported_labels", "score_mutation"]

BURIED_POINTS = 400  # test points for the local buried-area computation (0.3 A^2 per carbon point)

SCORE_COLUMNS = ["clash_excess_A", "max_overlap_A", "min_distance_A", "volume_change_A3",
                 "clear_fraction", "strain_A", "delta_buried_A2"]


def _residue_heavy(complex_: Complex, site: int) -> np.ndarray:
    res = complex_.residues
    row = res.index_of(site)
    a, b = res.start[row], res.stop[row]
    names = complex_.protein.name[a:b]
    return np.arange(a, b)[~np.isin(names, ["N", "C", "O"]) & ~complex_.protein.is_hydrogen[a:b]]


def _buried(complex_: Complex, site: int) -> float:
    """Area of the residue's atoms that the inhibitor buries (local, exact Shrake-Rupley)."""
    p, lig = complex_.protein.heavy, complex_.inhibitor.heavy
    if len(lig) == 0:
        return float("nan")
    res = complex_.residues
    row = res.index_of(site)
    heavy_index = np.flatnonzero(~complex_.protein.is_hydrogen)
    targets = np.flatnonzero((heavy_index >= res.start[row]) & (heavy_index < res.stop[row]))
    radii = atom_radii(p.element)
    apo = sasa_of_atoms(p.coords, radii, targets, n_points=BURIED_POINTS).sum()
    holo = sasa_of_atoms(np.vstack([p.coords, lig.coords]),
                         np.concatenate([radii, atom_radii(lig.element)]), targets,
                         n_points=BURIED_POINTS).sum()
    return float(apo - holo)


def _wild_type_values(drug_complex: Complex, site: int, cache: dict | None) -> tuple[float, float]:
    """(min distance to the inhibitor, buried area) of the wild-type residue, cached per site."""
    key = (id(drug_complex), site)
    if cache is not None and key in cache:
        return cache[key]
    lig = drug_complex.inhibitor.heavy.coords
    if len(lig):
        xyz = drug_complex.protein.coords[_residue_heavy(drug_complex, site)]
        value = (float(distance_matrix(xyz, lig).min()), _buried(drug_complex, site))
    else:
        value = (float("nan"), float("nan"))
    if cache is not None:
        cache[key] = value
    return value


def score_mutation(drug_complex: Complex, mutation: str | Mutation, cache: dict | None = None) -> dict:
    """The steric scores of one mutation on one complex (see the module docstring).

    ``cache`` (a dict the caller keeps) saves the wild-type values of a site between calls.
    """
    model = mutate(drug_complex, mutation)
    sites = model.sites
    wild = [_wild_type_values(drug_complex, s.site, cache) for s in sites]
    min_distance = min(w[0] for w in wild)
    delta_buried = sum(_buried(model.complex_, s.site) - w[1] for s, w in zip(sites, wild))
    return {
        "clash_excess_A": sum(s.inhibitor_excess for s in sites),
        "max_overlap_A": max(s.inhibitor_max_overlap for s in sites),
        "min_distance_A": min_distance,
        "volume_change_A3": sum(s.volume_mut - s.volume_wt for s in sites),
        "clear_fraction": min(s.n_clear / s.n_rotamers for s in sites),
        "strain_A": sum(s.protein_excess for s in sites),
        "delta_buried_A2": delta_buried,
        "solvent_front": any("solvent front" in regions_of(s.site) for s in sites),
        "regions": ";".join(sorted({primary_region_of(s.site) for s in sites} - {""})),
    }


def reported_labels() -> pd.DataFrame:
    """One row per (drug, mutation) of the coverage data with its label.

    The label comes from the per-drug statements where there are any: ``resistant``, ``covered``,
    or ``conflict`` if they disagree. Statements about a class of drugs (flag ``class_statement``)
    never override or conflict with a per-drug statement; a pair labelled by class statements only
    gets their label and ``class_only = True`` (left out of the evaluation by default). A pair with
    only ``reduced_potency`` statements is labelled ``reduced_potency`` (not evaluated).
    """
    table = coverage_table()
    table = table[table["mutation"] != "WT"]
    rows = []
    for (drug, mutation), group in table.groupby(["drug", "mutation"], sort=True):
        labelled = group[group["relation"].isin(LABEL_RELATIONS)]
        per_drug = labelled[[not is_class_statement(f) for f in labelled["flag"]]]
        deciding = per_drug if len(per_drug) else labelled
        relations = set(deciding["relation"])
        if not relations:
            reported = "reduced_potency"
        else:
            reported = relations.pop() if len(relations) == 1 else "conflict"
        rows.append({
            "drug": drug, "mutation": mutation, "reported": reported,
            "class_only": bool(len(labelled)) and not len(per_drug),
            "n_statements": len(group),
            "sources": ";".join(sorted({f"{s} {ln}" for s, ln in zip(group["source"], group["line"])})),
            "flags": ";".join(sorted({f for fl in group["flag"] for f in fl.split(";") if f})),
        })
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _mutant_crystals() -> dict[tuple[str, str], str]:
    """(drug, mutation at review sites) -> PDB ID of a crystal of that drug with that mutation."""
    out: dict[tuple[str, str], str] = {}
    for row in catalogue():
        if row["verified"] != "yes" or not row["drug"] or row["mutations"] == "WT":
            continue
        at_sites = [m for m in row["mutations"].split("+") if regions_of(int(m[1:-1]))]
        if at_sites:
            key = str(parse_mutations("+".join(at_sites)).mutations[0])
            out.setdefault((row["drug"], key), row["pdb_id"])
    return out


on_catalogue_change(_mutant_crystals.cache_clear)


def join(
    mutations: list[str] | None = None,
    *,
    complexes: list[DrugComplex] | None = None,
    progress: Progress | None = None,
    options: LoadOptions | None = None,
) -> pd.DataFrame:
    """Every (drug with a structure, mutation) with its scores and the reported coverage.

    Parameters
    ----------
    mutations : list of str, optional
        Default: every mutation of the coverage data (modellable or not).
    complexes : list of DrugComplex, optional
        The drug complexes (default: :func:`drug_complexes`).
    progress : callable, optional
        ``progress(done, total, drug)`` per drug.
    options : LoadOptions, optional
        Where the structures come from (default: the environment's).

    Returns
    -------
    DataFrame
        ``drug``, ``structure``, ``mutation``, ``reported`` (``resistant``, ``covered``,
        ``conflict``, ``reduced_potency`` or empty), ``class_only`` (the label rests only on
        statements about a class of drugs), ``n_statements``, ``sources``, ``flags``, the scores
        (:data:`SCORE_COLUMNS`, ``solvent_front``, ``regions``), ``mutant_crystal``,
        ``crystal_min_distance_A``, ``modelled`` and ``note``.
    """
    labels = reported_labels()
    if mutations is None:
        mutations = sorted(set(labels["mutation"]),
                           key=lambda m: (mutation_positions(m), m))
    lookup = {(d, m): r for d, m, r in zip(labels["drug"], labels["mutation"], labels.itertuples())}
    crystals = _mutant_crystals()
    options = options or LoadOptions.resolve()
    complexes = drug_complexes(options) if complexes is None else complexes
    loaded: dict = {}  # mutant crystals, each read once
    rows = []
    for k, dc in enumerate(complexes, start=1):
        for mutation in mutations:
            label = lookup.get((dc.drug, mutation))
            row = {"drug": dc.drug, "structure": dc.structure, "mutation": mutation,
                   "reported": label.reported if label else "",
                   "class_only": bool(label.class_only) if label else False,
                   "n_statements": label.n_statements if label else 0,
                   "sources": label.sources if label else "", "flags": label.flags if label else "",
                   "note": dc.note if dc.note != "crystal complex" else ""}
            try:
                row.update(score_mutation(dc.complex_, mutation))
                row["modelled"] = True
            except StructkitError as exc:
                row.update({c: float("nan") for c in SCORE_COLUMNS})
                row.update({"solvent_front": False, "regions": "", "modelled": False})
                row["note"] = "; ".join(str(x) for x in (row["note"], f"not modelled: {exc}") if x)
            crystal = crystals.get((dc.drug, mutation), "")
            row["mutant_crystal"] = crystal
            row["crystal_min_distance_A"] = _crystal_distance(crystal, mutation, options, loaded)
            rows.append(row)
        if progress:
            progress(k, len(complexes), dc.drug)
    columns = ["drug", "structure", "mutation", "reported", "class_only", "n_statements", "sources", "flags",
               *SCORE_COLUMNS, "solvent_front", "regions", "mutant_crystal", "crystal_min_distance_A",
               "modelled", "note"]
    return pd.DataFrame(rows, columns=columns)


def _crystal_distance(structure: str, mutation: str, options: LoadOptions, loaded: dict) -> float:
    """Closest heavy-atom distance of the mutated sites to the inhibitor in a mutant crystal
    (each crystal loaded once per join, kept in ``loaded``)."""
    if not structure:
        return float("nan")
    if structure not in loaded:
        loaded[structure] = options.load(structure)
    complex_ = loaded[structure]
    sites = mutation_positions(mutation)
    lig = complex_.inhibitor.heavy.coords
    return min(float(distance_matrix(complex_.protein.coords[_residue_heavy(complex_, s)], lig).min())
               for s in sites)
