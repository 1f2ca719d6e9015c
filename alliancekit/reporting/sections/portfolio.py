"""The portfolio sections: the overview of existing alliances (§5.7 item 2) and the portfolio
re-planned with this review's decisions (item 10; an infeasible re-plan is a finding there, with
what to relax, not a failed report)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Decision, SolveStatus
from alliancekit.model.glossary import knockout_words
from alliancekit.reporting.sections.base import (
    ReportSection,
    escape,
    ids_note,
    new_partners,
    objective_value,
    section,
    table,
)
from alliancekit.reporting.sections.roadmap import roadmap_part
from alliancekit.reporting.words import plain

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = ["portfolio_overview", "replan", "replanned_portfolio"]

#: Columns of the selected partners' table and their headings (``{money}`` is the unit).
_PARTNER_COLUMNS = {
    "name": "partner",
    "relation": "relation",
    "form": "form",
    "cost_one_off": "one-off cost [{money}]",
    "cost_annual": "annual cost [{money}/yr]",
    "expected_npv": "expected net present value [{money}]",
    "e_npv": "expected net present value [{money}]",
    "R": "total risk [0–1]",
    "R_rel": "relational risk [0–1]",
    "score": "score [0–100]",
}


def _spend(ws: Workspace, review: ReviewResult, total: float) -> pd.DataFrame:
    """Annual cost of all reviewed alliances and of those kept, against the annual budget."""
    budget = ws.organization.budget_annual
    kept = float(
        sum(
            ws.alliance(aid).cost_annual
            for aid, d in review.table["decision"].items()
            if d != Decision.EXIT
        )
    )
    share = [100 * x / budget if budget else float("nan") for x in (total, kept)]
    return pd.DataFrame(
        {
            f"amount [{ws.organization.money_label}/yr]": [total, kept, budget],
            "share of budget [%]": [*share, 100.0],
        },
        index=pd.Index(
            ["cost of all existing alliances", "cost of alliances kept", "annual budget"],
            name="spend",
        ),
    )


_SENSE_WORDS = {"<=": "at most", ">=": "at least", "==": "exactly"}


def _labelled_limits(plan: PortfolioResult, keys: list) -> tuple[pd.DataFrame, dict]:
    """Rows ``keys`` of the plan's limits, indexed by their labels; ``{label: key}`` for the
    analysts' small print."""
    totals = plan.totals.loc[keys]
    labels = [
        str(totals.loc[k, "label"])
        if "label" in totals.columns and str(totals.loc[k, "label"])
        else str(k)
        for k in keys
    ]
    frame = totals[["used", "cap", "slack"]].astype(float)
    if "sense" in totals.columns:
        frame.insert(1, "limit is", [_SENSE_WORDS.get(str(x), str(x)) for x in totals["sense"]])
    frame.index = pd.Index(labels)
    return frame, dict(zip(labels, [str(k) for k in keys], strict=True))


def _risk_limits(plan: PortfolioResult) -> tuple[pd.DataFrame, dict]:
    """The plan's risk limits (average and per-partner caps), used vs cap [0–1]."""
    # the risk groups are recognised by their constraint keys (``average[R]``, ``each[R_rel]``)
    rows = [r for r in plan.totals.index if str(r).startswith(("average[", "each["))]
    risk, keys = _labelled_limits(plan, rows)
    risk.index.name = "risk limit (re-planned new partners) [0–1]"
    return risk, keys


def _concentration(frame: pd.DataFrame, total: float, money: str) -> pd.DataFrame | None:
    """Count, cost and share of spend per relation, form, sector and region."""
    groups = []
    for attr in ("relation", "form", "sector", "region"):
        if attr not in frame.columns or not len(frame):
            continue
        g = frame.groupby(frame[attr].astype(str))["cost_annual"].agg(["count", "sum"])
        g["share of spend [%]"] = 100 * g["sum"] / total if total else float("nan")
        g = g.rename(columns={"count": "alliances", "sum": f"cost [{money}/yr]"})
        g.index = [f"{attr.capitalize()}: {plain(v)}" for v in g.index]
        groups.append(g)
    if not groups:
        return None
    out = pd.concat(groups)
    out.index.name = "group"
    return out


def _conflicts(ws: Workspace, alliance_ids: pd.Index) -> str:
    """The declared conflicts between existing alliances, as a list."""
    pairs = [(aid, c) for aid in alliance_ids for c in ws.alliance(aid).conflicts_with if c]
    if not pairs:
        return "<h3>Conflicts</h3><p>No declared conflicts between existing alliances.</p>"
    items = "".join(f"<li>{escape(a)} conflicts with {escape(c)}</li>" for a, c in pairs)
    return f"<h3>Conflicts</h3><ul>{items}</ul>"


def portfolio_overview(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None = None
) -> ReportSection:
    """§5.7 item 2: count, spend vs budget, risk vs cap, concentration, conflicts."""
    org = ws.organization
    money = org.money_label
    frame = ws.alliances_frame()
    frame = frame.loc[frame.index.isin(review.table.index)]  # the reviewed: not closed or future
    total = float(frame["cost_annual"].sum()) if len(frame) else 0.0
    parts = [
        f"<p>{len(frame)} existing alliance(s); annual spend {total:,.1f} {escape(money)}/yr of a "
        f"budget of {org.budget_annual:,.1f} {escape(money)}/yr; one-off budget for new alliances "
        f"{org.budget_one_off:,.1f} {escape(money)}.</p>",
        "<h3>Spend vs budget</h3>",
        table(_spend(ws, review, total), floats=",.1f"),
        "<h3>Budget headroom</h3>",
        _headroom_table(ws, review, plan),
    ]
    if plan is not None and len(plan.totals):
        risk, keys = _risk_limits(plan)
        if len(risk):
            parts += ["<h3>Risk vs cap</h3>", table(risk, floats=".3f"), ids_note(keys)]
    concentration = _concentration(frame, total, money)
    if concentration is not None:
        parts += [
            "<h3>Concentration by relation, form, sector and region</h3>",
            table(concentration, floats=",.1f"),
        ]
    parts.append(_conflicts(ws, frame.index))
    return section("portfolio overview", *parts)


def _headroom_table(ws: Workspace, review: ReviewResult, plan: PortfolioResult | None) -> str:
    """The annual budget headroom before and after the decisions and after the re-plan, each
    named, from ``budget_headroom`` (the one definition; the executive summary shows the same)."""
    from alliancekit.portfolio import budget_headroom

    h = budget_headroom(ws, review, plan)
    frame = h.to_frame()
    shown = pd.DataFrame(
        {
            f"amount [{h.unit}]": frame["value"].astype(float).to_numpy(),
            "how": frame["how"].to_numpy(),
        },
        index=pd.Index(frame["name"], name="moment"),
    )
    return table(shown, floats=",.1f")


def _new_partners_table(plan: PortfolioResult, money: str) -> pd.DataFrame:
    """The new partners the plan selects, with costs, value, risk and score."""
    frame = plan.to_frame()
    new = [p for p in new_partners(plan) if p in frame.index]
    have = [c for c in _PARTNER_COLUMNS if c in frame.columns]
    have = [c for c in have if not (c == "e_npv" and "expected_npv" in have)]
    names = {c: _PARTNER_COLUMNS[c].format(money=money) for c in have}
    chosen = frame.loc[new, have].copy()
    for col in ("relation", "form"):
        if col in chosen.columns:
            chosen[col] = chosen[col].map(plain)
    chosen = chosen.rename(columns=names)
    chosen.index.name = "new partner"
    return chosen


def replan(
    ws: Workspace, review: ReviewResult
) -> tuple[PortfolioResult | None, InfeasiblePortfolioError | None]:
    """The portfolio re-planned with the review's decisions, or why it cannot be.

    The review of existing alliances stands on its own: when no portfolio satisfies every
    constraint (zero budgets, every candidate gone …), the report is still written, with the
    infeasibility as a finding of section 10 (``replanned_portfolio``). Returns ``(plan, None)``
    or ``(None, error)``.
    """
    from alliancekit.portfolio import plan_portfolio

    try:
        return plan_portfolio(ws, review=review), None
    except InfeasiblePortfolioError as exc:
        return None, exc


def _alliances(ws: Workspace, ids: Sequence[str]) -> str:
    """Existing alliances by partner name with the id in brackets ("Prime FM (AL-B3)")."""
    names = {a.alliance_id: a.partner_name for a in ws.alliances}
    return ", ".join(f"{names[i]} ({i})" if names.get(i) else str(i) for i in ids) or "none"


def _infeasible(exc: InfeasiblePortfolioError) -> ReportSection:
    """The finding for a re-plan without any feasible portfolio: the constraints in conflict,
    by their labels, and how far each would have to move."""
    labels = {str(getattr(c, "key", "")): getattr(c, "label", "") for c in exc.constraints}
    names = [labels.get(k) or k for k in exc.conflicting]
    items = "".join(f"<li>{escape(r.message)}</li>" for r in exc.relaxations)
    parts = [
        '<div class="ak-callout"><p><b>Finding: no portfolio satisfies every constraint</b> '
        "with this review's decisions, so the portfolio could not be re-planned. The review of "
        "the existing alliances above stands.</p>",
        f"<p>Constraints in conflict: {escape(', '.join(names) or 'not identified')}.</p>",
        f"<p>What to relax:</p><ul>{items}</ul>" if items else "",
        "</div>",
    ]
    return section("re-planned portfolio", *parts)


def replanned_portfolio(
    ws: Workspace,
    plan: PortfolioResult | None,
    infeasible: InfeasiblePortfolioError | None = None,
    review: ReviewResult | None = None,
) -> ReportSection:
    """§5.7: the portfolio re-planned with this review's decisions (``plan_portfolio``).

    New partners selected, existing alliances kept and exited, every limit used vs its cap,
    and the candidates screened out with the reason; all money in the workspace unit. With no
    plan, the finding ``infeasible`` (``replan``): the conflicting constraints and what to relax.
    """
    if plan is None:
        return _infeasible(infeasible or InfeasiblePortfolioError("no plan"))
    from alliancekit.portfolio import budget_headroom

    money = ws.organization.money_label
    chosen = _new_partners_table(plan, money)
    gap = (
        f", within {plan.mip_gap:.2%} of the best possible"
        if plan.status != SolveStatus.OPTIMAL
        else ""
    )
    parts = [
        f"<p>The plan is {escape(plain(plan.status))}{escape(gap)}; it maximises the "
        f"{escape(objective_value(plan))}. {len(chosen)} new partner(s) selected. Existing "
        f"alliances kept: {escape(_alliances(ws, plan.kept))}; exited: "
        f"{escape(_alliances(ws, plan.exited))}.</p>",
        "<h3>New partners selected</h3>",
        table(chosen, floats=",.2f") if len(chosen) else "<p>No new partner selected.</p>",
    ]
    h = budget_headroom(ws, review, plan)
    if review is not None and h.after_replan == h.after_replan:
        grow = [str(a) for a in plan.grow_flags]
        extra = f" Growth of {escape(', '.join(grow))} must fit within it." if grow else ""
        parts.append(
            f'<p class="ak-callout">{escape(h.sentence("after_replan"))} (of '
            f"{escape(h.sentence('after_decisions').split(': ', 1)[1])} after the decisions, the "
            f"new partners take {h.after_decisions - h.after_replan:,.1f} {escape(h.unit)})."
            f"{extra}</p>"
        )
    totals = plan.totals
    if len(totals):
        limits, keys = _labelled_limits(plan, list(totals.index))
        limits.index.name = f"limit (money in {money})"
        binding = [lbl for lbl, k in keys.items() if k in set(map(str, plan.binding))]
        parts += [
            "<h3>Limits: used vs cap</h3>",
            f"<p>Limits reached: {escape('; '.join(binding) or 'none')}.</p>",
            table(limits, floats=",.3f"),
            ids_note(keys),
        ]
    if plan.screened:
        names = {c.id: c.name for c in ws.candidates}
        ids = sorted(plan.screened)
        screened = pd.DataFrame(
            {
                "partner": [names.get(k, k) for k in ids],
                "why it is out": [knockout_words(plan.screened[k]) for k in ids],
            },
            index=pd.Index(ids, name="id"),
        )
        parts += ["<h3>Candidates screened out before the optimisation</h3>", table(screened)]
    notes = [n for n in plan.notes if not str(n).startswith("GROW ")]
    if notes:
        parts.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    parts.append(roadmap_part(ws, review))  # issue 19: the multi-year roadmap, with its data
    return section("re-planned portfolio", *parts)
