"""Batch ddG: the same table whatever the number of workers, input order kept, failures listed,
model files written, the saturation list of substitutions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.ddg import DDG_COLUMNS, ddg_table, ddg_tables, substitutions_at
from structkit.analysis.measure.estimates import ddg
from structkit.analysis.parallel.engine import Engine
from structkit.errors import StructkitError
from structkit.io.load import LoadOptions
from structkit.model.numbering import reference_sequence
from tests.util import SHARED, abl_files

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]

MUTATIONS = ["F317L", "T315I", "E255K", "T315A", "X999Z"]


@pytest.fixture(scope="module")
def erlotinib():
    complex_path, sdf = abl_files("erlotinib")
    return structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True)


def test_workers_do_not_change_the_table(erlotinib, tmp_path):
    serial = ddg_table(erlotinib, MUTATIONS, engine=Engine(workers=1, use_cache=False))
    parallel = ddg_table(erlotinib, MUTATIONS, engine=Engine(workers=2, cache=tmp_path, use_cache=True))
    assert list(serial.columns) == DDG_COLUMNS
    assert serial["mutation"].tolist() == MUTATIONS
    pd.testing.assert_frame_equal(serial, parallel)
    assert serial["status"].tolist()[:4] == ["ok"] * 4
    assert "X999Z" in serial["mutation"].iloc[4] and serial["status"].iloc[4] != "ok"
    assert np.isnan(serial["ddg"].iloc[4])
    # answered from the cache the second time, identically
    again = ddg_table(erlotinib, MUTATIONS, engine=Engine(workers=1, cache=tmp_path))
    pd.testing.assert_frame_equal(serial, again)


def test_several_complexes_in_one_batch_equal_one_table_each(erlotinib, tmp_path):
    """ddg_tables runs every (complex, site) group as one map on two workers; each complex's table
    is the one ddg_table gives alone, in this process."""
    complex_path, sdf = abl_files("imatinib")
    imatinib = structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True)
    mutations = ["T315A", "F317L", "T315I"]
    seen = []
    engine = Engine(workers=2, cache=tmp_path, use_cache=False,
                    progress=lambda done, total, _label: seen.append((done, total)))
    batch = ddg_tables([erlotinib, imatinib], mutations, engine=engine)
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    for complex_, table in zip((erlotinib, imatinib), batch):
        alone = ddg_table(complex_, mutations, engine=Engine(workers=1, use_cache=False))
        pd.testing.assert_frame_equal(table, alone)
    assert not batch[0]["ddg"].equals(batch[1]["ddg"])


def test_api_parses_text_and_writes_models(erlotinib, tmp_path):
    table = ddg(erlotinib, "T315I, F317L", models=tmp_path / "models")
    assert table["mutation"].tolist() == ["T315I", "F317L"]
    written = sorted(p.name for p in (tmp_path / "models").iterdir())
    assert written == ["erlotinib_2g1t_complex_F317L.pdb", "erlotinib_2g1t_complex_F317L_wt.pdb",
                       "erlotinib_2g1t_complex_T315I.pdb", "erlotinib_2g1t_complex_T315I_wt.pdb"]
    def residue_315(name: str) -> set[str]:
        lines = (tmp_path / "models" / name).read_text().splitlines()
        return {line[17:20] for line in lines if line.startswith("ATOM") and line[22:26].strip() == "315"}

    assert residue_315("erlotinib_2g1t_complex_T315I.pdb") == {"ILE"}
    assert residue_315("erlotinib_2g1t_complex_T315I_wt.pdb") == {"THR"}
    text = (tmp_path / "models" / "erlotinib_2g1t_complex_T315I.pdb").read_text()
    assert sum(line.startswith("HETATM") for line in text.splitlines()) == 52  # erlotinib with hydrogens
    with pytest.raises(StructkitError, match="cannot parse"):
        ddg(erlotinib, "T315Q7")


def test_substitutions_at_review_sites():
    out = substitutions_at([1202, 1196], reference_sequence())
    assert len(out) == 38 and out[0] == "G1202A" and "G1202R" in out and "G1202G" not in out
    assert out[19] == "L1196A" and "L1196M" in out


def test_a_batch_takes_one_mutation_list_per_complex_or_one_for_all(erlotinib):
    with pytest.raises(StructkitError, match="2 mutation lists for 1 complexes"):
        ddg_tables([erlotinib], [["T315A"], ["F317L"]])
    with pytest.raises(StructkitError, match="a list of strings, not the string 'T315A'"):
        ddg_tables([erlotinib], "T315A")
    with pytest.raises(StructkitError, match="2 labels for 1 complexes"):
        ddg_tables([erlotinib], ["T315A"], labels=["a", "b"])
    empty = ddg_tables([erlotinib, erlotinib], [[], []], engine=Engine(workers=1, use_cache=False))
    assert [list(t.columns) for t in empty] == [DDG_COLUMNS, DDG_COLUMNS] and all(t.empty for t in empty)


def test_receptor_plus_docked_pose(tmp_path):
    """A receptor without its ligand plus the pose as SDF gives the estimate of the complex.

    The pose then comes with the SDF's coordinates (1e-4 Å) instead of the PDB's (1e-3 Å); the
    relaxation turns that into a few thousandths of a kcal/mol.
    """
    complex_path, sdf = abl_files("gefitinib")
    receptor = tmp_path / "receptor.pdb"
    receptor.write_text("".join(line for line in complex_path.read_text().splitlines(keepends=True)
                                if not line.startswith(("HETATM", "CONECT"))))
    with_pose = LoadOptions.resolve(ligand_file=str(sdf))
    docked = ddg(receptor, ["T315I"], options=with_pose, engine=Engine(workers=1, use_cache=False))
    crystal = ddg(complex_path, ["T315I"], options=with_pose, engine=Engine(workers=1, use_cache=False))
    assert docked["status"].iloc[0] == "ok"
    assert docked["ddg"].iloc[0] == pytest.approx(crystal["ddg"].iloc[0], abs=0.05)


def _shifted_sdf(sdf, shift: float, out) -> None:
    """A copy of an SDF pose moved by ``shift`` Å along x (coordinates edited in the atom block)."""
    lines = sdf.read_text().splitlines()
    n_atoms = int(lines[3][:3])
    for k in range(4, 4 + n_atoms):
        x = float(lines[k][:10]) + shift
        lines[k] = f"{x:10.4f}" + lines[k][10:]
    out.write_text("\n".join(lines) + "\n")


def test_two_poses_in_one_session_give_their_own_answers(tmp_path):
    """The per-process estimator is keyed by the whole complex: pose B after pose A gives B's answer,
    the same as B alone in an empty process state (this failed when the key left the ligand out)."""
    import structkit.analysis.measure.ddg as ddg_module

    complex_path, sdf = abl_files("erlotinib")
    receptor = tmp_path / "receptor.pdb"  # the complex without its ligand: a docking receptor
    receptor.write_text("".join(line for line in complex_path.read_text().splitlines(keepends=True)
                                if not line.startswith("HETATM")))
    complex_path = receptor
    moved = tmp_path / "moved.sdf"
    _shifted_sdf(sdf, 0.6, moved)
    options_a = LoadOptions.resolve(ligand_file=sdf, cache=tmp_path)
    options_b = LoadOptions.resolve(ligand_file=moved, cache=tmp_path)
    first_a = ddg(complex_path, ["T315I"], options=options_a, engine=Engine(workers=1, use_cache=False))
    after_a = ddg(complex_path, ["T315I"], options=options_b, engine=Engine(workers=1, use_cache=False))
    ddg_module._PREPARED.clear()
    alone = ddg(complex_path, ["T315I"], options=options_b, engine=Engine(workers=1, use_cache=False))
    pd.testing.assert_frame_equal(after_a, alone)
    assert abs(first_a["dg_wild"].iloc[0] - alone["dg_wild"].iloc[0]) > 0.5


def test_finished_rows_answer_warm_calls_by_fingerprint(tmp_path, monkeypatch):
    """A repeated call is answered from the row cache without preparing anything (preparation made
    to fail shows it), equal to the cold answer; another pose of the same receptor misses the cache
    and is prepared (it raises here), so no pose gets another's answer."""
    import structkit.analysis.measure.ddg as ddg_module

    complex_path, sdf = abl_files("erlotinib")
    receptor = tmp_path / "receptor.pdb"  # the complex without its ligand: a docking receptor
    receptor.write_text("".join(line for line in complex_path.read_text().splitlines(keepends=True)
                                if not line.startswith("HETATM")))
    moved = tmp_path / "moved.sdf"
    _shifted_sdf(sdf, 0.3, moved)

    def pose(ligand):
        return structkit.load(receptor, ligand_file=ligand, keep_hydrogens=True)

    cold = ddg_table(pose(sdf), ["T315A"], engine=Engine(workers=1, cache=tmp_path))

    def no_preparation(*_args, **_kwargs):
        raise AssertionError("prepared")

    monkeypatch.setattr(ddg_module, "prepare", no_preparation)
    ddg_module._PREPARED.clear()
    warm = ddg_table(pose(sdf), ["T315A"], engine=Engine(workers=2, cache=tmp_path))
    pd.testing.assert_frame_equal(cold, warm)
    with pytest.raises(AssertionError, match="prepared"):
        ddg_table(pose(moved), ["T315A"], engine=Engine(workers=1, cache=tmp_path))


def test_a_mutant_that_cannot_fit_the_fixed_backbone_is_flagged_and_bounded(tmp_path):
    """Crizotinib-ALK G1269W: the relaxed model's clash terms alone are tens of kcal/mol (the raw
    estimate reads as ~40 kcal/mol); the fixed-pocket steric model, another route through the code,
    finds no Trp rotamer clear of the inhibitor (best overlap > 2 Å). The estimate is flagged and
    bounded; L1196M fits, and is reported as computed."""
    from structkit.energy.ddg import NO_FIT, NO_FIT_KCAL, DdgEstimator
    from structkit.energy.prepare import prepare

    complex_ = LoadOptions.resolve([SHARED]).load("2XP2")
    estimator = DdgEstimator(prepare(complex_, cache=tmp_path))
    trp, met = estimator.estimate("G1269W"), estimator.estimate("L1196M")
    clash = estimator.scale * (trp.components["vdw"] + trp.components["strain"])
    assert clash > NO_FIT_KCAL and estimator.scale * trp.ddg_raw > NO_FIT_KCAL
    assert trp.flag == NO_FIT and trp.ddg == NO_FIT_KCAL
    assert trp.row()["flag"] == NO_FIT and trp.row()["ddg"] == NO_FIT_KCAL
    steric = structkit.mutate(complex_, "G1269W").to_frame().iloc[0]
    assert steric.n_clear_rotamers == 0 and steric.inhibitor_max_overlap_A > 2.0
    assert met.flag == "" and met.ddg == pytest.approx(estimator.scale * met.ddg_raw, abs=1e-12)
    assert structkit.mutate(complex_, "L1196M").to_frame().iloc[0].n_clear_rotamers > 0


def test_a_refit_calibration_misses_the_finished_rows(erlotinib, tmp_path, monkeypatch):
    """Issue 40: finished rows hold calibrated numbers, and were keyed without the calibration, so
    after a refit of the scale or the error bands a warm call served the old numbers. The row
    cache's key holds both now: a doubled scale doubles ddg, new bands give a new ddg_sd, each from
    a warm cache (the inner cache of raw terms still answers, so nothing is minimised again)."""
    import structkit.analysis.measure.ddg as ddg_module
    import structkit.energy.ddg as energy_ddg
    import structkit.energy.uncertainty as uncertainty

    cold = ddg_table(erlotinib, ["T315A"], engine=Engine(workers=1, cache=tmp_path))
    scale = energy_ddg.ddg_scale()
    monkeypatch.setattr(energy_ddg, "ddg_scale", lambda: 2.0 * scale)
    refit = ddg_table(erlotinib, ["T315A"], engine=Engine(workers=1, cache=tmp_path))
    assert refit["ddg"].iloc[0] == pytest.approx(2.0 * cold["ddg"].iloc[0], rel=1e-6)
    assert refit["ddg_raw"].iloc[0] == pytest.approx(cold["ddg_raw"].iloc[0])
    monkeypatch.undo()
    ddg_module._PREPARED.clear()
    bands = tuple(3.0 * b for b in uncertainty.model_sd_table())
    monkeypatch.setattr(uncertainty, "model_sd_table", lambda: bands)
    monkeypatch.setattr(ddg_module, "model_sd_table", lambda: bands)
    wider = ddg_table(erlotinib, ["T315A"], engine=Engine(workers=1, cache=tmp_path))
    assert wider["ddg"].iloc[0] == pytest.approx(cold["ddg"].iloc[0])
    assert wider["ddg_sd"].iloc[0] > 2.0 * cold["ddg_sd"].iloc[0]


def test_an_interrupted_table_keeps_its_finished_sites(erlotinib, tmp_path, monkeypatch):
    """Each site's rows are cached as the site finishes: a table stopped by a failing site (an
    error that is not a mutation's own) reads the finished site back and estimates only the rest."""
    import structkit.analysis.measure.ddg as ddg_module

    calls = []

    def stopping(mutations, _complex, _cache, _use_cache, _mode="fast"):
        calls.append(list(mutations))
        if "E255K" in mutations:
            raise RuntimeError("worker lost")
        return [{"mutation": m, "ddg": 1.25, "status": "ok"} for m in mutations]

    monkeypatch.setattr(ddg_module, "_run_group", stopping)
    engine = Engine(workers=1, cache=tmp_path)
    with pytest.raises(RuntimeError, match="worker lost"):
        ddg_table(erlotinib, ["F317L", "E255K"], engine=engine)
    assert calls == [["F317L"], ["E255K"]]

    def resumed(mutations, _complex, _cache, _use_cache, _mode="fast"):
        calls.append(list(mutations))
        return [{"mutation": m, "ddg": 0.5, "status": "ok"} for m in mutations]

    monkeypatch.setattr(ddg_module, "_run_group", resumed)
    table = ddg_table(erlotinib, ["F317L", "E255K"], engine=engine)
    assert calls[2:] == [["E255K"]]
    assert table["ddg"].tolist() == [1.25, 0.5]
