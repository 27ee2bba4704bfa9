"""The backrub rotation against SciPy's rotation vectors, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from structkit.geometry.backrub import rotate_about_axis


def test_agrees_with_scipy_rotation_vectors():
    rng = np.random.default_rng(7)
    points = rng.normal(size=(25, 3)) * 6
    start, end = np.array([1.0, -2.0, 0.5]), np.array([4.0, 1.0, -3.0])
    for angle in (-15.0, 7.5, 90.0, 181.0):
        axis = (end - start) / np.linalg.norm(end - start)
        expected = Rotation.from_rotvec(np.deg2rad(angle) * axis).apply(points - start) + start
        np.testing.assert_allclose(rotate_about_axis(points, start, end, angle), expected, atol=1e-12)


def test_keeps_distances_to_the_axis_points_and_the_axis_itself():
    rng = np.random.default_rng(8)
    points = rng.normal(size=(10, 3)) * 4
    start, end = np.zeros(3), np.array([0.0, 0.0, 3.8])
    moved = rotate_about_axis(points, start, end, 12.0)
    for pivot in (start, end):
        np.testing.assert_allclose(np.linalg.norm(moved - pivot, axis=1),
                                   np.linalg.norm(points - pivot, axis=1))
    np.testing.assert_allclose(moved[:, 2], points[:, 2])  # the axis is z: heights are kept
    on_axis = np.array([[0.0, 0.0, 1.7]])
    np.testing.assert_allclose(rotate_about_axis(on_axis, start, end, 33.0), on_axis, atol=1e-12)
    # +12 degrees counter-clockwise seen from +z: the polar angle grows by 12
    turned = np.degrees(np.arctan2(moved[:, 1], moved[:, 0]) - np.arctan2(points[:, 1], points[:, 0]))
    np.testing.assert_allclose((turned + 180.0) % 360.0 - 180.0, 12.0)


def test_refuses_a_degenerate_axis():
    with pytest.raises(ValueError):
        rotate_about_axis(np.ones((2, 3)), np.zeros(3), np.zeros(3), 5.0)
