"""What drives a partner's score, drawn as each scoring method defines it.

Weighted sum: contributions 100·w·n per criterion, stacked (they add up to the score).
TOPSIS: distances to the ideal and the anti-ideal and the closeness D−/(D+ + D−) (never as
stacked parts: the closeness is not a sum). PROMETHEE II: positive, negative and net flows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from alliancekit.charts import parts
from alliancekit.charts.data import money_of, partner_order, score_axis, tooltips
from alliancekit.charts.theme import INK, PALETTE, PALETTE_EXTENDED
from alliancekit.errors import DataValidationError

__all__ = [
    "criterion_labels",
    "promethee_flows",
    "topsis_distances",
    "weighted_sum_contributions",
]


def criterion_labels(codes: Sequence[Any]) -> dict[str, str]:
    """``{"C1": "C1 Capability complementarity"}`` for the alliance criteria; others unchanged."""
    from alliancekit.criteria import CRITERIA

    return {str(c): f"{c} {CRITERIA[str(c)].name}" if str(c) in CRITERIA else str(c) for c in codes}


def _long(frame: pd.DataFrame, wide: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """``wide`` (partners × ``column``) as one row per partner and ``column``, with its fields."""
    wide = wide.set_axis([str(i) for i in wide.index]).reindex(frame.index)
    long = wide.rename_axis(index="partner_id", columns=column).stack().rename(value)
    return long.reset_index().merge(frame.reset_index(drop=True), on="partner_id", how="left")


def weighted_sum_contributions(
    result: Any, *, top: int | None = None, workspace: Any = None, money_label: str | None = None
) -> alt.TopLevelMixin:
    """Stacked bars: each criterion's contribution 100·w·n [points] to the score [0–100].

    The segments of a bar add up to the partner's score (written at the bar's end).
    Parameters as :func:`score_bars`.
    """
    frame = parts.partner_rows(result, workspace, top)
    order = partner_order(frame)
    names = criterion_labels(result.contributions.columns)
    wide = result.contributions.set_axis(list(names.values()), axis=1)
    long = _long(frame, wide, "criterion", "contribution")
    criteria = list(names.values())
    long["criterion_order"] = long["criterion"].map({c: i for i, c in enumerate(criteria)})
    tips = tooltips(
        long,
        money_of(workspace, money_label=money_label),
        score_title="Score [0–100]",
        score_format=".1f",
        extra=parts.tooltip_of(
            ("criterion:N", "Criterion"),
            ("contribution:Q", "Contribution [points]", ".1f"),
        ),
    )
    colours = [PALETTE_EXTENDED[i % len(PALETTE_EXTENDED)] for i in range(len(criteria))]
    y = parts.partner_y(order)
    bars = (
        parts.source("contributions")
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("contribution:Q", title="Contribution to the score [points of 0–100]"),
            y=y,
            color=alt.Color(
                "criterion:N",
                scale=alt.Scale(domain=criteria, range=colours),
                legend=alt.Legend(title="Criterion", columns=3, direction="vertical"),
            ),
            order=alt.Order("criterion_order:Q"),
            opacity=parts.faded(),
            tooltip=tips,
        )
    )
    total = parts.value_text(y, "score", ".1f")
    line, line_data = parts.divider(frame, order)
    chart = parts.rows(bars, total, *line)
    return parts.finish(
        chart,
        "What drives each partner's score (weighted sum)",
        parts.knockout_note(frame, "Each bar's segments add up to the score written at its end."),
        data={"contributions": long, "partners": frame, "divider": line_data},
    )


def _flows(result: Any, columns: Sequence[str], method: str) -> pd.DataFrame:
    flows = getattr(result, "flows", None)
    if flows is None or any(c not in flows.columns for c in columns):
        raise DataValidationError.single(
            f"this chart needs a {method} ScoreResult with flows {', '.join(columns)}",
            column="result",
        )
    return flows.set_axis([str(i) for i in flows.index])


def topsis_distances(
    result: Any, *, top: int | None = None, workspace: Any = None, money_label: str | None = None
) -> alt.TopLevelMixin:
    """TOPSIS as it is: distances D+ to the ideal and D− to the anti-ideal, and the closeness.

    Left: D+ (smaller is better) and D− (larger is better) [weighted normalised units];
    right: the score, closeness D−/(D+ + D−) [0–1]. Parameters as :func:`score_bars`.
    """
    flows = _flows(result, ("d_plus", "d_minus"), "TOPSIS")
    frame = parts.partner_rows(result, workspace, top)
    order = partner_order(frame)
    frame = frame.assign(
        d_plus=flows["d_plus"].reindex(frame.index), d_minus=flows["d_minus"].reindex(frame.index)
    )
    kinds = {"d_plus": "D+ distance to the ideal", "d_minus": "D− distance to the anti-ideal"}
    long = _long(frame, frame[list(kinds)].rename(columns=kinds), "distance_kind", "distance")
    money = money_of(workspace, money_label=money_label)
    title = score_axis("topsis")[0]
    extra = parts.tooltip_of(
        ("d_plus:Q", "D+ to the ideal", ".3f"),
        ("d_minus:Q", "D− to the anti-ideal", ".3f"),
    )
    tips = tooltips(frame, money, score_title=title, score_format=".3f", extra=extra)
    y = parts.partner_y(order)
    x = alt.X("distance:Q", title="Distance [weighted normalised units]")
    span = parts.source("partners").mark_rule(color="#c8cdd0", strokeWidth=2)
    span = span.encode(x=alt.X("d_plus:Q"), x2=alt.X2("d_minus:Q"), y=y)
    domain, legend = list(kinds.values()), alt.Legend(title=None)
    dots = parts.source("distances").mark_point(filled=True, size=90)
    dots = dots.encode(
        x=x,
        y=y,
        color=alt.Color(
            "distance_kind:N",
            scale=alt.Scale(domain=domain, range=[PALETTE[3], PALETTE[0]]),
            legend=legend,
        ),
        shape=alt.Shape(
            "distance_kind:N",
            scale=alt.Scale(domain=domain, range=["diamond", "circle"]),
            legend=legend,
        ),
        opacity=parts.faded(),
        tooltip=tips,
    )
    line, line_data = parts.divider(frame, order)
    left = parts.rows(span, dots, *line, width=260)
    xs = alt.X("score:Q", title=title, scale=alt.Scale(domain=[0, 1]))
    ys = parts.partner_y(order, axis=False)
    bars = (
        parts.source("partners")
        .mark_bar()
        .encode(x=xs, y=ys, color=parts.status_colour(frame), tooltip=tips)
    )
    text = parts.value_text(ys, "score", ".3f")
    right = parts.rows(bars, text, *line, width=200)
    chart = parts.concat("hconcat", [left, right], independent=["color", "shape"], spacing=16)
    return parts.finish(
        chart,
        "TOPSIS: distance to the ideal and anti-ideal partner",
        parts.knockout_note(
            frame, "The closeness (right) is D−/(D+ + D−); it is not a sum of parts."
        ),
        data={"partners": frame, "distances": long, "divider": line_data},
    )


def promethee_flows(
    result: Any, *, top: int | None = None, workspace: Any = None, money_label: str | None = None
) -> alt.TopLevelMixin:
    """PROMETHEE flows per partner: φ+ to the right, φ− to the left, the net flow φ marked.

    φ+ [0–1]: how strongly a partner outranks the others; φ− [0–1]: how strongly it is
    outranked; the score is the net flow φ = φ+ − φ− [−1 to 1]. Parameters as
    :func:`score_bars`.
    """
    flows = _flows(result, ("phi_plus", "phi_minus", "phi_net"), "PROMETHEE")
    frame = parts.partner_rows(result, workspace, top)
    order = partner_order(frame)
    frame = frame.assign(**{c: flows[c].reindex(frame.index) for c in flows.columns})
    kinds = {"phi_plus": "φ+ outranks others", "phi_minus": "φ− is outranked (drawn left)"}
    long = _long(frame, frame[list(kinds)].rename(columns=kinds), "flow_kind", "flow")
    long.loc[long["flow_kind"] == kinds["phi_minus"], "flow"] *= -1
    title = score_axis("promethee_ii")[0]
    extra = parts.tooltip_of(
        ("phi_plus:Q", "φ+ positive flow [0–1]", ".3f"),
        ("phi_minus:Q", "φ− negative flow [0–1]", ".3f"),
    )
    money = money_of(workspace, money_label=money_label)
    tips = tooltips(frame, money, score_title=title, score_format="+.3f", extra=extra)
    y = parts.partner_y(order)
    x = alt.X("flow:Q", title="Flow [−1 to 1]", scale=alt.Scale(domain=[-1, 1]))
    bars = (
        parts.source("flows")
        .mark_bar(height={"band": 0.7})
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "flow_kind:N",
                scale=alt.Scale(domain=list(kinds.values()), range=[PALETTE[0], PALETTE[1]]),
                legend=alt.Legend(title=None),
            ),
            opacity=parts.faded(),
            tooltip=tips,
        )
    )
    net = parts.source("partners").mark_tick(color=INK, thickness=3, size=parts.ROW_STEP - 4)
    net = net.encode(x=alt.X("phi_net:Q"), y=y, tooltip=tips)
    zero = parts.source("zero").mark_rule(color=INK, strokeWidth=1).encode(x=alt.X("x:Q"))
    line, line_data = parts.divider(frame, order)
    chart = parts.rows(bars, zero, net, *line)
    return parts.finish(
        chart,
        "PROMETHEE II: positive, negative and net flows",
        parts.knockout_note(frame, "Black tick: net flow φ = φ+ − φ− (the score)."),
        data={
            "flows": long,
            "partners": frame,
            "zero": pd.DataFrame({"x": [0.0]}),
            "divider": line_data,
        },
    )
