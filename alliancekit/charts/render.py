"""Static SVG of a chart for reports: drawn by vl-convert (no browser, no script in the page).

vl-convert runs Vega in an embedded JavaScript engine; the first drawing in a process starts it
(≈ 0.4 s), later ones take about 0.1 s. Text stays text (``<text>`` elements) and workspace text
is escaped by Vega's SVG writer. Labels are measured with "alliancekit Sans", DejaVu Sans cut
down to the scripts names use and shipped in ``alliancekit/data/fonts`` (vl-convert measures
text about twice as fast with a small file); the SVG names the font stack
:data:`~alliancekit.charts.theme.SVG_FONT`, so a viewer draws DejaVu Sans, whose widths are the
ones measured.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from alliancekit.charts.theme import SVG_FONT

__all__ = [
    "VEGALITE_MIMETYPE",
    "VEGALITE_VERSION",
    "chart_font_dir",
    "chart_title",
    "mimebundle",
    "skip_eager_validation",
    "static_spec",
    "svg_data_uri",
    "to_svg",
    "vegalite_version",
    "warm_up",
]

#: The output type JupyterLab 4 and Voila 0.5 draw with their bundled Vega-Lite v5 renderer.
VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"


#: The Vega-Lite version Altair 5.5 writes specs for, as vl-convert names it (the tests check
#: it against ``altair.SCHEMA_VERSION``; written here so a drawing process needs no Altair).
VEGALITE_VERSION = "5.20"


def vegalite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. ``5.20``)."""
    return VEGALITE_VERSION


def _spec(chart: Any) -> dict:
    return chart if isinstance(chart, dict) else chart.to_dict()


def static_spec(chart: Any) -> dict:
    """The chart's spec as static SVG draws it: text measured with the bundled chart font.

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` or a Vega-Lite spec (not changed).
    """
    spec = _spec(chart)
    return {**spec, "config": {**spec.get("config", {}), "font": SVG_FONT}}


def chart_font_dir() -> str:
    """The folder of the font static charts are measured with ("alliancekit Sans")."""
    from alliancekit.resources import packaged

    return str(packaged("fonts"))


def to_svg(chart: Any) -> str:
    """The chart as a standalone SVG document (text).

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` (validated against the Vega-Lite v5 schema while
        its spec is written) or a Vega-Lite spec.
    """
    from alliancekit.charts.drawing_process import draw

    _use_chart_font()
    return draw(static_spec(chart), VEGALITE_VERSION)


@functools.cache
def _use_chart_font() -> None:
    """Let vl-convert measure text with the bundled chart font (once per process)."""
    import vl_convert

    vl_convert.register_font_directory(chart_font_dir())


def skip_eager_validation() -> None:
    """Stop Altair validating every object as it is built (its "debug mode"), for this process.

    Altair checks each encoding, mark and chart against the schema when it is constructed: about
    a third of the time a chart of ``alliancekit.charts`` takes to build. Every chart's spec is
    validated against the Vega-Lite v5 schema by the tests, so the report kernel and the web app
    skip the check (a slider step redraws its chart ≈ 15 ms sooner); a user's own notebook keeps
    Altair's default.
    """
    from altair.utils import schemapi

    schemapi.disable_debug_mode()


@functools.cache
def warm_up() -> None:
    """Start the drawing engine now (once per process), e.g. before a report's first chart."""
    to_svg({"mark": "point", "data": {"values": [{}]}})


def svg_data_uri(chart: Any) -> str:
    """``data:image/svg+xml;base64,…`` of the chart (or of an SVG document given as text)."""
    svg = chart if isinstance(chart, str) else to_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def mimebundle(chart: Any, *, validate: bool = False) -> dict[str, Any]:
    """The chart as a Jupyter output: the Vega-Lite v5 spec, plus its title as plain text.

    For the app: ``IPython.display.display(mimebundle(chart), raw=True)`` inside an
    ``ipywidgets.Output`` draws the chart offline without re-validating a spec the tests
    validate already (about half of Altair's serialising time); ``display(chart)`` works too.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=validate)
    return {VEGALITE_MIMETYPE: spec, "text/plain": chart_title(spec) or "chart"}


def chart_title(chart: Any) -> str:
    """The chart's title text (e.g. for an ``<img alt>`` in a report); "" when it has none."""
    title = _spec(chart).get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)
