"""The report's charts: ``alliancekit.charts`` specs drawn as static SVG inside ``<img>`` elements.

Each chart is built by a ``*_view`` function (the chart as a notebook or the app shows it, from
the same call) and embedded by ``as_figure`` as a ``data:`` image: no script, no inline SVG
markup, nothing fetched. The ``*_chart`` functions hand ``as_figure`` the call
(:class:`~alliancekit.reporting.sections.base.ChartCall`), not the chart: in a notebook it is
built at once, and in a report kernel the process running the report builds and draws it
meanwhile, so the kernel needs neither Altair nor the SVG engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.model import AllianceStatus
from alliancekit.reporting.sections.base import (
    ReportFigure,
    ReportSection,
    as_figure,
    chart_call,
    charts_module,
    escape,
    section,
)

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult

__all__ = [
    "attainment_chart",
    "attainment_view",
    "coverage_chart",
    "coverage_view",
    "health_chart",
    "health_view",
    "kpi_charts",
    "kpi_view",
    "perception_chart",
    "perception_view",
    "spend_chart",
    "spend_view",
]


def spend_view(ws: Workspace, review: ReviewResult) -> Any:
    """Annual cost [money/yr] of each reviewed alliance, coloured by decision, vs the budget."""
    charts = charts_module()
    items = pd.DataFrame(
        {
            "cost_annual": [ws.alliance(a).cost_annual for a in review.table.index],
            "group": list(review.table["decision"]),
        },
        index=review.table.index,
    )
    return charts.budget_bars(
        items,
        ws.organization.budget_annual,
        money_label=ws.organization.money_label,
        title="Annual spend of existing alliances vs budget",
        names=charts.alliance_names(review),
    )


def spend_chart(ws: Workspace, review: ReviewResult) -> ReportFigure:
    """Annual cost of each existing alliance, coloured by decision, against the annual budget."""
    return as_figure(chart_call(spend_view, ws, review))


def coverage_view(ws: Workspace) -> Any:
    """Existing alliances (not closed) × capability gaps coverage [0–1], total vs required."""
    charts = charts_module()
    required = {g.gap_id: g.required for g in ws.organization.capability_gaps}
    cov = ws.alliance_coverage_frame()
    cov = cov.loc[[a.alliance_id for a in ws.alliances if a.status != AllianceStatus.CLOSED]]
    return charts.coverage_heatmap(
        cov,
        required=required,
        workspace=ws,
        title="Capability-gap coverage by existing alliances [0–1]",
    )


def coverage_chart(ws: Workspace) -> ReportFigure:
    """Existing alliances (not closed) × capability gaps coverage [0–1], total vs required."""
    return as_figure(chart_call(coverage_view, ws))


def attainment_view(review: ReviewResult) -> Any:
    """A_t per alliance and quarter with the policy's EXIT / RESTRUCTURE / GROW thresholds."""
    return charts_module().attainment_sparklines(review)


def attainment_chart(review: ReviewResult) -> ReportFigure:
    """Sparklines of A_t per alliance with the EXIT / RESTRUCTURE / GROW thresholds."""
    return as_figure(chart_call(attainment_view, review))


def kpi_view(review: ReviewResult, alliance_id: str, workspace: Workspace | None = None) -> Any:
    """KPI plan vs actual of one alliance, a panel per KPI (named from ``workspace``)."""
    return charts_module().kpi_chart(review, alliance_id, workspace=workspace)


def kpi_charts(review: ReviewResult, workspace: Workspace | None = None) -> ReportSection:
    """KPI plan vs actual charts, one figure per alliance (embedded images).

    ``workspace`` names the KPIs in the panel titles (their ids otherwise).
    """
    parts = []
    for aid in review.table.index:
        partner = review.table.loc[aid, "partner_name"]
        parts.append(f"<h4>{escape(aid)}: {escape(partner)}</h4>")
        parts.append(as_figure(chart_call(kpi_view, review, aid, workspace))._repr_html_())
    return section("KPI charts", *parts)


def health_view(review: ReviewResult, alliance_ids: Sequence[str] | None = None) -> Any:
    """Radar of D1–D6 [0–100] for ``alliance_ids`` (default: every reviewed alliance)."""
    ids = list(review.table.index) if alliance_ids is None else list(alliance_ids)
    return charts_module().health_radar(review, ids)


def health_chart(review: ReviewResult) -> ReportFigure:
    """Radar of D1–D6 for every alliance."""
    return as_figure(chart_call(health_view, review))


def perception_view(review: ReviewResult) -> Any:
    """Own vs partner trust [1–5] per alliance (the perception gap)."""
    return charts_module().perception_gap(review)


def perception_chart(review: ReviewResult) -> ReportFigure | ReportSection:
    """Own vs partner trust [1–5] per alliance (the perception gap)."""
    t = review.table
    both = t[["trust_own", "trust_partner"]].astype(float).dropna()
    if not len(both):
        return section("perception gap", "<p>No two-sided survey data: no perception gap.</p>")
    return as_figure(chart_call(perception_view, review))
