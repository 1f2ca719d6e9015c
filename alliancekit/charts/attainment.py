"""Attainment sparklines: quarterly A_t [share of plan] per alliance, against the thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from alliancekit.charts.data import partner_label, text_of
from alliancekit.charts.parts import WIDTH, category_colour, finish, layer, tooltip_of
from alliancekit.charts.review import alliance_names, runs
from alliancekit.charts.theme import DECISION_COLOURS, GREY, INK, group_colours

__all__ = ["attainment_sparklines"]


def _attainment_frame(
    attainment: pd.DataFrame,
    thresholds: Mapping[str, float],
    decisions: Mapping[Any, Any],
    names: Mapping[str, str],
) -> pd.DataFrame:
    """One row per alliance and quarter (kind ``value``) and per threshold (``threshold``)."""
    rows = []
    for aid, series in attainment.iterrows():
        aid = str(aid)
        decision = text_of(decisions.get(aid, decisions.get(aid, ""))) if decisions else ""
        label = partner_label(names.get(aid, ""), aid) + (f" · {decision}" if decision else "")
        values = pd.to_numeric(series, errors="coerce")
        last = values.last_valid_index()
        for period, value, run in zip(values.index, values, runs(values), strict=True):
            if value == value:
                shown = min(max(float(value), 0.0), 1.5)
                text = f"{value:.2f}" if period == last else ""
                rows.append(
                    ("value", aid, label, decision, str(period), float(value), shown, run, "", text)
                )
        for name, level in thresholds.items():
            rows.append(
                (
                    "threshold",
                    aid,
                    label,
                    decision,
                    "",
                    float(level),
                    float(level),
                    0,
                    f"{name} {level:.2f}",
                    "",
                )
            )
    columns = [
        "kind",
        "alliance_id",
        "label",
        "decision",
        "period",
        "A",
        "A_shown",
        "run",
        "threshold",
        "text",
    ]
    return pd.DataFrame(rows, columns=columns)


def _threshold_rules(thresholds: Mapping[str, float], y: alt.Y) -> alt.Chart:
    """The decision thresholds as grey lines: restructure dashed, the others dotted."""
    dashes = [[6, 3] if n == "restructure" else [1.5, 2.5] for n in thresholds]
    rules = alt.Chart().transform_filter("datum.kind == 'threshold'")  # data: the facet's
    return rules.mark_rule(color=GREY, strokeWidth=1).encode(
        y=y,
        strokeDash=alt.StrokeDash(
            "threshold:N",
            scale=alt.Scale(domain=[f"{n} {v:.2f}" for n, v in thresholds.items()], range=dashes),
            legend=alt.Legend(title="Threshold [share of plan]"),
        ),
    )


def _review_inputs(review: Any) -> tuple[pd.DataFrame, dict, dict, dict]:
    """Attainment, thresholds, decisions and names of a ReviewResult (the report's inputs)."""
    policy = review.policy
    return (
        review.attainment,
        {"exit": policy.a_exit, "restructure": policy.a_restr, "grow": policy.a_grow},
        dict(review.table["decision"]),
        alliance_names(review),
    )


def attainment_sparklines(
    attainment: Any,
    *,
    thresholds: Mapping[str, float] | None = None,
    decisions: Mapping[Any, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """One small line per alliance of quarterly attainment A_t [share of plan, 1 = on plan].

    The decision thresholds are grey lines; each line takes its decision's colour; values are
    drawn within 0–1.5 and the last one is written out (unclipped).

    Parameters
    ----------
    attainment : ReviewResult or DataFrame
        A ReviewResult (its ``attainment``, policy thresholds ``a_exit``, ``a_restr``,
        ``a_grow``, decisions and partner names, unless given below), or alliances × quarters
        of A_t [share of plan].
    thresholds : Mapping, optional
        Name -> level [share of plan] (default exit 0.60, restructure 0.85, grow 1.05).
    decisions : Mapping, optional
        Alliance id -> decision (GROW, MAINTAIN, RESTRUCTURE, EXIT).
    names : Mapping, optional
        Alliance id -> partner name.
    """
    if hasattr(attainment, "attainment"):
        attainment, thr0, dec0, names0 = _review_inputs(attainment)
        thresholds, decisions = thresholds or thr0, decisions or dec0
        names = {**names0, **dict(names or {})}
    thr = dict(thresholds or {"exit": 0.60, "restructure": 0.85, "grow": 1.05})
    lookup = {str(k): v for k, v in (decisions or {}).items()}
    frame = _attainment_frame(
        attainment, thr, lookup, {str(k): str(v) for k, v in (names or {}).items()}
    )
    periods = [str(p) for p in attainment.columns]
    known = group_colours(d for d in frame["decision"] if d)
    colour = category_colour(
        "decision", known if set(known) <= set(DECISION_COLOURS) else {}, "Decision"
    )
    x = alt.X("period:O", sort=periods, title="Quarter", axis=alt.Axis(labelAngle=-45))
    y = alt.Y(
        "A_shown:Q",
        title="A_t [share]",
        scale=alt.Scale(domain=[0, 1.5]),
        axis=alt.Axis(values=[0.6, 1.0], format=".1f", grid=False, titleFontSize=10),
    )
    values = alt.Chart().transform_filter("datum.kind == 'value'")  # data: the facet's
    tips = tooltip_of(
        ("label:N", "Alliance"),
        ("period:N", "Quarter"),
        ("A:Q", "Attainment A_t [share of plan]", ".2f"),
    )
    line = values.mark_line(strokeWidth=1.8).encode(
        x=x, y=y, color=colour, detail=alt.Detail("run:N")
    )
    dots = values.mark_point(filled=True, size=22).encode(x=x, y=y, color=colour, tooltip=tips)
    last = values.mark_text(align="left", dx=6, fontSize=10, color=INK).encode(
        x=x, y=y, text=alt.Text("text:N")
    )
    chart = layer(_threshold_rules(thr, y), line, dots, last, width=WIDTH - 60, height=56).facet(
        data=alt.NamedData(name="attainment"),
        row=alt.Row(
            "label:N",
            sort=list(dict.fromkeys(frame["label"])),
            title=None,
            header=alt.Header(labelAngle=0, labelAlign="left", labelOrient="left", labelLimit=260),
        ),
        spacing=8,
    )
    return finish(
        chart,
        "Attainment A_t per quarter [share of plan, 1.0 = on plan]",
        "Each alliance in its decision's colour; grey lines: the decision thresholds.",
        data={"attainment": frame},
    )
