"""The roadmap tab of the app: which alliances start, scale up and exit in which year
(docs/method.md §12), over the session's weights, budgets, caps and review decisions.

The tab is shown for every workspace: one with ``roadmap`` settings (data/README.md) plans with
its per-year budgets and alliance-manager capacity; one without plans every year with this
round's budgets and capacity, and says so. A budget changed in "Select portfolio" applies to
every year of the roadmap (as ``plan_roadmap``'s ``budget_one_off`` / ``budget_annual``).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import SolveStatus, Workspace, glossary
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import fixed, flex
from alliancekit.widgets.dashboard import Tab, register_tab
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.markup import table_html
from alliancekit.widgets.state import SessionState, Settings

__all__ = ["MAX_YEARS", "RoadmapExplorer", "roadmap_explorer"]

#: The longest roadmap the horizon slider offers [years] (``plan_roadmap`` allows 1–10).
MAX_YEARS = 10

#: Roadmap settings named in the diagnosis's advice, and the words people read instead.
_SETTINGS = {"coverage_by_year": "the roadmap's “gaps covered from year” setting"}


def _words(text: str) -> str:
    """``text`` with field and setting names replaced by words."""
    text = glossary.in_words(text)
    for key, words in _SETTINGS.items():
        text = text.replace(key, words)
    return text


class RoadmapExplorer(Explorer):
    """The multi-year roadmap of the session's settings: Gantt, spend and capacity, a table.

    Attributes
    ----------
    workspace : Workspace
    years : IntSlider
        Length of the roadmap [years], 1–10 (default: the workspace's ``roadmap.years``, else
        its planning horizon).
    summary_html, table, limits_html, screened_html, message : HTML widgets
    gantt_figure, limits_figure : ChartView
        ``charts.roadmap_gantt`` and ``charts.roadmap_limits`` of the result.
    result : RoadmapResult or None
        None while the settings admit no roadmap (the message says why, in words).
    """

    title = "Roadmap over the years"
    listens = frozenset(
        {
            "weights", "objective", "budget_one_off", "budget_annual", "avg_risk", "max_count",
            "risk_appetite", "must_include", "must_exclude", "thresholds", "period",
            "apply_review", "coverage", "per_partner_caps",
        }
    )  # fmt: skip

    def __init__(
        self,
        workspace: Workspace,
        *,
        years: int | None = None,
        debounce: float = DEBOUNCE,
        state: SessionState | None = None,
    ) -> None:
        super().__init__(workspace, debounce=debounce, state=state)
        org = workspace.organization
        default = years or org.roadmap.years or org.planning_horizon_years
        self.years = widgets.IntSlider(
            value=int(min(max(default, 1), MAX_YEARS)), min=1, max=MAX_YEARS, step=1,
            description="Roadmap length [years]", style={"description_width": "170px"},
            layout=widgets.Layout(width="440px"), continuous_update=False,
        )  # fmt: skip
        self.years.add_class("ak-years")
        self.years.observe(self._schedule, names="value")
        self.source_html = widgets.HTML(self._source_words())
        self.source_html.add_class("ak-roadmap-source")
        self.summary_html = widgets.HTML()
        self.summary_html.add_class("ak-roadmap-summary")
        self.table = widgets.HTML()
        self.table.add_class("ak-roadmap-table")
        self.limits_html = widgets.HTML()
        self.screened_html = widgets.HTML()
        self.gantt_figure = ChartView()
        self.gantt_figure.add_class("ak-roadmap-gantt")
        self.limits_figure = ChartView()
        self.limits_figure.add_class("ak-roadmap-limits")
        self.result: Any = None
        self.children = [
            self._header(),
            self.busy,
            widgets.HBox(
                [
                    widgets.VBox([self.years, self.source_html], layout=fixed("460px")),
                    widgets.VBox([self.summary_html, self.message], layout=flex()),
                ],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            self.gantt_figure,
            self.limits_figure,
            self.limits_html,
            self.table,
            self.screened_html,
        ]
        self.update()

    def _source_words(self) -> str:
        """Where the per-year budgets and capacity come from, in words."""
        org = self.workspace.organization
        if org.roadmap.given:
            text = (
                "Budgets and alliance-manager capacity per year, start windows and pilots come "
                "from this workspace's roadmap settings."
            )
        else:
            text = (
                "This workspace has no roadmap settings: every year has this round's budgets "
                "and capacity, and every partner may start in any year."
            )
        text += (
            " The weights, budgets, risk caps and partner choices are those of the other tabs; "
            "a budget changed there applies to every year. Alliances the review decides to exit "
            "leave after their notice period."
        )
        return f'<div class="ak-small">{html.escape(text)}</div>'

    def _sync(self, settings: Settings, changed: frozenset[str]) -> None:
        """Nothing to show on the tab's own control (the horizon is the tab's)."""

    def plan_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``plan_roadmap`` from the session state (budgets only when
        they differ from the workspace's, so its per-year lists stay in force)."""
        kwargs = self.state.plan_kwargs()
        org = self.workspace.organization
        for name in ("budget_one_off", "budget_annual"):
            if float(kwargs[name]) == float(getattr(org, name)):
                kwargs.pop(name)
        st = self.state.settings
        kwargs["review"] = self.state.review() if st.apply_review else None
        return kwargs

    def _compute(self) -> None:
        from alliancekit.roadmap import plan_roadmap
        from alliancekit.roadmap.years import year_table

        self.result = None
        try:
            result = plan_roadmap(
                self.state.planning_workspace(), int(self.years.value), **self.plan_kwargs()
            )
        except InfeasiblePortfolioError as exc:
            self._show_infeasible(exc)
            return
        self.result = result
        money = self.workspace.organization.money_label
        self.summary_html.value = self._summary(result, money)
        self.message.info("")
        self.table.value = "<b>Year by year</b>" + table_html(year_table(result))
        binding = self._binding(result)
        self.limits_html.value = f"<p><b>Limits reached:</b> {html.escape(binding or 'none')}.</p>"
        self.screened_html.value = self._screened(result)

    def _summary(self, result: Any, money: str) -> str:
        """The roadmap in one paragraph: how many partners, when, and its value."""
        term = glossary.term("objective", self.state.settings.objective)
        unit = money if term.unit == "money" else ("points" if term.key == "score" else "")
        periods = result.periods
        how = ""
        if result.status is SolveStatus.TIME_LIMIT:
            how = f" (best found in the time allowed, within {result.mip_gap:.1%} of the best)"
        text = (
            f"<p><b>Roadmap for “{html.escape(term.name)}”</b>{html.escape(how)}: "
            f"{len(result.selected)} new partner(s) over {len(periods)} year(s) "
            f"({html.escape(periods[0])} to {html.escape(periods[-1])}); discounted value "
            f"{result.objective_value:,.1f} {html.escape(unit)}.</p>"
        )
        return text

    @staticmethod
    def _binding(result: Any) -> str:
        from alliancekit.roadmap.results import binding_words

        return glossary.in_words(binding_words(result.binding_constraints, result.periods))

    @staticmethod
    def _screened(result: Any) -> str:
        """Candidates the knockouts left out before planning, by name."""
        gone = result.starts.loc[result.starts["screened"] != "", "name"]
        if gone.empty:
            return ""
        names = html.escape(", ".join(map(str, gone)))
        return (
            f'<div class="ak-small">Left out before planning by the knockouts (reasons in '
            f"“Select portfolio”): {names}.</div>"
        )

    def _show_infeasible(self, exc: InfeasiblePortfolioError) -> None:
        """No roadmap: the conflicting limits by name and year, and what to relax (in words)."""
        labels = [_words(getattr(c, "label", "") or "") for c in exc.constraints]
        steps = [_words(r.message) for r in exc.relaxations]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in steps)
        conflict = ", ".join(dict.fromkeys(x for x in labels if x))
        self.summary_html.value = (
            "<p><b>No roadmap satisfies every limit with these settings.</b> "
            + (f"In conflict: {html.escape(conflict)}. " if conflict else "")
            + "</p>"
            + (f"<p>What would make it possible:</p><ul>{items}</ul>" if items else "")
        )
        self.message.info("")
        self.table.value = self.limits_html.value = self.screened_html.value = ""
        self.gantt_figure.clear()
        self.limits_figure.clear()

    def _render(self) -> None:
        from alliancekit.charts import roadmap_gantt, roadmap_limits

        if self.result is None:
            return
        self.gantt_figure.show(roadmap_gantt(self.result))
        self.limits_figure.show(roadmap_limits(self.result))

    def _views(self) -> list[widgets.Widget]:
        return [
            self.summary_html, self.message, self.gantt_figure, self.limits_figure,
            self.limits_html, self.table, self.screened_html,
        ]  # fmt: skip


def roadmap_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> RoadmapExplorer | Snapshot:
    """The roadmap explorer of ``workspace`` (a static ``Snapshot`` when not interactive)."""
    ex = RoadmapExplorer(workspace, **kwargs)
    return ex if interactive else ex.snapshot()


register_tab(
    Tab("4 Roadmap", "roadmap", lambda ws, st, d: RoadmapExplorer(ws, state=st, debounce=d))
)
