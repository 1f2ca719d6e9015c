"""The decisions: rationale (§5.7 item 8), actions (item 9) and changes since the previous
review (item 11)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.model import Decision
from alliancekit.reporting.sections.base import (
    ReportSection,
    decision_span,
    escape,
    ids_note,
    number,
    section,
    table,
)
from alliancekit.reporting.words import change_text, flag_text, ids, rules_text

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = [
    "action_list",
    "changes_since",
    "decision_rationale",
    "new_actions",
    "previous_review",
]


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
        names = _partner_names(review, src.index)
        s = pd.DataFrame(index=pd.Index([names[a] for a in src.index], name="alliance partner"))
        s["decision"] = src["decision"].to_numpy()
        s["decisions seen"] = src["decisions_seen"].map(", ".join).to_numpy()
        s["variants tried"] = src["n_variants"].to_numpy()
        s["variants that change it"] = src["n_changed"].to_numpy()
        s["could the decision change?"] = ["yes" if f else "no" for f in src["fragile"]]
        s["what changes it"] = (
            src["changes"].map(lambda c: "; ".join(map(change_text, c)) or "–").to_numpy()
        )
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
    Decision.GROW: "Prepare the expansion case (scope or investment) within the budget headroom "
    "after the re-plan (section 1)",
    Decision.MAINTAIN: "Keep the current terms; watch the weakest dimension",
}


def new_actions(ws: Workspace, decisions: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The actions a review assigns: one per alliance, from its decision, due next quarter.

    ``decisions`` holds, per alliance, ``alliance_id``, ``decision`` and ``next_review`` (the
    review table's rows, or the rows saved in ``results.json``). Returns the rows of the
    workspace's actions table (alliance_id, action, owner, due_period, status ``open``,
    closed_on blank) plus ``partner``, ``decision``, ``deadline`` and ``escalation path`` for
    the report. The report and ``--record-actions`` both take their actions from here.
    """
    rows = []
    for rec in decisions:
        aid, decision, due = str(rec["alliance_id"]), str(rec["decision"]), str(rec["next_review"])
        a = ws.alliance(aid)
        deadline = due
        action = _ACTIONS.get(Decision.parse(decision), "")
        if decision == Decision.EXIT:
            action += f" (exit cost {number(a.exit_cost)} {ws.organization.money_label} one-off)"
            if a.notice_months:
                deadline = f"give notice by {due} ({a.notice_months}-month notice)"
        rows.append(
            {
                "alliance_id": aid,
                "action": action,
                "owner": a.executive_sponsor or "alliance manager",
                "due_period": due,
                "status": "open",
                "closed_on": "",
                "partner": a.partner_name,
                "decision": decision,
                "deadline": deadline,
                "escalation path": a.dispute_path or "–",
            }
        )
    return pd.DataFrame(rows)


#: The state of an earlier action in words.
_STATE_WORDS = {
    "overdue": "overdue: its deadline has passed",
    "due": "due by the next review",
    "open": "open, not yet due",
    "closed": "closed",
}


def _follow_up(ws: Workspace, review: ReviewResult) -> list[str]:
    """The earlier actions of the workspace's actions table: overdue, due, open, recently closed."""
    from alliancekit.review.actions import action_states

    states = action_states(ws.actions, review.period)
    if not len(states):
        return [
            "<h3>Follow-up of earlier actions</h3>",
            "<p>No earlier actions are recorded in this workspace. Run the report with "
            "--record-actions to add this report's actions to the workspace, so the next "
            "review follows them up.</p>",
        ]
    names = {a.alliance_id: a.partner_name for a in ws.alliances}
    shown = pd.DataFrame(
        {
            "alliance": states["alliance_id"],
            "partner": states["alliance_id"].map(lambda a: names.get(str(a), "")),
            "action": states["action"],
            "owner": states["owner"],
            "due": states["due_period"],
            "state": states["state"].map(_STATE_WORDS),
            "closed in": states["closed_on"].fillna("").replace("", "–"),
        }
    )
    overdue = review.table.get("actions_overdue")
    late = [] if overdue is None else [(a, int(n)) for a, n in overdue.items() if n]
    counts = "; ".join(f"{escape(names.get(a, a))}: {n}" for a, n in late)
    signal = "count" if review.policy.overdue_actions_signal else "do not count"
    lead = (
        f"<p><b>Overdue escalations</b> (actions not done by their deadline): {counts}. By this "
        f"review's policy they {signal} as a relationship warning in the decision rules.</p>"
        if late
        else "<p>No action is overdue.</p>"
    )
    return ["<h3>Follow-up of earlier actions</h3>", lead, table(shown, index=False)]


def action_list(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 9: the new action, owner and deadline per alliance, and the follow-up of the
    earlier actions (open, due and overdue) from the workspace's actions table."""
    records = [
        {"alliance_id": aid, "decision": row["decision"], "next_review": row["next_review"]}
        for aid, row in review.table.iterrows()
    ]
    frame = new_actions(ws, records)
    if len(frame):
        frame = frame.rename(columns={"alliance_id": "alliance"}).set_index("alliance")
        frame = frame[["partner", "decision", "action", "owner", "deadline", "escalation path"]]
    return section(
        "actions",
        "<h3>New actions</h3>",
        table(frame),
        *_follow_up(ws, review),
    )


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
    names = _partner_names(review, cmp.index)
    shown = pd.DataFrame(index=pd.Index([names[a] for a in cmp.index], name="alliance partner"))
    shown[f"decision {previous.period}"] = cmp["decision_previous"].to_numpy()
    shown[f"decision {review.period}"] = cmp["decision"].to_numpy()
    shown["change"] = cmp["direction"].map(lambda d: str(d).replace("_", " ")).to_numpy()
    shown["health [points of 100]"] = cmp["H"].to_numpy()
    shown["change in health [points]"] = cmp["H_delta"].to_numpy()
    shown["attainment [% of plan]"] = 100 * cmp["A_W"].to_numpy()
    shown["change in attainment [points]"] = 100 * cmp["A_W_delta"].to_numpy()
    changed = [names[a] for a in cmp.index[cmp["changed"]]]
    since = escape(previous.period)
    lead = (
        f"{len(changed)} decision(s) changed since {since}: {escape(', '.join(changed))}."
        if changed
        else f"No decision changed since {since}."
    )
    return section(
        "changes",
        f"<p>{lead}</p>",
        table(shown, floats=",.1f"),
        ids_note({names[a]: a for a in cmp.index}),
    )


def _partner_names(review: ReviewResult, alliance_ids: Any) -> dict[Any, str]:
    """Alliance id -> its partner's name (the id itself where the review has no name)."""
    known = review.table["partner_name"] if "partner_name" in review.table else pd.Series()
    return {a: str(known.get(a, a)) for a in alliance_ids}
