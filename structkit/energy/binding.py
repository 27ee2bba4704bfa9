"""Binding energy terms of a rigid inhibitor in a relaxed region (MM-GBSA, single structure).

    dG_bind = E_LJ(L, P) + E_Coulomb(L, P) + [G_GB(PL) - G_GB(P) - G_GB(L)]
              + [G_ACE(PL) - G_ACE(P) - G_ACE(L)]

with the protein P and the inhibitor L in the same conformation bound and unbound (the
single-trajectory approximation), ff14SB/MMFF94 parameters, vacuum Coulomb (dielectric 1) and OBC2
generalized Born for the solvent (:mod:`structkit.geometry.generalized_born`). All kcal/mol.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from structkit.energy.forcefield import SOLUTE_DIELECTRIC, SOLVENT_DIELECTRIC, AtomParameters
from structkit.energy.ligand_parameters import LigandModel
from structkit.geometry.generalized_born import (
    OFFSET,
    descreening,
    gb_energy,
    nonpolar_energy,
    radii_from_descreening,
    solvation,
)
from structkit.geometry.nonbonded import coulomb_lj

__all__ = ["BindingScorer", "BindingTerms", "binding_terms"]


@dataclass(frozen=True)
class BindingTerms:
    """The terms of one binding energy (kcal/mol)."""

    vdw: float
    coulomb: float
    gb_polar: float
    nonpolar: float

    @property
    def electrostatics(self) -> float:
        """Coulomb plus the polar solvation change."""
        return self.coulomb + self.gb_polar

    @property
    def total(self) -> float:
        """The binding energy."""
        return self.vdw + self.coulomb + self.gb_polar + self.nonpolar


class BindingScorer:
    """Binding terms for many models of one region, reusing what the fixed atoms contribute.

    The descreening integrals among atoms that do not move (backbones, the rest of the region, the
    inhibitor) are computed once per distinct fixed set and added to those of the moving atoms, which
    gives exactly the Born radii of a full calculation.
    """

    def __init__(self, ligand: LigandModel):
        self.ligand = ligand
        lp = ligand.params
        self._lig_offset = lp.radius - OFFSET
        self._lig_scaled = lp.scale * self._lig_offset
        self._lig_self = descreening(ligand.coords, self._lig_offset, ligand.coords, self._lig_scaled,
                                     same=True)
        born = radii_from_descreening(self._lig_self, lp.radius)
        kw = {"solute": SOLUTE_DIELECTRIC, "solvent": SOLVENT_DIELECTRIC}
        self.ligand_solvation = (gb_energy(ligand.coords, lp.charge, born, **kw),
                                 nonpolar_energy(lp.radius, born))
        self._fixed: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _fixed_parts(self, xyz: np.ndarray, offset: np.ndarray, scaled: np.ndarray):
        key = hashlib.sha1(xyz.tobytes() + offset.tobytes() + scaled.tobytes()).digest()
        if key not in self._fixed:
            lig = self.ligand.coords
            self._fixed[key] = (
                descreening(xyz, offset, xyz, scaled, same=True),
                descreening(xyz, offset, lig, self._lig_scaled),
                descreening(lig, self._lig_offset, xyz, scaled),
            )
            if len(self._fixed) > 64:
                self._fixed.pop(next(iter(self._fixed)))
        return self._fixed[key]

    def terms(self, xyz: np.ndarray, params: AtomParameters, movable: np.ndarray) -> BindingTerms:
        """Binding terms of the inhibitor with the protein atoms ``xyz``.

        Parameters
        ----------
        xyz : ndarray, shape (n, 3)
            Protein atoms (Å).
        params : AtomParameters
            Their parameters.
        movable : ndarray of bool, shape (n,)
            Atoms that differ between the models scored by this scorer.
        """
        lig, lp = self.ligand, self.ligand.params
        coulomb, lj = coulomb_lj(lig.coords, lp.charge, lp.sigma, lp.epsilon,
                                 xyz, params.charge, params.sigma, params.epsilon)
        offset = params.radius - OFFSET
        scaled = params.scale * offset
        fixed, moving = ~movable, movable
        ff, fl, lf = self._fixed_parts(xyz[fixed], offset[fixed], scaled[fixed])
        xm, om, sm = xyz[moving], offset[moving], scaled[moving]
        by_moving = descreening(xyz, offset, xm, sm)  # every protein atom, from the moving ones
        by_moving[moving] = descreening(xm, om, xm, sm, same=True)
        from_fixed = np.zeros(len(xyz))
        from_fixed[fixed] = ff
        from_fixed[moving] = descreening(xm, om, xyz[fixed], scaled[fixed])
        from_ligand = np.zeros(len(xyz))
        from_ligand[fixed] = fl
        from_ligand[moving] = descreening(xm, om, lig.coords, self._lig_scaled)
        protein_integral = from_fixed + by_moving
        ligand_integral = self._lig_self + lf + descreening(lig.coords, self._lig_offset, xm, sm)
        kw = {"solute": SOLUTE_DIELECTRIC, "solvent": SOLVENT_DIELECTRIC}
        born_p = radii_from_descreening(protein_integral, params.radius)
        born_pl = np.concatenate([radii_from_descreening(protein_integral + from_ligand, params.radius),
                                  radii_from_descreening(ligand_integral, lp.radius)])
        both = AtomParameters.concatenate([params, lp])
        all_xyz = np.vstack([xyz, lig.coords])
        polar_pl = gb_energy(all_xyz, both.charge, born_pl, **kw)
        polar_p = gb_energy(xyz, params.charge, born_p, **kw)
        np_pl = nonpolar_energy(both.radius, born_pl)
        np_p = nonpolar_energy(params.radius, born_p)
        lig_polar, lig_np = self.ligand_solvation
        return BindingTerms(vdw=float(lj), coulomb=float(coulomb), gb_polar=polar_pl - polar_p - lig_polar,
                            nonpolar=np_pl - np_p - lig_np)


def binding_terms(xyz: np.ndarray, params: AtomParameters, ligand: LigandModel) -> BindingTerms:
    """Binding energy terms of ``ligand`` with the protein atoms ``xyz`` (everything computed afresh)."""
    lp = ligand.params
    coulomb, lj = coulomb_lj(ligand.coords, lp.charge, lp.sigma, lp.epsilon,
                             xyz, params.charge, params.sigma, params.epsilon)
    both = AtomParameters.concatenate([params, lp])
    all_xyz = np.vstack([xyz, ligand.coords])
    kw = {"solute": SOLUTE_DIELECTRIC, "solvent": SOLVENT_DIELECTRIC}
    pl = solvation(all_xyz, both.charge, both.radius, both.scale, **kw)
    p = solvation(xyz, params.charge, params.radius, params.scale, **kw)
    lig = solvation(ligand.coords, lp.charge, lp.radius, lp.scale, **kw)
    return BindingTerms(vdw=float(lj), coulomb=float(coulomb), gb_polar=pl[0] - p[0] - lig[0],
                        nonpolar=pl[1] - p[1] - lig[1])
