"""Write a small demonstration trajectory for the README's ``structkit trajectory`` example.

This is not molecular dynamics: it is the 4CLI crystal complex (lorlatinib in ALK) as topology and
20 frames of it with every atom displaced independently by Gaussian noise (sd 0.3 Å, seed 7), so
that the command has a real topology/trajectory pair to read. Use your own MD output for science.

    python scripts/demo_trajectory.py demo/      # writes demo/top.pdb and demo/traj.dcd
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import MDAnalysis as mda
import numpy as np

import structkit
from structkit.io.write import write_pdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write top.pdb and traj.dcd (created)")
    parser.add_argument("--mirror", default="../shared/structures", help="local structure folder")
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    topology = write_pdb(structkit.load("4CLI", mirrors=[args.mirror]), args.folder / "top.pdb")
    universe = mda.Universe(str(topology))
    rng = np.random.default_rng(7)
    crystal = universe.atoms.positions.copy()
    with mda.Writer(str(args.folder / "traj.dcd"), n_atoms=len(crystal)) as writer, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No dimensions set")  # no periodic box: none to write
        for _ in range(args.frames):
            universe.atoms.positions = crystal + rng.normal(scale=0.3, size=crystal.shape)
            writer.write(universe.atoms)
    print(f"wrote {topology} and {args.folder / 'traj.dcd'} ({args.frames} frames)")


if __name__ == "__main__":
    main()
