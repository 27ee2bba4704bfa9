"""Template placement: the common substructure (RASCAL's, checked against RDKit's FMCS and by hand),
the embedding on the search's own atom pairs, and the protocol that keys every pose cache."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdFMCS

from structkit.posing import placement, pose
from structkit.posing.placement import common_substructure, embed_on_template, match_templates
from structkit.posing.templates import template_library
from tests.util import SHARED

pytestmark = [pytest.mark.shared_data]


def _fmcs_atoms(a: Chem.Mol, b: Chem.Mol) -> int:
    """RDKit's FMCS with the same rules (elements, bond orders, ring bonds to ring bonds, rings may
    match in part): an independent implementation of the same search."""
    params = rdFMCS.MCSParameters()
    params.AtomTyper = rdFMCS.AtomCompare.CompareElements
    params.BondTyper = rdFMCS.BondCompare.CompareOrder
    params.BondCompareParameters.RingMatchesRingOnly = True
    params.AtomCompareParameters.RingMatchesRingOnly = True
    params.Timeout = 60
    result = rdFMCS.FindMCS([a, b], params)
    assert not result.canceled
    return result.numAtoms


def _check_pairs(a: Chem.Mol, b: Chem.Mol, pairs) -> None:
    """Every pair joins atoms of one element, one to one, and the bonds kept in both (``a``'s bonds
    whose partners are bonded in ``b``) join the paired atoms into one connected piece."""
    partner = dict(pairs)
    assert len(set(partner.values())) == len(partner)
    for i, j in pairs:
        assert a.GetAtomWithIdx(i).GetAtomicNum() == b.GetAtomWithIdx(j).GetAtomicNum()
    kept = [(bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()) for bond in a.GetBonds()
            if bond.GetBeginAtomIdx() in partner and bond.GetEndAtomIdx() in partner
            and b.GetBondBetweenAtoms(partner[bond.GetBeginAtomIdx()], partner[bond.GetEndAtomIdx()])]
    reached, frontier = {pairs[0][0]}, [pairs[0][0]]
    while frontier:
        atom = frontier.pop()
        for i, k in kept:
            for here, there in ((i, k), (k, i)):
                if here == atom and there not in reached:
                    reached.add(there)
                    frontier.append(there)
    assert reached == set(partner)


def test_common_substructure_by_hand_and_against_fmcs():
    """Tryptamine and tryptophol share the indole and its two-carbon chain: 11 atoms, by hand and by
    FMCS; the amine N and the hydroxyl O differ."""
    tryptamine = Chem.MolFromSmiles("NCCc1c[nH]c2ccccc12")
    tryptophol = Chem.MolFromSmiles("OCCc1c[nH]c2ccccc12")
    smarts, pairs = common_substructure(tryptamine, tryptophol)
    assert len(pairs) == 11 == _fmcs_atoms(tryptamine, tryptophol)
    assert 0 not in dict(pairs)  # the amine N is not paired
    _check_pairs(tryptamine, tryptophol, pairs)
    assert tryptamine.HasSubstructMatch(Chem.MolFromSmarts(smarts))
    # the same answer every time: the search is bounded by a similarity bound, not by the clock
    assert common_substructure(tryptamine, tryptophol) == (smarts, pairs)


def test_whole_rings_only_drops_the_part_ring():
    """Cyclohexylmethanol against hexanol: the rule that rings match rings keeps them apart; with
    benzene against toluene the whole ring is common (6 atoms) either way."""
    benzene, toluene = Chem.MolFromSmiles("c1ccccc1"), Chem.MolFromSmiles("Cc1ccccc1")
    assert len(common_substructure(benzene, toluene)[1]) == 6
    assert len(common_substructure(benzene, toluene, complete_rings=True)[1]) == 6
    ring, chain = Chem.MolFromSmiles("OCC1CCCCC1"), Chem.MolFromSmiles("OCCCCCCC")
    found = common_substructure(ring, chain)
    assert found is None or len(found[1]) <= 3  # only the O-C-C that is a chain in both


def test_lorlatinib_keeps_its_macrocycle_on_a_macrocyclic_relative(tmp_path):
    """Lorlatinib (4CLI) against its macrocyclic relative in 4CMU: 28 of 30 heavy atoms in common,
    as FMCS finds; the core embeds on the search's own pairs and sits on the template's atoms."""
    library = template_library([SHARED], cache=tmp_path)
    lorlatinib = next(t for t in library if t.label == "4CLI")
    relative = next(t for t in library if t.label == "4CMU")
    heavy = Chem.MolFromSmiles(lorlatinib.smiles)
    _, pairs = common_substructure(heavy, relative.mol)
    assert len(pairs) == 28 == _fmcs_atoms(heavy, relative.mol)
    _check_pairs(heavy, relative.mol, pairs)
    compound = Chem.AddHs(heavy)
    best = match_templates(compound, [t for t in library if t.ligand != lorlatinib.ligand])[0]
    assert best.n_common == 28 and best.coverage == pytest.approx(28 / 30)
    placed = embed_on_template(compound, best, np.eye(3), np.zeros(3))
    assert placed is not None and placed.match.n_common == 28
    assert placed.mol.GetNumConformers() == placement.N_CONFORMERS
    assert float(placed.core_rmsd.max()) < 0.1


def test_the_pose_protocol_names_every_constant(monkeypatch):
    """The pose caches are keyed by :func:`protocol`: changing any constant of the route changes it,
    so a pose made under the old one is never served."""
    before = pose.protocol()
    for module, name, value in [(placement, "N_CONFORMERS", 11), (placement, "EMBED_ATTEMPTS", 31),
                                (placement, "PREFILTER", 9), (placement, "MCES_THRESHOLD", 0.06),
                                (placement, "TURN_OFF_AXIS", 0.6),
                                (pose, "MIN_COVERAGE", 0.31), (pose, "N_REFINED", 4),
                                (pose, "MAX_CORE_SHIFT", 2.1)]:
        with monkeypatch.context() as patch:
            patch.setattr(module, name, value)
            assert pose.protocol() != before, name
    assert pose.protocol() == before


def _biphenyl_match(smiles: str):
    """A compound's match on biphenyl (embedded in 3D): the 12 ring atoms paired in order."""
    from types import SimpleNamespace

    from rdkit.Chem import rdDistGeom

    template = Chem.AddHs(Chem.MolFromSmiles("c1ccc(cc1)-c1ccccc1"))
    rdDistGeom.EmbedMolecule(template, randomSeed=7)
    template = Chem.RemoveHs(template)
    compound = Chem.MolFromSmiles(smiles)
    pairs = tuple(sorted(zip(compound.GetSubstructMatch(template), range(12))))
    fake = SimpleNamespace(mol=template)
    return compound, placement.TemplateMatch(fake, 1.0, "", 12, 12 / compound.GetNumAtoms(), pairs)


@pytest.mark.parametrize(("smiles", "expected"), [
    ("Fc1ccc(cc1)-c1ccccc1", set()),  # para: on the bond's axis, either turn puts it in one place
    ("Fc1ccccc1-c1ccccc1", {1, 2, 3, 4, 5}),  # ortho: ring atoms 1-6, atom 6 on the bond
    ("Fc1cccc(c1)-c1ccccc1", {1, 2, 3, 4, 6}),  # meta: ring atoms 1-6, atom 5 on the bond
    ("c1ccc(cc1)-c1ccccc1", set()),  # nothing the template lacks
])
def test_turnable_rings_by_hand(smiles, expected):
    """A ring joined by one single bond turns when the compound has a substituent off the bond's
    axis that the template lacks: the fluorophenyl's atoms but the one on the bond (SMILES atom
    indices, the fluorine atom 0, read by hand)."""
    compound, match = _biphenyl_match(smiles)
    loose = placement.turnable_rings(compound, match)
    assert loose == frozenset(expected)
    assert len(loose) == len(expected)


def test_brigatinib_on_tae684_turns_its_phosphine_oxide_phenyl(tmp_path):
    """Brigatinib on TAE684 (2XB7): the phenyl that carries the dimethylphosphine oxide (where
    TAE684 has its isopropylsulfonyl) may turn, and nothing else (by hand: SMILES atoms 30-34, the
    ring but C29 on N28). In 6MX8 the phosphine oxide sits on the face opposite TAE684's sulfone; its
    atoms come out 4.5-6 A off when held on the template. Both embeddings are kept: ten conformers
    with every common atom held and ten with the ring free, measured on the atoms both hold."""
    library = template_library([SHARED], cache=tmp_path)
    tae684 = next(t for t in library if t.label == "2XB7")
    brigatinib = Chem.AddHs(Chem.MolFromSmiles(
        "COc1cc(N2CCC(N3CCN(C)CC3)CC2)ccc1Nc1ncc(Cl)c(Nc2ccccc2P(C)(C)=O)n1"))
    match = match_templates(brigatinib, [tae684])[0]
    assert placement.turnable_rings(Chem.RemoveHs(brigatinib), match) == {30, 31, 32, 33, 34}
    placed = embed_on_template(brigatinib, match, np.eye(3), np.zeros(3))
    assert placed is not None and placed.mol.GetNumConformers() == 2 * placement.N_CONFORMERS
    assert len(placed.turned) == placement.N_CONFORMERS
    assert not {30, 31, 32, 33, 34} & set(placed.core) and len(placed.core) == match.n_common - 5
    assert float(placed.core_rmsd.max()) < 0.2


def test_a_ring_that_would_leave_two_atoms_held_is_held(tmp_path):
    """2-fluorotoluene on toluene: the common atoms are the ring and the methyl; turning the ring
    would leave two atoms on the template, which cannot orient it, so every conformer holds them all
    (turnable_rings names the five atoms; the placement does not turn them)."""
    from types import SimpleNamespace

    from rdkit.Chem import rdDistGeom

    template = Chem.AddHs(Chem.MolFromSmiles("Cc1ccccc1"))
    rdDistGeom.EmbedMolecule(template, randomSeed=7)
    template = Chem.RemoveHs(template)
    compound = Chem.AddHs(Chem.MolFromSmiles("Cc1ccccc1F"))
    match = match_templates(compound, [SimpleNamespace(mol=template, label="toluene")], prefilter=None)[0]
    assert match.n_common == 7
    assert len(placement.turnable_rings(Chem.RemoveHs(compound), match)) == 5
    placed = embed_on_template(compound, match, np.eye(3), np.zeros(3))
    assert placed is not None and placed.turned == () and len(placed.core) == 7
    assert placed.mol.GetNumConformers() == placement.N_CONFORMERS
