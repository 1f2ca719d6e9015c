"""Health radar: the dimensions D1–D6 [0–100] of one or a few alliances.

Vega-Lite has no polar lines, so the rings, spokes, labels and each alliance's polygon are
computed here in unit-circle coordinates: D1 at the top, then clockwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import partner_label
from alliancekit.charts.parts import finish, layer, source, tooltip_of
from alliancekit.charts.review import alliance_names
from alliancekit.charts.theme import INK, MUTED, PALETTE

__all__ = ["health_radar"]

_RINGS = (25, 50, 75, 100)
#: Half-widths of the drawn area [radius units] and px per radius unit: equal scales on both
#: axes keep the rings regular.
_HALF_X, _HALF_Y, _PX = 1.8, 1.3, 125.0


def _radar_frames(
    table: pd.DataFrame, ids: Sequence[str], names: Mapping[str, str]
) -> dict[str, pd.DataFrame]:
    """Rings, spokes, labels and one closed polygon per alliance, in unit-circle coordinates.

    Dimension k sits at angle 90° − k·360°/n: D1 at the top, then clockwise.
    """
    from alliancekit.review import DIMENSION_NAMES, DIMENSIONS

    n = len(DIMENSIONS)
    angle = [math.pi / 2 - 2 * math.pi * k / n for k in range(n)]
    cos, sin = np.cos(angle), np.sin(angle)
    loop = [*range(n), 0]
    rings = pd.DataFrame(
        [(r, i, r / 100 * cos[k], r / 100 * sin[k]) for r in _RINGS for i, k in enumerate(loop)],
        columns=["ring", "order", "x", "y"],
    )
    spokes = pd.DataFrame({"x": 0.0, "y": 0.0, "x2": cos, "y2": sin})
    align = ["center" if abs(c) < 0.2 else ("left" if c > 0 else "right") for c in cos]
    labels = pd.DataFrame(
        {
            "x": 1.1 * cos,
            "y": 1.1 * sin + 0.04 * np.sign(np.round(sin, 6)),
            "text": [f"{d} {DIMENSION_NAMES[d]}" for d in DIMENSIONS],
            "align": align,
        }
    )
    ring_text = pd.DataFrame(
        {"x": 0.03, "y": [r / 100 for r in _RINGS], "text": [str(r) for r in _RINGS]}
    )
    rows = []
    for aid in ids:
        row = table.loc[aid]
        h = float(pd.to_numeric(pd.Series([row.get("H")]), errors="coerce").iloc[0])
        label = partner_label(names.get(str(aid), ""), aid) + (f" · H {h:.0f}" if h == h else "")
        for i, k in enumerate(loop):
            value = float(
                pd.to_numeric(pd.Series([row.get(DIMENSIONS[k])]), errors="coerce").iloc[0]
            )
            r = min(max(value, 0.0), 100.0) / 100 if value == value else 0.0
            rows.append(
                (
                    label,
                    str(aid),
                    i,
                    r * cos[k],
                    r * sin[k],
                    DIMENSIONS[k],
                    DIMENSION_NAMES[DIMENSIONS[k]],
                    value if value == value else None,
                    h if h == h else None,
                )
            )
    polygons = pd.DataFrame(
        rows,
        columns=["alliance", "alliance_id", "order", "x", "y", "dim", "dim_name", "value", "H"],
    )
    return {
        "rings": rings,
        "spokes": spokes,
        "labels": labels,
        "ring_text": ring_text,
        "polygons": polygons,
    }


def _grid(x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """Rings with their values, spokes, and the dimension names around the outer ring."""
    rings = (
        source("rings")
        .mark_line(color="#d5dadd", strokeWidth=1)
        .encode(x=x, y=y, order=alt.Order("order:Q"), detail=alt.Detail("ring:N"))
    )
    spokes = (
        source("spokes")
        .mark_rule(color="#d5dadd")
        .encode(x=x, y=y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"))
    )
    ring_text = (
        source("ring_text")
        .mark_text(align="left", fontSize=9, color=MUTED)
        .encode(x=x, y=y, text=alt.Text("text:N"))
    )
    labels = [
        source("labels")
        .transform_filter(f"datum.align == '{a}'")
        .mark_text(align=a, fontSize=11, color=INK)
        .encode(x=x, y=y, text=alt.Text("text:N"))
        for a in ("left", "center", "right")
    ]
    return [rings, spokes, ring_text, *labels]


def health_radar(
    review: Any, alliance_ids: str | Sequence[str], *, names: Mapping[str, str] | None = None
) -> alt.TopLevelMixin:
    """Radar of the health dimensions D1–D6 [0–100] for one or a few alliances.

    D1 at the top, then clockwise; rings at 25, 50, 75 and 100; dimension names as labels; the
    legend gives each alliance's health H [0–100]. A missing dimension is drawn at 0.

    Parameters
    ----------
    review : ReviewResult
        ``table`` with D1..D6 and H [0–100] (and ``partner_name``) per alliance id.
    alliance_ids : str or sequence of str
        The alliances to draw.
    names : Mapping, optional
        Alliance id -> partner name (default: ``review.table["partner_name"]``).
    """
    ids = [alliance_ids] if isinstance(alliance_ids, str) else list(alliance_ids)
    frames = _radar_frames(review.table, ids, {**alliance_names(review), **dict(names or {})})
    x = alt.X("x:Q", scale=alt.Scale(domain=[-_HALF_X, _HALF_X]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-_HALF_Y, _HALF_Y]), axis=None)
    grid = _grid(x, y)
    alliances = list(dict.fromkeys(frames["polygons"]["alliance"]))
    colour = alt.Color(
        "alliance:N",
        scale=alt.Scale(
            domain=alliances, range=[PALETTE[i % len(PALETTE)] for i in range(len(alliances))]
        ),
        legend=alt.Legend(title="Alliance · health H [0–100]", columns=1, direction="vertical"),
    )
    tips = tooltip_of(
        ("alliance:N", "Alliance"),
        ("dim:N", "Dimension"),
        ("dim_name:N", "Meaning"),
        ("value:Q", "Score [0–100]", ".0f"),
        ("H:Q", "Health H [0–100]", ".0f"),
    )
    shapes = (
        source("polygons")
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x, y=y, order=alt.Order("order:Q"), color=colour, detail=alt.Detail("alliance_id:N")
        )
    )
    points = (
        source("polygons")
        .mark_point(filled=True, size=45)
        .encode(x=x, y=y, color=colour, tooltip=tips)
    )
    chart = layer(
        *grid,
        shapes,
        points,
        width=round(2 * _HALF_X * _PX),
        height=round(2 * _HALF_Y * _PX),
    )
    return finish(
        chart,
        "Health dimensions D1–D6 [0–100]",
        "D1 at the top, clockwise; rings at 25, 50, 75, 100; a missing dimension is drawn at 0.",
        data=frames,
    )
