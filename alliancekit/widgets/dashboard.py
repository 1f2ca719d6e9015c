"""The web app: a workspace picker and upload over tabs that share one session state.

The tabs come from a registry (``TABS``; ``register_tab`` adds one, e.g. the group decision or
the roadmap): each entry builds its view from the workspace and the shared
:class:`~alliancekit.widgets.state.SessionState`, so a setting made in one tab is the setting of
every tab. Switching workspace keeps the settings that do not belong to one workspace (weights,
method, objective, thresholds) and the tab shown; "Reset to the workspace's settings" is the one
way back. While a workspace loads, the old one is taken off the screen at once.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
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
from alliancekit.widgets.state import SessionState
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
    views : dict attribute -> widget
        The current workspace's tab views (``scoring``, ``portfolio``, ``review`` and any
        registered later); each is also an attribute (``app.scoring``).
    workspace : Workspace or None
    message : MessageArea
    """

    def __init__(self, data_dir: str | Path | None = None, *, debounce: float = DEBOUNCE) -> None:
        from alliancekit.workspace import data_dir as default_data_dir

        super().__init__()
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.debounce = debounce
        self.state = SessionState()
        self._uploads: dict[str, Workspace] = {}
        self._folders = UploadFolders()
        self.workspace: Workspace | None = None
        self.views: dict[str, widgets.Widget] = {}
        self._tab_index: int | None = None
        self._panes: list[widgets.Box] = []
        self.scoring: ScoringExplorer | None = None
        self.portfolio: PortfolioExplorer | None = None
        self.review: ReviewExplorer | None = None
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
        """Build every tab for ``ws`` over the session state (settings carried over)."""
        self.state.switch(ws)
        self._build(ws)
        self.scenario_bar.show(ws)

    def _build(self, ws: Workspace) -> None:
        selected = self.tabs.selected_index if self._tab_index is None else self._tab_index
        self._tab_index = None
        for old in self.views.values():  # the old tabs stop listening to the state
            listener = getattr(old, "_on_state", None)
            if listener is not None:
                self.state.unobserve(listener)
        self.workspace = ws
        self.views = {}
        for tab in TABS:
            self.views[tab.attribute] = tab.build(ws, self.state, self.debounce)
            setattr(self, tab.attribute, self.views[tab.attribute])
        # the tabs keep their panes; only what a pane shows changes, so the browser keeps the
        # tab shown (a Tab whose children change goes back to its first tab)
        if len(self._panes) != len(TABS):
            self._panes = [widgets.Box(layout=widgets.Layout(display="block")) for _ in TABS]
            self.tabs.children = self._panes
            self.tabs.titles = tuple(t.title for t in TABS)
            if selected is not None and selected < len(TABS):
                self.tabs.selected_index = selected
        for pane, view in zip(self._panes, self.views.values(), strict=True):
            pane.children = (view,)
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
