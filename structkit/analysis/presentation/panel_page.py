"""The resistance panel as one page: mutations as rows, drugs (and new compounds) as columns.

Each cell is one row of :func:`structkit.advise`: its colour the verdict, its text the predicted
potency shift (kcal/mol, + = less potent) and a letter for the evidence that decided the verdict
(``M`` measured, ``R`` reported, ``N`` a neighbouring mutation, ``P`` predicted by the model alone);
hovering shows the basis. Columns of compounds posed from a SMILES carry their receptor, template and
pose confidence in the header. A self-contained HTML file (no script, no network).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

__all__ = ["VERDICT_COLOURS", "panel_html"]

#: Cell colour of each verdict.
VERDICT_COLOURS = {"covered": "#1a9850", "reduced": "#fee08b", "contested": "#fdae61",
                   "resistant": "#d73027", "unknown": "#d9d9d9"}
_EVIDENCE_LETTER = {"measured": "M", "reported": "R", "neighbour": "N", "predicted": "P"}


def panel_html(advice: pd.DataFrame, *, compounds: Sequence[str] = (), title: str = "Resistance panel",
               regions: dict[str, str] | None = None) -> str:
    """The advice table as a mutation x drug page.

    Parameters
    ----------
    advice : pandas.DataFrame
        From :func:`structkit.advise` (one row per mutation and drug).
    compounds : sequence of str
        Names of the columns that are new compounds (marked and placed last).
    title : str
    regions : dict, optional
        Mutation -> the review's region of its site, shown beside the mutation.

    Returns
    -------
    str
        The page.
    """
    mutations = list(dict.fromkeys(advice["mutation"]))
    drugs = [d for d in dict.fromkeys(advice["drug"]) if d not in compounds]
    drugs = sorted(drugs, key=str.lower) + [c for c in compounds if c in set(advice["drug"])]
    cell = {(r["mutation"], r["drug"]): r for r in advice.to_dict("records")}
    esc = html.escape
    head = ["<th>mutation</th>", "<th>review region</th>"]
    for drug in drugs:
        if drug in compounds:
            structure = next(r["structure"] for r in cell.values() if r["drug"] == drug)
            head.append(f'<th class="new" title="{esc(str(structure))}">{esc(drug)}<br><small>new compound'
                        "</small></th>")
        else:
            head.append(f"<th>{esc(drug)}</th>")
    rows = []
    for mutation in mutations:
        tds = [f"<td>{esc(mutation)}</td>", f"<td>{esc((regions or {}).get(mutation, ''))}</td>"]
        for drug in drugs:
            r = cell.get((mutation, drug))
            if r is None:
                tds.append("<td></td>")
                continue
            potency = r.get("potency")
            number = f"{potency:+.1f}" if isinstance(potency, float) and potency == potency else "-"
            letter = _EVIDENCE_LETTER.get(str(r.get("evidence")), "?")
            colour = VERDICT_COLOURS.get(str(r.get("verdict")), VERDICT_COLOURS["unknown"])
            tip = f"{r.get('verdict')} ({r.get('evidence')}): {r.get('basis')}"
            tds.append(f'<td style="background:{colour}" title="{esc(tip)}">{number} <b>{letter}</b></td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    legend = " ".join(f'<span style="background:{c};padding:0 0.6em">{esc(v)}</span>'
                      for v, c in VERDICT_COLOURS.items())
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:0.25em 0.5em;text-align:center}"
        "th.new{background:#e8e0f8}td:first-child{text-align:left;font-family:monospace}</style>",
        "</head><body>", f"<h1>{esc(title)}</h1>",
        "<p>Cell: predicted potency shift (kcal/mol, + = less potent) and the evidence that decided the "
        "verdict: <b>M</b> measured, <b>R</b> reported by the review, <b>N</b> a neighbouring mutation, "
        "<b>P</b> the model alone. Colour: the verdict. Hover for the basis.</p>",
        f"<p>{legend}</p>",
        "<table><thead><tr>" + "".join(head) + "</tr></thead><tbody>", *rows, "</tbody></table>",
        "</body></html>", ""])
