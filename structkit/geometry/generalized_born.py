"""Generalized Born implicit solvent: OBC2 Born radii, polar solvation and the ACE surface term.

The same model as Amber ``igb=5`` and OpenMM's ``implicit/obc2.xml`` (Onufriev, Bashford and Case,
Proteins 2004, 55, 383): descreening integrals over offset radii (offset 0.09 Å) and scaled radii,
Born radii rescaled by tanh(psi - 0.8 psi² + 4.85 psi³), the Still pairwise formula, and the ACE
non-polar term 0.0054 kcal/mol/Å² × 4π (r + 1.4 Å)² (r/B)⁶. Units: Å, e, kcal/mol.
Verified term by term against OpenMM's ``GBSAOBCForce`` (tests/test_generalized_born.py).
"""

from __future__ import annotations

import numpy as np

from structkit.geometry.nonbonded import COULOMB

__all__ = ["OFFSET", "born_radii", "descreening", "gb_energy", "nonpolar_energy", "radii_from_descreening",
           "solvation"]

#: Dielectric offset of OBC (Å).
OFFSET = 0.09
_ACE = 28.3919551 / 4.184 / 100.0  # kcal/mol/Å², times (r + 1.4)^2 (r/B)^6
_PROBE = 1.4


def descreening(xyz_i: np.ndarray, offset_i: np.ndarray, xyz_j: np.ndarray, scaled_j: np.ndarray, *,
                same: bool = False) -> np.ndarray:
    """OBC descreening integral of each atom i by the atoms j (1/Å), summed over j.

    Parameters
    ----------
    xyz_i : ndarray, shape (n, 3)
    offset_i : ndarray, shape (n,)
        Offset radii (radius - 0.09 Å) of the atoms i.
    xyz_j : ndarray, shape (m, 3)
    scaled_j : ndarray, shape (m,)
        Scaled offset radii (scale * offset radius) of the atoms j.
    same : bool
        The two sets are the same atoms: skip each atom's term with itself.

    Returns
    -------
    ndarray, shape (n,)
        The integrals add over disjoint sets j, so a fixed part can be computed once.
    """
    out = np.zeros(len(xyz_i))
    rows = max(1, 250_000 // max(1, len(xyz_j)))
    for a in range(0, len(xyz_i), rows):
        b = min(len(xyz_i), a + rows)
        diff = xyz_i[a:b, None, :] - xyz_j[None, :, :]
        r = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        if same:
            r[np.arange(b - a), np.arange(a, b)] = np.inf
        oi = offset_i[a:b, None]
        sr = np.broadcast_to(scaled_j[None, :], r.shape)
        upper = r + sr
        keep = (upper > oi) & np.isfinite(r)
        r, sr, upper = r[keep], sr[keep], upper[keep]
        lower = np.maximum(np.broadcast_to(oi, keep.shape)[keep], np.abs(r - sr))
        inv_l, inv_u = 1.0 / lower, 1.0 / upper
        term = 0.5 * (inv_l - inv_u + 0.25 * (r - sr * sr / r) * (inv_u * inv_u - inv_l * inv_l)
                      + 0.5 * np.log(lower * inv_u) / r)
        rows_index = np.nonzero(keep)[0]
        out[a:b] = np.bincount(rows_index, weights=term, minlength=b - a)
    return out


def radii_from_descreening(integral: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """OBC2 Born radii (Å) from the summed descreening integrals and the intrinsic radii."""
    offset_r = np.asarray(radius, dtype=np.float64) - OFFSET
    psi = integral * offset_r
    return 1.0 / (1.0 / offset_r - np.tanh(psi - 0.8 * psi**2 + 4.85 * psi**3) / np.asarray(radius))


def born_radii(xyz: np.ndarray, radius: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """OBC2 effective Born radii (Å).

    Parameters
    ----------
    xyz : ndarray, shape (n, 3)
    radius : ndarray, shape (n,)
        Intrinsic radii (Å; mbondi2 for Amber ``igb=5``).
    scale : ndarray, shape (n,)
        Descreening scale factors.
    """
    xyz = np.asarray(xyz, dtype=np.float64)
    offset_r = np.asarray(radius, dtype=np.float64) - OFFSET
    integral = descreening(xyz, offset_r, xyz, np.asarray(scale) * offset_r, same=True)
    return radii_from_descreening(integral, radius)


def nonpolar_energy(radius: np.ndarray, born: np.ndarray) -> float:
    """ACE non-polar solvation (kcal/mol)."""
    r = np.asarray(radius, dtype=np.float64)
    return float(np.sum(_ACE * (r + _PROBE) ** 2 * (r / born) ** 6))


def gb_energy(xyz: np.ndarray, charge: np.ndarray, born: np.ndarray, *, solute: float = 1.0,
              solvent: float = 78.5) -> float:
    """Polar solvation free energy (kcal/mol) by the Still formula, self terms included."""
    xyz = np.asarray(xyz, dtype=np.float64)
    q = np.asarray(charge, dtype=np.float64)
    total = 0.0
    rows = max(1, 250_000 // max(1, len(xyz)))
    for a in range(0, len(xyz), rows):
        b = min(len(xyz), a + rows)
        diff = xyz[a:b, None, :] - xyz[None, :, :]
        r2 = np.einsum("ijk,ijk->ij", diff, diff)
        bb = born[a:b, None] * born[None, :]
        f = np.sqrt(r2 + bb * np.exp(-r2 / (4.0 * bb)))
        total += float(q[a:b] @ (q[None, :] / f).sum(axis=1))
    pref = -COULOMB * (1.0 / solute - 1.0 / solvent)
    return 0.5 * pref * total


def solvation(xyz: np.ndarray, charge: np.ndarray, radius: np.ndarray, scale: np.ndarray, *,
              solute: float = 1.0, solvent: float = 78.5) -> tuple[float, float]:
    """Polar (GB) and non-polar (ACE) solvation free energies of a set of atoms (kcal/mol)."""
    born = born_radii(xyz, radius, scale)
    polar = gb_energy(xyz, charge, born, solute=solute, solvent=solvent)
    return polar, nonpolar_energy(radius, born)
