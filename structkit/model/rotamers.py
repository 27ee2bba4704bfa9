"""Rotamer library and side-chain templates (package data with their sources).

- ``structkit/data/rotamers.csv``: the Dunbrack backbone-independent rotamer library (bbind02),
  as distributed with open-source PyMOL.
- ``structkit/data/sidechain_geometry.csv``: internal coordinates of each side-chain atom, from
  Biopython's ``Bio.PDB.ic_data`` (means over Dunbrack's PISCES culled set).

:func:`build_sidechains` places a residue's side chain on a backbone for every rotamer at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from structkit.data import read_table
from structkit.geometry.sidechain import place_atom

__all__ = ["SidechainTemplate", "build_sidechains", "rotamers", "template"]


def _read(name: str) -> list[dict[str, str]]:
    return read_table(name)


@dataclass(frozen=True)
class SidechainTemplate:
    """How to build one amino acid's side chain.

    Attributes
    ----------
    resname : str
    atoms : tuple of str
        Side-chain heavy atoms in build order, CB first.
    parents : tuple of tuple of str
        (A, B, C) reference atoms of each atom.
    bond, angle : ndarray
        |C-D| in Å and angle B-C-D in degrees for each atom.
    chi : ndarray of int
        Which chi sets the dihedral (1-4), 0 for a fixed dihedral.
    value : ndarray
        Fixed dihedral, or offset added to the chi (0 for the chi atom itself).
    """

    resname: str
    atoms: tuple[str, ...]
    parents: tuple[tuple[str, str, str], ...]
    bond: np.ndarray
    angle: np.ndarray
    chi: np.ndarray
    value: np.ndarray

    @property
    def n_chi(self) -> int:
        """Number of chi angles."""
        return int(self.chi.max()) if len(self.chi) else 0


@cache
def template(resname: str) -> SidechainTemplate:
    """The side-chain template of an amino acid (GLY has no atoms)."""
    rows = [r for r in _read("sidechain_geometry.csv") if r["resname"] == resname]
    if resname == "GLY":
        rows = []
    elif not rows:
        raise KeyError(resname)
    chi = []
    for r in rows:
        kind = r["dihedral"]
        chi.append(int(kind[3]) if kind.startswith("chi") else 0)
    return SidechainTemplate(
        resname=resname,
        atoms=tuple(r["atom"] for r in rows),
        parents=tuple((r["a"], r["b"], r["c"]) for r in rows),
        bond=np.array([float(r["bond"]) for r in rows]),
        angle=np.array([float(r["angle"]) for r in rows]),
        chi=np.array(chi, dtype=np.int64),
        value=np.array([float(r["value"]) for r in rows]),
    )


@cache
def rotamers(resname: str) -> tuple[np.ndarray, np.ndarray]:
    """Chi angles (n_rotamers, n_chi) in degrees and frequencies of an amino acid, most common first.

    ALA and GLY have one rotamer with no chi.
    """
    rows = [r for r in _read("rotamers.csv") if r["resname"] == resname]
    if not rows:
        return np.zeros((1, 0)), np.ones(1)
    n_chi = max(k for k in range(1, 5) if rows[0][f"chi{k}"])
    chis = np.array([[float(r[f"chi{k}"]) for k in range(1, n_chi + 1)] for r in rows])
    freq = np.array([float(r["frequency"]) for r in rows])
    return chis, freq


def build_sidechains(
    backbone: dict[str, np.ndarray], resname: str, chis: np.ndarray, keep_cb: np.ndarray | None = None
) -> np.ndarray:
    """Coordinates of the side-chain atoms of ``resname`` for every row of ``chis``.

    Parameters
    ----------
    backbone : dict
        Coordinates (3,) of ``N``, ``CA`` and ``C``.
    resname : str
        Amino acid to build.
    chis : ndarray, shape (n_rotamers, n_chi)
        Chi angles in degrees (columns beyond the template's chi count are ignored).
    keep_cb : ndarray, shape (3,), optional
        Use this CB position (the crystal's) instead of building it.

    Returns
    -------
    ndarray, shape (n_rotamers, n_atoms, 3)
        In the order of ``template(resname).atoms``.
    """
    tpl = template(resname)
    n_rot = max(1, len(chis))
    chis = np.asarray(chis, dtype=np.float64).reshape(n_rot, -1)
    placed: dict[str, np.ndarray] = {
        name: np.broadcast_to(np.asarray(backbone[name], dtype=np.float64), (n_rot, 3))
        for name in ("N", "CA", "C")
    }
    out = np.zeros((n_rot, len(tpl.atoms), 3))
    for k, atom in enumerate(tpl.atoms):
        if atom == "CB" and keep_cb is not None:
            xyz = np.broadcast_to(np.asarray(keep_cb, dtype=np.float64), (n_rot, 3)).copy()
        else:
            a, b, c = (placed[p] for p in tpl.parents[k])
            torsion = tpl.value[k] + (chis[:, tpl.chi[k] - 1] if tpl.chi[k] else 0.0)
            xyz = place_atom(a, b, c, tpl.bond[k], tpl.angle[k], torsion)
        placed[atom] = xyz
        out[:, k] = xyz
    return out
