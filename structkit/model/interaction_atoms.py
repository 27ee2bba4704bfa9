"""Which atoms of a complex can take part in which typed interaction (the topology of contacts).

Protein
    Hydrophobic atoms and aromatic rings come from each residue's wwPDB Chemical Component
    Dictionary definition (bonds and aromaticity, read through RDKit, never typed by hand):
    carbons bonded to no N, O or F, and thioether S/Se (MET SD, MSE SE). Rings: the aromatic
    5- and 6-membered rings of PHE, TYR, TRP (both) and HIS. Hydrogen-bond donors and
    acceptors: :data:`structkit.model.polar.POLAR_ATOMS`. Charges at pH 7: LYS NZ and ARG NE,
    NH1, NH2 positive; ASP OD1/OD2, GLU OE1/OE2 and a C-terminal OXT/O negative; HIS neutral.
    Where the chain carries hydrogens they decide instead: a donor needs a bonded hydrogen,
    LYS NZ is positive with three, ASP/GLU are neutral when an oxygen carries one, and HIS is
    positive when both ring nitrogens do.
Inhibitor
    Chemistry from RDKit on the ligand's bond orders (CCD or the ligand file): hydrophobic
    atoms as for the protein plus Cl, Br and I; aromatic rings of 5 and 6 atoms; donors and
    acceptors from RDKit's ``BaseFeatures.fdef``; charges are the molecule's formal charges
    (a nitro group's pair excluded). A ligand without hydrogens comes as drawn in the CCD,
    usually neutral, so its ionisation at pH 7 is inferred, as PLIP does (Salentin et al.,
    Nucleic Acids Res. 2015, 43, W443): basic aliphatic amines by the rule the energy model uses
    (:func:`~structkit.model.protonation.protonate_basic_amines`: sp3 nitrogens bonded only to
    sp3 carbons, one per piperazine); the oxygens of carboxylic, phosphoric and sulfonic acids
    negative. A ligand with
    hydrogens keeps its own charges. Halogen-bond donors: Cl, Br, I bonded to carbon.
Metals
    Ions of Ca, Cd, Co, Cu, Fe, Mg, Mn, Ni, Zn among the complex's additives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.neighbors import neighbor_pairs
from structkit.geometry.rings import pad_rings
from structkit.model.atoms import Atoms
from structkit.model.ligand import LigandChemistry, ccd_molecule
from structkit.model.polar import protein_polar_atoms
from structkit.model.protonation import protonate_basic_amines
from structkit.model.residues import MODIFIED_PARENT

__all__ = [
    "METAL_ELEMENTS",
    "LigandInteractionAtoms",
    "ProteinInteractionAtoms",
    "ligand_interaction_atoms",
    "protein_interaction_atoms",
    "residue_template",
]

METAL_ELEMENTS = frozenset({"CA", "CD", "CO", "CU", "FE", "MG", "MN", "NI", "ZN"})
_BOND_TO_HYDROGEN = 1.3  # Å: a hydrogen belongs to the nearest heavy atom within this distance

_POSITIVE = {"LYS": ("NZ",), "ARG": ("NE", "NH1", "NH2")}
_NEGATIVE = {"ASP": ("OD1", "OD2"), "GLU": ("OE1", "OE2")}


@dataclass(frozen=True)
class ResidueTemplate:
    """Interaction typing of one residue type, by atom name (from its CCD definition)."""

    hydrophobic: frozenset[str]
    rings: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=128)
def residue_template(resname: str) -> ResidueTemplate:
    """Hydrophobic atoms and aromatic rings of a residue type, from the CCD.

    Parameters
    ----------
    resname : str
        Residue name; a modified residue unknown to the CCD falls back to its parent.
    """
    try:
        mol = ccd_molecule(resname)
    except StructkitError:
        parent = MODIFIED_PARENT.get(resname)
        if parent is None:
            return ResidueTemplate(frozenset(), ())
        mol = ccd_molecule(parent)
    names = [a.GetProp("_ccd_name") for a in mol.GetAtoms()]
    hydrophobic = frozenset(names[a.GetIdx()] for a in mol.GetAtoms() if _is_hydrophobic(a))
    rings = tuple(
        tuple(names[k] for k in ring) for ring in mol.GetRingInfo().AtomRings()
        if len(ring) in (5, 6) and all(mol.GetAtomWithIdx(k).GetIsAromatic() for k in ring)
    )
    return ResidueTemplate(hydrophobic, rings)


def _is_hydrophobic(atom) -> bool:
    """Carbon bonded to no N, O or F; thioether S or Se; Cl, Br, I (formal charge 0)."""
    if atom.GetFormalCharge() != 0:
        return False
    symbol = atom.GetSymbol()
    neighbours = [n.GetSymbol() for n in atom.GetNeighbors()]
    if symbol == "C":
        return not any(n in ("N", "O", "F") for n in neighbours)
    if symbol in ("S", "Se"):
        return len(neighbours) == 2 and all(n == "C" for n in neighbours) and atom.GetTotalNumHs() == 0
    return symbol in ("Cl", "Br", "I")


@dataclass(frozen=True)
class ProteinInteractionAtoms:
    """Interaction-capable atoms of a protein chain (indices into ``Complex.protein``).

    Attributes
    ----------
    residue_of : ndarray of int64
        Residue row of every protein atom.
    hydrophobic, donors, acceptors, positive, negative : ndarray of int64
        Atom indices of each kind.
    donor_antecedents, acceptor_antecedents : list of ndarray
        Bonded heavy atoms of each donor (acceptor), atom indices.
    hydrogens, hydrogen_owner : ndarray of int64
        Hydrogens bonded to donors and the donor position (into ``donors``) each belongs to.
    rings : ndarray of int64, shape (n_rings, 6)
        Aromatic ring members padded with -1.
    has_hydrogens : bool
        Whether the chain carries hydrogens (then a donor needs one).
    """

    residue_of: np.ndarray
    hydrophobic: np.ndarray
    donors: np.ndarray
    donor_antecedents: list[np.ndarray]
    acceptors: np.ndarray
    acceptor_antecedents: list[np.ndarray]
    hydrogens: np.ndarray
    hydrogen_owner: np.ndarray
    positive: np.ndarray
    negative: np.ndarray
    rings: np.ndarray
    has_hydrogens: bool


def _hydrogen_owners(atoms: Atoms) -> np.ndarray:
    """For each atom, the heavy atom a hydrogen is bonded to (-1 for heavy atoms and strays)."""
    owner = np.full(len(atoms), -1, dtype=np.int64)
    hydrogen = atoms.is_hydrogen
    if not hydrogen.any():
        return owner
    h_idx = np.flatnonzero(hydrogen)
    heavy_idx = np.flatnonzero(~hydrogen)
    i, j, d = neighbor_pairs(atoms.coords[h_idx], atoms.coords[heavy_idx], _BOND_TO_HYDROGEN)
    order = np.lexsort((d, i))
    i, j = i[order], j[order]
    first = np.r_[True, i[1:] != i[:-1]] if len(i) else np.zeros(0, dtype=bool)
    owner[h_idx[i[first]]] = heavy_idx[j[first]]
    return owner


def _donor_hydrogens(donors: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    position = {int(a): k for k, a in enumerate(donors)}
    hydrogens = [h for h in np.flatnonzero(owner >= 0) if int(owner[h]) in position]
    return (np.array(hydrogens, dtype=np.int64),
            np.array([position[int(owner[h])] for h in hydrogens], dtype=np.int64))


def protein_interaction_atoms(protein: Atoms, starts: np.ndarray) -> ProteinInteractionAtoms:
    """Type the atoms of a protein chain for :mod:`structkit.analysis.measure.interactions`.

    Parameters
    ----------
    protein : Atoms
        The chain (hydrogens optional).
    starts : ndarray of int64
        First atom of every residue.
    """
    n = len(protein)
    donor, acceptor, residue_of, ante = protein_polar_atoms(protein, starts)
    owner = _hydrogen_owners(protein)
    has_h = bool((owner >= 0).any())
    hydrogens_on = np.bincount(owner[owner >= 0], minlength=n) if has_h else np.zeros(n, dtype=np.int64)
    if has_h:
        donor &= hydrogens_on > 0
    stops = np.append(starts[1:], n)
    hydrophobic = np.zeros(n, dtype=bool)
    positive = np.zeros(n, dtype=bool)
    negative = np.zeros(n, dtype=bool)
    rings: list[list[int]] = []
    names = protein.name
    for a, b in zip(starts, stops):
        resname = str(protein.resname[a])
        parent = MODIFIED_PARENT.get(resname, resname)
        where = {str(name): a + k for k, name in enumerate(names[a:b].tolist())}
        template = residue_template(resname)
        for name in template.hydrophobic:
            if name in where:
                hydrophobic[where[name]] = True
        for ring in template.rings:
            if all(name in where for name in ring):
                rings.append([where[name] for name in ring])
        for name in _POSITIVE.get(parent, ()):
            if name in where and (not has_h or parent == "ARG" or hydrogens_on[where[name]] >= 3):
                positive[where[name]] = True
        charged = [where[x] for x in _NEGATIVE.get(parent, ()) if x in where]
        if charged and not (has_h and hydrogens_on[charged].any()):
            negative[charged] = True
        if "OXT" in where and not (has_h and hydrogens_on[where["OXT"]]):
            negative[where["OXT"]] = True
            if "O" in where:
                negative[where["O"]] = True
        if parent == "HIS" and has_h and all(x in where and hydrogens_on[where[x]] for x in ("ND1", "NE2")):
            positive[[where["ND1"], where["NE2"]]] = True
    donors = np.flatnonzero(donor)
    acceptors = np.flatnonzero(acceptor)
    if has_h:  # a nitrogen carrying a hydrogen accepts none (HIS tautomers, protonated amines)
        acceptors = acceptors[~((protein.element[acceptors] == "N") & (hydrogens_on[acceptors] > 0))]
    hydrogens, hydrogen_owner = _donor_hydrogens(donors, owner)
    return ProteinInteractionAtoms(
        residue_of=residue_of, hydrophobic=np.flatnonzero(hydrophobic), donors=donors,
        donor_antecedents=[ante[k] for k in donors], acceptors=acceptors,
        acceptor_antecedents=[ante[k] for k in acceptors], hydrogens=hydrogens,
        hydrogen_owner=hydrogen_owner, positive=np.flatnonzero(positive),
        negative=np.flatnonzero(negative), rings=pad_rings(rings), has_hydrogens=has_h,
    )


@dataclass(frozen=True)
class LigandInteractionAtoms:
    """Interaction-capable atoms of the inhibitor (indices into ``Complex.inhibitor``).

    Attributes
    ----------
    hydrophobic, donors, acceptors, positive, negative, halogens : ndarray of int64
    halogen_carbons : ndarray of int64
        The carbon each halogen is bonded to.
    neighbors : list of ndarray
        Bonded heavy atoms of every inhibitor atom (atom indices; empty for hydrogens).
    hydrogens, hydrogen_owner : ndarray of int64
        Hydrogens on donors and the donor position each belongs to.
    rings : ndarray of int64, shape (n_rings, 6)
    has_hydrogens : bool
    inferred_charges : bool
        Whether the charges were inferred at pH 7 (a ligand without hydrogens).
    """

    hydrophobic: np.ndarray
    donors: np.ndarray
    acceptors: np.ndarray
    positive: np.ndarray
    negative: np.ndarray
    halogens: np.ndarray
    halogen_carbons: np.ndarray
    neighbors: list[np.ndarray]
    hydrogens: np.ndarray
    hydrogen_owner: np.ndarray
    rings: np.ndarray
    has_hydrogens: bool
    inferred_charges: bool


def _ionisable(mol) -> tuple[np.ndarray, np.ndarray]:
    """Atoms charged at pH 7 in a neutral drawing: basic amines (the rule of
    :func:`~structkit.model.protonation.protonate_basic_amines`) and the oxygens of carboxylic,
    phosphoric/phosphonic and sulfonic acids. An inhibitor RDKit cannot sanitise (atoms missing
    from a ring in the file) gets no inferred amine charges."""
    from rdkit import rdBase

    n = mol.GetNumAtoms()
    try:
        with rdBase.BlockLogs():
            charged, _ = protonate_basic_amines(mol)
        positive = np.array([a.GetFormalCharge() > 0 for a in charged.GetAtoms()], dtype=bool)[:n]
    except Exception:  # RDKit cannot sanitise an inhibitor with atoms missing from a ring
        positive = np.zeros(n, dtype=bool)
    positive &= np.array([a.GetFormalCharge() == 0 for a in mol.GetAtoms()], dtype=bool)
    negative = np.zeros(n, dtype=bool)
    for atom in mol.GetAtoms():
        # an acid: C(=O)OH, P(=O)OH or S(=O)(=O)OH; every oxygen of the group shares the charge
        if atom.GetSymbol() not in ("C", "P", "S") or atom.GetIsAromatic():
            continue
        bonds = [(b.GetOtherAtom(atom), b.GetBondTypeAsDouble()) for b in atom.GetBonds()]
        double = [o for o, order in bonds if o.GetSymbol() == "O" and order == 2]
        hydroxyl = [o for o, order in bonds if o.GetSymbol() == "O" and order == 1
                    and o.GetDegree() == 1 and o.GetTotalNumHs() == 1]
        if double and hydroxyl and (atom.GetSymbol() != "C" or atom.GetDegree() == 3):
            negative[[o.GetIdx() for o in double + hydroxyl]] = True
    return positive, negative


def ligand_interaction_atoms(inhibitor: Atoms, chemistry: LigandChemistry) -> LigandInteractionAtoms:
    """Type the atoms of an inhibitor for :mod:`structkit.analysis.measure.interactions`.

    Parameters
    ----------
    inhibitor : Atoms
        The inhibitor atoms (hydrogens optional).
    chemistry : LigandChemistry
        Its chemistry, aligned with ``inhibitor.heavy``.
    """
    heavy = np.flatnonzero(~inhibitor.is_hydrogen)
    mol: Any = chemistry.mol
    atoms = list(mol.GetAtoms())
    hydrophobic = np.array([_is_hydrophobic(a) for a in atoms], dtype=bool)
    charge = chemistry.formal_charge
    # a charge paired with an opposite one on a bonded atom (a nitro group) is no ion
    opposite = np.array([any(n.GetFormalCharge() * a.GetFormalCharge() < 0 for n in a.GetNeighbors())
                         for a in atoms], dtype=bool)
    positive = (charge > 0) & ~opposite
    negative = (charge < 0) & ~opposite
    owner = _hydrogen_owners(inhibitor)
    has_h = bool((owner >= 0).any())
    inferred = not has_h
    if inferred:
        plus, minus = _ionisable(mol)
        positive |= plus
        negative |= minus
    halogen = np.array([a.GetSymbol() in ("Cl", "Br", "I") and a.GetDegree() == 1
                        and a.GetNeighbors()[0].GetSymbol() == "C" for a in atoms], dtype=bool)
    halogen_carbon = np.array([heavy[a.GetNeighbors()[0].GetIdx()] for a in atoms if halogen[a.GetIdx()]],
                              dtype=np.int64)
    neighbors: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(inhibitor)
    for k, nb in enumerate(chemistry.neighbors):
        neighbors[heavy[k]] = heavy[nb]
    donor = chemistry.donor.copy()
    acceptor = chemistry.acceptor.copy()
    if has_h:
        on_heavy = np.bincount(owner[owner >= 0], minlength=len(inhibitor))[heavy]
        donor &= on_heavy > 0
        acceptor &= ~((np.array([a.GetSymbol() for a in atoms]) == "N") & (on_heavy > 0))
    donors = heavy[donor]
    hydrogens, hydrogen_owner = _donor_hydrogens(donors, owner)
    return LigandInteractionAtoms(
        hydrophobic=heavy[hydrophobic], donors=donors, acceptors=heavy[acceptor],
        positive=heavy[positive], negative=heavy[negative], halogens=heavy[halogen],
        halogen_carbons=halogen_carbon, neighbors=neighbors, hydrogens=hydrogens,
        hydrogen_owner=hydrogen_owner, rings=pad_rings([heavy[list(r)] for r in chemistry.rings
                                                        if len(r) in (5, 6)]),
        has_hydrogens=has_h, inferred_charges=inferred,
    )
