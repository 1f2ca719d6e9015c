"""Partner charts: scores, what drives them, SMAA rank acceptability, risk profile.

Every chart names partners ("Short name… (id)"), keeps knocked-out partners grey below a
dashed line, and shows name, id, costs, value, risk and score in its tooltips (costs and annual
value when a ``workspace`` is given; ``score_partners`` results bring risk and E[NPV]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import (
    money_of,
    partner_order,
    partner_table,
    score_axis,
    text_of,
    tooltips,
)
from alliancekit.charts.drivers import (
    promethee_flows,
    topsis_distances,
    weighted_sum_contributions,
)
from alliancekit.charts.parts import (
    WIDTH,
    divider,
    faded,
    finish,
    heatmap,
    knockout_note,
    layer,
    partner_rows,
    partner_y,
    rows,
    source,
    status_colour,
    tooltip_of,
    value_text,
    with_status,
)
from alliancekit.charts.theme import GREY, MUTED, PALETTE

__all__ = [
    "METHOD_NAMES",
    "acceptability_heatmap",
    "contribution_bars",
    "risk_scatter",
    "score_bars",
]

METHOD_NAMES: Mapping[str, str] = {
    "weighted_sum": "weighted sum",
    "topsis": "TOPSIS",
    "promethee_ii": "PROMETHEE II",
}


def score_bars(
    result: Any, *, top: int | None = None, workspace: Any = None, money_label: str | None = None
) -> alt.TopLevelMixin:
    """Horizontal bars of partner scores, best at the top; knocked-out partners grey and last.

    Parameters
    ----------
    result : ScoreResult
        From ``alliancekit.score`` or ``alliancekit.score_partners``. Scores: weighted sum
        [0–100], TOPSIS closeness [0–1] or PROMETHEE II net flow [−1 to 1].
    top : int, optional
        Show only the best ``top`` eligible partners.
    workspace : Workspace, optional
        Adds names, costs [money] and annual value [money/yr] to the tooltips.
    money_label : str, optional
        Money unit for the tooltips (default: the workspace's).
    """
    method = text_of(result.method)
    title, domain, fmt = score_axis(method)
    frame = partner_rows(result, workspace, top)
    order = partner_order(frame)
    x = alt.X("score:Q", title=title, scale=alt.Scale(domain=list(domain)) if domain else None)
    y = partner_y(order)
    tips = tooltips(frame, money_of(workspace, money_label=money_label), score_title=title)
    bars = source("partners").mark_bar().encode(x=x, y=y, color=status_colour(frame), tooltip=tips)
    line, line_data = divider(frame, order)
    return finish(
        rows(bars, value_text(y, "score", fmt), *line),
        f"Partner scores ({METHOD_NAMES.get(method, method)})",
        knockout_note(frame, "Higher is better."),
        data={"partners": frame, "divider": line_data},
    )


def contribution_bars(
    result: Any, *, top: int | None = None, workspace: Any = None, money_label: str | None = None
) -> alt.TopLevelMixin:
    """What drives each partner's score, drawn as the method defines it.

    Weighted sum: stacked contributions 100·w·n per criterion, which add up to the score
    (:func:`~alliancekit.charts.weighted_sum_contributions`); TOPSIS: distances to the ideal
    and anti-ideal and the closeness (:func:`~alliancekit.charts.topsis_distances`);
    PROMETHEE II: positive, negative and net flows
    (:func:`~alliancekit.charts.promethee_flows`). Parameters as :func:`score_bars`.
    """
    draw = {"topsis": topsis_distances, "promethee_ii": promethee_flows}.get(
        text_of(result.method), weighted_sum_contributions
    )
    return draw(result, top=top, workspace=workspace, money_label=money_label)


def acceptability_heatmap(
    smaa_result: Any,
    *,
    scores: Any = None,
    workspace: Any = None,
    names: Mapping[Any, str] | None = None,
    money_label: str | None = None,
) -> alt.TopLevelMixin:
    """SMAA rank acceptability: the share of weight draws [%] in which a partner takes a rank.

    Rows by expected rank (best first), one column per rank (1 = best), each cell written out;
    a light colour scale (white = 0 %) keeps the many near-zero cells light.

    Parameters
    ----------
    smaa_result : SMAAResult
        From ``alliancekit.smaa``.
    scores : ScoreResult, optional
        Adds names, scores, risk and knockouts (knocked-out partners go below a line).
    workspace : Workspace, optional
        Adds names, costs [money] and annual value [money/yr].
    names : Mapping, optional
        Partner id -> name when neither ``scores`` nor ``workspace`` names them.
    money_label : str, optional
        Money unit for the tooltips.
    """
    acc = smaa_result.acceptability.astype(float)
    acc = acc.set_axis([str(i) for i in acc.index])
    frame = with_status(partner_table(scores, workspace=workspace, ids=acc.index, names=names))
    frame["expected_rank"] = acc.to_numpy() @ np.arange(1, acc.shape[1] + 1)
    order = partner_order(frame, by="expected_rank")
    long = (100 * acc).rename_axis(index="partner_id", columns="position").stack()
    long = long.rename("share").reset_index().merge(frame.reset_index(drop=True), on="partner_id")
    long["position"] = long["position"].astype(int)
    y = partner_y(order)
    x = alt.X("position:O", title="Rank (1 = best)", axis=alt.Axis(labelAngle=0, orient="top"))
    extra = tooltip_of(
        ("position:O", "Rank in the draws"),
        ("share:Q", "Share of weight draws [%]", ".1f"),
        ("expected_rank:Q", "Expected rank", ".2f"),
    )
    tips = tooltips(long, money_of(workspace, money_label=money_label), extra=extra)
    colour = alt.Color(
        "share:Q",
        title="Share of weight draws [%]",
        scale=alt.Scale(scheme="blues", domain=[0, 100]),
        legend=alt.Legend(gradientLength=220),
    )
    cells = heatmap(
        "cells",
        x,
        y,
        "share",
        colour=colour,
        fmt=".0f",
        show_from=0.5,
        dark_from=60,
        opacity=faded(),
        tooltip=tips,
    )
    line, line_data = divider(frame, order)
    chart = layer(*cells, *line, width=alt.Step(30), height=alt.Step(22))
    n = getattr(smaa_result, "n_samples", None)
    return finish(
        chart,
        "SMAA rank acceptability" + (f" ({n:,} weight draws)" if n else ""),
        knockout_note(
            frame,
            "Share of random weight draws [%] in which each partner takes each rank; "
            "rows by expected rank.",
        ),
        data={"cells": long, "divider": line_data},
    )


def risk_scatter(
    details: pd.DataFrame,
    *,
    caps: Any = None,
    selected: Sequence[Any] = (),
    workspace: Any = None,
    money_label: str | None = None,
) -> alt.TopLevelMixin:
    """Relational vs performance risk [0–1] per partner; the per-partner cap as a line.

    Parameters
    ----------
    details : DataFrame
        Indexed by partner id with ``R_rel`` and ``R_perf`` [0–1] (e.g.
        ``ScoreResult.details`` or ``risk_table(ws)``); ``name``, ``S``, ``R``, ``e_npv``,
        ``knocked_out`` and ``knockouts`` are used when present.
    caps : RiskCaps, optional
        ``max_relational_per_partner`` [0–1] is drawn as a dashed line.
    selected : sequence of str
        Partner ids of a chosen portfolio (drawn as green diamonds).
    workspace : Workspace, optional
        Adds names, costs [money] and annual value [money/yr] to the tooltips.
    money_label : str, optional
        Money unit for the tooltips.
    """
    frame = partner_table(details=details, workspace=workspace)
    chosen = {str(s) for s in selected}
    frame["status"] = [
        "selected" if i in chosen else ("knocked out" if k else "candidate")
        for i, k in zip(frame.index, frame["knocked_out"], strict=True)
    ]
    kinds = [k for k in ("selected", "candidate", "knocked out") if k in set(frame["status"])]
    style = {"selected": (PALETTE[2], "diamond"), "candidate": (PALETTE[0], "circle")}
    style["knocked out"] = (GREY, "cross")
    legend = alt.Legend(title=None)
    x = alt.X("R_perf:Q", title="Performance risk R_perf [0–1]", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("R_rel:Q", title="Relational risk R_rel [0–1]", scale=alt.Scale(domain=[0, 1]))
    points = source("partners").mark_point(filled=True, size=110, opacity=0.9)
    points = points.encode(
        x=x,
        y=y,
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=kinds, range=[style[k][0] for k in kinds]),
            legend=legend,
        ),
        shape=alt.Shape(
            "status:N",
            scale=alt.Scale(domain=kinds, range=[style[k][1] for k in kinds]),
            legend=legend,
        ),
        tooltip=tooltips(
            frame, money_of(workspace, money_label=money_label), score_title="Score [0–100]"
        ),
    )
    ids = source("partners").mark_text(align="left", dx=7, dy=-6, fontSize=10, color=MUTED)
    layers = [points, ids.encode(x=x, y=y, text=alt.Text("partner_id:N"))]
    cap = getattr(caps, "max_relational_per_partner", None) if caps is not None else None
    cap_data = pd.DataFrame({"cap": [] if cap is None else [float(cap)]})
    cap_data["text"] = [f"max relational risk per partner {c:.2f}" for c in cap_data["cap"]]
    if cap is not None:
        rule = source("cap").mark_rule(color=PALETTE[3], strokeDash=[6, 3]).encode(y=alt.Y("cap:Q"))
        label = source("cap").mark_text(align="right", dy=-7, color=PALETTE[3])
        layers += [
            rule,
            label.encode(y=alt.Y("cap:Q"), x=alt.XValue(WIDTH - 40), text=alt.Text("text:N")),
        ]
    return finish(
        layer(*layers, width=WIDTH - 40, height=360),
        "Risk profile of candidate partners",
        "Lower left is safer; hover a point for the partner.",
        data={"partners": frame, "cap": cap_data},
    )
