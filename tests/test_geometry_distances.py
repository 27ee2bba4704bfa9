"""Distance and neighbour kernels against MDAnalysis, and their invariance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from MDAnalysis.lib.distances import capped_distance, distance_array

import structkit
from structkit.geometry.distances import (
    count_within_by_group,
    distance_matrix,
    group_ids,
    min_distance_by_group,
)
from structkit.geometry.neighbors import neighbor_pairs, self_pairs
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


@pytest.fixture(scope="module")
def complex_():
    return structkit.load(SHARED / "4cli.cif")


def test_distance_matrix_matches_mdanalysis(complex_):
    a, b = complex_.protein.coords[:500], complex_.inhibitor.coords
    np.testing.assert_allclose(distance_matrix(a, b), distance_array(a, b), atol=1e-4)


def test_neighbor_pairs_match_mdanalysis(complex_):
    a, b = complex_.protein.coords, complex_.inhibitor.coords
    i, j, d = neighbor_pairs(a, b, 6.0)
    pairs, dist = capped_distance(a, b, 6.0)
    ours = {(int(x), int(y)) for x, y in zip(i, j)}
    theirs = {(int(x), int(y)) for x, y in pairs}
    assert ours == theirs and len(ours) > 100
    lookup = dict(zip(map(tuple, pairs.tolist()), dist))
    for x, y, dd in zip(i, j, d):
        assert dd == pytest.approx(lookup[(x, y)], abs=1e-4)


def test_self_pairs_match_brute_force(complex_):
    coords = complex_.inhibitor.coords
    i, j = self_pairs(coords, 2.0)
    dm = distance_matrix(coords, coords)
    expected = {(x, y) for x in range(len(coords)) for y in range(x + 1, len(coords)) if dm[x, y] <= 2.0}
    assert set(zip(i.tolist(), j.tolist())) == expected


def test_coincident_points_are_neighbours():
    i, j, d = neighbor_pairs(np.zeros((1, 3)), np.zeros((2, 3)), 1.0)
    assert i.tolist() == [0, 0] and j.tolist() == [0, 1] and d.tolist() == [0.0, 0.0]


def test_min_distance_by_residue_matches_brute_force(complex_):
    p, lig = complex_.protein, complex_.inhibitor.coords
    starts = p.residue_starts()
    groups = group_ids(starts, len(p))
    full = min_distance_by_group(p.coords, groups, len(starts), lig)
    cut = min_distance_by_group(p.coords, groups, len(starts), lig, cutoff=8.0)
    brute = np.array([distance_array(p.coords[a:b], lig).min()
                      for a, b in zip(starts, np.append(starts[1:], len(p)))])
    np.testing.assert_allclose(full, brute, atol=1e-4)
    near = brute <= 8.0
    np.testing.assert_allclose(cut[near], brute[near], atol=1e-4)
    assert np.isinf(cut[~near]).all()
    # the gatekeeper L1196 touches lorlatinib
    row = complex_.residues.index_of(1196)
    assert full[row] < 4.5


def test_count_within_by_residue(complex_):
    p, lig = complex_.protein, complex_.inhibitor.coords
    starts = p.residue_starts()
    counts = count_within_by_group(p.coords, group_ids(starts, len(p)), len(starts), lig, (4.0, 6.0))
    for r in (complex_.residues.index_of(1198), complex_.residues.index_of(1202)):
        a, b = starts[r], (starts[r + 1] if r + 1 < len(starts) else len(p))
        d = distance_array(p.coords[a:b], lig).min(axis=0)
        assert counts[r].tolist() == [(d <= 4.0).sum(), (d <= 6.0).sum()]
    assert (counts[:, 0] <= counts[:, 1]).all()


@settings(max_examples=20, deadline=None)
@given(st.floats(-50, 50), st.floats(-50, 50), st.floats(-50, 50), st.floats(0, 2 * np.pi))
def test_min_distances_invariant_under_rigid_motion(x, y, z, angle):
    c = structkit.load(SHARED / "4cli.cif")
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    move = lambda xyz: xyz @ rot.T + np.array([x, y, z])  # noqa: E731
    starts = c.protein.residue_starts()
    groups = group_ids(starts, len(c.protein))
    before = min_distance_by_group(c.protein.coords, groups, len(starts), c.inhibitor.coords, 10.0)
    after = min_distance_by_group(move(c.protein.coords), groups, len(starts), move(c.inhibitor.coords), 10.0)
    finite = np.isfinite(before) & (before < 9.99)
    np.testing.assert_allclose(after[finite], before[finite], atol=1e-6)
