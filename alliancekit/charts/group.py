"""Group-decision charts: who weighs what, where people differ, which partners everyone backs.

Every chart names people ("Farah Memon (P01)") and criteria ("C2 Strategic value"), writes
weights as per cent [%] and shows in its tooltips who said what (docs/group.md §3–§4). The
inputs are the results of :mod:`alliancekit.group`: ``DisagreementResult``,
``GroupDecisionResult`` and ``GroupResponses``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts import parts
from alliancekit.charts.data import partner_label
from alliancekit.charts.drivers import criterion_labels
from alliancekit.charts.theme import GREY, INK, PALETTE

__all__ = [
    "ORGANISATION_WORDS",
    "judgement_spread",
    "participant_acceptability",
    "participant_labels",
    "participant_weights",
    "partner_support",
    "side_weights",
]

#: people.csv's ``organisation`` values in words, in legend order.
ORGANISATION_WORDS: Mapping[str, str] = {
    "own": "own organisation",
    "partner": "partner",
    "other": "other",
    "": "not listed",
}
_SIDE_COLOURS = dict(zip(ORGANISATION_WORDS.values(), (*PALETTE[:3], GREY), strict=True))
_CLASS_COLOURS = {"core": PALETTE[2], "borderline": PALETTE[1], "exterior": GREY}


def participant_labels(
    ids: Any, names: Mapping[Any, str] | None = None, *, show_ids: bool = True
) -> dict[str, str]:
    """``{"P01": "Farah Memon (P01)"}`` for each participant id (just the id without a name);
    ``show_ids=False``: the name alone (for managers' pages)."""
    given = {str(k): v for k, v in dict(names if names is not None else {}).items()}
    if not show_ids:
        return {str(i): str(given.get(str(i)) or i) for i in ids}
    return {str(i): partner_label(given.get(str(i)), i, max_chars=28) for i in ids}


def _people(analysis: Any, names: Mapping[Any, str] | None, show_ids: bool = True) -> pd.DataFrame:
    """One row per participant: label, organisation in words, cluster in words."""
    consistency = analysis.consistency
    ids = [str(i) for i in consistency.index]
    clusters = analysis.clusters.reindex(consistency.index)
    several = analysis.clusters.nunique() > 1
    return pd.DataFrame(
        {
            "participant": list(participant_labels(ids, names, show_ids=show_ids).values()),
            "organisation": [
                ORGANISATION_WORDS.get(str(o), str(o)) for o in consistency["organisation"]
            ],
            "cluster": [
                f"cluster {int(c)}" if several and pd.notna(c) else "one group" for c in clusters
            ],
            "cr": consistency["cr"].astype(float).to_numpy(),
        },
        index=pd.Index(ids, name="participant_id"),
    )


def _side_colour(frame: pd.DataFrame) -> alt.Color:
    present = {k: v for k, v in _SIDE_COLOURS.items() if k in set(frame["organisation"])}
    return parts.category_colour("organisation", present, "Organisation")


def _dots(name: str, frame: pd.DataFrame, x: alt.X, y: alt.Y, *tips: tuple) -> alt.Chart:
    """One dot per person: colour = organisation, shape = cluster, tooltips who and ``tips``."""
    dots = parts.source(name).mark_point(filled=True, size=75, opacity=0.85)
    return dots.encode(
        x=x,
        y=y,
        color=_side_colour(frame),
        shape=alt.Shape("cluster:N", title="Like-minded cluster"),
        tooltip=parts.tooltip_of(
            ("participant:N", "Participant"), ("organisation:N", "Organisation"), *tips
        ),
    )


def participant_weights(
    analysis: Any, *, names: Mapping[Any, str] | None = None, show_ids: bool = True
) -> Any:
    """Each participant's weight of each criterion [%] as a dot; the group's as a black tick.

    Parameters
    ----------
    analysis : DisagreementResult
        From ``alliancekit.group.analyse_disagreement`` (or ``GroupDecisionResult.disagreement``).
    names : Mapping, optional
        Participant id -> name (e.g. people.csv's ``name``).
    show_ids : bool
        Write the participant id after each name ("Farah Memon (P01)").

    Criteria are listed by group weight, largest first; dots are coloured by organisation and
    shaped by cluster, so a camp that cuts across organisations shows.
    """
    group = analysis.group
    criteria = [str(c) for c in group.weights.sort_values(ascending=False).index]
    labels = criterion_labels(criteria)
    people = _people(analysis, names, show_ids)
    keep = [str(p) for p in group.participant_weights.index[group.participant_weights > 0]]
    weights = group.individual.set_axis([str(i) for i in group.individual.index]).loc[keep]
    long = (100 * weights[criteria].astype(float)).rename_axis(
        index="participant_id", columns="code"
    )
    long = long.stack().rename("weight").reset_index()
    long = long.merge(people.reset_index(), on="participant_id")
    long["criterion"] = long["code"].map(labels)
    tick = pd.DataFrame(
        {"criterion": [labels[c] for c in criteria], "weight": 100 * group.weights[criteria]}
    )
    y = alt.Y("criterion:N", sort=[labels[c] for c in criteria], title="Criterion")
    x = alt.X("weight:Q", title="Weight [%]", scale=alt.Scale(zero=True))
    dots = _dots(
        "people",
        long,
        x,
        y,
        ("cluster:N", "Cluster"),
        ("criterion:N", "Criterion"),
        ("weight:Q", "Weight [%]", ".1f"),
    )
    ticks = parts.source("group").mark_tick(color=INK, thickness=3, size=18)
    ticks = ticks.encode(
        x=x,
        y=y,
        tooltip=parts.tooltip_of(("criterion:N", "Criterion"), ("weight:Q", "Group [%]", ".1f")),
    )
    method = group.method.label.upper()
    return parts.finish(
        parts.layer(dots, ticks, width=parts.WIDTH, height=alt.Step(26)),
        "Criterion weights by participant",
        f"Each dot is one participant's weight [%]; the black tick is the group's ({method}).",
        data={"people": long, "group": tick},
    )


def _signed(value: float) -> float:
    """A judgement on a symmetric axis: 1 → 0, 5 → 4, 1/5 → −4."""
    return float(value - 1.0 if value >= 1 else 1.0 - 1.0 / value)


def judgement_spread(
    analysis: Any, responses: Any, *, names: Mapping[Any, str] | None = None
) -> Any:
    """Everyone's answer on the pairs of criteria with the widest spread (widest at the top).

    Parameters
    ----------
    analysis : DisagreementResult
        Its ``spread`` lists the pairs (pairwise answers only).
    responses : GroupResponses
        The answers, for each participant's judgement on the 1/9–9 scale [ratio].
    names : Mapping, optional
        Participant id -> name.

    Right of the middle: the first criterion of the pair is judged more important; left: less.
    """
    from alliancekit.group.vocab import judgement_text

    people = _people(analysis, names)
    matrices = responses.matrices()
    rows = []
    for pair in analysis.spread.index:
        a, b = (s.strip() for s in str(pair).split(" vs "))
        text = f"{criterion_labels([a])[a]} vs {criterion_labels([b])[b]}"
        for pid, rec in people.iterrows():
            if pid not in matrices:
                continue
            value = float(matrices[pid].at[a, b])
            rows.append(
                {
                    "pair": text,
                    "judgement": _signed(value),
                    "said": judgement_text(a, b, value),
                    **rec.to_dict(),
                }
            )
    long = pd.DataFrame(
        rows,
        columns=["pair", "judgement", "said", "participant", "organisation", "cluster", "cr"],
    )
    order = list(dict.fromkeys(long["pair"]))
    label = "datum.value >= 0 ? format(datum.value + 1, 'd') : '1/' + format(1 - datum.value, 'd')"
    x = alt.X(
        "judgement:Q",
        title="Judgement: first criterion vs second [ratio, 1/9 … 9]",
        scale=alt.Scale(domain=[-8, 8]),
        axis=alt.Axis(values=[-8, -6, -4, -2, 0, 2, 4, 6, 8], labelExpr=label),
    )
    y = alt.Y("pair:N", sort=order, title="Pair of criteria")
    dots = _dots("answers", long, x, y, ("said:N", "Said"))
    middle = parts.source("middle").mark_rule(color=GREY, strokeDash=[4, 3]).encode(x="x:Q")
    return parts.finish(
        parts.layer(middle, dots, width=parts.WIDTH, height=alt.Step(30)),
        "Where the group differs most",
        "Each dot is one person's answer; right of the dashed line the first criterion matters "
        "more, left of it less.",
        data={"answers": long, "middle": pd.DataFrame({"x": [0.0]})},
    )


def side_weights(analysis: Any) -> Any:
    """The own organisation's and the partner's group weights side by side [%].

    Parameters
    ----------
    analysis : DisagreementResult
        Its ``sides`` (criteria × side).
    """
    sides = analysis.sides.drop(columns="all", errors="ignore")
    criteria = [str(c) for c in analysis.group.weights.sort_values(ascending=False).index]
    labels = criterion_labels(criteria)
    long = (100 * sides.loc[criteria]).rename_axis(index="code", columns="side").stack()
    long = long.rename("weight").reset_index()
    long["criterion"] = long["code"].map(labels)
    long["organisation"] = long["side"].map(lambda s: ORGANISATION_WORDS.get(str(s), str(s)))
    consensus = analysis.side_consensus
    long["consensus"] = [100 * float(consensus.get(s, np.nan)) for s in long["side"]]
    y = alt.Y("criterion:N", sort=[labels[c] for c in criteria], title="Criterion")
    bars = parts.source("sides").mark_bar()
    bars = bars.encode(
        x=alt.X("weight:Q", title="Weight [%]"),
        y=y,
        yOffset=alt.YOffset("organisation:N", sort=list(ORGANISATION_WORDS.values())),
        color=_side_colour(long),
        tooltip=parts.tooltip_of(
            ("organisation:N", "Side"),
            ("criterion:N", "Criterion"),
            ("weight:Q", "Weight [%]", ".1f"),
            ("consensus:Q", "Consensus within the side S* [%]", ".0f"),
        ),
    )
    return parts.finish(
        parts.layer(
            bars, width=parts.WIDTH, height=(10 * max(1, sides.shape[1]) + 6) * len(criteria)
        ),
        "Own organisation and partner side by side",
        "Each side's group weights [%]; criteria by the whole group's weight.",
        data={"sides": long},
    )


def partner_support(
    decision: Any, *, names: Mapping[Any, str] | None = None, show_ids: bool = True
) -> Any:
    """Share of the participants [%] whose portfolio holds each partner; core, borderline or
    exterior by colour.

    Parameters
    ----------
    decision : GroupDecisionResult
        From ``alliancekit.group.group_decision``.
    names : Mapping, optional
        Participant id -> name, for the "chosen by" tooltip.
    show_ids : bool
        Write the participant ids after the names in that tooltip.
    """
    sel = decision.selection
    portfolios = decision.portfolios
    people = [c for c in decision.disagreement.consistency.index if c in portfolios.columns]
    who = participant_labels(people, names, show_ids=show_ids)
    frame = pd.DataFrame(
        {
            "partner_id": [str(i) for i in sel.index],
            "label": [partner_label(n, i) for n, i in zip(sel["name"], sel.index, strict=True)],
            "name": sel["name"].astype(str).to_numpy(),
            "share": 100 * sel["share"].astype(float).to_numpy(),
            "selection": [str(getattr(s, "value", s)) for s in sel["selection"]],
            "chosen_by": [
                ", ".join(who[str(p)] for p in people if portfolios.at[i, p]) or "nobody"
                for i in sel.index
            ],
            "rank": decision.ranks["group"].reindex(sel.index).to_numpy(),
            "in_group": np.where(portfolios["group"].reindex(sel.index), "yes", "no"),
        }
    )
    frame["share_at"] = frame["share"]
    order = list(frame.sort_values(["share", "rank"], ascending=[False, True])["label"])
    y = parts.partner_y(order)
    present = {k: v for k, v in _CLASS_COLOURS.items() if k in set(frame["selection"])}
    bars = parts.source("partners").mark_bar()
    bars = bars.encode(
        x=alt.X(
            "share:Q",
            title="Participants whose portfolio holds it [%]",
            scale=alt.Scale(domain=[0, 100]),
        ),
        y=y,
        color=parts.category_colour("selection", present, "Partner is"),
        tooltip=parts.tooltip_of(
            ("name:N", "Partner"),
            ("partner_id:N", "Id"),
            ("selection:N", "Partner is"),
            ("share:Q", "Participants [%]", ".0f"),
            ("chosen_by:N", "Chosen by"),
            ("rank:Q", "Rank under the group's weights"),
            ("in_group:N", "In the group's portfolio"),
        ),
    )
    return parts.finish(
        parts.rows(bars, parts.value_text(y, "share", ".0f")),
        "Which partners everyone would choose",
        "Core: in every participant's portfolio; borderline: in some; exterior: in none.",
        data={"partners": frame},
    )


def participant_acceptability(decision: Any) -> Any:
    """Rank acceptability with the participants' weights: the share of the participants [%]
    under whose weights a partner takes each rank.

    Parameters
    ----------
    decision : GroupDecisionResult
        Its ``acceptability`` (partners × ranks [0–1]).
    """
    acc = decision.acceptability.astype(float)
    acc = acc.set_axis([str(i) for i in acc.index])
    names = decision.selection["name"].set_axis([str(i) for i in decision.selection.index])
    expected = pd.Series(acc.to_numpy() @ np.arange(1, acc.shape[1] + 1), index=acc.index)
    labels = {i: partner_label(names.get(i), i) for i in acc.index}
    order = [labels[i] for i in expected.sort_values(kind="stable").index]
    long = (100 * acc).rename_axis(index="partner_id", columns="position").stack()
    long = long.rename("share").reset_index()
    long["position"] = long["position"].astype(int)
    long["label"] = long["partner_id"].map(labels)
    long["name"] = long["partner_id"].map(names)
    long["expected_rank"] = long["partner_id"].map(expected)
    x = alt.X("position:O", title="Rank (1 = best)", axis=alt.Axis(labelAngle=0, orient="top"))
    colour = alt.Color(
        "share:Q",
        title="Share of the participants [%]",
        scale=alt.Scale(scheme="blues", domain=[0, 100]),
        legend=alt.Legend(gradientLength=220),
    )
    cells = parts.heatmap(
        "cells",
        x,
        parts.partner_y(order),
        "share",
        colour=colour,
        fmt=".0f",
        show_from=0.5,
        dark_from=60,
        tooltip=parts.tooltip_of(
            ("name:N", "Partner"),
            ("partner_id:N", "Id"),
            ("position:O", "Rank"),
            ("share:Q", "Share of the participants [%]", ".0f"),
            ("expected_rank:Q", "Expected rank", ".2f"),
        ),
    )
    return parts.finish(
        parts.layer(*cells, width=alt.Step(30), height=alt.Step(22)),
        "Rank acceptability under the participants' weights",
        "Share of the participants [%] (weighted) under whose weights each partner takes each "
        "rank; rows by expected rank.",
        data={"cells": long},
    )
