"""Static SVG charts for review reports, drawn without matplotlib.

A scheduled report draws nine charts in a fresh kernel. With matplotlib that was about 1 s of a
2.6 s report (importing matplotlib and its font manager, tick and text layout, the SVG backend);
these charts are written straight as SVG text and take about a millisecond each, so a report
costs little more than its kernel start (``benchmarks/bench_reports.py``).

The charts are the report versions of the ``plots`` figures with the same names and the same
data, titles, axis labels, units and colours (``plots.PALETTE``, ``plots.DECISION_COLOURS``;
the data preparation is shared through ``plots.group_colours``, ``plots.spend_title`` and
``plots.coverage_matrix``). Notebooks and widgets keep using ``plots`` (interactive
matplotlib figures); reports embed these. Every piece of workspace text (ids, partner and KPI
names, units) is XML-escaped, so a name that looks like markup is drawn as text.

Text widths are estimated (``text_width``: DejaVu Sans, about 0.6 em per character) to size
margins; long labels are shortened with an ellipsis instead of overlapping the plot.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.plots import (
    DECISION_COLOURS,
    GREY,
    PALETTE,
    coverage_matrix,
    group_colours,
    spend_title,
)

__all__ = [
    "SvgChart",
    "attainment_sparklines",
    "budget_bars",
    "coverage_heatmap",
    "health_radar",
    "kpi_chart",
    "nice_ticks",
    "perception_gap",
    "text_width",
]

#: Font stack named in every chart (DejaVu Sans is matplotlib's default font; nothing is fetched).
FONT = "DejaVu Sans, Verdana, Segoe UI, Arial, sans-serif"
INK = "#1d2327"
MUTED = "#5f6b73"
GRID = "#e3e7ea"
#: matplotlib's "cividis" colour map at 0, 1/16, …, 1 (perceptually uniform, colour-blind safe).
CIVIDIS: tuple[str, ...] = (
    "#00224e",
    "#002e6a",
    "#1a386f",
    "#32436d",
    "#434e6c",
    "#535a6d",
    "#61656f",
    "#6f7073",
    "#7d7c78",
    "#8c8878",
    "#9b9476",
    "#aba072",
    "#bcae6c",
    "#cdbb63",
    "#dec958",
    "#f0d846",
    "#fee838",
)
_TITLE, _LABEL, _TICK = 13.0, 11.0, 9.5


@dataclass(frozen=True)
class SvgChart:
    """A rendered chart: a standalone SVG document (``svg``) of ``width`` × ``height`` px.

    Displays inline in Jupyter (``_repr_svg_``); reports embed it as an ``<img>`` through
    ``reporting.as_figure``.
    """

    title: str
    svg: str
    width: float
    height: float

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<SvgChart {self.title!r} {self.width:.0f}×{self.height:.0f} px>"


# -- text and numbers ------------------------------------------------------------------------------
def text_width(text: Any, size: float) -> float:
    """Estimated width [px] of ``text`` at font ``size`` [px] (DejaVu Sans: ~0.6 em per char)."""
    return 0.6 * size * len(str(text))


def _short(text: Any, max_chars: int) -> str:
    s = str(text)
    return s if len(s) <= max_chars else s[: max(max_chars - 1, 1)] + "…"


def _n(x: float) -> str:
    """Compact coordinate: two decimals, trailing zeros dropped."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values (steps 1, 2, 2.5 or 5 × 10^k) covering ``[lo, hi]``.

    The ticks lie inside ``[lo, hi]``; a degenerate or non-finite range is widened first.
    """
    lo, hi = _span(lo, hi)
    step = _nice_step((hi - lo) / max(n, 1))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 12) for k in range(first, last + 1)]


def _nice_step(raw: float) -> float:
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10.0 * mag  # pragma: no cover - the loop always returns


def _span(lo: float, hi: float) -> tuple[float, float]:
    """A usable axis range: finite, hi > lo (a single value gets ±1, or ±10 % of itself)."""
    lo = float(lo) if math.isfinite(lo) else 0.0
    hi = float(hi) if math.isfinite(hi) else lo + 1.0
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-12:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _tick_label(value: float, ticks: Sequence[float]) -> str:
    """``value`` with as many decimals as the tick step needs (50 -> 0, 0.5 -> 1, 0.25 -> 2)."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else abs(value) or 1.0
    decimals = 0
    while decimals < 9 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return f"{value:,.{decimals}f}"


def _scale(d0: float, d1: float, r0: float, r1: float) -> Callable[[float], float]:
    width = (d1 - d0) or 1.0
    return lambda v: r0 + (float(v) - d0) / width * (r1 - r0)


def _finite(values: Any) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    return a[np.isfinite(a)]


def _cividis(v: float) -> str:
    """Colour of ``v`` [0–1] on the cividis map (linear between its 17 stops)."""
    v = min(max(float(v), 0.0), 1.0) * (len(CIVIDIS) - 1)
    i = min(int(v), len(CIVIDIS) - 2)
    t = v - i
    a, b = CIVIDIS[i], CIVIDIS[i + 1]
    rgb = (round(int(a[k : k + 2], 16) * (1 - t) + int(b[k : k + 2], 16) * t) for k in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in rgb)


# -- drawing ---------------------------------------------------------------------------------------
class _Svg:
    """An SVG document being written: shapes and text in pixel coordinates."""

    def __init__(self, width: float, height: float, title: str) -> None:
        self.width, self.height, self.title = float(width), float(height), title
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        s: Any,
        *,
        size: float = _TICK,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
        rotate: float | None = None,
        valign: str = "middle",
    ) -> None:
        dy = {"middle": "0.35em", "top": "0.8em", "bottom": "0"}[valign]
        extra = ' font-weight="bold"' if bold else ""
        if rotate:
            extra += f' transform="rotate({_n(rotate)} {_n(x)} {_n(y)})"'
        if fill != INK:
            extra += f' fill="{fill}"'
        if anchor != "start":
            extra += f' text-anchor="{anchor}"'
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" dy="{dy}" font-size="{_n(size)}"{extra}>'
            f"{html.escape(str(s), quote=False)}</text>"
        )

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        stroke: str = INK,
        width: float = 1.0,
        dash: str | None = None,
    ) -> None:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{stroke}" stroke-width="{_n(width)}"{d}/>'
        )

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: str,
        stroke: str | None = None,
        title: str | None = None,
    ) -> None:
        s = f' stroke="{stroke}"' if stroke else ""
        body = f"<title>{html.escape(title, quote=False)}</title>" if title else ""
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0.0))}" '
            f'height="{_n(max(h, 0.0))}" fill="{fill}"{s}>{body}</rect>'
        )

    def polyline(
        self,
        points: Sequence[tuple[float, float]],
        *,
        stroke: str,
        width: float = 1.5,
        dash: str | None = None,
    ) -> None:
        if len(points) < 2:
            return
        d = f' stroke-dasharray="{dash}"' if dash else ""
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{stroke}" '
            f'stroke-width="{_n(width)}" stroke-linejoin="round"{d}/>'
        )

    def polygon(
        self,
        points: Sequence[tuple[float, float]],
        *,
        fill: str = "none",
        fill_opacity: float | None = None,
        stroke: str | None = None,
        width: float = 1.0,
    ) -> None:
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        o = f' fill-opacity="{_n(fill_opacity)}"' if fill_opacity is not None else ""
        s = f' stroke="{stroke}" stroke-width="{_n(width)}"' if stroke else ""
        self.parts.append(f'<polygon points="{pts}" fill="{fill}"{o}{s}/>')

    def circle(
        self, cx: float, cy: float, r: float, *, fill: str, title: str | None = None
    ) -> None:
        body = f"<title>{html.escape(title, quote=False)}</title>" if title else ""
        self.parts.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}">{body}</circle>'
        )

    def raw(self, markup: str) -> None:
        """Append trusted markup written by this module (never workspace text)."""
        self.parts.append(markup)

    def chart(self) -> SvgChart:
        w, h = _n(self.width), _n(self.height)
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT}" fill="{INK}" role="img">'
            f"<title>{html.escape(self.title, quote=False)}</title>"
            f'<rect width="{w}" height="{h}" fill="white"/>' + "".join(self.parts) + "</svg>"
        )
        return SvgChart(title=self.title, svg=svg, width=float(w), height=float(h))


def _heading(svg: _Svg, title: str, x: float | None = None) -> None:
    """The chart title, centred on the figure (shortened to fit its width)."""
    max_chars = int((svg.width - 16) / (0.6 * _TITLE))
    svg.text(
        svg.width / 2 if x is None else x,
        16,
        _short(title, max_chars),
        size=_TITLE,
        anchor="middle",
        bold=True,
    )


def _legend_layout(
    entries: Sequence[tuple[str, str, str]], x0: float, y0: float, width: float
) -> list[tuple[float, float]]:
    """Where each legend entry goes: left to right, wrapping 18 px down at the figure's edge."""
    spots, x, y = [], x0, y0
    for label, _, _ in entries:
        w = 22 + text_width(label, _TICK) + 14
        if x + w > width - 8 and x > x0:
            x, y = x0, y + 18
        spots.append((x, y))
        x += w
    return spots


def _legend(svg: _Svg, x: float, y: float, entries: Sequence[tuple[str, str, str]]) -> None:
    """Legend entries ``(label, colour, kind)`` from ``(x, y)``; kind: box, line, dash, dot,
    dotline (a line with a marker)."""
    for (label, colour, kind), (ex, ey) in zip(
        entries, _legend_layout(entries, x, y, svg.width), strict=True
    ):
        if kind == "box":
            svg.rect(ex, ey - 5, 14, 10, fill=colour)
        else:
            dash = {"dash": "5 3", "dot": "1.5 2.5"}.get(kind)
            svg.line(
                ex, ey, ex + 18, ey, stroke=colour, width=2 if kind != "dot" else 1.2, dash=dash
            )
            if kind == "dotline":
                svg.circle(ex + 9, ey, 3, fill=colour)
        svg.text(ex + 22, ey, label, size=_TICK)


def _y_axis(
    svg: _Svg,
    left: float,
    right: float,
    ticks: Sequence[float],
    y: Callable[[float], float],
    *,
    grid: bool = True,
) -> None:
    """Y tick labels at ``left`` and light grid lines across the plot."""
    for t in ticks:
        py = y(t)
        if grid:
            svg.line(left, py, right, py, stroke=GRID, width=1)
        svg.line(left - 4, py, left, py, stroke=MUTED, width=1)
        svg.text(left - 6, py, _tick_label(t, ticks), anchor="end", fill=MUTED)


def _rotated_label_height(labels: Sequence[str]) -> float:
    """Height [px] of category labels rotated 45° (the most ``_x_labels`` can take)."""
    return 0.71 * max((text_width(s, _TICK) for s in labels), default=0.0) + 14


def _x_labels(
    svg: _Svg,
    xs: Sequence[float],
    labels: Sequence[str],
    y: float,
    *,
    space: float,
) -> float:
    """Category labels under an axis; rotated 45° (and thinned) when they do not fit.

    ``space``: px between neighbouring categories. Returns the height the labels take.
    """
    widest = max((text_width(s, _TICK) for s in labels), default=0.0)
    if widest + 4 <= space:
        for x, s in zip(xs, labels, strict=True):
            svg.text(x, y + 2, s, anchor="middle", valign="top", fill=MUTED)
        return 16.0
    every = max(1, math.ceil(16 / max(space, 1e-9)))  # rotated labels need ~16 px each
    for i, (x, s) in enumerate(zip(xs, labels, strict=True)):
        if i % every == 0:
            svg.text(x + 3, y + 6, s, anchor="end", rotate=-45, fill=MUTED)
    return _rotated_label_height(labels)


def _frame(svg: _Svg, left: float, top: float, right: float, bottom: float) -> None:
    svg.line(left, bottom, right, bottom, stroke=MUTED)
    svg.line(left, top, left, bottom, stroke=MUTED)


def _series_points(
    xs: Sequence[float], values: Sequence[float], y: Callable[[float], float]
) -> list[list[tuple[float, float]]]:
    """Runs of consecutive finite values as pixel points (a missing value breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, v in zip(xs, values, strict=True):
        if v is None or not math.isfinite(float(v)):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, y(float(v))))
    return [r for r in runs if r]


# -- portfolio overview ----------------------------------------------------------------------------
def budget_bars(
    items: pd.DataFrame,
    budget: float,
    *,
    money_label: str = "",
    title: str = "Annual spend vs budget",
) -> SvgChart:
    """One stacked bar of annual cost by alliance/partner against the budget line.

    ``items``: DataFrame indexed by id with column ``cost_annual`` and optional ``group``
    (e.g. review decisions, coloured by ``plots.DECISION_COLOURS``), as ``plots.budget_bars``.
    """
    costs = pd.to_numeric(items["cost_annual"], errors="coerce").fillna(0.0).clip(lower=0.0)
    groups = items["group"] if "group" in items.columns else pd.Series("", index=items.index)
    gcol = group_colours(groups)
    spent, budget = float(costs.sum()), float(budget)
    width = 640.0
    legend = [(str(g), c, "box") for g, c in gcol.items() if str(g)]
    top = 56.0 if legend else 36.0
    svg = _Svg(width, top + 94, spend_title(title, spent, budget))
    _heading(svg, svg.title)
    if legend:
        _legend(svg, 60, 36, legend)
    left, right, bar_top, bar_h = 60.0, width - 24, top + 10, 36.0
    bottom = bar_top + bar_h + 8
    xmax = max(spent, budget, 1e-9) * 1.15
    x = _scale(0.0, xmax, left, right)
    ticks = nice_ticks(0.0, xmax, 6)
    for t in ticks:
        svg.line(x(t), top, x(t), bottom, stroke=GRID)
        svg.text(x(t), bottom + 4, _tick_label(t, ticks), anchor="middle", valign="top", fill=MUTED)
    svg.text(left - 6, bar_top + bar_h / 2, "spend", anchor="end", fill=MUTED)
    acc = 0.0
    for pid, cost in costs.items():
        x0, x1 = x(acc), x(acc + cost)
        colour = gcol[groups[pid]]
        svg.rect(
            x0, bar_top, x1 - x0, bar_h, fill=colour, stroke="white", title=f"{pid}: {cost:,.1f}"
        )
        label = str(pid)
        if cost > 0.04 * max(budget, 1e-9) and text_width(label, _TICK) + 4 <= x1 - x0:
            svg.text((x0 + x1) / 2, bar_top + bar_h / 2, label, anchor="middle", fill="white")
        acc += cost
    _frame(svg, left, top, right, bottom)
    bx = x(budget)
    svg.line(bx, top, bx, bottom, stroke=INK, width=1.5, dash="6 4")
    label = f"budget {budget:,.1f}"
    fits_right = bx + 4 + text_width(label, _TICK) <= width - 4
    svg.text(
        bx + 4 if fits_right else bx - 4,
        top + 2,
        label,
        anchor="start" if fits_right else "end",
        valign="top",
    )
    unit = f"{money_label}/yr" if money_label else "money/yr"
    svg.text((left + right) / 2, bottom + 30, f"annual cost [{unit}]", size=_LABEL, anchor="middle")
    return svg.chart()


def coverage_heatmap(
    coverage: pd.DataFrame,
    *,
    required: Mapping[str, float] | pd.Series | None = None,
    title: str = "Capability-gap coverage [0–1]",
) -> SvgChart:
    """Partner/alliance × capability-gap coverage [0–1]; with ``required``, a bottom row shows
    total coverage / required level (``plots.coverage_matrix``). Colour map: cividis, 0–1."""
    data = coverage_matrix(coverage, required)
    rows = [_short(r, 28) for r in data.index]
    cols = [_short(c, 14) for c in data.columns]
    cell_w = max(48.0, max((text_width(c, _TICK) + 10 for c in cols), default=0.0))
    cell_h = 24.0
    label_w = max((text_width(r, _TICK) for r in rows), default=0.0)
    left = 34 + label_w + 8
    top = 34.0
    grid_w, grid_h = cell_w * max(len(cols), 1), cell_h * max(len(rows), 1)
    width = max(left + grid_w + 90, 360.0)
    height = top + grid_h + 58
    svg = _Svg(width, height, title)
    _heading(svg, title)
    values = data.to_numpy(dtype=float)
    for r, row_label in enumerate(rows):
        cy = top + r * cell_h
        svg.text(left - 6, cy + cell_h / 2, row_label, anchor="end")
        for c in range(len(cols)):
            v = values[r, c]
            cx = left + c * cell_w
            if not math.isfinite(v):
                svg.rect(cx, cy, cell_w, cell_h, fill="#f2f2f2", stroke="white")
                continue
            svg.rect(cx, cy, cell_w, cell_h, fill=_cividis(v), stroke="white")
            if v > 0:
                svg.text(
                    cx + cell_w / 2,
                    cy + cell_h / 2,
                    f"{v:.1f}",
                    anchor="middle",
                    fill="white" if v < 0.6 else "black",
                )
    if required is not None and len(rows) > 1:  # separate the total row from the partners
        svg.line(
            left,
            top + grid_h - cell_h,
            left + grid_w,
            top + grid_h - cell_h,
            stroke="white",
            width=3,
        )
    for c, col in enumerate(cols):
        svg.text(left + (c + 0.5) * cell_w, top + grid_h + 4, col, anchor="middle", valign="top")
    svg.text(left + grid_w / 2, top + grid_h + 34, "capability gap", size=_LABEL, anchor="middle")
    svg.text(12, top + grid_h / 2, "partner / alliance", size=_LABEL, anchor="middle", rotate=-90)
    # colour bar 0–1
    bar_x, bar_h = left + grid_w + 16, min(grid_h, 160.0)
    stops = "".join(
        f'<stop offset="{_n(1 - k / (len(CIVIDIS) - 1))}" stop-color="{c}"/>'
        for k, c in enumerate(CIVIDIS)
    )
    svg.raw(
        f'<defs><linearGradient id="ak-cividis" x1="0" y1="0" x2="0" y2="1">{stops}'
        "</linearGradient></defs>"
    )
    svg.raw(
        f'<rect x="{_n(bar_x)}" y="{_n(top)}" width="12" height="{_n(bar_h)}" '
        'fill="url(#ak-cividis)"/>'
    )
    for t in (0.0, 0.5, 1.0):
        ty = top + bar_h * (1 - t)
        svg.line(bar_x + 12, ty, bar_x + 15, ty, stroke=MUTED)
        svg.text(bar_x + 17, ty, f"{t:.1f}", fill=MUTED)
    svg.text(bar_x + 50, top + bar_h / 2, "coverage [0–1]", size=_TICK, anchor="middle", rotate=90)
    return svg.chart()


# -- review ----------------------------------------------------------------------------------------
def attainment_sparklines(
    attainment: pd.DataFrame,
    *,
    thresholds: Mapping[str, float] | None = None,
    decisions: Mapping[str, str] | None = None,
) -> SvgChart:
    """One small line per alliance of quarterly attainment A_t [share of plan] (0–1.5 shown),
    with the decision thresholds as horizontal lines and the line coloured by decision.

    ``attainment``: DataFrame alliances × periods (``ReviewResult.attainment``).
    """
    thr = dict(thresholds or {"exit": 0.60, "restructure": 0.85, "grow": 1.05})
    title = "Attainment A_t per quarter [share of plan, 1.0 = on plan]"
    periods = [str(p) for p in attainment.columns]
    labels = [
        _short(f"{aid}" + (f" {decisions[aid]}" if decisions and aid in decisions else ""), 30)
        for aid in attainment.index
    ]
    width = 640.0
    left = 16 + max((text_width(s, _TICK) for s in labels), default=0.0) + 34
    right = width - 50
    row_h, top = 52.0, 58.0
    n = max(len(attainment), 1)
    space = (right - left) / max(len(periods) - 1, 1)
    xs = (
        [left + i * space for i in range(len(periods))]
        if len(periods) > 1
        else [(left + right) / 2]
    )
    label_h = _rotated_label_height(periods)
    svg = _Svg(width, top + n * row_h + label_h + 28, title)
    _heading(svg, title)
    _legend(
        svg,
        left,
        36,
        [
            (f"{name} {value:.2f}", GREY, "dash" if name == "restructure" else "dot")
            for name, value in thr.items()
        ],
    )
    ymax = 1.5
    for r, ((aid, row), label) in enumerate(zip(attainment.iterrows(), labels, strict=True)):
        r_top = top + r * row_h
        y = _scale(0.0, ymax, r_top + row_h - 6, r_top + 4)
        colour = DECISION_COLOURS.get(str((decisions or {}).get(aid, "")), PALETTE[0])
        for name, value in thr.items():
            if 0 <= value <= ymax:
                svg.line(
                    left,
                    y(value),
                    right,
                    y(value),
                    stroke=GREY,
                    width=0.8,
                    dash="5 3" if name == "restructure" else "1.5 2.5",
                )
        for t in (0.6, 1.0):
            svg.text(left - 5, y(t), f"{t:.1f}", anchor="end", size=8, fill=MUTED)
        svg.text(left - 30, (y(0) + y(ymax)) / 2, label, anchor="end")
        vals = [min(max(float(v), 0.0), ymax) for v in row.astype(float)]
        for run in _series_points(xs, vals, y):
            svg.polyline(run, stroke=colour, width=1.6)
            for px, py in run:
                svg.circle(px, py, 2.2, fill=colour)
        last = row.astype(float).dropna()
        if len(last):
            svg.text(
                right + 6,
                y(min(max(float(last.iloc[-1]), 0.0), ymax)),
                f"{float(last.iloc[-1]):.2f}",
                size=8,
                fill=colour,
            )
        svg.line(left, y(0), right, y(0), stroke=GRID)
    bottom = top + n * row_h
    _frame(svg, left, top, right, bottom)
    used = _x_labels(svg, xs, periods, bottom, space=space)
    svg.text((left + right) / 2, bottom + used + 10, "quarter", size=_LABEL, anchor="middle")
    return svg.chart()


def kpi_chart(review: Any, alliance_id: str, *, per_row: int = 3) -> SvgChart:
    """Planned vs actual for every KPI of one alliance (small multiples with units).

    Uses ``review.kpi_detail`` (alliance_id, kpi_id, period, planned, actual, unit, direction),
    as ``plots.kpi_chart``; ``per_row`` panels side by side, then the next row.
    """
    detail = review.kpi_detail
    if "alliance_id" not in detail.columns:
        detail = detail.reset_index()
    d = detail[detail["alliance_id"] == alliance_id]
    kpis = list(dict.fromkeys(d["kpi_id"]))
    title = f"{alliance_id}: KPI plan vs actual"
    panel_w, panel_h = 250.0, 215.0
    cols = max(min(len(kpis), per_row), 1)
    rows = max(math.ceil(len(kpis) / cols), 1)
    svg = _Svg(cols * panel_w + 10, 56 + rows * panel_h, title)
    _heading(svg, title)
    _legend(svg, 60, 36, [("planned", GREY, "dash"), ("actual", PALETTE[0], "dotline")])
    if not kpis:
        svg.text(svg.width / 2, 90, "no KPI data", anchor="middle", fill=MUTED)
    for i, kpi in enumerate(kpis):
        k = d[d["kpi_id"] == kpi]
        ox, oy = (i % cols) * panel_w + 10, 56 + (i // cols) * panel_h
        periods = [str(p) for p in k["period"]]
        planned = k["planned"].astype(float).tolist()
        actual = k["actual"].astype(float).tolist()
        unit = str(k["unit"].iloc[0]) if "unit" in k.columns and len(k) else ""
        direction = str(k["direction"].iloc[0]) if "direction" in k.columns and len(k) else ""
        head = f"{kpi}" + (f" ({direction} is better)" if direction else "")
        svg.text(ox + panel_w / 2, oy + 8, _short(head, 38), size=10, anchor="middle", bold=True)
        left, right, top = ox + 52, ox + panel_w - 14, oy + 24
        label_h = _rotated_label_height(periods)
        bottom = oy + panel_h - label_h - 20
        vals = _finite([*planned, *actual])
        lo, hi = _span(
            float(vals.min()) if len(vals) else 0.0, float(vals.max()) if len(vals) else 1.0
        )
        pad = 0.08 * (hi - lo)
        lo, hi = lo - pad, hi + pad
        y = _scale(lo, hi, bottom, top)
        space = (right - left) / max(len(periods) - 1, 1)
        xs = (
            [left + j * space for j in range(len(periods))]
            if len(periods) > 1
            else [(left + right) / 2]
        )
        _y_axis(svg, left, right, nice_ticks(lo, hi, 4), y)
        for run in _series_points(xs, planned, y):
            svg.polyline(run, stroke=GREY, width=1.4, dash="5 3")
            for px, py in run:
                svg.circle(px, py, 1.8, fill=GREY)
        for run in _series_points(xs, actual, y):
            svg.polyline(run, stroke=PALETTE[0], width=1.8)
            for px, py in run:
                svg.circle(px, py, 2.6, fill=PALETTE[0])
        _frame(svg, left, top, right, bottom)
        used = _x_labels(svg, xs, periods, bottom, space=space)
        svg.text((left + right) / 2, bottom + used + 8, "quarter", size=_TICK, anchor="middle")
        svg.text(
            ox + 10,
            (top + bottom) / 2,
            _short(unit or "value", 24),
            size=_TICK,
            anchor="middle",
            rotate=-90,
        )
    return svg.chart()


def health_radar(review: Any, alliance_ids: str | Sequence[str]) -> SvgChart:
    """Radar of health dimensions D1–D6 [0–100] for one or a few alliances (legend: H)."""
    from alliancekit.review import DIMENSION_NAMES, DIMENSIONS

    ids = [alliance_ids] if isinstance(alliance_ids, str) else list(alliance_ids)
    title = "Health dimensions [0–100]"
    entries = [
        (f"{aid} (H {float(review.table.loc[aid, 'H']):.0f})", PALETTE[i % len(PALETTE)], "box")
        for i, aid in enumerate(ids)
    ]
    width = 560.0
    cx, radius = width / 2, 150.0
    legend_rows = len({y for _, y in _legend_layout(entries, 24, 36, width)})
    cy = 36 + 18 * legend_rows + 40 + radius
    svg = _Svg(width, cy + radius + 44, title)
    _heading(svg, title)
    _legend(svg, 24, 36, entries)
    n = len(DIMENSIONS)
    angles = [math.pi / 2 - 2 * math.pi * k / n for k in range(n)]  # clockwise from the top

    def point(value: float, k: int) -> tuple[float, float]:
        r = radius * min(max(value, 0.0), 100.0) / 100.0
        return cx + r * math.cos(angles[k]), cy - r * math.sin(angles[k])

    for level in (25, 50, 75, 100):
        svg.polygon([point(level, k) for k in range(n)], stroke=GRID if level < 100 else MUTED)
        lx, ly = point(level, 0)
        svg.text(lx + 4, ly, str(level), size=8, fill=MUTED)
    for k, dim in enumerate(DIMENSIONS):
        ex, ey = point(100, k)
        svg.line(cx, cy, ex, ey, stroke=GRID)
        c = math.cos(angles[k])
        anchor = "middle" if abs(c) < 0.2 else ("start" if c > 0 else "end")
        lx, ly = point(100, k)
        lx += 8 * c
        ly -= 10 * math.sin(angles[k])
        svg.text(lx, ly, f"{dim} {DIMENSION_NAMES[dim]}", size=_TICK, anchor=anchor)
    for (label, colour, _), aid in zip(entries, ids, strict=True):
        vals = pd.to_numeric(review.table.loc[aid, list(DIMENSIONS)], errors="coerce")
        pts = [point(float(v) if math.isfinite(float(v)) else 0.0, k) for k, v in enumerate(vals)]
        svg.polygon(pts, fill=colour, fill_opacity=0.15, stroke=colour, width=2)
        for k, (px, py) in enumerate(pts):
            svg.circle(
                px,
                py,
                2.5,
                fill=colour,
                title=f"{label}: {DIMENSIONS[k]} {float(vals.iloc[k]):.0f}",
            )
    svg.text(
        cx,
        svg.height - 14,
        "radius: dimension score [0–100]; missing = 0",
        size=_TICK,
        anchor="middle",
        fill=MUTED,
    )
    return svg.chart()


def perception_gap(
    health: pd.DataFrame,
    *,
    title: str = "Perception gap: own vs partner view of the relationship",
) -> SvgChart:
    """Own vs partner survey answers [1–5] per alliance (docs/method.md §5.2 D3).

    The report version of ``plots.perception_gap``.

    ``health``: DataFrame indexed by alliance_id with columns ``own`` and ``partner``.
    """
    labels = [_short(i, 28) for i in health.index]
    width = 640.0
    left = 34 + max((text_width(s, _TICK) for s in labels), default=0.0) + 10
    right = width - 70
    top, row_h = 58.0, 26.0
    bottom = top + row_h * max(len(health), 1)
    svg = _Svg(width, bottom + 52, title)
    _heading(svg, title)
    _legend(svg, left, 36, [("own side", PALETTE[0], "box"), ("partner side", PALETTE[1], "box")])
    x = _scale(1.0, 5.0, left, right)
    for t in (1, 2, 3, 4, 5):
        svg.line(x(t), top, x(t), bottom, stroke=GRID)
        svg.text(x(t), bottom + 4, str(t), anchor="middle", valign="top", fill=MUTED)
    for r, (label, (_, row)) in enumerate(zip(labels, health.iterrows(), strict=True)):
        py = top + (r + 0.5) * row_h
        own, partner = float(row["own"]), float(row["partner"])
        svg.text(left - 6, py, label, anchor="end")
        if math.isfinite(own) and math.isfinite(partner):
            svg.line(x(own), py, x(partner), py, stroke=GREY, width=2.5)
            svg.text(right + 8, py, f"gap {abs(own - partner):.1f}", size=8.5, fill=MUTED)
        if math.isfinite(own):
            svg.circle(x(own), py, 5, fill=PALETTE[0], title=f"own {own:.1f}")
        if math.isfinite(partner):
            svg.circle(x(partner), py, 5, fill=PALETTE[1], title=f"partner {partner:.1f}")
    _frame(svg, left, top, right, bottom)
    svg.text((left + right) / 2, bottom + 32, "trust [1–5 Likert]", size=_LABEL, anchor="middle")
    svg.text(12, (top + bottom) / 2, "alliance", size=_LABEL, anchor="middle", rotate=-90)
    return svg.chart()
