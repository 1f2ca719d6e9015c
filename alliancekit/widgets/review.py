"""The review explorer: pick an alliance → KPI plan vs actual, health radar, decision; the
thresholds and the review quarter re-run the decision rules (and, through the session state,
decide which alliances the portfolio plan exits)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from alliancekit.model import AllianceStatus, Decision, Workspace, glossary
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import fixed, flex, slider
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.markup import help_html, table_html
from alliancekit.widgets.state import SessionState, Settings

__all__ = ["REVIEW_THRESHOLDS", "TABLE_COLUMNS", "ReviewExplorer", "review_explorer"]

#: ReviewPolicy thresholds exposed as sliders: field -> (label, min, max, step); the labels
#: are the glossary's (docs/method.md §5.3).
REVIEW_THRESHOLDS: Mapping[str, tuple[str, float, float, float]] = {
    name: (glossary.label("threshold", name, with_unit=True), lo, hi, step)
    for name, lo, hi, step in (
        ("h_exit", 0.0, 100.0, 1.0),
        ("h_restr", 0.0, 100.0, 1.0),
        ("h_grow", 0.0, 100.0, 1.0),
        ("a_exit", 0.0, 1.5, 0.01),
        ("a_restr", 0.0, 1.5, 0.01),
        ("a_grow", 0.0, 1.5, 0.01),
        ("d_min", 0.0, 100.0, 1.0),
        ("fit_exit", 0.0, 100.0, 1.0),
    )
}
#: Columns of the review table shown under the charts (those the result has).
TABLE_COLUMNS = ("A_W", "trend", "H", "D1", "D2", "D3", "D4", "D5", "D6", "decision")


def review_periods(workspace: Workspace) -> list[tuple[str, str]]:
    """(label, value) of the review quarters offered: the latest first, then every quarter
    with KPI data, newest first."""
    kpis = workspace.kpis
    periods = sorted(set(map(str, kpis["period"]))) if "period" in kpis else []
    latest = f"Latest with KPI data ({periods[-1]})" if periods else "Latest with KPI data"
    return [(latest, "latest"), *((p, p) for p in reversed(periods))]


class ReviewExplorer(Explorer):
    """Pick an alliance → KPI plan vs actual, health radar, decision; thresholds re-run rules.

    Attributes
    ----------
    workspace : Workspace
    alliance : Dropdown
        The existing alliance shown in the charts (closed alliances are not offered).
    period : Dropdown
        The review quarter (the latest with KPI data by default).
    threshold_sliders : dict ReviewPolicy field -> FloatSlider
        ``h_exit``, ``h_restr``, ``h_grow`` [0–100], ``a_exit``, ``a_restr``, ``a_grow``
        [share of plan], ``d_min``, ``fit_exit`` [0–100], labelled in words.
    decision_html, headroom_html, table, message : HTML widgets
    kpi_figure, radar_figure : ChartView
    result : ReviewResult or None
    """

    title = "Review alliances"
    listens = frozenset({"thresholds", "period", "budget_annual"})

    def __init__(
        self,
        workspace: Workspace,
        *,
        period: str | None = None,
        debounce: float = DEBOUNCE,
        state: SessionState | None = None,
    ) -> None:
        super().__init__(workspace, debounce=debounce, state=state)
        if period is not None:
            self.state.update(period=period)
        st = self.state.settings
        self.alliance = self._alliance_picker()
        self.alliance.observe(lambda _: self._show_alliance(), names="value")
        options = review_periods(workspace)
        if st.period not in {v for _, v in options}:
            options.append((st.period, st.period))
        self.period = widgets.Dropdown(
            options=options, value=st.period, description="Review quarter",
            style={"description_width": "110px"}, layout=widgets.Layout(width="420px"),
        )  # fmt: skip
        self.period.add_class("ak-period")
        self._bind(self.period, "period", str)
        thresholds = dict(st.thresholds)
        self.threshold_sliders: dict[str, widgets.FloatSlider] = {}
        for name, (label, lo, hi, step) in REVIEW_THRESHOLDS.items():
            s = slider(
                label, float(thresholds[name]), lo, hi, step,
                css_class=f"ak-{name.replace('_', '-')}", label_width="350px", width="560px",
            )  # fmt: skip
            s.tooltip = glossary.help_text("threshold", name)
            s.observe(lambda ch, n=name: self._set(thresholds={n: float(ch["new"])}), names="value")
            self.threshold_sliders[name] = s
        self.reset_button = widgets.Button(
            description="Default thresholds", tooltip="Put every threshold back to its default"
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.decision_html = widgets.HTML()
        self.decision_html.add_class("ak-decision")
        self.headroom_html = widgets.HTML()
        self.headroom_html.add_class("ak-headroom")
        self.kpi_figure = ChartView()
        self.radar_figure = ChartView(layout=widgets.Layout(max_width="100%", overflow="visible"))
        self.table = widgets.HTML()
        self.result: Any = None
        # KPI charts and D1–D6 do not depend on the thresholds: build them once per alliance
        self._charts: dict[tuple[str, str], tuple[dict, dict]] = {}
        rules = help_html("rule", "E1")
        self.children = [
            self._header(),
            self.busy,
            widgets.HBox(
                [
                    widgets.VBox(
                        [
                            self.period,
                            widgets.HTML(f"<b>Decision thresholds</b> {rules}"),
                            *self.threshold_sliders.values(),
                            self.reset_button,
                        ],
                        layout=fixed("570px"),
                    ),
                    widgets.VBox(
                        [self.alliance, self.decision_html, self.message, self.headroom_html],
                        layout=flex(),
                    ),
                ],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            # side by side where they fit, the radar below the KPIs where they do not
            widgets.HBox(
                [self.kpi_figure, self.radar_figure], layout=widgets.Layout(flex_flow="row wrap")
            ),
            self.table,
        ]
        self.update()

    def _alliance_picker(self) -> widgets.Dropdown:
        """The alliances a review covers (closed ones are left out by ``review_alliances``)."""
        shown = [a for a in self.workspace.alliances if a.status != AllianceStatus.CLOSED]
        options = [(f"{a.partner_name} ({a.alliance_id})", a.alliance_id) for a in shown]
        return widgets.Dropdown(
            options=options or [("(no existing alliances)", None)],
            value=options[0][1] if options else None,
            description="Alliance",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="420px"),
        )

    def policy(self) -> Any:
        """A ReviewPolicy with the session's thresholds (other fields at their defaults)."""
        return self.state.settings.policy()

    def reset(self) -> None:
        """Put every threshold back to the docs/method.md §5.3 default."""
        from alliancekit.review import ReviewPolicy

        defaults = ReviewPolicy()
        self._set(thresholds={n: float(getattr(defaults, n)) for n in self.threshold_sliders})

    def _sync(self, settings: Settings, changed: frozenset[str]) -> None:
        if "thresholds" in changed:
            for name, value in settings.thresholds:
                if name in self.threshold_sliders:
                    self._show_value(self.threshold_sliders[name], float(value))
        if "period" in changed:
            self._show_value(self.period, settings.period)

    def _compute(self) -> None:
        if not self.workspace.alliances:
            self.result = None
            self.message.info("This workspace has no existing alliances to review.")
            return
        self.result = self.state.review()
        cols = [c for c in TABLE_COLUMNS if c in self.result.table.columns]
        self.table.value = "<b>Every alliance reviewed</b>" + table_html(
            self.display_table(self.result.table[cols])
        )
        self.message.info(self._summary())
        head = self.state.headroom()
        self.headroom_html.value = (
            "<ul class='ak-small'>"
            + "".join(f"<li>{html.escape(head.sentence(k))}</li>" for k in head.to_frame().index)
            + "</ul>"
        )
        self._show_alliance()

    def _summary(self) -> str:
        """The review in words: quarter, counts by decision."""
        r = self.result
        counts = r.table["decision"].map(lambda d: Decision.parse(d).label).value_counts()
        parts = ", ".join(f"{k} {v}" for k, v in counts.items())
        return f"Review of {r.period}: {len(r.table)} alliance(s); {parts}."

    @staticmethod
    def display_table(frame: pd.DataFrame) -> pd.DataFrame:
        """The review table with its columns named in words and their scales."""
        out = frame.copy()
        if "decision" in out:
            out["decision"] = [Decision.parse(d).label for d in out["decision"]]
        out.columns = [glossary.label("column", c, with_unit=True) for c in out.columns]
        out.index.name = "Alliance"
        return out

    def _show_alliance(self) -> None:
        """Decision, rules and rationale of the picked alliance, and its two charts."""
        aid = self.alliance.value
        if self.result is None or aid is None:
            return
        if aid not in self.result.table.index:  # e.g. starts after the review period
            self.decision_html.value = (
                f"<div><b>{html.escape(aid)}</b>: not reviewed in {html.escape(self.result.period)}"
                " (it starts later)</div>"
            )
            self.kpi_figure.clear()
            self.radar_figure.clear()
            return
        try:
            self.decision_html.value = self._decision_html(aid)
            kpi, radar = self.alliance_charts(aid)
            self.kpi_figure.show(kpi)
            self.radar_figure.show(radar)
        except Exception as exc:  # a picker callback: show, do not raise
            self._fail(exc)

    def _decision_html(self, aid: str) -> str:
        """``AL-B1: Maintain (health 71.0, attainment 0.98)``, the rules fired and why."""
        from alliancekit.charts import DECISION_COLOURS

        row = self.result.table.loc[aid]
        rules = [str(r) for r in row.get("rules_fired", ())]
        rules_text = (
            "; ".join(f"{glossary.label('rule', r)} ({r})" for r in rules) if rules else "none"
        )
        decision = Decision.parse(row["decision"], what="decision")
        colour = DECISION_COLOURS.get(decision.value, "#000000")
        return (
            f'<div><b>{html.escape(aid)}</b>: <span style="color:{colour};font-size:130%">'
            f"<b>{html.escape(decision.label)}</b></span> (health H {float(row['H']):.1f} "
            f"[0–100], attainment {float(row['A_W']):.2f} [share of plan])<br>Rules that "
            f"fired: {html.escape(rules_text)} {help_html('rule', rules[0]) if rules else ''}"
            f"<br><i>{html.escape(glossary.in_words(str(row.get('rationale', ''))))}</i></div>"
        )

    def alliance_charts(self, aid: str) -> tuple[dict, dict]:
        """Vega-Lite specs of the KPI chart and health radar of ``aid``, as the report's.

        The report draws the same charts with the same calls (``reporting`` ``kpi_view`` and
        ``health_view``), so an alliance looks the same in the app and in its report. Neither
        depends on the thresholds: each is built once per alliance and quarter.
        """
        from alliancekit import charts

        key = (aid, str(self.result.period))
        if key not in self._charts:
            self._charts[key] = tuple(
                charts.mimebundle(chart)[charts.VEGALITE_MIMETYPE]
                for chart in (
                    charts.kpi_chart(self.result, aid, workspace=self.workspace),
                    charts.health_radar(self.result, [aid]),
                )
            )
        return self._charts[key]

    def _views(self) -> Sequence[widgets.Widget]:
        return [
            self.message,
            self.headroom_html,
            self.table,
            self.decision_html,
            self.kpi_figure,
            self.radar_figure,
        ]


def review_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> ReviewExplorer | Snapshot:
    """A :class:`ReviewExplorer`, or its static :class:`Snapshot` when not interactive."""
    ex = ReviewExplorer(workspace, **kwargs)
    return ex if interactive else ex.snapshot()
