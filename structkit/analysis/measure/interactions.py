"""Typed protein-inhibitor interactions and interaction fingerprints.

Every contact between the inhibitor and the kinase chain (and its waters and metal ions) is typed
by geometry, per residue, as PLIP and ProLIF do. Types are named from the protein's side, as in
KLIFS (``hbond_donor``: the residue donates):

============== ======================================================= ===============
type           criterion (defaults of :class:`InteractionCriteria`)    KLIFS class
============== ======================================================= ===============
hydrophobic    hydrophobic atoms within 4.5 Å                          hydrophobic
hbond_donor    protein donor, inhibitor acceptor: D...A ≤ 3.5 Å and    hbond_donor
               D-H...A ≥ 130° with hydrogens; without them
               2.5 ≤ D...A ≤ 3.5 Å and no partner behind either atom
               (antecedent angles ≥ 90°)
hbond_acceptor the same with the inhibitor donating                    hbond_acceptor
face_to_face   aromatic rings: centroids ≤ 5.5 Å, planes 0-35°,        face_to_face
               a normal within 33° of the centroid line
edge_to_face   centroids ≤ 6.5 Å, planes 50-90°, a normal within 30°   edge_to_face
               of the centroid line, the planes' intersection within
               1.5 Å of a centroid
ionic_positive protein cation, inhibitor anion: atoms ≤ 4.5 Å          ionic_positive
ionic_negative protein anion, inhibitor cation: atoms ≤ 4.5 Å          ionic_negative
cation_pi      protein cation over an inhibitor ring: ≤ 4.5 Å from     -
               the centroid, ≤ 30° from the normal
pi_cation      inhibitor cation over a protein ring (same geometry)    -
halogen_bond   inhibitor C-X...A (X = Cl, Br, I; A a protein           -
               acceptor): X...A ≤ 3.5 Å, C-X...A 130-180°,
               X...A-R 80-140°
water_bridge   inhibitor polar atom - water O - protein polar atom,    -
               each leg a heavy-atom hydrogen bond (2.5-3.5 Å, no
               partner behind the polar atom)
metal          inhibitor acceptor or anion within 2.8 Å of a metal     -
               ion (the ion is the residue)
============== ======================================================= ===============

Sources: distances and angles are the defaults of ProLIF 2 (Bouysset and Fiorucci, J.
Cheminform. 2021, 13, 72), which follow PLIP (Salentin et al., Nucleic Acids Res. 2015, 43,
W443) and the interaction fingerprint of Marcou and Rognan (J. Chem. Inf. Model. 2007, 47,
195) that KLIFS uses; the heavy-atom hydrogen bond is :mod:`structkit.geometry.hbonds`. Which
atoms qualify: :mod:`structkit.model.interaction_atoms`.

KLIFS rules (``InteractionCriteria.klifs()``, ``structkit interactions --rules klifs``)
    reproduce the seven bits KLIFS stores per pocket position (computed there with IChem; Marcou
    and Rognan 2007) instead of the PLIP/ProLIF typing above. Hydrophobic: any protein carbon or
    sulfur within 4.5 Å of an inhibitor carbon, sulfur or halogen (not only carbons free of N and
    O: KLIFS sets the bit for backbone contacts); ionic: formal charges only, as the inhibitor's
    definition draws them, within 4.0 Å (no pH-7 ionisation is inferred, so a CCD phosphate or
    piperazine is neutral and its contacts count as hydrogen bonds); rings: face-to-face where
    the centroids are ≤ 5.7 Å apart and the planes within 30°, edge-to-face ≤ 6.5 Å, planes
    30-90° and an atom of one ring within 4.5 Å of the other's centroid (the edge over the face;
    4.5 Å is the cation-π reach and KLIFS's contact distance; it separates KLIFS's edge-to-face
    bits, nearest atom 3.7-4.4 Å, from two offset rings such as ADCK3's Phe495 under AMP-PNP's
    adenine, 5.0 Å), and a residue stacked face-to-face is not also edge-to-face. Hydrogen
    bonds as above, except that an ammonium donor without hydrogens in the file (Lys NZ, an
    R-NH3+), whose three hydrogens turn about one bond, is judged by its cone as Mol* judges
    donors: X-D...A within 45° of tetrahedral (ADCK3's β3 Lys donates to AMP-PNP's α-phosphate
    at 70°, which the 90° antecedent test rejects). The hydrophobic and ionic definitions
    reproduce every bit of the KLIFS fingerprints in ``../shared/klifs``; the two ring distances
    were read off the ABL2 structures there and checked on the other kinases, the ring-atom
    reach off all of them (``tests/test_interactions_klifs.py`` lists each remaining
    disagreement and its cause).

Rows: every hydrogen bond, halogen bond, ring pair, cation-ring pair, ionic atom pair, water
bridge and metal contact is one row; hydrophobic contacts are one row per residue (its closest
pair), as a residue's hydrophobic contacts are one contact surface.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from structkit.analysis.parallel.batch import map_structures
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.geometry.contacts import cation_pi_pairs, halogen_bond_pairs, stacking_pairs
from structkit.geometry.hbonds import hbond_pairs, hbond_pairs_with_hydrogens, min_antecedent_angle
from structkit.geometry.neighbors import neighbor_pairs
from structkit.geometry.rings import closest_member_distance, ring_centroids_normals
from structkit.io.load import LoadOptions
from structkit.model.complex import Complex
from structkit.model.interaction_atoms import (
    METAL_ELEMENTS,
    LigandInteractionAtoms,
    ProteinInteractionAtoms,
    ligand_interaction_atoms,
    protein_interaction_atoms,
)
from structkit.model.ligand import LigandChemistry, inhibitor_chemistry
from structkit.model.numbering import N_KLIFS_POSITIONS

__all__ = [
    "INTERACTION_COLOURS",
    "INTERACTION_COLUMNS",
    "INTERACTION_TYPES",
    "KLIFS_TYPES",
    "RULE_SETS",
    "InteractionContext",
    "InteractionCriteria",
    "detect",
    "fingerprint",
    "interaction_changes",
    "interaction_table",
    "interactions",
    "klifs_fingerprint",
    "mutant_report",
    "residue_fields",
]

#: One colour per interaction type (3D views draw lines in it; the fingerprint figure colours each
#: class by its first type).
INTERACTION_COLOURS = {
    "hydrophobic": "#9e9e9e", "hbond_donor": "#1f77b4", "hbond_acceptor": "#17becf",
    "face_to_face": "#9467bd", "edge_to_face": "#c5b0d5", "ionic_positive": "#d62728",
    "ionic_negative": "#ff7f0e", "cation_pi": "#e377c2", "pi_cation": "#e377c2",
    "halogen_bond": "#2ca02c", "water_bridge": "#8c564b", "metal": "#7f7f7f",
}

#: Our interaction types, in the order of fingerprint columns.
INTERACTION_TYPES = (
    "hydrophobic", "hbond_donor", "hbond_acceptor", "face_to_face", "edge_to_face",
    "ionic_positive", "ionic_negative", "cation_pi", "pi_cation", "halogen_bond", "water_bridge",
    "metal",
)
#: The seven KLIFS interaction-fingerprint bits of a pocket position, in KLIFS order.
KLIFS_TYPES = ("hydrophobic", "face_to_face", "edge_to_face", "hbond_donor", "hbond_acceptor",
               "ionic_positive", "ionic_negative")
_KLIFS_OF = {t: (t if t in KLIFS_TYPES else None) for t in INTERACTION_TYPES}
_CODE = {t: k for k, t in enumerate(INTERACTION_TYPES)}

#: Named rule sets of :meth:`InteractionCriteria.named`.
RULE_SETS = ("default", "klifs")
#: Elements (as structkit stores them, upper case) KLIFS counts as hydrophobic on the protein and
#: on the inhibitor.
_KLIFS_PROTEIN_HYDROPHOBIC = ("C", "S")
_KLIFS_LIGAND_HYDROPHOBIC = ("C", "S", "F", "CL", "BR", "I")

#: Columns of :func:`interaction_table`.
INTERACTION_COLUMNS = [
    "structure", "chain", "resnum", "icode", "resname", "uniprot", "klifs", "type", "klifs_type",
    "distance", "angle", "protein_atoms", "ligand_atoms", "water",
]


@dataclass(frozen=True)
class InteractionCriteria:
    """Geometric criteria (Å, degrees); the defaults and their sources are in the module text."""

    hydrophobic_distance: float = 4.5
    hbond_distance: float = 3.5
    hbond_min_distance: float = 2.5
    hbond_dha_angle: float = 130.0
    hbond_antecedent_angle: float = 90.0
    #: judge ammonium donors (Lys NZ, R-NH3+) by their cone, as Mol* does (KLIFS rules)
    hbond_rotatable_deviation: float | None = None
    face_to_face_distance: float = 5.5
    face_to_face_plane: tuple[float, float] = (0.0, 35.0)
    face_to_face_normal: float = 33.0
    edge_to_face_distance: float = 6.5
    edge_to_face_plane: tuple[float, float] = (50.0, 90.0)
    edge_to_face_normal: float = 30.0
    edge_to_face_intersect: float | None = 1.5
    #: an atom of one ring within this distance of the other ring's centroid (KLIFS rules)
    edge_to_face_member_to_centroid: float | None = None
    ionic_distance: float = 4.5
    cation_pi_distance: float = 4.5
    cation_pi_angle: float = 30.0
    halogen_distance: float = 3.5
    halogen_cxa_angle: tuple[float, float] = (130.0, 180.0)
    halogen_xar_angle: tuple[float, float] = (80.0, 140.0)
    water_bridge_distance: float = 3.5
    metal_distance: float = 2.8
    #: ``"default"`` (PLIP/ProLIF typing) or ``"klifs"`` (KLIFS's IFP rules; see the module text).
    rules: str = "default"

    @classmethod
    def klifs(cls) -> InteractionCriteria:
        """The rules of KLIFS's interaction fingerprint (IChem), as described in the module text.

        Returns
        -------
        InteractionCriteria
        """
        return cls(hbond_rotatable_deviation=45.0, ionic_distance=4.0, face_to_face_distance=5.7,
                   face_to_face_plane=(0.0, 30.0), face_to_face_normal=90.0, edge_to_face_distance=6.5,
                   edge_to_face_plane=(30.0, 90.0), edge_to_face_normal=90.0, edge_to_face_intersect=None,
                   edge_to_face_member_to_centroid=4.5, rules="klifs")

    @classmethod
    def named(cls, rules: str) -> InteractionCriteria:
        """The criteria of a named rule set, ``"default"`` or ``"klifs"``.

        Parameters
        ----------
        rules : str

        Returns
        -------
        InteractionCriteria

        Raises
        ------
        StructkitError
            An unknown name.
        """
        if rules == "default":
            return cls()
        if rules == "klifs":
            return cls.klifs()
        raise StructkitError(f"interaction rules {rules!r}: expected one of {', '.join(RULE_SETS)}")

    def as_dict(self) -> dict:
        """The criteria as plain values (for manifests)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


@dataclass
class InteractionContext:
    """The topology of one complex for :func:`detect` (built once, used for every frame)."""

    complex_: Complex
    criteria: InteractionCriteria
    protein: ProteinInteractionAtoms
    ligand: LigandInteractionAtoms
    waters: np.ndarray  # indices of water oxygens in complex_.waters
    metals: np.ndarray  # indices of metal ions in complex_.additives

    @classmethod
    def build(cls, complex_: Complex, criteria: InteractionCriteria | None = None) -> InteractionContext:
        """Type the atoms of ``complex_`` (which must have an inhibitor)."""
        if len(complex_.inhibitor) == 0:
            name = complex_.pdb_id or complex_.source
            raise StructkitError(f"{name}: no inhibitor in the structure, so no interactions to type")
        res = complex_.residues
        criteria = criteria or InteractionCriteria()
        protein = protein_interaction_atoms(complex_.protein, res.start)
        chemistry = inhibitor_chemistry(complex_)
        ligand = ligand_interaction_atoms(complex_.inhibitor, chemistry)
        if criteria.rules == "klifs":
            protein, ligand = _klifs_typing(complex_, chemistry, protein, ligand)
        waters = np.flatnonzero(complex_.waters.element == "O") if len(complex_.waters) else np.zeros(0, int)
        additives = complex_.additives
        metals = (np.flatnonzero(np.isin(additives.element, list(METAL_ELEMENTS)) & additives.hetero
                                 & (additives.resname == additives.element))
                  if len(additives) else np.zeros(0, int))
        return cls(complex_=complex_, criteria=criteria, protein=protein,
                   ligand=ligand, waters=waters, metals=metals)


def _klifs_typing(complex_: Complex, chemistry: LigandChemistry, protein: ProteinInteractionAtoms,
                  ligand: LigandInteractionAtoms) -> tuple[ProteinInteractionAtoms, LigandInteractionAtoms]:
    """The atom typing of KLIFS's rules: hydrophobic by element, charges as drawn."""
    hydrophobic = np.flatnonzero(np.isin(complex_.protein.element, _KLIFS_PROTEIN_HYDROPHOBIC))
    inhibitor = complex_.inhibitor
    heavy = np.flatnonzero(~inhibitor.is_hydrogen)
    charge = np.asarray(chemistry.formal_charge)
    return (replace(protein, hydrophobic=hydrophobic),
            replace(ligand, hydrophobic=heavy[np.isin(inhibitor.element[heavy], _KLIFS_LIGAND_HYDROPHOBIC)],
                    positive=heavy[charge > 0], negative=heavy[charge < 0]))


@dataclass
class Detected:
    """Interactions of one frame as parallel arrays (see :func:`detect`).

    ``protein_atoms`` and ``ligand_atoms`` hold index arrays (atoms of ``Complex.protein`` /
    ``Complex.inhibitor``); ``residue`` is the residue row, or ``-1 - k`` for metal ion ``k`` of
    the context; ``water`` the water oxygen (index into ``Complex.waters``) or -1.
    """

    kind: np.ndarray
    residue: np.ndarray
    distance: np.ndarray
    angle: np.ndarray
    water: np.ndarray
    protein_atoms: list[np.ndarray]
    ligand_atoms: list[np.ndarray]


class _Collector:
    def __init__(self) -> None:
        self.parts: list[tuple] = []

    def add(self, kind: str, residue, distance, angle, protein_atoms, ligand_atoms, water=None) -> None:
        n = len(residue)
        if n == 0:
            return
        angle = np.full(n, np.nan) if angle is None else np.asarray(angle, dtype=np.float64)
        water = np.full(n, -1, dtype=np.int64) if water is None else np.asarray(water, dtype=np.int64)
        self.parts.append((np.full(n, _CODE[kind]), np.asarray(residue, dtype=np.int64),
                           np.asarray(distance, dtype=np.float64), angle, water,
                           list(protein_atoms), list(ligand_atoms)))

    def result(self) -> Detected:
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            return Detected(empty, empty.copy(), np.zeros(0), np.zeros(0), empty.copy(), [], [])
        cols = list(zip(*self.parts))
        return Detected(
            kind=np.concatenate(cols[0]), residue=np.concatenate(cols[1]),
            distance=np.concatenate(cols[2]), angle=np.concatenate(cols[3]),
            water=np.concatenate(cols[4]), protein_atoms=[a for part in cols[5] for a in part],
            ligand_atoms=[a for part in cols[6] for a in part])


def _singles(index: np.ndarray) -> list[np.ndarray]:
    return [np.array([int(k)]) for k in index]


#: protein donors with three hydrogens turning about one bond (an ammonium: some hydrogen lies
#: near any point of the cone, so the cone is searched under KLIFS rules; a hydroxyl's single
#: hydrogen can point one way only, which a file without hydrogens does not say)
_ROTATABLE_DONORS = frozenset({("LYS", "NZ")})


def _hbonds(ctx: InteractionContext, xyz: np.ndarray, lig: np.ndarray, out: _Collector) -> None:
    p, q, c = ctx.protein, ctx.ligand, ctx.criteria

    def heavy_atom(donors, d_xyz, d_ante, acceptors, a_xyz, a_ante, rotatable):
        cone = {} if rotatable is None else {
            "rotatable": rotatable, "max_rotatable_deviation": c.hbond_rotatable_deviation}
        i, j, d = hbond_pairs(d_xyz[donors], [d_xyz[x] for x in d_ante], a_xyz[acceptors],
                              [a_xyz[x] for x in a_ante], min_distance=c.hbond_min_distance,
                              max_distance=c.hbond_distance, min_angle=c.hbond_antecedent_angle,
                              **cone)
        return i, j, d, np.full(len(i), np.nan)

    def explicit(donors, d_xyz, hydrogens, owner, acceptors, a_xyz):
        return hbond_pairs_with_hydrogens(d_xyz[donors], d_xyz[hydrogens], owner, a_xyz[acceptors],
                                          max_distance=c.hbond_distance, min_dha_angle=c.hbond_dha_angle)

    # protein donates
    if p.has_hydrogens:
        i, j, d, angle = explicit(p.donors, xyz, p.hydrogens, p.hydrogen_owner, q.acceptors, lig)
    else:
        protein = ctx.complex_.protein
        rotatable = None if c.hbond_rotatable_deviation is None else np.array(
            [(r, n) in _ROTATABLE_DONORS for r, n in zip(protein.resname[p.donors], protein.name[p.donors])],
            dtype=bool)
        i, j, d, angle = heavy_atom(p.donors, xyz, p.donor_antecedents, q.acceptors, lig,
                                    [q.neighbors[k] for k in q.acceptors], rotatable)
    out.add("hbond_donor", p.residue_of[p.donors[i]], d, angle, _singles(p.donors[i]),
            _singles(q.acceptors[j]))
    # inhibitor donates
    if q.has_hydrogens:
        i, j, d, angle = explicit(q.donors, lig, q.hydrogens, q.hydrogen_owner, p.acceptors, xyz)
    else:
        inhibitor = ctx.complex_.inhibitor
        # an ammonium (a charged N with one heavy neighbour) turns three hydrogens about its bond
        rotatable = None if c.hbond_rotatable_deviation is None else np.array(
            [len(q.neighbors[k]) == 1 and inhibitor.element[k] == "N" and k in q.positive for k in q.donors],
            dtype=bool)
        i, j, d, angle = heavy_atom(q.donors, lig, [q.neighbors[k] for k in q.donors], p.acceptors, xyz,
                                    p.acceptor_antecedents, rotatable)
    out.add("hbond_acceptor", p.residue_of[p.acceptors[j]], d, angle, _singles(p.acceptors[j]),
            _singles(q.donors[i]))


def _rings(ctx: InteractionContext, xyz: np.ndarray, lig: np.ndarray, out: _Collector) -> None:
    p, q, c = ctx.protein, ctx.ligand, ctx.criteria
    pc, pn = ring_centroids_normals(xyz, p.rings)
    lc, ln = ring_centroids_normals(lig, q.rings)
    ring_residue = p.residue_of[p.rings[:, 0]] if len(p.rings) else np.zeros(0, dtype=np.int64)

    def members(table, k):
        return table[k][table[k] >= 0]

    if len(pc) and len(lc):
        i, j, d, plane, _ = stacking_pairs(
            pc, pn, lc, ln, max_distance=c.face_to_face_distance, plane_angle=c.face_to_face_plane,
            max_normal_to_centroid=c.face_to_face_normal)
        out.add("face_to_face", ring_residue[i], d, plane, [members(p.rings, k) for k in i],
                [members(q.rings, k) for k in j])
        face_to_face = i * len(lc) + j
        i, j, d, plane, _ = stacking_pairs(
            pc, pn, lc, ln, max_distance=c.edge_to_face_distance, plane_angle=c.edge_to_face_plane,
            max_normal_to_centroid=c.edge_to_face_normal, intersect_radius=c.edge_to_face_intersect)
        keep = ~np.isin(i * len(lc) + j, face_to_face)  # a pair that passes both is face-to-face only
        if c.edge_to_face_member_to_centroid is not None:  # the edge of one ring over the other
            reach = np.minimum(closest_member_distance(xyz, p.rings[i], lc[j]),
                               closest_member_distance(lig, q.rings[j], pc[i]))
            keep &= reach <= c.edge_to_face_member_to_centroid
        i, j, d, plane = i[keep], j[keep], d[keep], plane[keep]
        if c.rules == "klifs":  # KLIFS sets one aromatic bit per residue, face-to-face first
            keep = ~np.isin(ring_residue[i], ring_residue[face_to_face // len(lc)])
            i, j, d, plane = i[keep], j[keep], d[keep], plane[keep]
        out.add("edge_to_face", ring_residue[i], d, plane, [members(p.rings, k) for k in i],
                [members(q.rings, k) for k in j])
    if len(lc) and len(p.positive):
        i, j, d, angle = cation_pi_pairs(xyz[p.positive], lc, ln, max_distance=c.cation_pi_distance,
                                         max_angle=c.cation_pi_angle)
        out.add("cation_pi", p.residue_of[p.positive[i]], d, angle, _singles(p.positive[i]),
                [members(q.rings, k) for k in j])
    if len(pc) and len(q.positive):
        i, j, d, angle = cation_pi_pairs(lig[q.positive], pc, pn, max_distance=c.cation_pi_distance,
                                         max_angle=c.cation_pi_angle)
        out.add("pi_cation", ring_residue[j], d, angle, [members(p.rings, k) for k in j],
                _singles(q.positive[i]))


def _water_bridges(ctx: InteractionContext, xyz: np.ndarray, lig: np.ndarray, water_xyz: np.ndarray,
                   out: _Collector) -> None:
    p, q, c = ctx.protein, ctx.ligand, ctx.criteria
    if len(water_xyz) == 0:
        return
    lig_polar = np.union1d(q.donors, q.acceptors)
    prot_polar = np.union1d(p.donors, p.acceptors)
    ante_of = dict(zip(p.donors.tolist(), p.donor_antecedents))
    ante_of.update(zip(p.acceptors.tolist(), p.acceptor_antecedents))

    def legs(polar_xyz, antecedents):
        i, w, d = neighbor_pairs(polar_xyz, water_xyz, c.water_bridge_distance)
        ok = d >= c.hbond_min_distance
        i, w, d = i[ok], w[ok], d[ok]
        if len(i):  # no bonded atom of the polar atom may sit between it and the water
            parts = [np.asarray(antecedents[k], dtype=np.float64).reshape(-1, 3) for k in i]
            counts = np.array([len(x) for x in parts], dtype=np.int64)
            angle = min_antecedent_angle(polar_xyz[i], water_xyz[w], np.concatenate(parts), counts)
            ok = angle >= c.hbond_antecedent_angle
            i, w, d = i[ok], w[ok], d[ok]
        return i, w, d

    li, lw, ld = legs(lig[lig_polar], [lig[q.neighbors[k]] for k in lig_polar])
    pi, pw, pd_ = legs(xyz[prot_polar], [xyz[ante_of[int(k)]] for k in prot_polar])
    if len(li) == 0 or len(pi) == 0:
        return
    by_water: dict[int, list[int]] = {}
    for k, w in enumerate(pw.tolist()):
        by_water.setdefault(w, []).append(k)
    rows = []
    for a, w in enumerate(lw.tolist()):
        for b in by_water.get(w, []):
            rows.append((a, b))
    if not rows:
        return
    a, b = np.array(rows).T
    atoms_p = prot_polar[pi[b]]
    out.add("water_bridge", p.residue_of[atoms_p], np.maximum(ld[a], pd_[b]), None, _singles(atoms_p),
            _singles(lig_polar[li[a]]), water=ctx.waters[lw[a]])


def detect(ctx: InteractionContext, protein_xyz: np.ndarray, inhibitor_xyz: np.ndarray,
           water_xyz: np.ndarray | None = None, metal_xyz: np.ndarray | None = None) -> Detected:
    """Every typed interaction of one set of coordinates.

    Parameters
    ----------
    ctx : InteractionContext
    protein_xyz, inhibitor_xyz : ndarray
        Coordinates of ``Complex.protein`` and ``Complex.inhibitor`` (this frame).
    water_xyz : ndarray, optional
        Coordinates of the context's water oxygens (default: the complex's own); an empty array
        for none (a trajectory without waters).
    metal_xyz : ndarray, optional
        Coordinates of the context's metal ions (default: the complex's own).
    """
    c = ctx.criteria
    p, q = ctx.protein, ctx.ligand
    xyz = np.asarray(protein_xyz, dtype=np.float64)
    lig = np.asarray(inhibitor_xyz, dtype=np.float64)
    if water_xyz is None:
        water_xyz = ctx.complex_.waters.coords[ctx.waters] if len(ctx.waters) else np.zeros((0, 3))
    if metal_xyz is None:
        metal_xyz = ctx.complex_.additives.coords[ctx.metals] if len(ctx.metals) else np.zeros((0, 3))
    out = _Collector()

    # hydrophobic: one row per residue, its closest pair
    i, j, d = neighbor_pairs(xyz[p.hydrophobic], lig[q.hydrophobic], c.hydrophobic_distance)
    if len(i):
        residue = p.residue_of[p.hydrophobic[i]]
        order = np.lexsort((d, residue))
        first = order[np.r_[True, residue[order][1:] != residue[order][:-1]]]
        out.add("hydrophobic", residue[first], d[first], None, _singles(p.hydrophobic[i[first]]),
                _singles(q.hydrophobic[j[first]]))
    _hbonds(ctx, xyz, lig, out)
    # ionic
    for kind, prot, ligand in (("ionic_positive", p.positive, q.negative),
                               ("ionic_negative", p.negative, q.positive)):
        i, j, d = neighbor_pairs(xyz[prot], lig[ligand], c.ionic_distance)
        out.add(kind, p.residue_of[prot[i]], d, None, _singles(prot[i]), _singles(ligand[j]))
    _rings(ctx, xyz, lig, out)
    if len(q.halogens) and len(p.acceptors):
        i, j, d, angle = halogen_bond_pairs(
            lig[q.halogens], lig[q.halogen_carbons], xyz[p.acceptors],
            [xyz[x] for x in p.acceptor_antecedents], max_distance=c.halogen_distance,
            cxa_angle=c.halogen_cxa_angle, xar_angle=c.halogen_xar_angle)
        out.add("halogen_bond", p.residue_of[p.acceptors[j]], d, angle, _singles(p.acceptors[j]),
                _singles(q.halogens[i]))
    _water_bridges(ctx, xyz, lig, np.asarray(water_xyz, dtype=np.float64).reshape(-1, 3), out)
    if len(metal_xyz):
        binders = np.union1d(q.acceptors, q.negative)
        i, j, d = neighbor_pairs(lig[binders], np.asarray(metal_xyz, dtype=np.float64), c.metal_distance)
        out.add("metal", -1 - j, d, None, [np.zeros(0, dtype=np.int64)] * len(i), _singles(binders[i]))
    return out.result()


def _structure_label(complex_: Complex) -> str:
    return complex_.pdb_id or (complex_.source.name if complex_.source else "structure")


def interaction_table(complex_: Complex, criteria: InteractionCriteria | None = None,
                      context: InteractionContext | None = None) -> pd.DataFrame:
    """All typed interactions of a complex's inhibitor, one row per interaction.

    Parameters
    ----------
    complex_ : Complex
        A complex with an inhibitor (hydrogens are used where the complex kept them).
    criteria : InteractionCriteria, optional
    context : InteractionContext, optional
        A context already built for ``complex_``.

    Returns
    -------
    pandas.DataFrame
        :data:`INTERACTION_COLUMNS`, sorted by residue, type, distance. ``klifs`` is the KLIFS
        pocket position (missing off the pocket), ``uniprot`` the reference number.
    """
    ctx = context or InteractionContext.build(complex_, criteria)
    found = detect(ctx, complex_.protein.coords, complex_.inhibitor.coords)
    return _frame(ctx, found)


def residue_fields(ctx: InteractionContext, row: int) -> dict:
    """chain, resnum, icode, resname, uniprot and klifs of a :class:`Detected` residue (a residue
    row, or ``-1 - k`` for metal ion ``k``; ions have no reference number or KLIFS position)."""
    if row >= 0:
        res = ctx.complex_.residues
        return {"chain": str(res.chain[row]), "resnum": int(res.resnum[row]), "icode": str(res.icode[row]),
                "resname": str(res.resname[row]),
                "uniprot": int(res.uniprot[row]) if res.uniprot[row] >= 0 else None,
                "klifs": int(res.klifs_position[row]) or None}
    additives, ion = ctx.complex_.additives, ctx.metals[-1 - row]
    return {"chain": str(additives.chain[ion]), "resnum": int(additives.resnum[ion]),
            "icode": str(additives.icode[ion]), "resname": str(additives.resname[ion]),
            "uniprot": None, "klifs": None}


def _frame(ctx: InteractionContext, found: Detected) -> pd.DataFrame:
    complex_ = ctx.complex_
    protein, inhibitor, waters = complex_.protein, complex_.inhibitor, complex_.waters
    rows = []
    for k in range(len(found.kind)):
        kind = INTERACTION_TYPES[int(found.kind[k])]
        residue = residue_fields(ctx, int(found.residue[k]))
        w = int(found.water[k])
        rows.append({
            "structure": _structure_label(complex_), **residue, "type": kind, "klifs_type": _KLIFS_OF[kind],
            "distance": round(float(found.distance[k]), 3),
            "angle": round(float(found.angle[k]), 1) if np.isfinite(found.angle[k]) else np.nan,
            "protein_atoms": ",".join(protein.name[found.protein_atoms[k]].tolist()) or residue["resname"],
            "ligand_atoms": ",".join(inhibitor.name[found.ligand_atoms[k]].tolist()),
            "water": f"{waters.resname[w]} {waters.chain[w]}{int(waters.resnum[w])}" if w >= 0 else "",
        })
    frame = pd.DataFrame(rows, columns=INTERACTION_COLUMNS)
    for name in ("uniprot", "klifs"):
        frame[name] = frame[name].astype("Int64")
    if len(frame):
        frame["_order"] = frame["type"].map(_CODE)
        frame = frame.sort_values(["chain", "resnum", "icode", "_order", "distance"], kind="mergesort")
        frame = frame.drop(columns="_order").reset_index(drop=True)
    return frame


def fingerprint(table: pd.DataFrame) -> pd.DataFrame:
    """Residue × interaction-type fingerprint (True where the residue makes that interaction).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`interaction_table` (one or several structures).

    Returns
    -------
    pandas.DataFrame
        One row per (structure, chain, resnum, icode, resname, uniprot, klifs), one boolean
        column per type of :data:`INTERACTION_TYPES`.
    """
    keys = ["structure", "chain", "resnum", "icode", "resname", "uniprot", "klifs"]
    if len(table) == 0:
        return pd.DataFrame(columns=[*keys, *INTERACTION_TYPES])
    rows: dict[tuple, set[str]] = {}
    keyed = zip(*(table[k].astype(object).where(table[k].notna(), None) for k in keys))
    for key, kind in zip(keyed, table["type"]):
        rows.setdefault(key, set()).add(kind)
    wide = pd.DataFrame([[*key, *(t in kinds for t in INTERACTION_TYPES)] for key, kinds in rows.items()],
                        columns=[*keys, *INTERACTION_TYPES])
    for name in ("uniprot", "klifs"):
        wide[name] = pd.array(wide[name], dtype="Int64")
    return wide


def klifs_fingerprint(table: pd.DataFrame) -> np.ndarray:
    """The 85 × 7 KLIFS interaction fingerprint of one structure's interactions.

    Bits per pocket position in KLIFS order (:data:`KLIFS_TYPES`): hydrophobic, face-to-face,
    edge-to-face, H-bond donor, H-bond acceptor, ionic positive, ionic negative (the protein's
    role, as in KLIFS). To compare with KLIFS's own fingerprint, type the table with
    ``InteractionCriteria.klifs()``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`interaction_table` of one structure.

    Returns
    -------
    ndarray of bool
        Shape (85, 7); ``bits.ravel()`` is in the order of KLIFS's 595-character string.
    """
    bits = np.zeros((N_KLIFS_POSITIONS, 7), dtype=bool)
    typed = table[table["klifs"].notna() & table["klifs_type"].notna()]
    for position, kind in zip(typed["klifs"].astype(int), typed["klifs_type"]):
        bits[position - 1, KLIFS_TYPES.index(kind)] = True
    return bits


def interaction_changes(before: pd.DataFrame, after: pd.DataFrame,
                        residues: Iterable[int] | None = None) -> pd.DataFrame:
    """Interactions a change of structure (a mutation, a frame) removes and adds.

    Interactions are compared as the fingerprint sees them, by (residue, type): a hydrophobic
    contact kept through other atoms is no change. Each removed (added) interaction is shown by
    its closest row before (after).

    Parameters
    ----------
    before, after : pandas.DataFrame
        :func:`interaction_table` of the two structures.
    residues : iterable of int, optional
        Reference (UniProt) numbers to compare (default: every residue).

    Returns
    -------
    pandas.DataFrame
        ``change`` (``removed`` or ``added``) and the interaction columns.
    """
    frames = [before, after]
    if residues is not None:
        wanted = {int(r) for r in residues}
        frames = [f[f["uniprot"].isin(wanted)] for f in frames]
    b, a = (_closest_rows(f) for f in frames)
    parts = []
    for frame, mine, other, change in ((frames[0], b, a, "removed"), (frames[1], a, b, "added")):
        rows = [mine[k] for k in sorted(set(mine) - set(other))]
        if rows:
            parts.append(frame.iloc[rows].assign(change=change))
    if not parts:
        return pd.DataFrame(columns=["change", *INTERACTION_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["change", *INTERACTION_COLUMNS]]


def _closest_rows(frame: pd.DataFrame) -> dict[tuple, int]:
    """(chain, resnum, icode, type) -> position of its closest row (the first of equals; NaN last)."""
    order = np.argsort(frame["distance"].to_numpy(dtype=float), kind="mergesort")
    keys = list(zip(*(frame[k].tolist() for k in ("chain", "resnum", "icode", "type"))))
    closest: dict[tuple, int] = {}
    for position in order.tolist():
        closest.setdefault(keys[position], position)
    return closest


def _one(complex_: Complex, criteria: InteractionCriteria | None, skip_apo: bool) -> pd.DataFrame | str:
    """One task: the table, or (``skip_apo``) the label of a structure without an inhibitor."""
    if skip_apo and len(complex_.inhibitor) == 0:
        return _structure_label(complex_)
    return interaction_table(complex_, criteria)


def interactions(
    ids: Iterable[str],
    *,
    criteria: InteractionCriteria | None = None,
    options: LoadOptions | None = None,
    failures: dict[str, str] | None = None,
    engine: Engine | None = None,
    apo: list[str] | None = None,
) -> pd.DataFrame:
    """Interaction tables of many structures, concatenated (hydrogens kept where files have them).

    Parameters
    ----------
    ids : iterable of str
        PDB IDs or files.
    criteria : InteractionCriteria, optional
    options : LoadOptions, optional
        Where structures come from and how each is read.
    failures, engine
        As for :func:`structkit.analysis.parallel.batch.map_structures`.
    apo : list, optional
        Where given, structures without an inhibitor are left out and named here (a batch over
        the catalogue holds apo entries); by default such a structure is an error.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`interaction_table` of every structure, with a ``structure`` column.
    """
    options = replace(options or LoadOptions.resolve(), keep_hydrogens=True)
    results = map_structures(list(ids), partial(_one, criteria=criteria, skip_apo=apo is not None),
                             failures=failures, engine=engine, options=options)
    if apo is not None:
        apo.extend(r for r in results if isinstance(r, str))
    frames = [f for f in results if not isinstance(f, str) and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=INTERACTION_COLUMNS)


def mutant_report(complex_: Complex, model) -> pd.DataFrame:
    """A mutant model's per-site report (:meth:`~structkit.model.mutate.MutantModel.to_frame`) with the
    interactions the mutation removes and adds at each site (``interactions_removed``,
    ``interactions_added``: ``type (protein atoms-ligand atoms d A)``, ``;``-joined; empty for an apo
    structure).

    Parameters
    ----------
    complex_ : Complex
        The structure the model was built on.
    model : MutantModel
        :func:`structkit.mutate` of it.
    """
    report = model.to_frame()
    changes = None
    if len(complex_.inhibitor):
        sites = [site.site for site in model.sites]
        changes = interaction_changes(interaction_table(complex_), interaction_table(model.complex_), sites)

    def changed(kind: str, site: int) -> str:
        if changes is None:
            return ""
        rows = changes[(changes["change"] == kind) & (changes["uniprot"] == site)]
        return "; ".join(f"{r.type} ({r.protein_atoms}-{r.ligand_atoms} {r.distance:.1f} A)"
                         for r in rows.itertuples())

    report["interactions_removed"] = [changed("removed", site) for site in report["site"]]
    report["interactions_added"] = [changed("added", site) for site in report["site"]]
    return report
