"""The accurate ddG mode: backrubbed members of a prepared complex and the ensemble estimate,
checked by hand against its members, the fast estimate and the measured ABL1 gatekeeper."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.analysis.measure.ddg import ddg_table
from structkit.analysis.measure.estimates import ddg
from structkit.analysis.parallel.engine import Engine
from structkit.energy.ddg import COMPONENTS, DdgEstimator
from structkit.energy.ensemble import BACKRUB_ANGLES, EnsembleDdgEstimator, backrub_member
from structkit.energy.uncertainty import model_sd_table
from structkit.errors import StructkitError
from tests.util import abl_files, run

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


def _bonded_pairs(prep):
    """Covalent pairs of the chain by distance (1.9 Å heavy, 1.2 Å with a hydrogen)."""
    from scipy.spatial import cKDTree

    pairs = np.array(sorted(cKDTree(prep.coords).query_pairs(1.9)))
    d = np.linalg.norm(prep.coords[pairs[:, 0]] - prep.coords[pairs[:, 1]], axis=1)
    hydrogen = (prep.element[pairs[:, 0]] == "H") | (prep.element[pairs[:, 1]] == "H")
    return pairs[~hydrogen | (d < 1.2)]


def test_backrub_moves_only_the_segment_and_keeps_every_bond(imatinib):
    row = imatinib.row_of(315)
    member = backrub_member(imatinib, (row,), 15.0)
    assert member is not None and member.checksum != imatinib.checksum
    moved = np.linalg.norm(member.coords - imatinib.coords, axis=1) > 1e-9
    own = np.arange(imatinib.residue_start[row], imatinib.residue_stop[row])
    before, after = imatinib.residue_start[row - 1], imatinib.residue_start[row + 1]
    expected = set(own.tolist())
    expected |= {int(before + k) for k, n in enumerate(imatinib.name[before:imatinib.residue_stop[row - 1]])
                 if n in ("C", "O")}
    expected |= {int(after + k) for k, n in enumerate(imatinib.name[after:imatinib.residue_stop[row + 1]])
                 if n in ("N", "H")}
    assert set(np.flatnonzero(moved).tolist()) == expected
    pairs = _bonded_pairs(imatinib)
    lengths = np.linalg.norm(imatinib.coords[pairs[:, 0]] - imatinib.coords[pairs[:, 1]], axis=1)
    new = np.linalg.norm(member.coords[pairs[:, 0]] - member.coords[pairs[:, 1]], axis=1)
    np.testing.assert_allclose(new, lengths, atol=1e-9)
    ca = imatinib.residue_start[row] + list(imatinib.name[own]).index("CA")
    assert 0.1 < np.linalg.norm(member.coords[ca] - imatinib.coords[ca]) < 1.0
    assert backrub_member(imatinib, (0,), 7.5) is None  # the first residue has no neighbour before it


@pytest.mark.slow
def test_ensemble_is_the_mean_of_its_members(imatinib):
    ensemble = EnsembleDdgEstimator(imatinib)
    estimate = ensemble.estimate("T315A")
    members = estimate.members
    assert [m.backbone for m in members] == ["crystal"] + [f"backrub{a:+g}" for a in BACKRUB_ANGLES]
    assert estimate.n_members == len(members) == 5 and not estimate.flag
    fast = DdgEstimator(imatinib).estimate("T315A")
    assert members[0].ddg == fast.ddg and members[0].components == fast.components
    for k in COMPONENTS:
        assert estimate.components[k] == pytest.approx(np.mean([m.components[k] for m in members]))
    assert estimate.ddg == pytest.approx(ensemble.scale * sum(estimate.components.values()))
    assert estimate.ddg_spread == pytest.approx(np.std([m.ddg for m in members], ddof=1))
    # the uncertainty adds the model error of a contact site (T315 touches imatinib) to the spread
    assert estimate.site_distance_A == fast.site_distance_A < 4.5
    assert estimate.ddg_sd == pytest.approx(np.hypot(estimate.ddg_spread, model_sd_table()[0]))
    assert len({round(m.ddg, 6) for m in members}) > 1  # the backbones do change the answer
    alone = EnsembleDdgEstimator(imatinib, angles=()).estimate("T315A")
    assert alone.ddg == fast.ddg and alone.n_members == 1


@pytest.mark.slow
def test_gatekeeper_stays_resistant(imatinib):
    """Measured (Hauser 2018): imatinib T315I +2.32 kcal/mol, resistant (> 1.36)."""
    assert EnsembleDdgEstimator(imatinib).estimate("T315I").ddg > 1.36


@pytest.mark.slow
def test_mode_reaches_the_table_the_api_and_the_models(tmp_path):
    complex_path, sdf = abl_files("erlotinib")
    complex_ = structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True)
    table = ddg_table(complex_, ["T315A"], mode="accurate", engine=Engine(workers=1, use_cache=False))
    fast = ddg_table(complex_, ["T315A"], engine=Engine(workers=1, use_cache=False))
    models = tmp_path / "models"
    with_models = ddg(complex_, "T315A", models=models, mode="accurate")
    assert table["ddg"].iloc[0] == with_models["ddg"].iloc[0] != fast["ddg"].iloc[0]
    names = sorted(p.name for p in models.iterdir())
    assert len(names) == 10 and "erlotinib_2g1t_complex_T315A_backrub+7.5.pdb" in names
    with pytest.raises(StructkitError, match="unknown ddG mode"):
        ddg_table(complex_, ["T315A"], mode="exact")


def test_cli_refuses_an_unknown_mode():
    complex_path, sdf = abl_files("erlotinib")
    proc = run("ddg", str(complex_path), "--ligand-file", str(sdf), "--mutations", "T315A", "--mode", "exact")
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "--mode" in proc.stderr
