"""The portfolio explorer: budgets, risk cap, counts, appetite, objective → optimal portfolio."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Decision, RiskAppetite, Workspace
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import (
    STYLE,
    WIDE,
    enum_dropdown,
    fixed,
    flex,
    partner_options,
    partner_picker,
    slider,
)
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.frontier import FrontierPanel
from alliancekit.widgets.markup import error_html, table_html

__all__ = [
    "OBJECTIVES",
    "PortfolioExplorer",
    "budget_slider",
    "nice_step",
    "portfolio_explorer",
]

#: Portfolio objectives offered in the dropdown: (label, value) (docs/method.md §4 (a)–(e)).
OBJECTIVES: tuple[tuple[str, str], ...] = (
    ("(a) max Σ E[NPV]", "expected_npv"),
    ("(b) max Σ score", "score"),
    ("(c) blend of E[NPV] and score", "blend"),
    ("(d) mean–CVaR", "mean_cvar"),
    ("(e) E[NPV] + gap coverage", "coverage"),
)


def nice_step(span: float) -> float:
    """A round slider step giving about 100–1000 positions over ``span`` (same units)."""
    if span <= 0:
        return 1.0
    return float(10 ** np.floor(np.log10(span / 100.0)))


def budget_slider(
    label: str, budget: float, floor: float = 0.0, *, css_class: str
) -> widgets.FloatSlider:
    """A budget slider from 0 to twice the ``budget`` (at least ``floor`` and 1) [money]."""
    hi = max(2.0 * budget, floor, 1.0)
    return slider(label, float(budget), 0.0, hi, nice_step(hi), css_class=css_class)


class PortfolioExplorer(Explorer):
    """Budgets, risk cap, counts, appetite, objective, must-include/exclude → optimal portfolio.

    Attributes
    ----------
    workspace : Workspace
    budget_one_off, budget_annual : FloatSlider
        One-off [money] and annual [money/yr] budgets (the annual one includes existing
        alliances' costs, as in the organization profile).
    avg_risk : FloatSlider
        Cap on the average total risk R of new partners [0–1].
    max_count : IntSlider
        Maximum number of new alliances.
    risk_appetite : Dropdown of RiskAppetite
    objective : Dropdown
    must_include, must_exclude : SelectMultiple
    why_not : Dropdown
        A candidate to explain ("why not X?" / "why X?").
    apply_review : Checkbox
        Exit the existing alliances whose review decision is EXIT (their exit cost is charged
        to the one-off budget, their annual cost and coverage freed; docs/method.md §10.7).
        On by default; ``review`` defaults to ``review_alliances(workspace)``.
    show_frontier : Checkbox
        Compute the efficient frontier over the annual budget (re-solves; off by default).
    selected_html, why_html, table, message : HTML widgets
    totals_figure, frontier_figure : ChartView
        The portfolio against its limits (``charts.totals_bars``) and the efficient frontier
        (``charts.frontier_plot``), drawn by the browser with tooltips.
    result : PortfolioResult or None
        ``None`` while the settings are infeasible (``error`` holds the diagnosis).
    frontier : FrontierResult or None
        The efficient frontier last shown.
    """

    title = "Portfolio explorer"

    def __init__(
        self,
        workspace: Workspace,
        *,
        review: Any = None,
        debounce: float = DEBOUNCE,
        frontier_points: int = 12,
    ) -> None:
        super().__init__(workspace, debounce=debounce)
        self.review = review
        self.frontier_points = int(frontier_points)
        self._frontier = FrontierPanel()
        self._build_limits()
        self._build_choices()
        self._build_review()
        self.selected_html = widgets.HTML()
        self.selected_html.add_class("ak-selected")
        self.totals_figure = ChartView()
        self.frontier_figure = ChartView()
        self.why_html = widgets.HTML()
        self.table = widgets.HTML()
        self.result: Any = None
        self._observe_all(
            [
                self.budget_one_off,
                self.budget_annual,
                self.avg_risk,
                self.max_count,
                self.objective,
                self.must_include,
                self.must_exclude,
                self.apply_review,
                self.show_frontier,
            ]
        )
        self.children = self._layout()
        self.update()

    # controls --------------------------------------------------------------------------------
    def _build_limits(self) -> None:
        """Budget, risk-cap and count sliders, starting at the organization's limits."""
        org = self.workspace.organization
        cands = self.workspace.candidates_frame()
        self.budget_one_off = budget_slider(
            "One-off budget",
            org.budget_one_off,
            float(cands["cost_one_off"].sum()),
            css_class="ak-budget-one-off",
        )
        self.budget_annual = budget_slider(
            "Annual budget", org.budget_annual, css_class="ak-budget-annual"
        )
        self.avg_risk = slider(
            "Average risk cap",
            float(org.caps().avg_total),
            0.0,
            1.0,
            0.01,
            css_class="ak-avg-risk",
        )
        n = len(self.workspace.candidates)
        self.max_count = slider(
            "Max new alliances",
            int(min(org.max_alliances, n)),
            0,
            max(n, 1),
            css_class="ak-max-count",
            integer=True,
        )
        self.risk_appetite = enum_dropdown(RiskAppetite, org.risk_appetite, "Risk appetite")
        self.risk_appetite.observe(self._on_appetite, names="value")

    def _build_choices(self) -> None:
        """Objective, must-include/exclude pickers, the why-(not) picker, the frontier toggle."""
        self.objective = widgets.Dropdown(
            options=OBJECTIVES, value="expected_npv", description="Objective", style=STYLE
        )
        options = partner_options(self.workspace)
        self.must_include = partner_picker(options, "Must include")
        self.must_exclude = partner_picker(options, "Must exclude")
        self.why_not = widgets.Dropdown(
            options=[("(pick a partner)", None), *options],
            value=None,
            description="Why (not)?",
            style=STYLE,
            layout=widgets.Layout(width=WIDE),
        )
        self.why_not.observe(lambda _: self._explain(), names="value")
        # entry/exit thresholds re-solve the MILP once or twice per partner (~0.75 s on
        # sanchar-apps): only on request, so a slider change stays fast
        self.why_thresholds = widgets.Checkbox(
            value=False,
            description="with entry/exit thresholds (re-solves)",
            style={"description_width": "initial"},
        )
        self.why_thresholds.observe(lambda _: self._explain(), names="value")
        self.show_frontier = widgets.Checkbox(value=False, description="Efficient frontier")

    def _build_review(self) -> None:
        """The review toggle: existing alliances are kept unless the review says EXIT
        (docs/method.md §10.7)."""
        if self.review is None and self.workspace.alliances:
            from alliancekit.review import review_alliances

            self.review = review_alliances(self.workspace)
        decisions = dict(getattr(self.review, "decisions", {}) or {})
        exits = [a for a, d in decisions.items() if Decision.parse(d) is Decision.EXIT]
        self.apply_review = widgets.Checkbox(
            value=self.review is not None,
            disabled=self.review is None,
            description="Exit the alliances the review says EXIT"
            + (f" ({', '.join(exits)})" if exits else ""),
            style={"description_width": "initial"},
            layout=widgets.Layout(width=WIDE),
        )

    def _layout(self) -> list[widgets.Widget]:
        """Settings on the left, message and partner list on the right, charts below."""
        money = html.escape(self.workspace.organization.money_label)
        controls = widgets.VBox(
            [
                widgets.HTML(f"Money in {money} (annual budget per year)."),
                self.budget_one_off,
                self.budget_annual,
                self.avg_risk,
                self.max_count,
                self.risk_appetite,
                self.objective,
                self.must_include,
                self.must_exclude,
                self.apply_review,
            ],
            layout=fixed("500px"),
        )
        return [
            self._header(),
            widgets.HBox(
                [controls, widgets.VBox([self.message, self.selected_html], layout=flex())]
            ),
            self.totals_figure,
            widgets.HBox([self.why_not, self.why_thresholds]),
            self.why_html,
            self.show_frontier,
            self.frontier_figure,
            self.table,
        ]

    # settings --------------------------------------------------------------------------------
    @property
    def frontier(self) -> Any:
        """The efficient frontier last shown (FrontierResult), or None."""
        return self._frontier.result

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for :func:`alliancekit.plan_portfolio` from the controls."""
        return {
            "objective": self.objective.value,
            "budget_one_off": float(self.budget_one_off.value),
            "budget_annual": float(self.budget_annual.value),
            "risk_appetite": RiskAppetite.parse(self.risk_appetite.value),
            "caps": {"avg_total": float(self.avg_risk.value)},
            "max_count": int(self.max_count.value),
            "must_include": tuple(self.must_include.value),
            "must_exclude": tuple(self.must_exclude.value),
        }

    def _settings_line(self) -> str:
        """The settings the shown portfolio was computed for (small print under the list)."""
        money = html.escape(self.workspace.organization.money_label)
        appetite = RiskAppetite.parse(self.risk_appetite.value).label
        return (
            f'<div class="ak-settings" style="font-size:90%;color:#555">for one-off budget '
            f"{self.budget_one_off.value:,.2f} {money}, annual budget "
            f"{self.budget_annual.value:,.2f} {money}/yr, average risk ≤ "
            f"{self.avg_risk.value:.2f}, at most {self.max_count.value} new alliances, "
            f"{html.escape(appetite)} risk appetite</div>"
        )

    def _on_appetite(self, change: dict) -> None:
        appetite = RiskAppetite.parse(change["new"])
        org = replace(self.workspace.organization, risk_appetite=appetite)
        # the average-risk cap follows the appetite's default; the update runs once
        self.avg_risk.value = float(org.caps().avg_total)
        self._schedule()

    # compute ---------------------------------------------------------------------------------
    def _compute(self) -> None:
        from alliancekit.portfolio import plan_portfolio

        try:
            review = self.review if self.apply_review.value else None
            pp = plan_portfolio(self.workspace, review=review, **self.settings())
        except InfeasiblePortfolioError as exc:
            self._show_infeasible(exc)
            return
        self.result = pp
        names = {c.id: c.name for c in self.workspace.candidates}
        items = "".join(
            f'<li data-id="{html.escape(i)}">{html.escape(i)} — '
            f"{html.escape(names.get(i, ''))}</li>"
            for i in pp.selected
        )
        self.selected_html.value = (
            f"<b>Selected partners ({len(pp.selected)}):</b><ul>{items or '<li>none</li>'}</ul>"
            + self._settings_line()
        )
        self.message.info(pp.summary())
        self.table.value = table_html(pp.totals)
        self._explain()

    def _show_infeasible(self, exc: InfeasiblePortfolioError) -> None:
        """No portfolio: the diagnosis in the message area, empty views."""
        self.result = None
        self._fail(exc)
        self.selected_html.value = (
            "<b>Selected partners:</b> <i>none: these settings are infeasible</i>"
            + self._settings_line()
        )
        self.totals_figure.clear()
        self.frontier_figure.clear()
        self.table.value = ""
        self._explain()

    def _render(self) -> None:
        from alliancekit import charts

        pp = self.result
        if pp is None:
            return
        money = self.workspace.organization.money_label
        self.totals_figure.show(charts.totals_bars(pp, money_label=money))
        if not self.show_frontier.value:
            self.frontier_figure.clear()
            return
        self.frontier_figure.show(
            self._frontier.chart(
                pp,
                self._frontier_settings(),
                float(self.budget_annual.value),
                points=self.frontier_points,
                money=money,
                names={c.id: c.name for c in self.workspace.candidates},
            )
        )

    def _frontier_settings(self) -> tuple:
        """Everything but the annual budget that the budget frontier depends on."""
        settings = {k: v for k, v in self.settings().items() if k != "budget_annual"}
        return (repr(sorted(settings.items())), bool(self.apply_review.value), self.frontier_points)

    def _explain(self) -> None:
        """Why the picked partner is (not) in the portfolio, with its explanation row."""
        pid = self.why_not.value
        if pid is None:
            self.why_html.value = ""
            return
        if self.result is None:
            self.why_html.value = error_html(
                f"{pid}: no portfolio exists under these settings; relax a limit first."
            )
            return
        try:
            from alliancekit.portfolio import explain_selection

            frame = explain_selection(self.result, thresholds=bool(self.why_thresholds.value))
            row = frame.loc[[pid]] if pid in frame.index else frame[frame.iloc[:, 0] == pid]
            verdict = "selected" if pid in self.result.selected else "not selected"
            reason = str(row["reason"].iloc[0]) if "reason" in row.columns and len(row) else ""
            self.why_html.value = (
                f"<b>{html.escape(pid)}: {verdict}</b> — {html.escape(reason)}" + table_html(row.T)
            )
        except Exception as exc:  # a picker callback: show, do not raise
            self.why_html.value = error_html(exc)

    def _views(self) -> Sequence[widgets.Widget]:
        return [
            self.message,
            self.selected_html,
            self.totals_figure,
            self.frontier_figure,
            self.why_html,
            self.table,
        ]


def portfolio_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> PortfolioExplorer | Snapshot:
    """A :class:`PortfolioExplorer`, or its static :class:`Snapshot` (with the efficient
    frontier) when not interactive; ``kwargs`` go to the explorer."""
    ex = PortfolioExplorer(workspace, **kwargs)
    if interactive:
        return ex
    ex.show_frontier.value = True
    ex.update()
    return ex.snapshot()
