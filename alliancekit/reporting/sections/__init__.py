"""Report sections: called one per cell by notebooks/03_review_report.ipynb (docs/method.md §5.7).

One module per part of the report — ``summary`` (header, executive summary), ``portfolio``
(overview, re-planned portfolio), ``performance`` (scorecard, health), ``risk_value`` (risk,
value, gives and gets), ``decisions`` (rationale, actions, changes), ``appendix`` and ``charts``
— over ``base`` (``ReportSection``, ``ReportFigure``, ``as_figure`` and the escaped-HTML
helpers). Every function returns a display object whose HTML escapes all workspace text.
"""

from alliancekit.reporting.sections.appendix import appendix
from alliancekit.reporting.sections.base import ReportFigure, ReportSection, as_figure
from alliancekit.reporting.sections.charts import (
    attainment_chart,
    coverage_chart,
    health_chart,
    kpi_charts,
    perception_chart,
    spend_chart,
)
from alliancekit.reporting.sections.decisions import (
    action_list,
    changes_since,
    decision_rationale,
    previous_review,
)
from alliancekit.reporting.sections.group import group_view
from alliancekit.reporting.sections.performance import health_table, scorecard
from alliancekit.reporting.sections.portfolio import (
    portfolio_overview,
    replan,
    replanned_portfolio,
)
from alliancekit.reporting.sections.risk_value import gives_and_gets, risk_update, value_update
from alliancekit.reporting.sections.summary import executive_brief, executive_summary, report_header

__all__ = [
    "ReportFigure",
    "ReportSection",
    "action_list",
    "appendix",
    "as_figure",
    "attainment_chart",
    "changes_since",
    "coverage_chart",
    "decision_rationale",
    "executive_brief",
    "executive_summary",
    "gives_and_gets",
    "group_view",
    "health_chart",
    "health_table",
    "kpi_charts",
    "perception_chart",
    "portfolio_overview",
    "previous_review",
    "replan",
    "replanned_portfolio",
    "report_header",
    "risk_update",
    "scorecard",
    "spend_chart",
    "value_update",
]
