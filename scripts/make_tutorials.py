"""Write and execute the tutorials in ``docs/tutorials/`` (the outputs are committed; Sphinx shows them).

Run from the repository root with ``../shared`` beside it: ``python scripts/make_tutorials.py``. Each
notebook is built from the cells below and executed top to bottom with nbclient in its own folder;
``tests/test_tutorials.py`` executes them again, so they cannot go stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "tutorials"

SETUP = '''from pathlib import Path
import pandas as pd
import structkit

pd.set_option("display.width", 160)
SHARED = Path("../../../shared")  # the shared data folder beside the repository
options = structkit.LoadOptions.resolve(mirrors=[SHARED / "structures"])'''

TUTORIALS = {
    "alk_g1202r": ("ALK G1202R: from the structure to the advice", [
        ("md", "The solvent-front mutation G1202R resists crizotinib, ceritinib and alectinib; lorlatinib "
               "covers it (the review's Table 2). This tutorial walks from lorlatinib's crystal complex "
               "(4CLI) to the per-drug advice."),
        ("code", SETUP),
        ("code", 'complex_ = options.load("4CLI")\n'
                 'complex_.ligand, complex_.drug, complex_.chain, len(complex_.residues)'),
        ("md", "Where G1202 sits: its region in the review, its KLIFS position and its distance to the drug."),
        ("code", 'structkit.site_table(complex_, [1196, 1198, 1202])'),
        ("md", "The mutant side chain: the best rotamer of Arg1202 and how much it overlaps the drug."),
        ("code", 'model = structkit.mutate(complex_, "G1202R")\nmodel.to_frame()'),
        ("md", "The change in lorlatinib's binding free energy (kcal/mol, + = binds the mutant more weakly), "
               "with its uncertainty and energy terms."),
        ("code", 'structkit.ddg(complex_, "G1202R,L1196M,G1202R+L1196M", options=options,\n'
                 '              engine=structkit.Engine(workers=1))'
                 '[["mutation", "ddg", "ddg_sd", "site_distance_A", "flag"]]'),
        ("md", "Every drug for the patient's mutation, evidence first: the review's statement decides the "
               "verdict where it exists, the model's own verdict stays beside it. A `structkit.Engine` "
               "says how the work runs: two local worker processes here (or "
               "`scheduler=` a Dask cluster's address), the result cache, and a progress callback "
               "`(done, total, label)`."),
        ("code", 'engine = structkit.Engine(workers=2)\n'
                 'advice = structkit.advise("G1202R", options=options, engine=engine)\n'
                 'advice[["rank", "drug", "verdict", "evidence", "model_verdict", "potency", "basis"]]'),
    ]),
    "docked_pose": ("Your own docked pose: a receptor and an SDF", [
        ("md", "Any kinase and any pose: a receptor PDB and the ligand's SDF (docking output) load as one "
               "complex, and every analysis runs on it. Here: imatinib on ABL1 from the ABL1 benchmark."),
        ("code", SETUP),
        ("code", 'folder = SHARED / "benchmarks" / "abl_hauser2018"\n'
                 'pose = structkit.load(folder / "imatinib_2hyy_complex.pdb",\n'
                 '                      ligand_file=folder / "imatinib_2hyy_ligand.sdf")\n'
                 'pose.kinase, pose.ligand, pose.chemistry_source()'),
        ("md", "Typed interactions of the pose (hydrogen bonds, π-stacking, hydrophobic ...), residue by "
               "residue, with KLIFS positions."),
        ("code", 'table = structkit.interaction_table(pose)\n'
                 'table[["resname", "resnum", "klifs", "type", "distance", "protein_atoms", "ligand_atoms"]].head(12)'),
        ("md", "The gatekeeper T315I and two other resistance mutations against the pose."),
        ("code", 'structkit.ddg(pose, "T315I,F317L,E255K", options=options, engine=structkit.Engine(workers=1))'
                 '[["mutation", "ddg", "ddg_sd", "site_distance_A", "flag"]]'),
    ]),
    "egfr_potency": ("EGFR: potency from structure and from measurements", [
        ("md", "A cell sees the drug's potency, not its binding alone: a mutation that raises ATP affinity "
               "(EGFR T790M) or activates the kinase moves every ATP-competitive drug. Where a kinase has a "
               "measured panel of many drugs, structkit learns that shared part from the other drugs' "
               "measurements (never the drug's own)."),
        ("code", SETUP),
        ("code", 'from structkit.io.measurements import egfr_cell_panel\n'
                 'from structkit.analysis.study.panel_benchmark import panel_benchmark\n'
                 'panel = egfr_cell_panel(SHARED / "benchmarks" / "egfr_robichaux2021")\n'
                 'bench = panel_benchmark(panel)\n'
                 'bench.assign(method=bench["method"].str.split(" ").str[0]).groupby("method")'
                 '[["spearman", "rmse"]].mean()'),
        ("md", "Each drug left out in turn (its own measurements unused): the panel model against the "
               "baselines. Now gefitinib's complex 2ITY, with the structural estimate beside the learned "
               "one, for three classic variants and their measured shifts (Robichaux 2021)."),
        ("code", 'egfr = SHARED / "benchmarks" / "egfr_robichaux2021"\n'
                 'table = structkit.ddg(egfr / "2ity.pdb", "T790M,L858R,T790M+L858R", potency=True,\n'
                 '                      atp_reference=egfr / "2itx.pdb", kinase="EGFR", options=options,\n'
                 '                      engine=structkit.Engine(workers=1))\n'
                 'measured = panel.matrix()["Gefitinib"]\n'
                 'table.assign(measured=[measured.get(m) for m in table["mutation"]])'
                 '[["mutation", "potency", "potency_basis", "potency_structural", "measured", "panel_nearest"]]'),
        ("md", "Read it plainly: the learned potency has the direction of all three right (T790M and the "
               "double mutant cost gefitinib potency, L858R sensitises), where the structural number sees "
               "little of what these mutations do to ATP and to activation. Its scale is not right for "
               "gefitinib: the neighbours it learns from (the drugs closest in chemistry and mode) shift "
               "more than gefitinib does, and no drug's own amplitude can be known from the others. The "
               "measured column is what `structkit advise` puts first when it exists."),
    ]),
    "dask_cluster": ("Running on a Dask cluster", [
        ("md", "Batch work maps coarse tasks over Dask workers. A scheduler started elsewhere (by hand, by "
               "dask-jobqueue on SLURM) is given by its address; here a local cluster stands in for it."),
        ("code", SETUP),
        ("code", 'from distributed import LocalCluster\n'
                 'from structkit import Engine\n'
                 'cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0")\n'
                 'address = cluster.scheduler_address\n'
                 'address.split(":")[0]'),
        ("code", 'ids = ["2XP2", "4CLI", "4MKC", "3AOX", "6MX8", "9GBE"]\n'
                 'on_cluster = structkit.feature_table(ids, engine=Engine(scheduler=address), options=options)\n'
                 'here = structkit.feature_table(ids, engine=Engine(workers=1), options=options)\n'
                 'on_cluster.equals(here), on_cluster.shape'),
        ("code", 'cluster.close()'),
    ]),
}


def build(name: str, title: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# {title}")] + [
        nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
        for kind, text in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def main(names: list[str]) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, (title, cells) in TUTORIALS.items():
        if names and name not in names:
            continue
        notebook = build(name, title, cells)
        NotebookClient(notebook, timeout=900, kernel_name="python3",
                       resources={"metadata": {"path": str(FOLDER)}}).execute()
        for k, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
            cell["execution_count"] = k + 1
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = k + 1
        nbformat.write(notebook, FOLDER / f"{name}.ipynb")
        print(f"wrote {FOLDER / f'{name}.ipynb'}")


if __name__ == "__main__":
    main(sys.argv[1:])
