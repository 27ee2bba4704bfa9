"""Nucleotides in the ATP site: their charge at pH 7 and the magnesium ions that hold them.

A kinase binds ATP as its Mg²⁺ complex, and crystal structures of nucleotide complexes often lack
the ions (the shared EGFR AMP-PNP complexes 2ITX and 2ITV and ALK's ADP complex 3LCT have none).
An energy of the nucleotide without them is that of a -4 anion in a pocket built for a neutral
complex, so the ions are *modelled* here, by the coordination every active kinase shows (PKA with
Mn²⁺-AMP-PNP, Zheng et al. 1993, Biochemistry 32:2154; Bastidas et al. 2013, JACS 135:4788):

- **Mg1** (the ion between the β and γ phosphates): one non-bridging oxygen of each, and one
  carboxylate oxygen of the DFG aspartate (KLIFS position 81);
- **Mg2** (the ion between the α and γ phosphates): one non-bridging oxygen of each (α and β for a
  diphosphate), the catalytic-loop asparagine's side-chain oxygen (KLIFS 75) and the other DFG
  carboxylate oxygen.

Each ion is placed where its ligands sit 2.08 Å away (the mean Mg–O distance of protein
structures, Harding 2001, Acta Cryst D57:401) by least squares, kept 2.9 Å from every other heavy
atom; a protein ligand further than 5.5 Å from the phosphate oxygens it would share the ion with
does not take part (an inactive pocket), and the ion is then held by the phosphates alone. Ions
the file itself has within 3 Å of a phosphate oxygen are kept as deposited instead. Every placement
reports its ligands, their distances and the closest other atom (:class:`MagnesiumSite`).

At pH 7 every non-bridging phosphate hydroxyl is ionised (ATP⁴⁻, ADP³⁻; the bridging N-H of
AMP-PNP stays): :func:`ionise_phosphates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rdkit import Chem

    from structkit.model.complex import Complex

__all__ = ["MG_O_DISTANCE", "NUCLEOTIDES", "MagnesiumSite", "ionise_phosphates", "is_nucleotide",
           "place_magnesium"]

#: CCD codes of ATP and its usual analogues and products in kinase structures.
NUCLEOTIDES = frozenset({"ATP", "ANP", "ACP", "AGS", "ADP", "APC"})
#: Target Mg–O distance (Å) of a placed ion (Harding 2001: 2.07 ± 0.05 Å for Mg-O in proteins).
MG_O_DISTANCE = 2.08
#: Closest approach (Å) of a placed ion to any heavy atom that is not one of its ligands.
MG_CLEARANCE = 2.9
#: A protein oxygen further than this (Å) from the ion's phosphate oxygens does not coordinate it.
MG_PROTEIN_REACH = 5.5
_PHOSPHATE_O = 1.75  # Å: a P-O bond
_DFG_ASP, _CATALYTIC_ASN = 81, 75


def is_nucleotide(code: str | None) -> bool:
    """Whether a CCD code is ATP or one of its analogues/products (:data:`NUCLEOTIDES`)."""
    return code is not None and code.upper() in NUCLEOTIDES


@dataclass(frozen=True)
class MagnesiumSite:
    """One Mg²⁺ ion of a nucleotide complex.

    Attributes
    ----------
    name : str
        ``Mg1`` or ``Mg2`` (see the module docstring), ``MG`` for an ion of the file.
    coords : ndarray, shape (3,)
        Å.
    ligands : tuple of str
        Its coordinating atoms (``ANP O2B``, ``ASP855 OD1``, ...).
    distances : tuple of float
        Ion–ligand distances (Å).
    closest_other : float
        Distance (Å) to the nearest heavy atom that is not a ligand.
    modelled : bool
        Placed by the rule (True) or read from the file (False).
    """

    name: str
    coords: np.ndarray
    ligands: tuple[str, ...]
    distances: tuple[float, ...]
    closest_other: float
    modelled: bool

    def as_dict(self) -> dict:
        """A JSON-ready description."""
        return {"name": self.name, "coords": [round(float(v), 3) for v in self.coords],
                "ligands": list(self.ligands), "distances_A": [round(d, 2) for d in self.distances],
                "closest_other_A": round(self.closest_other, 2), "modelled": self.modelled}


def ionise_phosphates(mol: Chem.Mol) -> Chem.Mol:
    """Ionise every non-bridging phosphate hydroxyl of a neutral drawing (a copy is returned).

    An oxygen qualifies when it is singly bonded to a phosphorus, has no other heavy neighbour and
    carries no charge: it loses its hydrogen and takes a formal charge of -1.
    """
    from rdkit import Chem

    out = Chem.RWMol(mol)
    for atom in out.GetAtoms():
        if atom.GetSymbol() != "O" or atom.GetFormalCharge() != 0:
            continue
        heavy = [n for n in atom.GetNeighbors() if n.GetSymbol() != "H"]
        if len(heavy) != 1 or heavy[0].GetSymbol() != "P":
            continue
        bond = out.GetBondBetweenAtoms(atom.GetIdx(), heavy[0].GetIdx())
        if bond.GetBondType() != Chem.BondType.SINGLE:
            continue
        atom.SetFormalCharge(-1)
        atom.SetNumExplicitHs(0)
        atom.SetNoImplicit(True)
    result = out.GetMol()
    Chem.SanitizeMol(result)
    return result


def _phosphates(names: np.ndarray, coords: np.ndarray, elements: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The nucleotide's phosphorus atoms in chain order from the sugar, each with the indices of
    its non-bridging oxygens."""
    phosphorus = np.flatnonzero(elements == "P")
    oxygen = np.flatnonzero(elements == "O")
    if not len(phosphorus):
        return []
    d = np.linalg.norm(coords[oxygen][:, None] - coords[phosphorus][None], axis=2)
    bonded = d < _PHOSPHATE_O
    # chain order: the P bonded to the oxygen that is also bonded to a carbon (O5') comes first
    carbons = coords[elements == "C"]
    sugar_o = [k for k, o in enumerate(oxygen) if bonded[k].any()
               and (np.linalg.norm(carbons - coords[o], axis=1) < 1.6).any()]
    start = coords[oxygen[sugar_o[0]]] if sugar_o else coords[phosphorus[0]]
    order = np.argsort(np.linalg.norm(coords[phosphorus] - start, axis=1), kind="stable")
    out = []
    for j in order:
        terminal = [oxygen[k] for k in range(len(oxygen)) if bonded[k, j] and bonded[k].sum() == 1
                    and k not in sugar_o]
        out.append((str(names[phosphorus[j]]), np.array(terminal, dtype=np.int64)))
    return out


def _solve(ligand_xyz: np.ndarray, avoid: np.ndarray, start: np.ndarray) -> np.ndarray:
    from scipy.optimize import least_squares

    def residuals(x: np.ndarray) -> np.ndarray:
        coordination = np.linalg.norm(ligand_xyz - x, axis=1) - MG_O_DISTANCE
        if len(avoid):
            clash = np.maximum(0.0, MG_CLEARANCE - np.linalg.norm(avoid - x, axis=1))
        else:
            clash = np.zeros(0)
        return np.concatenate([coordination, 3.0 * clash])

    return least_squares(residuals, start, method="lm", xtol=1e-10, ftol=1e-10).x


def place_magnesium(complex_: Complex) -> list[MagnesiumSite]:
    """The Mg²⁺ ions of a nucleotide complex: the file's own near the phosphates, else modelled.

    Parameters
    ----------
    complex_ : Complex
        With a nucleotide as its inhibitor (:func:`is_nucleotide`).

    Returns
    -------
    list of MagnesiumSite
        Two ions for a tri- or diphosphate with its pocket's aspartate in reach, fewer where the
        phosphates cannot hold them (an empty list for a nucleotide without phosphates).
    """
    inhibitor = complex_.inhibitor.heavy
    names, coords, elements = inhibitor.name, inhibitor.coords, inhibitor.element
    phosphates = _phosphates(names, coords, elements)
    code = complex_.ligand or "LIG"
    terminal = np.concatenate([o for _, o in phosphates]) if phosphates else np.zeros(0, dtype=np.int64)
    if not len(terminal):
        return []
    own = complex_.additives
    own_mg = np.flatnonzero(np.char.upper(own.element.astype(str)) == "MG")
    if len(own_mg):
        kept = []
        for k in own_mg:
            d = np.linalg.norm(coords[terminal] - own.coords[k], axis=1)
            if d.min() < 3.0:
                kept.append(_describe("MG", own.coords[k], [f"{code} {names[terminal[i]]}" for i in
                                                             np.flatnonzero(d < 2.6)],
                                      coords[terminal[d < 2.6]], complex_, [], modelled=False))
        if kept:
            return kept

    protein = complex_.protein.heavy

    def side_oxygens(klifs: int, atom_names: tuple[str, ...]) -> list[tuple[str, np.ndarray]]:
        row = complex_.residues.index_of_klifs(klifs)
        if row < 0:
            return []
        res = complex_.protein[complex_.residues.start[row]:complex_.residues.stop[row]]
        label = f"{res.resname[0]}{res.resnum[0]}"
        return [(f"{label} {n}", res.coords[k]) for k, n in enumerate(res.name) if n in atom_names]

    asp = side_oxygens(_DFG_ASP, ("OD1", "OD2"))
    asn = side_oxygens(_CATALYTIC_ASN, ("OD1",))
    ordered = [o for _, o in phosphates]
    alpha = ordered[0]
    beta = ordered[1] if len(ordered) > 1 else np.zeros(0, dtype=np.int64)
    gamma = ordered[2] if len(ordered) > 2 else np.zeros(0, dtype=np.int64)
    used: set[int] = set()
    used_protein: set[str] = set()
    sites: list[MagnesiumSite] = []
    plans = [("Mg1", [beta, gamma] if len(gamma) else [beta], [asp]),
             ("Mg2", [alpha, gamma if len(gamma) else beta], [asp, asn])]
    for name, groups, protein_groups in plans:
        options = [[(f"{code} {names[i]}", coords[i], i) for i in g if i not in used]
                   for g in groups if len(g)]
        options += [[(label, xyz, None) for label, xyz in group if label not in used_protein]
                    for group in protein_groups if group]
        choice = _best_ligands([o for o in options if o])
        if not choice:
            continue
        ligand_xyz = np.vstack([xyz for _, xyz, _ in choice])
        labels = [label for label, _, _ in choice]
        chosen_o = [i for _, _, i in choice if i is not None]
        # start on the outside of the phosphates: away from the phosphorus atoms
        p_centre = coords[elements == "P"].mean(axis=0)
        direction = ligand_xyz.mean(axis=0) - p_centre
        direction /= max(np.linalg.norm(direction), 1e-6)
        start = ligand_xyz.mean(axis=0) + 1.0 * direction
        others = np.vstack([np.delete(coords, chosen_o, axis=0), protein.coords,
                            *[s.coords[None] for s in sites]])
        is_ligand = np.zeros(len(others), dtype=bool)
        for x in ligand_xyz:
            is_ligand |= np.linalg.norm(others - x, axis=1) < 1e-3
        near = others[~is_ligand & (np.linalg.norm(others - start, axis=1) < 8.0)]
        xyz = _solve(ligand_xyz, near, start)
        sites.append(_describe(name, xyz, labels, ligand_xyz, complex_, sites, modelled=True))
        used.update(chosen_o)
        used_protein.update(label for label, _, i in choice if i is None)
    return sites


def _best_ligands(groups: list[list[tuple]]) -> list[tuple]:
    """One atom from as many groups as can share an ion: every pair within 2 x 2.08 Å + 0.3 Å (the
    trans O-Mg-O span), the phosphate groups (first) required, then the most ligands, then the
    tightest set."""
    from itertools import combinations, product

    limit = 2 * MG_O_DISTANCE + 0.3
    best: tuple = ()
    best_key = None
    for n in range(len(groups), 0, -1):
        for subset in combinations(range(len(groups)), n):
            for pick in product(*(groups[k] for k in subset)):
                xyz = np.array([p[1] for p in pick])
                span = max((float(np.linalg.norm(a - b)) for a, b in combinations(xyz, 2)), default=0.0)
                if span > limit:
                    continue
                key = (sum(p[2] is not None for p in pick) > 0, n, -span)
                if best_key is None or key > best_key:
                    best, best_key = pick, key
        if best:
            return list(best)
    return list(best)


def _describe(name: str, xyz: np.ndarray, labels: list[str], ligand_xyz: np.ndarray, complex_,
              previous: list[MagnesiumSite], *, modelled: bool) -> MagnesiumSite:
    everything = np.vstack([complex_.inhibitor.heavy.coords, complex_.protein.heavy.coords,
                            *[s.coords[None] for s in previous]])
    d = np.linalg.norm(everything - xyz, axis=1)
    ligand_d = np.linalg.norm(ligand_xyz - xyz, axis=1) if len(ligand_xyz) else np.zeros(0)
    is_ligand = np.zeros(len(everything), dtype=bool)
    for x in ligand_xyz:
        is_ligand |= np.linalg.norm(everything - x, axis=1) < 1e-3
    closest = float(d[~is_ligand].min()) if (~is_ligand).any() else float("inf")
    return MagnesiumSite(name=name, coords=np.round(np.asarray(xyz, dtype=np.float64), 4),
                         ligands=tuple(labels), distances=tuple(float(v) for v in ligand_d),
                         closest_other=closest, modelled=modelled)
