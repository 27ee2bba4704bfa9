"""Vina on a receptor (structkit.posing.vina_run): the docking search's threads."""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pytest
from rdkit import Chem

from structkit.io.load import load
from structkit.posing.placement import embedded
from structkit.posing.vina_run import Box, VinaReceptor, search_threads
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def test_search_threads_follow_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert search_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert search_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert search_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("OMP_NUM_THREADS", "many")  # not a number: the CPUs of the process
    assert search_threads() == len(os.sched_getaffinity(0))


@pytest.mark.slow
def test_docking_gives_the_same_poses_on_one_and_two_threads():
    # with one seed the thread count may change the time, never the poses (crizotinib's
    # aminopyridine fragment in 2XP2)
    crystal = load("2XP2", mirrors=[SHARED])
    ligand, protein = crystal.inhibitor.coords, crystal.protein
    near = np.linalg.norm(protein.coords[:, None] - ligand[None], axis=2).min(axis=1) < 12.0
    # the pocket's heavy atoms as read (no hydrogens: the search is the point, not the receptor)
    pocket = SimpleNamespace(element=protein.element[near], coords=protein.coords[near])
    box = Box.around(ligand, margin=0.0, minimum=0.0)
    fragment = embedded(Chem.AddHs(Chem.MolFromSmiles("Nc1ncc(cc1OC)-c1cn[nH]c1")), "fragment")
    docked = {n: VinaReceptor(pocket, box, threads=n).dock(fragment, exhaustiveness=2, n_poses=4)
              for n in (1, 2)}
    assert len(docked[1]) >= 2
    assert [e for e, _ in docked[1]] == [e for e, _ in docked[2]]
    for (_, one), (_, two) in zip(docked[1], docked[2]):
        np.testing.assert_array_equal(one.GetConformer().GetPositions(), two.GetConformer().GetPositions())
