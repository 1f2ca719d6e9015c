"""Roadmap charts (docs/method.md §12): who runs when, and spend and capacity against limits.

``roadmap_gantt`` draws one row per partner and existing alliance and one cell per period it
runs, coloured by stage (pilot, scale-up, full alliance, existing, exit); ``roadmap_limits``
draws, per budget and capacity, the amount used in each period against its limit (binding
periods in vermillion); ``roadmap_chart`` stacks both. Every chart takes a ``RoadmapResult``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from alliancekit.charts import parts
from alliancekit.charts.data import partner_label
from alliancekit.charts.theme import INK, MUTED, PALETTE, short_name

__all__ = ["STAGE_COLOURS", "roadmap_chart", "roadmap_gantt", "roadmap_limits"]

#: Stage in words -> colour (Okabe–Ito).
STAGE_COLOURS: dict[str, str] = {
    "pilot": PALETTE[1],
    "scale-up": PALETTE[0],
    "full alliance": PALETTE[2],
    "existing alliance": PALETTE[5],
    "exited (exit cost paid)": PALETTE[3],
}
_STAGES = {"pilot": "pilot", "scale": "scale-up", "full": "full alliance"}


def _money(result: Any) -> str:
    inputs = getattr(getattr(result, "problem", None), "inputs", None)
    label = getattr(getattr(inputs, "plan", None), "money_label", "") if inputs else ""
    return label or getattr(result, "money_label", "") or "money"


def _cells(result: Any) -> tuple[pd.DataFrame, list[str]]:
    """One row per partner (or alliance) and period it runs, and the row order."""
    money = _money(result)
    per = "yr" if len(result.periods) and "Q" not in result.periods[0] else "quarter"
    rows, order = [], []
    sched = result.schedule
    for pid in dict.fromkeys(sched["partner_id"]):
        part = sched[sched["partner_id"] == pid]
        label = partner_label(part["name"].iloc[0], pid, 28)
        order.append(label)
        for _, r in part.iterrows():
            rows.append(
                {
                    "label": label,
                    "name": str(r["name"]),
                    "id": str(pid),
                    "period": str(r["period"]),
                    "stage": _STAGES.get(str(r["stage"]), str(r["stage"])),
                    "one_off": float(r["one_off"]),
                    "annual": float(r["annual"]),
                    "fte": float(r["fte"]),
                }
            )
    for aid, e in result.exits.iterrows():
        label = partner_label(e["name"], aid, 28)
        order.append(label)
        stop = int(e["exit_index"]) if int(e["exit_index"]) >= 0 else len(result.periods)
        for t, period in enumerate(result.periods):
            if t > stop:
                break
            stage = "exited (exit cost paid)" if t == stop else "existing alliance"
            rows.append(
                {
                    "label": label,
                    "name": str(e["name"]),
                    "id": str(aid),
                    "period": period,
                    "stage": stage,
                    "one_off": float(e["exit_cost"]) if t == stop else 0.0,
                    "annual": float("nan"),
                    "fte": float("nan"),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["label", "name", "id", "period", "stage", "one_off", "annual", "fte"]
    )
    frame.attrs["units"] = (money, per)
    return frame, order


def roadmap_gantt(result: Any) -> alt.TopLevelMixin:
    """Who runs when: one row per partner and existing alliance, one cell per period.

    Parameters
    ----------
    result : RoadmapResult
        ``schedule`` (partner, stage, period, costs [money], FTE), ``exits`` and ``periods``.

    Cells are coloured by stage: pilot, scale-up, full alliance, an existing alliance running,
    and the first period an existing alliance no longer runs (its exit cost is paid then);
    hover for the name, costs and FTE.
    """
    frame, order = _cells(result)
    money, per = frame.attrs["units"]
    present = [s for s in STAGE_COLOURS if s in set(frame["stage"])]
    colours = {s: STAGE_COLOURS[s] for s in present}
    x = alt.X("period:O", sort=list(result.periods), title="Period", axis=alt.Axis(labelAngle=0))
    y = alt.Y("label:N", sort=order, title="Partner or existing alliance (id)")
    tips = parts.tooltip_of(
        ("name:N", "Name"),
        ("id:N", "Id"),
        ("period:N", "Period"),
        ("stage:N", "Stage"),
        ("one_off:Q", f"One-off cost or exit cost [{money}]", ",.1f"),
        ("annual:Q", f"Running cost [{money}/{per}]", ",.1f"),
        ("fte:Q", "Alliance-manager load [FTE]", ".2f"),
    )
    cells = parts.source("cells").mark_rect(stroke="white", strokeWidth=2)
    cells = cells.encode(
        x=x, y=y, color=parts.category_colour("stage", colours, "Stage"), tooltip=tips
    )
    chart = parts.layer(
        cells, width=max(parts.WIDTH, 70 * len(result.periods)), height=alt.Step(parts.ROW_STEP)
    )
    return parts.finish(
        chart,
        "Roadmap: who runs when",
        "One row per partner and existing alliance; hover a cell for costs and load.",
        data={"cells": frame},
    )


def _limits_frame(result: Any) -> pd.DataFrame:
    """Budgets and capacity per period: used, limit, share, binding, in words."""
    u = result.usage
    u = u[u["kind"] == "limit"]
    return pd.DataFrame(
        {
            "limit": [
                f"{lab} [{unit}]" if unit else lab
                for lab, unit in zip(u["label"], u["unit"], strict=True)
            ],
            "name": u["label"].astype(str).to_numpy(),
            "period": u["period"].astype(str).to_numpy(),
            "used": u["used"].astype(float).to_numpy(),
            "cap": u["cap"].astype(float).to_numpy(),
            "slack": u["slack"].astype(float).to_numpy(),
            "unit": u["unit"].astype(str).to_numpy(),
            "state": ["binding" if b else "within the limit" for b in u["binding"]],
        }
    )


def roadmap_limits(result: Any) -> alt.TopLevelMixin:
    """Spend and capacity per period against their limits, one panel per budget or capacity.

    Parameters
    ----------
    result : RoadmapResult
        ``usage``: the rows of kind ``limit`` (one-off and annual budgets, alliance-manager
        capacity, other limits) with ``used`` and ``cap`` per period.

    Bars are what the roadmap uses [the limit's unit]; the black tick is the limit (with
    carried-over one-off budget added); bars of periods where the limit binds are vermillion.
    """
    frame = _limits_frame(result)
    colours = {"within the limit": PALETTE[0], "binding": PALETTE[3]}
    panels = []
    for limit in dict.fromkeys(frame["limit"]):
        name = f"limit_{len(panels)}"
        part = frame[frame["limit"] == limit]
        x = alt.X(
            "period:O",
            sort=list(dict.fromkeys(part["period"])),
            title="Period",
            axis=alt.Axis(labelAngle=0),
        )
        y = alt.Y("used:Q", title=short_name(limit, 48))
        amounts = (("used", "Used"), ("cap", "Limit"), ("slack", "Room left"))
        tips = parts.tooltip_of(
            ("name:N", "Limit"),
            ("period:N", "Period"),
            *((f"{col}:Q", words, ",.2f") for col, words in amounts),
            ("unit:N", "Unit"),
            ("state:N", "State"),
        )
        bars = (
            parts.source(name)
            .mark_bar()
            .encode(x=x, y=y, color=parts.category_colour("state", colours, "Limit"), tooltip=tips)
        )
        ticks = parts.source(name).mark_tick(color=INK, thickness=3, size=34)
        ticks = ticks.encode(x=x, y=alt.Y("cap:Q"), tooltip=tips)
        panels.append((name, part, parts.layer(bars, ticks, width=220, height=160)))
    if not panels:
        empty = parts.source("none").mark_text(color=MUTED).encode(text=alt.TextValue("no limits"))
        return parts.finish(empty, "Spend and capacity per period", None, data={"none": frame})
    chart = parts.concat("hconcat", [p[2] for p in panels], independent=("y",))
    return parts.finish(
        chart,
        "Spend and capacity per period against limits",
        "Bars: used; black tick: the limit; vermillion: the limit binds in that period.",
        data={name: part for name, part, _ in panels},
    )


def roadmap_chart(result: Any) -> alt.TopLevelMixin:
    """The roadmap (``roadmap_gantt``) above its spend and capacity (``roadmap_limits``)."""
    gantt, limits = roadmap_gantt(result), roadmap_limits(result)
    data = {**gantt.datasets, **limits.datasets}
    gantt.datasets, limits.datasets = alt.Undefined, alt.Undefined
    gantt.config = limits.config = alt.Undefined
    return parts.finish(
        parts.concat("vconcat", [gantt, limits], independent=("color",)),
        "Alliance roadmap",
        f"{len(result.selected)} partner(s) over {len(result.periods)} period(s); "
        "hover for names, costs and limits.",
        data={k: pd.DataFrame(v.rows) for k, v in data.items()},
    )
