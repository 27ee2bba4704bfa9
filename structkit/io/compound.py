"""A new compound from a SMILES or a 2D/3D file: its chemistry, checked, with what was assumed stated.

Rules (:func:`read_compound`):

- **Input.** A SMILES string, or a ``.sdf``/``.mol``/``.mol2``/``.pdb`` file (its first molecule; only
  its bonds, charges and stereo are read, never its coordinates). ``NAME=`` in front names it.
- **Salts and solvents.** A multi-fragment input keeps its largest organic fragment (most heavy
  atoms) and says which it dropped.
- **Protonation and tautomer** are the ones drawn: nothing is enumerated or changed, and the net
  formal charge is stated. (A drawn charge is scored as drawn; Vina ignores charges.)
- **Stereo** is kept where drawn. Undefined stereocentres and double bonds are stated; the pose
  fixes one arrangement (the template's where it covers the centre) and the written pose carries it.
- **Refused**, one line each: an unparseable SMILES or file, no heavy atom, no carbon, an element outside
  H B C N O F Si P S Cl Se Br I (a metal complex, which neither the embedding nor the scoring
  functions describe), more than 150 heavy atoms (not a small molecule), and a covalent warhead
  (acrylamide, propiolamide, vinyl sulfone/sulfonamide, chloro-/fluoroacetamide, cyanoacrylamide,
  epoxide, aziridine, boronic acid, sulfonyl fluoride): its bond to the protein cannot be modelled
  by non-covalent posing, so its pose and ddG would be quietly wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from structkit.errors import StructkitError
from structkit.io.ligand_file import LIGAND_SUFFIXES

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["ALLOWED_ELEMENTS", "COVALENT_WARHEADS", "MAX_HEAVY_ATOMS", "Compound", "read_compound",
           "split_named"]

#: Elements a compound may contain.
ALLOWED_ELEMENTS = frozenset({"H", "B", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Se", "Br", "I"})
#: The largest compound posed (heavy atoms).
MAX_HEAVY_ATOMS = 150
#: Covalent warheads refused, as SMARTS: name -> pattern (the reactive atoms matched).
COVALENT_WARHEADS = {
    "acrylamide": "[CH2]=[CH1,CX3]-C(=O)[N,O]",
    "crotonamide": "[CX3;H1](-[#6])=[CH1]-C(=O)N",
    "propiolamide": "[C]#[C]-C(=O)N",
    "cyanoacrylamide": "C=C(C#N)C(=O)N",
    "vinyl sulfone or sulfonamide": "C=C-S(=O)(=O)",
    "haloacetamide": "[Cl,Br,I,F][CH2]C(=O)N",
    "epoxide": "C1OC1",
    "aziridine": "C1NC1",
    "boronic acid": "B(O)O",
    "sulfonyl fluoride": "S(=O)(=O)F",
}


@dataclass(frozen=True)
class Compound:
    """A compound to pose: its chemistry (no coordinates) and what was assumed about it.

    Attributes
    ----------
    name : str
        Given name (``NAME=``), else the file's title or stem, else ``"compound"``.
    mol : rdkit.Chem.Mol
        Sanitised molecule with explicit hydrogens, no conformer.
    smiles : str
        Canonical isomeric SMILES of the heavy-atom molecule.
    source : str
        ``"SMILES"`` or the file path.
    notes : tuple of str
        Statements on fragments, protonation, tautomer and stereo.
    """

    name: str
    mol: Chem.Mol = field(repr=False)
    smiles: str
    source: str
    notes: tuple[str, ...] = ()

    @property
    def n_heavy(self) -> int:
        """Heavy atoms."""
        return int(sum(a.GetAtomicNum() > 1 for a in self.mol.GetAtoms()))

    @property
    def formal_charge(self) -> int:
        """Net formal charge as drawn."""
        from rdkit import Chem

        return int(Chem.GetFormalCharge(self.mol))


def split_named(text: str) -> tuple[str | None, str]:
    """``"NAME=SMILES_OR_FILE"`` -> ``(NAME, rest)``; no name -> ``(None, text)``.

    A SMILES may itself hold ``=`` (double bonds): only a prefix made of letters, digits, ``-``,
    ``_`` and ``.`` before the first ``=``, followed by something, is a name, and a prefix that is
    itself a valid SMILES atom run (``C=C``) is not taken as one when what follows is not a file.
    """
    head, sep, rest = text.partition("=")
    if not sep or not head or not rest:
        return None, text
    if not all(ch.isalnum() or ch in "-_." for ch in head):
        return None, text
    if Path(rest).expanduser().suffix.lower() in LIGAND_SUFFIXES:
        return head, rest
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
    try:
        whole_is_smiles = Chem.MolFromSmiles(text) is not None
    finally:
        RDLogger.EnableLog("rdApp.*")  # type: ignore[attr-defined]
    return (None, text) if whole_is_smiles else (head, rest)


def read_compound(text: str | os.PathLike, name: str | None = None) -> Compound:
    """Read and check a compound given as SMILES or as a molecule file.

    Parameters
    ----------
    text : str or path
        A SMILES, a file path, or either after ``NAME=``.
    name : str, optional
        The compound's name (overrides ``NAME=``).

    Returns
    -------
    Compound

    Raises
    ------
    StructkitError
        One line naming the input: unparseable, no heavy atom, a disallowed element, too large, or
        a covalent warhead (see the module rules).
    """
    from rdkit import Chem, RDLogger

    if not isinstance(text, (str, os.PathLike)) or not os.fspath(text).strip():
        raise StructkitError(f"compound: expected a SMILES or a molecule file, got {text!r}")
    given_name, body = split_named(os.fspath(text).strip())
    label = body if len(body) <= 60 else body[:57] + "..."
    path = Path(body).expanduser()
    is_file = path.suffix.lower() in LIGAND_SUFFIXES
    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
    try:
        if is_file:
            mol, title = _read_file(path)
            source = str(path)
        else:
            mol = Chem.MolFromSmiles(body)
            if mol is None:
                raise StructkitError(f"compound {label!r}: not a valid SMILES (RDKit cannot parse it) "
                                     "and not a .sdf/.mol/.mol2/.pdb file")
            title, source = "", "SMILES"
    finally:
        RDLogger.EnableLog("rdApp.*")  # type: ignore[attr-defined]
    final_name = name or given_name or title or (path.stem if is_file else "compound")
    mol, notes = _checked(mol, f"compound {name or given_name or label!r}")
    heavy = Chem.RemoveHs(mol)
    notes += _state_chemistry(heavy)
    return Compound(name=final_name, mol=Chem.AddHs(heavy), smiles=Chem.MolToSmiles(heavy),
                    source=source, notes=tuple(notes))


def _read_file(path: Path) -> tuple[Chem.Mol, str]:
    from rdkit import Chem

    if not path.is_file():
        raise StructkitError(f"{path}: no such compound file")
    suffix = path.suffix.lower()
    if suffix in (".sdf", ".sd"):
        mol = next(iter(Chem.SDMolSupplier(str(path), removeHs=False)), None)
    elif suffix == ".mol":
        mol = Chem.MolFromMolFile(str(path), removeHs=False)
    elif suffix == ".mol2":
        mol = Chem.MolFromMol2File(str(path), removeHs=False)
    else:
        mol = Chem.MolFromPDBFile(str(path), removeHs=False)
    if mol is None or mol.GetNumAtoms() == 0:
        raise StructkitError(f"{path}: RDKit cannot read a molecule from this file")
    if mol.GetNumConformers() and mol.GetConformer().Is3D():
        Chem.AssignStereochemistryFrom3D(mol)
    title = mol.GetProp("_Name").strip() if mol.HasProp("_Name") else ""
    mol.RemoveAllConformers()
    return mol, title


def _checked(mol: Chem.Mol, label: str) -> tuple[Chem.Mol, list[str]]:
    from rdkit import Chem

    notes: list[str] = []
    fragments = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=True)
    if len(fragments) > 1:
        def heavy_count(m: Chem.Mol) -> int:
            return sum(a.GetAtomicNum() > 1 for a in m.GetAtoms())

        ranked = sorted(fragments, key=lambda m: (-heavy_count(m), Chem.MolToSmiles(m)))
        mol = ranked[0]
        dropped = ", ".join(Chem.MolToSmiles(m) for m in ranked[1:])
        notes.append(f"largest fragment kept; dropped {dropped}")
    elements = sorted({a.GetSymbol() for a in mol.GetAtoms()})
    if not any(a.GetAtomicNum() > 1 for a in mol.GetAtoms()):
        raise StructkitError(f"{label}: the molecule has no heavy atom")
    if "C" not in elements:
        raise StructkitError(f"{label}: the molecule has no carbon (an ion or an inorganic species, not a "
                             "compound to pose)")
    foreign = [e for e in elements if e not in ALLOWED_ELEMENTS]
    if foreign:
        raise StructkitError(
            f"{label}: contains {', '.join(foreign)} (a metal or an element the posing and scoring "
            "cannot describe); structkit poses organic compounds only"
        )
    n_heavy = sum(a.GetAtomicNum() > 1 for a in mol.GetAtoms())
    if n_heavy > MAX_HEAVY_ATOMS:
        raise StructkitError(f"{label}: {n_heavy} heavy atoms is not a small molecule "
                             f"(at most {MAX_HEAVY_ATOMS})")
    for warhead, smarts in COVALENT_WARHEADS.items():
        if mol.HasSubstructMatch(Chem.MolFromSmarts(smarts)):
            raise StructkitError(
                f"{label}: carries a covalent warhead ({warhead}); its bond to the protein cannot be "
                "modelled by non-covalent posing (give the reversible analogue, e.g. the saturated amide)"
            )
    return mol, notes


def _state_chemistry(heavy: Chem.Mol) -> list[str]:
    from rdkit import Chem

    charge = Chem.GetFormalCharge(heavy)
    notes = [f"protonation and tautomer as drawn (net charge {charge:+d}; nothing enumerated)"]
    stereo = list(Chem.FindPotentialStereo(Chem.Mol(heavy)))
    unspecified = Chem.StereoSpecified.Unspecified
    atoms = [s.centeredOn for s in stereo
             if s.type == Chem.StereoType.Atom_Tetrahedral and s.specified == unspecified]
    bonds = [s.centeredOn for s in stereo
             if s.type == Chem.StereoType.Bond_Double and s.specified == unspecified]
    kept = len(stereo) - len(atoms) - len(bonds)
    if atoms or bonds:
        parts = []
        if atoms:
            parts.append(f"{len(atoms)} undefined stereocentre(s) (atoms {', '.join(map(str, atoms))})")
        if bonds:
            parts.append(f"{len(bonds)} double bond(s) of undefined geometry")
        notes.append(f"{'; '.join(parts)}: the pose fixes one arrangement, written in its SDF")
    if kept:
        notes.append(f"{kept} stereo element(s) kept as drawn")
    return notes
