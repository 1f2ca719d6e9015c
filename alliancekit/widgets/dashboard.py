"""The web app: a workspace picker and upload over tabs with the three explorers."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from alliancekit.model import Workspace
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.explorer import DEBOUNCE, Snapshot
from alliancekit.widgets.markup import heading_html
from alliancekit.widgets.portfolio import PortfolioExplorer
from alliancekit.widgets.review import ReviewExplorer
from alliancekit.widgets.scoring import ScoringExplorer
from alliancekit.widgets.upload import UploadFolders, public_error, upload_items

__all__ = ["TAB_TITLES", "Dashboard", "dashboard", "workspace_sources"]

#: Titles of the explorer tabs, in order.
TAB_TITLES = ("1 Score partners", "2 Select portfolio", "3 Review alliances")


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
    message : MessageArea
    """

    def __init__(self, data_dir: str | Path | None = None, *, debounce: float = DEBOUNCE) -> None:
        from alliancekit.workspace import data_dir as default_data_dir

        super().__init__()
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.debounce = debounce
        self._uploads: dict[str, Workspace] = {}
        self._folders = UploadFolders()
        self.workspace: Workspace | None = None
        self.scoring: ScoringExplorer | None = None
        self.portfolio: PortfolioExplorer | None = None
        self.review: ReviewExplorer | None = None
        sources = workspace_sources(self.data_dir)
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
        self.message = MessageArea()
        self.message.add_class("ak-app-message")
        self.tabs = widgets.Tab()
        self.picker.observe(lambda ch: self.open_workspace(ch["new"]), names="value")
        self.upload.observe(self._on_upload, names="value")
        self.children = [
            widgets.HTML(
                heading_html("alliancekit: choose, plan and review strategic alliances", level=2)
            ),
            widgets.HBox([self.picker, self.upload]),
            self.message,
            self.tabs,
        ]
        if self.picker.value is not None:
            self.open_workspace(self.picker.value)
        else:
            self.message.error("No workspaces found in the data folder; upload an .xlsx workbook.")

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
        except Exception as exc:  # the app must keep running: show, do not raise
            self.message.error(public_error(exc, {str(self.data_dir.resolve()): "data"}))

    def show(self, ws: Workspace) -> None:
        """Build the three explorers for ``ws`` and put them in the tabs."""
        self.workspace = ws
        self.scoring = ScoringExplorer(ws, debounce=self.debounce)
        self.portfolio = PortfolioExplorer(ws, debounce=self.debounce)
        self.review = ReviewExplorer(ws, debounce=self.debounce)
        self.tabs.children = [self.scoring, self.portfolio, self.review]
        self.tabs.titles = TAB_TITLES
        org = ws.organization
        self.message.info(
            f"{org.name}: {len(ws.candidates)} candidates, {len(ws.alliances)} existing "
            f"alliances; money in {org.money_label}."
        )

    def _on_upload(self, change: dict) -> None:
        items = upload_items(change["new"])
        if not items:
            return
        name, content = items[-1]
        try:
            ws = self._folders.load(name, content)
        except Exception as exc:  # the app keeps the previous workspace and says why
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
    repository's ``data/``); ``debounce`` is the explorers' quiet time [s].
    """
    app = Dashboard(data_dir, debounce=debounce)
    return app if interactive else app.snapshot()
