"""A side-chain packer: rotamers of several residues chosen together on a fixed backbone.

Each residue of the shell gets candidate conformers: every rotamer of the Dunbrack
backbone-independent library (:mod:`structkit.model.rotamers`), built all-atom (heavy atoms from
internal coordinates, hydrogens from :mod:`structkit.energy.hydrogens`), plus its own crystal
conformation for residues that are not substituted. A conformer's energy is

- ff14SB Lennard-Jones, continued linearly below 0.8 sigma (the rigid library rotamers are not ruled
  out by a near miss the minimisation will relieve, yet deeper overlaps still cost more), and Coulomb
  with the distance-dependent dielectric 4r, taken at no less than 1.6 Å (hydrogen bonds and salt
  bridges enter through these charges; overlapping atoms of opposite charge gain nothing more),
  against the fixed environment (all backbones, the side chains outside the shell, the inhibitor
  when present) and against the conformers chosen for the other shell residues;
- minus RT ln(p / p_max) of its library frequency (the crystal conformer counts as the most frequent).

The combination is optimised by iterated conditional modes, visiting the residues in chain order
until nothing changes, from several starts (the best single choices, the crystal conformers, and any
given packing); the lowest energy wins. All of it is deterministic. The site's conformational
entropy is read from the Boltzmann weights of its conformers in the final packing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from structkit.energy.forcefield import AtomParameters
from structkit.geometry.nonbonded import conformer_energies

__all__ = ["KT", "Conformers", "PackResult", "interaction_tables", "pack", "packing_energy",
           "self_energies"]

#: RT at 300 K in kcal/mol.
KT = 0.0019872041 * 300.0
_SOFT = 0.8
_DIELECTRIC = 4.0
_COULOMB_MIN = 1.6
_CUTOFF = 12.0


@dataclass
class Conformers:
    """The candidate conformations of one residue's rebuilt atoms.

    Attributes
    ----------
    row : int
        Residue row in the prepared chain.
    resname : str
    names : tuple of str
        Rebuilt atoms (side chain and C-alpha hydrogens).
    coords : ndarray, shape (n_conformers, n_atoms, 3)
    params : AtomParameters
        Per rebuilt atom.
    log_weight : ndarray, shape (n_conformers,)
        ln(p / p_max) of each conformer's library frequency.
    exclude : ndarray of bool, shape (n_environment,)
        Environment atoms not scored against this residue (its own backbone and its neighbours'
        peptide atoms).
    """

    row: int
    resname: str
    names: tuple[str, ...]
    coords: np.ndarray
    params: AtomParameters
    log_weight: np.ndarray
    exclude: np.ndarray

    def __len__(self) -> int:
        return len(self.coords)


@dataclass
class PackResult:
    """The chosen conformer of each residue and the energies behind the choice.

    ``site_entropy`` is -sum p ln p over the site's conformers (in units of R) with the Boltzmann
    weights ``site_weights`` at 300 K, the rest of the shell as chosen.
    """

    choice: list[int]
    energy: float
    self_energy: list[np.ndarray]
    site_entropy: float
    site_weights: np.ndarray


def _pair_energy(a: Conformers, b: Conformers) -> np.ndarray:
    """(n_a, n_b) interaction energies between every conformer of a and every conformer of b: the
    terms of :func:`~structkit.geometry.nonbonded.coulomb_lj` with the packer's options."""
    if not len(a.names) or not len(b.names):
        return np.zeros((len(a), len(b)))
    pa, pb = a.params, b.params
    return conformer_energies(a.coords, pa.charge, pa.sigma, pa.epsilon,
                              b.coords, pb.charge, pb.sigma, pb.epsilon,
                              distance_dielectric=_DIELECTRIC, soft_core=_SOFT, coulomb_min=_COULOMB_MIN)


def self_energies(conf: Conformers, env_xyz: np.ndarray, env_params: AtomParameters,
                  exclude: np.ndarray | None = None, *, weight: bool = True) -> np.ndarray:
    """Energy of each conformer against the fixed environment (plus its rotamer weight if ``weight``).

    ``exclude`` (default ``conf.exclude``) marks environment atoms not to count.
    """
    prior = -KT * conf.log_weight if weight else np.zeros(len(conf))
    if not len(conf.names) or not len(env_xyz):
        return prior
    keep = ~(conf.exclude if exclude is None else exclude)
    centre = conf.coords.reshape(-1, 3).mean(axis=0)
    radius = np.max(np.linalg.norm(conf.coords.reshape(-1, 3) - centre, axis=1))
    near = keep & (np.linalg.norm(env_xyz - centre, axis=1) < radius + _CUTOFF)
    p = env_params.take(near)
    energy = conformer_energies(conf.coords, conf.params.charge, conf.params.sigma, conf.params.epsilon,
                                env_xyz[near][None], p.charge, p.sigma, p.epsilon,
                                distance_dielectric=_DIELECTRIC, soft_core=_SOFT, coulomb_min=_COULOMB_MIN)
    return energy[:, 0] + prior


#: Pair tables of one prepared complex by (row_i, row_j); None where the two residues are out of reach.
PairTables = dict[tuple[int, int], "np.ndarray | None"]


def interaction_tables(residues: list[Conformers], *, known: PairTables | None = None,
                       reusable: Sequence[bool] = ()) -> dict[tuple[int, int], np.ndarray]:
    """Pair energies (n_i, n_j) between the conformers of every two shell residues in reach.

    Parameters
    ----------
    residues : list of Conformers
        The shell's repacked residues.
    known : PairTables, optional
        Tables of earlier calls on the same prepared complex, keyed by the two residue rows; read
        and extended for every pair whose two residues are both ``reusable``.
    reusable : sequence of bool
        Per residue: its conformers are a function of its row alone (it is not substituted), so a
        table computed for two such residues once holds for every region and mutation of the
        complex. Empty: nothing is reused.
    """
    def table(a: Conformers, b: Conformers) -> np.ndarray | None:
        return _pair_energy(a, b) if _close(a, b) else None

    pairs: dict[tuple[int, int], np.ndarray] = {}
    for i in range(len(residues)):
        for j in range(i + 1, len(residues)):
            a, b = residues[i], residues[j]
            if known is not None and reusable and reusable[i] and reusable[j]:
                if (a.row, b.row) not in known:
                    known[(a.row, b.row)] = table(a, b)
                found = known[(a.row, b.row)]
            else:
                found = table(a, b)
            if found is not None:
                pairs[(i, j)] = found
                pairs[(j, i)] = found.T
    return pairs


def pack(singles: list[np.ndarray], pairs: dict[tuple[int, int], np.ndarray], *,
         site: int | None = None, starts: Sequence[Sequence[int]] = ()) -> PackResult:
    """Choose one conformer per residue.

    Parameters
    ----------
    singles : list of ndarray
        Energy of each conformer of each residue against the fixed environment
        (:func:`self_energies`).
    pairs : dict
        Pair tables from :func:`interaction_tables`.
    site : int, optional
        Index of the substituted residue, whose conformer weights and entropy are reported.
    starts : list of list of int
        Extra starting choices; the optimisation also starts from each residue's best single
        conformer and from conformer 0 (the crystal one, where there is one), and the lowest
        final energy wins.

    Returns
    -------
    PackResult
    """
    n = len(singles)

    def local(i: int, choice: list[int]) -> np.ndarray:
        e = singles[i].copy()
        for j in range(n):
            if j != i and (i, j) in pairs:
                e += pairs[(i, j)][:, choice[j]]
        return e

    def descend(choice: list[int]) -> list[int]:
        for _ in range(50):
            changed = False
            for i in range(n):
                best = int(np.argmin(local(i, choice)))
                if best != choice[i]:
                    choice[i], changed = best, True
            if not changed:
                break
        return choice

    first = [int(np.argmin(s)) for s in singles]
    crystal = [0 if i != site else first[i] for i in range(n)]
    candidates = [descend(list(c)) for c in [first, crystal, *starts]]
    energies = [packing_energy(singles, pairs, c) for c in candidates]
    choice = candidates[int(np.argmin(energies))]
    entropy, weights = 0.0, np.ones(1)
    if site is not None:
        e = local(site, choice)
        w = np.exp(-(e - e.min()) / KT)
        weights = w / w.sum()
        nz = weights[weights > 0]
        entropy = float(-np.sum(nz * np.log(nz)))
    return PackResult(choice=choice, energy=packing_energy(singles, pairs, choice), self_energy=singles,
                      site_entropy=entropy, site_weights=weights)


def packing_energy(singles: list[np.ndarray], pairs: dict[tuple[int, int], np.ndarray],
                   choice: list[int]) -> float:
    """Total energy of one choice of conformers under the given tables."""
    e = sum(float(singles[i][choice[i]]) for i in range(len(singles)))
    return e + sum(float(m[choice[i], choice[j]]) for (i, j), m in pairs.items() if i < j)


def _close(a: Conformers, b: Conformers) -> bool:
    if not len(a.names) or not len(b.names):
        return False
    xa, xb = a.coords.reshape(-1, 3), b.coords.reshape(-1, 3)
    ca, cb = xa.mean(axis=0), xb.mean(axis=0)
    ra = np.max(np.linalg.norm(xa - ca, axis=1))
    rb = np.max(np.linalg.norm(xb - cb, axis=1))
    return float(np.linalg.norm(ca - cb)) < ra + rb + 8.0
