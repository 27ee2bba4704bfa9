"""ProLIF as the independent reference for interaction typing (a test helper, not a test).

Both tools read the same files: a protein with hydrogens (the ABL1 benchmark's prepared complexes,
or an ALK chain protonated here by PDBFixer at pH 7) and the ligand with hydrogens (its SDF, or
the CCD molecule with its basic amines charged as at pH 7 and hydrogens placed by RDKit).
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from pathlib import Path

import numpy as np

from structkit.energy.prepare import seeded_hydrogens

#: ProLIF interaction class -> our type (ProLIF names the ligand's role, we name the protein's).
PROLIF_TO_OURS = {
    "Hydrophobic": "hydrophobic", "HBDonor": "hbond_acceptor", "HBAcceptor": "hbond_donor",
    "Cationic": "ionic_negative", "Anionic": "ionic_positive", "CationPi": "pi_cation",
    "PiCation": "cation_pi", "FaceToFace": "face_to_face", "EdgeToFace": "edge_to_face",
    "XBDonor": "halogen_bond",
}


def protein_block(path: str | Path) -> str:
    """The ATOM records of a prepared complex without its caps (waters, ligand and caps left out)."""
    lines = [line for line in Path(path).read_text().splitlines()
             if line.startswith("ATOM") and line[17:20] not in ("ACE", "NME")]
    return "\n".join(lines) + "\nEND\n"


def _protein_mol(protein_pdb: str):
    """RDKit's reading of a PDB block with hydrogens, carboxylates charged as the hydrogens say.

    RDKit's PDB reader draws an ASP/GLU carboxylate (or a C-terminus) that carries no hydrogen as
    an acid with an implicit one; MDAnalysis's RDKit converter, which ProLIF's documentation
    uses, infers the charge from the explicit hydrogens instead. This does the same.
    """
    from rdkit import Chem

    mol = Chem.RWMol(Chem.MolFromPDBBlock(protein_pdb, removeHs=False))
    for atom in mol.GetAtoms():
        if atom.GetSymbol() != "O" or atom.GetDegree() != 1 or atom.GetNumImplicitHs() == 0:
            continue
        carbon = atom.GetNeighbors()[0]
        if sum(n.GetSymbol() == "O" for n in carbon.GetNeighbors()) == 2:
            atom.SetFormalCharge(-1)
            atom.SetNoImplicit(True)
            atom.SetNumExplicitHs(0)
    mol = mol.GetMol()
    Chem.SanitizeMol(mol)
    return mol


def prolif_pairs(protein_pdb: str, ligand_mol) -> set[tuple[int, str]]:
    """(residue number, our type) pairs ProLIF finds between a protein PDB block and a ligand."""
    import prolif
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    protein = prolif.Molecule.from_rdkit(_protein_mol(protein_pdb))
    ligand = prolif.Molecule.from_rdkit(ligand_mol)
    fp = prolif.Fingerprint(list(PROLIF_TO_OURS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp.run_from_iterable([ligand], protein, progress=False, n_jobs=1)
    frame = fp.to_dataframe()
    out = set()
    for column in frame.columns:
        if frame[column].iloc[0]:
            _, residue, kind = column
            out.add((prolif.ResidueId.from_string(residue).number, PROLIF_TO_OURS[kind]))
    return out


def protonated_alk_files(complex_, folder: Path) -> tuple[Path, Path]:
    """The complex's chain protonated by OpenMM (pH 7; residues that lack atoms are left out rather
    than rebuilt) and its inhibitor with hydrogens, as ``protein.pdb`` and ``ligand.sdf``."""
    from openmm import app
    from pdbfixer import PDBFixer
    from rdkit import Chem

    from structkit.io.write import pdb_text
    from structkit.model.atoms import Atoms
    from structkit.model.ligand import inhibitor_chemistry
    from structkit.model.protonation import protonate_basic_amines

    incomplete = {(complex_.chain, number) for number in complex_.missing_atoms}
    bare = dataclasses.replace(complex_, inhibitor=Atoms.empty())
    chain = "\n".join(line for line in pdb_text(bare).splitlines() if line.startswith("ATOM")
                      and (line[21], int(line[22:26])) not in incomplete)  # no atoms to invent
    # addHydrogens starts each hydrogen from a position drawn from Python's global random and
    # minimises on the fastest platform: seeded and on the Reference platform, as the package's own
    # preparation does, the same file gives the same hydrogens (a hydroxyl's H otherwise turns
    # between runs and one hydrogen bond comes and goes)
    import openmm

    reference = openmm.Platform.getPlatformByName("Reference")
    fixer = PDBFixer(pdbfile=io.StringIO(chain + "\nEND\n"), platform=reference)
    modeller = app.Modeller(fixer.topology, fixer.positions)
    with seeded_hydrogens():
        modeller.addHydrogens(pH=7.0, platform=reference)
    out = io.StringIO()
    app.PDBFile.writeFile(modeller.topology, modeller.positions, out, keepIds=True)
    mol, _ = protonate_basic_amines(inhibitor_chemistry(complex_).mol)
    mol = Chem.AddHs(mol, addCoords=True)
    protein = folder / "protein.pdb"
    ligand = folder / "ligand.sdf"
    protein.write_text(out.getvalue())
    Chem.MolToMolFile(mol, str(ligand))
    return protein, ligand


#: Protein carbons ProLIF's hydrophobic SMARTS leaves out: methyls and proline's ring methylenes.
PROLIF_EXCLUDED_PROTEIN = {
    "ALA": {"CB"}, "VAL": {"CG1", "CG2"}, "LEU": {"CD1", "CD2"}, "ILE": {"CG2", "CD1"},
    "THR": {"CG2"}, "MET": {"CE"}, "PRO": {"CB", "CG"},
}


def prolif_like_context(ctx):
    """An interaction context whose hydrophobic atoms follow ProLIF 2.2's SMARTS: no methyl carbons,
    no sp3 ring methylenes (ProLIF lists ``X4H2R0``, ``X4H1`` and ``X4H0`` but not ``X4H3`` or a
    ring ``X4H2``) and no chlorine (its list has Br and I): the systematic difference from our
    (PLIP's) rule."""
    from structkit.model.ligand import inhibitor_chemistry

    protein = ctx.complex_.protein
    keep = np.array([protein.name[k] not in PROLIF_EXCLUDED_PROTEIN.get(protein.resname[k], ())
                     for k in ctx.protein.hydrophobic], dtype=bool)
    heavy = np.flatnonzero(~ctx.complex_.inhibitor.is_hydrogen)
    mol = inhibitor_chemistry(ctx.complex_).mol
    dropped = set()
    for atom in mol.GetAtoms():
        if atom.GetSymbol() == "Cl":  # ProLIF counts Br and I, not Cl
            dropped.add(int(heavy[atom.GetIdx()]))
        if atom.GetSymbol() != "C" or atom.GetIsAromatic():
            continue
        hs, ring = atom.GetTotalNumHs(), atom.IsInRing()
        degree = atom.GetDegree() + hs
        allowed = ((degree == 2 and hs == 0 and not ring) or (degree == 3 and hs == 1 and not ring)
                   or (degree == 4 and hs == 2 and not ring) or (degree == 3 and hs == 0)
                   or (degree == 4 and hs <= 1))
        if not allowed:
            dropped.add(int(heavy[atom.GetIdx()]))
    lig_keep = np.array([int(k) not in dropped for k in ctx.ligand.hydrophobic], dtype=bool)
    return dataclasses.replace(
        ctx, protein=dataclasses.replace(ctx.protein, hydrophobic=ctx.protein.hydrophobic[keep]),
        ligand=dataclasses.replace(ctx.ligand, hydrophobic=ctx.ligand.hydrophobic[lig_keep]))
