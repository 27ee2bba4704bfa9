"""Which drugs still cover a patient's mutation: the review's word and the predicted potency shift.

For a single or compound substitution, every drug with a reference complex (ALK: the seven of
``structkit/data/drugs.csv``; another kinase: the complexes the user gives) gets one row, ranked
from the most to the least likely to cover it:

- ``reported``: what the review says of this drug and this mutation (``resistant``, ``covered``,
  ``reduced_potency`` or empty where it says nothing), with its quote and line;
- ``potency`` and ``potency_sd``: the predicted potency shift (:mod:`structkit.analysis.measure.potency`:
  the drug's ddG minus ATP's, kcal/mol, + = less potent) and the terms ``ddg`` and ``ddg_atp``;
  ``potency_low`` and ``potency_high`` bound it at +- 2 sd, and ``p_resistant`` is the probability
  that the true shift reaches the 10-fold threshold if the error is Gaussian with that sd (all
  three empty where the verdict rests on a side that does not fit)
  (:func:`resistance_probability`; the sd carries the method's measured error,
  :mod:`structkit.energy.uncertainty`: on ABL1 binding it holds 94 % of the measured values within
  2 sd, on EGFR potency 86 %);
- ``mechanism``: where the mutation acts (:func:`mechanism_class`);
- ``verdict`` by a rule fixed in advance (:data:`VERDICT_RULE`): ``resistant`` when the shift is at
  least 1.36 kcal/mol (10-fold, the project's resistance threshold), ``reduced`` from 0.68 (about
  3-fold), ``covered`` below, ``unknown`` where the mutation cannot be modelled on the drug's
  complex; ``basis`` says which rule gave it and ``agreement`` whether the review agrees.

The potency model cannot see activation (the αC mutations act that way), so a ``covered``
verdict for a mutation of the αC class is marked as such in ``basis``; no per-drug exposure margin
is modelled (no source of the drugs' free plasma levels against their wild-type IC50 is at hand).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from structkit.analysis.measure.coverage import coverage_table
from structkit.analysis.measure.ddg import ddg_tables
from structkit.analysis.measure.panel import DrugQuery, binding_type, measured_shift, query_of_complex
from structkit.analysis.measure.potency import atp_complex, with_atp_side
from structkit.analysis.measure.thresholds import REDUCED_KCAL, RESISTANT_KCAL
from structkit.analysis.parallel.engine import Engine
from structkit.arguments import check_text
from structkit.energy.ddg import NO_FIT, NO_FIT_KCAL, flag_text
from structkit.errors import StructkitError
from structkit.geometry.neighbors import nearest_distance
from structkit.io.load import LoadOptions, load
from structkit.io.measurements import MeasuredPanel, cellular_panel
from structkit.model.complex import Complex
from structkit.model.mutations import mutation_positions, parse_mutations, requested_mutations
from structkit.model.numbering import N_KLIFS_POSITIONS

__all__ = [
    "ADVICE_COLUMNS",
    "ADVICE_LEGEND",
    "EVIDENCE_TIERS",
    "JUDGEMENT_COLUMNS",
    "VERDICT_ORDER",
    "VERDICT_RULE",
    "advise",
    "evidence_verdict",
    "judge",
    "mechanism_class",
    "panel_evidence",
    "resistance_probability",
    "verdict",
]

#: How a verdict is reached, in words.
VERDICT_RULE = (f"resistant if potency >= {RESISTANT_KCAL} kcal/mol (10-fold), reduced if >= {REDUCED_KCAL} "
                "(3-fold), covered below; unknown where the mutation cannot be modelled")
#: Contact distance (Å) of the mechanism classes.
CONTACT_A = 4.5
#: KLIFS positions of the αC helix (20-28) and of the activation segment (DFG and beyond, 81-85).
ALPHA_C_POSITIONS = frozenset(range(20, 29)) | frozenset(range(81, N_KLIFS_POSITIONS + 1))

ADVICE_COLUMNS = ["rank", "drug", "structure", "mutation", "verdict", "evidence", "basis", "model_verdict",
                  "model_basis", "reported", "agreement", "potency", "potency_sd", "potency_low",
                  "potency_high", "p_resistant", "ddg", "ddg_sd", "ddg_atp", "flag", "atp_flag", "mechanism",
                  "binding_mode", "quote", "line", "status"]
#: Evidence tiers, strongest first: what decides a verdict and, within a verdict, the rank.
EVIDENCE_TIERS = ("measured", "reported", "neighbour", "predicted")
#: The order of verdicts in a ranking (most likely to cover first).
VERDICT_ORDER = {"covered": 0, "reduced": 1, "contested": 2, "resistant": 3, "unknown": 4}
_RELATION_VERDICT = {"resistant": "resistant", "covered": "covered", "reduced_potency": "reduced"}
#: What the columns of :func:`advise` mean, in a few lines (the command line prints it under the table).
ADVICE_LEGEND = (f"verdict: the strongest evidence decides ({' > '.join(EVIDENCE_TIERS)}); model_verdict: "
                 f"{VERDICT_RULE}; potency = drug ddG - ATP ddG (kcal/mol, + = less potent); "
                 f"p_resistant: the chance that the shift reaches {RESISTANT_KCAL} kcal/mol, Gaussian with "
                 "sd potency_sd")


def evidence_verdict(drug: str, mutation: str, table: pd.DataFrame) -> tuple[str, str, str] | None:
    """The strongest evidence the review's coverage table holds for a drug and a mutation.

    Tiers (:data:`EVIDENCE_TIERS`): ``measured`` (a statement with a measured IC50), ``reported``
    (a statement about this drug and this mutation; statements about a class of drugs count only
    where no statement names the drug alone), ``neighbour`` (this drug and a close neighbour: for a
    compound mutation its components, resisted if one of them is and covered if all are; for a
    single one another substitution at the same residue). Where the statements of one tier
    disagree, the verdict is ``contested`` and the basis gives both sides.

    Returns
    -------
    (verdict, tier, basis) or None where the review says nothing that bears on the pair.
    """
    rows = table[(table["drug"] == drug) & (table["mutation"] == mutation)
                 & table["relation"].isin(list(_RELATION_VERDICT))]
    if len(rows):
        own = rows[~rows["flag"].str.contains("class_statement")]
        who = "the review" if len(own) else "the review, of the drug class"
        rows = own if len(own) else rows
        measured = rows[rows["ic50_nM"].notna()]
        tier, chosen = ("measured", measured) if len(measured) else ("reported", rows)
        verdicts = sorted({_RELATION_VERDICT[r] for r in chosen["relation"]})
        where = "; ".join(_statement_text(r) for r in chosen.to_dict("records"))
        if len(verdicts) > 1:
            return "contested", tier, f"{who} is split: {where}"
        return verdicts[0], tier, f"{who}: {where}"
    return _neighbour_verdict(drug, mutation, table)


def _statement_text(row: dict) -> str:
    ic50 = f", IC50 {row['ic50_nM']:g} nM" if np.isfinite(row["ic50_nM"]) else ""
    refs = f", refs {row['refs'].replace(';', ', ')}" if row["refs"] else ""
    return f"{row['relation'].replace('_', ' ')}{ic50} (line {row['line']}{refs})"


def _neighbour_verdict(drug: str, mutation: str, table: pd.DataFrame) -> tuple[str, str, str] | None:
    specific = table[(table["drug"] == drug) & ~table["flag"].str.contains("class_statement")
                     & table["relation"].isin(["resistant", "covered"])]
    parts = mutation.split("+")
    if len(parts) > 1:
        said = {p: set(specific.loc[specific["mutation"] == p, "relation"]) for p in parts}
        resisted = [p for p, r in said.items() if r == {"resistant"}]
        if resisted:
            return "resistant", "neighbour", (f"the review reports {', '.join(resisted)} alone resisted by "
                                              f"{drug}; the compound keeps it")
        if all(r == {"covered"} for r in said.values()):
            return "covered", "neighbour", (f"the review reports each of {', '.join(parts)} alone covered by "
                                            f"{drug} (the compound itself is not reported)")
        return None
    site = "".join(ch for ch in mutation if ch.isdigit())
    others = specific[(specific["sites"] == site) & (specific["mutation"] != mutation)]
    relations = sorted(set(others["relation"]))
    if len(relations) == 1:
        named = ", ".join(dict.fromkeys(others["mutation"]))
        return relations[0], "neighbour", f"the review reports {named} at the same residue {relations[0]}"
    return None



def resistance_probability(potency: float, sd: float, flag: str = "", atp_flag: str = "") -> float:
    """The probability that a shift estimated at ``potency`` +- ``sd`` (Gaussian) is at least the
    resistance threshold (:data:`RESISTANT_KCAL`); NaN where either is not a number or where a side
    is flagged :data:`~structkit.energy.ddg.NO_FIT` (its number is a bound, and the verdict rests on
    the fit, not on the shift)."""
    from math import erf, sqrt

    if not (np.isfinite(potency) and np.isfinite(sd)) or NO_FIT in (flag, atp_flag):
        return float("nan")
    if sd <= 0.0:
        return 1.0 if potency >= RESISTANT_KCAL else 0.0
    return 0.5 * (1.0 + erf((potency - RESISTANT_KCAL) / (sd * sqrt(2.0))))


def mechanism_class(drug: Complex, atp: Complex, site: int) -> str:
    """Where a site acts: ``touches the drug`` (a heavy atom within 4.5 Å of the drug), ``ATP site``
    (within 4.5 Å of the nucleotide), ``αC and activation`` (KLIFS αC helix or activation segment),
    else ``remote``."""
    for complex_, name in ((drug, "touches the drug"), (atp, "ATP site")):
        row = complex_.residues.index_of(site)
        if row < 0 or not len(complex_.inhibitor):
            continue
        atoms = complex_.protein[complex_.residues.start[row]:complex_.residues.stop[row]].heavy
        if len(atoms) and nearest_distance(atoms.coords, complex_.inhibitor.heavy.coords).min() <= CONTACT_A:
            return name
    row = drug.residues.index_of(site)
    if row >= 0 and int(drug.residues.klifs_position[row]) in ALPHA_C_POSITIONS:
        return "αC and activation"
    return "remote"


def verdict(potency: float, status: str = "ok", mechanism: str = "", flag: str = "",
            atp_flag: str = "") -> tuple[str, str]:
    """The verdict of :data:`VERDICT_RULE` for one potency shift, and the rule that gave it.

    ``flag`` and ``atp_flag`` are the drug's and the nucleotide's estimate flags: where the
    nucleotide does not fit the mutant on a fixed backbone, the model cannot tell (the kinase may
    lose activity, or its backbone move); where only the drug does not fit, the drug is resisted.
    """
    if status != "ok" or not np.isfinite(potency):
        return "unknown", f"not modelled: {status}"
    if atp_flag == NO_FIT:
        return "unknown", (f"the nucleotide does not fit the mutant on a fixed backbone (clash terms > "
                           f"{NO_FIT_KCAL:g} kcal/mol): backbone motion and activity are not modelled")
    if flag == NO_FIT:
        return "resistant", (f"the drug does not fit the mutant on a fixed backbone (clash terms > "
                             f"{NO_FIT_KCAL:g} kcal/mol) while the nucleotide does")
    if potency >= RESISTANT_KCAL:
        return "resistant", f"potency {potency:.2f} >= {RESISTANT_KCAL} kcal/mol"
    if potency >= REDUCED_KCAL:
        return "reduced", f"potency {potency:.2f} >= {REDUCED_KCAL} kcal/mol"
    basis = f"potency {potency:.2f} < {REDUCED_KCAL} kcal/mol"
    if "αC" in mechanism:
        basis += " (an αC/activation site: activation is not modelled)"
    return "covered", basis


#: The columns :func:`judge` gives.
JUDGEMENT_COLUMNS = ["verdict", "evidence", "basis", "model_verdict", "model_basis", "reported",
                     "agreement", "potency", "potency_sd", "potency_low", "potency_high", "p_resistant",
                     "flag", "atp_flag", "quote", "line"]


def judge(drug: str, mutation: str, estimate: Mapping, mechanism: str = "",
          coverage: pd.DataFrame | None = None,
          measured: tuple[str, str, str] | None = None) -> dict:
    """The verdict for one drug and one mutation: the one rule that ``structkit advise`` and
    ``results/predictions.csv`` both apply (columns :data:`JUDGEMENT_COLUMNS`).

    Parameters
    ----------
    drug, mutation : str
    estimate : mapping
        The model's row: ``potency``, ``potency_sd``, ``flag``, ``atp_flag`` and ``status`` (a
        missing ``status`` is ``ok``).
    mechanism : str
        :func:`mechanism_class` of the mutation's sites.
    coverage : DataFrame, optional
        The review's coverage table (ALK); without it the model decides alone.
    measured : (verdict, tier, basis), optional
        Evidence measured elsewhere for this pair (a kinase's cellular panel,
        :func:`panel_evidence`); it decides where the review says nothing.

    Returns
    -------
    dict
        ``verdict`` by the strongest evidence (:func:`evidence_verdict`, else the model's),
        ``evidence``, ``basis``; the model's ``model_verdict`` and ``model_basis``
        (:func:`verdict`); ``reported`` (the review's relations), ``agreement`` (the model against
        the deciding evidence, in words); the potency, its interval (+- 2 sd) and ``p_resistant``
        (none where the shift is unknown or a side's number is a bound); the flags; the review's
        ``quote`` and ``line``.
    """
    flag, atp_flag = flag_text(estimate.get("flag")), flag_text(estimate.get("atp_flag"))
    shift, sd = float(estimate["potency"]), float(estimate["potency_sd"])
    call, basis = verdict(shift, str(estimate.get("status", "ok")), mechanism, flag, atp_flag)
    reported, quote, line = _reported(drug, mutation, coverage) if coverage is not None else ("", "", "")
    found = evidence_verdict(drug, mutation, coverage) if coverage is not None else None
    if found is None or (measured is not None and found[1] != "measured"):
        found = measured or found
    final, tier, final_basis = found if found is not None else (call, "predicted", basis)
    p_resistant = resistance_probability(shift, sd, flag, atp_flag)
    known = np.isfinite(p_resistant)
    return {"verdict": final, "evidence": tier, "basis": final_basis, "model_verdict": call,
            "model_basis": basis, "reported": reported,
            "agreement": _model_agreement(final, tier, call) if found is not None else "",
            "potency": estimate["potency"], "potency_sd": estimate["potency_sd"],
            "potency_low": round(shift - 2.0 * sd, 3) if known else np.nan,
            "potency_high": round(shift + 2.0 * sd, 3) if known else np.nan,
            "p_resistant": round(p_resistant, 3), "flag": flag, "atp_flag": atp_flag,
            "quote": quote, "line": line}


def panel_evidence(panel: MeasuredPanel, query: DrugQuery, mutation: str) -> tuple[str, str, str] | None:
    """The verdict a kinase's cellular panel (:func:`~structkit.io.measurements.cellular_panel`,
    EGFR's Ba/F3 panel) measured for this drug and mutation, by the thresholds of :func:`verdict`;
    None where it has no such measurement."""
    found = measured_shift(panel, query, mutation)
    if found is None:
        return None
    shift, censored, name = found
    bound = " (at the assay's limit: a bound)" if censored else ""
    return verdict(shift)[0], "measured", f"measured: {name} {shift:+.2f} kcal/mol{bound} ({panel.source})"


def _model_agreement(final: str, tier: str, model: str) -> str:
    """The model's verdict against the evidence's, in words."""
    if model == "unknown":
        return "the model cannot tell"
    if final == "contested":
        return f"the evidence is split; the model says {model}"
    if (final in ("resistant", "reduced")) == (model in ("resistant", "reduced")):
        return "the model agrees"
    return f"the model disagrees: it predicts {model}, the {tier} evidence says {final}"


def check_drug_name(drug: str, complex_: Complex, label: str) -> None:
    """Refuse a drug name that the complex's inhibitor contradicts.

    Where the inhibitor is a named drug (``drugs.csv``), the name given must be that drug; where a
    name given is a named drug, the inhibitor must be its ligand. An inhibitor that is no named
    drug (a docked pose, another kinase's ligand) takes the name given.

    Raises
    ------
    StructkitError
        ``aspirin=2XP2`` (2XP2's inhibitor is crizotinib), ``lorlatinib=2XP2``.
    """
    from structkit.catalogue import drugs

    check_text(drug, "drug name", "crizotinib")
    named = complex_.drug
    if named is not None and named.lower() != drug.strip().lower():
        raise StructkitError(f"{drug}={label}: the inhibitor of {label} is {complex_.ligand} ({named}), "
                             f"not {drug}; name it {named}, or give {drug}'s own complex")
    codes = [code for code, row in drugs().items() if row["drug"].lower() == drug.strip().lower()]
    if named is None and codes and complex_.ligand not in codes:
        raise StructkitError(f"{drug}={label}: the inhibitor of {label} is {complex_.ligand or 'a ligand'}, "
                             f"not {drug} ({'/'.join(codes)}); give {drug}'s own complex or another name")


def _drug_complexes(complexes: Mapping[str, str | os.PathLike | Complex], options: LoadOptions) -> list:
    """The drug complexes given, loaded and checked to hold an inhibitor."""
    from structkit.analysis.measure.reference_complexes import DrugComplex

    if not complexes:
        raise StructkitError("no drug complexes given")
    out = []
    for drug, source in complexes.items():
        if isinstance(source, Complex):
            complex_, label = source, source.pdb_id or drug
        else:
            complex_ = options.load(source)
            label = complex_.pdb_id or Path(source).name
        if not len(complex_.inhibitor):
            raise StructkitError(f"{label}: no inhibitor in the complex given for {drug}")
        check_drug_name(drug, complex_, label)
        out.append(DrugComplex(drug, label, complex_, "given"))
    return out


def _reported(drug: str, mutation: str, table: pd.DataFrame) -> tuple[str, str, str]:
    rows = table[(table["drug"] == drug) & (table["mutation"] == mutation)]
    if rows.empty:
        return "", "", ""
    relations = sorted(set(rows["relation"]))
    first = rows.iloc[0]
    return "/".join(relations), str(first["quote"]), str(first["line"])


def _posed_compounds(compounds: Mapping[str, str | os.PathLike] | None, kinase: str, drugs: list,
                     options: LoadOptions) -> list:
    """The compounds posed in the kinase, as drug complexes."""
    from structkit.analysis.measure.reference_complexes import DrugComplex
    from structkit.posing.files import pose_files

    if not compounds:
        return []
    if not isinstance(compounds, Mapping):
        raise StructkitError(f"compounds={compounds!r}: expected a mapping of name to SMILES or file")
    taken = {dc.drug.lower() for dc in drugs}
    out = []
    for name, text in compounds.items():
        check_text(name, "compound name", "my-compound")
        if name.lower() in taken:
            raise StructkitError(f"compound {name}: the name is taken by a drug; name it otherwise")
        taken.add(name.lower())
        structure = None if kinase.upper() == "ALK" else drugs[0].structure
        posed = pose_files(text, kinase=kinase, structure=structure, mirrors=options.mirrors, name=name,
                           cache=options.cache)
        summary = posed.summary
        label = f"posed in {summary['receptor']}"
        note = (f"{summary['method']} pose" + (f" on {summary['template']}" if summary["template"] else "")
                + f", confidence {summary['confidence']}")
        complex_ = load(posed.structure, ligand_file=posed.ligand_file, mirrors=options.mirrors,
                        cache=options.cache, offline=options.offline)
        out.append(DrugComplex(name, f"{label} ({note})", complex_, note))
    return out


def advise(
    mutations: str | Sequence[str],
    kinase: str = "ALK",
    *,
    complexes: Mapping[str, str | os.PathLike | Complex] | None = None,
    atp_reference: str | os.PathLike | Complex | None = None,
    options: LoadOptions | None = None,
    engine: Engine | None = None,
    compounds: Mapping[str, str | os.PathLike] | None = None,
) -> pd.DataFrame:
    """Every drug with a complex for a patient's mutation(s), ranked (columns :data:`ADVICE_COLUMNS`).

    Parameters
    ----------
    mutations : str or sequence of str
        One mutation (``G1202R``, ``G1202R+L1196M``) or several, each answered in turn.
    kinase : str
        The kinase. ALK's drug complexes are known (``structkit/data/drugs.csv``) and its
        mutations are read in the ALK reference numbering; for any other kinase give
        ``complexes``.
    complexes : mapping, optional
        Drug name -> its complex with the kinase (an entry, a file or a loaded complex), instead of
        ALK's; mutations are then read in the first complex's numbering, and the review (which is
        about ALK) reports nothing.
    atp_reference : str, path or Complex, optional
        The nucleotide complex of the ATP side (default: the kinase's entry of
        :data:`~structkit.analysis.measure.potency.ATP_REFERENCES`, else a transplanted
        nucleotide, :func:`~structkit.analysis.measure.potency.atp_complex`).
    options : LoadOptions, optional
        Mirrors and cache.
    engine : Engine, optional
        How the estimates run (:class:`~structkit.analysis.parallel.engine.Engine`: workers,
        result cache, progress over every drug's estimates; default: every core, the cache of
        ``options``).
    compounds : mapping, optional
        New compounds to rank beside the drugs: name -> SMILES or molecule file. Each is posed in
        the kinase (:func:`structkit.posing.files.pose_files`; for another kinase in the first
        complex's structure) and answered with the same columns; with no measurement or report
        behind it, its verdict is the model's (evidence ``predicted``), and its ``structure``
        names the receptor, the template and the pose's confidence.

    Returns
    -------
    pandas.DataFrame
        One row per mutation and drug, ranked within each mutation from most to least likely to
        cover it: what the review reports (with quote and line), the predicted potency shift with
        its sd and terms, the mechanism class and the verdict.

    Raises
    ------
    StructkitError
        Another kinase without ``complexes``, a complex that cannot be loaded or holds no
        inhibitor, or a mutation that cannot be parsed against the reference.
    """
    from structkit.analysis.measure.potency import ATP_REFERENCES
    from structkit.model.numbering import reference_sequence

    texts = requested_mutations(mutations)
    check_text(kinase, "kinase", "ALK")
    if complexes is not None and not isinstance(complexes, Mapping):
        raise StructkitError(f"complexes={complexes!r}: expected a mapping of drug name to complex, "
                             "such as {'gefitinib': '2ITY'}")
    is_alk = kinase.upper() == "ALK"
    if complexes is None and not is_alk:
        raise StructkitError(f"kinase {kinase}: drug complexes are known for ALK only; give this "
                             "kinase's as DRUG=FILE_OR_ID (--complex, or complexes= in Python)")
    options = options or LoadOptions.resolve()
    # ALK's mutations are read (and refused) before its seven complexes are loaded
    drugs = _drug_complexes(complexes, options) if complexes is not None else []
    reference = drugs[0].complex_.reference if drugs else reference_sequence()
    canonical = []
    for text in texts:
        parsed = parse_mutations(text, strict=True, reference=reference).mutations
        if len(parsed) != 1:
            raise StructkitError(f"{text}: give one mutation at a time (alternatives: list them)")
        canonical.append(str(parsed[0]))
    if not drugs:
        from structkit.analysis.measure.reference_complexes import drug_complexes

        drugs = drug_complexes(options)
    drugs += _posed_compounds(compounds, kinase, drugs, options)
    atp = atp_complex(drugs[0].complex_, atp_reference or ATP_REFERENCES.get(kinase.upper()), options)
    engine = Engine.for_tasks(engine, cache=options.cache)
    # the ATP side is the same for every drug: estimated once, side by side with the drugs
    nucleotide, *drug_tables = ddg_tables([atp, *(dc.complex_ for dc in drugs)], canonical, engine=engine,
                                          labels=["ATP side", *(dc.drug for dc in drugs)])
    tables = [with_atp_side(table, nucleotide, atp.pdb_id or str(atp.source)) for table in drug_tables]
    coverage = coverage_table()
    rows = []
    panel = None if is_alk else cellular_panel(kinase)
    for dc, table in zip(drugs, tables):
        mode = binding_type(dc.complex_)
        query = query_of_complex(dc.complex_, dc.drug) if panel is not None else None
        for r in table.to_dict("records"):
            r.update(drug=dc.drug, structure=dc.structure)
            sites = mutation_positions(r["mutation"], reference=reference)
            classes = [mechanism_class(dc.complex_, atp, s) for s in sites]
            mechanism = "; ".join(dict.fromkeys(classes))
            measured = None if panel is None or query is None else panel_evidence(panel, query, r["mutation"])
            rows.append({"drug": r["drug"], "structure": r["structure"], "mutation": r["mutation"],
                         **judge(r["drug"], r["mutation"], r, mechanism, coverage if is_alk else None,
                                 measured),
                         "ddg": r["ddg"], "ddg_sd": r["ddg_sd"], "ddg_atp": r["ddg_atp"],
                         "mechanism": mechanism, "binding_mode": mode, "status": r["status"]})
            if mode in ("type II", "covalent"):  # what the model compares, said where it matters
                bond = " or the covalent bond" if mode == "covalent" else ""
                rows[-1]["model_basis"] += (f" ({mode} drug: its pocket and ATP's are compared as the "
                                            f"crystals hold them; the model does not follow a change of "
                                            f"state{bond})")
    out = pd.DataFrame(rows)
    out["_order"] = out["verdict"].map(VERDICT_ORDER)
    out["_tier"] = out["evidence"].map({t: k for k, t in enumerate(EVIDENCE_TIERS)})
    # a covered verdict on evidence ranks above one on the model alone; a resisted one below it
    out["_tier"] = np.where(out["verdict"].isin(["resistant", "contested"]), -out["_tier"], out["_tier"])
    out["_input"] = out["mutation"].map({m: i for i, m in enumerate(canonical)})
    out = out.sort_values(["_input", "_order", "_tier", "potency", "drug"], kind="stable", na_position="last")
    out["rank"] = out.groupby("mutation", sort=False).cumcount() + 1
    return out[ADVICE_COLUMNS].reset_index(drop=True)
