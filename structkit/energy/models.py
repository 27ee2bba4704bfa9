"""Write a relaxed region (wild type or mutant, with the inhibitor) as a PDB file."""

from __future__ import annotations

from pathlib import Path

from structkit.energy.prepare import PreparedComplex
from structkit.energy.relax import Model
from structkit.io.write import write_text_atomic

__all__ = ["model_pdb_text", "write_model"]


def _atom_name(name: str, element: str) -> str:
    return f"{name:<4}" if len(name) >= 4 or len(element) == 2 else f" {name:<3}"


def model_pdb_text(prep: PreparedComplex, model: Model) -> str:
    """PDB text of a relaxed region: its residues (reference numbering), then the inhibitor."""
    chain = prep.complex_.chain or "A"
    lines = ["REMARK 250 structkit relaxed region: repacked shell, OpenMM-minimised; other residues omitted"]
    serial = 0
    for k in range(len(model.names)):
        serial += 1
        number = int(prep.residue_number[model.row[k]])
        x, y, z = model.coords[k]
        lines.append(f"ATOM  {serial:>5} {_atom_name(str(model.names[k]), str(model.elements[k]))} "
                     f"{model.resnames[k]:>3} {chain[:1]}{number:>4}    {x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00"
                     f"          {model.elements[k]:>2}")
    lines.append("TER")
    ligand = prep.ligand
    code = (prep.complex_.ligand or "LIG")[:3]
    if ligand is not None:
        for k, (xyz, element) in enumerate(zip(ligand.coords, ligand.element), start=1):
            serial += 1
            name = f"{element}{k}"[:4]
            lines.append(f"HETATM{serial:>5} {_atom_name(name, element)} {code:>3} {chain[:1]} 900    "
                         f"{xyz[0]:8.3f}{xyz[1]:8.3f}{xyz[2]:8.3f}  1.00  0.00          {element:>2}")
    lines.append("END")
    return "\n".join(lines) + "\n"


def write_model(prep: PreparedComplex, model: Model, path: str | Path) -> Path:
    """Write :func:`model_pdb_text` atomically."""
    return write_text_atomic(path, model_pdb_text(prep, model))
