"""KLIFS downloads: the pocket residues KLIFS assigns in one of its structure folders.

A KLIFS download holds one folder per structure, ``<pdb>[_alt<X>]_chain<Y>``, with the processed
``complex.pdb`` and ``pocket.pdb`` (the pocket residues in KLIFS position order, gaps omitted),
beside a metadata table whose ``structure.pocket`` column is the 85-letter pocket sequence with
``_`` for a gap (KLIFS, Kanev et al., Nucleic Acids Res. 2021). Used to check structkit's own
KLIFS numbering against KLIFS's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from structkit.errors import StructkitError
from structkit.io.read import read_structure
from structkit.model.atoms import residue_starts
from structkit.model.numbering import N_KLIFS_POSITIONS

__all__ = ["klifs_pocket_residues"]


def klifs_pocket_residues(folder: str | Path, metadata: pd.DataFrame) -> np.ndarray:
    """The residue number KLIFS puts at each of the 85 positions of one download folder.

    Parameters
    ----------
    folder : str or Path
        A KLIFS structure folder, named ``<pdb>[_alt<X>]_chain<Y>``, holding ``pocket.pdb``.
    metadata : pandas.DataFrame
        KLIFS's metadata table (``structure.pdb_id``, ``structure.chain``,
        ``structure.alternate_model``, ``structure.pocket``).

    Returns
    -------
    ndarray of int64
        Shape (85,); -1 where KLIFS has no residue.
    """
    folder = Path(folder)
    name = folder.name
    pdb, chain = name.split("_")[0], name[-1]
    rows = metadata[(metadata["structure.pdb_id"] == pdb) & (metadata["structure.chain"] == chain)]
    if "_alt" in name:
        rows = rows[rows["structure.alternate_model"] == name.split("_alt")[1][0]]
    sequence = rows["structure.pocket"].iloc[0]
    atoms = read_structure(folder / "pocket.pdb").atoms
    numbers = atoms.resnum[residue_starts(atoms)]
    present = [k for k, letter in enumerate(sequence) if letter != "_"]
    if len(present) != len(numbers):
        raise StructkitError(f"{folder}: {len(numbers)} pocket residues for the {len(present)} positions "
                             "its pocket sequence fills")
    truth = np.full(N_KLIFS_POSITIONS, -1, dtype=np.int64)
    truth[present] = numbers
    return truth
