"""The decisions: rationale (§5.7 item 8), actions (item 9) and changes since the previous
review (item 11)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.model import Decision
from alliancekit.reporting.sections.base import (
    ReportSection,
    decision_span,
    escape,
    number,
    section,
    table,
)
from alliancekit.reporting.words import flag_text, ids, rules_text

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = ["action_list", "changes_since", "decision_rationale", "previous_review"]


def decision_rationale(
    review: ReviewResult, sensitivity: pd.DataFrame | None = None
) -> ReportSection:
    """§5.7 item 8: rules fired, rationale, flags, notes, and decision sensitivity."""
    pol = review.policy
    rows = []
    for aid, row in review.table.iterrows():
        rules = rules_text(row["rules_fired"], pol)
        codes = ", ".join(row["rules_fired"])
        rows.append(
            f"<tr><td>{escape(row['partner_name'])} {ids(aid)}</td>"
            f"<td>{decision_span(row['decision'])}</td>"
            f"<td>{escape(rules)}{' ' + ids(codes) if codes else ''}</td>"
            f"<td>{escape(flag_text(row['flags']))}</td>"
            f"<td>{escape(row['rationale'])}</td></tr>"
        )
    parts = [
        '<table class="ak-table"><thead><tr><th>Alliance partner</th><th>Decision</th>'
        "<th>Rules that applied</th><th>Warnings</th><th>Why</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    ]
    if sensitivity is not None and len(sensitivity):
        src = sensitivity
        s = pd.DataFrame(index=pd.Index(src.index, name="alliance"))
        s["decision"] = src["decision"]
        s["decisions seen"] = src["decisions_seen"].map(", ".join)
        s["variants tried"] = src["n_variants"]
        s["variants that change it"] = src["n_changed"]
        s["could the decision change?"] = src["fragile"].map(lambda f: "yes" if f else "no")
        s["what changes it"] = src["changes"].map(lambda c: "; ".join(c) or "–")
        parts += [
            "<h3>Decision sensitivity</h3>",
            "<p>Each threshold moved ±5 points (attainment thresholds ±0.05) and each dimension "
            "weight ±20 %, one at a time. A fragile decision changes under some variant.</p>",
            table(s),
        ]
    return section("decision and rationale", *parts)


#: What each decision asks the alliance manager to do next.
_ACTIONS = {
    Decision.EXIT: "Invoke the exit terms and plan the transition for customers and staff",
    Decision.RESTRUCTURE: "Renegotiate scope, KPIs, governance or economics; escalate to sponsors",
    Decision.GROW: "Prepare the expansion case (scope or investment) within budget headroom",
    Decision.MAINTAIN: "Keep the current terms; watch the weakest dimension",
}


def action_list(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 9: action, owner (executive sponsor) and deadline per alliance."""
    rows = []
    for aid, row in review.table.iterrows():
        a = ws.alliance(aid)
        deadline = row["next_review"]
        action = _ACTIONS.get(row["decision"], "")
        if row["decision"] == Decision.EXIT:
            action += f" (exit cost {number(a.exit_cost)} {ws.organization.money_label} one-off)"
            if a.notice_months:
                deadline = f"give notice by {row['next_review']} ({a.notice_months}-month notice)"
        rows.append(
            {
                "alliance": aid,
                "partner": a.partner_name,
                "decision": row["decision"],
                "action": action,
                "owner": a.executive_sponsor or "alliance manager",
                "deadline": deadline,
                "escalation path": a.dispute_path or "–",
            }
        )
    frame = pd.DataFrame(rows).set_index("alliance") if rows else pd.DataFrame()
    return section("actions", table(frame))


def previous_review(
    ws: Workspace, previous_period: str | None, policy: Any = None
) -> ReviewResult | None:
    """The review of ``previous_period`` with the same policy, or None when there is none."""
    if not previous_period:
        return None
    from alliancekit.review import review_alliances

    return review_alliances(ws, period=previous_period, policy=policy)


def changes_since(review: ReviewResult, previous: ReviewResult | None = None) -> ReportSection:
    """§5.7: decision, health and attainment changes since the previous review."""
    if previous is None:
        return section(
            "changes",
            "<p>No earlier period with KPI data: this is the first report, nothing to compare.</p>",
        )
    cmp = review.compare(previous)
    shown = pd.DataFrame(index=pd.Index(cmp.index, name="alliance"))
    shown[f"decision {previous.period}"] = cmp["decision_previous"]
    shown[f"decision {review.period}"] = cmp["decision"]
    shown["change"] = cmp["direction"].map(lambda d: str(d).replace("_", " "))
    shown["health [points of 100]"] = cmp["H"]
    shown["change in health [points]"] = cmp["H_delta"]
    shown["attainment [% of plan]"] = 100 * cmp["A_W"]
    shown["change in attainment [points]"] = 100 * cmp["A_W_delta"]
    changed = [str(a) for a in cmp.index[cmp["changed"]]]
    since = escape(previous.period)
    lead = (
        f"{len(changed)} decision(s) changed since {since}: {escape(', '.join(changed))}."
        if changed
        else f"No decision changed since {since}."
    )
    return section("changes", f"<p>{lead}</p>", table(shown, floats=",.1f"))
