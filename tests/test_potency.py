"""Potency shift = drug ddG - ATP ddG, on the EGFR complexes (gefitinib 2ITY, AMP-PNP 2ITX)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import structkit
from structkit.analysis.measure.potency import POTENCY_COLUMNS, atp_complex, potency_table
from structkit.analysis.parallel.engine import Engine
from structkit.energy.ddg import DdgEstimator
from structkit.energy.prepare import prepare
from structkit.errors import StructkitError
from tests.util import EGFR, SHARED, assert_one_line_error, run

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm, pytest.mark.slow]



@pytest.fixture(scope="module")
def complexes():
    return (structkit.load(EGFR / "2ity.pdb", keep_hydrogens=True),
            structkit.load(EGFR / "2itx.pdb", keep_hydrogens=True))


def test_potency_is_drug_minus_atp(complexes, tmp_path):
    """Each column against an estimator called directly on each complex (another path through the
    code): the ATP side of L858R is positive (L858R lowers ATP affinity: Yun et al. 2007, Km 5 ->
    148 uM), so the potency is below the drug's ddG, in the sensitising direction."""
    drug, atp = complexes
    table = potency_table(drug, ["L858R", "T790M"], atp,
                          engine=Engine(workers=1, cache=tmp_path, use_cache=False))
    assert list(table.columns[-len(POTENCY_COLUMNS):]) == POTENCY_COLUMNS
    direct_atp = DdgEstimator(prepare(atp, cache=tmp_path))
    direct_drug = DdgEstimator(prepare(drug, cache=tmp_path))
    for row in table.itertuples(index=False):
        a, d = direct_atp.estimate(row.mutation), direct_drug.estimate(row.mutation)
        assert row.ddg_atp == pytest.approx(round(a.ddg, 3), abs=1e-3)
        assert row.ddg == pytest.approx(round(d.ddg, 3), abs=1e-3)
        assert row.potency == pytest.approx(row.ddg - row.ddg_atp, abs=1e-3)
        assert row.potency_sd == pytest.approx(np.hypot(row.ddg_sd, row.ddg_atp_sd), abs=1e-3)
    l858r = table.set_index("mutation").loc["L858R"]
    assert l858r.ddg_atp > 0 and l858r.potency < l858r.ddg


def test_atp_reference_is_checked(complexes):
    drug, _ = complexes
    with pytest.raises(StructkitError, match="not ATP or an analogue"):
        atp_complex(drug, EGFR / "2ity.pdb")
    with pytest.raises(StructkitError, match="not the drug complex's kinase"):
        atp_complex(drug, SHARED / "3lct.cif", transplant=False)
    with pytest.raises(StructkitError, match="no nucleotide complex is known for an unnamed kinase"):
        atp_complex(drug, transplant=False)  # 2ITY names no kinase: the reference must be given


def test_ddg_command_with_potency(tmp_path):
    proc = run("ddg", str(EGFR / "2ity.pdb"), "--mutations", "L858R", "--potency", "--atp-reference",
               str(EGFR / "2itx.pdb"), "--json", "--workers", "1", "--cache", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)[0]
    assert {"ddg", "ddg_atp", "potency", "potency_sd"} <= set(row)
    assert row["potency"] == pytest.approx(row["ddg"] - row["ddg_atp"], abs=1e-3)
    assert_one_line_error(run("ddg", str(EGFR / "2ity.pdb"), "--mutations", "L858R", "--atp-reference",
                              "2ITX"), "--atp-reference goes with --potency")


def test_another_kinases_nucleotide_is_placed_and_estimated(complexes, tmp_path):
    """ALK's ADP (3LCT) as the ATP reference of EGFR's gefitinib complex: placed by KLIFS pocket
    superposition with a warning that gives the fit, and estimated like a nucleotide complex of
    the kinase itself; its ATP side of T790M has the sign and about the size of the one on EGFR's
    own AMP-PNP complex (2ITX)."""
    drug, native = complexes
    with pytest.warns(structkit.StructureWarning, match=r"ADP of 3LCT placed by KLIFS pocket superposition"):
        placed = atp_complex(drug, SHARED / "3lct.cif")
    assert placed.ligand == "ADP" and placed.ligand_source == "transplanted from 3LCT"
    np.testing.assert_array_equal(placed.protein.coords, drug.protein.coords)
    carried = potency_table(drug, ["T790M"], placed,
                            engine=Engine(workers=1, cache=tmp_path, use_cache=False))
    own = potency_table(drug, ["T790M"], native, engine=Engine(workers=1, cache=tmp_path, use_cache=False))
    assert carried["status"].tolist() == own["status"].tolist() == ["ok"]
    assert carried["ddg_atp"].iloc[0] == pytest.approx(own["ddg_atp"].iloc[0], abs=0.2)  # 0.01 and 0.06
    assert carried["ddg"].iloc[0] == own["ddg"].iloc[0]  # the drug side is the same estimate
