"""The scoring explorer: weights, preset, AHP and method → ranked partners; SMAA on demand."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from alliancekit.model import Direction, Workspace, glossary
from alliancekit.model.glossary import knockout_words
from alliancekit.widgets.ahp import CR_LIMIT, AHPGrid
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import WeightSliders, fixed, flex
from alliancekit.widgets.explorer import DEBOUNCE, Explorer, Snapshot
from alliancekit.widgets.markup import help_html, table_html
from alliancekit.widgets.state import SessionState, Settings

__all__ = ["METHODS", "SMAA_SPACES", "ScoringExplorer", "scoring_explorer"]

#: Scoring methods offered in the method dropdown: (label, value).
METHODS: tuple[tuple[str, str], ...] = tuple(
    (glossary.label("method", m, with_unit=True), m)
    for m in ("weighted_sum", "topsis", "promethee_ii")
)
#: The preset box's entry for weights set by hand or by AHP.
OWN_WEIGHTS = ("Your own weights", "")
#: Weight spaces SMAA draws from: (label, value); ``pm20`` is the current weights ±20 %
#: (docs/method.md §2: how the ranking moves under ±20 % weight changes).
SMAA_SPACES: tuple[tuple[str, str], ...] = (
    ("any weights", "any"),
    ("current weights ±20 %", "pm20"),
)


class ScoringExplorer(Explorer):
    """Weights, preset, AHP, method → eligible partners ranked, knocked-out ones apart; SMAA.

    The weights live in the session state: the portfolio's score objective and its knockout
    K4 use them too.

    Attributes
    ----------
    workspace : Workspace
    weight_sliders : dict criterion -> FloatSlider
        One per criterion [0–1], labelled by name; moving one rescales the others (sum 1).
    preset : Dropdown
        Weight presets by name; "Your own weights" once they were changed by hand or by AHP.
    method : Dropdown
        ``weighted_sum`` | ``topsis`` | ``promethee_ii`` (shown by name and scale).
    ahp : AHPGrid
        Built when its accordion section is first opened or ``ahp`` is first read (it is
        about half the widgets of the first page, and most people never open it).
    ahp_confirm : HBox
        "CR is above 0.10: use these weights anyway?" with Use / Cancel (hidden otherwise).
    smaa_space : ToggleButtons
        SMAA weight space: the whole simplex (``any``) or the current weights ±20 % (``pm20``).
    smaa_button : Button
    table, knocked_out, help_panel, message : HTML widgets
        Eligible partners ranked; knocked-out partners with their reasons in words; the
        criteria with their definitions and scales.
    figure, smaa_figure : ChartView
    result : ScoreResult or None
    smaa_result : SMAAResult or None
    """

    title = "Score partners"
    listens = frozenset({"weights", "method"})

    def __init__(
        self,
        workspace: Workspace,
        *,
        method: str | None = None,
        preset: str | None = None,
        debounce: float = DEBOUNCE,
        smaa_samples: int = 2000,
        state: SessionState | None = None,
    ) -> None:
        from alliancekit.criteria import CRITERIA, WEIGHT_PRESETS, preset_weights

        super().__init__(workspace, debounce=debounce, state=state)
        self.criteria = list(CRITERIA)
        self.smaa_samples = int(smaa_samples)
        if preset is not None:
            self.state.update(
                weights=preset_weights(preset).reindex(self.criteria, fill_value=0.0),
                preset=preset,
                weights_source="preset",
            )
        if method is not None:
            self.state.update(method=method)
        settings = self.state.settings
        names = {c: glossary.label("criterion", c) for c in self.criteria}
        tooltips = {c: glossary.help_text("criterion", c) for c in self.criteria}
        self._weight_box = WeightSliders(
            self._weights_of(settings), tooltips, on_change=self._weights_moved, labels=names
        )
        self.weight_sliders = self._weight_box.sliders
        self.preset = widgets.Dropdown(
            options=[*((glossary.label("preset", p), p) for p in WEIGHT_PRESETS), OWN_WEIGHTS],
            value=settings.preset if settings.preset in WEIGHT_PRESETS else "",
            description="Weight preset",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="430px"),
        )
        self.preset.observe(self._on_preset, names="value")
        self.method = widgets.Dropdown(
            options=METHODS,
            value=settings.method,
            description="Method",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="430px"),
        )
        self._bind(self.method, "method", str)
        self._names = names
        self._ahp: AHPGrid | None = None
        self._ahp_slot = widgets.VBox([])
        self._ahp_use = widgets.Button(description="Use them anyway", button_style="warning")
        self._ahp_use.on_click(lambda _: self.apply_ahp(confirmed=True))
        self._ahp_cancel = widgets.Button(description="Cancel")
        self._ahp_cancel.on_click(lambda _: self._confirming(False))
        self._ahp_warning = widgets.HTML()
        self.ahp_confirm = widgets.HBox([self._ahp_warning, self._ahp_use, self._ahp_cancel])
        self.ahp_confirm.add_class("ak-ahp-confirm")
        self._confirming(False)
        self.smaa_space = widgets.ToggleButtons(
            options=SMAA_SPACES,
            value="any",
            description="SMAA over",
            style={"button_width": "170px"},
        )
        self.smaa_button = widgets.Button(description="Run SMAA (rank acceptability)")
        self.smaa_button.layout.width = "260px"
        self.smaa_button.on_click(lambda _: self.run_smaa())
        self.table = widgets.HTML()
        self.table.add_class("ak-ranking")
        self.knocked_out = widgets.HTML()
        self.knocked_out.add_class("ak-knocked-out")
        self.help_panel = widgets.HTML(self._criteria_help())
        self.figure = ChartView()
        self.smaa_figure = ChartView()
        self.result: Any = None
        self.smaa_result: Any = None
        self.children = self._layout()
        self.update()

    def _layout(self) -> list[widgets.Widget]:
        """Controls on the left, message and rankings on the right, AHP and SMAA below."""
        controls = widgets.VBox([self.preset, self.method, self._weight_box], layout=fixed("420px"))
        ahp_box = widgets.VBox([self._ahp_slot, self.ahp_confirm])
        accordion = widgets.Accordion(
            children=[ahp_box, self.help_panel],
            titles=("Set the weights by comparing criteria (AHP)", "What the criteria mean"),
        )
        accordion.selected_index = None
        accordion.observe(lambda ch: self.ahp if ch["new"] == 0 else None, names="selected_index")
        smaa_help = help_html("method", "smaa")
        return [
            self._header(),
            self.busy,
            widgets.HBox(
                [
                    controls,
                    widgets.VBox([self.message, self.table, self.knocked_out], layout=flex()),
                ],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            accordion,
            self.figure,
            widgets.HBox([self.smaa_space, self.smaa_button, widgets.HTML(smaa_help)]),
            self.smaa_figure,
        ]

    def _criteria_help(self) -> str:
        """Every criterion with its definition and scale, and the knockouts."""
        rows = "".join(
            f"<li><b>{html.escape(glossary.label('criterion', c))}</b> ({c}) "
            f"{html.escape(glossary.help_text('criterion', c))}</li>"
            for c in self.criteria
        )
        kos = "".join(
            f"<li><b>{html.escape(t.name)}</b> ({k}) {html.escape(t.help)}</li>"
            for k, t in glossary.KNOCKOUTS.items()
        )
        methods = "".join(
            f"<li><b>{html.escape(t.name)}</b> {html.escape(glossary.help_text('method', k))}</li>"
            for k, t in glossary.METHODS.items()
        )
        return (
            f"<div class='ak-small'><p>Every criterion is scored 0–1 (higher is better); the "
            f"weighted-sum score is 100 × Σ weight × value [0–100]. Details: "
            f"{glossary.DOCS}, section 2.</p><ul>{rows}</ul><b>Knockouts</b><ul>{kos}</ul>"
            f"<b>Methods</b><ul>{methods}</ul></div>"
        )

    @property
    def ahp(self) -> AHPGrid:
        """The AHP grid (built on first use: its section opened, or read from code)."""
        if self._ahp is None:
            self._ahp = AHPGrid(self.criteria, self._names)
            self._ahp.apply_button.on_click(lambda _: self.apply_ahp())
            self._ahp_slot.children = (self._ahp,)
        return self._ahp

    # weights ---------------------------------------------------------------------------------
    def _weights_of(self, settings: Settings) -> pd.Series:
        return settings.weight_series().reindex(self.criteria, fill_value=0.0).rename(None)

    @property
    def weights(self) -> pd.Series:
        """Current weights by criterion (sum 1)."""
        return self._weight_box.weights

    def set_weights(
        self, weights: Mapping[str, float] | pd.Series, *, source: str = "sliders", preset: str = ""
    ) -> None:
        """Set every weight at once (by criterion code; missing codes weigh 0) and update.

        Raises
        ------
        DataValidationError
            An unknown criterion code, a negative or non-numeric weight, or no positive weight
            (the weights check of ``criteria.resolve_weights``).
        """
        from alliancekit.criteria import resolve_weights

        checked, _ = resolve_weights(self.workspace, weights=weights)
        checked = checked.reindex(self.criteria, fill_value=0.0).rename(None)
        self._weight_box.show(checked)
        self._set(weights=checked, weights_source=source, preset=preset)

    def _weights_moved(self) -> None:
        """A person moved a weight slider: the weights are their own now."""
        self._set(weights=self._weight_box.weights, weights_source="sliders", preset="")

    def _on_preset(self, change: dict) -> None:
        from alliancekit.criteria import preset_weights

        if self._syncing or not change["new"]:
            return
        self.set_weights(preset_weights(change["new"]), source="preset", preset=change["new"])

    def apply_ahp(self, *, confirmed: bool = False) -> bool:
        """Use the AHP weights; with CR above 0.10 only once ``confirmed`` (the warning asks).

        Returns True when the weights were applied.
        """
        r = self.ahp.result
        if r.cr > CR_LIMIT + 1e-12 and not confirmed:
            self._ahp_warning.value = (
                f'<span class="ak-bad">CR is {r.cr:.2f}, above {CR_LIMIT:.2f}: these weights '
                "rest on contradictory judgements. Use them anyway?</span>"
            )
            self._confirming(True)
            return False
        self._confirming(False)
        self.set_weights(r.weights, source="ahp")
        return True

    def _confirming(self, on: bool) -> None:
        self.ahp_confirm.layout.display = "" if on else "none"
        if not on:
            self._ahp_warning.value = ""

    def _sync(self, settings: Settings, changed: frozenset[str]) -> None:
        if "weights" in changed:
            self._weight_box.show(self._weights_of(settings))
        if changed & {"preset", "weights_source", "weights"}:
            self._show_value(self.preset, settings.preset if settings.preset else "")
        if "method" in changed:
            self._show_value(self.method, settings.method)

    # compute ---------------------------------------------------------------------------------
    def _compute(self) -> None:
        from alliancekit.criteria import score_partners

        settings = self.state.settings
        res = score_partners(self.workspace, weights=self.weights, method=settings.method)
        self.result = res
        eligible, out = self.display_tables()
        self.table.value = f"<b>Eligible partners, best first</b>{table_html(eligible)}"
        self.knocked_out.value = (
            f"<b>Knocked out ({len(out)})</b> {help_html('knockout', 'K1')}{table_html(out)}"
            if len(out)
            else "<b>Knocked out:</b> none"
        )
        method = glossary.label("method", settings.method)
        self.message.info(
            f"{len(res.scores) - len(out)} of {len(res.scores)} candidates are eligible, ranked "
            f"by {method}; {len(out)} knocked out (listed apart with the reasons)."
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

    def display_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(eligible partners ranked 1, 2, …, knocked-out partners with reasons in words), as
        people read them: names first, the score column naming its scale."""
        frame = self.ranked_table()
        scale = glossary.term("method", self.result.method).unit
        out = frame["knockouts"] != ""
        eligible = frame[~out]
        shown = pd.DataFrame(
            {
                "Rank": range(1, len(eligible) + 1),
                "Partner": eligible["partner"],
                f"Score {scale}": eligible["score"],
            },
            index=pd.Index(eligible.index, name="Id"),
        )
        knocked = frame[out]
        reasons = pd.DataFrame(
            {
                "Partner": knocked["partner"],
                f"Score {scale}": knocked["score"],
                "Why it is out": [knockout_words(r) for r in knocked["knockouts"]],
            },
            index=pd.Index(knocked.index, name="Id"),
        )
        return shown, reasons

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
            with self.working("running SMAA"):
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
