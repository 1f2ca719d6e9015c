"""Print a report page to PDF with headless Chromium (``alliancekit report --pdf``).

``print_pdf`` runs the system's Chromium (``/usr/bin/chromium`` on Debian, or the executable
named by ``ALLIANCEKIT_CHROMIUM``) as ``chromium --headless --print-to-pdf`` on a copy of the
page that carries the print header and footer as CSS page-margin boxes (``@top-right``,
``@bottom-center`` with ``counter(page)``), so every page shows its number, the total and the
given header/footer text. Nothing is fetched from the internet: the page is self-contained and
Chromium runs with background networking disabled and a throw-away profile.

Chromium finds fonts through fontconfig. It is given the system's configuration plus the fonts
in ``alliancekit/data/fonts`` (``chromium_env``), so the charts' labels print in Liberation
Sans, the font they were measured with, whether or not the machine has it installed.

The PDF is written to a temporary file beside the target and renamed into place, so a failed
print never leaves a half-written PDF. A missing Chromium, a timeout or a failed print raise
``ReportError`` (the command line exits 4) with what to install or check.
"""

from __future__ import annotations

import html as html_lib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from alliancekit.errors import ReportError

__all__ = [
    "CHROMIUM_FLAGS",
    "HEADLESS_FLAGS",
    "chromium_env",
    "chromium_executable",
    "print_pdf",
]

#: Headless Chromium that talks to nothing outside this machine (also what the browser tests
#: and benchmarks launch Debian's chromium with).
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Flags for a headless print (the page margins carry our own header and footer).
CHROMIUM_FLAGS = (*HEADLESS_FLAGS, "--no-pdf-header-footer")

_TIMEOUT_S = 180


def chromium_executable() -> Path:
    """The Chromium to print with: ``$ALLIANCEKIT_CHROMIUM``, ``/usr/bin/chromium`` or on PATH.

    Raises
    ------
    ReportError
        No Chromium is installed (names the package to install and the variable to set).
    """
    named = os.environ.get("ALLIANCEKIT_CHROMIUM")
    candidates = [named] if named else ["/usr/bin/chromium"]
    if not named:
        candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return Path(candidate)
    where = f"ALLIANCEKIT_CHROMIUM={named} is not an executable file" if named else (
        "no chromium found at /usr/bin/chromium or on PATH")  # fmt: skip
    raise ReportError(
        f"cannot print the PDF: {where}; install it (Debian: apt-get install chromium) or set "
        "ALLIANCEKIT_CHROMIUM to its path, or run the report without --pdf"
    )


def chromium_env(folder: Path) -> dict[str, str]:
    """The environment to start Chromium with so it has the fonts reports are drawn with.

    Writes ``folder/fonts.conf``: the fontconfig configuration in use (``$FONTCONFIG_FILE``,
    else the system's ``/etc/fonts/fonts.conf``, when there is one) plus the folder
    ``alliancekit/data/fonts`` (Liberation Sans regular and bold, the static charts' measuring
    font), whose cache fontconfig writes in ``folder``. Returns this process's environment with
    ``FONTCONFIG_FILE`` pointing at that file.

    Parameters
    ----------
    folder : Path
        A private folder that lives as long as the browser (e.g. its profile's parent).
    """
    from xml.sax.saxutils import escape

    from alliancekit.resources import packaged

    system = Path(os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf")
    include = f'<include ignore_missing="yes">{escape(str(system))}</include>' if (
        system.is_file()) else ""  # fmt: skip
    conf = Path(folder) / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{escape(str(Path(folder) / 'fontconfig-cache'))}</cachedir>"
        f"{include}<dir>{escape(str(packaged('fonts')))}</dir></fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, one line)."""
    one_line = " ".join(text.split())
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _margin_css(header: str, footer: str) -> str:
    """The ``@page`` margin boxes: header top right, footer bottom left, page x of y right."""
    boxes = ['@bottom-right { content: "Page " counter(page) " of " counter(pages); }']
    if header:
        boxes.append(f"@top-right {{ content: {_css_text(header)}; }}")
    if footer:
        boxes.append(f"@bottom-left {{ content: {_css_text(footer)}; }}")
    style = "font-family: 'DejaVu Sans', sans-serif; font-size: 8pt; color: #5f6b73;"
    boxes = [b.replace("; }", f"; {style} }}") for b in boxes]
    return "@page { size: A4; margin: 16mm 12mm 16mm 12mm; " + " ".join(boxes) + " }"


def _with_margins(source: str, header: str, footer: str) -> str:
    """The page with the margin-box stylesheet as the last rule of its ``<head>``."""
    style = f'<style media="print">{_margin_css(header, footer)}</style>'
    lower = source.lower()
    at = lower.rfind("</head>")
    if at < 0:
        return f"<!DOCTYPE html><html><head>{style}</head><body>{source}</body></html>"
    return source[:at] + style + source[at:]


def print_pdf(html: Path, pdf: Path, *, header: str = "", footer: str = "") -> Path:
    """Print the HTML page ``html`` to ``pdf`` (A4) with headless Chromium; return ``pdf``.

    Parameters
    ----------
    html : Path
        A self-contained HTML page (a report, a brief).
    pdf : Path
        Where to write the PDF (replaced atomically; its folder is created if need be).
    header : str
        Text printed at the top right of every page (e.g. the workspace and period).
    footer : str
        Text printed at the bottom left of every page; "Page n of m" is always printed at the
        bottom right.

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    ReportError
        Chromium is missing, timed out (after 180 s) or wrote no PDF.
    """
    html, pdf = Path(html), Path(pdf)
    if not html.is_file():
        raise ReportError(f"cannot print the PDF: {html} does not exist")
    browser = chromium_executable()
    source = html.read_text(encoding="utf-8")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ak-print-", dir=pdf.parent) as tmp:
        page = Path(tmp) / html.name
        page.write_text(_with_margins(source, header, footer), encoding="utf-8")
        out = Path(tmp) / "out.pdf"
        command = [
            str(browser),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_S,
                env=chromium_env(Path(tmp)),
            )
        except subprocess.TimeoutExpired as exc:
            raise ReportError(
                f"cannot print the PDF: chromium took longer than {_TIMEOUT_S} s for {html}"
            ) from exc
        if not out.is_file() or out.stat().st_size == 0:
            last = (done.stderr or "").strip().splitlines()[-1:] or ["(no message)"]
            raise ReportError(
                f"cannot print the PDF: chromium exited {done.returncode} without writing it "
                f"for {html}: {html_lib.unescape(last[0])}"
            )
        os.replace(out, pdf)
    return pdf
