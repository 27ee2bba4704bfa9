"""Non-bonded parameters of an inhibitor from RDKit's MMFF94, with explicit hydrogens.

The inhibitor keeps its bond orders and formal charges (from its ligand file or the wwPDB CCD);
hydrogens are added by RDKit on the crystal or docked heavy atoms, placed where the structure has
its own hydrogens (prepared or docked poses) or else relaxed by MMFF94 with the heavy atoms fixed.
MMFF94 gives the partial charges and, per atom, the van der Waals minimum distance R* and well
depth, used as a Lennard-Jones sigma = R* / 2^(1/6) and epsilon; OBC2 radii follow the same mbondi2
rules as the protein. The ligand is held rigid, so no bonded terms are needed. A ligand whose chemistry
comes from the CCD (neutral as deposited) gets its basic aliphatic amines charged as at pH 7
(:func:`structkit.model.protonation.protonate_basic_amines`); a ligand file's own charges are kept.
Coordinates are rounded to 1e-4 Å (an SDF file's precision) on the way in and out, so a molecule
that travelled through a pickle (RDKit stores conformers in single precision) gives exactly the
same model: the relaxation is sensitive enough to 1e-6 Å for that to matter. Protonation states
are those of the file, or for a CCD ligand the pH 7 rule of
:func:`structkit.model.protonation.protonate_basic_amines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from structkit.energy.forcefield import AtomParameters
from structkit.errors import StructkitError

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["LigandModel", "ligand_model", "with_magnesium"]


@dataclass(frozen=True)
class LigandModel:
    """An all-atom rigid ligand and its parameters."""

    coords: np.ndarray
    element: np.ndarray
    params: AtomParameters
    smiles: str

    @property
    def heavy(self) -> np.ndarray:
        """Mask of heavy atoms."""
        return self.element != "H"


def _place_hydrogens(with_h, hydrogens: np.ndarray | None) -> None:
    """Put the added hydrogens where the structure has them, else relax them by MMFF94.

    A hydrogen takes the position of a structure hydrogen within 1.25 Å of the same heavy atom when
    every heavy atom's count agrees; otherwise the hydrogens alone are minimised with MMFF94 (heavy
    atoms fixed), which staggers methyls and points hydroxyls sensibly.
    """
    from rdkit.Chem import AllChem
    from rdkit.Geometry import Point3D

    conf = with_h.GetConformer()
    xyz = conf.GetPositions()
    if hydrogens is not None and len(hydrogens):
        plan: dict[int, Any] = {}
        ok = True
        for atom in with_h.GetAtoms():
            if atom.GetSymbol() == "H":
                continue
            own = [n.GetIdx() for n in atom.GetNeighbors() if n.GetSymbol() == "H"]
            near = np.flatnonzero(np.linalg.norm(hydrogens - xyz[atom.GetIdx()], axis=1) < 1.25)
            if len(own) != len(near):
                ok = False
                break
            plan.update(zip(own, near))
        if ok and len(plan) == len(hydrogens):
            for i, k in plan.items():
                conf.SetAtomPosition(i, Point3D(*map(float, hydrogens[k])))
            return
    props = AllChem.MMFFGetMoleculeProperties(with_h)  # type: ignore[attr-defined]
    field = AllChem.MMFFGetMoleculeForceField(with_h, props)  # type: ignore[attr-defined]
    for atom in with_h.GetAtoms():
        if atom.GetSymbol() != "H":
            field.AddFixedPoint(atom.GetIdx())
    field.Minimize(maxIts=500)


def ligand_model(mol: Chem.Mol, label: str, hydrogens: np.ndarray | None = None) -> LigandModel:
    """Parameters of a heavy-atom RDKit molecule with a conformer (hydrogens are added).

    ``hydrogens`` (n, 3) are the structure's own ligand hydrogens, used where they match.

    Raises
    ------
    StructkitError
        MMFF94 cannot type the molecule (the message names ``label``).
    """
    from openmm import app
    from openmm.app.element import Element
    from openmm.app.internal.customgbforces import GBSAOBC2Force
    from rdkit import Chem
    from rdkit.Chem import AllChem
    from rdkit.Geometry import Point3D

    mol = Chem.Mol(mol)
    conf = mol.GetConformer()
    for i, xyz in enumerate(np.round(conf.GetPositions(), 4)):
        conf.SetAtomPosition(i, Point3D(*map(float, xyz)))
    try:
        with_h = Chem.AddHs(mol, addCoords=True)
        Chem.SanitizeMol(with_h)
        props = AllChem.MMFFGetMoleculeProperties(with_h)  # type: ignore[attr-defined]
    except Exception as exc:  # RDKit raises several types
        raise StructkitError(f"{label}: the ligand cannot be parameterised ({exc})") from None
    if props is None:
        raise StructkitError(f"{label}: MMFF94 has no atom types for this ligand")
    _place_hydrogens(with_h, hydrogens)
    n = with_h.GetNumAtoms()
    charge = np.array([props.GetMMFFPartialCharge(i) for i in range(n)])
    sigma, epsilon = np.zeros(n), np.zeros(n)
    for i in range(n):
        r_star, eps = props.GetMMFFVdWParams(i, i)[2:4]
        sigma[i] = r_star / 2 ** (1 / 6)
        epsilon[i] = eps
    topology = app.Topology()
    residue = topology.addResidue("LIG", topology.addChain())
    atoms = [topology.addAtom(f"X{i}", Element.getByAtomicNumber(a.GetAtomicNum()), residue)
             for i, a in enumerate(with_h.GetAtoms())]
    for bond in with_h.GetBonds():
        topology.addBond(atoms[bond.GetBeginAtomIdx()], atoms[bond.GetEndAtomIdx()])
    gb = np.array(GBSAOBC2Force.getStandardParameters(topology), dtype=np.float64).reshape(n, 2)
    coords = np.round(with_h.GetConformer().GetPositions(), 4)
    element = np.array([a.GetSymbol() for a in with_h.GetAtoms()])
    params = AtomParameters(charge, sigma, epsilon, gb[:, 0] * 10.0, gb[:, 1])
    return LigandModel(coords=coords, element=element, params=params,
                       smiles=Chem.MolToSmiles(Chem.RemoveHs(with_h)))


def with_magnesium(ligand: LigandModel, positions: np.ndarray) -> LigandModel:
    """The ligand with Mg²⁺ ions at ``positions`` (k, 3) as further rigid atoms (charge +2, the
    Lennard-Jones and OBC2 parameters of :func:`~structkit.energy.forcefield.magnesium_parameters`).
    """
    from structkit.energy.forcefield import magnesium_parameters

    positions = np.round(np.asarray(positions, dtype=np.float64).reshape(-1, 3), 4)
    if not len(positions):
        return ligand
    ion = magnesium_parameters()
    params = AtomParameters.concatenate([ligand.params, *[ion] * len(positions)])
    return LigandModel(coords=np.vstack([ligand.coords, positions]),
                       element=np.concatenate([ligand.element, ["Mg"] * len(positions)]),
                       params=params, smiles=ligand.smiles + ".[Mg+2]" * len(positions))
