"""The multi-year roadmap in the re-planning section (§5.7 item 10, docs/method.md §12).

Shown only when the workspace has roadmap data (``roadmap`` settings, start windows, pilots,
ramps, tiers or planned exit years; data/README.md): the roadmap re-planned with this review's
decisions, its Gantt and its spend and capacity against the limits as static SVG images, and a
short table year by year in names and units; ids only in the analysts' small print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.reporting.sections.base import (
    as_figure,
    chart_call,
    charts_module,
    escape,
    ids_note,
    table,
)

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.review import ReviewResult
    from alliancekit.roadmap import RoadmapResult

__all__ = ["roadmap_part"]

_HEADING = "<h3>Roadmap over the next years</h3>"


def _infeasible(exc: InfeasiblePortfolioError) -> str:
    """No roadmap: the limits in conflict by name and year, and what to relax."""
    names = ", ".join(dict.fromkeys(getattr(c, "label", "") for c in exc.constraints if c))
    steps = "".join(
        f"<li>{escape(r.message.replace('coverage_by_year', 'the year gaps must be covered from'))}"
        "</li>"
        for r in exc.relaxations
    )
    return (
        f'{_HEADING}<div class="ak-callout"><p>No multi-year roadmap satisfies every limit with '
        f"this review's decisions. In conflict: {escape(names or 'not identified')}.</p>"
        + (f"<p>What would make it possible:</p><ul>{steps}</ul>" if steps else "")
        + "</div>"
    )


def _summary(ws: Workspace, result: RoadmapResult) -> str:
    """The roadmap in one paragraph."""
    from alliancekit.roadmap.results import binding_words

    periods = result.periods
    money = result.money_label or ("points" if result.objective_name == "score" else "")
    how = "the best possible" if result.status is SolveStatus.OPTIMAL else (
        f"within {result.mip_gap:.1%} of the best possible"
    )  # fmt: skip
    binding = binding_words(result.binding_constraints, periods) or "none"
    return (
        f"<p>Spread over {len(periods)} year(s) ({escape(periods[0])} to {escape(periods[-1])}) "
        "with this review's decisions: which new partners start, pilot and scale up in which "
        "year, and when the alliances to exit leave (after their notice period), within each "
        "year's budgets and alliance-manager capacity. The roadmap is "
        f"{escape(how)}: {len(result.selected)} new partner(s), discounted value "
        f"{result.objective_value:,.1f} {escape(money)}.</p>"
        f"<p>Limits reached: {escape(binding)}.</p>"
    )


def _gantt_view(result: RoadmapResult) -> Any:
    """Who runs when: one row per partner and existing alliance, one cell per period."""
    return charts_module().roadmap_gantt(result)


def _limits_view(result: RoadmapResult) -> Any:
    """Spend and capacity per period against their limits, one panel per budget or capacity."""
    return charts_module().roadmap_limits(result)


def roadmap_part(ws: Workspace, review: ReviewResult | None) -> str:
    """HTML of the roadmap for the re-planning section ("" without roadmap data).

    Parameters
    ----------
    ws : Workspace
    review : ReviewResult or None
        Its EXIT decisions leave after their notice period.

    Returns
    -------
    str
        Escaped HTML: a paragraph, the Gantt and the limits as ``data:`` SVG images, the year
        table (money in the workspace's unit [money], [money/yr]; capacity [FTE]) and the ids
        in the ``ak-ids`` small print; or the infeasibility as a finding.
    """
    from alliancekit.roadmap.years import has_roadmap_data

    if not has_roadmap_data(ws):
        return ""
    from alliancekit.roadmap import plan_roadmap, year_table

    try:
        result = plan_roadmap(ws, review=review)
    except InfeasiblePortfolioError as exc:
        return _infeasible(exc)
    years = year_table(result)
    names = {str(r["name"]): str(i) for i, r in result.starts[result.starts["selected"]].iterrows()}
    names |= {
        str(r["name"]): str(i) for i, r in result.exits[result.exits["exit"] != ""].iterrows()
    }
    return "".join(
        (
            _HEADING,
            _summary(ws, result),
            as_figure(chart_call(_gantt_view, result))._repr_html_(),
            as_figure(chart_call(_limits_view, result))._repr_html_(),
            table(years, floats=",.1f"),
            ids_note(sorted(names.items())),
        )
    )
