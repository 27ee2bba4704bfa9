"""The :class:`Complex`: one protein kinase chain, its inhibitor, waters and additives, as arrays.

:func:`build_complex` turns a parsed file into a Complex by applying these policies, in order:

Hydrogens
    Dropped by default (element H or D); ``keep_hydrogens=True`` keeps them.
Alternate locations
    Per residue, the conformer whose atoms have the highest mean occupancy is kept; a tie goes to
    the label that sorts first (``A`` before ``B``). Atoms without a label are always kept. The
    number of atoms that carried a label before the choice is kept per residue.
Zero occupancy
    Kept by default (their coordinates are modelled, not observed) and counted per residue;
    ``zero_occupancy="drop"`` removes them, and the residue then reports them as missing.
Insertion codes
    Residues are keyed by (chain, number, insertion code); a residue with an insertion code is an
    insertion relative to UniProt numbering and gets no UniProt number unless the alignment
    places it.
Chains
    Every polymer chain is mapped to UniProt Q9UM73 (see :mod:`structkit.model.numbering`); the
    chains that map are ALK kinase chains, numbered by UniProt, with the curated ALK KLIFS map.
    Any other chain is aligned to the kinase template (:mod:`structkit.model.klifs`); a chain
    that aligns as a protein kinase domain keeps its author numbering (or, given a reference
    sequence, is renumbered by alignment to it) and takes its KLIFS positions from the structural
    alignment. If the file has no kinase chain, it is an error. The chain used is the one named
    by the caller, else the one whose ATP pocket holds the inhibitor, else the first.
Caps
    Terminal capping groups of prepared models (ACE, NME, NMA, NH2) belong to no residue: they are
    kept with the additives and are never an inhibitor.
Inhibitor
    Candidates are the HETATM groups that are not water, not a known crystallisation additive
    (:data:`structkit.model.residues.ADDITIVES`) and not a modified amino acid of the chain. Each
    copy is scored by the number of its heavy atoms within 4.5 Å of the heavy atoms of the chain's
    KLIFS pocket residues; the copy with the highest score is the inhibitor (ties: more atoms,
    then file order). A copy with no atom in the pocket is not an inhibitor: such a file is
    treated as apo. The caller may name the ligand code; then only copies of that code compete,
    and the file must contain it.
Missing atoms
    Heavy atoms of the standard templates (:data:`structkit.model.residues.HEAVY_ATOMS`, without
    OXT) absent from a residue are listed per residue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from structkit.errors import StructkitError
from structkit.model.atoms import Atoms, atom_per_residue, residue_starts
from structkit.model.conformation import conformational_state
from structkit.model.klifs import KlifsAssignment, assign_klifs
from structkit.model.numbering import (
    N_KLIFS_POSITIONS,
    ChainNumbering,
    Reference,
    author_reference,
    klifs_map,
    klifs_region_of,
    map_chain,
    reference_sequence,
)
from structkit.model.residues import (
    ADDITIVES,
    HEAVY_ATOMS,
    MODIFIED_PARENT,
    ONE_LETTER,
    WATER_NAMES,
    one_letter,
)
from structkit.model.structure_file import LigandRecords, StructureFile

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["CAPS", "Complex", "KinaseChain", "LigandRecords", "ResidueTable", "build_complex",
           "ligand_records"]

POCKET_CONTACT_CUTOFF = 4.5

#: Terminal capping groups of prepared models: neither residues nor ligands.
CAPS: frozenset[str] = frozenset({"ACE", "NME", "NMA", "NH2"})


@dataclass(frozen=True)
class KinaseChain:
    """How one kinase chain of a file is numbered.

    Attributes
    ----------
    numbering : ChainNumbering
        Reference number of each residue.
    reference : Reference
        The reference the numbers refer to (ALK, a user's FASTA, or the chain's own numbering).
    klifs : KlifsAssignment or None
        The structural KLIFS assignment; None for ALK chains (curated map by UniProt number).
    """

    numbering: ChainNumbering
    reference: Reference
    klifs: KlifsAssignment | None

    def klifs_positions(self) -> np.ndarray:
        """KLIFS position (0-85) of each residue of the chain."""
        if self.klifs is None:
            return klifs_map().position_of(self.numbering.uniprot)
        return self.klifs.position


@dataclass(frozen=True)
class ResidueTable:
    """Residue-level view of the protein chain: one entry per residue, in chain order.

    Attributes
    ----------
    start, stop : ndarray of int64
        Atom index range ``[start, stop)`` of each residue in ``Complex.protein``.
    resname, chain, icode : ndarray of str
    resnum : ndarray of int64
        Author residue number.
    uniprot : ndarray of int64
        Reference number (UniProt Q9UM73 for ALK; the reference's or the author's for another
        kinase), -1 where unmapped.
    klifs_position : ndarray of int64
        KLIFS pocket position 1-85, 0 outside the pocket.
    klifs_region : ndarray of str
        KLIFS region, ``""`` outside the pocket.
    wild_type : ndarray of str
        Reference residue (one letter) at the UniProt number, ``""`` where unmapped.
    one_letter : ndarray of str
        Observed residue (one letter).
    n_altloc_atoms, n_zero_occupancy : ndarray of int64
        Atoms that carried an altloc label before the choice; atoms with zero occupancy.
    missing_atoms : list of tuple of str
        Template heavy atoms absent from each residue.
    """

    start: np.ndarray
    stop: np.ndarray
    resname: np.ndarray
    chain: np.ndarray
    resnum: np.ndarray
    icode: np.ndarray
    uniprot: np.ndarray
    klifs_position: np.ndarray
    klifs_region: np.ndarray
    wild_type: np.ndarray
    one_letter: np.ndarray
    n_altloc_atoms: np.ndarray
    n_zero_occupancy: np.ndarray
    missing_atoms: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.start)

    def index_of(self, uniprot_number: int) -> int:
        """Row of the residue with this UniProt number, or -1 if it is not in the structure."""
        hits = np.flatnonzero(self.uniprot == uniprot_number)
        return int(hits[0]) if hits.size else -1

    def index_of_klifs(self, position: int) -> int:
        """Row of the residue at a KLIFS position (1-85), or -1 where it is missing."""
        hits = np.flatnonzero(self.klifs_position == position)
        return int(hits[0]) if hits.size else -1

    def to_frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (one row per residue)."""
        return pd.DataFrame({
            "chain": self.chain, "resnum": self.resnum, "icode": self.icode,
            "resname": self.resname, "one_letter": self.one_letter, "uniprot": self.uniprot,
            "wild_type": self.wild_type,
            "klifs_position": pd.array([int(v) if v > 0 else pd.NA for v in self.klifs_position.tolist()],
                                       dtype="Int64"),
            "klifs_region": self.klifs_region, "n_atoms": self.stop - self.start,
            "n_altloc_atoms": self.n_altloc_atoms, "n_zero_occupancy": self.n_zero_occupancy,
            "missing_atoms": [" ".join(m) for m in self.missing_atoms],
        })


@dataclass
class Complex:
    """One protein kinase chain with its inhibitor, as NumPy arrays.

    Attributes
    ----------
    pdb_id : str or None
        Entry ID (from the request or the file), upper case.
    source : Path or None
        File the complex was read from.
    chain : str
        Author chain ID of the kinase chain.
    protein : Atoms
        Atoms of the kinase chain (polymer residues, modified residues included).
    inhibitor : Atoms
        Atoms of the inhibitor (empty for an apo structure).
    ligand : str or None
        CCD code of the inhibitor.
    waters : Atoms
        Every water molecule of the model.
    additives : Atoms
        Every other HETATM group (additives, ions, other ligand copies, other chains' ligands).
    residues : ResidueTable
        Residue-level view of ``protein`` with UniProt and KLIFS numbering.
    numbering : ChainNumbering
        How the chain was mapped to UniProt.
    metadata : dict
        File format, title, resolution, declared ID, chemical names, engineered mutations.
    other_chains : list of str
        Kinase chains of the file that were not chosen.
    reference : Reference
        The reference sequence the residue numbers refer to (ALK's UniProt sequence, a user's
        FASTA, or the chain's own author numbering).
    kinase : str or None
        Kinase name where known (``ALK``; the reference's name; DBREF or a prepared file's header).
    klifs : KlifsAssignment or None
        Structural KLIFS assignment (other kinases); None for ALK's curated map.
    ligand_mol : rdkit.Chem.Mol or None
        Heavy-atom molecule of the inhibitor read from a ligand file (bond orders and charges from
        the file), atoms in the order of ``inhibitor.heavy``; None for a CCD ligand.
    ligand_source : str or None
        ``"ccd"`` (chemistry from the wwPDB CCD), ``"file"`` (from a ligand file), None if apo.
    ligand_records : LigandRecords or None
        The inhibitor's bonds and formal charges as the structure file's own ``CONECT`` and charge
        columns give them, where its records bond every heavy atom; the chemistry falls back on
        them when the inhibitor's atom names are not its CCD entry's
        (:func:`structkit.model.ligand.inhibitor_chemistry`).
    """

    pdb_id: str | None
    source: Path | None
    chain: str
    protein: Atoms
    inhibitor: Atoms
    ligand: str | None
    waters: Atoms
    additives: Atoms
    residues: ResidueTable
    numbering: ChainNumbering
    metadata: dict = field(default_factory=dict)
    other_chains: list[str] = field(default_factory=list)
    reference: Reference = field(default_factory=reference_sequence)
    kinase: str | None = "ALK"
    klifs: KlifsAssignment | None = None
    ligand_mol: Chem.Mol | None = None
    ligand_source: str | None = None
    ligand_records: LigandRecords | None = None

    @property
    def is_alk(self) -> bool:
        """Whether the chain is numbered by the ALK reference (UniProt Q9UM73)."""
        return self.reference.is_alk

    @property
    def mutations(self) -> list[str]:
        """Substitutions relative to the reference, as ``L1196M`` strings, in sequence order."""
        res = self.residues
        mask = (res.uniprot >= 0) & (res.wild_type != "") & (res.one_letter != res.wild_type)
        return [f"{w}{n}{o}" for w, n, o in
                zip(res.wild_type[mask], res.uniprot[mask], res.one_letter[mask])]

    @property
    def first_residue(self) -> int:
        """Lowest UniProt number in the chain."""
        mapped = self.residues.uniprot[self.residues.uniprot >= 0]
        return int(mapped.min())

    @property
    def last_residue(self) -> int:
        """Highest UniProt number in the chain."""
        mapped = self.residues.uniprot[self.residues.uniprot >= 0]
        return int(mapped.max())

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """Runs of UniProt numbers between the first and last residue that have no coordinates."""
        mapped = np.unique(self.residues.uniprot[self.residues.uniprot >= 0])
        jumps = np.flatnonzero(np.diff(mapped) > 1)
        return [(int(mapped[j] + 1), int(mapped[j + 1] - 1)) for j in jumps]

    @property
    def missing_atoms(self) -> dict[int, tuple[str, ...]]:
        """Missing template heavy atoms per residue (keyed by UniProt number, else author number)."""
        res = self.residues
        return {
            int(u if u >= 0 else n): m
            for u, n, m in zip(res.uniprot, res.resnum, res.missing_atoms) if m
        }

    @property
    def n_altloc_atoms(self) -> int:
        """Atoms of the chain and inhibitor that carried an altloc label in the file."""
        return int(self.residues.n_altloc_atoms.sum()) + int(self.metadata.get("inhibitor_altloc_atoms", 0))

    @property
    def drug(self) -> str | None:
        """Drug name of the inhibitor where it is a named drug, else None."""
        from structkit.catalogue import drug_name

        return drug_name(self.ligand) if self.ligand else None

    def fingerprint(self) -> str:
        """A SHA-256 of everything a computation on this complex can depend on.

        The chain's and the inhibitor's atoms (names, residues, elements, coordinates), the
        inhibitor's chemistry (ligand code, its source, the ligand file's molecule and the
        structure file's bond records), the waters
        and additives, the reference sequence and the KLIFS positions. Two complexes with the same
        fingerprint give the same answer to every structkit computation, so it keys every cache
        that outlives a call (a pose moved by 0.001 Å is another complex).

        Returns
        -------
        str
            64 hexadecimal digits.
        """
        import hashlib

        digest = hashlib.sha256()

        def add(*parts: object) -> None:
            for part in parts:
                if isinstance(part, np.ndarray):
                    digest.update(str(part.dtype).encode())
                    digest.update(np.ascontiguousarray(part).tobytes())
                else:
                    digest.update(repr(part).encode())
                digest.update(b"\x00")

        for atoms in (self.protein, self.inhibitor, self.waters, self.additives):
            add(len(atoms), atoms.coords, atoms.name.astype("U"), atoms.element.astype("U"),
                atoms.resname.astype("U"), atoms.chain.astype("U"), atoms.resnum, atoms.icode.astype("U"))
        mol_block = None
        if self.ligand_mol is not None:
            from rdkit import Chem

            mol_block = Chem.MolToMolBlock(self.ligand_mol)
        add(self.pdb_id, str(self.source), self.chain, self.ligand, self.ligand_source, mol_block,
            repr(self.ligand_records),
            self.kinase, self.reference.first, self.reference.sequence, self.reference.from_structure,
            self.residues.uniprot, self.residues.klifs_position)
        return digest.hexdigest()

    def with_protein(self, protein: Atoms, one_letter: str) -> Complex:
        """A copy with a new protein chain of the same residues (e.g. a mutant model).

        Parameters
        ----------
        protein : Atoms
            The new chain, residue for residue in the same order as ``self.protein``.
        one_letter : str
            Its sequence, one letter per residue.
        """
        from dataclasses import replace

        numbering = replace(self.numbering, one_letter=one_letter)
        had = np.zeros(len(protein), dtype=np.int64)
        starts = residue_starts(protein)
        if len(starts) != len(self.residues):
            raise ValueError("the new protein must have the same residues")
        had[starts] = self.residues.n_altloc_atoms
        return replace(self, protein=protein, numbering=numbering,
                       residues=_residue_table(protein, numbering, had, self.reference,
                                               self.residues.klifs_position,
                                               previous=(self.protein, self.residues)))

    def without_inhibitor(self) -> Complex:
        """A copy with no inhibitor: the receptor a new pose is placed in (waters and additives kept)."""
        from dataclasses import replace

        return replace(self, inhibitor=Atoms.empty(), ligand=None, ligand_mol=None, ligand_source=None,
                       ligand_records=None)

    def residue_atoms(self, uniprot_number: int) -> Atoms:
        """Atoms of the residue with this UniProt number (empty if it is not in the structure)."""
        row = self.residues.index_of(uniprot_number)
        if row < 0:
            return self.protein[np.zeros(0, dtype=np.int64)]
        return self.protein[self.residues.start[row]:self.residues.stop[row]]

    def pocket(self) -> pd.DataFrame:
        """The 85 KLIFS pocket positions in this structure, one row each.

        Columns ``klifs``, ``region``, ``chain``, ``resnum``, ``icode``, ``resname``, ``status``
        (``ok``, ``uncertain`` or ``missing``; see :mod:`structkit.model.klifs`) and
        ``distance_A`` (C-alpha distance to the template after superposition; NaN for ALK's
        curated map and where missing). Residue fields are None where the position is missing.
        """
        res = self.residues
        rows = []
        for k in range(1, N_KLIFS_POSITIONS + 1):
            row = res.index_of_klifs(k)
            if row < 0:
                status, dist = "missing", float("nan")
            elif self.klifs is None:  # ALK's curated map
                status, dist = "ok", float("nan")
            else:
                status, dist = str(self.klifs.status[k - 1]), float(self.klifs.distance[k - 1])
            rows.append({
                "klifs": k, "region": klifs_region_of(k),
                "chain": self.chain if row >= 0 else None,
                "resnum": int(res.resnum[row]) if row >= 0 else None,
                "icode": str(res.icode[row]) if row >= 0 else None,
                "resname": str(res.resname[row]) if row >= 0 else None,
                "status": status, "distance_A": dist,
            })
        frame = pd.DataFrame(rows)
        frame["resnum"] = pd.array([r["resnum"] for r in rows], dtype="Int64")
        return frame

    def chemistry_source(self) -> str | None:
        """Where the inhibitor's chemistry comes from, as :func:`~structkit.model.ligand.inhibitor_chemistry`
        takes it.

        Returns
        -------
        str or None
            ``ligand_source`` (``"ccd"``, ``"file"``, ``"transplanted from ..."``), or
            ``"CONECT records"`` where the atom names are not the CCD entry's and the file's bond
            records describe the inhibitor; None for an apo structure.
        """
        records = self.ligand_records
        if self.ligand_source != "ccd" or records is None or self.ligand is None:
            return self.ligand_source
        if records.serial != tuple(int(s) for s in self.inhibitor.heavy.serial):
            return "ccd"  # the records describe other atoms than this inhibitor's
        from structkit.model.ligand import ccd_names_match

        return "ccd" if ccd_names_match(self.inhibitor, self.ligand) else "CONECT records"

    def summary(self) -> dict:
        """The facts ``structkit info`` prints, as a JSON-ready dict."""
        return {
            "pdb_id": self.pdb_id,
            "source": str(self.source) if self.source else None,
            "format": self.metadata.get("format"),
            "kinase": self.kinase,
            "chain": self.chain,
            "ligand": self.ligand,
            "drug": self.drug,
            "ligand_source": self.chemistry_source(),
            "n_ligand_atoms": int((~self.inhibitor.is_hydrogen).sum()),
            # None where nothing can be read: a chain numbered by its own file has no reference
            "mutations": None if self.reference.from_structure else self.mutations,
            "declared_mutations": self.declared_mutations,
            "first_residue": self.first_residue,
            "last_residue": self.last_residue,
            "n_residues": int((self.residues.uniprot >= 0).sum()),
            "gaps": [list(g) for g in self.gaps],
            "resolution": self.metadata.get("resolution"),
            "n_altloc_atoms": self.n_altloc_atoms,
            "n_residues_missing_atoms": len(self.missing_atoms),
            "missing_atoms": {str(k): list(v) for k, v in self.missing_atoms.items()},
            "n_waters": len(residue_starts(self.waters)),
            "additives": sorted(set(self.additives.resname.tolist())),
            "numbering": self.numbering.method,
            "reference": self.reference.source,
            "gatekeeper": self._gatekeeper(),
            "conformation": conformational_state(self).as_dict(),
            "warnings": list(self.metadata.get("warnings", [])),
        }

    @property
    def declared_mutations(self) -> list[str]:
        """Engineered substitutions the file's own SEQADV records declare for the kinase chain
        (``L858R``), in the file's numbering; empty where the file declares none."""
        from structkit.model.residues import ONE_LETTER

        out = []
        for chain, number, database, found in self.metadata.get("engineered", []):
            wild, new = ONE_LETTER.get(database, ""), ONE_LETTER.get(found, "")
            if chain == self.chain and wild and new and wild != new:
                out.append(f"{wild}{number}{new}")
        return out

    def _gatekeeper(self) -> str | None:
        row = self.residues.index_of_klifs(45)
        if row < 0:
            return None
        number = int(self.residues.uniprot[row]) if self.residues.uniprot[row] >= 0 else int(
            self.residues.resnum[row])
        return f"{self.residues.one_letter[row]}{number}"


def build_complex(
    parsed: StructureFile,
    *,
    pdb_id: str | None = None,
    ligand: str | None = None,
    chain: str | None = None,
    keep_hydrogens: bool = False,
    zero_occupancy: str = "keep",
    reference: Reference | None = None,
) -> Complex:
    """Apply the module's policies to a parsed file and return the Complex.

    Parameters
    ----------
    parsed : StructureFile
        Output of :func:`structkit.io.read.read_structure`.
    pdb_id : str, optional
        Entry ID to record; defaults to the ID the file declares.
    ligand : str, optional
        CCD code of the inhibitor to use; the file must contain it.
    chain : str, optional
        Author chain ID of the kinase chain to use.
    keep_hydrogens : bool
        Keep hydrogen atoms (dropped by default).
    zero_occupancy : {"keep", "drop"}
        What to do with atoms of zero occupancy.
    reference : Reference, optional
        Reference sequence to number a non-ALK kinase chain by (default: its author numbering).

    Returns
    -------
    Complex

    Raises
    ------
    StructkitError
        No kinase chain, an unknown chain, or a named ligand the file lacks.
    """
    label = str(parsed.path) if parsed.path else (pdb_id or "<structure>")
    if zero_occupancy not in ("keep", "drop"):
        raise StructkitError(f"zero_occupancy must be 'keep' or 'drop', not {zero_occupancy!r}")
    atoms = parsed.atoms
    if not keep_hydrogens:
        atoms = atoms[~atoms.is_hydrogen]
    altloc_labelled = atoms.altloc != ""
    atoms, had_altloc = _resolve_altlocs(atoms, altloc_labelled)
    if zero_occupancy == "drop":
        keep = atoms.occupancy > 0
        atoms, had_altloc = atoms[keep], had_altloc[keep]

    water = np.isin(atoms.resname, list(WATER_NAMES))
    polymer = (~atoms.hetero | np.isin(atoms.resname, list(MODIFIED_PARENT))) & ~water
    polymer &= np.isin(atoms.resname, list(ONE_LETTER) + list(MODIFIED_PARENT))
    het = ~polymer & ~water

    chains = _kinase_chains(atoms, polymer, reference)
    if not chains:
        if reference is not None and not reference.is_alk:
            raise StructkitError(
                f"{label}: no protein kinase chain found that maps to the reference {reference.source}"
            )
        raise StructkitError(
            f"{label}: no protein kinase chain found (no chain maps to ALK, UniProt Q9UM73, or "
            "aligns to the kinase-domain template)"
        )
    if chain is not None and chain not in chains:
        known = ", ".join(sorted(chains))
        raise StructkitError(f"{label}: chain {chain!r} is not a kinase chain (kinase chains: {known})")

    caps = het & np.isin(atoms.resname, list(CAPS))
    groups = _het_groups(atoms, het & ~caps)
    if ligand is not None:
        ligand = ligand.upper()
        if not any(atoms.resname[idx[0]] == ligand for idx in groups):
            present = sorted({atoms.resname[idx[0]] for idx in groups} - ADDITIVES)
            raise StructkitError(
                f"{label}: has no ligand {ligand!r} (ligands in the file: {', '.join(present) or 'none'})"
            )
        candidates = [idx for idx in groups if atoms.resname[idx[0]] == ligand]
    else:
        candidates = [idx for idx in groups if atoms.resname[idx[0]] not in ADDITIVES]

    chain_order = [c for c in chains if chain is None or c == chain]
    best = None  # (score, n_atoms, -order, chain, group index)
    for c in chain_order:
        pocket = _pocket_atoms(atoms, polymer, c, chains[c])
        for order, idx in enumerate(candidates):
            score = _contact_count(atoms.coords[idx], pocket)
            if score == 0 and ligand is None:
                continue
            key = (score, len(idx), -order)
            if best is None or key > best[0]:
                best = (key, c, order)
    if best is not None:
        chosen_chain, inhibitor_idx = best[1], candidates[best[2]]
    else:
        chosen_chain, inhibitor_idx = chain_order[0], np.zeros(0, dtype=np.int64)

    protein_mask = polymer & (atoms.chain == chosen_chain)
    inhibitor_mask = np.zeros(len(atoms), dtype=bool)
    inhibitor_mask[inhibitor_idx] = True
    protein = atoms[protein_mask]
    kinase_chain = chains[chosen_chain]
    numbering = kinase_chain.numbering
    residues = _residue_table(protein, numbering, had_altloc[protein_mask], kinase_chain.reference,
                              kinase_chain.klifs_positions())
    inhibitor = atoms[inhibitor_mask]
    metadata: dict[str, Any] = {
        "format": parsed.format,
        "title": parsed.title,
        "resolution": parsed.resolution,
        "declared_id": parsed.id_code,
        "het_names": parsed.het_names,
        "engineered": parsed.engineered,
        "seqres": parsed.seqres,
        "inhibitor_altloc_atoms": int(had_altloc[inhibitor_idx[0]]) if len(inhibitor_idx) else 0,
        "warnings": [],
    }
    if not len(inhibitor_idx) and parsed.unterminated:
        metadata["warnings"].append(
            f"no inhibitor found, but {parsed.unterminated}: if the file was cut, its ligand records "
            "may be missing"
        )
    return Complex(
        pdb_id=(pdb_id or parsed.id_code),
        source=parsed.path,
        chain=chosen_chain,
        protein=protein,
        inhibitor=inhibitor,
        ligand=str(inhibitor.resname[0]) if len(inhibitor) else None,
        waters=atoms[water],
        additives=atoms[het & ~inhibitor_mask],
        residues=residues,
        numbering=numbering,
        metadata=metadata,
        other_chains=[c for c in chains if c != chosen_chain],
        reference=kinase_chain.reference,
        kinase=_kinase_name(kinase_chain.reference, parsed, chosen_chain),
        klifs=kinase_chain.klifs,
        ligand_source=("ccd" if len(inhibitor_idx) else None),
        ligand_records=ligand_records(inhibitor, parsed),
    )


def ligand_records(inhibitor: Atoms, parsed: StructureFile) -> LigandRecords | None:
    """The inhibitor's bonds and charges from ``CONECT`` records, or None where they do not bond it.

    Parameters
    ----------
    inhibitor : Atoms
        The inhibitor's atoms (hydrogens are ignored).
    parsed : StructureFile
        The file it was read from.

    Returns
    -------
    LigandRecords or None
        None unless every heavy atom of a multi-atom inhibitor has a bond in the records and no
        pair is listed more than three times.
    """
    heavy = inhibitor.heavy
    if len(heavy) < 2 or not len(parsed.conect):
        return None
    serials = heavy.serial.astype(np.int64)
    inside = np.isin(parsed.conect, serials).all(axis=1)
    pairs = parsed.conect[inside]
    if not len(pairs):
        return None
    listed, counts = np.unique(pairs, axis=0, return_counts=True)
    order: dict[tuple[int, int], int] = {}
    for (a, b), n in zip(listed.tolist(), counts.tolist()):
        if a == b:
            return None
        key = (min(a, b), max(a, b))
        order[key] = max(order.get(key, 0), n)
    if max(order.values()) > 3 or not np.isin(serials, np.array(list(order))).all():
        return None
    return LigandRecords(
        serial=tuple(int(s) for s in serials),
        bonds=tuple((a, b, n) for (a, b), n in sorted(order.items())),
        formal_charge=tuple(parsed.formal_charge.get(int(s), 0) for s in serials),
    )


def _kinase_name(reference: Reference, parsed: StructureFile, chain: str) -> str | None:
    if reference.is_alk:
        return "ALK"
    if reference.name and not reference.from_structure:
        return reference.name
    names = parsed.protein_names
    return names.get(chain) or names.get("") or None


def _resolve_altlocs(atoms: Atoms, labelled: np.ndarray) -> tuple[Atoms, np.ndarray]:
    """Keep one conformer per residue (highest mean occupancy, ties to the first label).

    Returns the selected atoms and, per atom, how many labelled atom records its residue had.
    """
    if not labelled.any():
        return atoms, np.zeros(len(atoms), dtype=np.int64)
    starts = residue_starts(atoms)
    residue_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(atoms))))
    keep = ~labelled
    had = np.zeros(len(atoms), dtype=np.int64)
    for r in np.unique(residue_of[labelled]):
        in_res = residue_of == r
        idx = np.flatnonzero(in_res & labelled)
        labels = atoms.altloc[idx]
        occ = atoms.occupancy[idx]
        options = sorted(set(labels.tolist()))
        means = [occ[labels == lab].mean() for lab in options]
        chosen = options[int(np.argmax(means))]  # argmax takes the first of equal maxima
        keep[idx[labels == chosen]] = True
        had[in_res] = idx.size
    # a residue may also list an unlabelled copy of an atom it labels: keep the first only
    selected = atoms[keep]
    had = had[keep]
    sel_starts = residue_starts(selected)
    residue_of = np.repeat(np.arange(len(sel_starts)), np.diff(np.append(sel_starts, len(selected))))
    key = np.char.add(residue_of.astype(str), np.char.add("|", selected.name))
    _, first = np.unique(key, return_index=True)
    unique = np.zeros(len(selected), dtype=bool)
    unique[first] = True
    return selected[unique], had[unique]


def _kinase_chains(atoms: Atoms, polymer: np.ndarray, reference: Reference | None) -> dict[str, KinaseChain]:
    """Map every polymer chain; return the kinase chains in file order (see the module policy)."""
    out: dict[str, KinaseChain] = {}
    all_polymer = atoms[polymer]
    for c in dict.fromkeys(all_polymer.chain.tolist()):
        # residues are delimited within the chain's own atoms, as for the chosen chain's protein
        poly = all_polymer[all_polymer.chain == c]
        rows = residue_starts(poly)
        stops = np.append(rows[1:], len(poly))
        names, nums, icodes = poly.resname[rows], poly.resnum[rows], poly.icode[rows]
        if reference is None or reference.is_alk:
            numbering = map_chain(names, nums, icodes)
            if numbering.is_alk:
                out[c] = KinaseChain(numbering, reference_sequence(), None)
                continue
        ca = atom_per_residue(poly, rows, stops)
        if np.isfinite(ca).all(axis=1).sum() < 3:  # no trace to align (a stray atom's chain)
            continue
        sequence = "".join(one_letter(r) for r in names)
        assignment = assign_klifs(ca, sequence, nums)
        if not assignment.is_kinase:
            continue
        if reference is not None and not reference.is_alk:
            numbering = map_chain(names, nums, icodes, reference)
            if not numbering.matches:
                continue
            chain_reference = reference
        else:
            chain_reference = author_reference(names, nums, icodes)
            mapped = np.where(icodes == "", nums, -1).astype(np.int64)
            numbering = ChainNumbering(mapped, sequence, 1.0, int((mapped >= 0).sum()), "author", 0)
        out[c] = KinaseChain(numbering, chain_reference, assignment)
    return out


def _het_groups(atoms: Atoms, het: np.ndarray) -> list[np.ndarray]:
    """Atom indices of each HETATM group (one residue of one copy), in file order."""
    idx = np.flatnonzero(het)
    if idx.size == 0:
        return []
    sub = atoms[idx]
    starts = residue_starts(sub)
    bounds = np.append(starts, len(sub))
    return [idx[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _pocket_atoms(atoms: Atoms, polymer: np.ndarray, chain: str, kinase_chain: KinaseChain) -> np.ndarray:
    """Coordinates of the heavy atoms of the chain's KLIFS pocket residues."""
    sel = polymer & (atoms.chain == chain)
    sub = atoms[sel]
    starts = residue_starts(sub)
    sizes = np.diff(np.append(starts, len(sub)))
    per_atom_position = np.repeat(kinase_chain.klifs_positions(), sizes)
    pocket = (per_atom_position > 0) & ~sub.is_hydrogen
    return sub.coords[pocket]


def _contact_count(ligand_xyz: np.ndarray, pocket_xyz: np.ndarray) -> int:
    """Number of ligand atoms within the contact cut-off of any pocket atom."""
    if len(ligand_xyz) == 0 or len(pocket_xyz) == 0:
        return 0
    d2 = ((ligand_xyz[:, None, :] - pocket_xyz[None, :, :]) ** 2).sum(axis=-1)
    return int((d2.min(axis=1) <= POCKET_CONTACT_CUTOFF**2).sum())


def _unchanged_rows(protein: Atoms, starts: np.ndarray, stops: np.ndarray, resname: np.ndarray,
                    before: Atoms, table: ResidueTable) -> np.ndarray:
    """Residues whose name and atom names are those of the same row of an earlier chain."""
    lengths, old_lengths = stops - starts, table.stop - table.start
    same = (lengths == old_lengths) & (resname == table.resname)
    rows = np.arange(len(starts))
    row_of_new = np.repeat(rows, lengths)
    new_atoms = same[row_of_new]
    old_atoms = same[np.repeat(rows, old_lengths)]
    differs = protein.name[new_atoms] != before.name[old_atoms]
    same[row_of_new[new_atoms][differs]] = False
    return same


def _residue_table(protein: Atoms, numbering: ChainNumbering, had_altloc: np.ndarray,
                   reference: Reference, positions: np.ndarray,
                   previous: tuple[Atoms, ResidueTable] | None = None) -> ResidueTable:
    """The residue table of a chain; ``previous`` (an earlier chain of the same residues and
    numbering, and its table) lets residues whose atoms are unchanged keep their entries."""
    starts = residue_starts(protein)
    stops = np.append(starts[1:], len(protein))
    resname = protein.resname[starts]
    uniprot = numbering.uniprot
    unchanged = (np.zeros(len(starts), dtype=bool) if previous is None else
                 _unchanged_rows(protein, starts, stops, resname, *previous))
    missing = []
    for row, (a, b, name) in enumerate(zip(starts.tolist(), stops.tolist(), resname.tolist())):
        if unchanged[row]:
            missing.append(previous[1].missing_atoms[row])  # type: ignore[index]
            continue
        template = HEAVY_ATOMS.get(MODIFIED_PARENT.get(name, name), ())
        present = set(protein.name[a:b].tolist())
        missing.append(tuple(x for x in template if x not in present))
    if previous is not None:  # the same positions and numbers: the same regions and wild types
        klifs_region, wild_type = previous[1].klifs_region, previous[1].wild_type
    else:
        klifs_region = np.array([klifs_region_of(int(p)) for p in positions])
        wild_type = np.array([reference.residue(int(u)) if u >= 0 else "" for u in uniprot])
    counts = np.add.reduceat
    return ResidueTable(
        start=starts,
        stop=stops,
        resname=resname,
        chain=protein.chain[starts],
        resnum=protein.resnum[starts],
        icode=protein.icode[starts],
        uniprot=uniprot,
        klifs_position=np.asarray(positions, dtype=np.int64),
        klifs_region=klifs_region,
        wild_type=wild_type,
        one_letter=np.array(list(numbering.one_letter)),
        n_altloc_atoms=had_altloc[starts],
        n_zero_occupancy=counts((protein.occupancy <= 0).astype(np.int64), starts) if len(starts) else starts,
        missing_atoms=missing,
    )
