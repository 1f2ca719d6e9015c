"""Building blocks every chart shares: data sources, the finish, the partner axis, knockouts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import partner_table, records
from alliancekit.charts.theme import CONFIG, GREY, INK, MUTED, PALETTE, enable_offline_rendering

__all__ = [
    "ROW_STEP",
    "WIDTH",
    "category_colour",
    "concat",
    "divider",
    "faded",
    "finish",
    "heatmap",
    "knockout_note",
    "layer",
    "partner_rows",
    "partner_y",
    "rows",
    "source",
    "status_colour",
    "tooltip_of",
    "value_text",
    "with_status",
]

#: Plot width [px] of single-panel charts and height per partner row [px].
WIDTH = 460
ROW_STEP = 22
ELIGIBLE, KNOCKED_OUT = "eligible", "knocked out (not eligible)"
_KO_NOTE = "Knocked-out partners: greyed, below the dashed line; hover for the reasons."


class _Rows:
    """A dataset's records, handed to Altair as they are.

    Altair's ``to_dict`` walks every value of plain lists and dicts with runtime protocol checks
    (most of a chart's serialising time); an object with ``_schema`` and ``to_dict`` (Altair's
    ``SchemaLike``) is asked for its dict instead. The spec still validates in full.
    """

    _schema: ClassVar[dict[str, str]] = {"type": "array"}

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def to_dict(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return self.rows


def source(name: str) -> alt.Chart:
    """A chart drawing the dataset ``name`` that :func:`finish` attaches."""
    return alt.Chart(alt.NamedData(name=name))


def finish(
    chart: Any,
    title: str,
    subtitle: str | Sequence[str] | None = None,
    *,
    data: Mapping[str, pd.DataFrame],
) -> Any:
    """Title ``chart``, apply ``CONFIG``, attach its ``data`` (name -> frame); offline renderer.

    Every public chart function ends here, so notebooks, the app and reports get the same
    picture. The datasets are set last, on the finished chart, so Altair never copies them.
    """
    enable_offline_rendering()
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or ())
    # set in place, not with .properties()/.configure(): those copy the whole chart each time,
    # and ``chart`` is a fresh object built by the calling chart function
    chart.title = alt.TitleParams(title, subtitle=lines) if lines else alt.TitleParams(title)
    chart.config = alt.Config(**CONFIG)
    chart.datasets = {name: _Rows(records(frame)) for name, frame in data.items()}
    return chart


def layer(*layers: alt.Chart, **properties: Any) -> alt.LayerChart:
    """``layers`` drawn on top of each other, with ``properties`` (width, height, title).

    Like ``alt.layer`` without its parameter merging, which deep-copies every layer twice
    (most of a chart's build time); the charts here define no parameters (selections).
    """
    chart = alt.LayerChart(**properties)
    chart.layer = list(layers)
    return chart


def concat(
    how: str, charts: Sequence[Any], *, independent: Sequence[str] = (), **properties: Any
) -> Any:
    """Charts side by side (``how="hconcat"``), stacked (``vconcat``) or wrapped (``concat``).

    ``independent``: channels whose scales (and legends) each chart keeps to itself. Built
    without copying the charts, as :func:`layer`.
    """
    kind = {"hconcat": alt.HConcatChart, "vconcat": alt.VConcatChart, "concat": alt.ConcatChart}
    chart = kind[how](**properties)
    setattr(chart, how, list(charts))
    if independent:
        chart.resolve = alt.Resolve(
            scale=alt.ScaleResolveMap(**dict.fromkeys(independent, "independent"))
        )
    return chart


def rows(*layers: alt.Chart, width: int = WIDTH) -> alt.LayerChart:
    """``layers`` on top of each other, ``width`` px wide, ``ROW_STEP`` px per partner row."""
    return layer(*layers, width=width, height=alt.Step(ROW_STEP))


def with_status(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``status`` (eligible or knocked out) and ``opacity`` (0.35 if out)."""
    out = frame["knocked_out"].astype(bool)
    return frame.assign(
        status=[KNOCKED_OUT if k else ELIGIBLE for k in out], opacity=np.where(out, 0.35, 1.0)
    )


def category_colour(
    field: str, colours: Mapping[str, str], title: str | None = None, *, legend: bool = True
) -> Any:
    """Colour by ``field`` with fixed ``colours`` (category -> colour), legend in their order.

    No categories: every mark in the first palette colour.
    """
    if not colours:
        return alt.ColorValue(PALETTE[0])
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(title=title) if legend else None,
    )


def status_colour(frame: pd.DataFrame, colour: str = PALETTE[0]) -> Any:
    """Colour by status: eligible partners in ``colour``, knocked-out ones grey."""
    present = [s for s in (ELIGIBLE, KNOCKED_OUT) if s in set(frame["status"])]
    colours = {s: colour if s == ELIGIBLE else GREY for s in present}
    return category_colour("status", colours, legend=len(present) > 1)


def partner_y(
    order: Sequence[str], *, title: str | None = "Partner (id)", axis: bool = True
) -> alt.Y:
    """The partner axis: labels (short name and id) in ``order``, best at the top."""
    return alt.Y("label:N", sort=list(order), title=title, axis=alt.Axis() if axis else None)


def divider(frame: pd.DataFrame, order: Sequence[str]) -> tuple[list[alt.Chart], pd.DataFrame]:
    """A dashed line above the first knocked-out partner, and its dataset ``divider``.

    No line when every partner is on the same side.
    """
    knocked = set(frame.loc[frame["knocked_out"], "label"])
    first = [label for label in order if label in knocked][:1]
    if not first or len(knocked) == len(frame):
        return [], pd.DataFrame({"label": []})
    line = (
        source("divider")
        .mark_rule(color=MUTED, strokeDash=[6, 3], strokeWidth=1.5)
        .encode(y=alt.Y("label:N", sort=list(order), bandPosition=0))
    )
    return [line], pd.DataFrame({"label": first})


def partner_rows(result: Any, workspace: Any = None, top: int | None = None) -> pd.DataFrame:
    """The partner table of a ScoreResult with ``status`` and ``score_at`` (see value_text).

    ``top``: keep only the best ``top`` eligible partners.
    """
    frame = with_status(partner_table(result, workspace=workspace))
    frame["score_at"] = frame["score"].clip(lower=0.0)
    if top is not None:
        frame = frame[~frame["knocked_out"]].sort_values(["rank", "partner_id"]).iloc[:top]
    return frame


def knockout_note(frame: pd.DataFrame, *lines: str) -> list[str]:
    """Subtitle lines, plus how knocked-out partners are shown when ``frame`` has any."""
    note = [_KO_NOTE] if frame["knocked_out"].any() else []
    return [line for line in (*lines, *note) if line]


def faded() -> alt.Opacity:
    """Opacity: knocked-out partners faded (for charts whose colour means something else).

    Reads the ``opacity`` column that :func:`with_status` adds (an identity scale: no
    expression, and no dict for Altair to convert, which costs milliseconds per channel).
    """
    return alt.Opacity("opacity:Q", scale=None)


def value_text(y: alt.Y, field: str, fmt: str, name: str = "partners") -> alt.Chart:
    """The value of ``field`` written right of each bar's end (right of zero for negatives).

    Reads ``{field}_at`` = max(``field``, 0) from the dataset ``name``.
    """
    return (
        source(name)
        .mark_text(align="left", dx=4)
        .encode(x=alt.X(f"{field}_at:Q"), y=y, text=alt.Text(f"{field}:Q", format=fmt))
    )


def tooltip_of(*fields: tuple[str, str] | tuple[str, str, str]) -> list[alt.Tooltip]:
    """Tooltips from ``(shorthand, title)`` or ``(shorthand, title, format)`` triples."""
    return [
        alt.Tooltip(f[0], title=f[1], **({"format": f[2]} if len(f) > 2 else {})) for f in fields
    ]


def heatmap(
    name: str,
    x: alt.X,
    y: alt.Y,
    field: str,
    *,
    colour: alt.Color,
    fmt: str,
    show_from: float,
    dark_from: float,
    **encodings: Any,
) -> list[alt.Chart]:
    """Cells coloured by ``field`` with the value written in each (from ``show_from`` up).

    The number is ink on light cells and white from ``dark_from`` up, so it stays readable on
    the light sequential scales the heatmaps use. ``encodings`` go to the cells (tooltip,
    opacity).
    """
    cells = source(name).mark_rect(stroke="white", strokeWidth=1)
    text = source(name).transform_filter(f"datum.{field} >= {show_from!r}").mark_text(fontSize=10)
    ink = alt.ColorValue(
        INK, condition={"test": f"datum.{field} >= {dark_from!r}", "value": "white"}
    )
    return [
        cells.encode(x=x, y=y, color=colour, **encodings),
        text.encode(x=x, y=y, text=alt.Text(f"{field}:Q", format=fmt), color=ink),
    ]
