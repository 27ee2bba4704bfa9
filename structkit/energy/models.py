"""Write a relaxed region (wild type or mutant, with the inhibitor) as a PDB file."""

from __future__ import annotations

from pathlib import Path

from structkit.energy.prepare import PreparedComplex
from structkit.energy.relax import Model
from structkit.io.write import atom_record, write_text_atomic

__all__ = ["model_pdb_text", "write_model"]


def model_pdb_text(prep: PreparedComplex, model: Model) -> str:
    """PDB text of a relaxed region: its residues (reference numbering), then the inhibitor."""
    chain = prep.complex_.chain or "A"
    lines = ["REMARK 250 structkit relaxed region: repacked shell, OpenMM-minimised; other residues omitted"]
    serial = 0
    for k in range(len(model.names)):
        serial += 1
        lines.append(atom_record("ATOM", serial, str(model.names[k]), str(model.resnames[k]), chain,
                                 int(prep.residue_number[model.row[k]]), "", model.coords[k], 1.0, 0.0,
                                 str(model.elements[k])))
    lines.append("TER")
    ligand = prep.ligand
    code = (prep.complex_.ligand or "LIG")[:3]
    if ligand is not None:
        for k, (xyz, element) in enumerate(zip(ligand.coords, ligand.element), start=1):
            serial += 1
            lines.append(atom_record("HETATM", serial, f"{element}{k}"[:4], code, chain, 900, "", xyz, 1.0,
                                     0.0, str(element)))
    lines.append("END")
    return "\n".join(lines) + "\n"


def write_model(prep: PreparedComplex, model: Model, path: str | Path) -> Path:
    """Write :func:`model_pdb_text` atomically."""
    return write_text_atomic(path, model_pdb_text(prep, model))
