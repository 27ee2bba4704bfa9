"""Benchmark: interaction fingerprints with structkit beside ProLIF 2.2, on the same files.

Two measurements, in one run, on the imatinib-ABL1 complex of the Hauser 2018 benchmark (4,300
protein atoms with hydrogens, the SDF pose):

  - one complex, from the files on disk to the fingerprint: structkit.load + interaction_table,
    against RDKit reading the PDB and SDF + prolif.Molecule + Fingerprint.run_from_iterable;
  - a 100-frame trajectory (the complex with every atom displaced by Gaussian noise, sd 0.3 Å,
    seed 7; written here as a DCD): structkit.trajectory_interactions against ProLIF's
    Fingerprint.run over the MDAnalysis Universe (bonds guessed by MDAnalysis on the model's own
    coordinates with a hydrogen radius of 1.0 Å: the default 1.1 Å bonds two close hydrogens of
    this prepared model).

ProLIF computes the same interaction classes we compare in tests/test_interactions_peers.py.
Best of N repeats after a warm-up; prints the times and ratios. Usage:

    python scripts/bench_interactions.py [--repeat 3] [--frames 100]
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import numpy as np
from _timing import best

import structkit
from structkit.analysis.measure.interactions import interaction_table

ABL = Path("../shared/benchmarks/abl_hauser2018")
TYPES = ["Hydrophobic", "HBDonor", "HBAcceptor", "Cationic", "Anionic", "CationPi", "PiCation",
         "FaceToFace", "EdgeToFace", "XBDonor", "MetalDonor"]


def _protein_block(path: Path) -> str:
    lines = [line for line in path.read_text().splitlines()
             if line.startswith("ATOM") and line[17:20] not in ("ACE", "NME")]
    return "\n".join(lines) + "\nEND\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--abl", type=Path, default=ABL)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import MDAnalysis as mda
    import prolif
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    complex_pdb = args.abl / "imatinib_2hyy_complex.pdb"
    ligand_sdf = args.abl / "imatinib_2hyy_ligand.sdf"

    def ours_complex() -> None:
        complex_ = structkit.load(complex_pdb, ligand_file=ligand_sdf, keep_hydrogens=True)
        interaction_table(complex_)

    def prolif_complex() -> None:
        block = _protein_block(complex_pdb)
        protein = prolif.Molecule.from_rdkit(Chem.MolFromPDBBlock(block, removeHs=False))
        ligand = prolif.Molecule.from_rdkit(Chem.MolFromMolFile(str(ligand_sdf), removeHs=False))
        prolif.Fingerprint(TYPES).run_from_iterable([ligand], protein, progress=False, n_jobs=1)

    t_ours = best(ours_complex, args.repeat)
    t_prolif = best(prolif_complex, args.repeat)
    print("one complex (imatinib-ABL1, files to fingerprint), best of", args.repeat)
    print(f"  structkit  {t_ours * 1000:8.1f} ms")
    print(f"  ProLIF     {t_prolif * 1000:8.1f} ms")
    print(f"  ratio structkit / ProLIF: {t_ours / t_prolif:.2f}")

    with tempfile.TemporaryDirectory() as folder:
        dcd = Path(folder) / "noise.dcd"
        universe = mda.Universe(str(complex_pdb))
        crystal = universe.atoms.positions.copy()
        rng = np.random.default_rng(7)
        with mda.Writer(str(dcd), n_atoms=len(crystal)) as writer:
            for _ in range(args.frames):
                universe.atoms.positions = crystal + rng.normal(scale=0.3, size=crystal.shape)
                writer.write(universe.atoms)
        complex_ = structkit.load(complex_pdb, ligand_file=ligand_sdf, keep_hydrogens=True)

        def ours_trajectory() -> None:
            u = mda.Universe(str(complex_pdb), str(dcd))
            structkit.trajectory_interactions(u, complex_=complex_)

        def prolif_trajectory() -> None:
            u = mda.Universe(str(complex_pdb))  # bonds from the model's own coordinates, not a noisy frame
            u.guess_TopologyAttrs(to_guess=["bonds"], vdwradii={"H": 1.0})
            u.load_new(str(dcd))
            ligand = u.select_atoms("resname LIG")
            protein = u.select_atoms("protein and not resname ACE NME")
            prolif.Fingerprint(TYPES).run(u.trajectory, ligand, protein, progress=False, n_jobs=1)

        t_ours = best(ours_trajectory, args.repeat)
        t_prolif = best(prolif_trajectory, 1)
    print(f"{args.frames}-frame trajectory (one process each; ProLIF timed once)")
    print(f"  structkit  {t_ours:8.2f} s  ({t_ours / args.frames * 1000:.1f} ms per frame)")
    print(f"  ProLIF     {t_prolif:8.2f} s  ({t_prolif / args.frames * 1000:.1f} ms per frame)")
    print(f"  ProLIF / structkit: {t_prolif / t_ours:.1f}x")


if __name__ == "__main__":
    main()
