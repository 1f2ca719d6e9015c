"""The app's downloads: the Excel workbook and the printable brief (HTML and PDF) of the
current settings and edits, made by ``alliancekit.exports``.

ipywidgets has no download widget: a button makes the file and shows a link holding it as a
``data:`` URI (``download`` attribute with the file's name), which works offline in Voilà.
"""

from __future__ import annotations

import base64
import html
import re
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from alliancekit.errors import AllianceKitError
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.editing import button

__all__ = ["Downloads", "data_link"]

_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".pdf": "application/pdf",
}


def data_link(path: Path, text: str, css: str) -> str:
    """An ``<a download>`` link holding the file ``path`` as a ``data:`` URI."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = _TYPES.get(path.suffix.lower(), "application/octet-stream")
    return (
        f'<a class="ak-download {css}" download="{html.escape(path.name, quote=True)}" '
        f'href="data:{mime};base64,{data}">⬇ {html.escape(text)}</a>'
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "alliancekit"


class Downloads(widgets.VBox):
    """ "Download workbook (.xlsx)" and "Download brief (HTML/PDF)" for the current settings.

    Parameters
    ----------
    bar : ScenarioBar
        Gives the base workspace and the current settings as a scenario (``current``).

    Attributes
    ----------
    links : HTML
        The links to the files made last.
    """

    def __init__(self, bar: Any) -> None:
        super().__init__()
        self.bar = bar
        self.workbook_button = button(
            "Download workbook (.xlsx)",
            "ak-download-xlsx",
            "Settings, ranked partners, the portfolio and the review in an Excel file",
        )
        self.brief_button = button(
            "Download brief (HTML/PDF)", "ak-download-brief", "A one-page brief to print or send"
        )
        self.workbook_button.on_click(lambda _: self.workbook())
        self.brief_button.on_click(lambda _: self.brief())
        self.links = widgets.HTML("")
        self.links.add_class("ak-download-links")
        self.message = MessageArea()
        self.children = [
            widgets.HBox(
                [self.workbook_button, self.brief_button, self.links],
                layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
            ),
            self.message,
        ]

    def _scenario(self) -> Any:
        active = self.bar.active
        return self.bar.current(active.name if active is not None else "current-settings")

    def _stem(self) -> str:
        ws = self.bar.base
        active = self.bar.active
        name = active.name if active is not None else "current"
        return _slug(f"{ws.name if ws is not None else 'alliancekit'}-{name}")

    def workbook(self) -> Path | None:
        """Make the workbook of the current settings and show its link."""
        from alliancekit.exports import export_xlsx

        if self.bar.base is None:
            return None
        self.message.info("⏳ Working…")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = export_xlsx(
                    self.bar.base, Path(tmp) / f"{self._stem()}.xlsx", self._scenario()
                )
                self.links.value = data_link(path, f"Save {path.name}", "ak-link-xlsx")
        except AllianceKitError as exc:
            self.message.error(exc, context="The workbook could not be made.")
            return None
        self.message.info("The workbook is ready: click the link to save it.")
        return path

    def brief(self) -> Path | None:
        """Make the brief (HTML, and PDF when Chromium can print) and show the links."""
        from alliancekit.exports import export_brief

        if self.bar.base is None:
            return None
        self.message.info("⏳ Working…")
        stem = self._stem()
        links = []
        with tempfile.TemporaryDirectory() as tmp:
            page = Path(tmp) / f"{stem}-brief.html"
            try:
                export_brief(self.bar.base, page, None, self._scenario())
            except AllianceKitError as exc:
                self.message.error(exc, context="The brief could not be made.")
                return None
            links.append(data_link(page, f"Save {page.name}", "ak-link-html"))
            note = "The brief is ready: click a link to save it."
            try:
                from alliancekit.reporting.printing import print_pdf

                pdf = print_pdf(page, Path(tmp) / f"{stem}-brief.pdf")
                links.append(data_link(pdf, f"Save {pdf.name}", "ak-link-pdf"))
            except (AllianceKitError, OSError) as exc:
                note += f" The PDF could not be printed here ({exc}); print the HTML page instead."
            self.links.value = " ".join(links)
        self.message.info(note)
        return page
