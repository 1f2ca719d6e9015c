"""What the alliances risk, return and exchange: risk update, value update, gives and gets
(docs/method.md §5.7 items 5–7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.reporting.sections.base import ReportSection, escape, number, section, table
from alliancekit.reporting.words import plain

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = ["gives_and_gets", "risk_update", "value_update"]


def _sole_coverage(ws: Workspace, alliance_ids: pd.Index) -> list[str]:
    """For each alliance, the gaps no other reviewed alliance covers (dependence)."""
    cov = ws.alliance_coverage_frame()
    cov = cov.loc[cov.index.isin(alliance_ids)]  # the reviewed alliances (not closed or future)
    total_cov = cov.sum(axis=0)
    sole = []
    for aid in alliance_ids:
        gaps = []
        if aid in cov.index:
            gaps = [
                g
                for g in cov.columns
                if cov.loc[aid, g] > 0 and abs(cov.loc[aid, g] - total_cov[g]) < 1e-9
            ]
        sole.append(", ".join(gaps))
    return sole


def _risk_signals(ws: Workspace, review: ReviewResult) -> pd.DataFrame:
    """Relationship risk signals (D3, D4, trust gap, hard trigger) and dependence per alliance."""
    t = review.table
    sig = pd.DataFrame(index=pd.Index(t.index, name="alliance"))
    sig["partner"] = t["partner_name"]
    sig["D3 relationship [points of 100]"] = t["D3"].astype(float)
    sig["D4 governance [points of 100]"] = t["D4"].astype(float)
    sig["trust gap |own − partner| [1–5 pts]"] = (
        t["trust_own"].astype(float) - t["trust_partner"].astype(float)
    ).abs()
    sig["incident forcing exit"] = t["hard_trigger"].map(lambda v: plain(v) if v else "none")
    sig["sole coverage of gaps (dependence)"] = _sole_coverage(ws, t.index)
    total = float(sum(ws.alliance(aid).cost_annual for aid in t.index)) or float("nan")
    sig["share of alliance spend [%]"] = [100 * ws.alliance(a).cost_annual / total for a in t.index]
    return sig


def _events(ev: pd.DataFrame) -> pd.DataFrame:
    """The incidents with plain column names and values (``alliance_id`` → ``alliance``)."""
    shown = ev.copy()
    if "trigger" in shown.columns:
        shown["trigger"] = shown["trigger"].map(lambda v: plain(v) if isinstance(v, str) else v)
    shown.columns = [str(c).replace("_id", "").replace("_", " ") for c in shown.columns]
    return shown


def risk_update(
    ws: Workspace, review: ReviewResult, plan: PortfolioResult | None = None
) -> ReportSection:
    """§5.7 item 5: incidents and hard triggers, relationship risk signals, dependence."""
    parts = []
    ev = ws.events
    if ev is not None and len(ev):
        parts += ["<h3>Incidents and hard triggers</h3>", table(_events(ev), index=False)]
    else:
        parts.append("<p>No incidents or hard triggers were recorded.</p>")
    parts += [
        "<h3>Relationship risk signals and dependence</h3>",
        f"<p>Signals of opportunism or relational risk: D3 or D4 below "
        f"{number(review.policy.d_min, '.0f')}, a large own-vs-partner trust gap, hard triggers. "
        "Dependence: gaps only this alliance covers, and its share of spend.</p>",
        table(_risk_signals(ws, review), floats=",.1f"),
        "<p>The relational and performance risk of existing alliances are not re-scored: the "
        "workspace records risk items for candidates only. The re-planned new partners' risks "
        "are in section 10.</p>",
    ]
    return section("risk update", *parts)


def value_update(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 6: planned vs re-forecast value, VRR, continuation vs exit value."""
    money = ws.organization.money_label
    t = review.table
    vt = pd.DataFrame(index=pd.Index(t.index, name="alliance"))
    vt["partner"] = t["partner_name"]
    vt[f"planned value [{money}/yr]"] = [ws.alliance(a).value_plan_annual for a in t.index]
    vt[f"re-forecast value = plan × attainment [{money}/yr]"] = t["V_hat"].astype(float)
    vt[f"cost [{money}/yr]"] = [ws.alliance(a).cost_annual for a in t.index]
    vt["value realised [% of planned benefit]"] = 100 * t["VRR"].astype(float)
    vt[f"present value of continuing [{money}]"] = t["PV_continue"].astype(float)
    vt[f"exit value = salvage − exit cost [{money}]"] = t["exit_value"].astype(float)
    planned = float(vt[f"planned value [{money}/yr]"].sum())
    fore = float(vt[f"re-forecast value = plan × attainment [{money}/yr]"].sum())
    share = number(100 * fore / planned if planned else float("nan"), ".0f")
    return section(
        "value update",
        f"<p>Planned value {planned:,.1f} {escape(money)}/yr; re-forecast {fore:,.1f} "
        f"{escape(money)}/yr ({share} % of plan). Value realised is the actual benefit so far as a "
        "share of the planned benefit, over the money KPIs.</p>",
        table(vt, floats=",.1f"),
    )


def gives_and_gets(ws: Workspace, review: ReviewResult) -> ReportSection:
    """§5.7 item 7: what each side gives and gets (cost, staff time, gaps covered, terms)."""
    money = ws.organization.money_label
    rows = []
    gap_names = {g.gap_id: g.name for g in ws.organization.capability_gaps}
    for aid in review.table.index:
        a = ws.alliance(aid)
        gets = "; ".join(f"{g} {gap_names.get(g, '')} ({v:.1f})" for g, v in a.coverage.items())
        rows.append(
            {
                "alliance": aid,
                "partner": a.partner_name,
                "purpose": a.description,
                "we get: gaps covered (level)": gets or "–",
                f"we give: cost [{money}/yr]": a.cost_annual,
                "we give: staff [FTE]": a.mgmt_load_fte,
                "IP terms": a.ip_terms or "–",
                "how decisions are made": plain(a.decision_rule) if a.decision_rule else "–",
            }
        )
    frame = pd.DataFrame(rows).set_index("alliance") if rows else pd.DataFrame()
    return section(
        "gives and gets",
        "<p>What the organization gives and gets in each alliance; the partner's needs are "
        "revisited at the joint health check (survey period in section 4).</p>",
        table(frame, floats=",.2f"),
    )
