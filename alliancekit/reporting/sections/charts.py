"""The report's charts: ``svgcharts`` drawings embedded as ``data:`` images (never matplotlib).

``svgcharts`` is imported when a chart is drawn, so the report runner never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alliancekit.model import AllianceStatus
from alliancekit.reporting.sections.base import (
    ReportFigure,
    ReportSection,
    as_figure,
    escape,
    section,
)

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = [
    "attainment_chart",
    "coverage_chart",
    "health_chart",
    "kpi_charts",
    "perception_chart",
    "spend_chart",
]


def spend_chart(ws: Workspace, review: ReviewResult) -> ReportFigure:
    """Annual cost of each existing alliance, coloured by decision, against the annual budget."""
    from alliancekit import svgcharts

    items = pd.DataFrame(
        {
            "cost_annual": [ws.alliance(a).cost_annual for a in review.table.index],
            "group": list(review.table["decision"]),
        },
        index=review.table.index,
    )
    fig = svgcharts.budget_bars(
        items,
        ws.organization.budget_annual,
        money_label=ws.organization.money_label,
        title="Annual spend of existing alliances vs budget",
    )
    return as_figure(fig)


def coverage_chart(ws: Workspace) -> ReportFigure:
    """Existing alliances (not closed) × capability gaps coverage [0–1], total vs required."""
    from alliancekit import svgcharts

    required = {g.gap_id: g.required for g in ws.organization.capability_gaps}
    cov = ws.alliance_coverage_frame()
    cov = cov.loc[[a.alliance_id for a in ws.alliances if a.status != AllianceStatus.CLOSED]]
    return as_figure(svgcharts.coverage_heatmap(cov, required=required))


def attainment_chart(review: ReviewResult) -> ReportFigure:
    """Sparklines of A_t per alliance with the EXIT / RESTRUCTURE / GROW thresholds."""
    from alliancekit import svgcharts

    p = review.policy
    fig = svgcharts.attainment_sparklines(
        review.attainment,
        thresholds={"exit": p.a_exit, "restructure": p.a_restr, "grow": p.a_grow},
        decisions=dict(review.table["decision"]),
    )
    return as_figure(fig)


def kpi_charts(review: ReviewResult) -> ReportSection:
    """KPI plan vs actual charts, one figure per alliance (embedded images)."""
    from alliancekit import svgcharts

    parts = []
    for aid in review.table.index:
        partner = review.table.loc[aid, "partner_name"]
        parts.append(f"<h4>{escape(aid)}: {escape(partner)}</h4>")
        parts.append(as_figure(svgcharts.kpi_chart(review, aid))._repr_html_())
    return section("KPI charts", *parts)


def health_chart(review: ReviewResult) -> ReportFigure:
    """Radar of D1–D6 for every alliance."""
    from alliancekit import svgcharts

    return as_figure(svgcharts.health_radar(review, list(review.table.index)))


def perception_chart(review: ReviewResult) -> ReportFigure | ReportSection:
    """Own vs partner trust [1–5] per alliance (the perception gap)."""
    from alliancekit import svgcharts

    t = review.table
    gap = pd.DataFrame(
        {"own": t["trust_own"].astype(float), "partner": t["trust_partner"].astype(float)}
    ).dropna()
    if not len(gap):
        return section("perception gap", "<p>No two-sided survey data: no perception gap.</p>")
    return as_figure(svgcharts.perception_gap(gap))
