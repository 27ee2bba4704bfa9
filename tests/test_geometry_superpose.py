"""Kabsch superposition against Biopython's SVDSuperimposer and known rigid motions."""

from __future__ import annotations

import numpy as np
import pytest
from Bio.SVDSuperimposer import SVDSuperimposer
from scipy.spatial.transform import Rotation

from structkit.geometry.superpose import apply_transform, rmsd, superpose


def test_recovers_a_rigid_motion():
    rng = np.random.default_rng(1)
    target = rng.normal(size=(40, 3)) * 10
    rot = Rotation.from_rotvec([0.3, -1.2, 2.0]).as_matrix()
    mobile = (target - 5.0) @ rot.T
    r, t = superpose(mobile, target)
    assert rmsd(apply_transform(mobile, r, t), target) < 1e-9
    assert np.linalg.det(r) == pytest.approx(1.0)


def test_agrees_with_biopython_on_noisy_pairs():
    rng = np.random.default_rng(2)
    target = rng.normal(size=(30, 3)) * 8
    mobile = target @ Rotation.from_rotvec([1.0, 0.5, -0.2]).as_matrix().T + rng.normal(size=(30, 3))
    r, t = superpose(mobile, target)
    sup = SVDSuperimposer()
    sup.set(target, mobile)
    sup.run()
    assert rmsd(apply_transform(mobile, r, t), target) == pytest.approx(sup.get_rms(), abs=1e-9)


def test_needs_three_pairs():
    with pytest.raises(ValueError):
        superpose(np.zeros((2, 3)), np.zeros((2, 3)))


def test_a_stack_equals_one_call_per_set():
    rng = np.random.default_rng(3)
    target = rng.normal(size=(6, 12, 3)) * 5
    mobile = np.stack([t @ Rotation.from_rotvec(rng.normal(size=3)).as_matrix().T + rng.normal(size=3)
                       + 0.3 * rng.normal(size=t.shape) for t in target])
    rots, trans = superpose(mobile, target)
    assert rots.shape == (6, 3, 3) and trans.shape == (6, 3)
    for k in range(6):
        r, t = superpose(mobile[k], target[k])
        assert np.allclose(rots[k], r) and np.allclose(trans[k], t)
