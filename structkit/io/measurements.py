"""Measured multi-drug panels of kinase mutants, read where they lie (never copied into the package).

A panel is one kinase's measured shifts for many drugs on many variants, in kcal/mol (``+`` = the
drug loses potency or affinity on the mutant):

- **EGFR**: Robichaux et al., Nature 597:732 (2021), Figure 2a, Ba/F3 cells, log10 IC50
  mutant / wild type x 1.364 (``<shared>/benchmarks/egfr_robichaux2021/robichaux2021_ba_f3.csv``):
  a cellular potency panel, 23 drugs.
- **Every other kinase with mutant constructs in Davis et al., Nat Biotechnol 29:1046 (2011)**
  (ABL1, KIT, FLT3, RET, BRAF, FGFR3, LRRK2, PIK3CA, and EGFR's binding constants beside the cells):
  ``<shared>/measurements/davis2011_mutant_pairs.csv``, binding ddG = RT ln(Kd mutant / Kd wild
  type); pairs where neither construct bound are left out, one-sided ones are kept as the bounds
  they are (``censored``). Phosphorylated and non-phosphorylated constructs of one variant are
  averaged.

Variants are keyed as structkit writes compound mutations: substitutions ordered by position,
joined by ``+`` (``L858R+T790M``); a variant holding an insertion or deletion keeps its label and
matches nothing a structure can model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from structkit.errors import StructkitError
from structkit.io.shared_data import EGFR_BENCHMARK, MEASUREMENTS, shared_root

__all__ = ["CELLULAR", "KCAL_PER_LOG10", "MeasuredPanel", "cellular_panel", "egfr_cell_panel",
           "measured_panel", "variant_key"]

#: The assay of a cellular potency panel (what a potency prediction may learn from).
CELLULAR = "Ba/F3 cellular IC50"
#: kcal/mol per log10 unit at 298.15 K (RT ln 10).
KCAL_PER_LOG10 = 1.364
_SUBSTITUTION = re.compile(r"^([A-Z])(\d+)([A-Z])$")


def variant_key(label: str) -> str:
    """``L858R/T790M``, ``E709K G719S``, ``T790M+L858R`` -> ``L858R+T790M``; anything that is not a
    set of substitutions comes back as given."""
    parts = [p for p in re.split(r"[\s/+,]+", label.strip()) if p]
    found = [_SUBSTITUTION.match(p) for p in parts]
    if not parts or not all(found):
        return label.strip()
    return "+".join(p for _, p in sorted(zip([int(m.group(2)) for m in found if m], parts)))


@dataclass(frozen=True)
class MeasuredPanel:
    """One kinase's measured shifts.

    Attributes
    ----------
    kinase : str
    assay : str
        ``"Ba/F3 cellular IC50"`` or ``"KINOMEscan binding Kd"``.
    source : str
        Paper and file.
    table : DataFrame
        ``drug``, ``variant`` (:func:`variant_key`), ``shift`` (kcal/mol), ``censored`` (bool),
        ``mode`` (``covalent`` or ``reversible`` as the source says; empty if it does not).
    """

    kinase: str
    assay: str
    source: str
    table: pd.DataFrame

    @property
    def drugs(self) -> list[str]:
        """The panel's drugs, in file order."""
        return list(dict.fromkeys(self.table["drug"]))

    def matrix(self) -> pd.DataFrame:
        """Variants x drugs, NaN where not measured."""
        return self.table.pivot_table(index="variant", columns="drug", values="shift", aggfunc="mean")

    def modes(self) -> dict[str, str]:
        """Each drug's binding mode as the source gives it."""
        return dict(zip(self.table["drug"], self.table["mode"]))


def _mode(text: str, kinase: str) -> str:
    """``covalent``, ``reversible``, or ``reversible, other target`` where the source names the
    drug's targets and the panel's kinase is not among them (a PKC or ALK inhibitor in EGFR's panel)."""
    text = str(text).lower()
    for mode in ("covalent", "reversible"):
        if text.startswith(mode):
            targets = text[len(mode):].strip(" ()")
            if targets and kinase.lower() not in targets:
                return f"{mode}, other target"
            return mode
    return ""


def _robichaux(path: Path) -> MeasuredPanel:
    data = pd.read_csv(path, keep_default_na=False)
    data = data[pd.to_numeric(data["value"], errors="coerce").notna()]  # an empty cell: not measured
    table = pd.DataFrame({
        "drug": data["drug"], "variant": [variant_key(v) for v in data["variant"]],
        "shift": KCAL_PER_LOG10 * pd.to_numeric(data["value"]),
        "censored": data["censoring_flag"].astype(str).str.startswith("repeated_value"),
        "mode": [_mode(m, "EGFR") for m in data["drug_binding_mode"]],
    })
    return MeasuredPanel("EGFR", CELLULAR, "Robichaux et al., Nature 597:732 (2021), Fig. 2a "
                         f"({path.name})", table)


def egfr_cell_panel(folder: str | Path) -> MeasuredPanel:
    """EGFR's Ba/F3 panel read from the benchmark folder given (``robichaux2021_ba_f3.csv`` in it).

    Raises
    ------
    StructkitError
        The folder holds no such file.
    """
    path = Path(folder) / "robichaux2021_ba_f3.csv"
    if not path.is_file():
        raise StructkitError(f"{folder}: not the EGFR benchmark folder (no robichaux2021_ba_f3.csv)")
    return _robichaux(path)


def _davis(path: Path, kinase: str) -> MeasuredPanel | None:
    data = pd.read_csv(path, keep_default_na=False)
    rows = data[(data["gene"].str.upper() == kinase.upper()) & (data["censoring"] != "both")]
    if rows.empty:
        return None
    table = pd.DataFrame({
        "drug": rows["drug"], "variant": [variant_key(v) for v in rows["mutation"]],
        "shift": pd.to_numeric(rows["ddG_kcal_mol"], errors="coerce"),
        "censored": rows["censoring"] != "none", "mode": "",
    })
    table = table[table["shift"].notna()].groupby(["drug", "variant"], as_index=False, sort=False).agg(
        shift=("shift", "mean"), censored=("censored", "any"), mode=("mode", "first"))
    return MeasuredPanel(kinase.upper(), "KINOMEscan binding Kd", "Davis et al., Nat Biotechnol 29:1046 "
                         f"(2011) ({path.name})", table)


@lru_cache(maxsize=8)
def _panel(kinase: str, root: str) -> MeasuredPanel | None:
    base = Path(root)
    if kinase == "EGFR":
        path = base / EGFR_BENCHMARK / "robichaux2021_ba_f3.csv"
        return _robichaux(path) if path.is_file() else None
    path = base / MEASUREMENTS / "davis2011_mutant_pairs.csv"
    return _davis(path, kinase) if path.is_file() else None


def measured_panel(kinase: str | None, root: str | Path | None = None) -> MeasuredPanel | None:
    """The measured panel of a kinase, or None where there is none (or the shared data are absent).

    Parameters
    ----------
    kinase : str or None
        Gene name as structkit reads it off a structure (``EGFR``, ``ABL1``).
    root : path, optional
        The shared data folder (default :func:`~structkit.io.shared_data.shared_root`).
    """
    if not kinase:
        return None
    panel = _panel(kinase.upper(), str(root or shared_root()))
    if panel is None:
        return None
    return MeasuredPanel(panel.kinase, panel.assay, panel.source, panel.table.copy())


def cellular_panel(kinase: str | None, root: str | Path | None = None) -> MeasuredPanel | None:
    """The kinase's panel where it measures cellular potency (:data:`CELLULAR`), else None: what a
    potency may learn from and what advice counts as measured for a pair (a binding panel predicted
    ABL1 worse than the structure, see :mod:`structkit.analysis.measure.panel`)."""
    panel = measured_panel(kinase, root)
    return panel if panel is not None and panel.assay == CELLULAR else None
