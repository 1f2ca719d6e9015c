"""The scoring explorer: weights, preset, AHP and method → ranked partners; SMAA on demand."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from alliancekit.model import Direction, Workspace
from alliancekit.widgets.ahp import AHPGrid
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import WeightSliders, fixed, flex
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.markup import table_html

__all__ = ["METHODS", "SMAA_SPACES", "ScoringExplorer", "scoring_explorer"]

#: Scoring methods offered in the method dropdown: (label, value).
METHODS: tuple[tuple[str, str], ...] = (
    ("Weighted sum (WSM)", "weighted_sum"),
    ("TOPSIS", "topsis"),
    ("PROMETHEE II", "promethee_ii"),
)
#: Weight spaces SMAA draws from: (label, value); ``pm20`` is the current weights ±20 %
#: (docs/method.md §2: how the ranking moves under ±20 % weight changes).
SMAA_SPACES: tuple[tuple[str, str], ...] = (
    ("any weights", "any"),
    ("current weights ±20 %", "pm20"),
)


class ScoringExplorer(Explorer):
    """Weights, preset, AHP, method → ranked partners, contributions, SMAA on demand.

    Attributes
    ----------
    workspace : Workspace
    weight_sliders : dict criterion -> FloatSlider
        One per criterion [0–1]; moving one rescales the others so they sum to 1.
    preset : Dropdown
        Weight presets (``WEIGHT_PRESETS``); choosing one resets the sliders.
    method : Dropdown
        ``weighted_sum`` | ``topsis`` | ``promethee_ii``.
    ahp : AHPGrid
    smaa_space : ToggleButtons
        SMAA weight space: the whole simplex (``any``) or the current weights ±20 % (``pm20``,
        docs/method.md §2: how the ranking moves under ±20 % weight changes).
    smaa_button : Button
        Runs SMAA (``smaa_samples`` weight draws) and shows the acceptability heatmap.
    table, message : HTML widgets
    figure, smaa_figure : ChartView
        What drives the scores (``charts.contribution_bars``) and the SMAA rank acceptability
        (``charts.acceptability_heatmap``), drawn by the browser with tooltips.
    result : ScoreResult or None
    smaa_result : SMAAResult or None
    """

    title = "Scoring explorer"

    def __init__(
        self,
        workspace: Workspace,
        *,
        method: str = "weighted_sum",
        preset: str = "default",
        debounce: float = DEBOUNCE,
        smaa_samples: int = 2000,
    ) -> None:
        from alliancekit.criteria import CRITERIA, WEIGHT_PRESETS, preset_weights

        super().__init__(workspace, debounce=debounce)
        self.criteria = list(CRITERIA)
        self.smaa_samples = int(smaa_samples)
        tooltips = {c: CRITERIA[c].name for c in self.criteria}
        base = preset_weights(preset).reindex(self.criteria, fill_value=0.0).rename(None)
        self._weight_box = WeightSliders(base, tooltips, on_change=self._schedule)
        self.weight_sliders = self._weight_box.sliders
        self.preset = widgets.Dropdown(
            options=list(WEIGHT_PRESETS),
            value=preset,
            description="Preset",
            layout=widgets.Layout(width="340px"),
        )
        self.preset.observe(self._on_preset, names="value")
        self.method = widgets.Dropdown(
            options=METHODS,
            value=method,
            description="Method",
            layout=widgets.Layout(width="340px"),
        )
        self.method.observe(self._schedule, names="value")
        self.ahp = AHPGrid(self.criteria)
        self.ahp.apply_button.on_click(lambda _: self.set_weights(self.ahp.result.weights))
        self.smaa_space = widgets.ToggleButtons(
            options=SMAA_SPACES,
            value="any",
            description="SMAA over",
            style={"button_width": "170px"},
        )
        self.smaa_button = widgets.Button(description="Run SMAA", icon="random")
        self.smaa_button.on_click(lambda _: self.run_smaa())
        self.table = widgets.HTML()
        self.figure = ChartView()
        self.smaa_figure = ChartView()
        self.result: Any = None
        self.smaa_result: Any = None
        self.children = self._layout(tooltips)
        self.update()

    def _layout(self, names: Mapping[str, str]) -> list[widgets.Widget]:
        """Controls and criterion legend on the left, message and table on the right."""
        items = "".join(f"<li><b>{c}</b> {html.escape(n)}</li>" for c, n in names.items())
        legend = widgets.HTML(f'<ul style="font-size:11px;columns:2">{items}</ul>')
        controls = widgets.VBox(
            [self.preset, self.method, self._weight_box, legend], layout=fixed("360px")
        )
        accordion = widgets.Accordion(children=[self.ahp], titles=("AHP pairwise weights",))
        accordion.selected_index = None
        return [
            self._header(),
            widgets.HBox([controls, widgets.VBox([self.message, self.table], layout=flex())]),
            accordion,
            self.figure,
            widgets.HBox([self.smaa_space, self.smaa_button]),
            self.smaa_figure,
        ]

    # weights ---------------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """Current weights by criterion (sum 1)."""
        return self._weight_box.weights

    def set_weights(self, weights: Mapping[str, float] | pd.Series) -> None:
        """Set every weight at once (by criterion code; missing codes weigh 0) and update.

        Raises
        ------
        DataValidationError
            An unknown criterion code, a negative or non-numeric weight, or no positive weight
            (the weights check of ``criteria.resolve_weights``).
        """
        from alliancekit.criteria import resolve_weights

        checked, _ = resolve_weights(self.workspace, weights=weights)
        self._weight_box.set(checked.reindex(self.criteria).rename(None))

    def _on_preset(self, change: dict) -> None:
        from alliancekit.criteria import preset_weights

        self.set_weights(preset_weights(change["new"]))

    # compute ---------------------------------------------------------------------------------
    def _compute(self) -> None:
        from alliancekit.criteria import score_partners

        res = score_partners(self.workspace, weights=self.weights, method=self.method.value)
        self.result = res
        self.table.value = table_html(self.ranked_table())
        knocked_out = sum(1 for v in res.knockouts.values() if v)
        self.message.info(
            f"{len(res.scores)} candidates scored with {self.method.label}; "
            f"{knocked_out} knocked out (see the knockouts column)."
        )

    def _render(self) -> None:
        from alliancekit import charts

        if self.result is not None:
            self.figure.show(charts.contribution_bars(self.result, workspace=self.workspace))

    def ranked_table(self) -> pd.DataFrame:
        """Rank, name, score and knockout reasons by ``partner_id``, best first."""
        res = self.result
        names = {c.id: c.name for c in self.workspace.candidates}
        knock = dict(res.knockouts or {})
        frame = pd.DataFrame(
            {
                "rank": res.ranks.astype(int),
                "partner": [names.get(i, i) for i in res.scores.index],
                "score": res.scores.astype(float),
                "knockouts": ["; ".join(knock.get(i, ())) for i in res.scores.index],
            },
            index=pd.Index(res.scores.index, name="partner_id"),
        )
        return frame.sort_values(["rank", "score"], ascending=[True, False])

    def run_smaa(self) -> None:
        """SMAA rank acceptability of the criteria matrix under random weights (heatmap)."""
        from alliancekit import charts
        from alliancekit.criteria import criteria_matrix
        from alliancekit.sensitivity import smaa

        try:
            around = (
                {"weights": self.weights, "bounds_pct": 20.0}
                if self.smaa_space.value == "pm20"
                else {}
            )
            self.smaa_result = smaa(
                criteria_matrix(self.workspace),
                Direction.BENEFIT,
                method=self.method.value,
                n_samples=self.smaa_samples,
                seed=0,
                normalization="none",
                **around,
            )
            self.smaa_figure.show(
                charts.acceptability_heatmap(
                    self.smaa_result, scores=self.result, workspace=self.workspace
                )
            )
        except Exception as exc:  # a button callback: show, do not raise
            self._fail(exc)

    def _views(self) -> Sequence[widgets.Widget]:
        return [self.message, self.table, self.figure, self.smaa_figure]


def scoring_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> ScoringExplorer | Snapshot:
    """A :class:`ScoringExplorer`, or its static :class:`Snapshot` (SMAA run) if not interactive.

    ``kwargs`` go to :class:`ScoringExplorer` (``method``, ``preset``, ``debounce``,
    ``smaa_samples``).
    """
    ex = ScoringExplorer(workspace, **kwargs)
    if interactive:
        return ex
    ex.run_smaa()
    return ex.snapshot()
