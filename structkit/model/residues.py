"""Residue vocabularies: amino-acid codes, heavy-atom templates, waters and crystallisation additives.

Sources
-------
- One-letter codes and heavy-atom names of the 20 standard amino acids: the wwPDB Chemical Component
  Dictionary entries of ALA ... VAL (atoms without hydrogens and without the terminal OXT). Checked
  by ``tests/test_residues.py`` against every complete residue of PDB 2XP2.
- Modified amino acids: the CCD ``mon_nstd_parent_comp_id`` of each component listed.
- Additives: a subset of the list of crystallisation artefacts that BioLiP excludes from ligands
  (Yang, Roy and Zhang, Nucleic Acids Res. 2013, 41, D1096), covering every additive in the ALK
  entries of ``structures/catalogue.csv`` (GOL, EDO, COM, SO4 ...) plus common ions and buffers.
"""

from __future__ import annotations

__all__ = [
    "ADDITIVES",
    "HEAVY_ATOMS",
    "MODIFIED_PARENT",
    "ONE_LETTER",
    "THREE_LETTER",
    "WATER_NAMES",
    "one_letter",
]

ONE_LETTER: dict[str, str] = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E", "GLY": "G",
    "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F", "PRO": "P", "SER": "S",
    "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V",
}
THREE_LETTER: dict[str, str] = {v: k for k, v in ONE_LETTER.items()}

MODIFIED_PARENT: dict[str, str] = {
    "MSE": "MET", "PTR": "TYR", "TPO": "THR", "SEP": "SER", "CSO": "CYS", "CME": "CYS",
    "CSD": "CYS", "OCS": "CYS", "CAS": "CYS", "CSS": "CYS", "KCX": "LYS", "MLY": "LYS",
    "M3L": "LYS", "ALY": "LYS", "HIC": "HIS", "NEP": "HIS", "HYP": "PRO", "SCH": "CYS",
}

HEAVY_ATOMS: dict[str, tuple[str, ...]] = {
    "ALA": ("N", "CA", "C", "O", "CB"),
    "ARG": ("N", "CA", "C", "O", "CB", "CG", "CD", "NE", "CZ", "NH1", "NH2"),
    "ASN": ("N", "CA", "C", "O", "CB", "CG", "OD1", "ND2"),
    "ASP": ("N", "CA", "C", "O", "CB", "CG", "OD1", "OD2"),
    "CYS": ("N", "CA", "C", "O", "CB", "SG"),
    "GLN": ("N", "CA", "C", "O", "CB", "CG", "CD", "OE1", "NE2"),
    "GLU": ("N", "CA", "C", "O", "CB", "CG", "CD", "OE1", "OE2"),
    "GLY": ("N", "CA", "C", "O"),
    "HIS": ("N", "CA", "C", "O", "CB", "CG", "ND1", "CD2", "CE1", "NE2"),
    "ILE": ("N", "CA", "C", "O", "CB", "CG1", "CG2", "CD1"),
    "LEU": ("N", "CA", "C", "O", "CB", "CG", "CD1", "CD2"),
    "LYS": ("N", "CA", "C", "O", "CB", "CG", "CD", "CE", "NZ"),
    "MET": ("N", "CA", "C", "O", "CB", "CG", "SD", "CE"),
    "PHE": ("N", "CA", "C", "O", "CB", "CG", "CD1", "CD2", "CE1", "CE2", "CZ"),
    "PRO": ("N", "CA", "C", "O", "CB", "CG", "CD"),
    "SER": ("N", "CA", "C", "O", "CB", "OG"),
    "THR": ("N", "CA", "C", "O", "CB", "OG1", "CG2"),
    "TRP": ("N", "CA", "C", "O", "CB", "CG", "CD1", "CD2", "NE1", "CE2", "CE3", "CZ2", "CZ3", "CH2"),
    "TYR": ("N", "CA", "C", "O", "CB", "CG", "CD1", "CD2", "CE1", "CE2", "CZ", "OH"),
    "VAL": ("N", "CA", "C", "O", "CB", "CG1", "CG2"),
}

WATER_NAMES: frozenset[str] = frozenset({"HOH", "WAT", "H2O", "DOD", "SOL", "TIP", "TIP3"})

ADDITIVES: frozenset[str] = frozenset({
    # cryoprotectants, precipitants, detergents
    "GOL", "EDO", "PEG", "PGE", "PG4", "1PE", "P6G", "MPD", "MRD", "DMS", "DMSO", "ETOH", "EOH",
    "IPA", "BU3", "PE4", "2PE", "12P", "15P", "P33", "BOG", "LDA", "MPG", "TAM",
    # buffers and reductants
    "TRS", "EPE", "MES", "HEPES", "CIT", "FLC", "ACT", "ACY", "FMT", "BME", "DTT", "MLI", "TLA",
    "IMD", "BTB", "B3P", "CAC", "MOH", "COM",
    # ions
    "SO4", "PO4", "CL", "NA", "K", "MG", "MN", "CA", "ZN", "NI", "CO", "CU", "CD", "IOD", "BR",
    "NO3", "NH4", "SCN", "AZI", "LI", "CS", "RB", "SR", "BA", "FE", "FE2", "HG", "YT3",
})


def one_letter(resname: str) -> str:
    """Return the one-letter code of a residue name (modified residues map to their parent).

    Parameters
    ----------
    resname : str
        Three-letter component code.

    Returns
    -------
    str
        One letter, ``"X"`` for anything that is not an amino acid.
    """
    resname = MODIFIED_PARENT.get(resname, resname)
    return ONE_LETTER.get(resname, "X")
