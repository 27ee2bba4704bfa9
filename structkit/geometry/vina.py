"""The AutoDock Vina and Vinardo empirical scoring functions, intermolecular part, on arrays.

A second binding estimate beside the force-field one (:mod:`structkit.energy.binding`): knowledge of
what crystal complexes look like, fitted by its authors on PDBbind affinities, with no charges and
no solvent model. Both functions sum over heavy-atom pairs of the two molecules closer than 8 Å,
in terms of the *surface distance* ``d = r - R_i - R_j`` with per-type radii ``R``:

============  ===========================================  ==========================================
term          Vina (Trott & Olson 2010, J Comput Chem 31)  Vinardo (Quiroga & Villarreal 2016, PLoS
                                                           One 11: e0155183)
============  ===========================================  ==========================================
gauss1        -0.035579 exp(-(d/0.5)^2)                    -0.045 exp(-(d/0.8)^2)
gauss2        -0.005156 exp(-((d-3)/2)^2)                  (none)
repulsion     0.840245 d^2 for d < 0                       0.8 d^2 for d < 0
hydrophobic   -0.035069, 1 below d 0.5, 0 above 1.5        -0.035, 1 below d 0, 0 above 2.5
              (linear between), both atoms hydrophobic
h-bond        -0.587439, 1 below d -0.7, 0 above 0,        -0.6, 1 below d -0.6, 0 above 0
              one donor and one acceptor
============  ===========================================  ==========================================

Vinardo's radii are those of AutoDock Vina 1.2 (C 2.0, N 1.7, O 1.6 Å; S, P, halogens and metals
as Vina's), which differ from the paper's table for N and the halogens. The sum is in Vina's
kcal/mol; Vina divides it by ``1 + 0.05846 N_rot`` for a flexible ligand (:func:`rotor_factor`),
which scales every difference for one ligand by the same factor.

Atoms are typed as in Vina's X-Score types (XS): a carbon is polar (``C_P``) when it is bonded to
any atom other than carbon or hydrogen, hydrophobic (``C_H``) otherwise; nitrogens and oxygens are
donors when they carry a hydrogen; every oxygen is an acceptor; a nitrogen is an acceptor when it
carries no hydrogen and has at most two heavy neighbours (pyridine, imidazole N3, nitrile,
histidine's unprotonated ring nitrogen) or three in a pyramid (a neutral tertiary amine), not when
it is planar with three (amide, aniline, proline); halogens are hydrophobic; metals (Mg, Mn, Zn,
Ca, Fe, Co, Ni, Cu) are donors of radius 1.2 Å. Bonds come from distances the way Vina perceives
them: closer than 1.1 x the sum of covalent radii. Hydrogens decide donors and are not scored.
The acceptor rule for nitrogen is ours (Vina takes it from the PDBQT file's ``NA`` type, which a
preparation tool assigns); everything else is checked against the ``vina`` package in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from structkit.geometry.neighbors import neighbor_pairs, self_pairs

__all__ = ["FUNCTIONS", "XS_TYPES", "VinaFunction", "covalent_bonds", "rotor_factor", "vina_terms",
           "xs_types"]

#: XS atom types, in the order of the radius tables.
XS_TYPES = ("C_H", "C_P", "N_P", "N_D", "N_A", "N_DA", "O_P", "O_D", "O_A", "O_DA", "S_P", "P_P",
            "F_H", "Cl_H", "Br_H", "I_H", "Met_D")
_INDEX = {t: k for k, t in enumerate(XS_TYPES)}
_HYDROPHOBIC = np.isin(XS_TYPES, ("C_H", "F_H", "Cl_H", "Br_H", "I_H"))
_DONOR = np.isin(XS_TYPES, ("N_D", "N_DA", "O_D", "O_DA", "Met_D"))
_ACCEPTOR = np.isin(XS_TYPES, ("N_A", "N_DA", "O_A", "O_DA"))
_METALS = {"MG", "MN", "ZN", "CA", "FE", "CO", "NI", "CU"}
_HALOGENS = {"F": "F_H", "CL": "Cl_H", "BR": "Br_H", "I": "I_H"}
#: Vina's covalent radii (Å), for bond perception.
_COVALENT = {"H": 0.37, "C": 0.77, "N": 0.75, "O": 0.73, "S": 1.02, "P": 1.06, "F": 0.71, "CL": 0.99,
             "BR": 1.14, "I": 1.33, "MG": 1.30, "MN": 1.39, "ZN": 1.31, "CA": 1.74, "FE": 1.25, "CO": 1.26,
             "NI": 1.21, "CU": 1.38}
_BOND_ALLOWANCE = 1.1
_CUTOFF = 8.0
_PYRAMID_A = 0.25  # out-of-plane height of a nitrogen above its three neighbours: sp3 above this


@dataclass(frozen=True)
class VinaFunction:
    """One empirical function's radii (Å, per :data:`XS_TYPES`) and term parameters."""

    name: str
    radii: tuple[float, ...]
    gauss1: tuple[float, float]  # weight, width
    gauss2: tuple[float, float, float]  # weight, offset, width (weight 0: no term)
    repulsion: float
    hydrophobic: tuple[float, float, float]  # weight, good, bad
    hbond: tuple[float, float, float]  # weight, good, bad
    rotor_weight: float


#: The two functions, by name.
FUNCTIONS = {
    "vina": VinaFunction(
        "vina", radii=(1.9, 1.9, 1.8, 1.8, 1.8, 1.8, 1.7, 1.7, 1.7, 1.7, 2.0, 2.1, 1.5, 1.8, 2.0, 2.2, 1.2),
        gauss1=(-0.035579, 0.5), gauss2=(-0.005156, 3.0, 2.0), repulsion=0.840245,
        hydrophobic=(-0.035069, 0.5, 1.5), hbond=(-0.587439, -0.7, 0.0), rotor_weight=0.05846),
    "vinardo": VinaFunction(
        "vinardo",
        radii=(2.0, 2.0, 1.7, 1.7, 1.7, 1.7, 1.6, 1.6, 1.6, 1.6, 2.0, 2.1, 1.5, 1.8, 2.0, 2.2, 1.2),
        gauss1=(-0.045, 0.8), gauss2=(0.0, 0.0, 1.0), repulsion=0.8,
        hydrophobic=(-0.035, 0.0, 2.5), hbond=(-0.6, -0.6, 0.0), rotor_weight=0.05846),
}


def covalent_bonds(elements: np.ndarray, coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bonded pairs (i < j) of one molecule, perceived as Vina does (upper-case ``elements``).

    Closer than 1.1 x the sum of Vina's covalent radii; a metal's coordination is not a bond.
    """
    symbols, inverse = np.unique(elements, return_inverse=True)
    radius = np.array([_COVALENT.get(str(e), 0.77) for e in symbols])[inverse]
    i, j = self_pairs(coords, 2 * _BOND_ALLOWANCE * max(radius.max(initial=0.0), 0.77))
    keep = np.linalg.norm(coords[i] - coords[j], axis=1) < _BOND_ALLOWANCE * (radius[i] + radius[j])
    metal = np.isin(elements, list(_METALS))
    keep &= ~(metal[i] | metal[j])
    return i[keep], j[keep]


def xs_types(elements: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """XS type index of every atom of one molecule (-1 for hydrogens and unknown elements).

    Parameters
    ----------
    elements : ndarray of str, shape (n,)
        Element symbols (any case).
    coords : ndarray, shape (n, 3)
        Coordinates (Å) with the molecule's hydrogens, which decide the donors.

    Returns
    -------
    ndarray of int, shape (n,)
        Index into :data:`XS_TYPES`.
    """
    elements = np.char.upper(np.asarray(elements, dtype=str))
    coords = np.asarray(coords, dtype=float)
    n = len(elements)
    i, j = covalent_bonds(elements, coords)
    first, second = np.concatenate([i, j]), np.concatenate([j, i])
    hydrogen = elements == "H"
    heavy_neighbour = ~hydrogen[second]
    has_h = np.bincount(first[~heavy_neighbour], minlength=n) > 0
    n_heavy = np.bincount(first[heavy_neighbour], minlength=n)
    has_hetero = np.bincount(first[heavy_neighbour & (elements[second] != "C")], minlength=n) > 0
    nitrogen = elements == "N"
    acceptor = nitrogen & ~has_h & (n_heavy <= 2)
    for k in np.flatnonzero(nitrogen & ~has_h & (n_heavy == 3)):
        acceptor[k] = _pyramidal(coords[k], coords[second[(first == k) & heavy_neighbour]])
    fixed = {"S": "S_P", "P": "P_P", **_HALOGENS, **{m: "Met_D" for m in _METALS}}
    symbols, inverse = np.unique(elements, return_inverse=True)
    by_symbol = np.array([_INDEX[fixed[str(e)]] if str(e) in fixed else -1 for e in symbols], dtype=np.int64)
    out = by_symbol[inverse]
    out[elements == "C"] = np.where(has_hetero, _INDEX["C_P"], _INDEX["C_H"])[elements == "C"]
    out[elements == "O"] = np.where(has_h, _INDEX["O_DA"], _INDEX["O_A"])[elements == "O"]
    n_type = np.select([has_h & acceptor, has_h, acceptor], [_INDEX["N_DA"], _INDEX["N_D"], _INDEX["N_A"]],
                       _INDEX["N_P"])
    out[nitrogen] = n_type[nitrogen]
    return out


def _pyramidal(centre: np.ndarray, neighbours: np.ndarray) -> bool:
    """Whether an atom sits more than :data:`_PYRAMID_A` out of the plane of its three neighbours."""
    a, b, c = neighbours
    normal = np.cross(b - a, c - a)
    norm = np.linalg.norm(normal)
    return bool(norm > 0 and abs(np.dot(centre - a, normal)) / norm > _PYRAMID_A)


def vina_terms(ligand_xyz: np.ndarray, ligand_types: np.ndarray, receptor_xyz: np.ndarray,
               receptor_types: np.ndarray, function: str = "vina") -> dict[str, float]:
    """The weighted terms of one intermolecular score (kcal/mol, before :func:`rotor_factor`).

    Parameters
    ----------
    ligand_xyz, receptor_xyz : ndarray, shape (n, 3) and (m, 3)
    ligand_types, receptor_types : ndarray of int
        From :func:`xs_types` (atoms typed -1 are left out).
    function : {"vina", "vinardo"}

    Returns
    -------
    dict
        ``gauss1``, ``gauss2``, ``repulsion``, ``hydrophobic``, ``hbond`` and their ``total``.
    """
    f = FUNCTIONS[function]
    lig = ligand_types >= 0
    rec = receptor_types >= 0
    lt, rt = ligand_types[lig], receptor_types[rec]
    i, j, r = neighbor_pairs(ligand_xyz[lig], receptor_xyz[rec], _CUTOFF)
    radii = np.asarray(f.radii)
    ti, tj = lt[i], rt[j]
    d = r - radii[ti] - radii[tj]
    out = {"gauss1": f.gauss1[0] * float(np.exp(-((d / f.gauss1[1]) ** 2)).sum())}
    w2, offset, width = f.gauss2
    out["gauss2"] = w2 * float(np.exp(-(((d - offset) / width) ** 2)).sum()) if w2 else 0.0
    out["repulsion"] = f.repulsion * float(np.sum(np.where(d < 0, d * d, 0.0)))
    w, good, bad = f.hydrophobic
    both = _HYDROPHOBIC[ti] & _HYDROPHOBIC[tj]
    out["hydrophobic"] = w * float(np.sum(np.clip((bad - d[both]) / (bad - good), 0.0, 1.0)))
    w, good, bad = f.hbond
    pair = (_DONOR[ti] & _ACCEPTOR[tj]) | (_ACCEPTOR[ti] & _DONOR[tj])
    out["hbond"] = w * float(np.sum(np.clip((bad - d[pair]) / (bad - good), 0.0, 1.0)))
    out["total"] = sum(out.values())
    return out


def rotor_factor(n_rotatable: int, function: str = "vina") -> float:
    """Vina's ``1 / (1 + w N_rot)``: what a flexible ligand's summed terms are multiplied by."""
    return 1.0 / (1.0 + FUNCTIONS[function].rotor_weight * n_rotatable)
