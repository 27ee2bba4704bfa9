"""Ionisation of a neutral drawing at pH 7: which basic amines carry a proton.

Chemical Component Dictionary entries draw most ligands neutral. Energy models and interaction
typing both need the charged form at pH 7; this is the one rule they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["protonate_basic_amines"]


def protonate_basic_amines(mol: Chem.Mol) -> tuple[Chem.Mol, int]:
    """Charge the basic aliphatic amines of a neutral molecule as at pH 7 (a copy is returned).

    An amine nitrogen qualifies when it is sp3, uncharged, not aromatic and bonded only to sp3 carbons
    and hydrogens (so not an amide, sulfonamide, aniline, amidine, hydrazine or N-oxide). They are
    protonated from the most remote from any aromatic ring inwards, skipping a nitrogen within three
    bonds of one already charged (the second nitrogen of a piperazine or an ethylenediamine stays
    neutral). Returns the molecule and the number of nitrogens charged.
    """
    from rdkit import Chem

    out = Chem.RWMol(mol)
    distance = Chem.GetDistanceMatrix(out)
    aromatic = [a.GetIdx() for a in out.GetAtoms() if a.GetIsAromatic()]
    candidates = []
    for atom in out.GetAtoms():
        if atom.GetSymbol() != "N" or atom.GetFormalCharge() != 0 or atom.GetIsAromatic():
            continue
        if atom.GetHybridization() != Chem.HybridizationType.SP3:
            continue
        neighbours = [n for n in atom.GetNeighbors() if n.GetSymbol() != "H"]
        if not neighbours or any(n.GetSymbol() != "C" or n.GetHybridization() != Chem.HybridizationType.SP3
                                 or n.GetIsAromatic() for n in neighbours):
            continue
        remote = min((distance[atom.GetIdx(), k] for k in aromatic), default=99.0)
        candidates.append((-remote, atom.GetIdx()))
    charged: list[int] = []
    for _, index in sorted(candidates):
        if any(distance[index, k] <= 3 for k in charged):
            continue
        atom = out.GetAtomWithIdx(index)
        atom.SetFormalCharge(1)
        atom.SetNumExplicitHs(atom.GetTotalNumHs() + 1)
        atom.SetNoImplicit(True)
        charged.append(index)
    result = out.GetMol()
    Chem.SanitizeMol(result)
    return result, len(charged)
