"""Figures of the results package (matplotlib, written as PNG without timestamps)."""

from __future__ import annotations

import os
from collections.abc import Set as AbstractSet
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from structkit.analysis.measure.interactions import INTERACTION_COLOURS
from structkit.analysis.measure.thresholds import RESISTANT_KCAL
from structkit.analysis.study.evaluation import DDG_METHOD
from structkit.analysis.study.metrics import roc_curve
from structkit.io.write import write_atomic
from structkit.model.complex import Complex
from structkit.model.numbering import N_KLIFS_POSITIONS, klifs_map
from structkit.model.sites import REGION_COLOURS, primary_region_of, review_sites

DDG_COLOUR_CAP = 5.0  # kcal/mol: larger estimates share the darkest colour

__all__ = ["abl_scatter_figure", "distance_figure", "heatmap_figure", "interaction_heatmap_figure",
           "pocket_map_figure", "roc_figure", "saturation_figure", "save_figure"]

def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Save a figure as PNG atomically, with no timestamp or software metadata."""
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110,
                                                          metadata={"Software": None},
                                                          bbox_inches="tight"))
    finally:
        plt.close(fig)


def heatmap_figure(pred: pd.DataFrame) -> Figure:
    """Mutation x drug heatmap of the ddG estimate for single substitutions, with the reported coverage.

    The colour is the ddG itself (kcal/mol), diverging at the 1.36 kcal/mol resistance threshold
    (a tenfold loss of affinity) over the data's own range, capped at 5 kcal/mol so that a few
    very large values do not wash the rest out; the marks are the review's statements.
    """
    from matplotlib.colors import TwoSlopeNorm

    single = pred[~pred["mutation"].str.contains(r"\+") & pred["ddg"].notna()]
    drugs = list(dict.fromkeys(single["drug"]))
    mutations = sorted(set(single["mutation"]), key=lambda m: (int("".join(c for c in m if c.isdigit())), m))
    grid = np.full((len(mutations), len(drugs)), np.nan)
    marks = {"resistant": "R", "covered": "C", "conflict": "!"}
    fig, ax = plt.subplots(figsize=(1.1 * len(drugs) + 3, 0.32 * len(mutations) + 1.5))
    for row in single.itertuples(index=False):
        grid[mutations.index(row.mutation), drugs.index(row.drug)] = row.ddg
    norm = TwoSlopeNorm(vcenter=RESISTANT_KCAL, vmin=min(float(np.nanmin(grid)), 0.0) - 0.1,
                        vmax=max(min(float(np.nanmax(grid)), DDG_COLOUR_CAP), RESISTANT_KCAL + 0.5))
    image = ax.imshow(grid, cmap="RdBu_r", norm=norm, aspect="auto")
    for row in single.itertuples(index=False):
        mark = marks.get(row.reported, "")
        if mark:
            i, j = mutations.index(row.mutation), drugs.index(row.drug)
            strong = abs(norm(grid[i, j]) - 0.5) > 0.35  # white on the darkest cells
            ax.text(j, i, mark, ha="center", va="center", fontsize=8, fontweight="bold",
                    color="white" if strong else "black")
    ax.set_xticks(range(len(drugs)), drugs, rotation=45, ha="right")
    ax.set_yticks(range(len(mutations)), mutations, fontsize=8)
    ax.set_title("ddG estimate (colour) and the review's report\n"
                 "(R resistant, C covered, ! conflicting statements)", fontsize=10)
    bar = fig.colorbar(image, ax=ax, extend="max" if np.nanmax(grid) > DDG_COLOUR_CAP else "neither")
    bar.set_label(f"ddG (kcal/mol); resistant above {RESISTANT_KCAL}")
    return fig


def roc_figure(oof: pd.DataFrame, metrics: pd.DataFrame) -> Figure:
    """ROC curves of the cross-validated model and the baselines (all labelled pairs)."""
    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    y = oof["y"].to_numpy()
    curves = [(DDG_METHOD, "ddG estimate (no fit on these labels)"),
              ("leave-one-drug-out", "logistic model, leave-one-drug-out"),
              ("leave-one-site-out", "logistic model, leave-one-site-out"),
              ("solvent-front rule", "solvent-front rule"), ("distance alone", "distance alone"),
              ("inhibitor clash alone", "inhibitor clash alone")]
    for column, label in curves:
        scores = oof[column].to_numpy(dtype=float)
        ok = ~np.isnan(scores)
        fpr, tpr = roc_curve(y[ok], scores[ok])
        rows = metrics[(metrics["subset"] == "all")
                       & ((metrics["validation"] == column) | (metrics["method"] == column))]
        auc = rows["auc"].iloc[0] if len(rows) else np.nan
        ax.plot(fpr, tpr, label=f"{label} (AUC {auc:.2f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ax.set_xlabel("false-positive rate (covered called resistant)")
    ax.set_ylabel("true-positive rate (resistant called resistant)")
    ax.set_title(f"Reported coverage vs structure (n = {len(y)})", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False)
    return fig


def distance_figure(features: pd.DataFrame) -> Figure:
    """Distributions of the sites' minimum distance to the inhibitor, per review region."""
    liganded = features[features["ligand"] != ""].copy()
    liganded["region"] = [primary_region_of(int(s)) for s in liganded["uniprot"]]
    regions = [r for r in REGION_COLOURS if r in set(liganded["region"])]
    data = [liganded.loc[liganded["region"] == r, "min_heavy_distance_A"].dropna().to_numpy()
            for r in regions]
    fig, ax = plt.subplots(figsize=(7, 4))
    parts = ax.boxplot(data, tick_labels=regions, showfliers=False, patch_artist=True)
    for patch, region in zip(parts["boxes"], regions):
        patch.set_facecolor(REGION_COLOURS[region])
        patch.set_alpha(0.45)
    for k, values in enumerate(data, start=1):
        jitter = (np.arange(len(values)) % 7 - 3) * 0.04
        ax.scatter(k + jitter, values, s=6, color="black", alpha=0.5)
    ax.set_ylabel("minimum heavy-atom distance to the inhibitor (Å)")
    ax.set_title(f"Review sites in {liganded['pdb_id'].nunique()} liganded ALK structures", fontsize=10)
    ax.tick_params(axis="x", rotation=30)
    return fig


def pocket_map_figure(complex_: Complex) -> Figure:
    """The review's sites and the inhibitor, projected on the pocket's two main axes."""
    res, p = complex_.residues, complex_.protein
    ca = {}
    for u, a, b in zip(res.uniprot, res.start, res.stop):
        hit = np.flatnonzero(p.name[a:b] == "CA")
        if u >= 0 and hit.size:
            ca[int(u)] = p.coords[a + hit[0]]
    pocket = np.array([ca[u] for u in klifs_map().uniprot.tolist() if u in ca])
    centre = pocket.mean(axis=0)
    _, _, axes = np.linalg.svd(pocket - centre)
    project = lambda xyz: (np.asarray(xyz) - centre) @ axes[:2].T  # noqa: E731
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    trace = project(pocket)
    ax.plot(trace[:, 0], trace[:, 1], color="lightgrey", lw=1, zorder=1)
    lig = project(complex_.inhibitor.heavy.coords)
    ax.scatter(lig[:, 0], lig[:, 1], s=14, color="dimgrey", label=f"{complex_.ligand} ({complex_.drug})",
               zorder=2)
    drawn = set()
    for site in review_sites():
        if site not in ca:
            continue
        x, y = project(ca[site])
        region = primary_region_of(site)
        drawn.add(region)
        ax.scatter([x], [y], s=70, color=REGION_COLOURS.get(region, "black"), edgecolor="black", zorder=3)
        ax.annotate(str(site), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
    for region in [*REGION_COLOURS, *sorted(drawn - set(REGION_COLOURS))]:
        if region in drawn:  # the legend lists every region that has a point, and no other
            ax.scatter([], [], color=REGION_COLOURS.get(region, "black"), edgecolor="black",
                       label=region or "no review region", s=40)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Mutation sites of the review around the inhibitor ({complex_.pdb_id}; CA atoms, "
                 "projected)", fontsize=9)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


def saturation_figure(sat: pd.DataFrame) -> Figure:
    """Risk of every substitution at every KLIFS position, one panel per drug.

    The colour range is the data's 1st to 99th percentile (the steric model's risks sit in a
    narrow band), diverging at 0.5; every position is labelled with its UniProt number.
    """
    from matplotlib.colors import TwoSlopeNorm

    drugs = list(dict.fromkeys(sat["drug"]))
    amino = sorted(set(sat["to_residue"]))
    risks = sat["risk"].dropna().to_numpy(dtype=float)
    low, high = np.percentile(risks, [1, 99])
    norm = TwoSlopeNorm(vcenter=0.5, vmin=min(low, 0.49), vmax=max(high, 0.51))
    fig, axes = plt.subplots(len(drugs), 1, figsize=(17, 3.3 * len(drugs)), squeeze=False,
                             layout="constrained")
    image = None
    positions = klifs_map().uniprot
    for ax, drug in zip(axes[:, 0], drugs):
        part = sat[sat["drug"] == drug]
        grid = np.full((len(amino), N_KLIFS_POSITIONS), np.nan)
        for row in part.itertuples(index=False):
            grid[amino.index(row.to_residue), row.klifs_position - 1] = row.risk
        image = ax.imshow(grid, cmap="RdBu_r", norm=norm, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(len(amino)), amino, fontsize=8)
        ax.set_ylabel(f"{drug} ({part['structure'].iloc[0]})\nsubstitution", fontsize=10)
        ticks = range(N_KLIFS_POSITIONS)
        ax.set_xticks(ticks, [str(positions[k]) for k in ticks], fontsize=7, rotation=90)
        ax.tick_params(axis="x", length=2, pad=1)
    axes[-1, 0].set_xlabel("KLIFS pocket position 1-85 (ALK UniProt number); white: not modelled",
                           fontsize=10)
    assert image is not None  # one panel per drug, and there is at least one drug
    bar = fig.colorbar(image, ax=axes[:, 0].tolist(), shrink=0.5, extend="both")
    bar.set_label("risk (steric model; colours span the 1st-99th percentile)", fontsize=10)
    fig.suptitle("Saturation scan: model risk of every substitution at every pocket position", fontsize=12)
    return fig


def abl_scatter_figure(table: pd.DataFrame, metrics: pd.DataFrame) -> Figure:
    """Estimated against measured ddG on the ABL1 benchmark, one colour per drug."""
    ok = table[table["status"] == "ok"]
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    for k, (drug, g) in enumerate(ok.groupby("drug", sort=True)):
        ax.scatter(g["ddg_exp"], g["ddg_pred"], s=18, color=plt.cm.tab10(k % 10), label=drug, alpha=0.85)
    lo = float(min(ok["ddg_exp"].min(), ok["ddg_pred"].min())) - 0.3
    hi = float(max(ok["ddg_exp"].max(), ok["ddg_pred"].max())) + 0.3
    ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8, ls="--")
    ax.axvline(RESISTANT_KCAL, color="black", lw=0.6, ls=":")
    ax.axhline(RESISTANT_KCAL, color="black", lw=0.6, ls=":")
    row = metrics.iloc[0]
    ax.set_xlabel("measured ddG (kcal/mol)")
    ax.set_ylabel("structkit ddG, scale fitted leave-one-drug-out (kcal/mol)")
    ax.set_title(f"ABL1 benchmark, n = {len(ok)}: r {row.pearson:.2f}, Kendall {row.kendall:.2f}, "
                 f"AUC {row.auc:.2f}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    return fig


#: Interaction classes of the fingerprint heatmap, strongest first: (label, types, colour, code).
_INTERACTION_CLASSES = [
    (label, types, INTERACTION_COLOURS[types[0]], code) for label, types, code in (
        ("hydrogen bond", ("hbond_donor", "hbond_acceptor"), "H"),
        ("ionic", ("ionic_positive", "ionic_negative"), "±"),
        ("π-stacking / cation-π", ("face_to_face", "edge_to_face", "cation_pi", "pi_cation"), "π"),
        ("halogen bond", ("halogen_bond",), "X"),
        ("water bridge", ("water_bridge",), "W"),
        ("metal", ("metal",), "M"),
        ("hydrophobic only", ("hydrophobic",), ""),
    )
]


def interaction_heatmap_figure(table: pd.DataFrame, review_sites: AbstractSet[int] = frozenset()) -> Figure:
    """Drug × residue map of the typed interactions of each drug complex.

    Parameters
    ----------
    table : DataFrame
        Interaction rows (:func:`structkit.analysis.measure.interactions.interaction_table`) with a
        ``drug`` column.
    review_sites : set of int
        Residues the review names as resistance sites (their labels are bold).

    A cell's colour is the residue's strongest class of interaction with that drug (hydrogen bond,
    ionic, stacking, halogen bond, water bridge, metal, hydrophobic only); its letters list every
    class present. Residues are in sequence order (N-lobe, hinge, solvent front, C-lobe, DFG).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    drugs = list(dict.fromkeys(table["drug"]))
    residues = (table[table["uniprot"].notna()][["uniprot", "resname", "klifs"]]
                .drop_duplicates("uniprot").sort_values("uniprot"))
    numbers = residues["uniprot"].astype(int).tolist()
    names = [f"{r.resname.title()}{int(r.uniprot)}" for r in residues.itertuples()]
    grid = np.full((len(drugs), len(numbers)), np.nan)
    codes = [["" for _ in numbers] for _ in drugs]
    for drug, rows in table[table["uniprot"].notna()].groupby("drug", sort=False):
        i = drugs.index(drug)
        for number, group in rows.groupby("uniprot"):
            j = numbers.index(int(number))
            kinds = set(group["type"])
            present = [k for k, (_, types, _, _) in enumerate(_INTERACTION_CLASSES) if kinds & set(types)]
            grid[i, j] = present[0]
            codes[i][j] = "".join(_INTERACTION_CLASSES[k][3] for k in present)
    fig, ax = plt.subplots(figsize=(0.34 * len(numbers) + 2.5, 0.42 * len(drugs) + 2.6))
    colours = ListedColormap([c for _, _, c, _ in _INTERACTION_CLASSES])
    ax.imshow(grid, cmap=colours, vmin=-0.5, vmax=len(_INTERACTION_CLASSES) - 0.5, aspect="auto")
    for i in range(len(drugs)):
        for j in range(len(numbers)):
            if codes[i][j]:
                ax.text(j, i, codes[i][j], ha="center", va="center", fontsize=6.5,
                        color="white" if grid[i, j] < 4 else "black")
    ax.set_xticks(range(len(numbers)), names, rotation=90, fontsize=7)
    for label, number in zip(ax.get_xticklabels(), numbers):
        if number in review_sites:
            label.set_fontweight("bold")
    ax.set_yticks(range(len(drugs)), drugs, fontsize=8)
    ax.set_title("Typed interactions of each drug complex (review sites in bold)", fontsize=10)
    shown = {int(v) for v in grid[np.isfinite(grid)]}
    handles = [Patch(facecolor=c, edgecolor="grey", label=f"{label} ({code})" if code else label)
               for k, (label, _, c, code) in enumerate(_INTERACTION_CLASSES) if k in shown]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=4, fontsize=7,
              frameon=False)
    fig.tight_layout()
    return fig
