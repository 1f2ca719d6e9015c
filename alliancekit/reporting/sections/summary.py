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

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = ["executive_summary", "report_header"]


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


def executive_summary(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None = None
) -> ReportSection:
    """§5.7 item 1: the decision per alliance, headline numbers, decisions for top management."""
    org = ws.organization
    money = org.money_label
    t = review.table
    total_cost = float(sum(ws.alliance(aid).cost_annual for aid in t.index))
    v_hat = float(pd.to_numeric(t.get("V_hat"), errors="coerce").sum()) if len(t) else 0.0
    headline = [
        ("Alliances reviewed", f"{len(t)} ({counts_text(review)})"),
        ("Annual cost of existing alliances", f"{total_cost:,.1f} {money}/yr"),
        ("Annual budget", f"{org.budget_annual:,.1f} {money}/yr"),
        (
            "Budget headroom after the decisions",
            f"{number(review.headroom)} {money}/yr (budget − cost of alliances kept)",
        ),
        ("Re-forecast value V̂ of all alliances", f"{v_hat:,.1f} {money}/yr"),
        ("Mean health H", f"{number(t['H'].mean())} /100" if len(t) else "–"),
        ("Mean window attainment A_W", f"{number(100 * t['A_W'].mean(), '.0f')} % of plan"),
    ]
    if plan is not None:
        new = new_partners(plan)
        headline.append(
            (
                "Re-planned portfolio",
                f"{len(new)} new partner(s) proposed ({', '.join(new) or 'none'}); "
                f"objective {plan.objective_name} {objective_value(plan)}",
            )
        )
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in headline)
    decisions = []
    for aid, row in t.iterrows():
        decisions.append(
            f"<tr><td>{escape(aid)}</td><td>{escape(row['partner_name'])}</td>"
            f"<td>{decision_span(row['decision'])}</td><td>{number(row['H'])}</td>"
            f"<td>{number(100 * row['A_W'], '.0f')}</td><td>{escape(row['rationale'])}</td></tr>"
        )
    asks = _management_asks(ws, review, plan)
    return section(
        "executive summary",
        f'<table class="ak-table ak-headline"><tbody>{rows}</tbody></table>',
        "<h3>Decision per alliance</h3>",
        '<table class="ak-table"><thead><tr><th>Alliance</th><th>Partner</th><th>Decision</th>'
        "<th>Health H [0–100]</th><th>A_W [% of plan]</th><th>Rationale</th></tr></thead>"
        f"<tbody>{''.join(decisions)}</tbody></table>",
        "<h3>Decisions needed from top management</h3>",
        "<ul>" + "".join(f"<li>{a}</li>" for a in asks) + "</ul>"
        if asks
        else "<p>None: every alliance stays on its current terms.</p>",
    )


def _management_asks(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None
) -> list[str]:
    """What top management must approve: exits, renegotiations, growth, new partners."""
    money = ws.organization.money_label
    asks = []
    for aid, row in review.table.iterrows():
        a = ws.alliance(aid)
        who = f"{escape(aid)} {escape(a.partner_name)}"
        sponsor = f" (sponsor: {escape(a.executive_sponsor)})" if a.executive_sponsor else ""
        rules = escape(", ".join(row["rules_fired"]))
        if row["decision"] == Decision.EXIT:
            notice = f"{a.notice_months}-month notice" if a.notice_months else "notice per contract"
            asks.append(
                f"<b>Approve the exit</b> from {who}{sponsor}: {escape(notice)}, exit cost "
                f"{number(a.exit_cost)} {escape(money)} one-off; rules {rules}."
            )
        elif row["decision"] == Decision.RESTRUCTURE:
            asks.append(
                f"<b>Mandate a renegotiation</b> of {who}{sponsor}: rules {rules}; re-review in "
                "one quarter."
            )
        elif row["decision"] == Decision.GROW:
            flags = ", ".join(row["flags"]) if row["flags"] else ""
            extra = f" — flags: {escape(flags)}" if flags else ""
            asks.append(
                f"<b>Approve growth</b> of {who}{sponsor} within the budget headroom of "
                f"{number(review.headroom)} {escape(money)}/yr{extra}."
            )
    if plan is not None:
        new = new_partners(plan)
        if new:
            asks.append(
                "<b>Approve negotiations</b> with the new partner(s) of the re-planned "
                f"portfolio: {escape(', '.join(new))} (section 10)."
            )
    return asks
