"""History in the report index: each alliance's health, attainment and decision quarter by quarter.

Built from a workspace's decision log (``<out_dir>/<workspace>/decisions.csv``, one row per
alliance and reviewed quarter, with health ``H`` [0–100] and window attainment ``A_W`` [share
of plan]): a chart of both over the quarters (a static SVG drawn by the chart layer's renderer,
embedded as a ``data:`` image) and a table of the decisions, one column per quarter.

Old logs need no migration: every log ever written holds ``period``, ``alliance_id``,
``partner_name``, ``decision``, ``H`` and ``A_W``; a log without them, or unreadable, gives no
history (the index still lists its reports).
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from alliancekit.reporting.files import atomic_write_text, read_csv
from alliancekit.reporting.publish import period_sort_key

__all__ = ["history_chart", "history_frame", "workspace_history"]

_NEEDED = ("period", "alliance_id", "partner_name", "decision", "H", "A_W")


def history_frame(log: Path) -> pd.DataFrame:
    """The decision log as a frame: period, alliance_id, partner_name, decision, H, A_W [%].

    Empty when the log is missing, unreadable or lacks a needed column. ``A_W`` is in % of plan.
    """
    try:
        rows = read_csv(log) if log.is_file() else []
    except (OSError, ValueError):
        rows = []
    frame = pd.DataFrame(rows)
    if not len(frame) or any(c not in frame.columns for c in _NEEDED):
        return pd.DataFrame(columns=list(_NEEDED))
    frame = frame[list(_NEEDED)].copy()
    frame["H"] = pd.to_numeric(frame["H"], errors="coerce")
    frame["A_W"] = 100 * pd.to_numeric(frame["A_W"], errors="coerce")
    order = sorted(frame["period"].unique(), key=period_sort_key)
    frame["period"] = pd.Categorical(frame["period"], categories=order, ordered=True)
    return frame.sort_values(["period", "alliance_id"]).reset_index(drop=True)


def _label(row: Any) -> str:
    return f"{row['partner_name']} ({row['alliance_id']})" if row["partner_name"] else str(
        row["alliance_id"])  # fmt: skip


def history_chart(frame: pd.DataFrame) -> dict[str, Any]:
    """Vega-Lite spec: health [0–100] and attainment [% of plan], one line per alliance."""
    values = []
    for _, row in frame.iterrows():
        for measure, column in (
            ("Health [points of 100]", "H"),
            ("Attainment, last 4 quarters [% of plan]", "A_W"),
        ):
            value = float(row[column])
            if not math.isnan(value):
                values.append(
                    {
                        "quarter": str(row["period"]),
                        "alliance": _label(row),
                        "measure": measure,
                        "value": round(value, 1),
                        "decision": str(row["decision"]),
                    }
                )
    order = [str(p) for p in frame["period"].cat.categories]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Health and attainment by quarter",
        "data": {"values": values},
        "facet": {"column": {"field": "measure", "type": "nominal", "title": None}},
        "spec": {
            "width": 300,
            "height": 180,
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "quarter", "type": "ordinal", "sort": order, "title": "Quarter"},
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": {"field": "alliance", "type": "nominal", "title": "Alliance"},
            },
        },
        "resolve": {"scale": {"y": "independent"}},
        "config": _config(),
    }


def _config() -> dict[str, Any]:
    """The chart layer's one configuration (``charts.theme.CONFIG``: font, sizes, palette)."""
    from alliancekit.charts.theme import CONFIG

    return dict(CONFIG)


def _decision_table(frame: pd.DataFrame) -> str:
    """Alliances × quarters: the decision, health and attainment of each review (escaped)."""
    periods = [str(p) for p in frame["period"].cat.categories]
    head = "".join(f"<th>{html.escape(p)}</th>" for p in periods)
    body = []
    for aid, rows in frame.groupby("alliance_id", sort=True):
        by_period = {str(r["period"]): r for _, r in rows.iterrows()}
        name = html.escape(str(rows["partner_name"].iloc[-1] or aid))
        cells = []
        for p in periods:
            r = by_period.get(p)
            if r is None:
                cells.append("<td>–</td>")
                continue
            d = html.escape(str(r["decision"]))
            h = "–" if math.isnan(r["H"]) else f"{r['H']:.0f}"
            a = "–" if math.isnan(r["A_W"]) else f"{r['A_W']:.0f} %"
            cells.append(
                f'<td><span class="ak-decision-{d}">{d}</span><br>'
                f'<span class="ak-report-meta">health {h}, attainment {a}</span></td>'
            )
        body.append(
            f'<tr><th>{name} <small class="ak-ids">{html.escape(str(aid))}</small></th>'
            + "".join(cells)
            + "</tr>"
        )
    return (
        f"<table><thead><tr><th>Alliance</th>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
        "</table>"
    )


def _chart_svg(ws_root: Path, frame: pd.DataFrame) -> str:
    """The history chart as SVG, drawn once per content of the decision log.

    The index is rewritten after every report, for every workspace; it is drawn by the report's
    drawing process (warm by then), and the SVG is kept beside the log as
    ``.history-<hash>.svg`` (hash of the charted figures and of this package's version) and drawn
    again only when they changed. An unwritable folder just means drawing it every time.
    """
    import hashlib

    from alliancekit import __version__

    text = f"{__version__}\n{frame.to_csv(index=False)}"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    cached = ws_root / f".history-{digest}.svg"
    if cached.is_file():
        return cached.read_text("utf-8")
    from alliancekit.reporting.deferred import draw_static

    svg = draw_static(history_chart(frame))  # the report's drawing process: already warm
    try:
        for old in ws_root.glob(".history-*.svg"):
            old.unlink(missing_ok=True)
        atomic_write_text(cached, svg)
    except OSError:
        pass  # the index still gets the chart
    return svg


def workspace_history(ws_root: Path) -> str:
    """The history block of one workspace for the index ("" when its log has no history).

    Health is in points of 100, attainment in % of plan over the review window; a chart (static
    SVG) and a table of the decisions per quarter.
    """
    frame = history_frame(ws_root / "decisions.csv")
    if not len(frame):
        return ""
    data = base64.b64encode(_chart_svg(ws_root, frame).encode("utf-8")).decode("ascii")
    n = len(frame["period"].cat.categories)
    return (
        f"<p>{n} reviewed quarter(s). Health in points of 100; attainment over the last four "
        "quarters in % of plan.</p>"
        f'<figure class="ak-figure"><img alt="Health and attainment by quarter" '
        f'src="data:image/svg+xml;base64,{data}"></figure>' + _decision_table(frame)
    )
