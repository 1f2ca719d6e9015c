"""One definition per chart, for notebooks, the app and reports alike (Vega-Lite via Altair).

Every function takes a result object (or the frame today's ``plots`` functions take) and
returns an Altair chart with a title, axis titles with units, partner names on the axes and
tooltips. The same chart draws three ways:

- in JupyterLab and Voila, offline, through their bundled Vega-Lite v5 renderer (the charts
  switch Altair to its ``mimetype`` renderer on first use; no JavaScript from a CDN);
- in the app: display the chart in an ``ipywidgets.Output`` (same mimetype output);
- in reports: ``to_svg(chart)`` gives static SVG (vl-convert; no browser, no script).

Importing ``alliancekit`` never imports Altair; importing ``alliancekit.charts`` does.
"""

from __future__ import annotations

from alliancekit.charts.attainment import attainment_sparklines
from alliancekit.charts.coverage import coverage_heatmap, coverage_names
from alliancekit.charts.data import constraint_labels, gap_labels, partner_label, partner_table
from alliancekit.charts.drivers import (
    criterion_labels,
    promethee_flows,
    topsis_distances,
    weighted_sum_contributions,
)
from alliancekit.charts.partners import (
    acceptability_heatmap,
    contribution_bars,
    risk_scatter,
    score_bars,
)
from alliancekit.charts.portfolio import (
    budget_bars,
    frontier_plot,
    group_colours,
    spend_title,
    totals_bars,
)
from alliancekit.charts.radar import health_radar
from alliancekit.charts.render import (
    VEGALITE_MIMETYPE,
    chart_spec,
    chart_title,
    mimebundle,
    static_spec,
    svg_data_uri,
    to_svg,
    warm_up,
)
from alliancekit.charts.review import (
    alliance_names,
    decision_counts,
    kpi_chart,
    perception_gap,
)
from alliancekit.charts.roadmap import roadmap_chart, roadmap_gantt, roadmap_limits
from alliancekit.charts.theme import (
    DECISION_COLOURS,
    FONT,
    PALETTE,
    enable_offline_rendering,
    short_name,
)

__all__ = [
    "DECISION_COLOURS",
    "FONT",
    "PALETTE",
    "VEGALITE_MIMETYPE",
    "acceptability_heatmap",
    "alliance_names",
    "attainment_sparklines",
    "budget_bars",
    "chart_spec",
    "chart_title",
    "constraint_labels",
    "contribution_bars",
    "coverage_heatmap",
    "coverage_names",
    "criterion_labels",
    "decision_counts",
    "enable_offline_rendering",
    "frontier_plot",
    "gap_labels",
    "group_colours",
    "health_radar",
    "kpi_chart",
    "mimebundle",
    "partner_label",
    "partner_table",
    "perception_gap",
    "promethee_flows",
    "risk_scatter",
    "roadmap_chart",
    "roadmap_gantt",
    "roadmap_limits",
    "score_bars",
    "short_name",
    "spend_title",
    "static_spec",
    "svg_data_uri",
    "to_svg",
    "topsis_distances",
    "totals_bars",
    "warm_up",
    "weighted_sum_contributions",
]
