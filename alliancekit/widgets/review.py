"""The review explorer: pick an alliance → KPI plan vs actual, health radar, decision; thresholds
re-run the decision rules."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from alliancekit.model import AllianceStatus, Decision, Workspace
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import fixed, flex, slider
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.markup import table_html

__all__ = ["REVIEW_THRESHOLDS", "TABLE_COLUMNS", "ReviewExplorer", "review_explorer"]

#: ReviewPolicy thresholds exposed as sliders: field -> (label, min, max, step).
REVIEW_THRESHOLDS: Mapping[str, tuple[str, float, float, float]] = {
    "h_exit": ("EXIT if health H <", 0.0, 100.0, 1.0),
    "h_restr": ("RESTRUCTURE if H <", 0.0, 100.0, 1.0),
    "h_grow": ("GROW needs H ≥", 0.0, 100.0, 1.0),
    "a_exit": ("EXIT if A_W <", 0.0, 1.5, 0.01),
    "a_restr": ("RESTRUCTURE if A_W <", 0.0, 1.5, 0.01),
    "a_grow": ("GROW needs A_W ≥", 0.0, 1.5, 0.01),
    "d_min": ("RESTRUCTURE if min(D3, D4) <", 0.0, 100.0, 1.0),
    "fit_exit": ("EXIT if D1 ≤", 0.0, 100.0, 1.0),
}
#: Columns of the review table shown under the charts (those the result has).
TABLE_COLUMNS = ("A_W", "trend", "H", "D1", "D2", "D3", "D4", "D5", "D6", "decision")


class ReviewExplorer(Explorer):
    """Pick an alliance → KPI plan vs actual, health radar, decision; thresholds re-run rules.

    Attributes
    ----------
    workspace : Workspace
    alliance : Dropdown
        The existing alliance shown in the charts (closed alliances are not offered).
    threshold_sliders : dict ReviewPolicy field -> FloatSlider
        ``h_exit``, ``h_restr``, ``h_grow`` [0–100], ``a_exit``, ``a_restr``, ``a_grow``
        [share of plan], ``d_min``, ``fit_exit`` [0–100].
    decision_html, table, message : HTML widgets
    kpi_figure, radar_figure : ChartView
        The picked alliance's KPIs, plan vs actual (``charts.kpi_chart``), and its health
        dimensions D1–D6 (``charts.health_radar``), drawn by the browser with tooltips.
    result : ReviewResult or None
    """

    title = "Review explorer"

    def __init__(
        self, workspace: Workspace, *, period: str = "latest", debounce: float = DEBOUNCE
    ) -> None:
        from alliancekit.review import ReviewPolicy

        super().__init__(workspace, debounce=debounce)
        self.period = period
        self.alliance = self._alliance_picker()
        self.alliance.observe(lambda _: self._show_alliance(), names="value")
        defaults = ReviewPolicy()
        self.threshold_sliders: dict[str, widgets.FloatSlider] = {
            name: slider(
                label,
                float(getattr(defaults, name)),
                lo,
                hi,
                step,
                css_class=f"ak-{name.replace('_', '-')}",
                label_width="210px",
            )
            for name, (label, lo, hi, step) in REVIEW_THRESHOLDS.items()
        }
        self.reset_button = widgets.Button(description="Default thresholds", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.decision_html = widgets.HTML()
        self.decision_html.add_class("ak-decision")
        self.kpi_figure = ChartView()
        self.radar_figure = ChartView()
        self.table = widgets.HTML()
        self.result: Any = None
        # KPI charts and D1–D6 do not depend on the thresholds: build them once per alliance
        self._charts: dict[str, tuple[dict, dict]] = {}
        self._observe_all(list(self.threshold_sliders.values()))
        self.children = [
            self._header(),
            widgets.HBox(
                [
                    widgets.VBox(
                        [*self.threshold_sliders.values(), self.reset_button],
                        layout=fixed("500px"),
                    ),
                    widgets.VBox([self.alliance, self.decision_html, self.message], layout=flex()),
                ]
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
        options = [(f"{a.alliance_id} {a.partner_name}", a.alliance_id) for a in shown]
        return widgets.Dropdown(
            options=options or [("(no existing alliances)", None)],
            value=options[0][1] if options else None,
            description="Alliance",
            layout=widgets.Layout(width="420px"),
        )

    def policy(self) -> Any:
        """A ReviewPolicy with the slider thresholds (other fields at their defaults)."""
        from alliancekit.review import ReviewPolicy

        return ReviewPolicy(**{k: float(s.value) for k, s in self.threshold_sliders.items()})

    def reset(self) -> None:
        """Put every threshold back to the docs/method.md §5.3 default."""
        from alliancekit.review import ReviewPolicy

        defaults = ReviewPolicy()
        for name, s in self.threshold_sliders.items():
            s.value = float(getattr(defaults, name))

    def _compute(self) -> None:
        from alliancekit.review import review_alliances

        if not self.workspace.alliances:
            self.result = None
            self.message.info("This workspace has no existing alliances to review.")
            return
        self.result = review_alliances(self.workspace, period=self.period, policy=self.policy())
        cols = [c for c in TABLE_COLUMNS if c in self.result.table.columns]
        self.table.value = table_html(self.result.table[cols])
        self.message.info(self.result.summary())
        self._show_alliance()

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
        """``AL-B1: MAINTAIN (H 71.0, A_W 0.98)``, the rules fired and the rationale."""
        from alliancekit.charts import DECISION_COLOURS

        row = self.result.table.loc[aid]
        rules = row.get("rules_fired", ())
        rules_text = ", ".join(map(str, rules)) if len(rules) else "none"
        decision = Decision.parse(row["decision"], what="decision")
        colour = DECISION_COLOURS.get(decision.value, "#000000")
        return (
            f'<div><b>{html.escape(aid)}</b>: <span style="color:{colour};font-size:130%">'
            f"<b>{html.escape(decision.label)}</b></span> (H {float(row['H']):.1f}, "
            f"A_W {float(row['A_W']):.2f})<br>Rules fired: {html.escape(rules_text)}"
            f"<br><i>{html.escape(str(row.get('rationale', '')))}</i></div>"
        )

    def alliance_charts(self, aid: str) -> tuple[dict, dict]:
        """Vega-Lite specs of the KPI chart and health radar of ``aid``, as the report's.

        The report draws the same charts with the same calls (``reporting`` ``kpi_view`` and
        ``health_view``), so an alliance looks the same in the app and in its report. Neither
        depends on the thresholds: each is built once per alliance, and a threshold change
        sends neither again.
        """
        from alliancekit import charts

        if aid not in self._charts:
            self._charts[aid] = tuple(
                charts.mimebundle(chart)[charts.VEGALITE_MIMETYPE]
                for chart in (
                    charts.kpi_chart(self.result, aid, workspace=self.workspace),
                    charts.health_radar(self.result, [aid]),
                )
            )
        return self._charts[aid]

    def _views(self) -> Sequence[widgets.Widget]:
        return [self.message, self.table, self.decision_html, self.kpi_figure, self.radar_figure]


def review_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> ReviewExplorer | Snapshot:
    """A :class:`ReviewExplorer`, or its static :class:`Snapshot` when not interactive."""
    ex = ReviewExplorer(workspace, **kwargs)
    return ex if interactive else ex.snapshot()
