"""Hydrogen-bond donors and acceptors of the protein, with the heavy atoms they are bonded to.

Assignments follow the standard amino-acid chemistry used by hydrogen-bond programs such as HBPLUS
(McDonald and Thornton, J. Mol. Biol. 1994): backbone N donates (not proline), backbone O accepts;
side chains as listed below (histidine N atoms and the hydroxyls both donate and accept).
"""

from __future__ import annotations

import numpy as np

from structkit.model.atoms import Atoms
from structkit.model.residues import MODIFIED_PARENT

__all__ = ["POLAR_ATOMS", "protein_polar_atoms"]

# residue -> atom -> (donor, acceptor, antecedent atom names)
POLAR_ATOMS: dict[str, dict[str, tuple[bool, bool, tuple[str, ...]]]] = {
    "*": {"N": (True, False, ("CA",)), "O": (False, True, ("C",)), "OXT": (False, True, ("C",))},
    "SER": {"OG": (True, True, ("CB",))},
    "THR": {"OG1": (True, True, ("CB",))},
    "TYR": {"OH": (True, True, ("CZ",))},
    "ASN": {"OD1": (False, True, ("CG",)), "ND2": (True, False, ("CG",))},
    "GLN": {"OE1": (False, True, ("CD",)), "NE2": (True, False, ("CD",))},
    "ASP": {"OD1": (False, True, ("CG",)), "OD2": (False, True, ("CG",))},
    "GLU": {"OE1": (False, True, ("CD",)), "OE2": (False, True, ("CD",))},
    "HIS": {"ND1": (True, True, ("CG", "CE1")), "NE2": (True, True, ("CD2", "CE1"))},
    "LYS": {"NZ": (True, False, ("CE",))},
    "ARG": {"NE": (True, False, ("CD", "CZ")), "NH1": (True, False, ("CZ",)), "NH2": (True, False, ("CZ",))},
    "TRP": {"NE1": (True, False, ("CD1", "CE2"))},
    "CYS": {"SG": (True, True, ("CB",))},
    "MET": {"SD": (False, True, ("CG", "CE"))},
}


def protein_polar_atoms(
    protein: Atoms, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Donor and acceptor flags of every protein atom and the coordinates of its antecedents.

    Parameters
    ----------
    protein : Atoms
    starts : ndarray
        First atom of each residue.

    Returns
    -------
    donor, acceptor : ndarray of bool
    residue_of : ndarray of int64
        Residue row of each atom.
    antecedents : list of ndarray of int64
        Indices (into ``protein``) of the bonded heavy atoms named in :data:`POLAR_ATOMS` (empty
        for non-polar atoms), so that the same topology serves every frame of a trajectory.
    """
    n = len(protein)
    donor = np.zeros(n, dtype=bool)
    acceptor = np.zeros(n, dtype=bool)
    antecedents: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * n
    stops = np.append(starts[1:], n)
    residue_of = np.repeat(np.arange(len(starts)), stops - starts)
    previous_c = -1
    for a, b in zip(starts, stops):
        resname = str(protein.resname[a])
        parent = MODIFIED_PARENT.get(resname, resname)
        table = {**POLAR_ATOMS["*"], **POLAR_ATOMS.get(parent, {})}
        names = protein.name[a:b].tolist()
        where = {name: a + k for k, name in enumerate(names)}
        for name, k in where.items():
            if name not in table:
                continue
            is_donor, is_acceptor, ante = table[name]
            if name == "N" and parent == "PRO":
                is_donor = False
            donor[k], acceptor[k] = is_donor, is_acceptor
            bonded = [where[x] for x in ante if x in where]
            if name == "N" and previous_c >= 0:  # the peptide C of the previous residue
                if np.linalg.norm(protein.coords[previous_c] - protein.coords[k]) < 1.6:
                    bonded.append(previous_c)
            antecedents[k] = np.array(bonded, dtype=np.int64)
        previous_c = where.get("C", -1)
    return donor, acceptor, residue_of, antecedents
