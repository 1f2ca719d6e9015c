"""Look and words shared by every chart: palette, font, sizes, short names, the offline renderer.

Every chart is finished by ``parts.finish``, which sets the title and the one configuration
(``CONFIG``) on the chart itself, so a chart looks the same in a notebook, in the app and in a
report whatever Altair theme happens to be active. Nothing here runs at import time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import altair as alt

__all__ = [
    "CONFIG",
    "DECISION_COLOURS",
    "DECISION_ORDER",
    "FONT",
    "GREY",
    "INK",
    "MUTED",
    "PALETTE",
    "PALETTE_EXTENDED",
    "enable_offline_rendering",
    "group_colours",
    "short_name",
    "text_colour",
    "text_of",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Okabe–Ito, then three colours of Paul Tol's colour-blind-safe "muted" scheme (wine, teal,
#: olive) for charts with more than eight categories (the eleven criteria C1–C11).
PALETTE_EXTENDED: tuple[str, ...] = (*PALETTE, "#882255", "#44AA99", "#999933")
GREY = "#999999"
INK = "#1d2327"
MUTED = "#5f6b73"
#: The review decisions in their fixed colours (distinct under common colour-vision deficiencies).
DECISION_COLOURS: Mapping[str, str] = {
    "GROW": "#009E73",
    "MAINTAIN": "#0072B2",
    "RESTRUCTURE": "#E69F00",
    "EXIT": "#D55E00",
}
DECISION_ORDER: tuple[str, ...] = ("GROW", "MAINTAIN", "RESTRUCTURE", "EXIT")
#: The report page's font stack starts with DejaVu Sans, which exists offline everywhere.
FONT = "DejaVu Sans, Arial, sans-serif"
#: The font stack of static SVG charts. vl-convert measures their labels with the copy of
#: Liberation Sans it carries in memory (about twice as fast as any font read from a file); its
#: widths are Arial's and Helvetica's, so Windows and macOS viewers draw the labels exactly where
#: they were measured, Linux viewers with Liberation Sans too, and PDFs print with the copy in
#: ``alliancekit/data/fonts`` (see ``reporting.printing``).
SVG_FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
#: Altair renderers that draw without fetching JavaScript from a CDN.
_OFFLINE_RENDERERS = frozenset({"mimetype", "jupyterlab", "nteract", "json", "png", "svg"})

#: The one chart configuration (Vega-Lite ``config``): font, sizes, legends outside the plot.
CONFIG: Mapping[str, Any] = {
    "font": FONT,
    "background": "white",
    "padding": 8,
    "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 300},
    "title": {
        "fontSize": 15,
        "anchor": "start",
        "color": INK,
        "subtitleColor": MUTED,
        "subtitleFontSize": 12,
        "offset": 12,
    },
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 12,
        "labelColor": INK,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "titlePadding": 10,
        "maxExtent": 300,
        "labelLimit": 260,
        "gridColor": "#e3e7ea",
        "domainColor": MUTED,
        "tickColor": MUTED,
    },
    # below the plot, never over the data
    "legend": {
        "orient": "bottom",
        "direction": "horizontal",
        "labelFontSize": 11,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelLimit": 320,
        "symbolSize": 120,
        "columnPadding": 14,
    },
    "header": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": INK},
    "text": {"fontSize": 11, "color": INK},
    "range": {"category": list(PALETTE)},
}


def text_of(value: Any) -> str:
    """An Enum's value or any object's text (``Decision.GROW`` -> ``"GROW"``)."""
    return str(getattr(value, "value", value))


def short_name(text: Any, max_chars: int = 24) -> str:
    """``text`` cut to ``max_chars`` characters plus "…" when longer (whitespace trimmed).

    Parameters
    ----------
    text : any
        A name from the workspace (converted with ``str``; ``None`` gives "").
    max_chars : int
        Characters kept before the ellipsis [count].
    """
    s = "" if text is None else " ".join(str(text).split())
    return s if len(s) <= max_chars else s[:max_chars].rstrip() + "…"


@functools.cache
def enable_offline_rendering() -> str:
    """Draw charts with Jupyter's bundled Vega-Lite v5 renderer (no CDN); once per process.

    Altair's default HTML renderer and ``JupyterChart`` fetch JavaScript from a CDN, which users
    behind firewalls cannot reach; JupyterLab 4 and Voila 0.5 render the
    ``application/vnd.vegalite.v5+json`` output themselves. A renderer that already draws
    offline (e.g. ``svg`` or ``png`` chosen by the user) is kept. Returns the active renderer.
    """
    if alt.renderers.active not in _OFFLINE_RENDERERS:
        alt.renderers.enable("mimetype")
    return alt.renderers.active


def text_colour(fill: str) -> str:
    """White or ink, whichever reads better on ``fill`` (``#rrggbb``; WCAG relative luminance)."""
    rgb = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "white" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else INK


def group_colours(groups: Any) -> dict[str, str]:
    """Colour per distinct group in order of appearance; review decisions get their fixed
    colours, in the order GROW, MAINTAIN, RESTRUCTURE, EXIT."""
    distinct = [str(g) for g in dict.fromkeys(text_of(g) for g in groups)]
    if distinct and all(g in DECISION_COLOURS for g in distinct):
        return {g: DECISION_COLOURS[g] for g in DECISION_ORDER if g in distinct}
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(distinct)}
