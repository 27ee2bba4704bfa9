"""Ligand poses from files: the eight prepared ABL1 complexes, a docking receptor plus SDF, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem

import structkit
from structkit.errors import StructkitError
from tests.util import REPO

pytestmark = [pytest.mark.shared_data]

ABL = REPO.parent / "shared" / "benchmarks" / "abl_hauser2018"
COMPLEXES = sorted(p.name.rsplit("_", 1)[0] for p in ABL.glob("*_complex.pdb"))


def _sdf(stem: str):
    return ABL / f"{stem}_ligand.sdf"


def test_all_eight_benchmark_complexes():
    assert len(COMPLEXES) == 8


@pytest.mark.parametrize("stem", COMPLEXES)
def test_abl1_complex_loads_with_its_sdf(stem):
    c = structkit.load(ABL / f"{stem}_complex.pdb", ligand_file=_sdf(stem))
    summary = c.summary()
    assert summary["kinase"] == "ABL1" and summary["gatekeeper"] == "T315"
    assert summary["ligand_source"] == "file" and c.ligand == "LIG"
    reference = Chem.MolFromMolFile(str(_sdf(stem)), removeHs=False)
    assert summary["n_ligand_atoms"] == reference.GetNumHeavyAtoms()
    # the file's chemistry, in the structure's atom order and at the structure's coordinates
    assert Chem.MolToSmiles(c.ligand_mol) == Chem.MolToSmiles(Chem.RemoveHs(reference))
    assert np.allclose(c.ligand_mol.GetConformer().GetPositions(), c.inhibitor.heavy.coords, atol=0.1)
    # caps are neither residues nor the inhibitor; hydrogens dropped by default
    assert "ACE" in summary["additives"] and not c.protein.is_hydrogen.any()
    # ABL1 keeps its author (UniProt isoform 1a) numbering and its KLIFS positions
    assert c.residues.klifs_position[c.residues.index_of(315)] == 45
    assert c.pocket()["status"].ne("missing").sum() >= 84


def test_axitinib_complex_lacks_m244():
    c = structkit.load(ABL / "axitinib_4wa9_complex.pdb", ligand_file=_sdf("axitinib_4wa9"))
    assert c.residues.index_of(244) == -1 and c.first_residue == 246
    with pytest.raises(StructkitError, match="244"):
        structkit.mutate(c, "M244V")


def _receptor(tmp_path, stem="imatinib_2hyy"):
    lines = [x for x in (ABL / f"{stem}_complex.pdb").read_text().splitlines() if not x.startswith("HETATM")]
    path = tmp_path / "receptor.pdb"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_docking_receptor_gets_the_pose(tmp_path):
    receptor = _receptor(tmp_path)
    assert structkit.load(receptor).ligand is None
    c = structkit.load(receptor, ligand_file=_sdf("imatinib_2hyy"))
    assert c.ligand_source == "file" and len(c.inhibitor) == 37
    wt = structkit.site_features(c, [315])
    crystal = structkit.site_features(
        structkit.load(ABL / "imatinib_2hyy_complex.pdb", ligand_file=_sdf("imatinib_2hyy")), [315])
    assert wt["min_heavy_distance_A"].iloc[0] == pytest.approx(crystal["min_heavy_distance_A"].iloc[0])
    assert wt["hbonds_to_inhibitor"].iloc[0] == crystal["hbonds_to_inhibitor"].iloc[0]
    # the T315I clash is the same whether the pose came with the receptor or from the file
    a = structkit.mutate(c, "T315I").to_frame()["inhibitor_max_overlap_A"].iloc[0]
    b = structkit.mutate(structkit.load(ABL / "imatinib_2hyy_complex.pdb"), "T315I").to_frame()
    assert a == pytest.approx(b["inhibitor_max_overlap_A"].iloc[0])


def test_other_formats_and_multipose(tmp_path):
    mol = Chem.MolFromMolFile(str(_sdf("imatinib_2hyy")), removeHs=False)
    Chem.MolToMolFile(mol, str(tmp_path / "pose.mol"))
    Chem.MolToPDBFile(mol, str(tmp_path / "pose.pdb"))
    far = Chem.Mol(mol)
    conf = far.GetConformer()
    for k in range(far.GetNumAtoms()):
        p = conf.GetAtomPosition(k)
        conf.SetAtomPosition(k, (p.x + 40.0, p.y, p.z))
    with Chem.SDWriter(str(tmp_path / "two.sdf")) as writer:
        writer.write(far)
        writer.write(mol)
    receptor = _receptor(tmp_path)
    for name in ("pose.mol", "pose.pdb"):
        assert len(structkit.load(receptor, ligand_file=tmp_path / name).inhibitor) == 37
    assert structkit.load(receptor, ligand_file=tmp_path / "two.sdf", pose=2).ligand_source == "file"
    with pytest.raises(StructkitError, match="outside the ATP pocket"):
        structkit.load(receptor, ligand_file=tmp_path / "two.sdf", pose=1)
    with pytest.raises(StructkitError, match="pose 3 does not exist"):
        structkit.load(receptor, ligand_file=tmp_path / "two.sdf", pose=3)


def test_bad_ligand_files(tmp_path):
    complex_pdb = ABL / "imatinib_2hyy_complex.pdb"
    (tmp_path / "empty.sdf").write_text("")
    (tmp_path / "junk.mol2").write_text("not a molecule\n")
    (tmp_path / "pose.xyz").write_text("1\n\nC 0 0 0\n")
    cases = [
        (tmp_path / "empty.sdf", "holds no molecule"),
        (tmp_path / "junk.mol2", "RDKit cannot read"),
        (tmp_path / "pose.xyz", "unknown ligand file type"),
        (tmp_path / "missing.sdf", "no such ligand file"),
        (_sdf("dasatinib_2gqg"), "do not match the ligand LIG"),
    ]
    for path, message in cases:
        with pytest.raises(StructkitError, match=message):
            structkit.load(complex_pdb, ligand_file=path)


def test_reference_fasta_renumbers(tmp_path):
    c = structkit.load(ABL / "imatinib_2hyy_complex.pdb")
    sequence = "".join(c.residues.one_letter)
    first = int(c.residues.resnum[0])
    # a reference numbered from 1001 with T315 written as I (a "mutant" reference)
    ref = list(sequence)
    ref[315 - first] = "I"
    (tmp_path / "abl.fasta").write_text(f">sp|P00519|ABL1_HUMAN test first={first + 1000 - 232}\n"
                                        + "".join(ref) + "\n")
    r = structkit.load(ABL / "imatinib_2hyy_complex.pdb", reference=tmp_path / "abl.fasta")
    shift = 1000 - 232
    assert r.kinase == "ABL1" and r.mutations == [f"I{315 + shift}T"]
    assert r.residues.klifs_position[r.residues.index_of(315 + shift)] == 45
    (tmp_path / "bad.fasta").write_text("MKV\n")
    with pytest.raises(StructkitError, match="not a FASTA file"):
        structkit.load(ABL / "imatinib_2hyy_complex.pdb", reference=tmp_path / "bad.fasta")


def test_alk_docking_workflow_matches_the_crystal(tmp_path, shared):
    """ALK receptor without its ligand + the pose as SDF: the review-mutation scan equals the crystal's."""
    from structkit.model.ligand import inhibitor_chemistry

    crystal = structkit.load("2XP2", mirrors=[shared])
    writer = Chem.SDWriter(str(tmp_path / "pose.sdf"))
    writer.write(inhibitor_chemistry(crystal).mol)
    writer.close()
    receptor = tmp_path / "receptor.pdb"
    receptor.write_text("".join(x for x in (shared / "2xp2.pdb").read_text().splitlines(True)
                                if not (x.startswith("HETATM") and x[17:20] == "VGH")))
    docked = structkit.load(receptor, ligand_file=tmp_path / "pose.sdf")
    assert docked.ligand_source == "file" and len(docked.inhibitor) == len(crystal.inhibitor.heavy)
    mutations = ["G1202R", "L1196M", "G1269A"]
    ours = structkit.scan([receptor], mutations,
                          options=structkit.LoadOptions.resolve(ligand_file=str(tmp_path / "pose.sdf")))
    ref = structkit.scan(["2XP2"], mutations, options=structkit.LoadOptions.resolve([shared]))
    for column in ("inhibitor_max_overlap_A", "inhibitor_clash_excess_A", "best_rotamer"):
        assert np.allclose(ours[column].to_numpy(float), ref[column].to_numpy(float)), column


def test_abl1_distance_baseline_reproduces_the_benchmark_figures():
    """The benchmark's SOURCES.md reports, on its 143 modellable pairs, the mutated residue's minimum
    heavy-atom distance to the inhibitor as a baseline: AUC 0.77 (resistant = ddG > 1.36), Pearson r
    0.25, Kendall tau 0.23, C-alpha distance AUC 0.72. Loading the eight complexes with their SDF
    poses and ABL1 numbering must give the same figures."""
    import pandas as pd
    from scipy import stats

    from structkit.analysis.study.metrics import roc_auc

    table = pd.read_csv(ABL / "hauser2018_abl_ddg.csv")
    stems = {stem.split("_")[0]: stem for stem in COMPLEXES}
    complexes = {drug: structkit.load(ABL / f"{stem}_complex.pdb", ligand_file=_sdf(stem))
                 for drug, stem in stems.items()}
    heavy, alpha = [], []
    for drug, resid, wild_type in zip(table["tki"], table["resid"], table["from"]):
        c = complexes[drug]
        atoms = c.residue_atoms(int(resid)).heavy
        if len(atoms) == 0:
            heavy.append(np.nan)
            alpha.append(np.nan)
            continue
        assert atoms.resname[0] == wild_type  # the file's wild type is what the complex has
        ligand = c.inhibitor.heavy.coords
        d = np.linalg.norm(atoms.coords[:, None] - ligand[None], axis=-1)
        heavy.append(d.min())
        alpha.append(d[atoms.name == "CA"].min())
    heavy, alpha = np.array(heavy), np.array(alpha)
    ok = ~np.isnan(heavy)
    assert ok.sum() == 143 and table[~ok]["mutation"].tolist() == ["M244V"]
    ddg = table["ddG_exp"].to_numpy()[ok]
    resistant = (ddg > 1.36).astype(int)
    assert resistant.sum() == 19
    assert round(roc_auc(resistant, -heavy[ok]), 2) == 0.77
    assert round(stats.pearsonr(-heavy[ok], ddg)[0], 2) == 0.25
    assert round(stats.kendalltau(-heavy[ok], ddg)[0], 2) == 0.23
    assert round(roc_auc(resistant, -alpha[ok]), 2) == 0.72


# --- which refined pose the template route keeps (by hand) ---

def _refined(energy: float, shift: float, coverage: float, label: str):
    from types import SimpleNamespace

    from structkit.posing.pose import RefinedPose

    match = SimpleNamespace(coverage=coverage, template=SimpleNamespace(label=label))
    return RefinedPose(energy, shift, None, match)


def test_the_lowest_energy_wins_among_templates_covering_nearly_as_much_as_the_best():
    from structkit.posing.pose import COVERAGE_MARGIN, MAX_CORE_SHIFT, choose_refined

    assert COVERAGE_MARGIN == 0.2 and MAX_CORE_SHIFT == 2.0
    # entrectinib (5FTO) in the benchmark: a 0.98-coverage template whose poses all left its place,
    # one of 0.51 (3.7 A off the crystal) and one of 0.34 whose best pose is the crystal's (0.8 A)
    candidates = [_refined(-9.4, 2.6, 0.98, "5FTQ"), _refined(-11.6, 1.2, 0.51, "2XBA"),
                  _refined(-12.2, 0.9, 0.34, "5IUI")]
    assert choose_refined(candidates).match.template.label == "5IUI"  # 0.34 >= 0.51 - 0.2
    # a template covering more than the margin less is not chosen by energy
    assert choose_refined([_refined(-9.0, 1.0, 0.8, "A"), _refined(-12.0, 1.0, 0.55, "B")]).energy == -9.0
    # equal energies (to 0.001) go to the smaller shift, then the label
    tied = [_refined(-8.0004, 1.5, 0.7, "B"), _refined(-8.0001, 0.5, 0.7, "C"), _refined(-8.0, 0.5, 0.7, "A")]
    assert choose_refined(tied).match.template.label == "A"
    assert choose_refined([_refined(-10.0, 2.1, 0.9, "A")]) is None  # every pose left its template
    assert choose_refined([]) is None
