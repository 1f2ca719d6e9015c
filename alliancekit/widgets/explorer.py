"""What every explorer shares: safe two-phase updates, debouncing, errors shown, snapshots.

An explorer recomputes its result from its controls in ``update()``: numbers, tables and lists
first (``_compute``), the chart specs on the next turn of the event loop (``_render``; the browser
draws them). Errors never escape a callback: they are kept in ``error`` and shown in the
``message`` area.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ipywidgets as widgets

from alliancekit.model import Workspace
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.markup import heading_html
from alliancekit.widgets.state import SessionState, SettingConflictError, Settings

__all__ = ["BUSY", "DEBOUNCE", "Debounced", "Explorer", "Snapshot"]

#: Seconds a control must be still before the explorer recomputes (in a running kernel).
DEBOUNCE = 0.02


class Debounced:
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
    """Static view of an explorer (HTML tables and charts) for headless notebook runs.

    The charts are the specs the explorer shows, drawn as static SVG (``charts.to_svg``) inside
    ``<img>`` elements, as in the reports: no script, nothing loaded from the internet.

    Attributes
    ----------
    title : str
    parts : list of (kind, payload)
        ``("html", str)`` or ``("chart", Vega-Lite spec dict)``, in display order.
    """

    def __init__(self, title: str, parts: Sequence[tuple[str, Any]]) -> None:
        self.title = title
        self.parts = list(parts)

    def _repr_html_(self) -> str:
        from alliancekit.charts import chart_title, svg_data_uri

        out = [heading_html(self.title)]
        for kind, payload in self.parts:
            if kind == "chart":
                alt = html.escape(chart_title(payload), quote=True)
                src = svg_data_uri(payload)
                out.append(f'<img alt="{alt}" src="{src}" style="max-width:100%">')
            else:
                out.append(str(payload))
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"Snapshot({self.title!r}, {len(self.parts)} parts)"


#: The busy line: shown only when an update takes longer than 0.3 s (CSS animation delay).
BUSY = (
    "<style>@keyframes ak-appear {to {opacity: 1;}}"
    ".ak-busy-on {opacity: 0; animation: ak-appear 0s 0.3s forwards;}</style>"
    '<div class="ak-busy ak-busy-on" role="status">⏳ Working… {what}</div>'
)


class Explorer(widgets.VBox):
    """Shared plumbing of the explorers: message area, safe updates, debouncing, snapshots.

    Every explorer reads its settings from a :class:`SessionState` shared with the other tabs
    (its own when none is given): a control writes into the state (``_set``), and a change of
    a field the explorer ``listens`` to, made anywhere, updates its controls (``_sync``) and
    its result.

    Attributes
    ----------
    workspace : Workspace
    state : SessionState
    busy : HTML
        "Working…" while an update runs (visible after 0.3 s), empty otherwise.
    message : MessageArea
        What was computed, or the error (never a traceback).
    error : Exception or None
        The error of the last update, if any.
    update_count, render_count : int
        How many times the numbers / the charts were recomputed.
    writing : bool
        True while one of its own controls writes a change into the state (the app recomputes
        the tab a change comes from even when it is not the tab shown).
    """

    title = "Explorer"
    #: Settings fields whose change (anywhere) recomputes this explorer.
    listens: frozenset[str] = frozenset()

    def __init__(
        self,
        workspace: Workspace,
        debounce: float = DEBOUNCE,
        state: SessionState | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workspace = workspace
        self.state = state if state is not None else SessionState(workspace)
        self.generation = self.state.generation
        self.busy = widgets.HTML("")
        self.busy.add_class("ak-busy-line")
        self._syncing = False
        #: True while one of this explorer's own controls writes into the state (``_set``).
        self.writing = False
        self.message = MessageArea(value="")
        self.error: BaseException | None = None
        self.update_count = 0
        self.render_count = 0
        self._render_pending = False
        self._schedule = Debounced(self.update, debounce)
        self.add_class("ak-explorer")
        self.state.observe(self._on_state)

    # the session state -------------------------------------------------------------------------
    def _set(self, **changes: Any) -> bool:
        """Write ``changes`` into the session state; a refused change is shown and undone."""
        if self._syncing:
            return False
        self.writing = True
        try:
            self.state.update(**changes)
        except SettingConflictError as exc:
            self.message.error(exc)
            self._sync(self.state.settings, frozenset(changes))
            return False
        finally:
            self.writing = False
        return True

    def _on_state(self, old: Settings, new: Settings, changed: frozenset[str]) -> None:
        if self.state.generation != self.generation:  # an explorer of an earlier workspace
            self.state.unobserve(self._on_state)
            return
        self._show_settings(new, changed)
        if changed & self.listens:
            self._schedule()

    def _show_settings(self, settings: Settings, changed: frozenset[str]) -> None:
        self._syncing = True
        try:
            self._sync(settings, changed)
        finally:
            self._syncing = False

    def catch_up(self, old: Settings, new: Settings, changed: frozenset[str]) -> None:
        """Show settings changed while nobody asked for this view, recomputing now if needed.

        The app calls it instead of the state's notifications for a tab that is not shown
        (``Dashboard``): ``changed`` are the fields changed since it last computed, ``old`` the
        settings it computed with. The controls show ``new``; if any of ``changed`` is one the
        explorer ``listens`` to, it recomputes at once (no debounce: the tab is being shown).
        """
        self._show_settings(new, changed)
        if changed & self.listens:
            self.update()

    def _sync(self, settings: Settings, changed: frozenset[str]) -> None:
        """Show ``settings`` on the controls (override; called without writing back)."""

    def _bind(self, control: widgets.Widget, field: str, convert: Callable = float) -> None:
        """Write ``control``'s value into the state field ``field`` whenever a person moves it."""
        control.observe(lambda ch: self._set(**{field: convert(ch["new"])}), names="value")

    def _show_value(self, control: widgets.Widget, value: Any) -> None:
        """Set a control from the state without writing back (and widen a slider that must)."""
        if hasattr(control, "max") and isinstance(value, int | float) and value > control.max:
            control.max = value
        if control.value != value:
            before, self._syncing = self._syncing, True
            try:
                control.value = value
            finally:
                self._syncing = before

    def _compute(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fail(self, exc: BaseException) -> None:
        """Keep ``exc`` as the explorer's error and show it in the message area."""
        self.error = exc
        self.message.error(exc)

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run ``step``; an exception is shown, never raised (the app must keep running)."""
        try:
            step()
        except Exception as exc:
            self._fail(exc)

    def update(self) -> None:
        """Recompute the result from the current controls and refresh every view (no raise).

        Two phases: numbers, tables and lists first (``_compute``, fast), then the charts
        (``_render``: their Vega-Lite specs, drawn by the browser). In a running kernel the
        charts are built on the next turn of the event loop, so the tables reach the browser
        first; without a loop both run at once.
        """
        self.error = None
        with self.working(""):
            self._guarded(self._compute)
        self.update_count += 1
        self._render_pending = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
        else:
            loop.call_soon(self.flush)

    def _render(self) -> None:
        """Show the charts of the current result (override)."""

    def flush(self) -> None:
        """Build the charts now if an update left them pending (no-op otherwise)."""
        if not self._render_pending:
            return
        self._render_pending = False
        with self.working("drawing the charts"):
            self._guarded(self._render)
        self.render_count += 1

    @contextlib.contextmanager
    def working(self, what: str) -> Iterator[None]:
        """Show "Working… ``what``" (after 0.3 s) while the block runs."""
        self.busy.value = BUSY.replace("{what}", what)
        try:
            yield
        finally:
            self.busy.value = ""

    def _observe_all(self, controls: Sequence[widgets.Widget]) -> None:
        for control in controls:
            control.observe(self._schedule, names="value")

    def _header(self) -> widgets.HTML:
        """The explorer's title (with the stylesheet)."""
        return widgets.HTML(heading_html(self.title))

    def _views(self) -> Sequence[widgets.Widget]:  # pragma: no cover - abstract
        """The HTML widgets and charts a snapshot copies, in display order."""
        raise NotImplementedError

    def snapshot(self) -> Snapshot:
        """A static copy of what the explorer shows now (HTML, and the charts shown)."""
        self.flush()
        parts: list[tuple[str, Any]] = []
        for view in self._views():
            if isinstance(view, ChartView):
                if view.spec is not None:
                    parts.append(("chart", view.spec))
            else:
                parts.append(("html", view.value))
        return Snapshot(f"{self.title}: {self.workspace.organization.name}", parts)
