"""Interactive dashboards (ipywidgets) on the public API: scoring, portfolio, review, the app.

Every explorer is an ``ipywidgets.VBox`` subclass that exposes its controls and its current
result as attributes, so code and tests drive it exactly like a user would::

    ex = ScoringExplorer(ws)
    ex.weight_sliders["C1"].value = 0.4      # the other weights rescale to keep the sum at 1
    ex.result.ranks                          # the ScoreResult after the change

Results are shown in ``HTML`` widgets (tables, messages) and ``Image`` widgets (PNG figures from
:mod:`alliancekit.plots`), which update from any callback, including debounced ones. Slider
changes are debounced (``debounce`` seconds, default ``DEBOUNCE`` = 0.05 s) when a kernel event
loop is running; without one (plain Python, tests) they apply at once. Errors never escape a
callback: validation problems and infeasibility diagnoses are shown in the explorer's ``message``
widget.

``interactive=False`` in the ``*_explorer`` factory functions returns a static ``Snapshot``
(HTML tables and embedded PNG figures) built by the same code, for headless (papermill) runs.
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from alliancekit.errors import AllianceKitError, DataValidationError, InfeasiblePortfolioError
from alliancekit.model import AllianceStatus, Workspace

__all__ = [
    "DEBOUNCE",
    "METHODS",
    "SAATY_SCALE",
    "AHPGrid",
    "Dashboard",
    "PortfolioExplorer",
    "ReviewExplorer",
    "ScoringExplorer",
    "Snapshot",
    "dashboard",
    "figure_png",
    "portfolio_explorer",
    "review_explorer",
    "scoring_explorer",
]

#: Seconds a control must be still before the explorer recomputes (in a running kernel).
DEBOUNCE = 0.05
#: Scoring methods offered in the method dropdown: (label, value).
METHODS: tuple[tuple[str, str], ...] = (
    ("Weighted sum (WSM)", "weighted_sum"),
    ("TOPSIS", "topsis"),
    ("PROMETHEE II", "promethee_ii"),
)
#: Saaty's 1–9 scale with reciprocals: (label, value) for the AHP pairwise dropdowns.
SAATY_SCALE: tuple[tuple[str, float], ...] = tuple(
    [(f"1/{k}", 1.0 / k) for k in range(9, 1, -1)] + [(str(k), float(k)) for k in range(1, 10)]
)
_CSS = """
<style>
.ak-table table {border-collapse: collapse; font-size: 12px;}
.ak-table th, .ak-table td {border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: right;}
.ak-table th {background: #f3f3f3;}
.ak-msg-error {color: #b00020; white-space: pre-wrap;}
.ak-msg-info {color: #333; white-space: pre-wrap;}
</style>
"""


# -- helpers ----------------------------------------------------------------------------------
def figure_png(fig: Any, dpi: int = 96) -> bytes:
    """Render a matplotlib Figure to PNG bytes (the figure is not kept in pyplot state)."""
    buf = io.BytesIO()
    # zlib level 1: a third of the default level's encoding time, for somewhat larger PNGs
    # that only travel over the kernel's local websocket
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _layout_key(fig: Any) -> tuple:
    """What decides a figure's constrained layout: size, titles, labels, tick labels, legends.

    Two figures with the same key get the same axes positions from constrained layout. The
    x tick labels and legend entries enter by count and length (their width only moves the
    right edge by half a label; the legends sit inside the axes), so a slider that only rescales
    the x axis or moves a marker still reuses the layout.
    """
    parts: list[Any] = [tuple(fig.get_size_inches().round(3))]
    for ax in fig.axes:
        xt = [t.get_text() for t in ax.get_xticklabels()]
        legend = ax.get_legend()
        parts.append(
            (
                ax.get_title(),
                ax.get_xlabel(),
                ax.get_ylabel(),
                tuple(t.get_text() for t in ax.get_yticklabels()),
                len(xt),
                max((len(t) for t in xt), default=0),
                tuple(len(t.get_text()) for t in legend.get_texts()) if legend else (),
            )
        )
    return tuple(parts)


class _MarkerCanvas:
    """A rendered frontier figure whose "current setting" marker moves without a full redraw.

    The figure is drawn once with the marker line and the legend left out (``animated``); the
    pixels are kept, and each new current value restores them and draws only the moved marker
    and the legend on top (matplotlib blitting), then encodes the PNG.
    """

    PREFIX = "current setting"

    def __init__(self, fig: Any, *, money: str = "", dpi: int = 96) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.money = money
        self.fig = fig
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self.ax = fig.axes[0]
        self.marker = next(
            (ln for ln in self.ax.lines if ln.get_label().startswith(self.PREFIX)), None
        )
        self.legend = self.ax.get_legend()
        for artist in (self.marker, self.legend):
            if artist is not None:
                artist.set_animated(True)
        self.canvas.draw()  # runs constrained layout once, without the animated artists
        fig.set_layout_engine("none")
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def covers(self, current: float) -> bool:
        """Whether ``current`` lies inside the drawn x range (else the axes must grow)."""
        lo, hi = sorted(self.ax.get_xlim())
        return lo <= current <= hi

    def png(self, current: float) -> bytes:
        """PNG bytes with the marker at ``current``."""
        from PIL import Image

        if self.marker is not None:
            label = f"{self.PREFIX} {current:,.2f}"
            self.marker.set_xdata([current, current])
            self.marker.set_label(label)
            if self.legend is not None:
                for text in self.legend.get_texts():
                    if text.get_text().startswith(self.PREFIX):
                        text.set_text(label)
        self.canvas.restore_region(self.background)
        for artist in (self.marker, self.legend):
            if artist is not None:
                self.ax.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw")
        buf = io.BytesIO()
        image.save(buf, format="png", dpi=(self.fig.dpi, self.fig.dpi), compress_level=1)
        return buf.getvalue()


class _LayoutCache:
    """Reuse constrained-layout results between redraws of the same kind of figure.

    Constrained layout measures every text of a figure in an extra pass before drawing it,
    about 40 % of a widget figure's rendering time. A slider change redraws the same chart with
    new bar lengths but the same labels, so the axes positions from the first (constrained)
    render are stored under :func:`_layout_key` and later figures with the same key are drawn
    with those positions and no layout engine: the same picture, one pass.
    """

    def __init__(self, size: int = 32) -> None:
        self._positions: dict[tuple, list[Any]] = {}
        self._size = size

    def png(self, fig: Any, dpi: int = 96) -> bytes:
        """PNG bytes of ``fig``, laid out from the cache when an identical layout is known."""
        engine = fig.get_layout_engine()
        if engine is None or type(engine).__name__ != "ConstrainedLayoutEngine":
            return figure_png(fig, dpi)
        key = _layout_key(fig)
        known = self._positions.get(key)
        if known is not None and len(known) == len(fig.axes):
            fig.set_layout_engine("none")
            for ax, pos in zip(fig.axes, known, strict=True):
                ax.set_position(pos)
            return figure_png(fig, dpi)
        png = figure_png(fig, dpi)
        if len(self._positions) >= self._size:
            self._positions.pop(next(iter(self._positions)))
        self._positions[key] = [ax.get_position().frozen() for ax in fig.axes]
        return png


def _table_html(frame: pd.DataFrame, css_class: str = "ak-table") -> str:
    body = frame.to_html(escape=True, float_format=lambda v: f"{v:,.2f}", na_rep="–")
    return f'<div class="{css_class}">{body}</div>'


def _message(text: str, kind: str = "info") -> str:
    return f'<div class="ak-msg-{kind}">{html.escape(text)}</div>'


def _error_text(exc: BaseException) -> str:
    """Human-readable text for an error shown in the app (no traceback)."""
    if isinstance(exc, DataValidationError):
        total = len(exc.problems) + exc.truncated  # the validator lists the first ones only
        lines = [f"The data has {total} problem(s):"]
        lines += [f"  - {p}" for p in exc.problems[:30]]
        if total > 30:
            lines.append(f"  … and {total - 30} more")
        return "\n".join(lines)
    if isinstance(exc, InfeasiblePortfolioError):
        lines = [str(exc)]
        conflicting = list(getattr(exc, "conflicting", ()) or ())
        if conflicting:
            lines.append("Conflicting constraints: " + ", ".join(map(str, conflicting)))
        for r in getattr(exc, "relaxations", ()) or ():
            lines.append(f"  - {getattr(r, 'message', r)}")
        return "\n".join(lines)
    if isinstance(exc, AllianceKitError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}"


class _Debounced:
    """Call ``func`` once, ``delay`` seconds after the last trigger (at once without a loop)."""

    def __init__(self, func: Callable[[], None], delay: float) -> None:
        self.func = func
        self.delay = float(delay)
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self, *_: Any) -> None:
        if self.delay <= 0:
            self.func()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.func()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self.func()


class Snapshot:
    """Static view of an explorer (HTML tables and PNG figures) for headless notebook runs.

    Attributes
    ----------
    title : str
    parts : list of (kind, payload)
        ``("html", str)`` or ``("png", bytes)``, in display order.
    """

    def __init__(self, title: str, parts: Sequence[tuple[str, Any]]) -> None:
        self.title = title
        self.parts = list(parts)

    def _repr_html_(self) -> str:
        out = [_CSS, f"<h3>{html.escape(self.title)}</h3>"]
        for kind, payload in self.parts:
            if kind == "png":
                b64 = base64.b64encode(payload).decode("ascii")
                out.append(f'<img src="data:image/png;base64,{b64}" style="max-width:100%">')
            else:
                out.append(str(payload))
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"Snapshot({self.title!r}, {len(self.parts)} parts)"


class _Explorer(widgets.VBox):
    """Shared plumbing: message/result widgets, safe updates, debouncing, snapshots."""

    title = "Explorer"

    def __init__(self, debounce: float = DEBOUNCE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = widgets.HTML(value="")
        self.error: BaseException | None = None
        self.update_count = 0
        self.render_count = 0
        self._render_pending = False
        self._schedule = _Debounced(self.update, debounce)
        self._layouts = _LayoutCache()
        self.add_class("ak-explorer")

    def _compute(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self) -> None:
        """Recompute the result from the current controls and refresh every view (no raise).

        Two phases: numbers, tables and lists first (``_compute``, fast), then the figures
        (``_render``, matplotlib). In a running kernel the figures are drawn on the next turn of
        the event loop, so the tables reach the browser before the slower PNGs; without a loop
        both run at once.
        """
        self.error = None
        try:
            self._compute()
        except Exception as exc:  # the app must keep running: show, do not raise
            self.error = exc
            self.message.value = _message(_error_text(exc), "error")
        self.update_count += 1
        self._render_pending = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
        else:
            loop.call_soon(self.flush)

    def _render(self) -> None:
        """Draw the figures of the current result (override)."""

    def flush(self) -> None:
        """Draw the figures now if an update left them pending (no-op otherwise)."""
        if not self._render_pending:
            return
        self._render_pending = False
        try:
            self._render()
        except Exception as exc:
            self.error = exc
            self.message.value = _message(_error_text(exc), "error")
        self.render_count += 1

    def _observe_all(self, controls: Sequence[widgets.Widget]) -> None:
        for control in controls:
            control.observe(self._schedule, names="value")

    def snapshot(self) -> Snapshot:  # pragma: no cover - abstract
        """A static copy of what the explorer shows now."""
        raise NotImplementedError


_STYLE = {"description_width": "150px"}


def _fixed(width: str) -> widgets.Layout:
    """Layout of a control column that keeps its width next to a flexible result column."""
    return widgets.Layout(width=width, min_width=width, flex="0 0 auto")


def _flex() -> widgets.Layout:
    return widgets.Layout(flex="1 1 auto", min_width="0")


def _image() -> widgets.Image:
    # natural size (not stretched to the column width), shrunk only if the window is narrower
    img = widgets.Image(
        format="png",
        layout=widgets.Layout(max_width="100%", align_self="flex-start", display="none"),
    )

    def _toggle(change: dict) -> None:  # an empty Image shows a broken-image icon: hide it
        img.layout.display = None if len(change["new"]) else "none"

    img.observe(_toggle, names="value")
    return img


# -- scoring ----------------------------------------------------------------------------------
class AHPGrid(widgets.VBox):
    """Upper-triangle AHP pairwise entry grid on Saaty's scale with live consistency ratio.

    Attributes
    ----------
    criteria : list of str
    cells : dict (row, column) -> Dropdown
        ``a_ij``: how much more important ``row`` is than ``column`` (1/9 … 9).
    cr_label : HTML
        λmax, CI, CR and whether CR ≤ 0.10, refreshed on every change.
    apply_button : Button
        Copies the AHP weights into the explorer's weight sliders.
    result : AHPResult or None
    """

    def __init__(self, criteria: Sequence[str]) -> None:
        super().__init__()
        self.criteria = list(criteria)
        self.cells: dict[tuple[str, str], widgets.Dropdown] = {}
        n = len(self.criteria)
        children: list[widgets.Widget] = [widgets.Label("")]
        children += [widgets.Label(c) for c in self.criteria]
        for i, row in enumerate(self.criteria):
            children.append(widgets.Label(row))
            for j, col in enumerate(self.criteria):
                if j > i:
                    dd = widgets.Dropdown(
                        options=SAATY_SCALE, value=1.0, layout=widgets.Layout(width="62px")
                    )
                    dd.observe(self._refresh, names="value")
                    self.cells[(row, col)] = dd
                    children.append(dd)
                else:
                    children.append(widgets.Label("1" if i == j else "·"))
        self.grid = widgets.GridBox(
            children,
            layout=widgets.Layout(grid_template_columns=f"40px repeat({n}, 66px)"),
        )
        self.cr_label = widgets.HTML()
        self.apply_button = widgets.Button(description="Use AHP weights", icon="check")
        self.result: Any = None
        self.children = [
            widgets.HTML(
                "<b>AHP pairwise comparison</b>: row criterion vs column criterion "
                "(Saaty 1–9; 1 = equal, 9 = extremely more important)."
            ),
            self.grid,
            widgets.HBox([self.apply_button, self.cr_label]),
        ]
        self._refresh()

    def matrix(self) -> pd.DataFrame:
        """The full reciprocal pairwise matrix from the entered upper triangle."""
        a = pd.DataFrame(1.0, index=self.criteria, columns=self.criteria)
        for (row, col), dd in self.cells.items():
            a.loc[row, col] = float(dd.value)
            a.loc[col, row] = 1.0 / float(dd.value)
        return a

    def _refresh(self, *_: Any) -> None:
        from alliancekit.scoring import ahp_weights

        self.result = ahp_weights(self.matrix())
        r = self.result
        verdict = "consistent" if r.is_consistent else "inconsistent: revise the judgements"
        colour = "#009E73" if r.is_consistent else "#D55E00"
        self.cr_label.value = (
            f'<span style="color:{colour}">λmax {r.lambda_max:.3f}, CI {r.ci:.3f}, '
            f"<b>CR {r.cr:.3f}</b> ({html.escape(verdict)}; CR ≤ 0.10 is acceptable)</span>"
        )


class ScoringExplorer(_Explorer):
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
    table, figure, smaa_figure, message : HTML / Image widgets
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

        super().__init__(debounce=debounce)
        self.workspace = workspace
        self.criteria = list(CRITERIA)
        self.smaa_samples = int(smaa_samples)
        base = preset_weights(preset)
        self._weights = pd.Series(
            [float(base.get(c, 0.0)) for c in self.criteria], index=self.criteria
        )
        self._syncing = False
        self.weight_sliders: dict[str, widgets.FloatSlider] = {}
        for c in self.criteria:
            s = widgets.FloatSlider(
                value=float(self._weights[c]),
                min=0.0,
                max=1.0,
                step=0.01,
                description=c,
                tooltip=CRITERIA[c].name,
                readout_format=".2f",
                continuous_update=False,
                layout=widgets.Layout(width="330px"),
            )
            s.add_class(f"ak-weight-{c}")
            s.observe(self._on_weight, names="value")
            self.weight_sliders[c] = s
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
            options=[("any weights", "any"), ("current weights ±20 %", "pm20")],
            value="any",
            description="SMAA over",
            style={"button_width": "170px"},
        )
        self.smaa_button = widgets.Button(description="Run SMAA", icon="random")
        self.smaa_button.on_click(lambda _: self.run_smaa())
        self.table = widgets.HTML()
        self.figure = _image()
        self.smaa_figure = _image()
        self.result: Any = None
        self.smaa_result: Any = None
        names = "".join(
            f"<li><b>{c}</b> {html.escape(CRITERIA[c].name)}</li>" for c in self.criteria
        )
        legend = widgets.HTML(f'<ul style="font-size:11px;columns:2">{names}</ul>')
        sliders = widgets.VBox(list(self.weight_sliders.values()))
        controls = widgets.VBox([self.preset, self.method, sliders, legend], layout=_fixed("360px"))
        accordion = widgets.Accordion(children=[self.ahp], titles=("AHP pairwise weights",))
        accordion.selected_index = None
        self.children = [
            widgets.HTML(_CSS + f"<h3>{html.escape(self.title)}</h3>"),
            widgets.HBox([controls, widgets.VBox([self.message, self.table], layout=_flex())]),
            accordion,
            self.figure,
            widgets.HBox([self.smaa_space, self.smaa_button]),
            self.smaa_figure,
        ]
        self.update()

    # weights ---------------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """Current weights by criterion (sum 1)."""
        return self._weights.copy()

    def set_weights(self, weights: Mapping[str, float] | pd.Series) -> None:
        """Set every weight at once (renormalised to sum 1) and update."""
        w = pd.Series({c: float(dict(weights).get(c, 0.0)) for c in self.criteria})
        total = float(w.sum())
        if total <= 0:
            raise ValueError("weights must have a positive sum")
        self._weights = w / total
        self._push_sliders()
        self._schedule()

    def _push_sliders(self) -> None:
        self._syncing = True
        try:
            for c, s in self.weight_sliders.items():
                s.value = float(self._weights[c])
        finally:
            self._syncing = False

    def _on_weight(self, change: dict) -> None:
        if self._syncing:
            return
        changed = next(c for c, s in self.weight_sliders.items() if s is change["owner"])
        new = float(np.clip(change["new"], 0.0, 1.0))
        others = self._weights.drop(changed)
        rest = 1.0 - new
        total = float(others.sum())
        if total > 1e-12:
            others = others * (rest / total)
        else:
            others = pd.Series(rest / len(others), index=others.index)
        w = others.copy()
        w[changed] = new
        self._weights = w.reindex(self.criteria)
        self._push_sliders()
        self._schedule()

    def _on_preset(self, change: dict) -> None:
        from alliancekit.criteria import preset_weights

        self.set_weights(preset_weights(change["new"]))

    # compute ---------------------------------------------------------------------------------
    def _compute(self) -> None:
        from alliancekit.criteria import score_partners

        res = score_partners(self.workspace, weights=self.weights, method=self.method.value)
        self.result = res
        self.table.value = _table_html(self.ranked_table())
        self.message.value = _message(
            f"{len(res.scores)} candidates scored with {self.method.label}; "
            f"{sum(1 for v in res.knockouts.values() if v)} knocked out (see the knockouts column)."
        )

    def _render(self) -> None:
        from alliancekit import plots

        if self.result is not None:
            self.figure.value = self._layouts.png(plots.contribution_bars(self.result))

    def ranked_table(self) -> pd.DataFrame:
        """Rank, name, score and knockout reasons, best first."""
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
            index=pd.Index(res.scores.index, name="id"),
        )
        return frame.sort_values(["rank", "score"], ascending=[True, False])

    def run_smaa(self) -> None:
        """SMAA rank acceptability of the criteria matrix under random weights (heatmap)."""
        from alliancekit import plots
        from alliancekit.criteria import criteria_matrix
        from alliancekit.sensitivity import smaa

        try:
            matrix = criteria_matrix(self.workspace)
            directions = dict.fromkeys(matrix.columns, "benefit")
            around = (
                {"weights": self.weights, "bounds_pct": 20.0}
                if self.smaa_space.value == "pm20"
                else {}
            )
            self.smaa_result = smaa(
                matrix,
                directions,
                method=self.method.value,
                n_samples=self.smaa_samples,
                seed=0,
                normalization="none",
                **around,
            )
            self.smaa_figure.value = figure_png(plots.acceptability_heatmap(self.smaa_result))
        except Exception as exc:
            self.error = exc
            self.message.value = _message(_error_text(exc), "error")

    def snapshot(self) -> Snapshot:
        self.flush()
        parts: list[tuple[str, Any]] = [("html", self.message.value), ("html", self.table.value)]
        if self.figure.value:
            parts.append(("png", self.figure.value))
        if self.smaa_figure.value:
            parts.append(("png", self.smaa_figure.value))
        return Snapshot(f"{self.title}: {self.workspace.organization.name}", parts)


def scoring_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> ScoringExplorer | Snapshot:
    """A :class:`ScoringExplorer`, or its static :class:`Snapshot` when not interactive."""
    ex = ScoringExplorer(workspace, debounce=kwargs.pop("debounce", DEBOUNCE), **kwargs)
    if interactive:
        return ex
    ex.run_smaa()
    return ex.snapshot()


# -- portfolio --------------------------------------------------------------------------------
#: Portfolio objectives offered in the dropdown: (label, value) (docs/method.md §4 (a)–(e)).
OBJECTIVES: tuple[tuple[str, str], ...] = (
    ("(a) max Σ E[NPV]", "expected_npv"),
    ("(b) max Σ score", "score"),
    ("(c) blend of E[NPV] and score", "blend"),
    ("(d) mean–CVaR", "mean_cvar"),
    ("(e) E[NPV] + gap coverage", "coverage"),
)


def _nice_step(span: float) -> float:
    """A round slider step giving about 100–1000 positions over ``span``."""
    if span <= 0:
        return 1.0
    return float(10 ** np.floor(np.log10(span / 100.0)))


class PortfolioExplorer(_Explorer):
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
    risk_appetite, objective : Dropdown
    must_include, must_exclude : SelectMultiple
    why_not : Dropdown
        A candidate to explain ("why not X?" / "why X?").
    apply_review : Checkbox
        Exit the existing alliances whose review decision is EXIT (their exit cost is charged
        to the one-off budget, their annual cost and coverage freed; docs/method.md §10.7).
        On by default; ``review`` defaults to ``review_alliances(workspace)``.
    show_frontier : Checkbox
        Compute the efficient frontier over the annual budget (re-solves; off by default).
    selected_html, totals_figure, frontier_figure, why_html, table, message : widgets
    result : PortfolioResult or None
        ``None`` while the settings are infeasible (``error`` holds the diagnosis).
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
        super().__init__(debounce=debounce)
        self.workspace = workspace
        self.review = review
        self.frontier_points = int(frontier_points)
        org = workspace.organization
        cands = workspace.candidates_frame()
        money = org.money_label
        b0_max = max(2.0 * org.budget_one_off, float(cands["cost_one_off"].sum()), 1.0)
        b1_max = max(2.0 * org.budget_annual, 1.0)
        self.budget_one_off = widgets.FloatSlider(
            value=float(org.budget_one_off),
            min=0.0,
            max=b0_max,
            step=_nice_step(b0_max),
            description="One-off budget",
            continuous_update=False,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="480px"),
        )
        self.budget_annual = widgets.FloatSlider(
            value=float(org.budget_annual),
            min=0.0,
            max=b1_max,
            step=_nice_step(b1_max),
            description="Annual budget",
            continuous_update=False,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="480px"),
        )
        caps = org.caps()
        self.avg_risk = widgets.FloatSlider(
            value=float(caps.avg_total),
            min=0.0,
            max=1.0,
            step=0.01,
            description="Average risk cap",
            continuous_update=False,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="480px"),
        )
        n = len(workspace.candidates)
        self.max_count = widgets.IntSlider(
            value=int(min(org.max_alliances, n)),
            min=0,
            max=max(n, 1),
            description="Max new alliances",
            continuous_update=False,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="480px"),
        )
        self.budget_one_off.add_class("ak-budget-one-off")
        self.budget_annual.add_class("ak-budget-annual")
        self.avg_risk.add_class("ak-avg-risk")
        self.max_count.add_class("ak-max-count")
        self.risk_appetite = widgets.Dropdown(
            options=["low", "medium", "high"],
            value=str(org.risk_appetite.value),
            description="Risk appetite",
            style=_STYLE,
        )
        self.risk_appetite.observe(self._on_appetite, names="value")
        self.objective = widgets.Dropdown(
            options=OBJECTIVES, value="expected_npv", description="Objective", style=_STYLE
        )
        labels = [(f"{c.id} {c.name}", c.id) for c in workspace.candidates]
        self.must_include = widgets.SelectMultiple(
            options=labels,
            description="Must include",
            rows=min(6, max(n, 1)),
            style=_STYLE,
            layout=widgets.Layout(width="480px"),
        )
        self.must_exclude = widgets.SelectMultiple(
            options=labels,
            description="Must exclude",
            rows=min(6, max(n, 1)),
            style=_STYLE,
            layout=widgets.Layout(width="480px"),
        )
        self.why_not = widgets.Dropdown(
            options=[("(pick a partner)", None), *labels],
            value=None,
            description="Why (not)?",
            style=_STYLE,
            layout=widgets.Layout(width="480px"),
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
        # docs/method.md §10.7: existing alliances are kept unless the review says EXIT
        if self.review is None and workspace.alliances:
            from alliancekit.review import review_alliances

            self.review = review_alliances(workspace)
        decisions = dict(getattr(self.review, "decisions", {}) or {})
        exits = [a for a, d in decisions.items() if str(d) == "EXIT"]
        self.apply_review = widgets.Checkbox(
            value=self.review is not None,
            disabled=self.review is None,
            description="Exit the alliances the review says EXIT"
            + (f" ({', '.join(exits)})" if exits else ""),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="480px"),
        )
        self.show_frontier.observe(self._schedule, names="value")
        self.selected_html = widgets.HTML()
        self.selected_html.add_class("ak-selected")
        self.totals_figure = _image()
        self.frontier_figure = _image()
        self.why_html = widgets.HTML()
        self.table = widgets.HTML()
        self.result: Any = None
        self.frontier: Any = None
        self._frontier_key: tuple | None = None
        self._frontier_canvas: _MarkerCanvas | None = None
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
            ]
        )
        controls = widgets.VBox(
            [
                widgets.HTML(f"Money in {html.escape(money)} (annual budget per year)."),
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
            layout=_fixed("500px"),
        )
        self.children = [
            widgets.HTML(_CSS + f"<h3>{html.escape(self.title)}</h3>"),
            widgets.HBox(
                [controls, widgets.VBox([self.message, self.selected_html], layout=_flex())]
            ),
            self.totals_figure,
            widgets.HBox([self.why_not, self.why_thresholds]),
            self.why_html,
            self.show_frontier,
            self.frontier_figure,
            self.table,
        ]
        self.update()

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for :func:`alliancekit.plan_portfolio` from the controls."""
        return {
            "objective": self.objective.value,
            "budget_one_off": float(self.budget_one_off.value),
            "budget_annual": float(self.budget_annual.value),
            "risk_appetite": self.risk_appetite.value,
            "caps": {"avg_total": float(self.avg_risk.value)},
            "max_count": int(self.max_count.value),
            "must_include": tuple(self.must_include.value),
            "must_exclude": tuple(self.must_exclude.value),
        }

    def _settings_line(self) -> str:
        """The settings the shown portfolio was computed for (small print under the list)."""
        money = html.escape(self.workspace.organization.money_label)
        return (
            f'<div class="ak-settings" style="font-size:90%;color:#555">for one-off budget '
            f"{self.budget_one_off.value:,.2f} {money}, annual budget "
            f"{self.budget_annual.value:,.2f} {money}/yr, average risk ≤ "
            f"{self.avg_risk.value:.2f}, at most {self.max_count.value} new alliances, "
            f"{html.escape(self.risk_appetite.value)} risk appetite</div>"
        )

    def _on_appetite(self, change: dict) -> None:
        from alliancekit.model import RiskAppetite

        org = replace(self.workspace.organization, risk_appetite=RiskAppetite(change["new"]))
        # the average-risk cap follows the appetite's default; the update runs once
        self.avg_risk.value = float(org.caps().avg_total)
        self._schedule()

    def _compute(self) -> None:
        from alliancekit.portfolio import plan_portfolio

        try:
            review = self.review if self.apply_review.value else None
            pp = plan_portfolio(self.workspace, review=review, **self.settings())
        except InfeasiblePortfolioError as exc:
            self.result = None
            self.error = exc
            self.selected_html.value = (
                "<b>Selected partners:</b> <i>none: these settings are infeasible</i>"
                + self._settings_line()
            )
            self.totals_figure.value = b""
            self.frontier_figure.value = b""
            self.table.value = ""
            self.message.value = _message(_error_text(exc), "error")
            self._explain()
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
        self.message.value = _message(pp.summary())
        self.table.value = _table_html(pp.totals)
        self._explain()

    def _render(self) -> None:
        from alliancekit import plots

        pp = self.result
        if pp is None:
            return
        money = self.workspace.organization.money_label
        self.totals_figure.value = self._layouts.png(plots.totals_bars(pp, money_label=money))
        if self.show_frontier.value:
            from alliancekit.portfolio import efficient_frontier

            current = float(self.budget_annual.value)
            if not self._frontier_reusable(current):
                self.frontier = efficient_frontier(
                    pp, vary="budget_annual", points=self.frontier_points, progress=False
                )
                self._frontier_key = (self._frontier_settings(), current)
                self._frontier_canvas = None
            canvas = self._frontier_canvas
            if canvas is None or canvas.money != money or not canvas.covers(current):
                fig = plots.frontier_plot(self.frontier, current=current, money_label=money)
                self._frontier_canvas = _MarkerCanvas(fig, money=money)
            self.frontier_figure.value = self._frontier_canvas.png(current)
        else:
            self.frontier_figure.value = b""

    def _frontier_settings(self) -> tuple:
        """Everything but the annual budget that the budget frontier depends on."""
        settings = {k: v for k, v in self.settings().items() if k != "budget_annual"}
        return (repr(sorted(settings.items())), bool(self.apply_review.value), self.frontier_points)

    def _frontier_reusable(self, current: float) -> bool:
        """Whether the shown frontier still fits: same other settings, budget inside its range.

        Every point of a frontier is the exact optimum for its budget, whatever the current
        budget, so moving the budget only moves the current-setting marker. The frontier is
        recomputed when another setting changes or the budget leaves the computed range
        (``efficient_frontier`` then extends the range to the new budget).
        """
        if self.frontier is None or self._frontier_key is None:
            return False
        settings, _ = self._frontier_key
        if settings != self._frontier_settings():
            return False
        values = self.frontier.to_frame()["value"].astype(float)
        return bool(len(values)) and float(values.min()) <= current <= float(values.max())

    def _explain(self) -> None:
        pid = self.why_not.value
        if pid is None:
            self.why_html.value = ""
            return
        if self.result is None:
            self.why_html.value = _message(
                f"{pid}: no portfolio exists under these settings; relax a limit first.", "error"
            )
            return
        try:
            from alliancekit.portfolio import explain_selection

            frame = explain_selection(self.result, thresholds=bool(self.why_thresholds.value))
            row = frame.loc[[pid]] if pid in frame.index else frame[frame.iloc[:, 0] == pid]
            verdict = "selected" if pid in self.result.selected else "not selected"
            reason = str(row["reason"].iloc[0]) if "reason" in row.columns and len(row) else ""
            self.why_html.value = (
                f"<b>{html.escape(pid)}: {verdict}</b> — {html.escape(reason)}" + _table_html(row.T)
            )
        except Exception as exc:
            self.why_html.value = _message(_error_text(exc), "error")

    def snapshot(self) -> Snapshot:
        self.flush()
        parts: list[tuple[str, Any]] = [
            ("html", self.message.value),
            ("html", self.selected_html.value),
        ]
        for fig in (self.totals_figure.value, self.frontier_figure.value):
            if fig:
                parts.append(("png", fig))
        parts.append(("html", self.why_html.value))
        parts.append(("html", self.table.value))
        return Snapshot(f"{self.title}: {self.workspace.organization.name}", parts)


def portfolio_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> PortfolioExplorer | Snapshot:
    """A :class:`PortfolioExplorer`, or its static :class:`Snapshot` when not interactive."""
    ex = PortfolioExplorer(workspace, **kwargs)
    if interactive:
        return ex
    ex.show_frontier.value = True
    ex.update()
    return ex.snapshot()


# -- review -----------------------------------------------------------------------------------
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


class ReviewExplorer(_Explorer):
    """Pick an alliance → KPI plan vs actual, health radar, decision; thresholds re-run rules.

    Attributes
    ----------
    workspace : Workspace
    alliance : Dropdown
        The existing alliance shown in the charts.
    threshold_sliders : dict ReviewPolicy field -> FloatSlider
        ``h_exit``, ``h_restr``, ``h_grow`` [0–100], ``a_exit``, ``a_restr``, ``a_grow``
        [share of plan], ``d_min``, ``fit_exit`` [0–100].
    decision_html, kpi_figure, radar_figure, table, message : widgets
    result : ReviewResult or None
    """

    title = "Review explorer"

    def __init__(self, workspace: Workspace, *, period: str = "latest", debounce: float = DEBOUNCE):
        from alliancekit.review import ReviewPolicy

        super().__init__(debounce=debounce)
        self.workspace = workspace
        self.period = period
        defaults = ReviewPolicy()
        # closed alliances are not reviewed (review_alliances leaves them out)
        shown = [a for a in workspace.alliances if a.status != AllianceStatus.CLOSED]
        ids = [a.alliance_id for a in shown]
        options = [(f"{a.alliance_id} {a.partner_name}", a.alliance_id) for a in shown]
        self.alliance = widgets.Dropdown(
            options=options or [("(no existing alliances)", None)],
            value=ids[0] if ids else None,
            description="Alliance",
            layout=widgets.Layout(width="420px"),
        )
        self.alliance.observe(lambda _: self._show_alliance(), names="value")
        self.threshold_sliders: dict[str, widgets.FloatSlider] = {}
        for name, (label, lo, hi, step) in REVIEW_THRESHOLDS.items():
            s = widgets.FloatSlider(
                value=float(getattr(defaults, name)),
                min=lo,
                max=hi,
                step=step,
                description=label,
                continuous_update=False,
                style={"description_width": "210px"},
                layout=widgets.Layout(width="480px"),
            )
            s.add_class(f"ak-{name.replace('_', '-')}")
            self.threshold_sliders[name] = s
        self.reset_button = widgets.Button(description="Default thresholds", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.decision_html = widgets.HTML()
        self.decision_html.add_class("ak-decision")
        self.kpi_figure = _image()
        self.radar_figure = _image()
        self.table = widgets.HTML()
        self.result: Any = None
        # KPI charts and D1–D6 do not depend on the thresholds: cache the PNGs per alliance
        self._figures: dict[str, tuple[bytes, bytes]] = {}
        self._observe_all(list(self.threshold_sliders.values()))
        self.children = [
            widgets.HTML(_CSS + f"<h3>{html.escape(self.title)}</h3>"),
            widgets.HBox(
                [
                    widgets.VBox(
                        [*self.threshold_sliders.values(), self.reset_button],
                        layout=_fixed("500px"),
                    ),
                    widgets.VBox([self.alliance, self.decision_html, self.message], layout=_flex()),
                ]
            ),
            widgets.HBox([self.kpi_figure, self.radar_figure]),
            self.table,
        ]
        self.update()

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
            self.message.value = _message("This workspace has no existing alliances to review.")
            return
        self.result = review_alliances(self.workspace, period=self.period, policy=self.policy())
        cols = [
            c
            for c in ("A_W", "trend", "H", "D1", "D2", "D3", "D4", "D5", "D6", "decision")
            if c in self.result.table.columns
        ]
        self.table.value = _table_html(self.result.table[cols])
        self.message.value = _message(self.result.summary())
        self._show_alliance()

    def _show_alliance(self) -> None:
        from alliancekit import plots

        aid = self.alliance.value
        if self.result is None or aid is None:
            return
        if aid not in self.result.table.index:  # e.g. starts after the review period
            self.decision_html.value = (
                f"<div><b>{html.escape(aid)}</b>: not reviewed in {html.escape(self.result.period)}"
                " (it starts later)</div>"
            )
            self.kpi_figure.value, self.radar_figure.value = b"", b""
            return
        try:
            row = self.result.table.loc[aid]
            rules = row.get("rules_fired", ())
            rules_text = ", ".join(map(str, rules)) if len(rules) else "none"
            decision = str(row["decision"])
            colour = plots.DECISION_COLOURS.get(decision, "#000000")
            self.decision_html.value = (
                f'<div><b>{html.escape(aid)}</b>: <span style="color:{colour};font-size:130%">'
                f"<b>{html.escape(decision)}</b></span> (H {float(row['H']):.1f}, "
                f"A_W {float(row['A_W']):.2f})<br>Rules fired: {html.escape(rules_text)}"
                f"<br><i>{html.escape(str(row.get('rationale', '')))}</i></div>"
            )
            if aid not in self._figures:
                self._figures[aid] = (
                    figure_png(plots.kpi_chart(self.result, aid)),
                    figure_png(plots.health_radar(self.result, aid)),
                )
            self.kpi_figure.value, self.radar_figure.value = self._figures[aid]
        except Exception as exc:
            self.error = exc
            self.message.value = _message(_error_text(exc), "error")

    def snapshot(self) -> Snapshot:
        self.flush()
        parts: list[tuple[str, Any]] = [("html", self.message.value), ("html", self.table.value)]
        parts.append(("html", self.decision_html.value))
        for fig in (self.kpi_figure.value, self.radar_figure.value):
            if fig:
                parts.append(("png", fig))
        return Snapshot(f"{self.title}: {self.workspace.organization.name}", parts)


def review_explorer(
    workspace: Workspace, *, interactive: bool = True, **kwargs: Any
) -> ReviewExplorer | Snapshot:
    """A :class:`ReviewExplorer`, or its static :class:`Snapshot` when not interactive."""
    ex = ReviewExplorer(workspace, **kwargs)
    return ex if interactive else ex.snapshot()


# -- the app ----------------------------------------------------------------------------------
def _workspace_sources(data_dir: Path) -> list[tuple[str, str]]:
    """(label, path) for every workspace folder (with organization.yaml) or .xlsx in data_dir."""
    out: list[tuple[str, str]] = []
    if not data_dir.is_dir():
        return out
    for path in sorted(data_dir.iterdir()):
        is_folder = path.is_dir() and (path / "organization.yaml").is_file()
        if is_folder or (path.suffix.lower() == ".xlsx" and path.is_file()):
            out.append((path.name, str(path)))
    return out


def _upload_items(value: Any) -> list[tuple[str, bytes]]:
    """(name, content) pairs from a FileUpload value (ipywidgets 8 tuple of dicts)."""
    items = value.values() if isinstance(value, Mapping) else value
    out = []
    for item in items or ():
        name = str(item.get("name", "upload"))
        content = item.get("content", b"")
        out.append((name, bytes(content)))
    return out


#: Limits on an uploaded .zip, checked before anything is unpacked (a "zip bomb" of a few kB
#: can declare gigabytes): total unpacked size [bytes] and number of entries. A workspace with
#: 60,000 KPI rows is about 5 MB of CSV.
MAX_UPLOAD_UNPACKED_BYTES = 200 * 2**20
MAX_UPLOAD_MEMBERS = 1000


def load_upload(name: str, content: bytes, folder: Path) -> Workspace:
    """Load an uploaded ``.xlsx`` workbook or ``.zip`` of a workspace folder (CSV + YAML).

    A .zip is refused before unpacking when it holds more than ``MAX_UPLOAD_MEMBERS`` entries
    or declares more than ``MAX_UPLOAD_UNPACKED_BYTES`` unpacked (``zipfile`` never returns more
    than an entry declares); entries with absolute paths or ``..`` are skipped.

    Raises
    ------
    DataValidationError
        For a malformed workspace, a zip over the limits, or a file that is neither .xlsx
        nor .zip.
    """
    from alliancekit.errors import Problem
    from alliancekit.workspace import load_workspace

    safe = Path(name).name or "upload"
    suffix = Path(safe).suffix.lower()
    folder.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        path = folder / safe
        path.write_bytes(content)
        return load_workspace(path)
    if suffix == ".zip":
        target = folder / Path(safe).stem
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                members = zf.infolist()
                unpacked = sum(m.file_size for m in members)
                if len(members) > MAX_UPLOAD_MEMBERS or unpacked > MAX_UPLOAD_UNPACKED_BYTES:
                    raise DataValidationError(
                        Problem(
                            safe,
                            None,
                            None,
                            f"the zip holds {len(members)} entries, {unpacked / 2**20:,.1f} MB "
                            f"unpacked; the limit is {MAX_UPLOAD_MEMBERS} entries and "
                            f"{MAX_UPLOAD_UNPACKED_BYTES / 2**20:,.0f} MB (upload only the "
                            "workspace folder)",
                        )
                    )
                for member in members:
                    member_path = Path(member.filename)
                    if member.is_dir() or member_path.is_absolute() or ".." in member_path.parts:
                        continue
                    out = target / member_path
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(zf.read(member))
        except zipfile.BadZipFile as exc:
            raise DataValidationError(Problem(safe, None, None, f"not a zip file: {exc}")) from exc
        hits = sorted(p.parent for p in target.rglob("organization.yaml"))
        if not hits:
            raise DataValidationError(
                Problem(safe, None, None, "the zip holds no organization.yaml")
            )
        return load_workspace(hits[0])
    raise DataValidationError(
        Problem(safe, None, None, "upload a workspace .xlsx workbook or a .zip of its CSV folder")
    )


class Dashboard(widgets.VBox):
    """The web app: workspace picker and upload, and tabs with the three explorers.

    Attributes
    ----------
    data_dir : Path
    picker : Dropdown
        Workspaces found in ``data_dir`` (folders and .xlsx) plus uploaded ones.
    upload : FileUpload
        A user's own ``.xlsx`` workbook or zipped CSV folder; problems are shown in ``message``.
    tabs : Tab
        Scoring / Portfolio / Review explorers of the picked workspace.
    scoring, portfolio, review : explorers of the current workspace (None if none loaded)
    workspace : Workspace or None
    message : HTML
    """

    def __init__(self, data_dir: str | Path | None = None, *, debounce: float = DEBOUNCE) -> None:
        from alliancekit.workspace import data_dir as default_data_dir

        super().__init__()
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.debounce = debounce
        self._uploads: dict[str, Workspace] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="alliancekit-upload-")
        self.workspace: Workspace | None = None
        self.scoring: ScoringExplorer | None = None
        self.portfolio: PortfolioExplorer | None = None
        self.review: ReviewExplorer | None = None
        sources = _workspace_sources(self.data_dir)
        self.picker = widgets.Dropdown(
            options=sources,
            value=sources[0][1] if sources else None,
            description="Workspace",
            layout=widgets.Layout(width="420px"),
        )
        self.picker.add_class("ak-picker")
        self.upload = widgets.FileUpload(
            accept=".xlsx,.zip", multiple=False, description="Upload .xlsx / .zip"
        )
        self.upload.add_class("ak-upload")
        self.message = widgets.HTML()
        self.message.add_class("ak-app-message")
        self.tabs = widgets.Tab()
        self.picker.observe(lambda ch: self.open_workspace(ch["new"]), names="value")
        self.upload.observe(self._on_upload, names="value")
        self.children = [
            widgets.HTML(
                _CSS + "<h2>alliancekit: choose, plan and review strategic alliances</h2>"
            ),
            widgets.HBox([self.picker, self.upload]),
            self.message,
            self.tabs,
        ]
        if self.picker.value is not None:
            self.open_workspace(self.picker.value)
        else:
            self.message.value = _message(
                f"No workspaces found in {self.data_dir}; upload an .xlsx workbook.", "error"
            )

    def open_workspace(self, source: str | Workspace | None) -> None:
        """Show a workspace (a path from the picker, an uploaded key, or a Workspace)."""
        from alliancekit.workspace import load_workspace

        if source is None:
            return
        try:
            if isinstance(source, Workspace):
                ws = source
            elif source in self._uploads:
                ws = self._uploads[source]
            else:
                ws = load_workspace(source)
            self.show(ws)
        except Exception as exc:
            self.message.value = _message(_error_text(exc), "error")

    def show(self, ws: Workspace) -> None:
        """Build the three explorers for ``ws`` and put them in the tabs."""
        self.workspace = ws
        self.scoring = ScoringExplorer(ws, debounce=self.debounce)
        self.portfolio = PortfolioExplorer(ws, debounce=self.debounce)
        self.review = ReviewExplorer(ws, debounce=self.debounce)
        self.tabs.children = [self.scoring, self.portfolio, self.review]
        self.tabs.titles = ("1 Score partners", "2 Select portfolio", "3 Review alliances")
        org = ws.organization
        self.message.value = _message(
            f"{org.name}: {len(ws.candidates)} candidates, {len(ws.alliances)} existing "
            f"alliances; money in {org.money_label}."
        )

    def _on_upload(self, change: dict) -> None:
        items = _upload_items(change["new"])
        if not items:
            return
        name, content = items[-1]
        try:
            # a fresh folder per upload: re-uploading a name (or retrying after a failed upload)
            # must not pick up files unpacked by an earlier upload
            folder = Path(tempfile.mkdtemp(prefix="u", dir=self._tmp.name))
            ws = load_upload(name, content, folder)
        except Exception as exc:
            self.message.value = _message(f"Could not load {name}.\n" + _error_text(exc), "error")
            return
        key = f"upload:{name}"
        self._uploads[key] = ws
        options = [o for o in self.picker.options if o[1] != key]
        self.picker.options = [*options, (f"{name} (uploaded)", key)]
        if self.picker.value == key:
            self.show(ws)
        else:
            self.picker.value = key  # triggers open_workspace()

    def snapshot(self) -> Snapshot:
        """Static copy of the three explorers (headless runs)."""
        parts: list[tuple[str, Any]] = [("html", self.message.value)]
        for ex in (self.scoring, self.portfolio, self.review):
            if ex is not None:
                snap = ex.snapshot()
                parts.append(("html", f"<h3>{html.escape(snap.title)}</h3>"))
                parts.extend(snap.parts)
        return Snapshot("alliancekit dashboard", parts)


def dashboard(
    data_dir: str | Path | None = None, *, interactive: bool = True, debounce: float = DEBOUNCE
) -> Dashboard | Snapshot:
    """The app (``Dashboard``) over the workspaces in ``data_dir``; a Snapshot if headless.

    ``data_dir`` defaults to ``alliancekit.workspace.data_dir()`` (``$ALLIANCEKIT_DATA`` or the
    repository's ``data/``).
    """
    app = Dashboard(data_dir, debounce=debounce)
    return app if interactive else app.snapshot()
