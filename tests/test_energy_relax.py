"""Relaxed models: the same region for wild type and mutant, all-atom mutant residues with ff14SB
parameters, minimisation that lowers OpenMM's energy and only moves the shell, and determinism."""

from __future__ import annotations

import numpy as np
import pytest

import structkit
from structkit.energy.hydrogens import hydrogen_names
from structkit.energy.relax import PackingTables, relax, select_region
from structkit.model.rotamers import template
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture()
def prep(imatinib):
    """The session's prepared imatinib-ABL1 complex (tests/conftest.py)."""
    return imatinib


def test_prepared_complex_keeps_the_file_hydrogens(prep):
    complex_path, _ = abl_files("imatinib")
    n_atoms_file = sum(1 for line in complex_path.read_text().splitlines()
                       if line.startswith("ATOM") and line[17:20] not in ("ACE", "NME"))
    assert len(prep.name) == n_atoms_file
    assert prep.params.charge.sum() == pytest.approx(round(prep.params.charge.sum()), abs=1e-6)
    assert prep.ligand.params.charge.sum() == pytest.approx(2.0)  # imatinib as prepared: +2
    complex_h = structkit.load(complex_path, keep_hydrogens=True).inhibitor.is_hydrogen.sum()
    assert (prep.ligand.element == "H").sum() == complex_h  # the file's own ligand hydrogens


def test_region_and_mutant_residue(prep):
    row = prep.row_of(315)
    region = select_region(prep, [row])
    assert row in region.shell and set(region.shell) <= set(region.rows)
    wild = relax(prep, region, {}, minimise=False)
    mutant = relax(prep, region, {row: "ILE"}, minimise=False)
    assert sorted(set(wild.row)) == sorted(set(mutant.row)) == sorted(region.rows)
    names = set(mutant.names[mutant.row == row])
    assert names == {"N", "H", "CA", "C", "O", *template("ILE").atoms, *hydrogen_names("ILE")}
    assert mutant.params.charge[mutant.row == row].sum() == pytest.approx(0.0, abs=1e-6)
    assert not mutant.movable[~np.isin(mutant.row, region.shell)].any()
    assert mutant.strain >= -1e-9 and wild.strain >= -1e-9  # the apo packing is at least as good


def test_minimisation_lowers_the_energy_and_moves_only_the_shell(prep, monkeypatch):
    import structkit.energy.relax as relax_module
    from structkit.geometry.molecular_mechanics import mm_energy

    row = prep.row_of(253)
    region = select_region(prep, [row])
    energies = []
    original = relax_module.minimise

    def spy(start, terms):
        out, iterations = original(start, terms)
        energies.append((mm_energy(start, terms)[0], mm_energy(out, terms)[0]))
        return out, iterations

    monkeypatch.setattr(relax_module, "minimise", spy)
    model = relax_module.relax(prep, region, {row: "HIS"})
    assert energies and energies[0][1] < energies[0][0]
    moved = np.linalg.norm(model.coords - model.packed, axis=1) > 1e-6
    assert moved.any() and not (moved & ~model.movable).any()
    again = relax_module.relax(prep, region, {row: "HIS"})
    np.testing.assert_array_equal(again.coords, model.coords)


def test_reused_tables_give_the_same_models(prep):
    """Tables filled by the wild type and other substitutions of a site (and by another site) give
    every mutant the same packing and energies as a call with no tables, a proline site both ways."""
    tables = PackingTables()
    for position, targets in ((315, ["ILE", "PRO", "ALA"]), (253, ["HIS"])):
        row = prep.row_of(position)
        region = select_region(prep, [row])
        for changes in [{}] + [{row: t} for t in targets]:
            shared = relax(prep, region, changes, minimise=False, tables=tables)
            alone = relax(prep, region, changes, minimise=False)
            assert shared.packing.choice == alone.packing.choice
            np.testing.assert_allclose(shared.coords, alone.coords, rtol=0, atol=0)
            assert shared.strain == pytest.approx(alone.strain, rel=1e-12, abs=1e-12)
            assert shared.packing.energy == pytest.approx(alone.packing.energy, rel=1e-12)
    assert tables.outside_site and tables.residues
