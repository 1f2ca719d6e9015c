"""The report's opening: the title block and the executive summary (docs/method.md §5.7 item 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.model import Decision
from alliancekit.reporting.sections.base import (
    ReportSection,
    counts_text,
    decision_span,
    escape,
    new_partners,
    number,
    objective_value,
    section,
)
from alliancekit.reporting.words import flag_text, ids, rules_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alliancekit.model import Workspace
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = [
    "executive_brief",
    "executive_summary",
    "growth_headroom",
    "headroom_rows",
    "report_header",
]


def report_header(
    ws: Workspace, review: ReviewResult, previous_period: str | None = None
) -> ReportSection:
    """Title block: organization, review period, comparison period, money unit, alliances."""
    org = ws.organization
    prev = f"; compared with {escape(previous_period)}" if previous_period else ""
    return section(
        "header",
        f"<h1>Alliance review {escape(review.period)}: {escape(org.name)}</h1>",
        f'<p class="ak-report-meta">Workspace <b>{escape(ws.name)}</b>; review period '
        f"<b>{escape(review.period)}</b>{prev}; {len(review.table)} existing alliance(s); money "
        f"in <b>{escape(org.money_label)}</b> (per year unless marked one-off); next review "
        f"{escape(_next_review(review))}.</p>",
    )


def _next_review(review: ReviewResult) -> str:
    """When the next review is due (the review table's ``next_review``)."""
    if len(review.table) and "next_review" in review.table.columns:
        return str(review.table["next_review"].iloc[0])
    return "next quarter"


def headroom_rows(ws: Workspace, review: ReviewResult, plan: PortfolioResult | None) -> list:
    """The budget headroom moments shown (``budget_headroom``): ``(name, value text)`` pairs."""
    from alliancekit.portfolio import budget_headroom

    h = budget_headroom(ws, review, plan)
    frame = h.to_frame()
    return [(row["name"], f"{number(row['value'])} {h.unit}") for _, row in frame.iterrows()]


def growth_headroom(ws: Workspace, review: ReviewResult, plan: PortfolioResult | None) -> str:
    """The headroom growth must fit in: after the re-plan when there is one, else after the
    decisions, named as such (``budget headroom after the re-plan of 9.0 PKR lakh/yr``)."""
    from alliancekit.portfolio import budget_headroom

    h = budget_headroom(ws, review, plan)
    moment = "after_replan" if plan is not None and h.after_replan == h.after_replan else (
        "after_decisions")  # fmt: skip
    name, value = h.sentence(moment).split(": ", 1)
    return f"{name[0].lower()}{name[1:]} of {value}"


def _headline(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None
) -> list[tuple[str, str]]:
    """The headline figures (label, value with unit) of the summary and the brief."""
    org = ws.organization
    money = org.money_label
    t = review.table
    total_cost = float(sum(ws.alliance(aid).cost_annual for aid in t.index))
    v_hat = float(pd.to_numeric(t.get("V_hat"), errors="coerce").sum()) if len(t) else 0.0
    window = review.policy.window
    headline = [
        ("Alliances reviewed", f"{len(t)} ({counts_text(review)})"),
        ("Annual cost of existing alliances", f"{total_cost:,.1f} {money}/yr"),
        ("Annual budget", f"{org.budget_annual:,.1f} {money}/yr"),
        *headroom_rows(ws, review, plan),
        ("Re-forecast annual value of all alliances", f"{v_hat:,.1f} {money}/yr"),
        ("Mean health", f"{number(t['H'].mean())} points of 100" if len(t) else "–"),
        (
            f"Mean attainment over the last {window} quarters",
            f"{number(100 * t['A_W'].mean(), '.0f')} % of plan",
        ),
    ]
    if plan is not None:
        new = new_partners(plan)
        names = _partner_names(plan, new)
        headline.append(
            (
                "Re-planned portfolio",
                f"{len(new)} new partner(s) proposed ({', '.join(names) or 'none'}); "
                f"{objective_value(plan)}",
            )
        )
    return headline


def executive_summary(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None = None
) -> ReportSection:
    """§5.7 item 1: the decision per alliance, headline numbers, decisions for top management.

    Every figure here is shown again in the body (the consistency test reads them all); the
    budget headroom comes from ``budget_headroom`` at each moment, named as such.
    """
    t = review.table
    window = review.policy.window
    headline = _headline(ws, review, plan)
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in headline)
    decisions = []
    for aid, row in t.iterrows():
        decisions.append(
            f"<tr><td>{escape(row['partner_name'])} {ids(aid)}</td>"
            f"<td>{decision_span(row['decision'])}</td><td>{number(row['H'])}</td>"
            f"<td>{number(100 * row['A_W'], '.0f')}</td><td>{escape(row['rationale'])}</td></tr>"
        )
    asks = _management_asks(ws, review, plan)
    return section(
        "executive summary",
        f'<table class="ak-table ak-headline"><tbody>{rows}</tbody></table>',
        "<h3>Decision per alliance</h3>",
        '<table class="ak-table"><thead><tr><th>Alliance partner</th><th>Decision</th>'
        f"<th>Health [points of 100]</th><th>Attainment, last {window} quarters [% of plan]</th>"
        f"<th>Why</th></tr></thead><tbody>{''.join(decisions)}</tbody></table>",
        "<h3>Decisions needed from top management</h3>",
        "<ul>" + "".join(f"<li>{a}</li>" for a in asks) + "</ul>"
        if asks
        else "<p>None: every alliance stays on its current terms.</p>",
    )


def _partner_names(plan: PortfolioResult, partner_ids: Sequence[str]) -> list[str]:
    """Plan partners' names (the id of one the plan has no name for)."""
    if not partner_ids:
        return []
    frame = plan.to_frame()  # built once: it is a table of every candidate
    if "name" not in frame.columns:
        return [str(p) for p in partner_ids]
    return [str(frame.loc[p, "name"]) if p in frame.index else str(p) for p in partner_ids]


def _management_asks(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None
) -> list[str]:
    """What top management must approve: exits, renegotiations, growth, new partners."""
    money = ws.organization.money_label
    pol = review.policy
    asks = []
    for aid, row in review.table.iterrows():
        a = ws.alliance(aid)
        who = f"{escape(a.partner_name)} {ids(aid)}"
        sponsor = f" (sponsor: {escape(a.executive_sponsor)})" if a.executive_sponsor else ""
        why = escape(rules_text(_deciding(row), pol))
        if row["decision"] == Decision.EXIT:
            notice = f"{a.notice_months}-month notice" if a.notice_months else "notice per contract"
            asks.append(
                f"<b>Approve the exit</b> from {who}{sponsor}: {escape(notice)}, exit cost "
                f"{number(a.exit_cost)} {escape(money)} one-off; because {why}."
            )
        elif row["decision"] == Decision.RESTRUCTURE:
            asks.append(
                f"<b>Mandate a renegotiation</b> of {who}{sponsor} because {why}; review again "
                "in one quarter."
            )
        elif row["decision"] == Decision.GROW:
            flags = f" Note: {escape(flag_text(row['flags']))}." if row["flags"] else ""
            asks.append(
                f"<b>Approve growth</b> of {who}{sponsor} within the "
                f"{escape(growth_headroom(ws, review, plan))}.{flags}"
            )
    if plan is not None:
        new = new_partners(plan)
        if new:
            names = ", ".join(_partner_names(plan, new))
            asks.append(
                "<b>Approve negotiations</b> with the new partner(s) of the re-planned "
                f"portfolio: {escape(names)} (section 10)."
            )
    return asks


def _deciding(row: pd.Series) -> list[str]:
    """The fired rules that made the decision: the exit rules for EXIT, else all fired."""
    fired = list(row["rules_fired"])
    if row["decision"] == Decision.EXIT:
        return [r for r in fired if r.startswith("E")] or fired
    return fired


def _top_risks(ws: Workspace, review: ReviewResult, n: int = 3) -> list[str]:
    """The ``n`` most serious alliances: exits, then restructures, then warnings, by health."""
    pol = review.policy
    order = {Decision.EXIT: 0, Decision.RESTRUCTURE: 1}
    t = review.table
    ranked = sorted(
        t.index,
        key=lambda a: (order.get(t.loc[a, "decision"], 2 if t.loc[a, "flags"] else 3),
                       float(t.loc[a, "H"]) if t.loc[a, "H"] == t.loc[a, "H"] else 0.0),
    )  # fmt: skip
    risks = []
    for aid in ranked[:n]:
        row = t.loc[aid]
        if row["decision"] not in order and not row["flags"]:
            continue
        why = rules_text(_deciding(row), pol) if row["rules_fired"] else flag_text(row["flags"])
        risks.append(
            f"<b>{escape(row['partner_name'])}</b> {ids(aid)}: {decision_span(row['decision'])}, "
            f"health {number(row['H'])} points of 100, attainment "
            f"{number(100 * row['A_W'], '.0f')} % of plan; {escape(why)}."
        )
    return risks


def executive_brief(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None = None
) -> ReportSection:
    """The one-page brief for executives: headline figures, decisions needed, top risks.

    The same figures and sentences as the executive summary (``brief.html``/``brief.pdf``).
    """
    org = ws.organization
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _headline(ws, review, plan)
    )
    asks = _management_asks(ws, review, plan)
    risks = _top_risks(ws, review)
    return section(
        "executive brief",
        '<div class="ak-brief">',
        f"<h1>Alliance review {escape(review.period)}: {escape(org.name)}</h1>",
        f'<p class="ak-report-meta">Executive brief; money in <b>{escape(org.money_label)}</b>; '
        "the full report gives the reasons and the data.</p>",
        "<h2>Summary</h2>",
        f'<table class="ak-table ak-headline"><tbody>{rows}</tbody></table>',
        "<h2>Decisions needed</h2>",
        "<ul>" + "".join(f"<li>{a}</li>" for a in asks) + "</ul>"
        if asks
        else "<p>None: every alliance stays on its current terms.</p>",
        "<h2>Top risks</h2>",
        "<ul>" + "".join(f"<li>{r}</li>" for r in risks) + "</ul>"
        if risks
        else "<p>No alliance is to be exited or restructured, and none carries a warning.</p>",
        "</div>",
    )
