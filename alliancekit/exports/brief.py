"""``export_brief``: a printable one-page brief of a scenario's results (HTML, and PDF).

The brief is one self-contained HTML page (inline print CSS, nothing loaded from elsewhere):
the recommendation, the totals against limits, the ranked partners, the review's decisions and
the settings it rests on. The PDF is the same page printed by headless Chromium
(``reporting.printing.print_pdf``).
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

from alliancekit.exports.xlsx import Table, workbook_tables
from alliancekit.model import Workspace
from alliancekit.reporting.files import atomic_write_text
from alliancekit.scenarios import Scenario

__all__ = ["HEADINGS", "brief_html", "export_brief"]

#: The brief's section headings, in order (the tests look for them in the PDF's text).
HEADINGS = (
    "Recommendation",
    "Totals against limits",
    "Ranked partners",
    "Review decisions",
    "Settings and assumptions",
)
_TOP_PARTNERS = 8
#: Settings the brief's title line already gives.
_IN_TITLE = ("Organization", "Workspace", "Generated", "Scenario", "Scenario description")
#: The reported objective in words.
_OBJECTIVE_WORDS = {
    "expected_npv": "risk-adjusted value, sum of E[NPV],",
    "score": "total score (0–100 per partner)",
}

_CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { font: 7.5pt/1.2 "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 2pt; }
h2 { font-size: 9pt; margin: 5pt 0 2pt; border-bottom: 1px solid #9bb; color: #124; }
p.sub { margin: 0 0 6pt; color: #444; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 1pt 3pt; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
th { background: #e8eef4; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 8pt; }
.small { font-size: 7.5pt; color: #555; }
.tag { display: inline-block; padding: 0 4pt; border-radius: 3pt; background: #dfe; }
section { break-inside: avoid; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
"""


def _num(v: object, unit_fmt: str = "{:,.2f}") -> str:
    if isinstance(v, bool) or v is None:
        return "" if v is None else ("yes" if v else "no")
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return unit_fmt.format(v)
    return html.escape(str(v))


def _table(t: Table, columns: list[int] | None = None, limit: int | None = None) -> str:
    cols = columns if columns is not None else list(range(len(t.header)))
    head = "".join(f"<th>{html.escape(t.header[j])}</th>" for j in cols)
    body = []
    for row in t.rows[:limit]:
        cells = []
        for j in cols:
            v = row[j] if j < len(row) else None
            cls = ' class="n"' if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            cells.append(f"<td{cls}>{_num(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _partners(run: object, alliance_ids: tuple[str, ...]) -> str:
    """Alliances by their partner's name (escaped), ``none`` for none."""
    ws = run.workspace  # type: ignore[attr-defined]
    names = [ws.alliance(a).partner_name if a in ws.alliance_ids else a for a in alliance_ids]
    return html.escape(", ".join(names) or "none")


def brief_html(
    ws: Workspace | str | os.PathLike[str], scenario: Scenario | str | None = None
) -> str:
    """The brief as one self-contained HTML page (print CSS inline)."""
    from alliancekit.scenarios import run_scenario

    run = run_scenario(ws, scenario)
    sheets = workbook_tables(ws, run=run)
    org = run.workspace.organization
    money = org.money_label
    plan = run.plan
    when = datetime.now(UTC).strftime("%d %b %Y")
    title = f"Partner portfolio brief: {org.name}"
    scen = run.scenario
    sub = f"Scenario <b>{html.escape(scen.name)}</b>"
    if scen.description:
        sub += f" — {html.escape(scen.description)}"
    sub += f" · {when} · money in {html.escape(money)}"
    if plan is None:
        rec = f"<p>No portfolio meets every limit: {html.escape(run.infeasible)}</p>"
    else:
        names = [run.workspace.candidate(i).name for i in plan.selected]
        items = "".join(f"<li>{html.escape(n)}</li>" for n in names) or "<li>none</li>"
        unit = f" {money}" if plan.money_label else ""
        what = _OBJECTIVE_WORDS.get(plan.objective_name, plan.objective_name)
        rec = (
            f"<p>Choose <b>{len(names)}</b> new partner(s); {html.escape(what)} "
            f"{plan.objective_value:,.1f}{html.escape(unit)}.</p><ul>{items}</ul>"
        )
        if plan.kept or plan.exited:
            kept, exited = _partners(run, plan.kept), _partners(run, plan.exited)
            rec += f"<p>Existing alliances kept: {kept}; ended: {exited}.</p>"
    portfolio = sheets["Portfolio"]
    totals = portfolio[1] if len(portfolio) > 1 else portfolio[0]
    ranked = sheets["Ranked partners"][0]
    review = sheets["Review decisions"][0]
    settings = sheets["Settings and assumptions"][0]
    key_settings = Table(
        settings.title,
        settings.header,
        [
            r
            for r in settings.rows
            if str(r[0]) not in _IN_TITLE and not str(r[0]).startswith("Weight ")
        ][:14],
        settings.formats,
    )
    body = f"""
<h1>{html.escape(title)}</h1>
<p class="sub">{sub}</p>
<div class="cols">
<section><h2>{HEADINGS[0]}</h2>{rec}</section>
<section><h2>{HEADINGS[1]}</h2>{_table(totals, [0, 1, 2, 4] if len(totals.header) > 4 else None)}
</section>
</div>
<section><h2>{HEADINGS[2]}</h2>{_table(ranked, [0, 1, 3, 4, 5, 7, 9], _TOP_PARTNERS)}
<p class="small">Top {_TOP_PARTNERS} of {len(ranked.rows)} candidates by score.</p></section>
<div class="cols">
<section><h2>{HEADINGS[3]}</h2>{_table(review, [1, 2, 3, 5] if len(review.header) > 5 else None)}
</section>
<section><h2>{HEADINGS[4]}</h2>{_table(key_settings)}</section>
</div>
<p class="small">alliancekit · workspace {html.escape(run.workspace.name)} · the method is
described in docs/method.md.</p>
"""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>"
    )


def export_brief(
    ws: Workspace | str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str] | None = None,
    scenario: Scenario | str | None = None,
) -> tuple[Path, Path | None]:
    """Write the one-page brief as HTML, and print it to PDF if ``pdf_path`` is given.

    Returns
    -------
    (Path, Path or None)
        The HTML and PDF written (each atomically).

    Raises
    ------
    ReportError
        Chromium could not print the PDF.
    """
    page = brief_html(ws, scenario)
    html_file = Path(html_path)
    html_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(html_file, page)
    if pdf_path is None:
        return html_file, None
    from alliancekit.reporting.printing import print_pdf

    return html_file, print_pdf(html_file, Path(pdf_path))
