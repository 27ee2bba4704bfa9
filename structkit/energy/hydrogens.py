"""All-atom side chains: hydrogens placed on built heavy atoms, and per-residue ff14SB parameters.

Hydrogen internal coordinates come from ``structkit/data/hydrogen_geometry.csv`` (measured on
all-atom kinase complexes; source in its header). Histidine is built as the HIE tautomer (proton on
NE2), the usual choice for a solvent-facing or unassigned histidine. Backbone amide hydrogens are not
built here: they stay with the backbone (see :func:`amide_hydrogen` for a proline replaced).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from structkit.data import read_table
from structkit.energy.forcefield import AtomParameters, atom_parameters
from structkit.geometry.sidechain import place_atom

__all__ = ["amide_hydrogen", "build_hydrogens", "element_of", "hydrogen_names", "residue_parameters"]

_SKIP = {"HIS": ("HD1",)}


@cache
def _rows(resname: str) -> tuple[tuple[str, str, str, str, float, float, float], ...]:
    out = []
    for row in read_table("hydrogen_geometry.csv"):
        if row["resname"] != resname or row["atom"] in _SKIP.get(resname, ()):
            continue
        out.append((row["atom"], row["a"], row["b"], row["c"], float(row["bond"]), float(row["angle"]),
                    float(row["dihedral"])))
    return tuple(out)


def element_of(name: str) -> str:
    """The element of a protein atom from its PDB name (hydrogens are named H..., every other
    element of a standard residue has a one-letter symbol: C, N, O, S)."""
    return "H" if name.startswith("H") else name[0]


def hydrogen_names(resname: str) -> tuple[str, ...]:
    """Names of the C-alpha and side-chain hydrogens built for ``resname``."""
    return tuple(r[0] for r in _rows(resname))


def build_hydrogens(resname: str, placed: dict[str, np.ndarray]) -> np.ndarray:
    """Coordinates of the C-alpha and side-chain hydrogens of ``resname``.

    Parameters
    ----------
    resname : str
    placed : dict
        Heavy-atom coordinates by atom name, each of shape (3,) or (n_rotamers, 3).

    Returns
    -------
    ndarray, shape (n_rotamers, n_hydrogens, 3)
        In the order of :func:`hydrogen_names`.
    """
    rows = _rows(resname)
    n_rot = max((np.asarray(v).reshape(-1, 3).shape[0] for v in placed.values()), default=1)
    out = np.zeros((n_rot, len(rows), 3))
    for k, (_name, a, b, c, bond, angle, torsion) in enumerate(rows):
        pa, pb, pc = (np.broadcast_to(np.asarray(placed[x], dtype=np.float64), (n_rot, 3)) for x in (a, b, c))
        out[:, k] = place_atom(pa, pb, pc, bond, angle, torsion)
    return out


def amide_hydrogen(previous_c: np.ndarray, n: np.ndarray, ca: np.ndarray) -> np.ndarray:
    """The backbone amide hydrogen: 1.01 Å from N on the bisector away from C(i-1) and CA."""
    u = n - previous_c
    v = n - ca
    d = u / np.linalg.norm(u) + v / np.linalg.norm(v)
    return n + 1.01 * d / np.linalg.norm(d)


@cache
def residue_parameters(resname: str, names: tuple[str, ...]) -> AtomParameters:
    """ff14SB parameters of an internal (mid-chain) residue's atoms, in the order of ``names``."""
    from openmm import app
    from openmm.app.element import Element

    topology = app.Topology()
    chain = topology.addChain()
    residue = topology.addResidue(resname, chain)
    for name in names:
        topology.addAtom(name, Element.getBySymbol(element_of(name)), residue)
    topology.createStandardBonds()
    return atom_parameters(topology)
