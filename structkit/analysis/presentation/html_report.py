"""``results/index.html``: the report as one web page, with tables that sort and filter and a 3D view
behind every (drug, mutation) row.

The page holds the same text as ``REPORT.md`` (converted here: headings, paragraphs, lists, pipe
tables, images, emphasis, inline code and links, the Markdown the report uses), then two
interactive tables: the drug × mutation predictions with the reported labels and the ddG
estimate, and the ABL1 benchmark. Each prediction row links to ``views/<drug>.html#<mutation>``,
the drug complex's 3D view with that mutant model selected. Sorting and filtering are done by a
small script written for structkit (``structkit/data/index_app.js``); no external resource is
loaded. The output is deterministic.
"""

from __future__ import annotations

import html
import re
from importlib import resources

import pandas as pd

__all__ = ["index_html", "markdown_html", "view_file_name"]

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"), r"<em>\1</em>"),
]
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def view_file_name(drug: str) -> str:
    """The file name of a drug complex's view in ``results/views/``."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in drug) + ".html"


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', out)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    """The line under a table's header (``| --- | --- |``)."""
    return line.strip().startswith("|") and set(line.replace("|", "").strip()) <= set("-: ")


def markdown_html(text: str) -> str:
    """HTML of the Markdown that the report uses (not a general Markdown converter)."""
    out: list[str] = []
    lines = text.splitlines()
    k = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    while k < len(lines):
        line = lines[k]
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            title = stripped[level:].strip()
            anchor = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            out.append(f'<h{level} id="{anchor}">{_inline(title)}</h{level}>')
        elif (image := _IMAGE.match(stripped)) is not None:
            flush()
            alt, src = image.groups()
            out.append(f'<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}">'
                       f"<figcaption>{html.escape(alt)}</figcaption></figure>")
        elif stripped.startswith("|") and k + 1 < len(lines) and _is_rule(lines[k + 1]):
            flush()
            header = _cells(stripped)
            k += 2
            rows = []
            while k < len(lines) and lines[k].strip().startswith("|"):
                rows.append(_cells(lines[k]))
                k += 1
            head = "".join(f"<th>{_inline(c)}</th>" for c in header)
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
            out.append(f"<table class=\"report\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            continue
        elif stripped.startswith(("- ", "* ")):
            flush()
            items = []
            while k < len(lines) and lines[k].strip().startswith(("- ", "* ")):
                item = [lines[k].strip()[2:]]
                k += 1
                while k < len(lines) and lines[k].startswith("  ") and lines[k].strip() \
                        and not lines[k].strip().startswith(("- ", "* ")):
                    item.append(lines[k].strip())
                    k += 1
                items.append(f"<li>{_inline(' '.join(item))}</li>")
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        else:
            paragraph.append(stripped)
        k += 1
    flush()
    return "\n".join(out)


def _value(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _interactive_table(table_id: str, frame: pd.DataFrame, link: pd.Series | None = None) -> str:
    """A table the page's script can sort (click a header) and filter (the box above it)."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(f'<th data-type="{"number" if c in numeric else "text"}">{html.escape(str(c))}</th>'
                   for c in frame.columns)
    rows = []
    for k, record in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, record):
            text = html.escape(_value(value))
            sort = "" if column not in numeric or _value(value) == "" else f' data-value="{float(value)!r}"'
            if link is not None and column == "mutation":
                text = f'<a href="{html.escape(link.iloc[k])}">{text}</a>'
            cells.append(f"<td{sort}>{text}</td>")
        href = f' data-href="{html.escape(link.iloc[k])}"' if link is not None else ""
        rows.append(f"<tr{href}>{''.join(cells)}</tr>")
    return (f'<div class="interactive"><input type="search" class="filter" data-table="{table_id}" '
            f'placeholder="filter rows (all words must appear)"> <span class="count" data-table="{table_id}">'
            f"</span><table id=\"{table_id}\" class=\"sortable\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


_STYLE = (
    "body{margin:0 auto;max-width:1100px;padding:16px 24px;font:14px/1.5 system-ui,-apple-system,"
    "'Segoe UI',sans-serif;color:#222}table{border-collapse:collapse;margin:8px 0;font-size:12.5px}"
    "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left}th{background:#f3f3f3}"
    "table.sortable th{cursor:pointer;user-select:none}table.sortable th.asc:after{content:' ▲'}"
    "table.sortable th.desc:after{content:' ▼'}table.sortable tbody tr{cursor:pointer}"
    "table.sortable tbody tr:hover{background:#eef5ff}figure{margin:10px 0}img{max-width:100%}"
    "figcaption{color:#666;font-size:12px}code{background:#f3f3f3;padding:0 3px}"
    ".interactive{overflow-x:auto}.filter{width:320px;padding:3px}.count{color:#666}"
)


def index_html(report_markdown: str, predictions: pd.DataFrame, abl: pd.DataFrame) -> str:
    """The results page (see the module docstring).

    Parameters
    ----------
    report_markdown : str
        ``REPORT.md``.
    predictions : DataFrame
        ``predictions.csv`` (drug, mutation, reported, predicted, risk, ddg, ddg_sd, ...).
    abl : DataFrame
        ``abl_benchmark.csv``.
    """
    shown = [c for c in ("drug", "structure", "mutation", "verdict", "evidence", "basis", "model_verdict",
                         "reported", "agreement", "potency",
                         "potency_sd", "p_resistant", "ddg", "ddg_atp", "mechanism", "risk", "regions",
                         "min_distance_A", "clash_excess_A", "note") if c in predictions.columns]
    table = predictions[shown].reset_index(drop=True)
    links = pd.Series([f"views/{view_file_name(d)}#{m}" for d, m in zip(table["drug"], table["mutation"])])
    abl_shown = [c for c in abl.columns if c in ("drug", "mutation", "ddg_exp", "resistant", "ddg_pred",
                                                 "ddg_sd", "ddg_raw", "ddg_vina", "ddg_consensus",
                                                 "min_distance_A", "status")]
    script = resources.files("structkit.data").joinpath("index_app.js").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>structkit results</title><style>{_STYLE}</style></head><body>\n"
        f"{markdown_html(report_markdown)}\n"
        "<h2 id=\"tables\">Tables</h2>\n"
        "<h3 id=\"predictions-table\">Drug × mutation: what the review reports and the advice "
        "(<code>structkit advise</code>)</h3>\n"
        "<p>verdict: decided by the strongest evidence (a measured IC50 in the review, then the review's "
        "statement about the drug, about its class, a close neighbour, then the model; evidence and basis "
        "say which). model_verdict: resistant if the potency shift (drug ddG minus ATP ddG, kcal/mol) is "
        "at least 1.36, reduced from 0.68, covered below, unknown where the mutation cannot be modelled; "
        "p_resistant is "
        "the chance that the shift reaches 1.36 if its error is Gaussian with sd potency_sd. Click a column "
        "header to sort, type in the box to filter; click a row (or its mutation) to open the drug "
        "complex's 3D view with that mutant model.</p>\n"
        f"{_interactive_table('table-predictions', table, links)}\n"
        "<h3 id=\"abl-table\">ABL1 benchmark: measured and estimated ddG (kcal/mol)</h3>\n"
        f"{_interactive_table('table-abl', abl[abl_shown].reset_index(drop=True))}\n"
        f"<script>{script}</script>\n</body></html>\n"
    )
