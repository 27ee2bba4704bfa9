"""The Vina and Vinardo kernels against the ``vina`` package (AutoDock Vina 1.2) and by hand, and the XS
typing of protein and inhibitor atoms checked atom by atom.

The package is given the same atoms as PDBQT files (:func:`structkit.io.pdbqt.pdbqt_text`: ``NA`` for
our nitrogen acceptors, ``OA`` for oxygens, ``HD`` for hydrogens on N or O); it perceives the bonds and
decides polar carbons and donors itself, and scores on grid maps of 0.15 Å spacing, whose trilinear
interpolation is the reason for the 0.3 % tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
import vina

import structkit
from structkit.energy.prepare import prepare
from structkit.geometry.vina import FUNCTIONS, XS_TYPES, rotor_factor, vina_terms, xs_types
from structkit.io.pdbqt import pdbqt_text
from tests.util import abl_files

pytestmark = [pytest.mark.shared_data, pytest.mark.openmm]


@pytest.fixture(scope="module", params=["imatinib", "dasatinib"])
def complex_atoms(request):
    complex_path, sdf = abl_files(request.param)
    prep = prepare(structkit.load(complex_path, ligand_file=sdf, keep_hydrogens=True))
    # three decimals, as a PDBQT file holds them
    return prep, np.round(prep.coords, 3), np.round(prep.ligand.coords, 3)


@pytest.mark.slow
@pytest.mark.parametrize("function", ["vina", "vinardo"])
def test_score_equals_the_vina_package(complex_atoms, function, tmp_path):
    prep, xyz, lig_xyz = complex_atoms
    receptor_types = xs_types(prep.element, xyz)
    ligand_types = xs_types(prep.ligand.element, lig_xyz)
    ours = vina_terms(lig_xyz, ligand_types, xyz, receptor_types, function)
    (tmp_path / "r.pdbqt").write_text(pdbqt_text(prep.element, xyz, receptor_types, ligand=False))
    (tmp_path / "l.pdbqt").write_text(pdbqt_text(prep.ligand.element, lig_xyz, ligand_types, ligand=True))
    v = vina.Vina(sf_name=function, verbosity=0, cpu=1)
    v.set_receptor(str(tmp_path / "r.pdbqt"))
    v.set_ligand_from_file(str(tmp_path / "l.pdbqt"))
    box = (np.ptp(lig_xyz, axis=0) + 1.5).tolist()
    v.compute_vina_maps(center=lig_xyz.mean(axis=0).tolist(), box_size=box, spacing=0.15)
    theirs = float(v.score()[1])  # the intermolecular energy
    assert ours["total"] < -5.0  # a real, well-packed complex
    assert ours["total"] == pytest.approx(theirs, rel=3e-3)


def test_xs_types_of_named_protein_and_inhibitor_atoms(complex_atoms):
    prep, xyz, lig_xyz = complex_atoms
    types = np.array((*XS_TYPES, "-"))[xs_types(prep.element, xyz)]

    def of(resname: str, name: str) -> set[str]:
        return set(types[(prep.resname == resname) & (prep.name == name)].tolist())

    assert of("THR", "OG1") == {"O_DA"} and of("SER", "OG") == {"O_DA"} and of("GLU", "OE1") == {"O_A"}
    assert of("LEU", "CD1") == {"C_H"} and of("PHE", "CZ") == {"C_H"} and of("ALA", "CB") == {"C_H"}
    assert of("MET", "CE") == {"C_P"} and of("MET", "SD") == {"S_P"} and of("LEU", "C") == {"C_P"}
    assert of("LYS", "NZ") == {"N_D"} and of("ARG", "NH1") == {"N_D"} and of("LEU", "N") == {"N_D"}
    assert of("PRO", "N") == {"N_P"}  # planar, no hydrogen
    # a histidine ring nitrogen is a donor where it carries a hydrogen and an acceptor where not
    for row in np.flatnonzero(prep.resname[prep.residue_start] == "HIS")[:3]:
        a, b = prep.residue_start[row], prep.residue_stop[row]
        names = prep.name[a:b].tolist()
        for ring_n, h in (("ND1", "HD1"), ("NE2", "HE2")):
            assert types[a + names.index(ring_n)] == ("N_D" if h in names else "N_A")
    assert set(xs_types(prep.element, xyz)[prep.element == "H"].tolist()) == {-1}
    lig_types = np.array((*XS_TYPES, "-"))[xs_types(prep.ligand.element, lig_xyz)]
    assert set(lig_types[prep.ligand.element == "O"].tolist()) <= {"O_A", "O_DA"}
    assert "N_A" in set(lig_types.tolist())  # both drugs carry an aromatic ring nitrogen acceptor


def test_one_pair_by_hand():
    """Two hydrophobic carbons 4.0 Å apart and a donor-acceptor pair 2.9 Å apart (Vina's formulas)."""
    c = np.array([XS_TYPES.index("C_H")])
    d = 4.0 - 1.9 - 1.9
    got = vina_terms(np.zeros((1, 3)), c, np.array([[4.0, 0, 0]]), c)
    assert got["gauss1"] == pytest.approx(-0.035579 * np.exp(-(d / 0.5) ** 2))
    assert got["gauss2"] == pytest.approx(-0.005156 * np.exp(-((d - 3) / 2) ** 2))
    assert got["repulsion"] == 0.0 and got["hbond"] == 0.0
    assert got["hydrophobic"] == pytest.approx(-0.035069 * 1.0)  # d = 0.2 < 0.5: full
    donor, acceptor = np.array([XS_TYPES.index("N_D")]), np.array([XS_TYPES.index("O_A")])
    d = 2.9 - 1.8 - 1.7
    got = vina_terms(np.zeros((1, 3)), donor, np.array([[0, 2.9, 0]]), acceptor)
    assert got["hbond"] == pytest.approx(-0.587439 * min(1.0, -d / 0.7))
    assert got["repulsion"] == pytest.approx(0.840245 * d * d)
    assert got["hydrophobic"] == 0.0
    assert got["total"] == pytest.approx(sum(v for k, v in got.items() if k != "total"))
    # beyond the 8 Å cut-off nothing counts; Vinardo has no second gaussian
    assert vina_terms(np.zeros((1, 3)), c, np.array([[8.5, 0, 0]]), c)["total"] == 0.0
    assert vina_terms(np.zeros((1, 3)), c, np.array([[4.0, 0, 0]]), c, "vinardo")["gauss2"] == 0.0
    assert rotor_factor(0) == 1.0 and rotor_factor(5) == pytest.approx(1 / (1 + 5 * 0.05846))
    assert set(FUNCTIONS) == {"vina", "vinardo"}


def test_nitrogen_acceptors_follow_geometry():
    """A pyramidal tertiary amine accepts, a planar one (amide-like) does not; a nitrile accepts."""
    n = np.array([0.0, 0.0, 0.0])
    planar = np.array([[1.45, 0, 0], [-0.725, 1.256, 0], [-0.725, -1.256, 0]])
    pyramid = planar * 0.94 + np.array([0, 0, -0.48])
    for neighbours, expected in ((planar, "N_P"), (pyramid, "N_A")):
        types = xs_types(np.array(["N", "C", "C", "C"]), np.vstack([n, neighbours]))
        assert XS_TYPES[types[0]] == expected
    nitrile = xs_types(np.array(["N", "C", "C"]), np.array([[0, 0, 0], [1.16, 0, 0], [2.62, 0, 0]]))
    assert [XS_TYPES[t] for t in nitrile] == ["N_A", "C_P", "C_H"]
