"""Rotamer library and side-chain geometry: against their sources (PyMOL's Dunbrack library,
Biopython's ic_data, Engh & Huber targets), and crystal side chains rebuilt from their own chis."""

from __future__ import annotations

import csv
import pickle
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from Bio.PDB import ic_data
from Bio.SeqUtils import seq1

import structkit
from structkit.geometry.sidechain import dihedral, place_atom
from structkit.model.rotamers import build_sidechains, rotamers, template
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _rows(name):
    text = resources.files("structkit.data").joinpath(name).read_text()
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_rotamers_equal_pymols_dunbrack_library():
    pymol = pytest.importorskip("pymol")
    source = Path(pymol.__file__).parent / "data" / "chempy" / "sidechains" / "sc_bb_ind.pkl"
    library = pickle.loads(source.read_bytes())
    for resname, entries in library.items():
        chis, freq = rotamers(resname)
        entries = sorted(entries, key=lambda r: -r["FREQ"])
        assert len(chis) == len(entries)
        np.testing.assert_allclose(freq, [e["FREQ"] for e in entries], atol=1e-6)
        for row, entry in zip(chis, entries):
            values = [v for k, v in sorted(((k, v) for k, v in entry.items() if k != "FREQ"),
                                           key=lambda kv: ["N", "CA", "CB", "CG"].index(kv[0][0]))]
            np.testing.assert_allclose(row, values, atol=0.05)


def test_geometry_equals_biopython_ic_data():
    for row in _rows("sidechain_geometry.csv"):
        one = seq1(row["resname"])
        b, c, d = row["b"], row["c"], row["atom"]
        forward, backward = f"{one}{b}{one}{c}{one}{d}", f"{one}{d}{one}{c}{one}{b}"
        if forward in ic_data.hedra_defaults:
            (_, angle, bond), _ = ic_data.hedra_defaults[forward]
        else:
            (bond, angle, _), _ = ic_data.hedra_defaults[backward]
        assert float(row["bond"]) == pytest.approx(bond, abs=1e-3)
        assert float(row["angle"]) == pytest.approx(angle, abs=1e-2)


ENGH_HUBER = [  # Engh & Huber 1991 targets (Acta Cryst. A47, 392, Tables 1 and 3)
    ("LEU", "CG", "angle", 116.3, 1.5),   # CA-CB-CG of Leu
    ("LYS", "CD", "bond", 1.520, 0.015),  # CH2E-CH2E
    ("VAL", "CG1", "bond", 1.521, 0.015),  # CH1E-CH3E
    ("ARG", "CZ", "bond", 1.329, 0.015),  # NE-CZ
    ("PHE", "CE1", "bond", 1.382, 0.015),  # aromatic CR1E-CR1E
    ("SER", "OG", "bond", 1.417, 0.015),  # CH2E-OH1
    ("MET", "SD", "bond", 1.803, 0.02),  # CH2E-SM
]


@pytest.mark.parametrize(("resname", "atom", "kind", "target", "tol"), ENGH_HUBER)
def test_geometry_near_engh_huber(resname, atom, kind, target, tol):
    tpl = template(resname)
    k = tpl.atoms.index(atom)
    value = tpl.bond[k] if kind == "bond" else tpl.angle[k]
    assert value == pytest.approx(target, abs=tol)


def test_place_atom_inverts_dihedral():
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(3, 50, 3)) * 2
    torsion = rng.uniform(-180, 180, size=50)
    d = place_atom(a, b, c, 1.53, 111.0, torsion)
    np.testing.assert_allclose(dihedral(a, b, c, d), torsion, atol=1e-8)
    np.testing.assert_allclose(np.linalg.norm(d - c, axis=1), 1.53)


def test_crystal_side_chains_rebuilt_from_their_chis():
    """Every complete residue of 2YFX, rebuilt on its backbone with its own chi angles."""
    c = structkit.load(SHARED / "2yfx.pdb")
    p, res = c.protein, c.residues
    worst = {}
    for row, (a, b, name) in enumerate(zip(res.start, res.stop, res.resname)):
        if name in ("GLY", "ALA", "PRO") or res.missing_atoms[row]:
            continue
        tpl = template(name)
        xyz = {n: p.coords[a + k] for k, n in enumerate(p.name[a:b].tolist())}
        chis = []
        for k, atom in enumerate(tpl.atoms):
            if tpl.chi[k] == len(chis) + 1 and tpl.value[k] == 0.0:
                pa, pb, pc = tpl.parents[k]
                chis.append(float(dihedral(xyz[pa], xyz[pb], xyz[pc], xyz[atom])))
        built = build_sidechains(xyz, name, np.array([chis]), keep_cb=xyz["CB"])[0]
        crystal = np.array([xyz[n] for n in tpl.atoms])
        rmsd = float(np.sqrt(((built - crystal) ** 2).sum(axis=1).mean()))
        worst[name] = max(worst.get(name, 0.0), rmsd)
    assert len(worst) == 17
    assert max(worst.values()) < 0.25, worst
