"""Per-structure summary table: what each entry holds once loaded and numbered."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex

__all__ = ["STRUCTURE_COLUMNS", "structure_row", "structure_table"]

#: Columns of :func:`structure_table`, in order.
STRUCTURE_COLUMNS = [
    "pdb_id", "chain", "ligand", "drug", "mutations", "first_residue", "last_residue",
    "n_residues", "gaps", "resolution_A", "n_altloc_atoms", "n_residues_missing_atoms",
    "n_waters", "additives", "numbering", "dfg", "alpha_c", "dfg_d1_A", "dfg_d2_A", "lys_glu_cb_A",
    "lys_glu_salt_bridge_A", "dfg_phe_chi1",
]
# table column -> key of the summary's "conformation" (see structkit.model.conformation)
_CONFORMATION_COLUMNS = {name: name for name in STRUCTURE_COLUMNS[STRUCTURE_COLUMNS.index("dfg"):]}


def structure_row(complex_: Complex) -> dict:
    """One row of :func:`structure_table` (columns :data:`STRUCTURE_COLUMNS`)."""
    s = complex_.summary()
    return {
        "pdb_id": s["pdb_id"], "chain": s["chain"], "ligand": s["ligand"] or "",
        "drug": s["drug"] or "",
        "mutations": ("+".join(s["mutations"]) or "WT") if s["mutations"] is not None else "not read",
        "first_residue": s["first_residue"], "last_residue": s["last_residue"],
        "n_residues": s["n_residues"],
        "gaps": ";".join(f"{a}-{b}" for a, b in s["gaps"]),
        "resolution_A": s["resolution"], "n_altloc_atoms": s["n_altloc_atoms"],
        "n_residues_missing_atoms": s["n_residues_missing_atoms"], "n_waters": s["n_waters"],
        "additives": ";".join(s["additives"]), "numbering": s["numbering"],
        **{name: s["conformation"][key] for name, key in _CONFORMATION_COLUMNS.items()},
    }


def structure_table(
    ids: Iterable[str],
    *,
    engine: Engine | None = None,
    options: LoadOptions | None = None,
) -> pd.DataFrame:
    """Load each entry and summarise it, one row per entry, in the order given.

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or structure files.
    engine : Engine, optional
        Where the tasks run and whom they tell ``(done, total, id)`` after each entry.
    options : LoadOptions, optional
        Where the structures come from and how they are read (default: the environment's).

    Returns
    -------
    DataFrame
        Columns :data:`STRUCTURE_COLUMNS`; list values are joined (``+`` for mutations,
        ``;`` for gaps and additives) so the table is flat.
    """
    rows = map_structures(ids, structure_row, engine=engine, options=options)
    return pd.DataFrame(rows, columns=STRUCTURE_COLUMNS)
