"""The reference complexes the study is computed on: one owner for which complex stands for each drug and
for the nucleotide.

- **Drugs**: the ``reference_structure`` of ``structkit/data/drugs.csv`` (crizotinib 2XP2, ceritinib
  4MKC, alectinib 3AOX, brigatinib 6MX8, lorlatinib 4CLI, entrectinib 5FTO, NVL-655 9GBE). 9GBE is
  the L1196M+G1202R double mutant; its two sites are modelled back to the reference residues first,
  so that every drug is scored from a wild-type pocket.
- **ATP**: ALK's nucleotide complex, the ALK row of
  :data:`~structkit.analysis.measure.potency.ATP_REFERENCES` (3LCT, ADP).
"""

from __future__ import annotations

from dataclasses import dataclass

from structkit.analysis.measure.potency import ATP_REFERENCES
from structkit.catalogue import catalogue, drugs
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.mutate import mutate
from structkit.model.mutations import Change, Mutation
from structkit.model.numbering import reference_residue
from structkit.model.sites import regions_of

__all__ = ["ALK_ATP_ENTRY", "DrugComplex", "alk_atp_complex", "complex_mutations", "drug_complexes"]

#: ALK's nucleotide complex (ADP), for the ATP side of every ALK table.
ALK_ATP_ENTRY = ATP_REFERENCES["ALK"]


def alk_atp_complex(options: LoadOptions | None = None) -> Complex:
    """ALK's nucleotide complex (:data:`ALK_ATP_ENTRY`), loaded as the results tables use it."""
    return (options or LoadOptions.resolve()).load(ALK_ATP_ENTRY)


@dataclass
class DrugComplex:
    """A drug's reference complex, as used for scoring."""

    drug: str
    structure: str
    complex_: Complex
    note: str


def _reference_sites(complex_: Complex) -> list[int]:
    return [int(m[1:-1]) for m in complex_.mutations if regions_of(int(m[1:-1]))]


def drug_complexes(options: LoadOptions | None = None) -> list[DrugComplex]:
    """The reference complex of every drug that has one (mutant pockets modelled back to wild type)."""
    options = options or LoadOptions.resolve()
    out = []
    for row in drugs().values():
        structure = row["reference_structure"]
        complex_ = options.load(structure)
        sites = _reference_sites(complex_)
        note = "crystal complex"
        if sites:
            back = Mutation(tuple(Change(s, "substitution", reference_residue(s), reference_residue(s))
                                  for s in sites))
            complex_ = mutate(complex_, back).complex_
            note = f"{structure} carries {'+'.join(complex_mutations(structure, sites))}; " \
                   f"modelled back to the reference residue at {', '.join(map(str, sites))}"
        out.append(DrugComplex(row["drug"], structure, complex_, note))
    return out


def complex_mutations(structure: str, sites: list[int]) -> list[str]:
    """The catalogue's mutations of ``structure`` at ``sites``."""
    row = next(r for r in catalogue() if r["pdb_id"] == structure)
    return [m for m in row["mutations"].split("+") if int(m[1:-1]) in sites]
