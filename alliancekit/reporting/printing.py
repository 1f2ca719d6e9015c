"""Printing HTML to PDF with headless Chromium (Playwright, the system's ``/usr/bin/chromium``).

Minimal version by issue 16 (the printable brief); issue 17 owns this module and its version
is kept at merge. Nothing is loaded from the internet: the page is a local file.
"""

from __future__ import annotations

import html as _html
import os
import tempfile
from pathlib import Path

from alliancekit.errors import ReportError

__all__ = ["CHROMIUM", "print_pdf"]

#: The Chromium the package prints with (Debian's; Playwright never downloads one).
CHROMIUM = os.environ.get("ALLIANCEKIT_CHROMIUM", "/usr/bin/chromium")
_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _band(text: str) -> str:
    style = "font-size:8px;width:100%;padding:0 12mm;color:#555"
    return f'<div style="{style}">{_html.escape(text)}</div>'


def print_pdf(html: Path, pdf: Path, *, header: str = "", footer: str = "") -> Path:
    """Print the local HTML file ``html`` to ``pdf`` (A4, backgrounds on); returns ``pdf``.

    ``header`` and ``footer`` are plain text repeated on every page. The PDF is written to a
    temporary file beside ``pdf`` and renamed into place.

    Raises
    ------
    ReportError
        Chromium is missing or failed to print.
    """
    from playwright.sync_api import Error, sync_playwright

    html, pdf = Path(html).resolve(), Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".tmp.pdf", dir=pdf.parent)
    os.close(fd)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(html.as_uri(), wait_until="load")
                page.pdf(
                    path=tmp,
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=bool(header or footer),
                    header_template=_band(header) if header else "<span></span>",
                    footer_template=_band(footer) if footer else "<span></span>",
                    margin={"top": "14mm", "bottom": "14mm", "left": "0", "right": "0"},
                )
            finally:
                browser.close()
        os.replace(tmp, pdf)
    except Error as exc:
        raise ReportError(f"cannot print {html.name} to PDF with {CHROMIUM}: {exc}") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return pdf
