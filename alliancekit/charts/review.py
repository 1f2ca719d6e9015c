"""Review charts: KPI plan vs actual, perception gap, decision counts (and shared helpers).

Alliances are named "Partner name (alliance id)"; decisions keep their fixed colours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import partner_label, text_of
from alliancekit.charts.parts import (
    ROW_STEP,
    WIDTH,
    category_colour,
    concat,
    finish,
    layer,
    source,
    tooltip_of,
)
from alliancekit.charts.theme import (
    DECISION_ORDER,
    GREY,
    MUTED,
    PALETTE,
    group_colours,
    short_name,
)

__all__ = [
    "alliance_names",
    "decision_counts",
    "kpi_chart",
    "perception_gap",
    "runs",
]

_SERIES = alt.Scale(domain=["planned", "actual"], range=[GREY, PALETTE[0]])
_DASHES = alt.Scale(domain=["planned", "actual"], range=[[5, 3], [1, 0]])


def alliance_names(review: Any) -> dict[str, str]:
    """Alliance id -> partner name, from ``review.table["partner_name"]`` when present."""
    table = getattr(review, "table", None)
    if table is None or "partner_name" not in table.columns:
        return {}
    return {str(a): str(n) for a, n in table["partner_name"].items()}


def runs(values: pd.Series) -> list[int]:
    """Run number of each value: a missing value ends a run, so lines break there."""
    run, out, gap = 0, [], False
    for missing in values.isna():
        if missing:
            gap = True
        elif gap:
            run, gap = run + 1, False
        out.append(run)
    return out


def _kpi_series(k: pd.DataFrame) -> pd.DataFrame:
    """Planned and actual of one KPI as rows (period, series, value, run); missing dropped."""
    parts = []
    for series in ("planned", "actual"):
        part = k[["period", "unit", "attainment", "status"]].copy()
        part["series"] = series
        part["value"] = pd.to_numeric(k[series], errors="coerce").to_numpy()
        part["run"] = [f"{series}{r}" for r in runs(part["value"])]
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    return long[long["value"].notna()]


def _kpi_panel(name: str, long: pd.DataFrame, periods: list[str], title: str, unit: str) -> Any:
    x = alt.X("period:O", sort=periods, title="Quarter", axis=alt.Axis(labelAngle=-45))
    words = f"Value [{short_name(unit, 20)}]" if unit else "Value"
    y = alt.Y("value:Q", title=words, scale=alt.Scale(zero=False))
    colour = alt.Color("series:N", scale=_SERIES, legend=alt.Legend(title=None))
    tips = tooltip_of(
        ("series:N", "Series"),
        ("period:N", "Quarter"),
        ("value:Q", words, ",.2f"),
        ("attainment:Q", "Attainment [share of plan]", ".2f"),
        ("status:N", "Status"),
    )
    line = (
        source(name)
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=alt.StrokeDash("series:N", scale=_DASHES, legend=None),
            detail=alt.Detail("run:N"),
        )
    )
    dots = (
        source(name).mark_point(filled=True, size=40).encode(x=x, y=y, color=colour, tooltip=tips)
    )
    heading = alt.TitleParams(short_name(title, 40), fontSize=12, anchor="middle")
    return layer(line, dots, width=200, height=150, title=heading)


def kpi_chart(
    review: Any, alliance_id: str, *, workspace: Any = None, columns: int = 3
) -> alt.TopLevelMixin:
    """Planned vs actual of every KPI of one alliance: one panel per KPI with its unit.

    Parameters
    ----------
    review : ReviewResult
        Uses ``kpi_detail`` (alliance_id, kpi_id, period, planned, actual, unit, direction)
        and the partner name in ``table``.
    alliance_id : str
        The alliance to draw.
    workspace : Workspace, optional
        KPI names (``workspace.kpis["name"]``) for the panel titles.
    columns : int
        Panels per row.

    A missing value breaks the line; hover a point for its attainment [share of plan].
    """
    detail = review.kpi_detail
    if "alliance_id" not in detail.columns:
        detail = detail.reset_index()
    d = detail[detail["alliance_id"].astype(str) == str(alliance_id)]
    kpi_names = _kpi_names(workspace, alliance_id)
    panels, data = [], {}
    for i, kpi in enumerate(dict.fromkeys(d["kpi_id"])):
        k = d[d["kpi_id"] == kpi].copy()
        k["period"] = k["period"].astype(str)
        for col in ("unit", "attainment", "status", "direction"):
            if col not in k.columns:
                k[col] = np.nan
        unit = "" if k["unit"].isna().all() else str(k["unit"].iloc[0])
        direction = "" if k["direction"].isna().all() else str(k["direction"].iloc[0])
        title = kpi_names.get(str(kpi), str(kpi)) + (
            f" ({direction} is better)" if direction else ""
        )
        data[f"kpi{i}"] = _kpi_series(k)
        panels.append(_kpi_panel(f"kpi{i}", data[f"kpi{i}"], list(k["period"]), title, unit))
    name = alliance_names(review).get(str(alliance_id), "")
    heading = f"{partner_label(name, alliance_id)}: KPI plan vs actual"
    if not panels:
        data["none"] = pd.DataFrame({"text": ["no KPI data"]})
        empty = source("none").mark_text(color=MUTED).encode(text=alt.Text("text:N"))
        return finish(layer(empty, width=WIDTH, height=60), heading, None, data=data)
    chart = concat("concat", panels, columns=max(int(columns), 1), spacing=24)
    return finish(
        chart, heading, "Dashed grey: planned; blue: actual. Units on each panel.", data=data
    )


def _kpi_names(workspace: Any, alliance_id: str) -> dict[str, str]:
    kpis = getattr(workspace, "kpis", None)
    if kpis is None or not len(kpis) or "name" not in kpis.columns:
        return {}
    own = kpis[kpis["alliance_id"].astype(str) == str(alliance_id)]
    return {str(k): str(n) for k, n in zip(own["kpi_id"], own["name"], strict=True) if str(n)}


def _gap_frame(health: Any, names: Mapping[str, str] | None) -> pd.DataFrame:
    lookup = dict(alliance_names(health)) if hasattr(health, "perception_gap") else {}
    lookup.update({str(k): str(v) for k, v in (names or {}).items()})
    frame = health.perception_gap() if hasattr(health, "perception_gap") else health
    own = pd.to_numeric(frame["own"], errors="coerce")
    partner = pd.to_numeric(frame["partner"], errors="coerce")
    ids = [str(i) for i in frame.index]
    out = pd.DataFrame(
        {
            "alliance_id": ids,
            "name": [lookup.get(i, i) for i in ids],
            "label": [partner_label(lookup.get(i, ""), i) for i in ids],
            "own": own.to_numpy(),
            "partner": partner.to_numpy(),
            "gap": (own - partner).abs().to_numpy(),
        }
    )
    out = out[out[["own", "partner"]].notna().any(axis=1)]
    out["gap_text"] = [f"gap {g:.1f}" if g == g else "" for g in out["gap"]]
    return out


def perception_gap(health: Any, *, names: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Own vs partner answers on trust [1–5 Likert] per alliance (docs/method.md §5.2 D3).

    Parameters
    ----------
    health : ReviewResult or DataFrame
        A ReviewResult (its ``perception_gap()`` and partner names), or a frame indexed by
        alliance id with columns ``own`` and ``partner`` [1–5].
    names : Mapping, optional
        Alliance id -> partner name.
    """
    frame = _gap_frame(health, names)
    sides = frame.melt(
        id_vars=["alliance_id", "name", "label", "gap"],
        value_vars=["own", "partner"],
        var_name="side",
        value_name="trust",
    )
    sides = sides[sides["trust"].notna()]
    sides["side"] = sides["side"].map({"own": "own side", "partner": "partner side"})
    y = alt.Y("label:N", sort=list(frame["label"]), title="Alliance (id)")
    x = alt.X("trust:Q", title="Trust [1–5 Likert]", scale=alt.Scale(domain=[1, 5]))
    span = (
        source("gaps")
        .mark_rule(color=GREY, strokeWidth=3)
        .encode(x=alt.X("own:Q", scale=alt.Scale(domain=[1, 5])), x2=alt.X2("partner:Q"), y=y)
    )
    tips = tooltip_of(
        ("name:N", "Partner"),
        ("alliance_id:N", "Alliance"),
        ("side:N", "Side"),
        ("trust:Q", "Trust [1–5]", ".1f"),
        ("gap:Q", "Gap |own − partner| [1–5 pts]", ".1f"),
    )
    dots = (
        source("sides")
        .mark_point(filled=True, size=110, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "side:N",
                scale=alt.Scale(
                    domain=["own side", "partner side"], range=[PALETTE[0], PALETTE[1]]
                ),
                legend=alt.Legend(title=None),
            ),
            shape=alt.Shape(
                "side:N",
                scale=alt.Scale(domain=["own side", "partner side"], range=["circle", "square"]),
                legend=alt.Legend(title=None),
            ),
            tooltip=tips,
        )
    )
    text = (
        source("gaps")
        .mark_text(align="left", dx=12, fontSize=10, color=MUTED)
        .encode(x=alt.XValue(WIDTH), y=y, text=alt.Text("gap_text:N"))
    )
    chart = layer(span, dots, text, width=WIDTH, height=alt.Step(ROW_STEP + 4))
    return finish(
        chart,
        "Perception gap: own vs partner view of the relationship",
        "Trust as each side answered the health survey; a wide gap is a warning sign.",
        data={"gaps": frame, "sides": sides},
    )


def decision_counts(decisions: Any) -> alt.TopLevelMixin:
    """Number of alliances [count] per review decision, in the decision colours.

    ``decisions``: a ReviewResult (its ``decisions``), or a Mapping/Series id -> decision.
    """
    found = getattr(decisions, "decisions", decisions)
    values = [text_of(v) for v in (found.values() if isinstance(found, Mapping) else found)]
    counts = pd.Series(values, dtype=object).value_counts()
    frame = pd.DataFrame({"decision": list(DECISION_ORDER)})
    frame["count"] = [int(counts.get(d, 0)) for d in DECISION_ORDER]
    x = alt.X(
        "decision:N", sort=list(DECISION_ORDER), title="Decision", axis=alt.Axis(labelAngle=0)
    )
    top = max(int(frame["count"].max()), 1)
    y = alt.Y(
        "count:Q",
        title="Alliances [count]",
        scale=alt.Scale(domain=[0, top * 1.25]),
        axis=alt.Axis(values=list(range(top + 1)), format="d"),
    )
    colour = category_colour("decision", group_colours(DECISION_ORDER), legend=False)
    bars = (
        source("counts")
        .mark_bar(width=48)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=tooltip_of(
                ("decision:N", "Decision"),
                ("count:Q", "Alliances"),
            ),
        )
    )
    text = source("counts").mark_text(dy=-8, fontSize=12).encode(x=x, y=y, text=alt.Text("count:Q"))
    return finish(
        layer(bars, text, width=320, height=200),
        "Review decisions",
        None,
        data={"counts": frame},
    )
