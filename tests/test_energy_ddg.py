"""The ddG estimate on measured ABL1 cases, compound mutations, the cache, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.energy.ddg import COMPONENTS, DdgEstimator
from structkit.energy.prepare import prepare
from structkit.energy.uncertainty import band_of, model_sd_table
from structkit.errors import StructkitError
from structkit.io.result_cache import ResultCache
from structkit.model.mutations import Change, Mutation

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


def test_gatekeeper_t315i_weakens_imatinib_more_than_distant_mutations(imatinib):
    """Measured (Hauser 2018): T315I +2.32, E255K +1.50, F359V +0.32 kcal/mol for imatinib."""
    est = DdgEstimator(imatinib, scale=1.0)
    t315i = est.estimate("T315I")
    far = est.estimate("F359V")
    assert t315i.ddg_raw > 1.36 and t315i.ddg_raw > far.ddg_raw
    assert t315i.ddg_raw == pytest.approx(sum(t315i.components[k] for k in COMPONENTS))
    assert set(t315i.row()) >= {"mutation", "ddg", "ddg_sd", *COMPONENTS}
    assert t315i.ddg_sd >= 0 and t315i.n_shell >= 5
    # the uncertainty: the spread and the model error of the site's distance band, in quadrature
    # (T315 touches imatinib; E255 lies 6.7 Å and M351 8.4 Å from it, measured with Biopython's
    # coordinates in test_energy_uncertainty's way)
    for mutation, band in (("T315I", 0), ("E255K", 1), ("M351T", 2)):
        estimate = t315i if mutation == "T315I" else est.estimate(mutation)
        assert int(band_of(estimate.site_distance_A)) == band
        assert estimate.ddg_sd == pytest.approx(np.hypot(estimate.ddg_spread, model_sd_table()[band]))
        assert estimate.ddg_sd >= estimate.ddg_spread


def test_compound_mutation_and_identity(imatinib):
    est = DdgEstimator(imatinib, scale=1.0)
    compound = est.estimate("T315I+F317L")
    assert compound.mutation == "T315I+F317L" and compound.n_shell > est.estimate("T315I").n_shell
    # the wild type against itself: exactly zero
    same = est.estimate(Mutation((Change(315, "substitution", "T", "T"),)))
    assert same.ddg_raw == pytest.approx(0.0, abs=1e-9)


def test_cache_returns_the_same_estimate(imatinib, tmp_path):
    cache = ResultCache("ddg", tmp_path)
    first = DdgEstimator(imatinib, cache=cache).estimate("E255K")
    second = DdgEstimator(imatinib, cache=cache).estimate("E255K")
    assert not first.cached and second.cached
    assert second.ddg == first.ddg and second.components == first.components
    assert len(list(tmp_path.rglob("*.json"))) == 1
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize(("mutation", "message"), [("A315I", "residue 315 is T"), ("T999I", "outside"),
                                                   ("T315", "only substitutions")])
def test_bad_mutations_are_one_line_errors(imatinib, mutation, message):
    with pytest.raises(StructkitError, match=message):
        DdgEstimator(imatinib).estimate(mutation)


def test_apo_structure_is_refused(shared):
    apo = structkit.load(shared / "3l9p.cif")
    assert not len(apo.inhibitor)
    with pytest.raises(StructkitError, match="no inhibitor"):
        DdgEstimator(prepare(apo))


def test_vina_estimate_scores_the_same_relaxed_models(imatinib):
    """ddg_vina re-computed from the kept models with the kernel (checked against the vina package in
    test_geometry_vina), the rotor factor from imatinib's 7 strict rotatable bonds (RDKit), the
    consensus the plain mean; the wild type against itself scores exactly zero."""
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcNumRotatableBonds

    from structkit.geometry.vina import rotor_factor, vina_terms, xs_types

    est = DdgEstimator(imatinib)
    got = est.estimate("T315I", keep_models=True)
    lig = imatinib.ligand

    def score(model) -> float:
        return vina_terms(lig.coords, xs_types(lig.element, lig.coords), model.coords,
                          xs_types(model.elements, model.coords))["total"]

    n_rot = CalcNumRotatableBonds(Chem.MolFromSmiles(lig.smiles))
    assert n_rot == 7 and est.vina_factor == pytest.approx(rotor_factor(7))
    assert got.ddg_vina == pytest.approx(rotor_factor(7) * (score(got.mutant) - score(got.wild)), abs=1e-9)
    assert got.ddg_vina != 0.0 and got.ddg_consensus == pytest.approx(0.5 * (got.ddg + got.ddg_vina))
    row = got.row()
    assert row["ddg_vina"] == round(got.ddg_vina, 3) and row["ddg_consensus"] == round(got.ddg_consensus, 3)
    same = est.estimate(Mutation((Change(315, "substitution", "T", "T"),)))
    assert same.ddg_vina == pytest.approx(0.0, abs=1e-9)
