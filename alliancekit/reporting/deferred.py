"""Charts of a report drawn by the process that runs it, while the kernel goes on computing.

A report kernel started by :func:`~alliancekit.reporting.execute.execute_notebook` gets
``ALLIANCEKIT_DEFER_CHARTS=1``. Its figures (``as_figure``) then carry their Vega-Lite spec in a
placeholder image instead of drawing it: drawing a chart takes the kernel ≈ 0.1 s, and the
drawing engine ≈ 0.4 s to start. The running process reads each finished cell's outputs
(:meth:`ChartDrawer.cell_done`), draws the specs in a thread of its own — on the machine's other
core, while the kernel runs the next cells, and with an engine already warm for the next report
of a batch — and puts the SVG images in place before the executed notebook is written
(:meth:`ChartDrawer.finish`). The written notebook and the HTML are the same as a kernel drawing
its own charts would give: ``<img src="data:image/svg+xml;base64,…">``, no script.

A notebook run any other way (JupyterLab, a named kernel) draws its charts in the kernel.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = [
    "DEFER_ENV",
    "ChartDrawer",
    "charts_deferred",
    "placeholder_html",
]

#: Set to "1" in the environment of a kernel whose charts the running process draws.
DEFER_ENV = "ALLIANCEKIT_DEFER_CHARTS"

_PLACEHOLDER = re.compile(
    r'<img alt="(?P<alt>[^"]*)" data-ak-chart="(?P<spec>[A-Za-z0-9+/=]+)" src="[^"]*">'
)
#: What a placeholder shows if its notebook is opened before the charts were put in place.
_WAITING_SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="24"><text x="4" y="16" '
    b'font-family="DejaVu Sans, sans-serif" font-size="12">(chart being drawn)</text></svg>'
).decode("ascii")


def charts_deferred() -> bool:
    """True in a kernel whose charts the process running the report draws."""
    return os.environ.get(DEFER_ENV) == "1"


def placeholder_html(spec_base64: str, alt: str) -> str:
    """The ``<img>`` a report kernel shows for a chart the running process will draw.

    Parameters
    ----------
    spec_base64 : str
        The chart's Vega-Lite spec as JSON, base64-encoded (``ReportFigure.data_base64``).
    alt : str
        The image's alternative text (escaped here).
    """
    return (
        f'<img alt="{html.escape(alt, quote=True)}" data-ak-chart="{spec_base64}" '
        f'src="data:image/svg+xml;base64,{_WAITING_SVG}">'
    )


def _draw(encoded: str) -> str:
    from alliancekit.charts.render import to_svg

    svg = to_svg(json.loads(base64.b64decode(encoded)))
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _reason(exc: Exception) -> str:
    """The drawing engine's one-line reason (its JavaScript stack left out)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or [type(exc).__name__])[0].removeprefix("Error:").strip()


def _html_outputs(cell: Any) -> list[tuple[dict, str]]:
    """(output data, its HTML as one string) of every HTML output of a code cell."""
    found = []
    for output in cell.get("outputs", ()) if cell.get("cell_type") == "code" else ():
        data = output.get("data") or {}
        text = data.get("text/html")
        if text:
            found.append((data, "".join(text) if isinstance(text, list) else text))
    return found


class ChartDrawer:
    """Draws the charts a report kernel left as placeholders, in one background thread.

    Start it before the kernel, hand it every finished cell, then call :meth:`finish` on the
    executed notebook. One drawer serves one report; the drawing engine it warms stays warm in
    this process for the next.
    """

    def __init__(self) -> None:
        from alliancekit.charts.render import warm_up

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alliancekit-charts")
        self._futures: dict[str, Future[str]] = {}
        self._pool.submit(warm_up)  # the engine starts while the kernel starts

    def cell_done(self, cell: Any) -> None:
        """Queue the charts of a finished cell (each distinct spec once)."""
        for _, text in _html_outputs(cell):
            for match in _PLACEHOLDER.finditer(text):
                spec = match.group("spec")
                if spec not in self._futures:
                    self._futures[spec] = self._pool.submit(_draw, spec)

    def finish(self, nb: Any) -> list[str]:
        """Put every drawn chart in place in ``nb``'s outputs; the charts that failed, by title.

        Waits for the charts still being drawn. A chart that could not be drawn keeps its
        placeholder and is named in the returned list (its error after a colon).
        """
        failed: list[str] = []
        try:
            for cell in nb.cells:
                self.cell_done(cell)  # a cell whose completion was not reported (a failure)
                for data, text in _html_outputs(cell):
                    if 'data-ak-chart="' in text:
                        data["text/html"] = _PLACEHOLDER.sub(lambda m: self._image(m, failed), text)
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
        return failed

    def _image(self, match: re.Match[str], failed: list[str]) -> str:
        try:
            svg = self._futures[match.group("spec")].result()
        except Exception as exc:  # reported by name to the caller
            failed.append(f"“{html.unescape(match.group('alt'))}” ({_reason(exc)})")
            return match.group(0)
        return f'<img alt="{match.group("alt")}" src="data:image/svg+xml;base64,{svg}">'
