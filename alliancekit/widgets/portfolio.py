"""The portfolio explorer: budgets, risk cap, counts, appetite, objective → optimal portfolio.

Every setting lives in the app's session state: the weights of "Score partners" drive the score
objective and knockout K4, the review's thresholds and period decide which alliances the plan
exits, and an infeasible setting comes with one button per fix that applies it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Decision, RiskAppetite, Workspace, glossary
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import (
    STYLE,
    WIDE,
    PartnerPicker,
    enum_dropdown,
    fixed,
    flex,
    partner_options,
    slider,
)
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.frontier import FrontierPanel
from alliancekit.widgets.guide import Fix, fixes, guide_html
from alliancekit.widgets.markup import error_html, help_html, table_html
from alliancekit.widgets.state import SessionState, Settings

__all__ = [
    "OBJECTIVES",
    "PortfolioExplorer",
    "budget_slider",
    "nice_step",
    "portfolio_explorer",
]

#: Portfolio objectives offered in the dropdown: (name, value) (docs/method.md §4 (a)–(e)).
OBJECTIVES: tuple[tuple[str, str], ...] = tuple(
    (glossary.label("objective", k), k)
    for k in ("expected_npv", "score", "blend", "mean_cvar", "coverage")
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
        Cap on the average total risk R of new partners [0–1]; once set by hand, a change of
        risk appetite keeps it.
    max_count : IntSlider
        Maximum number of new alliances.
    risk_appetite : Dropdown of RiskAppetite
    objective : Dropdown
    must_include, must_exclude : PartnerPicker
        Searchable by name or id, with a clear button; a partner cannot be in both.
    why_not : Dropdown
        A candidate to explain ("why not X?" / "why X?").
    apply_review : Checkbox
        Exit the existing alliances whose review decision is EXIT (with the review tab's
        thresholds and period; docs/method.md §10.7).
    show_frontier : Checkbox
        Compute the efficient frontier over the annual budget (re-solves; off by default).
    fix_buttons : HBox
        One button per suggested fix while the settings are infeasible.
    selected_html, partners_table, headroom_html, why_html, table, message : HTML widgets
    totals_figure, frontier_figure : ChartView
    result : PortfolioResult or None
        ``None`` while the settings are infeasible (``error`` holds the diagnosis).
    fixes : list of Fix
        The fixes offered for the current infeasibility.
    frontier : FrontierResult or None
    """

    title = "Select portfolio"
    listens = frozenset(
        {
            "weights",
            "objective",
            "budget_one_off",
            "budget_annual",
            "avg_risk",
            "max_count",
            "risk_appetite",
            "must_include",
            "must_exclude",
            "thresholds",
            "period",
            "apply_review",
            "coverage",
            "per_partner_caps",
        }
    )

    def __init__(
        self,
        workspace: Workspace,
        *,
        review: Any = None,
        debounce: float = DEBOUNCE,
        frontier_points: int = 12,
        state: SessionState | None = None,
    ) -> None:
        super().__init__(workspace, debounce=debounce, state=state)
        self._fixed_review = review
        self.frontier_points = int(frontier_points)
        self._frontier = FrontierPanel()
        self.fixes: list[Fix] = []
        self._build_limits()
        self._build_choices()
        self._build_review()
        self.selected_html = widgets.HTML()
        self.selected_html.add_class("ak-selected")
        self.partners_table = widgets.HTML()
        self.partners_table.add_class("ak-partners")
        self.headroom_html = widgets.HTML()
        self.headroom_html.add_class("ak-headroom")
        self.fix_buttons = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.fix_buttons.add_class("ak-fixes")
        self.totals_figure = ChartView()
        self.frontier_figure = ChartView()
        self.why_html = widgets.HTML()
        self.table = widgets.HTML()
        self.result: Any = None
        self.show_frontier.observe(self._schedule, names="value")
        self.children = self._layout()
        self.update()

    # controls --------------------------------------------------------------------------------
    def _build_limits(self) -> None:
        """Budget, risk-cap and count sliders, starting at the session's settings."""
        st = self.state.settings
        cands = self.workspace.candidates_frame()
        self.budget_one_off = budget_slider(
            "One-off budget",
            st.budget_one_off,
            float(cands["cost_one_off"].sum()),
            css_class="ak-budget-one-off",
        )
        self.budget_annual = budget_slider(
            "Annual budget", st.budget_annual, css_class="ak-budget-annual"
        )
        self.avg_risk = slider(
            "Average risk cap", float(st.avg_risk), 0.0, 1.0, 0.01, css_class="ak-avg-risk"
        )
        n = len(self.workspace.candidates)
        self.max_count = slider(
            "Max new alliances", int(st.max_count), 0, max(n, 1), css_class="ak-max-count",
            integer=True,
        )  # fmt: skip
        self.risk_appetite = enum_dropdown(RiskAppetite, st.risk_appetite, "Risk appetite")
        self._bind(self.budget_one_off, "budget_one_off")
        self._bind(self.budget_annual, "budget_annual")
        self.avg_risk.observe(
            lambda ch: self._set(avg_risk=float(ch["new"]), avg_risk_custom=True), names="value"
        )
        self._bind(self.max_count, "max_count", int)
        self.risk_appetite.observe(self._on_appetite, names="value")

    def _build_choices(self) -> None:
        """Objective, must-include/exclude pickers, the why-(not) picker, the frontier toggle."""
        st = self.state.settings
        self.objective = widgets.Dropdown(
            options=OBJECTIVES, value=st.objective, description="Objective", style=STYLE,
            layout=widgets.Layout(width=WIDE),
        )  # fmt: skip
        self._bind(self.objective, "objective", str)
        self.objective_help = widgets.HTML(self._objective_help())
        options = partner_options(self.workspace)
        self.must_include = PartnerPicker(
            options, "Must include", css_class="ak-must-include",
            check=lambda ids: self.state.check(must_include=ids),
        )  # fmt: skip
        self.must_exclude = PartnerPicker(
            options, "Must exclude", css_class="ak-must-exclude",
            check=lambda ids: self.state.check(must_exclude=ids),
        )  # fmt: skip
        self.must_include.value = st.must_include
        self.must_exclude.value = st.must_exclude
        self.must_include.observe(lambda ch: self._set(must_include=ch["new"]), names="value")
        self.must_exclude.observe(lambda ch: self._set(must_exclude=ch["new"]), names="value")
        self.why_not = widgets.Dropdown(
            options=[("(pick a partner)", None), *options],
            value=None,
            description="Why (not) chosen?",
            style=STYLE,
            layout=widgets.Layout(width=WIDE),
        )
        self.why_not.observe(lambda _: self._explain(), names="value")
        # entry/exit thresholds re-solve the MILP once or twice per partner (~0.75 s on
        # sanchar-apps): only on request, so a slider change stays fast
        self.why_thresholds = widgets.Checkbox(
            value=False,
            description="with what it would take to enter or leave (re-solves)",
            style={"description_width": "initial"},
        )
        self.why_thresholds.observe(lambda _: self._explain(), names="value")
        self.show_frontier = widgets.Checkbox(
            value=False, description="Efficient frontier over the annual budget (re-solves)",
            style={"description_width": "initial"}, layout=widgets.Layout(width=WIDE),
        )  # fmt: skip

    def _build_review(self) -> None:
        """The review toggle: existing alliances are kept unless the review says EXIT."""
        has_review = self._fixed_review is not None or bool(self.workspace.alliances)
        self.apply_review = widgets.Checkbox(
            value=bool(self.state.settings.apply_review and has_review),
            disabled=not has_review,
            description="Exit the alliances the review decides to exit",
            style={"description_width": "initial"},
            layout=widgets.Layout(width=WIDE),
        )
        self.apply_review.add_class("ak-apply-review")
        self._bind(self.apply_review, "apply_review", bool)
        self.exits_html = widgets.HTML()
        self.exits_html.add_class("ak-exits")

    @property
    def review(self) -> Any:
        """The review the plan applies: the one given, or the session's (thresholds, period)."""
        return self._fixed_review if self._fixed_review is not None else self.state.review()

    def _layout(self) -> list[widgets.Widget]:
        """Settings on the left, message and partner list on the right, charts below."""
        money = html.escape(self.workspace.organization.money_label)
        controls = widgets.VBox(
            [
                widgets.HTML(
                    f"<span class='ak-small'>Money in {money} (the annual budget per year; it "
                    "pays the alliances kept and the new ones).</span>"
                ),
                self.budget_one_off,
                self.budget_annual,
                self.avg_risk,
                self.max_count,
                self.risk_appetite,
                widgets.HBox([self.objective, self.objective_help]),
                self.must_include,
                self.must_exclude,
                self.apply_review,
                self.exits_html,
            ],
            layout=fixed("500px"),
        )
        results = widgets.VBox(
            [
                self.message,
                self.fix_buttons,
                self.selected_html,
                self.partners_table,
                self.headroom_html,
            ],
            layout=flex(),
        )
        return [
            self._header(),
            self.busy,
            widgets.HBox([controls, results], layout=widgets.Layout(flex_flow="row wrap")),
            self.totals_figure,
            widgets.HBox([self.why_not, self.why_thresholds]),
            self.why_html,
            self.show_frontier,
            self.frontier_figure,
            self.table,
        ]

    def _objective_help(self) -> str:
        return help_html("objective", self.state.settings.objective)

    # settings --------------------------------------------------------------------------------
    @property
    def frontier(self) -> Any:
        """The efficient frontier last shown (FrontierResult), or None."""
        return self._frontier.result

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for :func:`alliancekit.plan_portfolio` from the session state."""
        return self.state.settings.plan_kwargs()

    def _sync(self, settings: Settings, changed: frozenset[str]) -> None:
        pairs = {
            "budget_one_off": (self.budget_one_off, float(settings.budget_one_off)),
            "budget_annual": (self.budget_annual, float(settings.budget_annual)),
            "avg_risk": (self.avg_risk, float(settings.avg_risk)),
            "max_count": (self.max_count, int(settings.max_count)),
            "risk_appetite": (self.risk_appetite, settings.risk_appetite),
            "objective": (self.objective, settings.objective),
            "must_include": (self.must_include, tuple(settings.must_include)),
            "must_exclude": (self.must_exclude, tuple(settings.must_exclude)),
            "apply_review": (self.apply_review, bool(settings.apply_review)),
        }
        for name in changed & set(pairs):
            self._show_value(*pairs[name])
        if "objective" in changed:
            self.objective_help.value = self._objective_help()

    def _settings_line(self) -> str:
        """The settings the shown portfolio was computed for (small print under the list)."""
        st = self.state.settings
        money = html.escape(self.workspace.organization.money_label)
        appetite = RiskAppetite.parse(st.risk_appetite).label
        return (
            f'<div class="ak-settings ak-small">for one-off budget '
            f"{st.budget_one_off:,.2f} {money}, annual budget "
            f"{st.budget_annual:,.2f} {money}/yr, average risk ≤ "
            f"{st.avg_risk:.2f}, at most {st.max_count} new alliances, "
            f"{html.escape(appetite)} risk appetite</div>"
        )

    def _on_appetite(self, change: dict) -> None:
        """A new appetite moves the average-risk cap to its default, unless set by hand."""
        if self._syncing:
            return
        appetite = RiskAppetite.parse(change["new"])
        changes: dict[str, Any] = {"risk_appetite": appetite}
        if not self.state.settings.avg_risk_custom:
            org = replace(self.workspace.organization, risk_appetite=appetite)
            changes["avg_risk"] = float(org.caps().avg_total)
        self._set(**changes)

    # compute ---------------------------------------------------------------------------------
    def _compute(self) -> None:
        from alliancekit.portfolio import plan_portfolio

        st = self.state.settings
        review = self.review if st.apply_review else None
        self._show_exits()
        try:
            pp = plan_portfolio(
                self.state.planning_workspace(), review=review, **self.state.plan_kwargs()
            )
        except InfeasiblePortfolioError as exc:
            self._show_infeasible(exc)
            return
        self.result = pp
        self.fixes = []
        self.fix_buttons.children = ()
        names = self.state.partner_names()
        items = "".join(
            f'<li data-id="{html.escape(i)}">{html.escape(names.get(i, i))} '
            f'<span class="ak-small">({html.escape(i)})</span></li>'
            for i in pp.selected
        )
        self.selected_html.value = (
            f"<b>Selected partners ({len(pp.selected)}):</b><ul>{items or '<li>none</li>'}</ul>"
            + self._settings_line()
        )
        self.partners_table.value = table_html(self.partner_frame(pp)) if pp.selected else ""
        self.message.info(self.summary(pp))
        self.table.value = "<b>The portfolio against its limits</b>" + table_html(
            self.limits_frame(pp)
        )
        self._show_headroom(pp)
        self._explain()

    def summary(self, pp: Any) -> str:
        """The plan in words: objective, value, partners, alliances kept and exited."""
        st = self.state.settings
        term = glossary.term("objective", st.objective)
        money = self.workspace.organization.money_label
        unit = money if term.unit == "money" else ("points" if st.objective == "score" else "")
        kept = self._alliances(pp.kept)
        exited = self._alliances(pp.exited)
        binding = [c.label for c in pp.binding_constraints]
        text = (
            f"Best portfolio for “{term.name}”: {len(pp.selected)} new partner(s), objective "
            f"{pp.objective_value:,.2f} {unit}".rstrip()
            + f".\nExisting alliances kept: {kept}; exited: {exited}."
        )
        if binding:
            text += f"\nLimits reached: {'; '.join(binding)}."
        return text

    def _alliances(self, ids: Any) -> str:
        """Existing alliances by their partners' names, the id beside each ("none" if empty)."""
        names = {a.alliance_id: a.partner_name for a in self.workspace.alliances}
        return ", ".join(f"{names.get(i, i)} ({i})" for i in ids) or "none"

    def partner_frame(self, pp: Any) -> pd.DataFrame:
        """The selected partners: name, costs, value, E[NPV], total risk (units in the headers)."""
        money = self.workspace.organization.money_label
        rows = []
        for pid in pp.selected:
            c = self.workspace.candidate(pid)
            d = pp.details.loc[pid] if pid in pp.details.index else {}
            rows.append(
                {
                    "Id": pid,
                    "Partner": c.name,
                    f"One-off cost [{money}]": float(c.cost_one_off),
                    f"Annual cost [{money}/yr]": float(c.cost_annual),
                    f"Annual value [{money}/yr]": float(c.value_annual),
                    f"Expected NPV [{money}]": float(d.get("e_npv", math.nan)),
                    "Total risk [0–1]": float(d.get("R", math.nan)),
                }
            )
        return pd.DataFrame(rows).set_index("Id")

    @staticmethod
    def limits_frame(pp: Any) -> pd.DataFrame:
        """Each limit by its name: used, limit, room left, with its unit (no internal keys)."""
        units = {c.key: c.unit for c in pp.problem.constraints} if pp.problem else {}
        t = pp.totals
        frame = pd.DataFrame(
            {
                "Limit": t["label"],
                "Used": t["used"].astype(float),
                "Limit value": t["cap"].astype(float),
                "Room left": t["slack"].astype(float),
                "Unit": [units.get(k, "") for k in t.index],
            }
        )
        return frame.set_index("Limit")

    def _show_exits(self) -> None:
        """Which alliances the review (with the review tab's thresholds) decides to exit."""
        review = self.review
        if review is None:
            self.exits_html.value = ""
            return
        exits = [a for a, d in review.decisions.items() if Decision.parse(d) is Decision.EXIT]
        period = html.escape(str(getattr(review, "period", "")))
        who = ", ".join(exits) if exits else "none"
        self.exits_html.value = (
            f'<div class="ak-small">The review of {period} exits: <b>{html.escape(who)}</b> '
            "(thresholds and quarter as set in “Review alliances”).</div>"
        )

    def _show_headroom(self, pp: Any) -> None:
        """The annual budget headroom before the decisions, after them and after the re-plan."""
        head = self.state.headroom(pp)
        rows = "".join(f"<li>{html.escape(head.sentence(k))}</li>" for k in head.to_frame().index)
        self.headroom_html.value = f"<ul class='ak-small'>{rows}</ul>"

    def _show_infeasible(self, exc: InfeasiblePortfolioError) -> None:
        """No portfolio: one explanation in words and a button per fix; empty views."""
        self.result = None
        self.error = exc
        self.fixes = fixes(exc, self.state)
        self.message.value = guide_html(exc, self.state)
        buttons = []
        for fix in self.fixes:
            b = widgets.Button(description=fix.label, tooltip=fix.label)
            b.layout.width = "auto"
            b.add_class("ak-fix")
            b.on_click(lambda _, f=fix: self.apply_fix(f))
            buttons.append(b)
        self.fix_buttons.children = buttons
        self.selected_html.value = (
            "<b>Selected partners:</b> <i>none: no portfolio meets these settings</i>"
            + self._settings_line()
        )
        self.partners_table.value = ""
        self.totals_figure.clear()
        self.frontier_figure.clear()
        self.table.value = ""
        self.headroom_html.value = ""
        self._explain()

    def apply_fix(self, fix: Fix) -> None:
        """Apply a suggested fix to the session state (every tab sees it)."""
        self._set(**fix.changes)

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
                float(self.state.settings.budget_annual),
                points=self.frontier_points,
                money=money,
                names=self.state.partner_names(),
            )
        )

    def _frontier_settings(self) -> tuple:
        """Everything but the annual budget that the budget frontier depends on."""
        st = replace(self.state.settings, budget_annual=0.0)
        return (repr(st), self.state.generation, self.frontier_points)

    def _explain(self) -> None:
        """Why the picked partner is (not) in the portfolio, in words."""
        pid = self.why_not.value
        if pid is None:
            self.why_html.value = ""
            return
        name = self.state.partner_names().get(pid, pid)
        if self.result is None:
            self.why_html.value = error_html(
                f"{name} ({pid}): no portfolio meets these settings; apply a fix first."
            )
            return
        try:
            from alliancekit.portfolio import explain_selection

            frame = explain_selection(self.result, thresholds=bool(self.why_thresholds.value))
            row = frame.loc[pid]
            verdict = "selected" if pid in self.result.selected else "not selected"
            reason = glossary.in_words(str(row.get("reason", "")))
            self.why_html.value = (
                f"<b>{html.escape(name)} ({html.escape(pid)}): {verdict}</b> — "
                f"{html.escape(reason)}" + table_html(self._why_frame(row))
            )
        except Exception as exc:  # a picker callback: show, do not raise
            self.why_html.value = error_html(exc)

    def _why_frame(self, row: pd.Series) -> pd.DataFrame:
        """The explanation row's numbers in words (only those known)."""
        words = {
            "objective_coef": "Its worth in the objective",
            "exit_threshold": "It stays chosen while its worth is at least",
            "value_rise_to_enter": "Its worth must rise by this to be chosen",
            "cost_cut_to_enter": "Its costs must fall by this share [0–1] to be chosen",
        }
        values = {
            text: float(row[k])
            for k, text in words.items()
            if k in row.index and isinstance(row[k], int | float) and math.isfinite(row[k])
        }
        return pd.DataFrame({"Value": values}).rename_axis("")

    def _views(self) -> Sequence[widgets.Widget]:
        return [
            self.message,
            self.selected_html,
            self.partners_table,
            self.headroom_html,
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
