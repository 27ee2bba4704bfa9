"""The model error of a ddG estimate: distance bands, the fit by hand, the site distance against
Biopython, and the package table against its own header."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.energy.uncertainty import (
    BAND_NAMES,
    band_of,
    fit_model_error,
    model_sd,
    model_sd_table,
    site_distance,
    total_sd,
)
from tests.util import shared_file

pytestmark = [pytest.mark.shared_data]


def test_bands_and_their_edges():
    assert band_of(np.array([0.0, 4.49, 4.5, 7.99, 8.0, 30.0])).tolist() == [0, 0, 1, 1, 2, 2]
    assert int(band_of(float("nan"))) == 0  # unknown: the band of the largest error
    assert model_sd(3.0, [1.0, 0.5, 0.2]) == 1.0
    assert model_sd(6.0, [1.0, 0.5, 0.2]) == 0.5
    assert model_sd(12.0, [1.0, 0.5, 0.2]) == 0.2
    # the same for an array of distances, and the quadrature sum with a spread (by hand)
    np.testing.assert_allclose(model_sd(np.array([3.0, 6.0, 12.0]), [1.0, 0.5, 0.2]), [1.0, 0.5, 0.2])
    assert total_sd(0.75, 3.0, [1.0, 0.5, 0.2]) == pytest.approx(1.25)
    np.testing.assert_allclose(total_sd(np.array([0.0, 1.2]), np.array([12.0, 6.0]), [1.0, 0.5, 0.2]),
                               [0.2, 1.3])


def test_fit_by_hand():
    residual = np.array([1.0, -1.0, 3.0, 0.5, -0.5, np.nan])
    distance = np.array([3.0, 4.0, 4.2, 9.0, 10.0, 9.5])
    # contact: sqrt((1 + 1 + 9) / 3); remote: 0.5; the empty second shell takes the largest
    expected = [np.sqrt(11 / 3), np.sqrt(11 / 3), 0.5]
    np.testing.assert_allclose(fit_model_error(residual, distance), expected)


def test_package_table_names_its_source_and_shrinks_with_distance():
    from importlib import resources

    text = resources.files("structkit.data").joinpath("ddg_error.csv").read_text()
    assert "Hauser et al. 2018" in text and "scripts/fit_ddg_scale.py" in text
    table = model_sd_table()
    assert len(table) == len(BAND_NAMES) and all(v > 0 for v in table)
    assert table[0] > table[2]  # on ABL1 a contact site's estimate errs far more than a remote one's


def test_site_distance_against_biopython():
    from Bio.PDB import PDBParser

    path = shared_file("2XP2")
    complex_ = structkit.load(path)
    chain = PDBParser(QUIET=True).get_structure("2xp2", str(path))[0][complex_.chain]
    drug = np.array([a.coord for r in chain if r.get_resname() == "VGH" for a in r if a.element != "H"])

    def biopython(number: int) -> float:
        atoms = np.array([a.coord for a in chain[number] if a.element != "H"])
        return float(np.sqrt(((atoms[:, None] - drug[None]) ** 2).sum(-1)).min())

    for number in (1196, 1202, 1174):
        assert site_distance(complex_, [number]) == pytest.approx(biopython(number), abs=1e-3)
    assert site_distance(complex_, [1174, 1196]) == pytest.approx(min(biopython(1174), biopython(1196)),
                                                                  abs=1e-3)
    assert np.isnan(site_distance(complex_, [5]))  # no such residue
