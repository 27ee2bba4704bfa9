"""PDBQT text (AutoDock's PDB with charges and AutoDock atom types) of atoms typed by
:func:`structkit.geometry.vina.xs_types`, for scoring or docking the same atoms with AutoDock Vina.

The AutoDock type follows from the XS type: ``NA`` for a nitrogen acceptor, ``N`` otherwise,
``OA`` for every oxygen, ``SA`` for sulfur, ``HD`` for a hydrogen bonded (as Vina perceives bonds,
:func:`~structkit.geometry.vina.covalent_bonds`) to nitrogen or oxygen, ``H`` for any other. Charges
are written as zero (Vina does not use them). A ligand is written as one rigid ``ROOT`` with
``TORSDOF 0``.
"""

from __future__ import annotations

import numpy as np

from structkit.geometry.vina import XS_TYPES, covalent_bonds

__all__ = ["pdbqt_text"]

_AUTODOCK = {"C_H": "C", "C_P": "C", "N_P": "N", "N_D": "N", "N_A": "NA", "N_DA": "NA", "O_P": "OA",
             "O_D": "OA", "O_A": "OA", "O_DA": "OA", "S_P": "SA", "P_P": "P", "F_H": "F", "Cl_H": "Cl",
             "Br_H": "Br", "I_H": "I", "Met_D": "Mg"}


def pdbqt_text(elements: np.ndarray, coords: np.ndarray, types: np.ndarray, *, ligand: bool) -> str:
    """The atoms as PDBQT (one residue ``UNL``, chain A; coordinates to 1e-3 Å).

    Parameters
    ----------
    elements : ndarray of str, shape (n,)
    coords : ndarray, shape (n, 3)
    types : ndarray of int, shape (n,)
        From :func:`~structkit.geometry.vina.xs_types` (-1 for hydrogens).
    ligand : bool
        Write a rigid ligand (``ROOT`` ... ``TORSDOF 0``) rather than a receptor.
    """
    upper = np.char.upper(np.asarray(elements, dtype=str))
    i, j = covalent_bonds(upper, coords)
    polar = np.isin(upper, ("N", "O"))
    polar_h = np.zeros(len(upper), dtype=bool)
    polar_h[i[polar[j]]] = True
    polar_h[j[polar[i]]] = True
    record = "HETATM" if ligand else "ATOM  "
    lines = ["ROOT"] if ligand else []
    for k, (element, p, t) in enumerate(zip(upper, coords, types)):
        kind = ("HD" if polar_h[k] else "H") if element == "H" else _AUTODOCK[XS_TYPES[t]]
        lines.append(f"{record}{k + 1:5d} {element:<3s}  UNL A   1    {p[0]:8.3f}{p[1]:8.3f}{p[2]:8.3f}"
                     f"  1.00  0.00    +0.000 {kind:<2s}")
    if ligand:
        lines += ["ENDROOT", "TORSDOF 0"]
    return "\n".join(lines) + "\n"
