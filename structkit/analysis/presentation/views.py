"""Interactive 3D views: one self-contained HTML file per complex, and inline views in Jupyter.

A view shows the kinase as a cartoon, the review's sites as sticks coloured by region (as in the
PyMOL script), the inhibitor, its typed interactions as dashed lines coloured by type, and for
each mutant model the mutant side chain (the wild-type one can be toggled), its clashes as red
dashed lines labelled with their overlaps, the interactions the mutation removes and adds, and a
side panel with the numbers (clash, distance, volume, and the ddG with its components where they
are given). A mutation is chosen from the list or by the page's address (``view.html#G1202R``; an
address naming a mutation without a model, such as a class statement, opens the wild type).

The page embeds the pinned 3Dmol.js build (:mod:`structkit.io.viewer_library`) and its data as
JSON, so it opens from disk with no network request. Output is deterministic: the same complex
and models give the same bytes.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from structkit.analysis.measure.interactions import (
    INTERACTION_COLOURS,
    INTERACTION_TYPES,
    interaction_changes,
    interaction_table,
)
from structkit.geometry.neighbors import nearest_distance
from structkit.io.viewer_library import ViewerLibrary, viewer_library
from structkit.io.write import pdb_text
from structkit.model.complex import Complex
from structkit.model.mutate import MutantModel, mutate
from structkit.model.sites import REGION_COLOURS, primary_region_of, site_numbers

__all__ = ["DDG_FIELDS", "View", "ddg_numbers", "show", "view_data", "view_html"]



def _point(xyz) -> list[float]:
    return [round(float(v), 3) for v in xyz]


class _Locator:
    """Coordinates of named atoms of a complex (protein by reference number, inhibitor, ions)."""

    def __init__(self, complex_: Complex):
        self.complex_ = complex_
        res = complex_.residues
        self.rows = {(int(u) if u >= 0 else int(n)): k
                     for k, (u, n) in enumerate(zip(res.uniprot, res.resnum))}

    def protein(self, number: int, names: Iterable[str]) -> np.ndarray | None:
        row = self.rows.get(int(number))
        if row is None:
            return None
        res, protein = self.complex_.residues, self.complex_.protein
        a, b = res.start[row], res.stop[row]
        hit = np.isin(protein.name[a:b], list(names))
        return protein.coords[a:b][hit].mean(axis=0) if hit.any() else None

    def ligand(self, names: Iterable[str]) -> np.ndarray | None:
        inhibitor = self.complex_.inhibitor
        hit = np.isin(inhibitor.name, list(names))
        return inhibitor.coords[hit].mean(axis=0) if hit.any() else None

    def ion(self, chain: str, resnum: int) -> np.ndarray | None:
        additives = self.complex_.additives
        hit = (additives.chain == chain) & (additives.resnum == resnum)
        return additives.coords[hit][0] if hit.any() else None


def _lines(table: pd.DataFrame, where: _Locator) -> list[dict]:
    """Interaction rows as line segments (ring ends at the ring centre), skipping hydrophobic ones."""
    out = []
    for row in table.itertuples(index=False):
        if row.type == "hydrophobic":
            continue
        ligand = where.ligand(row.ligand_atoms.split(","))
        if pd.isna(row.uniprot):
            protein = where.ion(row.chain, int(row.resnum))
        else:
            protein = where.protein(int(row.uniprot), row.protein_atoms.split(","))
        if ligand is None or protein is None:
            continue
        out.append({"type": row.type, "resnum": None if pd.isna(row.uniprot) else int(row.uniprot),
                    "label": f"{row.resname}{row.resnum} {row.type.replace('_', ' ')} {row.distance:.2f} Å",
                    "from": _point(protein), "to": _point(ligand), "distance": round(float(row.distance), 2)})
    return out


def _clashes(model: MutantModel, where: _Locator) -> list[dict]:
    ligand = str(model.complex_.ligand)
    out = []
    for site in model.sites:
        for atom, partner, overlap in site.clashes:
            start = where.protein(site.site, [atom.split(":")[1]])
            target, _, name = partner.partition(":")
            if target == ligand:
                end = where.ligand([name])
            elif name and target[3:].lstrip("-").isdigit():
                end = where.protein(int(target[3:]), [name])
            else:
                end = None
            if start is None or end is None:
                continue
            out.append({"from": _point(start), "to": _point(end), "overlap": round(float(overlap), 2),
                        "label": f"{atom} - {partner}: {overlap:.2f} Å"})
    return out


def _mutant_pdb(model: MutantModel) -> str:
    """ATOM records of the mutated residues only (the rest of the model is the wild type's)."""
    sites = {s.site for s in model.sites}
    lines = [line for line in pdb_text(model.complex_).splitlines()
             if line.startswith("ATOM") and int(line[22:26]) in sites]
    return "\n".join(lines) + "\nEND\n"


def _min_distance(where: _Locator, site: int) -> str:
    """Closest heavy-atom approach of a residue to the inhibitor (Å, as text; ``-`` if unknown)."""
    complex_ = where.complex_
    row = where.rows.get(site)
    if row is None or not len(complex_.inhibitor):
        return "-"
    res, protein, inhibitor = complex_.residues, complex_.protein, complex_.inhibitor
    a, b = res.start[row], res.stop[row]
    residue = protein.coords[a:b][~protein.is_hydrogen[a:b]]
    return f"{nearest_distance(residue, inhibitor.coords[~inhibitor.is_hydrogen]).min():.2f}"


def _describe(row) -> str:
    return (f"{row.resname}{row.resnum} {row.type.replace('_', ' ')} "
            f"({row.protein_atoms}-{row.ligand_atoms} {row.distance:.2f} Å)")


def _mutant_entry(complex_: Complex, wild_table: pd.DataFrame | None, model: MutantModel,
                  ddg: Mapping[str, float | None] | None) -> dict:
    frame = model.to_frame()
    where = _Locator(model.complex_)
    numbers: list[list] = []
    for row in frame.itertuples(index=False):
        numbers += [
            [f"{row.from_residue}{row.site}{row.to_residue}: rotamer", f"#{row.best_rotamer} "
             f"(frequency {row.best_rotamer_frequency:.3f})"],
            ["inhibitor clash, max overlap (Å)", f"{row.inhibitor_max_overlap_A:.2f}"],
            ["inhibitor clash pairs over 0.4 Å", str(int(row.inhibitor_clash_pairs))],
            ["protein strain, max overlap (Å)", f"{row.protein_max_overlap_A:.2f}"],
            ["side-chain volume change (Å³)", f"{row.volume_change_A3:+.0f}"],
            ["closest approach to the inhibitor (Å)", _min_distance(where, int(row.site))],
        ]
    for key, value in (ddg or {}).items():
        numbers.append([key, "-" if value is None or value != value else f"{value:.2f}"])
    entry = {"sites": [s.site for s in model.sites], "pdb": _mutant_pdb(model),
             "clashes": _clashes(model, where), "numbers": numbers, "removed": [], "added": [], "lines": []}
    if wild_table is not None:
        mutant_table = interaction_table(model.complex_)
        sites = [s.site for s in model.sites]
        changes = interaction_changes(wild_table, mutant_table, sites)
        entry["removed"] = [_describe(r) for r in changes[changes["change"] == "removed"].itertuples()]
        entry["added"] = [_describe(r) for r in changes[changes["change"] == "added"].itertuples()]
        entry["lines"] = _lines(mutant_table[mutant_table["uniprot"].isin(sites)], where)
    return entry


def view_data(complex_: Complex, models: Iterable[MutantModel] = (), *,
              ddg: Mapping[str, Mapping[str, float | None]] | None = None, title: str | None = None,
              default: str | None = None) -> dict:
    """The JSON payload of a view (see :func:`view_html`)."""
    name = complex_.pdb_id or (complex_.source.name if complex_.source else "structure")
    has_ligand = len(complex_.inhibitor) > 0
    wild_table = interaction_table(complex_) if has_ligand else None
    numbers, alk = site_numbers(complex_)
    present = {int(u) for u in complex_.residues.uniprot if u >= 0}
    sites = []
    for number, alk_number in zip(numbers, alk):
        if number not in present:
            continue
        region = primary_region_of(alk_number) if alk_number is not None else ""
        row = complex_.residues.index_of(number)
        sites.append({"resnum": int(number), "label": f"{complex_.residues.one_letter[row]}{number}",
                      "region": region, "colour": REGION_COLOURS.get(region, "#999999")})
    mutants = {}
    for model in models:
        key = str(model.mutation)
        mutants[key] = _mutant_entry(complex_, wild_table, model, (ddg or {}).get(key))
    return {
        "title": title or f"{name}{' - ' + complex_.drug if complex_.drug else ''}",
        "structure": name, "chain": complex_.chain, "ligand": complex_.ligand or "",
        "drug": complex_.drug or "", "pdb": pdb_text(complex_),
        "sites": sites, "regions": dict(REGION_COLOURS),
        "interactions": _lines(wild_table, _Locator(complex_)) if wild_table is not None else [],
        "interaction_colours": {t: INTERACTION_COLOURS[t] for t in INTERACTION_TYPES},
        "mutants": mutants, "default": default if default in mutants else (next(iter(mutants), None)),
    }


def _asset(name: str) -> str:
    from importlib import resources

    return resources.files("structkit.data").joinpath(name).read_text(encoding="utf-8")


def view_html(complex_: Complex, models: Iterable[MutantModel] = (), *,
              ddg: Mapping[str, Mapping[str, float | None]] | None = None, title: str | None = None,
              default: str | None = None, library: ViewerLibrary | None = None) -> str:
    """A self-contained HTML page showing a complex and its mutant models in 3D.

    Parameters
    ----------
    complex_ : Complex
        The wild-type (template) complex.
    models : iterable of MutantModel
        Mutant models of ``complex_`` to offer (from :func:`structkit.mutate`).
    ddg : mapping, optional
        Per mutation, numbers to show in the side panel (for example the ddG and its components).
    title : str, optional
    default : str, optional
        The mutation shown first (default: the first model).
    library : ViewerLibrary, optional
        The viewer library (default: :func:`structkit.io.viewer_library.viewer_library`).

    Returns
    -------
    str
        The page: HTML with the library and the data embedded; no external resource.
    """
    library = library or viewer_library()
    data = view_data(complex_, models, ddg=ddg, title=title, default=default)
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    licence = library.licence.replace("*/", "* /")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(data['title'])}</title>"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:\">"
        f"<style>{_asset('view_style.css')}</style></head><body>\n"
        "<div id=\"app\"><div id=\"viewer\"></div><div id=\"panel\">"
        f"<h1>{html.escape(data['title'])}</h1>"
        f"<div class=\"muted\">chain {html.escape(str(data['chain']))}, inhibitor "
        f"{html.escape(data['ligand'] or 'none')}</div>"
        "<h2>Mutant model</h2><select id=\"mutation\"><option value=\"\">wild type</option></select>"
        "<label><input type=\"checkbox\" id=\"wild\" checked> wild-type side chain (green)</label>"
        "<label><input type=\"checkbox\" id=\"lines\" checked> interactions (dashed)</label>"
        "<div id=\"mutant-info\"><table><tbody id=\"numbers\"></tbody></table>"
        "<h2>Interactions lost</h2><ul id=\"removed\"></ul><h2>Interactions new</h2><ul id=\"added\"></ul>"
        "<p class=\"muted\">Mutant side chain magenta; clashes red, labelled with their overlap.</p></div>"
        "<h2>Sites by review region</h2><ul id=\"legend\"></ul>"
        f"<p class=\"muted\">structkit view; viewer: {library.name} {library.version} (BSD-3-Clause, "
        "embedded; licence in this file's source).</p></div></div>\n"
        f"<script type=\"application/json\" id=\"structkit-data\">{payload}</script>\n"
        f"<script>/*! {library.name} {library.version}\n{licence}\n*/\n{library.javascript}</script>\n"
        f"<script>{_asset('view_app.js')}</script>\n</body></html>\n"
    )


@dataclass
class View:
    """An interactive view that renders inline in Jupyter (an iframe holding the whole page)."""

    page: str
    height: int = 520

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" style="width:100%;'
                f'height:{self.height}px;border:1px solid #ddd" sandbox="allow-scripts"></iframe>')

    def save(self, path: str | os.PathLike) -> None:
        """Write the page (a self-contained HTML file)."""
        from structkit.io.write import write_text_atomic

        write_text_atomic(path, self.page)


def show(obj: Complex | MutantModel, mutations: Iterable[str] = (), *, height: int = 520) -> View:
    """An inline 3D view of a complex or a mutant model (for Jupyter; works offline).

    Parameters
    ----------
    obj : Complex or MutantModel
        A complex (``mutations`` are modelled on it) or a mutant model (shown with its template).
    mutations : iterable of str, optional
        Mutations to model and offer in the view.
    height : int
        Height in pixels.

    Returns
    -------
    View
        Displays itself in a notebook; :meth:`View.save` writes it as a page.
    """
    if isinstance(obj, MutantModel):
        return View(view_html(obj.source, [obj]), height)
    models = [mutate(obj, m) for m in mutations]
    return View(view_html(obj, models), height)


#: ddG table columns shown in a view's side panel, with their labels (kcal/mol).
DDG_FIELDS = {
    "ddg": "ddG estimate (kcal/mol)", "ddg_sd": "uncertainty (sd): conformer spread and the method's error",
    "ddg_spread": "spread over near-optimal conformers (sd)",
    "ddg_raw": "raw sum of the terms (before the fitted scale)",
    "ddg_vina": "second estimate: Vina score of the same models",
    "ddg_consensus": "mean of the two estimates",
    "vdw": "term: van der Waals",
    "electrostatics": "term: electrostatics", "nonpolar": "term: nonpolar solvation",
    "strain": "term: strain", "entropy": "term: side-chain entropy",
}


def ddg_numbers(row: Mapping) -> dict[str, float | None]:
    """The side-panel numbers of one ddG table row (see :data:`DDG_FIELDS`)."""
    return {label: (None if pd.isna(row.get(key)) else round(float(row[key]), 3))
            for key, label in DDG_FIELDS.items() if key in row}
