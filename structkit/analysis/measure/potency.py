"""Potency shift: the drug's binding change against ATP's, for an ATP-competitive inhibitor.

Model
-----
At cellular ATP (millimolar, far above Km) an ATP-competitive inhibitor's IC50 is
Ki (1 + [ATP]/Km) ≈ Ki [ATP]/Km, so a mutation shifts it by the change in the drug's affinity
*relative to ATP's*:

    potency = ddg_drug - ddg_atp        (kcal/mol; + = the drug is less potent on the mutant)

``ddg_drug`` is :func:`structkit.ddg` on the drug's complex; ``ddg_atp`` the same estimator on a
nucleotide complex of the same kinase (its phosphates ionised and two Mg²⁺ ions modelled,
:mod:`structkit.model.nucleotide`), from :data:`ATP_REFERENCES` or ``atp_reference``. Both use the
same scale; no weight is fitted. ``potency_sd`` is the two uncertainties in quadrature (each the
conformers' spread and the method's ABL1 error at the site's distance from its ligand,
:mod:`structkit.energy.uncertainty`), as if independent: an error the two sides share would cancel
in the difference, so it errs on the cautious side, and nothing measured its size for the ATP
side or for potency beyond the EGFR benchmark's coverage. A kinase with no
nucleotide complex of its own gets the ADP of ALK 3LCT (:data:`TRANSPLANT_DONOR`, or the reference
given) placed into its drug complex by KLIFS pocket superposition
(:mod:`structkit.model.transplant`), with a warning that gives the fit.

Assumptions, and where the model must fail
-------------------------------------------
- Km(ATP) tracks ATP's binding free energy in one fixed (crystal) conformation. Mutations that act
  by shifting the kinase between states (activation: EGFR L858R, ALK F1174L, the αC region) change
  Km and the active fraction without changing either ligand's contacts, and are invisible to it.
- Both ligands bind the same pocket conformation as in their crystals; a drug that needs another
  state (type II, αC-out) and ATP's active pocket are compared as they are.
- The cellular readout follows kinase inhibition; expression, dimerisation and signalling
  differences between variants are not modelled.
- Ions placed into a crystal without them carry the placement's error (see the sites' distances).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from structkit.analysis.measure.ddg import DDG_COLUMNS, ddg_tables
from structkit.analysis.parallel.engine import Engine
from structkit.data import read_table
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.nucleotide import is_nucleotide

__all__ = ["ATP_REFERENCES", "POTENCY_COLUMNS", "TRANSPLANT_DONOR", "atp_complex", "atp_reference_for",
           "potency_table", "with_atp_side"]

#: Columns a potency table adds to a ddG table.
POTENCY_COLUMNS = ["ddg_atp", "ddg_atp_sd", "atp_flag", "potency", "potency_sd"]


def _references() -> dict[str, str]:
    return {row["kinase"].upper(): row["entry"] for row in read_table("atp_references.csv")}


#: Kinase name -> entry of its nucleotide complex (``structkit/data/atp_references.csv``).
ATP_REFERENCES = _references()


#: The nucleotide complex whose ADP is placed into a kinase without one (:func:`atp_complex`).
TRANSPLANT_DONOR = "3LCT"


def atp_reference_for(complex_: Complex) -> str:
    """The nucleotide complex (entry) of the complex's kinase.

    Raises
    ------
    StructkitError
        No nucleotide complex is known for the kinase.
    """
    kinase = (complex_.kinase or "").upper()
    if kinase not in ATP_REFERENCES:
        label = complex_.pdb_id or str(complex_.source)
        name = (f"kinase {complex_.kinase}" if complex_.kinase
                else "an unnamed kinase (nothing in the file names it)")
        raise StructkitError(f"{label}: no nucleotide complex is known for {name} (known: "
                             f"{', '.join(sorted(ATP_REFERENCES))}); give one as the ATP reference")
    return ATP_REFERENCES[kinase]


def atp_complex(complex_: Complex, reference: str | os.PathLike | Complex | None = None,
                options: LoadOptions | None = None, *, transplant: bool = True) -> Complex:
    """The nucleotide complex the ATP side of ``complex_`` is estimated on, loaded and checked.

    Parameters
    ----------
    complex_ : Complex
        The drug's complex (gives the kinase and the reference numbering).
    reference : str, path or Complex, optional
        An entry, a file or a loaded complex holding ATP or an analogue; by default the kinase's
        entry of :data:`ATP_REFERENCES`, or :data:`TRANSPLANT_DONOR` for a kinase without one.
    options : LoadOptions, optional
        Mirrors, cache (the drug's own ligand file and ligand choice do not apply).
    transplant : bool
        Where the reference is another kinase (or the kinase has no entry), place its nucleotide
        into the drug complex by KLIFS pocket superposition
        (:func:`~structkit.model.transplant.transplant_nucleotide`), with a
        :class:`~structkit.errors.StructureWarning` that gives the fit; otherwise that is an error.

    Returns
    -------
    Complex
        The kinase with the nucleotide as its inhibitor (``ligand_source`` says where a
        transplanted nucleotide came from).

    Raises
    ------
    StructkitError
        The reference holds no nucleotide; or it is another kinase and ``transplant`` is False;
        or the two pockets cannot be superposed.
    """
    import warnings

    from structkit.errors import StructureWarning
    from structkit.model.transplant import transplant_nucleotide

    known = reference is not None or (complex_.kinase or "").upper() in ATP_REFERENCES
    if isinstance(reference, Complex):
        atp = reference
    else:
        from dataclasses import replace

        if not known and not transplant:
            atp_reference_for(complex_)  # raises: no nucleotide complex for this kinase
        plain = replace(options or LoadOptions.resolve(), ligand=None, chain=None, ligand_file=None, pose=1)
        atp = plain.load(reference or (atp_reference_for(complex_) if known else TRANSPLANT_DONOR),
                         keep_hydrogens=True)
    label = atp.pdb_id or str(atp.source)
    if not is_nucleotide(atp.ligand):
        raise StructkitError(f"{label}: its ligand {atp.ligand or '(none)'} is not ATP or an analogue; "
                             "the ATP reference must hold a nucleotide")
    shared, identity = sequence_agreement(complex_, atp)
    if shared >= 100 and identity >= 0.9:
        return atp
    if not transplant:
        raise StructkitError(
            f"{label}: the ATP reference is not the drug complex's kinase in the same numbering "
            f"({shared} residue numbers in common, {identity:.0%} of them the same residue)")
    placed = transplant_nucleotide(complex_, atp)
    target = complex_.pdb_id or str(complex_.source)
    warnings.warn(StructureWarning(
        f"{target}: no nucleotide complex of this kinase; the ATP side uses {placed.describe()}"),
        stacklevel=2)
    return placed.complex_


def sequence_agreement(a: Complex, b: Complex) -> tuple[int, float]:
    """Residue numbers two complexes share and the fraction of them with the same residue (a
    check that they are one kinase, numbered alike, whatever their files call it)."""
    ra, rb = a.residues, b.residues
    one_a = dict(zip(ra.uniprot.tolist(), ra.one_letter.tolist()))
    one_b = dict(zip(rb.uniprot.tolist(), rb.one_letter.tolist()))
    common = [n for n in one_a if n >= 0 and n in one_b]
    if not common:
        return 0, 0.0
    return len(common), sum(one_a[n] == one_b[n] for n in common) / len(common)


def potency_table(
    complex_: Complex,
    mutations: Sequence[str],
    atp: Complex,
    *,
    engine: Engine | None = None,
    mode: str = "fast",
) -> pd.DataFrame:
    """The ddG table of the drug's complex with the ATP side and the potency shift beside it.

    Parameters
    ----------
    complex_ : Complex
        The drug's complex.
    mutations : sequence of str
        Canonical mutation strings (as :func:`structkit.ddg` gives them).
    atp : Complex
        The nucleotide complex (:func:`atp_complex`).
    engine : Engine, optional
        As for :func:`~structkit.analysis.measure.ddg.ddg_table`; its progress counts both sides.
    mode : {"fast", "accurate"}
        The ddG mode of both sides (:func:`~structkit.analysis.measure.ddg.ddg_table`).

    Returns
    -------
    DataFrame
        :data:`~structkit.analysis.measure.ddg.DDG_COLUMNS` then :data:`POTENCY_COLUMNS`; a mutation the ATP
        complex cannot model keeps its drug ddG, NaN potency and the reason in ``status``.
    """
    mutations = list(mutations)
    # both sides in one batch of tasks, side by side on the workers; progress counts both
    drug, nucleotide = ddg_tables([complex_, atp], mutations, engine=engine, mode=mode)
    return with_atp_side(drug, nucleotide, atp.pdb_id or str(atp.source))


def with_atp_side(drug: pd.DataFrame, nucleotide: pd.DataFrame, atp_label: str) -> pd.DataFrame:
    """A drug's ddG table with the ATP side (the same mutations, in the same order, on the
    nucleotide complex ``atp_label``) and the potency columns beside it (see :func:`potency_table`)."""
    out = drug[DDG_COLUMNS].copy()
    out["ddg_atp"] = nucleotide["ddg"].to_numpy()
    out["ddg_atp_sd"] = nucleotide["ddg_sd"].to_numpy()
    out["atp_flag"] = nucleotide["flag"].fillna("").to_numpy()
    out["potency"] = (out["ddg"] - out["ddg_atp"]).round(3)
    out["potency_sd"] = np.hypot(out["ddg_sd"], out["ddg_atp_sd"]).round(3)
    failed = (nucleotide["status"] != "ok") & (out["status"] == "ok")
    out.loc[failed, "status"] = [f"ATP side ({atp_label}): {s}" for s in nucleotide.loc[failed, "status"]]
    return out[[*DDG_COLUMNS, *POTENCY_COLUMNS]]
