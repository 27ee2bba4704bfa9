"""Inhibitor chemistry: an RDKit molecule with the wwPDB CCD bond orders and the crystal coordinates.

The bond orders, aromaticity and formal charges of a ligand come from its definition in the wwPDB
Chemical Component Dictionary, read offline from the copy that ships with biotite
(``biotite.structure.info``), never typed by hand. The CCD atoms are matched to the structure's
atoms by atom name; the molecule keeps only the heavy atoms the structure has, in the structure's
order, with the structure's coordinates. Donors, acceptors and aromatic rings are RDKit's
(``BaseFeatures.fdef``).

Where the inhibitor's atom names are not its CCD entry's (a KLIFS download names the atoms of
CHK1 3NLB's 5BE ``C1``-``C28`` under the code Q5B; docking tools write ``UNL`` or ``LIG``) and
the structure file's ``CONECT`` records bond every heavy atom, the chemistry is built from those
records instead: bond orders from repeated entries (the convention of PyMOL, Open Babel and
KLIFS), formal charges from the charge columns, with a :class:`~structkit.errors.StructureWarning`
saying so. Without such records it is an error, never a guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from structkit.errors import StructkitError
from structkit.model.atoms import Atoms
from structkit.model.structure_file import LigandRecords

if TYPE_CHECKING:
    from rdkit import Chem


class LoadedInhibitor(Protocol):
    """What :func:`inhibitor_chemistry` reads of a complex (a
    :class:`~structkit.model.complex.Complex` has it; naming the protocol here, not the class,
    keeps this module below the complex)."""

    ligand: str | None
    ligand_mol: Any
    ligand_records: LigandRecords | None
    inhibitor: Atoms

    def chemistry_source(self) -> str | None: ...

__all__ = ["LigandChemistry", "ccd_molecule", "ccd_names_match", "chemistry_from_mol", "has_ccd_molecule",
           "inhibitor_chemistry", "ligand_chemistry", "records_molecule", "remember_ccd_molecule"]


@dataclass(frozen=True)
class LigandChemistry:
    """Per-atom chemistry of an inhibitor, aligned with the inhibitor's heavy atoms.

    Attributes
    ----------
    mol : rdkit.Chem.Mol
        Heavy-atom molecule with CCD bond orders and the crystal coordinates as its conformer.
    donor, acceptor, aromatic : ndarray of bool
        RDKit feature flags of each atom.
    formal_charge : ndarray of int
        CCD formal charges.
    neighbors : list of ndarray
        Bonded heavy-atom indices of each atom.
    rings : list of tuple of int
        Aromatic rings (atom indices).
    smiles : str
        Canonical SMILES of the heavy-atom molecule.
    """

    mol: Chem.Mol
    donor: np.ndarray
    acceptor: np.ndarray
    aromatic: np.ndarray
    formal_charge: np.ndarray
    neighbors: list[np.ndarray]
    rings: list[tuple[int, ...]]
    smiles: str


#: CCD molecules of this process, by code (:func:`ccd_molecule`, :func:`remember_ccd_molecule`).
_CCD_MOLECULES: dict[str, Chem.Mol] = {}


def ccd_molecule(code: str) -> Chem.Mol:
    """The CCD definition of ``code`` as an RDKit molecule (heavy atoms, each with its CCD name in
    the ``_ccd_name`` property), built once per process; callers must not edit it.

    Raises
    ------
    StructkitError
        ``code`` is not in the dictionary.
    """
    found = _CCD_MOLECULES.get(code)
    if found is None:
        found = _CCD_MOLECULES[code] = _biotite_ccd_molecule(code)
    return found


def remember_ccd_molecule(code: str, mol: Chem.Mol) -> None:
    """Give this process the CCD molecule of ``code`` (as :func:`ccd_molecule` built it, for example
    elsewhere and stored), so that it is not built again."""
    _CCD_MOLECULES[code] = mol


def has_ccd_molecule(code: str) -> bool:
    """Whether this process already holds the CCD molecule of ``code``."""
    return code in _CCD_MOLECULES


def _biotite_ccd_molecule(code: str) -> Chem.Mol:
    from biotite.interface import rdkit as biotite_rdkit
    from biotite.structure import info
    from rdkit import Chem

    try:
        residue = info.residue(code)
    except KeyError:
        raise StructkitError(f"ligand {code!r} is not in the wwPDB Chemical Component Dictionary") from None
    mol = biotite_rdkit.to_mol(residue, explicit_hydrogen=True)
    names = [str(n) for n in residue.atom_name]
    for atom, name in zip(mol.GetAtoms(), names):
        atom.SetProp("_ccd_name", name)
    mol = Chem.RemoveHs(mol, sanitize=True)
    return mol


@lru_cache(maxsize=1)
def _feature_factory():
    from rdkit import RDConfig
    from rdkit.Chem import ChemicalFeatures

    return ChemicalFeatures.BuildFeatureFactory(os.path.join(RDConfig.RDDataDir, "BaseFeatures.fdef"))


def ccd_names_match(inhibitor: Atoms, code: str) -> bool:
    """Whether every heavy atom of the inhibitor is named as in its CCD entry (False for an unknown code).

    Parameters
    ----------
    inhibitor : Atoms
        The inhibitor's atoms.
    code : str
        Its CCD code.

    Returns
    -------
    bool
    """
    return _ccd_mismatch(inhibitor.heavy, code) is None


def _ccd_mismatch(heavy: Atoms, code: str) -> str | None:
    """Why the CCD cannot type these heavy atoms (unknown code, or names it lacks); None if it can."""
    try:
        template = ccd_molecule(code.upper())
    except StructkitError as error:
        return str(error)
    names = {a.GetProp("_ccd_name") for a in template.GetAtoms()}
    missing = [n for n in heavy.name.tolist() if n not in names]
    return f"ligand {code}: atoms {', '.join(missing[:5])} are not in its CCD definition" if missing else None


def ligand_chemistry(inhibitor: Atoms, code: str) -> LigandChemistry:
    """Build the inhibitor's chemistry from its CCD definition and its crystal atoms.

    Parameters
    ----------
    inhibitor : Atoms
        The inhibitor atoms of a :class:`~structkit.model.complex.Complex` (hydrogens are ignored).
    code : str
        Its CCD code.

    Returns
    -------
    LigandChemistry
        Aligned with ``inhibitor.heavy``.

    Raises
    ------
    StructkitError
        Unknown CCD code, or structure atoms whose names the CCD entry lacks.
    """
    heavy = inhibitor.heavy
    # keyed by content, never by object: a mutant model's complex shares its inhibitor's atoms
    key = (code.upper(), tuple(heavy.name.tolist()), tuple(heavy.element.tolist()),
           np.ascontiguousarray(heavy.coords, dtype=np.float64).tobytes())
    found = _CHEMISTRY_MEMO.get(key)
    if found is None:
        found = _frozen(_ligand_chemistry(heavy, code))
        if len(_CHEMISTRY_MEMO) >= _CHEMISTRY_MEMO_SIZE:
            _CHEMISTRY_MEMO.pop(next(iter(_CHEMISTRY_MEMO)))
        _CHEMISTRY_MEMO[key] = found
    return found


#: Chemistry of recent inhibitors by content (see :func:`ligand_chemistry`); oldest dropped first.
_CHEMISTRY_MEMO: dict[tuple, LigandChemistry] = {}
_CHEMISTRY_MEMO_SIZE = 32


def _frozen(chemistry: LigandChemistry) -> LigandChemistry:
    """The same chemistry with read-only arrays: a shared value must not be edited in place."""
    for value in (chemistry.donor, chemistry.acceptor, chemistry.aromatic, chemistry.formal_charge,
                  *chemistry.neighbors):
        value.flags.writeable = False
    return chemistry


def _ligand_chemistry(heavy: Atoms, code: str) -> LigandChemistry:
    from rdkit import Chem, rdBase
    from rdkit.Geometry import Point3D

    mismatch = _ccd_mismatch(heavy, code)
    if mismatch is not None:
        raise StructkitError(mismatch)
    template = ccd_molecule(code.upper())
    by_name = {a.GetProp("_ccd_name"): a.GetIdx() for a in template.GetAtoms()}
    keep = [by_name[n] for n in heavy.name.tolist()]
    # the molecule restricted to the observed atoms, in the structure's order
    editable = Chem.RWMol(template)
    drop = sorted(set(range(template.GetNumAtoms())) - set(keep), reverse=True)
    for idx in drop:
        editable.RemoveAtom(idx)
    mol = editable.GetMol()
    order = {a.GetProp("_ccd_name"): a.GetIdx() for a in mol.GetAtoms()}
    mol = Chem.RenumberAtoms(mol, [order[n] for n in heavy.name.tolist()])
    try:
        with rdBase.BlockLogs():  # RDKit would print its complaint about a partial ring to stderr
            Chem.SanitizeMol(mol)
    except Exception:  # an incomplete ligand may not sanitise; keep CCD flags as they are
        mol.UpdatePropertyCache(strict=False)
    conformer = Chem.Conformer(mol.GetNumAtoms())
    for k, (x, y, z) in enumerate(heavy.coords):
        conformer.SetAtomPosition(k, Point3D(float(x), float(y), float(z)))
    mol.RemoveAllConformers()
    mol.AddConformer(conformer, assignId=True)
    return chemistry_from_mol(mol)


def inhibitor_chemistry(complex_: LoadedInhibitor) -> LigandChemistry:
    """The chemistry of a complex's inhibitor: from its ligand file where it has one, else the CCD.

    Parameters
    ----------
    complex_ : Complex
        A complex with an inhibitor.
    """
    if complex_.ligand_mol is not None:
        return chemistry_from_mol(complex_.ligand_mol)
    if complex_.ligand is None:
        raise StructkitError("the complex has no inhibitor, so it has no ligand chemistry")
    heavy = complex_.inhibitor.heavy
    records = complex_.ligand_records
    if records is not None and complex_.chemistry_source() == "CONECT records":
        import warnings

        from structkit.errors import StructureWarning

        warnings.warn(f"{_ccd_mismatch(heavy, complex_.ligand)}: its chemistry is taken from the file's "
                      "CONECT records (bond orders from repeated entries) and charge columns",
                      StructureWarning, stacklevel=2)
        return chemistry_from_mol(records_molecule(heavy, records))
    try:
        return ligand_chemistry(complex_.inhibitor, complex_.ligand)
    except StructkitError as error:
        raise StructkitError(f"{error}; the file has no CONECT records that bond it either "
                             "(give the pose with its chemistry as a ligand file)") from None


def records_molecule(heavy: Atoms, records: LigandRecords) -> Chem.Mol:
    """A heavy-atom RDKit molecule from a file's bonds and charges, with the atoms' coordinates.

    Parameters
    ----------
    heavy : Atoms
        The inhibitor's heavy atoms, in the order of ``records.serial``.
    records : LigandRecords
        Their bonds and formal charges.

    Returns
    -------
    rdkit.Chem.Mol
        Sanitised (implicit hydrogens from valence and charge).

    Raises
    ------
    StructkitError
        Where the bonds and charges do not make a valid molecule.
    """
    from rdkit import Chem, rdBase
    from rdkit.Geometry import Point3D

    index = {serial: k for k, serial in enumerate(records.serial)}
    editable = Chem.RWMol()
    for element, charge in zip(heavy.element.tolist(), records.formal_charge):
        atom = Chem.Atom(element.capitalize())
        atom.SetFormalCharge(int(charge))
        editable.AddAtom(atom)
    kinds = {1: Chem.BondType.SINGLE, 2: Chem.BondType.DOUBLE, 3: Chem.BondType.TRIPLE}
    for a, b, order in records.bonds:
        editable.AddBond(index[a], index[b], kinds[order])
    mol = editable.GetMol()
    try:
        with rdBase.BlockLogs():
            Chem.SanitizeMol(mol)
    except Exception as exc:
        raise StructkitError(f"the inhibitor's CONECT records do not make a valid molecule ({exc})") from None
    conformer = Chem.Conformer(mol.GetNumAtoms())
    for k, (x, y, z) in enumerate(heavy.coords):
        conformer.SetAtomPosition(k, Point3D(float(x), float(y), float(z)))
    mol.AddConformer(conformer, assignId=True)
    return mol


def chemistry_from_mol(mol: Chem.Mol) -> LigandChemistry:
    """Per-atom chemistry of a heavy-atom RDKit molecule (atom order kept).

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        Heavy-atom molecule with bond orders, charges and one conformer.
    """
    from rdkit import Chem

    n = mol.GetNumAtoms()
    donor = np.zeros(n, dtype=bool)
    acceptor = np.zeros(n, dtype=bool)
    for feature in _feature_factory().GetFeaturesForMol(mol):
        ids = list(feature.GetAtomIds())
        if feature.GetFamily() == "Donor":
            donor[ids] = True
        elif feature.GetFamily() == "Acceptor":
            acceptor[ids] = True
    aromatic = np.array([a.GetIsAromatic() for a in mol.GetAtoms()], dtype=bool)
    charge = np.array([a.GetFormalCharge() for a in mol.GetAtoms()], dtype=np.int64)
    neighbors = [np.array([b.GetIdx() for b in a.GetNeighbors()], dtype=np.int64) for a in mol.GetAtoms()]
    rings = [tuple(r) for r in mol.GetRingInfo().AtomRings() if all(aromatic[list(r)])]
    return LigandChemistry(
        mol=mol, donor=donor, acceptor=acceptor, aromatic=aromatic, formal_charge=charge,
        neighbors=neighbors, rings=rings, smiles=Chem.MolToSmiles(mol),
    )
