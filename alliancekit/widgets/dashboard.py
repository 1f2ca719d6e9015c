"""The web app: a workspace picker and upload over tabs that share one session state.

The tabs come from a registry (``TABS``; ``register_tab`` adds one, e.g. the group decision or
the roadmap): each entry builds its view from the workspace and the shared
:class:`~alliancekit.widgets.state.SessionState`, so a setting made in one tab is the setting of
every tab. Switching workspace keeps the settings that do not belong to one workspace (weights,
method, objective, thresholds) and the tab shown; "Reset to the workspace's settings" is the one
way back. While a workspace loads, the old one is taken off the screen at once.

Tabs are lazy (issue 15): only the tab shown is built when a workspace opens, and a settings
change recomputes only the tab shown (and the tab whose control made it). Every other tab is
marked stale: its content is hidden at once behind "Updating…" and it catches up when it is shown
(the Tab's ``selected_index``) or when code asks for it (``app.portfolio``, ``app.view(...)``,
``app.views[...]``), from the settings current then. So no tab ever shows stale content under
new settings, and a tab that reads another's result through the state (the weights in the
portfolio's score objective, the review's exits in the plan) reads the current one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from alliancekit.model import Workspace
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.explorer import DEBOUNCE, Snapshot
from alliancekit.widgets.markup import heading_html
from alliancekit.widgets.portfolio import PortfolioExplorer
from alliancekit.widgets.review import ReviewExplorer
from alliancekit.widgets.scenarios import scenario_bar
from alliancekit.widgets.scoring import ScoringExplorer
from alliancekit.widgets.state import SessionState, Settings
from alliancekit.widgets.upload import UploadFolders, public_error, upload_items

__all__ = [
    "TABS",
    "TAB_TITLES",
    "Dashboard",
    "Tab",
    "dashboard",
    "register_tab",
    "workspace_sources",
]


@dataclass(frozen=True)
class Tab:
    """One tab of the app.

    Attributes
    ----------
    title : str
        The tab's title.
    attribute : str
        The Dashboard attribute holding its view (``scoring``), for code and tests.
    build : callable
        ``build(workspace, state, debounce) -> Widget``.
    """

    title: str
    attribute: str
    build: Callable[[Workspace, SessionState, float], widgets.Widget]


#: The app's tabs, in order (extend with ``register_tab``).
TABS: list[Tab] = [
    Tab("1 Score partners", "scoring", lambda ws, st, d: ScoringExplorer(ws, state=st, debounce=d)),
    Tab(
        "2 Select portfolio",
        "portfolio",
        lambda ws, st, d: PortfolioExplorer(ws, state=st, debounce=d),
    ),
    Tab("3 Review alliances", "review", lambda ws, st, d: ReviewExplorer(ws, state=st, debounce=d)),
]
#: Titles of the built-in tabs, in order.
TAB_TITLES = tuple(t.title for t in TABS)


def register_tab(tab: Tab) -> None:
    """Add a tab after the others (replacing one with the same ``attribute``)."""
    TABS[:] = [t for t in TABS if t.attribute != tab.attribute] + [tab]


#: What a stale or not yet built tab shows while it is brought up to date: "Updating…", only
#: when that takes more than 0.3 s (a CSS animation delay, as the explorers' busy line).
UPDATING = (
    "<style>@keyframes ak-appear {to {opacity: 1;}}"
    ".ak-tab-updating {opacity: 0; animation: ak-appear 0s 0.3s forwards;}</style>"
    '<div class="ak-busy ak-tab-updating" role="status">⏳ Updating…</div>'
)


@dataclass(eq=False)
class _Slot:
    """One tab of the workspace shown: its pane, its view once built, and what it missed.

    Attributes
    ----------
    tab : Tab
    pane : Box
        The Tab's child: ``(view, updating)`` once built, ``(updating,)`` before.
    updating : HTML
        "Updating…", shown instead of the view while it is stale.
    view : Widget or None
        None until the tab is first shown or asked for.
    listener : callable or None
        The view's own state listener (taken off the state: the app calls it when due).
    old : Settings or None
        The settings the view last computed with, while it is stale.
    changed : frozenset of str
        Settings fields changed since then (empty: up to date).
    """

    tab: Tab
    pane: widgets.Box
    updating: widgets.HTML
    view: widgets.Widget | None = None
    listener: Callable[[Settings, Settings, frozenset[str]], None] | None = None
    old: Settings | None = None
    changed: frozenset[str] = field(default_factory=frozenset)


class _Views(Mapping):
    """``Dashboard.views``: attribute -> view, each built or brought up to date when read."""

    def __init__(self, app: Dashboard) -> None:
        self._app = app

    def __getitem__(self, attribute: str) -> widgets.Widget:
        if attribute not in self._app._slots:
            raise KeyError(attribute)
        return self._app.view(attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._app._slots))

    def __len__(self) -> int:
        return len(self._app._slots)


def workspace_sources(data_dir: Path) -> list[tuple[str, str]]:
    """(label, path) for every workspace folder (with organization.yaml) or .xlsx in data_dir."""
    out: list[tuple[str, str]] = []
    if not data_dir.is_dir():
        return out
    for path in sorted(data_dir.iterdir()):
        is_folder = path.is_dir() and (path / "organization.yaml").is_file()
        if is_folder or (path.suffix.lower() == ".xlsx" and path.is_file()):
            out.append((path.name, str(path)))
    return out


def _title_html(name: str) -> str:
    """The page title the app's template copies into ``document.title``."""
    text = html.escape(f"alliancekit — {name}" if name else "alliancekit", quote=True)
    return f'<span class="ak-page-title" data-title="{text}" hidden></span>'


class Dashboard(widgets.VBox):
    """The web app: workspace picker and upload, and the tabs over one session state.

    Attributes
    ----------
    data_dir : Path
    state : SessionState
        Every setting the tabs share.
    picker : Dropdown
        Workspaces found in ``data_dir`` (folders and .xlsx) plus uploaded ones.
    upload : FileUpload
        A user's own ``.xlsx`` workbook or zipped CSV folder; problems are shown in ``message``.
    reset_button : Button
        "Reset to the workspace's settings".
    tabs : Tab
    views : mapping attribute -> widget
        The current workspace's tab views (``scoring``, ``portfolio``, ``review`` and any
        registered later); each is also an attribute (``app.scoring``). Reading one builds it
        or brings it up to date (tabs are lazy, see the module's docstring).
    built : tuple of str
        The tabs built so far for the workspace shown (attributes, in order).
    stale : tuple of str
        The built tabs whose settings changed since they last computed.
    workspace : Workspace or None
    message : MessageArea
    """

    scoring: ScoringExplorer
    portfolio: PortfolioExplorer
    review: ReviewExplorer

    def __init__(self, data_dir: str | Path | None = None, *, debounce: float = DEBOUNCE) -> None:
        from alliancekit.charts.render import skip_eager_validation
        from alliancekit.workspace import data_dir as default_data_dir

        super().__init__()
        skip_eager_validation()  # the app's charts: specs validated by the tests
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.debounce = debounce
        self.state = SessionState()
        self._uploads: dict[str, Workspace] = {}
        self._folders = UploadFolders()
        self.workspace: Workspace | None = None
        self._slots: dict[str, _Slot] = {}
        self._tab_index: int | None = None
        self._panes: list[widgets.Box] = []
        self.state.observe(self._on_state)
        sources = workspace_sources(self.data_dir)
        self.picker = widgets.Dropdown(
            options=sources,
            value=sources[0][1] if sources else None,
            description="Workspace",
            layout=widgets.Layout(width="380px"),
        )
        self.picker.add_class("ak-picker")
        self.upload = widgets.FileUpload(
            accept=".xlsx,.zip",
            multiple=False,
            description="Upload a workspace (.xlsx or .zip)",
            tooltip="Upload a workspace: an .xlsx workbook or a .zip of its CSV folder",
            layout=widgets.Layout(width="300px"),
        )
        self.upload.add_class("ak-upload")
        self.reset_button = widgets.Button(
            description="Reset to the workspace's settings",
            tooltip="Put every setting of every tab back to the workspace's own",
            layout=widgets.Layout(width="280px"),
        )
        self.reset_button.add_class("ak-reset")
        self.reset_button.on_click(lambda _: self.reset())
        self.title = widgets.HTML(_title_html(""))
        self.status = widgets.HTML("")
        self.status.add_class("ak-status")
        self.message = MessageArea()
        self.message.add_class("ak-app-message")
        self.tabs = widgets.Tab()
        self.tabs.observe(self._on_tab, names="selected_index")
        self.picker.observe(lambda ch: self.open_workspace(ch["new"]), names="value")
        self.upload.observe(self._on_upload, names="value")
        self.children = [
            self.title,
            widgets.HTML(
                heading_html("alliancekit: choose, plan and review strategic alliances", level=2)
            ),
            widgets.HBox(
                [self.picker, self.upload, self.reset_button],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            self.status,
            self.message,
            self.tabs,
        ]
        self.scenario_bar = scenario_bar(self)  # issue 16: scenarios and editing over the tabs
        self.children = (*self.children[:-1], self.scenario_bar, self.tabs)
        if self.picker.value is not None:
            self.open_workspace(self.picker.value)
        else:
            self.message.error("No workspaces found in the data folder; upload an .xlsx workbook.")

    def _loading(self, name: str) -> None:
        """Take the old workspace off the screen at once and say what is loading."""
        self._tab_index = self.tabs.selected_index
        self.tabs.layout.display = "none"
        self.title.value = _title_html(name)
        self.status.value = (
            f'<div class="ak-busy" role="status">⏳ Loading {html.escape(name)}…</div>'
        )
        self.message.info("")

    def open_workspace(self, source: str | Workspace | None) -> None:
        """Show a workspace (a path from the picker, an uploaded key, or a Workspace)."""
        from alliancekit.workspace import load_workspace

        if source is None:
            return
        label = dict((v, k) for k, v in self.picker.options).get(source, str(source))
        previous = self.workspace
        try:
            if isinstance(source, Workspace):
                ws = source
            elif source in self._uploads:
                ws = self._uploads[source]
            else:
                self._loading(Path(str(label)).name)
                ws = load_workspace(source)
            self.show(ws)
        except Exception as exc:  # the app must keep running: show, do not raise
            self.status.value = ""
            if previous is not None:  # the picked one failed: the previous one stays
                self.title.value = _title_html(previous.organization.name)
                self.tabs.layout.display = None
                self._tab_index = None
            self.message.error(public_error(exc, {str(self.data_dir.resolve()): "data"}))

    def show(self, ws: Workspace) -> None:
        """Show ``ws`` over the session state (settings carried over): its tab shown is built
        now, the others when first shown or asked for."""
        self.state.switch(ws)
        self._build(ws)
        self.scenario_bar.show(ws)

    # the lazy tabs -------------------------------------------------------------------------
    @property
    def views(self) -> _Views:
        """attribute -> view of the workspace shown (each built or brought up to date when
        read)."""
        return _Views(self)

    @property
    def built(self) -> tuple[str, ...]:
        """The tabs built so far for the workspace shown."""
        return tuple(a for a, slot in self._slots.items() if slot.view is not None)

    @property
    def stale(self) -> tuple[str, ...]:
        """The built tabs whose settings changed since they last computed."""
        return tuple(a for a, slot in self._slots.items() if slot.view is not None and slot.changed)

    def __getattr__(self, name: str) -> Any:
        """A tab's view by its attribute (``app.roadmap``), brought up to date."""
        slots = self.__dict__.get("_slots")
        if name.startswith("_") or slots is None:
            raise AttributeError(name)
        if name in slots:
            return self.view(name)
        if any(t.attribute == name for t in TABS):  # a tab, but no workspace shown
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def view(self, attribute: str) -> widgets.Widget:
        """The view of the tab ``attribute``: built if it was not, recomputed if it is stale.

        Raises
        ------
        KeyError
            No such tab, or no workspace shown.
        """
        slot = self._slots[attribute]
        self._bring_up_to_date(slot)
        assert slot.view is not None
        return slot.view

    def _shown(self) -> _Slot | None:
        """The slot of the tab shown (None without a workspace)."""
        index = self.tabs.selected_index or 0
        slots = list(self._slots.values())
        return slots[index] if index < len(slots) else None

    def _on_tab(self, change: dict) -> None:
        """A tab is shown: bring it up to date (it says "Updating…" meanwhile)."""
        slot = self._shown()
        if slot is not None:
            self._bring_up_to_date(slot)

    def _bring_up_to_date(self, slot: _Slot) -> None:
        if slot.view is None:
            self._construct(slot)
        elif slot.changed:
            old, changed = slot.old, slot.changed
            slot.old, slot.changed = None, frozenset()
            catch_up = getattr(slot.view, "catch_up", None) or slot.listener
            if catch_up is not None and old is not None:
                catch_up(old, self.state.settings, changed)
            slot.view.layout.display = None
            slot.updating.layout.display = "none"

    def _construct(self, slot: _Slot) -> None:
        """Build the tab's view for the workspace shown and put it in its pane."""
        assert self.workspace is not None
        view = slot.tab.build(self.workspace, self.state, self.debounce)
        listener = getattr(view, "_on_state", None)
        if listener is not None:  # the app tells it of changes when due (``_on_state``)
            self.state.unobserve(listener)
        slot.view, slot.listener = view, listener
        slot.updating.layout.display = "none"
        slot.pane.children = (view, slot.updating)

    def _on_state(self, old: Settings, new: Settings, changed: frozenset[str]) -> None:
        """A setting changed: the tab shown, and the tab whose control changed it, follow now;
        every other built tab is marked stale and hides its content until it is shown."""
        shown = self._shown()
        for slot in list(self._slots.values()):
            if slot.view is None or slot.listener is None:  # not built, or not following
                continue
            listens = getattr(slot.view, "listens", None)
            if not slot.changed and listens is not None and not changed & listens:
                slot.listener(old, new, changed)  # its controls follow; nothing to recompute
                continue
            if slot is shown or getattr(slot.view, "writing", False):
                if slot.changed:  # it missed earlier changes too
                    slot.changed |= changed
                    self._bring_up_to_date(slot)
                elif slot.listener is not None:
                    slot.listener(old, new, changed)
                continue
            if not slot.changed:
                slot.old = old
                slot.view.layout.display = "none"
                slot.updating.layout.display = None
            slot.changed |= changed

    def _build(self, ws: Workspace) -> None:
        selected = self.tabs.selected_index if self._tab_index is None else self._tab_index
        self._tab_index = None
        self.workspace = ws
        # the tabs keep their panes; only what a pane shows changes, so the browser keeps the
        # tab shown (a Tab whose children change goes back to its first tab)
        if len(self._panes) != len(TABS):
            self._panes = [widgets.Box(layout=widgets.Layout(display="block")) for _ in TABS]
            self._slots = {}
            self.tabs.children = self._panes
            self.tabs.titles = tuple(t.title for t in TABS)
            if selected is not None and selected < len(TABS):
                self.tabs.selected_index = selected
        slots = {}
        for tab, pane in zip(TABS, self._panes, strict=True):
            updating = widgets.HTML(UPDATING)
            pane.children = (updating,)
            slots[tab.attribute] = _Slot(tab, pane, updating)
        self._slots = slots  # the old views are dropped (they no longer hear the state)
        shown = self._shown()
        if shown is not None:
            self._construct(shown)
        self.tabs.layout.display = None
        org = ws.organization
        self.title.value = _title_html(org.name)
        self.status.value = ""
        self.message.info(
            f"{org.name}: {len(ws.candidates)} candidates, {len(ws.alliances)} existing "
            f"alliances; money in {org.money_label}."
        )

    def reset(self) -> None:
        """Put every setting back to the workspace's own (every tab follows)."""
        self.state.reset()

    def _on_upload(self, change: dict) -> None:
        items = upload_items(change["new"])
        if not items:
            return
        name, content = items[-1]
        self.status.value = (
            f'<div class="ak-busy" role="status">⏳ Reading {html.escape(name)}…</div>'
        )
        try:
            ws = self._folders.load(name, content)
        except Exception as exc:  # the app keeps the previous workspace and says why
            self.status.value = ""
            self.message.error(public_error(exc), context=f"Could not load {name}.")
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
        """Static copy of the tabs (headless runs)."""
        parts: list[tuple[str, Any]] = [("html", self.message.value)]
        for ex in self.views.values():
            if hasattr(ex, "snapshot"):
                snap = ex.snapshot()
                parts.append(("html", f"<h3>{html.escape(snap.title)}</h3>"))
                parts.extend(snap.parts)
        return Snapshot("alliancekit dashboard", parts)


def dashboard(
    data_dir: str | Path | None = None, *, interactive: bool = True, debounce: float = DEBOUNCE
) -> Dashboard | Snapshot:
    """The app (``Dashboard``) over the workspaces in ``data_dir``; a Snapshot if headless.

    ``data_dir`` defaults to ``alliancekit.workspace.data_dir()`` (``$ALLIANCEKIT_DATA`` or the
    repository's ``data/``); ``debounce`` is the explorers' quiet time [s].
    """
    app = Dashboard(data_dir, debounce=debounce)
    return app if interactive else app.snapshot()
