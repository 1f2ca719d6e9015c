"""Static SVG of a chart for reports: drawn by vl-convert (no browser, no script in the page).

vl-convert runs Vega in an embedded JavaScript engine; the first drawing in a process starts it
(≈ 0.4 s), later ones take 30–90 ms. Text stays text (``<text>`` elements) and workspace text
is escaped by Vega's SVG writer. Labels are measured with Liberation Sans, which vl-convert
carries in memory, and the SVG names the stack :data:`~alliancekit.charts.theme.SVG_FONT`
(Liberation Sans, then Arial and Helvetica, which have the same widths).
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from alliancekit.charts.theme import SVG_FONT

__all__ = [
    "VEGALITE_MIMETYPE",
    "VEGALITE_VERSION",
    "chart_spec",
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


def chart_spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec, as ``chart.to_dict(validate=False)`` writes it, faster.

    Altair's ``to_dict`` re-creates every layered or concatenated chart to serialise it, and
    each re-created chart deep-copies its sub-charts again: most of the time a report or the
    app spends on a chart of ``alliancekit.charts``. Here the chart objects are walked as they
    are, and every other part (encodings, axes, scales, titles) is written by Altair itself.
    A chart whose data is not a named dataset or a URL (a DataFrame, inline values, a view
    with no data at all) is left to ``to_dict``, which prepares such data. The tests check the
    two give the same spec for every chart of the package and for those other kinds.

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` (a dict is returned as it is).
    """
    if isinstance(chart, dict):
        return chart
    import altair as alt
    from altair.utils import update_nested

    datasets: dict[str, Any] = {}  # filled, as by Altair, by parts holding data of their own
    try:
        spec = _walk(chart, {"datasets": datasets, "top_level": False}, *_chart_types())
    except _InlineDataError:
        return chart.to_dict(validate=False)
    if datasets:
        spec.setdefault("datasets", {}).update(datasets)
    spec.setdefault("$schema", alt.SCHEMA_URL)
    theme = alt.theme.get()
    return update_nested(theme(), spec, copy=True) if theme else spec


class _InlineDataError(Exception):
    """A chart with data of its own, which only Altair's ``to_dict`` knows how to prepare."""


@functools.cache
def _chart_types() -> tuple[tuple[type, ...], type, tuple[type, ...]]:
    """Data kinds written as they are, Altair's single-view chart class, every chart class."""
    import altair as alt

    charts = (alt.Chart, alt.LayerChart, alt.ConcatChart, alt.HConcatChart, alt.VConcatChart,
              alt.FacetChart, alt.RepeatChart)  # fmt: skip
    return (alt.NamedData, alt.UrlData), alt.Chart, charts


def _walk(
    obj: Any,
    context: dict[str, Any],
    by_ref: tuple[type, ...],
    view: type,
    charts: tuple[type, ...],
) -> Any:
    """``obj`` as JSON-ready values; chart objects by their properties, without copies."""
    from altair.utils.schemapi import SchemaBase, Undefined, _todict

    def walk(value: Any) -> Any:
        return _walk(value, context, by_ref, view, charts)

    if isinstance(obj, charts):
        props = {k: v for k, v in obj._kwds.items() if v is not Undefined}
        data = props.get("data")
        if data is not None and not isinstance(data, by_ref):
            raise _InlineDataError  # Altair moves such data to top-level "datasets"
        if data is not None:
            context = {**context, "data": data}  # the same "datasets" dict, shared
        elif isinstance(obj, view) and "data" not in context:
            raise _InlineDataError  # Altair gives a view without data an "empty" dataset
        if isinstance(props.get("mark"), str):
            props["mark"] = {"type": props["mark"]}
        return {k: walk(v) for k, v in props.items()}
    if isinstance(obj, SchemaBase):
        return obj.to_dict(validate=False, context=context)
    if isinstance(obj, list | tuple):
        return [walk(v) for v in obj]
    if isinstance(obj, dict):
        return {k: walk(v) for k, v in obj.items() if v is not Undefined}
    return _todict(obj, context, None, None)


def static_spec(chart: Any) -> dict:
    """The chart's spec as static SVG draws it: text in the font stack ``SVG_FONT``.

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` or a Vega-Lite spec (not changed).
    """
    spec = chart_spec(chart)
    return {**spec, "config": {**spec.get("config", {}), "font": SVG_FONT}}


def to_svg(chart: Any) -> str:
    """The chart as a standalone SVG document (text).

    Parameters
    ----------
    chart : altair chart or dict
        A chart from ``alliancekit.charts`` or a Vega-Lite spec. The spec is drawn as it is,
        not validated (the tests validate every chart's spec against the Vega-Lite v5 schema;
        ``chart.to_dict()`` validates a chart of your own).
    """
    from alliancekit.charts.drawing_process import draw

    return draw(static_spec(chart), VEGALITE_VERSION)


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
    spec = chart.to_dict(validate=True) if validate and not isinstance(chart, dict) else None
    spec = spec or chart_spec(chart)
    return {VEGALITE_MIMETYPE: spec, "text/plain": chart_title(spec) or "chart"}


def chart_title(chart: Any) -> str:
    """The chart's title text (e.g. for an ``<img alt>`` in a report); "" when it has none."""
    title = chart_spec(chart).get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)
