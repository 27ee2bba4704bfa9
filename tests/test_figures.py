"""The report's figures are legible at their saved size: colour scales span the data, legends list
what is drawn and cover nothing, every tick label is there and large enough."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

import structkit
from structkit.analysis.measure.thresholds import RESISTANT_KCAL
from structkit.analysis.presentation.figures import (
    DDG_COLOUR_CAP,
    heatmap_figure,
    pocket_map_figure,
    roc_figure,
    saturation_figure,
)
from structkit.model.sites import primary_region_of, review_sites
from tests.util import REPO, SHARED

pytestmark = [pytest.mark.shared_data]

matplotlib.use("Agg")
RESULTS = REPO / "results"


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(RESULTS / f"{name}.csv", keep_default_na=False, na_values=[""])


def test_heatmap_colours_span_the_estimates():
    pred = _table("predictions")
    fig = heatmap_figure(pred[pred["mutation"].isin(set(_table("join")["mutation"]))])
    norm = fig.axes[0].images[0].norm
    shown = fig.axes[0].images[0].get_array().compressed()
    assert norm.vcenter == RESISTANT_KCAL
    assert norm.vmin <= shown.min() and norm.vmax >= min(shown.max(), DDG_COLOUR_CAP)
    # the data fill the scale: no longer a 0-1 risk scale with everything in one corner of it
    assert norm.vmax <= max(shown.max(), RESISTANT_KCAL + 0.5) + 1e-9
    assert fig.axes[1].get_ylabel().startswith("ddG (kcal/mol)")


def test_saturation_labels_every_position_readably():
    fig = saturation_figure(_table("saturation"))
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 7
    _, height = fig.get_size_inches()
    assert height / len(panels) >= 3.0  # 20 substitution rows per panel: >= 0.15 inch each
    for ax in panels:
        assert len(ax.get_xticklabels()) == 85 and len(ax.get_yticklabels()) == 20
        assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 7
        assert min(t.get_fontsize() for t in ax.get_xticklabels()) >= 7
    norm = panels[0].images[0].norm
    risks = _table("saturation")["risk"].dropna()
    assert norm.vmin == pytest.approx(min(np.percentile(risks, 1), 0.49))
    assert norm.vmax == pytest.approx(max(np.percentile(risks, 99), 0.51))


def test_roc_legend_covers_no_curve():
    fig = roc_figure(_table("out_of_fold"), _table("evaluation"))
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    plot_area = ax.get_window_extent()
    assert legend.y1 < plot_area.y0  # entirely below the axes
    assert len(ax.get_legend().get_texts()) == 6


def test_pocket_map_legend_lists_exactly_the_drawn_regions():
    complex_ = structkit.load("4CLI", mirrors=[SHARED])
    fig = pocket_map_figure(complex_)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    # the statistics' rule (primary_region_of), not a figure's own: 1174, 1203 and 1256 differed
    drawn = {primary_region_of(site) for site in review_sites()
             if complex_.residues.index_of(site) >= 0}
    assert labels[0].startswith("5P8")
    assert set(labels[1:]) == drawn and len(labels[1:]) == len(drawn)
    assert "αC-helix" in drawn  # I1171 and F1174: drawn black and missing from the legend before


def test_one_colour_per_region_everywhere():
    """Figures, PyMOL scripts and 3D views take a region's colour from one table (the αC helix was
    dark blue in the figures and green in PyMOL and the views)."""
    from structkit.analysis.presentation.views import view_data
    from structkit.io.pymol import REGION_RGB
    from structkit.model.sites import REGION_COLOURS

    for region, colour in REGION_COLOURS.items():
        rgb = tuple(int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5))
        assert REGION_RGB[region] == pytest.approx(rgb, abs=1e-3)
    data = view_data(structkit.load("4CLI", mirrors=[SHARED]), [])
    assert data["regions"] == REGION_COLOURS
    assert all(s["colour"] == REGION_COLOURS.get(s["region"], "#999999") for s in data["sites"])
