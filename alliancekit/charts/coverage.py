"""Capability-gap coverage: partners (or alliances) × gaps, with gap names and the totals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import gap_labels, partner_label
from alliancekit.charts.parts import ROW_STEP, concat, finish, heatmap, layer, source, tooltip_of
from alliancekit.charts.theme import PALETTE, text_colour

__all__ = ["coverage_heatmap", "coverage_names"]

_CELL = 64  # px per gap column
_STATUS = {"met": PALETTE[2], "short": PALETTE[3]}


def coverage_names(workspace: Any) -> dict[str, str]:
    """Id -> name for a workspace's candidates and alliances (alliances by partner name)."""
    names = {str(c.id): str(c.name) for c in workspace.candidates}
    names.update({str(a.alliance_id): str(a.partner_name) for a in workspace.alliances})
    return names


def _cells(
    coverage: pd.DataFrame, gaps: Mapping[str, str], names: Mapping[str, str]
) -> pd.DataFrame:
    cov = coverage.astype(float)
    cov = cov.set_axis([str(i) for i in cov.index]).set_axis([str(c) for c in cov.columns], axis=1)
    long = cov.rename_axis(index="row_id", columns="gap").stack().rename("coverage")
    long = long.reset_index()
    long["gap_label"] = long["gap"].map(gaps)
    long["label"] = [partner_label(names.get(i, i), i) for i in long["row_id"]]
    long["name"] = [names.get(i, i) for i in long["row_id"]]
    return long


def _totals(coverage: pd.DataFrame, required: Any, gaps: Mapping[str, str]) -> pd.DataFrame:
    cov = coverage.astype(float).set_axis([str(c) for c in coverage.columns], axis=1)
    req = pd.Series(required, dtype=float)
    req = req.set_axis([str(i) for i in req.index]).reindex(cov.columns).fillna(0.0)
    total = cov.sum(axis=0)
    status = np.where(total.to_numpy() >= req.to_numpy() - 1e-9, "met", "short")
    return pd.DataFrame(
        {
            "gap": list(cov.columns),
            "gap_label": [gaps[g] for g in cov.columns],
            "total": total.to_numpy(),
            "required": req.to_numpy(),
            "status": status,
            "ink": [text_colour(_STATUS[s]) for s in status],
            "text": [f"{t:.1f} / {r:.1f}" for t, r in zip(total, req, strict=True)],
            "label": "total / required",
        }
    )


def coverage_heatmap(
    coverage: pd.DataFrame,
    *,
    required: Mapping[str, float] | pd.Series | None = None,
    gaps: Any = None,
    names: Mapping[Any, str] | None = None,
    workspace: Any = None,
    title: str = "Capability-gap coverage [0–1]",
) -> alt.TopLevelMixin:
    """Partner (or alliance) × capability-gap coverage [0–1], each cell written out.

    Parameters
    ----------
    coverage : DataFrame
        Rows: partner or alliance ids; columns: gap ids; values: coverage [0–1].
    required : Mapping or Series, optional
        Gap id -> required total coverage [0–2]; adds a row "total / required" (green where
        met, vermillion where short).
    gaps : Workspace, Organization, sequence of Gap or Mapping, optional
        Gap names, shown as "G3 — Mobile payments" (default: the workspace's).
    names : Mapping, optional
        Row id -> name (default: the workspace's candidate and alliance partner names).
    workspace : Workspace, optional
        Source of gap and row names.
    title : str
        Chart title.
    """
    lookup = coverage_names(workspace) if workspace is not None else {}
    lookup.update({str(k): str(v) for k, v in (names or {}).items()})
    gap_words = gap_labels(gaps if gaps is not None else workspace, coverage.columns)
    cells = _cells(coverage, gap_words, lookup)
    order_x = [gap_words[str(g)] for g in coverage.columns]
    axis = alt.Axis(labelAngle=-35)
    if required is None:
        return finish(_grid(cells, order_x, axis), title, None, data={"cells": cells})
    chart = concat(
        "vconcat",
        [_grid(cells, order_x, None), _total_row(order_x, axis)],
        independent=["color"],
        spacing=6,
    )
    return finish(
        chart,
        title,
        "Last row: summed coverage / required level; green where met, vermillion where short.",
        data={"cells": cells, "totals": _totals(coverage, required, gap_words)},
    )


def _grid(cells: pd.DataFrame, order_x: list[str], axis: alt.Axis | None) -> alt.LayerChart:
    """The coverage cells, coloured on a light scale and written out where above zero."""
    x = alt.X("gap_label:N", sort=order_x, title="Capability gap", axis=axis)
    y = alt.Y("label:N", sort=list(dict.fromkeys(cells["label"])), title="Partner / alliance (id)")
    tips = tooltip_of(
        ("name:N", "Partner"),
        ("row_id:N", "Id"),
        ("gap_label:N", "Gap"),
        ("coverage:Q", "Coverage [0–1]", ".2f"),
    )
    colour = alt.Color(
        "coverage:Q",
        title="Coverage [0–1]",
        scale=alt.Scale(scheme="greens", domain=[0, 1], clamp=True),
        legend=alt.Legend(gradientLength=160, orient="right", direction="vertical"),
    )
    cells = heatmap(
        "cells",
        x,
        y,
        "coverage",
        colour=colour,
        fmt=".1f",
        show_from=0.05,
        dark_from=0.6,
        tooltip=tips,
    )
    return layer(*cells, width=alt.Step(_CELL), height=alt.Step(ROW_STEP))


def _total_row(order_x: list[str], axis: alt.Axis) -> alt.LayerChart:
    """The "total / required" row: green where the gap is covered, vermillion where short."""
    x = alt.X("gap_label:N", sort=order_x, title="Capability gap", axis=axis)
    y = alt.Y("label:N", title=None)
    status = alt.Color(
        "status:N",
        scale=alt.Scale(domain=list(_STATUS), range=list(_STATUS.values())),
        legend=alt.Legend(title="Gap coverage vs required"),
    )
    tips = tooltip_of(
        ("gap_label:N", "Gap"),
        ("total:Q", "Total coverage", ".2f"),
        ("required:Q", "Required", ".2f"),
    )
    rect = source("totals").mark_rect(stroke="white", strokeWidth=1)
    rect = rect.encode(x=x, y=y, color=status, tooltip=tips)
    text = source("totals").mark_text(fontSize=10)
    text = text.encode(x=x, y=y, text=alt.Text("text:N"), fill=alt.Fill("ink:N", scale=None))
    return layer(rect, text, width=alt.Step(_CELL), height=alt.Step(ROW_STEP + 4))
