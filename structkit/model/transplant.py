"""A nucleotide placed into a kinase that has no nucleotide complex of its own.

The ATP side of a potency shift needs the kinase with ATP bound. Where no such structure of the
kinase is at hand, the nucleotide of another kinase's complex (the *donor*) is carried over: the
donor's C-alpha atoms at the KLIFS pocket positions both structures resolve are superposed on the
target's (Kabsch), the same rotation and translation move the donor's nucleotide, and the target's
own inhibitor is replaced by it. The 85 KLIFS positions are structurally equivalent across the
kinome, so the pocket frame is shared even between distant kinases; how well it is shared is
reported as the C-alpha RMSD of the superposition, and how well the nucleotide fits the target as
its closest approach to the target's protein heavy atoms.

Assumptions, and where this must fail: the nucleotide keeps the donor's pose (no docking), so a
target pocket in another conformation (DFG-out, an αC-out or collapsed glycine-rich loop) holds it
badly, and the result says so through a large RMSD or a short closest approach; the magnesium ions
are not carried over but modelled in the target (:mod:`structkit.model.nucleotide`), by the
target's own DFG aspartate and catalytic asparagine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.neighbors import nearest_distance
from structkit.geometry.superpose import apply_transform, rmsd, superpose
from structkit.model.atoms import atom_per_residue
from structkit.model.complex import Complex
from structkit.model.conformation import conformational_state
from structkit.model.nucleotide import is_nucleotide

__all__ = ["MIN_CLOSEST_A", "MIN_POCKET_POSITIONS", "Transplant", "transplant_nucleotide"]

#: Fewest KLIFS positions with a C-alpha in both structures for a superposition to be trusted.
MIN_POCKET_POSITIONS = 40
#: Closest approach (Å) of a placed nucleotide heavy atom to a protein heavy atom below which the
#: pocket cannot hold the nucleotide in the donor's pose (the atoms overlap by more than half a
#: bond; relaxing the mutation's shell cannot relieve it): an error, not an estimate.
MIN_CLOSEST_A = 1.5


@dataclass(frozen=True)
class Transplant:
    """A target complex holding a donor's nucleotide, and how well the two pockets matched.

    Attributes
    ----------
    complex_ : Complex
        The target's chain, waters and additives with the donor's nucleotide as its inhibitor
        (``ligand_source`` names the donor).
    donor : str
        The donor complex (PDB ID or file).
    n_positions : int
        KLIFS positions superposed (C-alpha in both structures).
    rmsd_A : float
        C-alpha RMSD of those positions after superposition (Å).
    closest_A : float
        Closest approach of a nucleotide heavy atom to a target protein heavy atom (Å).
    """

    complex_: Complex
    donor: str
    n_positions: int
    rmsd_A: float
    closest_A: float

    def describe(self) -> str:
        """One line for the user: what was placed, from where, and how well it fits."""
        return (f"{self.complex_.ligand} of {self.donor} placed by KLIFS pocket superposition "
                f"(C-alpha RMSD {self.rmsd_A:.2f} A over {self.n_positions} positions; closest protein "
                f"heavy atom {self.closest_A:.2f} A)")


def _pocket_ca(complex_: Complex) -> dict[int, np.ndarray]:
    """KLIFS position -> C-alpha coordinates of the residue there."""
    res = complex_.residues
    ca = atom_per_residue(complex_.protein, res.start, res.stop, "CA")
    return {int(p): ca[k] for k, p in enumerate(res.klifs_position)
            if p > 0 and np.isfinite(ca[k]).all()}


def transplant_nucleotide(target: Complex, donor: Complex) -> Transplant:
    """Place ``donor``'s nucleotide into ``target`` by superposing their KLIFS pockets.

    Parameters
    ----------
    target : Complex
        The kinase to hold the nucleotide (its own inhibitor, if any, is replaced).
    donor : Complex
        A complex whose inhibitor is ATP or an analogue.

    Returns
    -------
    Transplant
        The new complex and the fit of the superposition.

    Raises
    ------
    StructkitError
        The donor holds no nucleotide; the two structures share fewer than
        :data:`MIN_POCKET_POSITIONS` resolved pocket positions; or the placed nucleotide comes
        closer than :data:`MIN_CLOSEST_A` to the target's protein (another pocket conformation).
    """
    label = str(donor.pdb_id or donor.source)
    if not is_nucleotide(donor.ligand):
        raise StructkitError(f"{label}: its ligand {donor.ligand or '(none)'} is not ATP or an analogue")
    mine, theirs = _pocket_ca(target), _pocket_ca(donor)
    common = sorted(set(mine) & set(theirs))
    if len(common) < MIN_POCKET_POSITIONS:
        raise StructkitError(
            f"{label} -> {target.pdb_id or target.source}: only {len(common)} KLIFS pocket positions "
            f"are resolved in both (at least {MIN_POCKET_POSITIONS} are needed to superpose them)")
    mobile = np.array([theirs[p] for p in common])
    fixed = np.array([mine[p] for p in common])
    rotation, translation = superpose(mobile, fixed)
    fit = rmsd(apply_transform(mobile, rotation, translation), fixed)
    nucleotide = donor.inhibitor
    moved = replace(nucleotide, coords=apply_transform(nucleotide.coords, rotation, translation),
                    chain=np.full(len(nucleotide), target.chain or "A", dtype=nucleotide.chain.dtype))
    protein = target.protein
    heavy_protein = np.flatnonzero(protein.element != "H")
    to_protein = nearest_distance(protein.coords[heavy_protein], moved.coords[moved.element != "H"])
    nearest = int(heavy_protein[np.argmin(to_protein)])
    closest = float(to_protein.min())
    if closest < MIN_CLOSEST_A:
        state = conformational_state(target)
        raise StructkitError(
            f"{target.pdb_id or target.source}: its pocket (DFG-{state.dfg}, aC-{state.alpha_c}) cannot hold "
            f"the {donor.ligand} of {label} in that complex's pose: it comes {closest:.2f} A from "
            f"{protein.resname[nearest]}{protein.resnum[nearest]} {protein.name[nearest]} after the KLIFS "
            f"superposition (C-alpha RMSD {fit:.2f} A); give a nucleotide complex of this kinase as the "
            "ATP reference")
    placed = replace(target, inhibitor=moved, ligand=donor.ligand, ligand_mol=None,
                     ligand_records=donor.ligand_records, ligand_source=f"transplanted from {label}",
                     metadata={**target.metadata, "transplanted_from": label})
    return Transplant(placed, label, len(common), fit, closest)
