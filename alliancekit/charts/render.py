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
    "chart_title",
    "mimebundle",
    "svg_data_uri",
    "to_svg",
    "vegalite_version",
    "warm_up",
]

#: The output type JupyterLab 4 and Voila 0.5 draw with their bundled Vega-Lite v5 renderer.
VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"


@functools.cache
def vegalite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. ``5.20``)."""
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def _spec(chart: Any) -> dict:
    return chart if isinstance(chart, dict) else chart.to_dict()


def to_svg(chart: Any) -> str:
    """The chart as a standalone SVG document (text).

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` (validated against the Vega-Lite v5 schema while
        its spec is written) or a Vega-Lite spec.
    """
    import vl_convert

    _use_chart_font()
    spec = _spec(chart)
    spec = {**spec, "config": {**spec.get("config", {}), "font": SVG_FONT}}
    return vl_convert.vegalite_to_svg(spec, vl_version=vegalite_version())


@functools.cache
def _use_chart_font() -> None:
    """Let vl-convert measure text with the bundled chart font (once per process)."""
    import vl_convert

    from alliancekit.resources import packaged

    vl_convert.register_font_directory(str(packaged("fonts")))


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
