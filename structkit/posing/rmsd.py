"""Symmetry-aware heavy-atom RMSD between two poses of one compound, whatever charges or bond orders
each file drew.

The two heavy-atom graphs are matched as bare graphs (elements and connectivity; formal charges,
bond orders, aromaticity and hydrogens ignored), so a morpholine drawn protonated in one file and
neutral in the other still maps; every automorphism is tried (up to :data:`MAX_MAPPINGS`) and the
smallest RMSD kept, without superposing the poses (both are in one frame). RDKit's ``CalcRMS`` gives
the same number where it maps the two molecules (checked in the tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from structkit.errors import StructkitError

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["MAX_MAPPINGS", "graph_key", "pose_rmsd"]

#: Graph mappings tried at most (symmetric groups multiply them).
MAX_MAPPINGS = 20000


def _bare(mol: Chem.Mol) -> Chem.Mol:
    from rdkit import Chem

    heavy = Chem.RemoveHs(mol, sanitize=False)
    editable = Chem.RWMol()
    for atom in heavy.GetAtoms():
        editable.AddAtom(Chem.Atom(atom.GetAtomicNum()))
    for bond in heavy.GetBonds():
        editable.AddBond(bond.GetBeginAtomIdx(), bond.GetEndAtomIdx(), Chem.BondType.SINGLE)
    bare = editable.GetMol()
    bare.UpdatePropertyCache(strict=False)
    return bare


def graph_key(mol: Chem.Mol) -> str:
    """One key for every drawing of one compound: the canonical SMILES of its bare heavy-atom graph
    (elements and connectivity; charges, bond orders, aromaticity, hydrogens and stereo ignored)."""
    from rdkit import Chem

    return Chem.MolToSmiles(_bare(mol), canonical=True)


def pose_rmsd(probe: Chem.Mol, reference: Chem.Mol) -> float:
    """Smallest heavy-atom RMSD over the graph mappings of two poses (Å; no fitting).

    Parameters
    ----------
    probe, reference : rdkit.Chem.Mol
        The same compound, each with one conformer (hydrogens ignored).

    Raises
    ------
    StructkitError
        The two heavy-atom graphs differ.
    """
    from rdkit import Chem

    p_heavy = Chem.RemoveHs(probe, sanitize=False)
    r_heavy = Chem.RemoveHs(reference, sanitize=False)
    p_bare, r_bare = _bare(probe), _bare(reference)
    if p_bare.GetNumAtoms() != r_bare.GetNumAtoms():
        raise StructkitError(f"the poses differ in heavy atoms "
                             f"({p_bare.GetNumAtoms()} and {r_bare.GetNumAtoms()})")
    params: Any = Chem.SubstructMatchParameters()
    params.uniquify = False
    params.maxMatches = MAX_MAPPINGS
    matches = r_bare.GetSubstructMatches(p_bare, params)
    if not matches:
        raise StructkitError("the poses are not of the same compound (their heavy-atom graphs differ)")
    p_xyz = p_heavy.GetConformer().GetPositions()
    r_xyz = r_heavy.GetConformer().GetPositions()
    order = np.array(matches)  # order[k, i]: the reference atom of probe atom i in mapping k
    deviations = ((r_xyz[order] - p_xyz[None, :, :]) ** 2).sum(axis=2).mean(axis=1)
    return float(np.sqrt(deviations.min()))
