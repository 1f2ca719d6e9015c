"""Static SVG of a chart for reports: drawn by vl-convert (no browser, no script in the page).

vl-convert runs Vega in an embedded JavaScript engine; the first drawing in a process starts it
(≈ 0.6 s), later ones take a few tens of milliseconds. Text stays text (``<text>`` elements in
the chart's font stack, DejaVu Sans first) and workspace text is escaped by Vega's SVG writer.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

__all__ = ["chart_title", "svg_data_uri", "to_svg", "vegalite_version", "warm_up"]


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

    return vl_convert.vegalite_to_svg(_spec(chart), vl_version=vegalite_version())


@functools.cache
def warm_up() -> None:
    """Start the drawing engine now (once per process), e.g. before a report's first chart."""
    to_svg({"mark": "point", "data": {"values": [{}]}})


def svg_data_uri(chart: Any) -> str:
    """``data:image/svg+xml;base64,…`` of the chart (or of an SVG document given as text)."""
    svg = chart if isinstance(chart, str) else to_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_title(chart: Any) -> str:
    """The chart's title text (e.g. for an ``<img alt>`` in a report); "" when it has none."""
    title = _spec(chart).get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)
