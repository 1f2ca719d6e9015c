"""The HTML the explorers show: their stylesheet, headings, messages, errors and tables.

Errors render themselves (``AllianceKitError.for_html``); tables are drawn by the package's one
table renderer (``results.html_table``). All text is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from alliancekit.errors import AllianceKitError, DataValidationError, InfeasiblePortfolioError
from alliancekit.results import html_table

__all__ = [
    "CSS",
    "MAX_PROBLEMS_SHOWN",
    "error_html",
    "heading_html",
    "help_html",
    "info_html",
    "table_html",
]

CSS = """
<style>
.ak-table table {border-collapse: collapse; font-size: 12px;}
.ak-table th, .ak-table td {border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: right;}
.ak-table th {background: #f3f3f3; color: #222;}
.ak-ranking td:nth-child(3), .ak-ranking th:nth-child(3), .ak-knocked-out td,
.ak-knocked-out th, .ak-partners td:nth-child(2), .ak-partners th:nth-child(2) {text-align: left;}
.ak-msg-error {color: #b00020; white-space: pre-wrap;}
.ak-msg-info {color: #333; white-space: pre-wrap;}
.ak-help {cursor: help; color: #fff; background: #1a4f8b; border-radius: 50%; display: inline-block;
  width: 1.3em; height: 1.3em; line-height: 1.3em; text-align: center; font-size: 85%;
  font-weight: bold; text-decoration: none; margin-left: 4px;}
.ak-small {font-size: 90%; color: #4a4a4a;}
.ak-ok {color: #006b3c;}
.ak-bad {color: #a33b00;}
.ak-guide {border-left: 4px solid #a33b00; padding: 4px 10px; background: #fff6f0;}
.ak-ahp-worst {outline: 3px solid #a33b00; background: #fff6f0;}
.ak-busy {color: #1a4f8b; font-weight: bold;}
.lm-TabBar-tab {color: #333 !important;}
.lm-TabBar-tab.lm-mod-current {color: #000 !important;}
.widget-tab > .lm-TabBar .lm-TabBar-tab {flex: 0 1 auto !important;}
.widget-label, .widget-label-basic {color: #222;}
.jp-OutputArea-output, .widget-output {max-width: 100%;}
</style>
"""
#: Validation problems listed in the app; the rest are counted ("… and 12 more").
MAX_PROBLEMS_SHOWN = 30


def heading_html(title: str, level: int = 3) -> str:
    """The stylesheet and an ``<hN>`` heading: the first child of every explorer."""
    return f"{CSS}<h{level}>{html.escape(title)}</h{level}>"


def help_html(group: str, key: str) -> str:
    """A "?" badge showing the glossary's help for ``key`` on hover and keyboard focus, naming
    the docs/method.md section that explains it ("" when the glossary does not know it)."""
    from alliancekit.model import glossary

    try:
        t = glossary.term(group, key)
    except KeyError:
        return ""
    text = f"{glossary.help_text(group, key)} See {glossary.DOCS}, {t.section}."
    tip = html.escape(text, quote=True)
    return (
        f'<abbr class="ak-help" tabindex="0" title="{tip}" aria-label="{tip}" '
        f'data-link="{html.escape(t.link, quote=True)}">?</abbr>'
    )


def info_html(text: str) -> str:
    """A plain message (escaped; line breaks kept)."""
    return f'<div class="ak-msg-info">{html.escape(text)}</div>'


def error_html(problem: BaseException | str, *, context: str = "") -> str:
    """An error for the message area: ``context`` (e.g. "Could not load x.xlsx."), then the error.

    An ``AllianceKitError`` renders itself (``for_html``: headline and details, never a
    traceback); the app adds the full problem count of a validation error and the constraint
    groups of an infeasible plan. Any other exception is a bug, shown as "Unexpected error".
    """
    if isinstance(problem, DataValidationError):
        body = _problems_html(problem)
    elif isinstance(problem, AllianceKitError):
        body = problem.for_html()
        if isinstance(problem, InfeasiblePortfolioError):
            body += _conflict_html(problem)
    elif isinstance(problem, BaseException):
        body = html.escape(f"Unexpected error ({type(problem).__name__}): {problem}")
    else:
        body = html.escape(problem)
    lead = f"<div>{html.escape(context)}</div>" if context else ""
    return f'<div class="ak-msg-error">{lead}{body}</div>'


def _problems_html(exc: DataValidationError) -> str:
    """Every problem up to ``MAX_PROBLEMS_SHOWN`` under the true total (the loader lists the first
    ones and counts the rest in ``truncated``)."""
    total = len(exc.problems) + exc.truncated
    lines = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
    if total > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {total - MAX_PROBLEMS_SHOWN} more")
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        f'<div class="ak-error" role="alert"><strong>The data has {total} problem(s):</strong>'
        f"<ul>{items}</ul></div>"
    )


def _conflict_html(exc: InfeasiblePortfolioError) -> str:
    """The conflicting constraint groups (by label when the error carries typed constraints,
    with their stable key) and, for each, how far it would have to move."""
    typed = getattr(exc, "constraints", None) or ()  # typed constraint values, where carried
    labels = {str(getattr(c, "key", "")): getattr(c, "label", "") for c in typed}
    names = [f"{labels[k]} ({k})" if labels.get(k) else k for k in map(str, exc.conflicting)]
    lines = [f"Conflicting constraints: {', '.join(names)}"] if names else []
    lines += [r.message for r in exc.relaxations]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def _cell(value: Any) -> str:
    """A table cell as the explorers always showed it: floats to 2 decimals, the rest as text."""
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def table_html(frame: pd.DataFrame) -> str:
    """``frame`` drawn by ``results.html_table`` (numbers to 2 decimals), in an ``ak-table`` box."""
    formats = dict.fromkeys(map(str, frame.columns), _cell)
    return f'<div class="ak-table">{html_table(frame, formats=formats)}</div>'
