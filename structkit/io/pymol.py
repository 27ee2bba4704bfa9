"""PyMOL scripts: the review's sites coloured by region, the inhibitor, and a modelled mutant with its
clashes drawn as distances. The script loads a PDB file written beside it."""

from __future__ import annotations

import os
from pathlib import Path

from structkit.io.write import write_pdb, write_text_atomic
from structkit.model.complex import Complex
from structkit.model.mutate import MutantModel
from structkit.model.sites import REGION_COLOURS, primary_region_of, region_rgb, site_numbers

__all__ = ["REGION_RGB", "pymol_script"]

#: Each review region's colour as RGB fractions (from :data:`structkit.model.sites.REGION_COLOURS`).
REGION_RGB = {region: region_rgb(region) for region in REGION_COLOURS}


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


def pymol_script(
    complex_: Complex, path: str | os.PathLike, model: MutantModel | None = None
) -> tuple[Path, Path]:
    """Write ``path`` (a .pml) and the structure it loads (same name, .pdb); returns both paths.

    Parameters
    ----------
    complex_ : Complex
        The structure (shown as the wild type).
    path : path
        The script to write.
    model : MutantModel, optional
        A mutant model of ``complex_``: its side chains are shown and its clashing pairs drawn.
    """
    path = Path(path)
    pdb = path.with_suffix(".pdb")
    shown = model.complex_ if model is not None else complex_
    write_pdb(shown, pdb, [f"structkit PyMOL view of {complex_.pdb_id or complex_.source}"])
    obj = _safe(f"{complex_.pdb_id or 'structure'}{'_' + str(model.mutation) if model else ''}")
    chain = complex_.chain or "A"
    lines = [
        f"# structkit: {complex_.pdb_id or complex_.source}"
        + (f", mutant {model.mutation}" if model else "")
        + ", sites coloured by review region",
        f"load {pdb.name}, {obj}",
        "hide everything",
        "show cartoon",
        "color grey80",
        "set cartoon_transparency, 0.3",
    ]
    for region, (r, g, b) in REGION_RGB.items():
        lines.append(f"set_color region_{_safe(region)}, [{r:.2f}, {g:.2f}, {b:.2f}]")
    present = set(int(u) for u in shown.residues.uniprot if u >= 0)
    numbers, alk_sites = site_numbers(shown)  # for another kinase: the residues at the same KLIFS positions
    for site, alk_site in zip(numbers, alk_sites):
        if site not in present:
            continue
        region = primary_region_of(alk_site) if alk_site is not None else ""
        sel = f"site_{site}"
        lines += [
            f"select {sel}, {obj} and chain {chain} and resi {site}",
            f"show sticks, {sel} and not name N+C+O",
            f"color region_{_safe(region)}, {sel} and elem C",
            f"label {sel} and name CA, \"%s%s\" % (resn, resi)",
        ]
    if len(shown.inhibitor):
        resn = shown.inhibitor.resname[0]
        lines += [
            f"select inhibitor, {obj} and resn {resn}",
            "show sticks, inhibitor",
            "color white, inhibitor and elem C",
            "util.cnc inhibitor",
        ]
    if model is not None:
        lig_resi = int(shown.inhibitor.resnum[0]) if len(shown.inhibitor) else None
        for site_model in model.sites:
            sel = f"mutant_{site_model.to_residue}{site_model.site}"
            lines += [f"select {sel}, {obj} and chain {chain} and resi {site_model.site}",
                      f"show sticks, {sel}", f"color magenta, {sel} and elem C"]
            for k, (atom, partner, overlap) in enumerate(site_model.clashes, start=1):
                a_name = atom.split(":")[1]
                target, b_name = partner.split(":") if ":" in partner else (partner, "")
                if target == str(model.complex_.ligand) and lig_resi is not None:
                    other = f"{obj} and chain {chain} and resi {lig_resi} and name {b_name}"
                elif b_name and target[3:].lstrip("-").isdigit():
                    other = f"{obj} and chain {chain} and resi {target[3:]} and name {b_name}"
                else:
                    continue
                name = f"clash_{site_model.site}_{k}"
                mine = f"{obj} and chain {chain} and resi {site_model.site} and name {a_name}"
                lines += [f"distance {name}, {mine}, {other}", f"color red, {name}",
                          f"# {atom} - {partner}: overlap {overlap:.2f} A"]
    lines += ["hide labels, clash_*", "orient inhibitor" if len(shown.inhibitor) else "orient",
              "deselect", ""]
    write_text_atomic(path, "\n".join(lines))
    return path, pdb
