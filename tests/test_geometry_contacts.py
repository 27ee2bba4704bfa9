"""Ring, cation-π, halogen-bond and explicit-hydrogen kernels on built geometry (checked by hand),
and the three interaction types no structure of the local data shows (cation-π both ways, metal
contacts) on real coordinates with one partner placed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.interactions import (
    INTERACTION_TYPES,
    InteractionContext,
    detect,
    interaction_table,
)
from structkit.geometry.contacts import cation_pi_pairs, halogen_bond_pairs, stacking_pairs
from structkit.geometry.hbonds import hbond_pairs, hbond_pairs_with_hydrogens
from structkit.geometry.rings import closest_member_distance, pad_rings, ring_centroids_normals
from structkit.model.atoms import Atoms
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def hexagon(center, normal_axis: int = 2, radius: float = 1.39) -> np.ndarray:
    angles = np.arange(6) * np.pi / 3
    ring = np.zeros((6, 3))
    axes = [a for a in range(3) if a != normal_axis]
    ring[:, axes[0]] = radius * np.cos(angles)
    ring[:, axes[1]] = radius * np.sin(angles)
    return ring + np.asarray(center, dtype=float)


def test_ring_centroid_and_normal_with_a_padded_five_ring():
    six = hexagon([1, 2, 3])
    pentagon = np.c_[np.cos(np.arange(5) * 2 * np.pi / 5), np.zeros(5), np.sin(np.arange(5) * 2 * np.pi / 5)]
    xyz = np.vstack([six, pentagon + np.array([5.0, 5.0, 5.0])])
    centroids, normals = ring_centroids_normals(xyz, pad_rings([range(6), range(6, 11)]))
    assert centroids == pytest.approx(np.array([[1, 2, 3], [5, 5, 5]]))
    assert np.abs(normals) == pytest.approx(np.array([[0, 0, 1], [0, 1, 0]]))


def test_face_to_face_sandwich_and_offset():
    a_c, a_n = ring_centroids_normals(hexagon([0, 0, 0]), pad_rings([range(6)]))
    stacked = ring_centroids_normals(hexagon([0, 0, 3.6]), pad_rings([range(6)]))
    offset = ring_centroids_normals(hexagon([3.5, 0, 3.6]), pad_rings([range(6)]))
    kw = {"max_distance": 5.5, "plane_angle": (0, 35), "max_normal_to_centroid": 33}
    i, _, d, plane, ncc = stacking_pairs(a_c, a_n, *stacked, **kw)
    assert len(i) == 1 and d[0] == pytest.approx(3.6) and plane[0] == pytest.approx(0) and ncc[0] < 1e-6
    # 3.5 Å sideways: the centroid line is 44° from both normals: parallel-displaced, rejected
    assert len(stacking_pairs(a_c, a_n, *offset, **kw)[0]) == 0


def test_edge_to_face_needs_the_edge_over_the_face():
    face = ring_centroids_normals(hexagon([0, 0, 0]), pad_rings([range(6)]))
    kw = {"max_distance": 6.5, "plane_angle": (50, 90), "max_normal_to_centroid": 30,
          "intersect_radius": 1.5}
    t_shape = ring_centroids_normals(hexagon([0, 0, 4.9], normal_axis=0), pad_rings([range(6)]))
    assert len(stacking_pairs(*face, *t_shape, **kw)[0]) == 1
    beside = ring_centroids_normals(hexagon([2.5, 0, 4.9], normal_axis=0), pad_rings([range(6)]))
    assert len(stacking_pairs(*face, *beside, **kw)[0]) == 0  # its plane crosses 2.5 Å off the centre


def test_closest_ring_member_to_a_point():
    # a hexagon of radius 1.39 in the xy plane: from (0, 0, 4) every member is sqrt(1.39² + 4²)
    # away; from (5, 0, 0) the member at (1.39, 0, 0) is 3.61 away; a padded five-ring's -1
    # slot is ignored
    rings = pad_rings([range(6), range(5)])
    d = closest_member_distance(hexagon([0, 0, 0]), rings, np.array([[0, 0, 4.0], [5.0, 0, 0]]))
    assert d == pytest.approx([np.hypot(1.39, 4.0), 5.0 - 1.39])


def test_an_ammonium_donor_is_judged_by_its_cone():
    # X-D...A of 70°: the plain antecedent test (>= 90°) rejects it; a donor whose hydrogens
    # turn about X-D can point one 39.5° off the D...A line (within Mol*'s 45° of tetrahedral),
    # while at 50° (59.5° off) even the cone cannot reach
    donor, antecedent = np.zeros((1, 3)), [np.array([[1.5, 0.0, 0.0]])]

    def acceptor(angle: float) -> np.ndarray:
        a = np.radians(angle)
        return np.array([[3.0 * np.cos(a), 3.0 * np.sin(a), 0.0]])

    plain = {"min_distance": 2.5, "max_distance": 3.5}
    cone = {**plain, "rotatable": np.array([True])}
    assert len(hbond_pairs(donor, antecedent, acceptor(70), [np.zeros((0, 3))], **plain)[0]) == 0
    assert len(hbond_pairs(donor, antecedent, acceptor(70), [np.zeros((0, 3))], **cone)[0]) == 1
    assert len(hbond_pairs(donor, antecedent, acceptor(50), [np.zeros((0, 3))], **cone)[0]) == 0
    # straight behind the antecedent (180°, 70.5° off tetrahedral) no hydrogen on the cone points
    # at the acceptor, though the plain test passes it
    assert len(hbond_pairs(donor, antecedent, acceptor(180), [np.zeros((0, 3))], **plain)[0]) == 1
    assert len(hbond_pairs(donor, antecedent, acceptor(180), [np.zeros((0, 3))], **cone)[0]) == 0


def test_cation_pi_distance_and_angle_limits():
    c, n = ring_centroids_normals(hexagon([0, 0, 0]), pad_rings([range(6)]))
    tilt = np.radians(40)
    above = np.array([[0, 0, 3.8], [0, 0, 4.6], [3.8 * np.sin(tilt), 0, 3.8 * np.cos(tilt)]])
    i, _, d, angle = cation_pi_pairs(above, c, n, max_distance=4.5, max_angle=30)
    assert i.tolist() == [0] and d[0] == pytest.approx(3.8) and angle[0] == pytest.approx(0, abs=1e-6)


def test_halogen_bond_angles():
    carbon, chlorine = np.array([[0.0, 0, 0]]), np.array([[1.75, 0, 0]])
    straight = np.array([[4.85, 0, 0]])  # C-Cl...O 180°, 3.1 Å
    kw = {"max_distance": 3.5, "cxa_angle": (130, 180), "xar_angle": (80, 140)}
    # acceptor carbonyl C placed so that Cl...O=C is 120°
    ante = [np.array([[4.85 + 1.23 * np.cos(np.radians(60)), 1.23 * np.sin(np.radians(60)), 0]])]
    i, _, d, cxa = halogen_bond_pairs(chlorine, carbon, straight, ante, **kw)
    assert len(i) == 1 and d[0] == pytest.approx(3.1) and cxa[0] == pytest.approx(180)
    side = np.array([[1.75, 3.1, 0]])  # C-Cl...O 90°: the σ-hole points elsewhere
    assert len(halogen_bond_pairs(chlorine, carbon, side, [ante[0] - straight + side], **kw)[0]) == 0


def test_explicit_hydrogen_bond_angle():
    donor, hydrogen = np.array([[0.0, 0, 0]]), np.array([[1.0, 0, 0]])
    acceptors = np.array([[2.9, 0, 0], [0.5, 2.85, 0]])  # linear; and D-H...A about 72°
    _, j, d, angle = hbond_pairs_with_hydrogens(donor, hydrogen, np.array([0]), acceptors)
    assert j.tolist() == [0] and d[0] == pytest.approx(2.9) and angle[0] == pytest.approx(180)


def _with_atom(atoms: Atoms, element: str, name: str, resname: str, xyz: np.ndarray) -> Atoms:
    extra = {f.name: getattr(atoms, f.name)[:1].copy() for f in dataclasses.fields(atoms)}
    extra.update(coords=np.asarray([xyz], dtype=float), element=np.array([element]),
                 name=np.array([name]), resname=np.array([resname]), chain=np.array(["A"]),
                 resnum=np.array([9001]), hetero=np.array([True]), entity=np.array(["Z"]))
    return Atoms(**{k: np.concatenate([getattr(atoms, k), v]) for k, v in extra.items()})


def test_metal_contact_on_real_coordinates():
    """No structure here has a metal at its inhibitor: in ALK-ADP (3LCT) a Mg2+ is placed 2.1 Å
    from the α-phosphate oxygen O1A, opposite P (where Mg sits in kinase-ATP complexes); the
    contact is found, and not at 3.0 Å."""
    complex_ = structkit.load("3LCT", mirrors=[SHARED])
    inhibitor = complex_.inhibitor
    o1a = inhibitor.coords[inhibitor.name == "O1A"][0]
    pa = inhibitor.coords[inhibitor.name == "PA"][0]
    direction = (o1a - pa) / np.linalg.norm(o1a - pa)
    for distance, found in ((2.1, True), (3.0, False)):
        placed = dataclasses.replace(complex_, additives=_with_atom(complex_.additives, "MG", "MG", "MG",
                                                                    o1a + distance * direction))
        table = interaction_table(placed)
        metal = table[table["type"] == "metal"]
        assert (len(metal) > 0) == found
        if found:
            best = metal.sort_values("distance").iloc[0]
            assert best.resname == "MG" and best.ligand_atoms == "O1A" and pd.isna(best.klifs)
            assert best.distance == pytest.approx(2.1, abs=1e-3)


def test_cation_pi_both_ways_on_real_coordinates():
    """No structure here has a cation over a ring of its partner. In lorlatinib-ALK (4CLI) K1150's
    Nζ is moved to 3.8 Å over the centroid of lorlatinib's pyrazole, along its normal: cation_pi;
    staurosporine's charged methylamine N4 (3LCS), moved 3.8 Å over F1271's ring: pi_cation."""
    complex_ = structkit.load("4CLI", mirrors=[SHARED])
    ctx = InteractionContext.build(complex_)
    centroids, normals = ring_centroids_normals(complex_.inhibitor.coords, ctx.ligand.rings)
    nz = int(np.flatnonzero((complex_.protein.name == "NZ") & (complex_.protein.resnum == 1150))[0])
    protein_xyz = complex_.protein.coords.copy()
    protein_xyz[nz] = centroids[0] + 3.8 * normals[0]
    found = detect(ctx, protein_xyz, complex_.inhibitor.coords)
    kinds = {(int(complex_.residues.resnum[r]), int(k)) for r, k in zip(found.residue, found.kind)}
    assert (1150, INTERACTION_TYPES.index("cation_pi")) in kinds

    complex_ = structkit.load("3LCS", mirrors=[SHARED])
    ctx = InteractionContext.build(complex_)
    centroids, normals = ring_centroids_normals(complex_.protein.coords, ctx.protein.rings)
    ring = int(np.flatnonzero(complex_.protein.resnum[ctx.protein.rings[:, 0]] == 1271)[0])
    ligand_xyz = complex_.inhibitor.coords.copy()
    ligand_xyz[complex_.inhibitor.name == "N4"] = centroids[ring] + 3.8 * normals[ring]
    found = detect(ctx, complex_.protein.coords, ligand_xyz)
    kinds = {(int(complex_.residues.resnum[r]), int(k)) for r, k in zip(found.residue, found.kind)}
    assert (1271, INTERACTION_TYPES.index("pi_cation")) in kinds
