"""Portfolio charts: totals against limits, the efficient frontier, spend against budget.

Constraints are shown by their human label (``data.constraint_labels``); infeasible frontier
points sit on the x-axis as crosses ("no feasible portfolio"), never at an invented value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.data import constraint_labels, money_of, partner_label, text_of
from alliancekit.charts.parts import (
    ROW_STEP,
    WIDTH,
    category_colour,
    finish,
    layer,
    source,
    tooltip_of,
)
from alliancekit.charts.theme import (
    DECISION_COLOURS,
    INK,
    MUTED,
    PALETTE,
    group_colours,
    short_name,
    text_colour,
)

__all__ = [
    "OBJECTIVE_LABELS",
    "VARY_LABELS",
    "budget_bars",
    "frontier_plot",
    "group_colours",
    "spend_title",
    "totals_bars",
]

#: Varied limit -> (axis words, unit); ``{money}`` becomes the money unit.
VARY_LABELS: Mapping[str, tuple[str, str]] = {
    "budget_annual": ("Annual budget", "{money}/yr"),
    "budget_one_off": ("One-off budget", "{money}"),
    "avg_risk": ("Average-risk cap", "0–1"),
    "cvar": ("CVaR cap (95 %)", "{money}"),
}
#: Objective -> (axis words, unit).
OBJECTIVE_LABELS: Mapping[str, tuple[str, str]] = {
    "expected_npv": ("Σ E[NPV] of new partners", "{money}"),
    "score": ("Σ partner score", "points, 0–100 each"),
    "blend": ("Blended objective", "normalised"),
    "mean_cvar": ("Σ E[NPV] − λ·CVaR", "{money}"),
    "coverage": ("Σ E[NPV] + coverage reward", "{money}"),
    "value": ("Objective", "objective units"),
}
_KINDS = {"limit": PALETTE[0], "binding limit": PALETTE[3], "requirement": PALETTE[2]}


_SIGNS = {"<=": "≤", ">=": "≥", "==": "="}


def _sense(value: Any) -> str:
    """``>=`` (requirements), ``==`` (fixed) or ``<=`` (caps), from text or a Sense enum."""
    text = text_of(value).strip().lower()
    if text in {">=", "≥", "ge", "min", "at_least", "at least"}:
        return ">="
    return "==" if text in {"==", "=", "eq"} else "<="


def _titled(words: str, unit: str, money: str) -> str:
    unit = unit.format(money=money)
    return f"{words} [{unit}]" if unit else words


def _typed(result: Any) -> list[Any]:
    """The result's typed constraints (``PortfolioResult.constraints``), if it has them."""
    found = getattr(result, "constraints", None) or ()
    return list(found.values() if isinstance(found, Mapping) else found)


def _totals_frame(result: Any) -> pd.DataFrame:
    """One row per constraint with a numeric cap: label, used, cap, slack, share [%], kind."""
    totals = result.totals
    if not isinstance(totals, pd.DataFrame):
        totals = pd.DataFrame(totals).T
    totals = totals[pd.to_numeric(totals["cap"], errors="coerce").notna()]
    keys = [str(k) for k in totals.index]
    senses = [_sense(s) for s in totals["sense"]] if "sense" in totals else ["<="] * len(keys)
    used, cap = totals["used"].astype(float).to_numpy(), totals["cap"].astype(float).to_numpy()
    slack = totals["slack"].astype(float).to_numpy() if "slack" in totals else cap - used
    share = np.divide(100 * used, cap, out=np.zeros_like(used), where=np.abs(cap) > 1e-12)
    binding = {str(b) for b in (getattr(result, "binding", ()) or ())}
    labels = constraint_labels(result)
    units = {str(getattr(c, "key", "")): getattr(c, "unit", "") for c in _typed(result)}
    seen = pd.Series([labels[k] for k in keys]).duplicated(keep=False).to_numpy()
    words = {
        k: f"{labels[k]} ({k})" if dup else labels[k] for k, dup in zip(keys, seen, strict=True)
    }
    return pd.DataFrame(
        {
            "key": keys,
            "label": [
                f"{short_name(words[k], 40)} {_SIGNS[s]}" for k, s in zip(keys, senses, strict=True)
            ],
            "name": [labels[k] for k in keys],
            "unit": [units.get(k) or "" for k in keys],
            "used": used,
            "cap": cap,
            "slack": slack,
            "share": share,
            "share_at": np.clip(share, 0.0, None),
            "kind": [
                "requirement" if s == ">=" else ("binding limit" if k in binding else "limit")
                for k, s in zip(keys, senses, strict=True)
            ],
            "amount": [f"{u:,.2f} / {c:,.2f}" for u, c in zip(used, cap, strict=True)],
        }
    )


def totals_bars(result: Any, *, money_label: str | None = None) -> alt.TopLevelMixin:
    """Every limit and requirement as a share [%] of its cap or required level, ``used / cap``.

    Parameters
    ----------
    result : PortfolioResult
        ``totals`` indexed by constraint key with ``used``, ``cap``, ``slack`` and ``sense``
        ("<=" caps, ">=" requirements); ``binding`` keys; labels via
        ``data.constraint_labels``.
    money_label : str, optional
        Money unit (default: the result's).

    Caps in blue (binding ones in vermillion), requirements in green; the dashed line is 100 %.
    """
    frame = _totals_frame(result)
    money = money_of(result, money_label=money_label)
    kinds = [k for k in _KINDS if k in set(frame["kind"])]
    y = alt.Y("label:N", sort=list(frame["label"]), title="Constraint")
    x = alt.X(
        "share:Q",
        title="Used [% of cap] or reached [% of requirement]",
        scale=alt.Scale(
            domain=[0, max(130.0, 1.1 * float(np.max(frame["share"].to_numpy(), initial=0.0)))]
        ),
    )
    tips = tooltip_of(
        ("name:N", "Constraint"),
        ("key:N", "Key"),
        ("used:Q", "Used", ",.3f"),
        ("cap:Q", "Cap or requirement", ",.3f"),
        ("slack:Q", "Slack", ",.3f"),
        ("unit:N", "Unit"),
        ("share:Q", "Share [%]", ".1f"),
    )
    bars = (
        source("totals")
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[_KINDS[k] for k in kinds]),
                legend=alt.Legend(title=None),
            ),
            tooltip=tips,
        )
    )
    text = source("totals").mark_text(align="left", dx=4, fontSize=10, color=INK)
    text = text.encode(x=alt.X("share_at:Q"), y=y, text=alt.Text("amount:N"))
    hundred = source("hundred").mark_rule(color=INK, strokeDash=[5, 3]).encode(x=alt.X("x:Q"))
    chart = layer(bars, text, hundred, width=WIDTH, height=alt.Step(ROW_STEP))
    return finish(
        chart,
        "Portfolio against its limits",
        f"Written: used / cap (or reached / required); money in {money}. "
        "Binding caps in vermillion.",
        data={"totals": frame, "hundred": pd.DataFrame({"x": [100.0]})},
    )


def frontier_plot(
    frontier: Any,
    *,
    current: float | None = None,
    money_label: str | None = None,
    names: Mapping[Any, str] | None = None,
) -> alt.TopLevelMixin:
    """The best objective [money or points] as one limit varies; infeasible settings marked.

    Parameters
    ----------
    frontier : FrontierResult
        ``points`` (or ``to_frame()``): ``value`` (the varied limit), ``objective``,
        ``feasible``, ``n_selected``, ``selected`` (";"-joined ids).
    current : float, optional
        The current setting of the varied limit (default: ``frontier.current``), drawn dashed.
    money_label : str, optional
        Money unit (default: the frontier's).
    names : Mapping, optional
        Partner id -> name, to list the selected partners by name in the tooltips.

    A setting with no feasible portfolio has no objective value: it is drawn as a cross on the
    x-axis, labelled "no feasible portfolio".
    """
    frame, xcol = _frontier_frame(frontier, names)
    money = money_of(frontier, money_label=money_label)
    vary = text_of(getattr(frontier, "vary", "limit"))
    objective = text_of(getattr(frontier, "objective", "value"))
    xwords, xunit = VARY_LABELS.get(vary, (vary.replace("_", " ").capitalize(), ""))
    ywords, yunit = OBJECTIVE_LABELS.get(objective, (objective.replace("_", " "), ""))
    xtitle, ytitle = _titled(xwords, xunit, money), _titled(ywords, yunit, money)
    x = alt.X(f"{xcol}:Q", title=xtitle, scale=alt.Scale(zero=False))
    y = alt.Y("objective:Q", title=ytitle, scale=alt.Scale(zero=False, padding=16))
    kinds = alt.Scale(
        domain=["optimal portfolio", "no feasible portfolio"], range=[PALETTE[0], PALETTE[3]]
    )
    shapes = alt.Scale(
        domain=["optimal portfolio", "no feasible portfolio"], range=["circle", "cross"]
    )
    legend = alt.Legend(title=None)
    colour = alt.Color("kind:N", scale=kinds, legend=legend)
    shape = alt.Shape("kind:N", scale=shapes, legend=legend)
    tips = tooltip_of(
        (f"{xcol}:Q", xtitle, ",.2f"),
        ("objective:Q", ytitle, ",.2f"),
        ("n_selected:Q", "Partners selected"),
        ("partners:N", "Selected"),
    )
    ok = source("frontier").transform_filter("datum.feasible")
    line = ok.mark_line(interpolate="step-after", color=PALETTE[0]).encode(x=x, y=y)
    dots = ok.mark_point(filled=True, size=50).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tips
    )
    none = source("frontier").transform_filter("!datum.feasible")
    crosses = none.mark_point(filled=True, size=140, clip=False).encode(
        x=x, y=alt.YValue("height"), color=colour, shape=shape, tooltip=tips[:1]
    )
    note = source("first_infeasible").mark_text(align="left", dx=8, dy=-10, color=PALETTE[3])
    note = note.encode(x=x, y=alt.YValue("height"), text=alt.TextValue("no feasible portfolio"))
    layers = [line, dots, crosses, note]
    at = current if current is not None else getattr(frontier, "current", None)
    marker = pd.DataFrame({xcol: [] if at is None else [float(at)]})
    marker["text"] = [f"current setting {v:,.2f}" for v in marker[xcol]]
    if at is not None:
        rule = source("current").mark_rule(color=PALETTE[1], strokeDash=[6, 3], strokeWidth=2)
        text = source("current").mark_text(align="left", dx=4, color=MUTED)
        layers += [rule.encode(x=x), text.encode(x=x, y=alt.YValue(8), text=alt.Text("text:N"))]
    first = frame[~frame["feasible"]].iloc[:1]
    return finish(
        layer(*layers, width=WIDTH, height=300),
        f"Efficient frontier: {ywords} vs {xwords.lower()}",
        "Each point is the best portfolio at that setting; hover for its partners.",
        data={"frontier": frame, "first_infeasible": first, "current": marker},
    )


def _frontier_frame(frontier: Any, names: Mapping[Any, str] | None) -> tuple[pd.DataFrame, str]:
    """The frontier points with ``feasible``, ``kind`` and the selected partners in words."""
    points = frontier.to_frame() if hasattr(frontier, "to_frame") else frontier.points
    frame = pd.DataFrame(points).reset_index(drop=True)
    xcol = "value" if "value" in frame.columns else str(frame.columns[0])
    if "feasible" in frame.columns:
        frame["feasible"] = frame["feasible"].fillna(False).astype(bool)
    else:
        frame["feasible"] = frame["objective"].notna()
    frame["kind"] = np.where(frame["feasible"], "optimal portfolio", "no feasible portfolio")
    frame.loc[~frame["feasible"], "objective"] = np.nan
    chosen = frame["selected"] if "selected" in frame.columns else pd.Series("", index=frame.index)
    lookup = {str(k): str(v) for k, v in (names or {}).items()}
    frame["partners"] = [
        ", ".join(partner_label(lookup.get(i, i), i) for i in str(s or "").split(";") if i)
        for s in chosen.fillna("")
    ]
    if "n_selected" not in frame.columns:
        frame["n_selected"] = [len([i for i in str(s or "").split(";") if i]) for s in chosen]
    keep = [xcol, "objective", "feasible", "kind", "n_selected", "partners"]
    return frame[keep], xcol


def spend_title(title: str, spent: float, budget: float) -> str:
    """``"<title>: <spent> of <budget> (<share>%)"``, the title of a spend-vs-budget chart."""
    return f"{title}: {spent:,.1f} of {budget:,.1f} ({100 * spent / max(budget, 1e-9):.0f}%)"


def budget_bars(
    items: pd.DataFrame,
    budget: float,
    *,
    money_label: str = "",
    title: str = "Annual spend vs budget",
    names: Mapping[Any, str] | None = None,
) -> alt.TopLevelMixin:
    """One bar of annual cost [money/yr] split by alliance or partner, against the budget line.

    Parameters
    ----------
    items : DataFrame
        Indexed by id with ``cost_annual`` [money/yr], optional ``group`` (e.g. the review
        decision: coloured GROW/MAINTAIN/RESTRUCTURE/EXIT) and optional ``name``.
    budget : float
        Annual budget [money/yr], drawn as a dashed line.
    money_label : str
        Money unit, e.g. ``PKR lakh``.
    title : str
        Title start; the spend, budget and share are appended.
    names : Mapping, optional
        Id -> name when ``items`` has no ``name`` column.
    """
    frame = _spend_frame(items, budget, names)
    budget, spent = float(budget), float(frame["cost"].sum())
    unit = f"{money_label or 'money'}/yr"
    gcol = group_colours(frame["group"]) if "group" in items.columns else {}
    frame["ink"] = [text_colour(gcol.get(g, PALETTE[0])) for g in frame["group"]]
    decisions = set(gcol) <= set(DECISION_COLOURS)
    colour = category_colour("group", gcol, "Decision" if decisions else None)
    x = alt.X(
        "start:Q",
        title=f"Annual cost [{unit}]",
        scale=alt.Scale(domain=[0, 1.12 * max(spent, budget, 1e-9)], nice=False),
    )
    tips = tooltip_of(
        ("name:N", "Name"),
        ("item_id:N", "Id"),
        ("cost:Q", f"Annual cost [{unit}]", ",.1f"),
        ("share:Q", "Share of budget [%]", ".1f"),
        *([("group:N", "Group")] if gcol else []),
    )
    bars = source("items").mark_bar(stroke="white", strokeWidth=1, height=40)
    bars = bars.encode(x=x, x2=alt.X2("end:Q"), color=colour, tooltip=tips)
    ids = (
        source("items")
        .mark_text(fontSize=10)
        .encode(x=alt.X("middle:Q"), text=alt.Text("inside:N"), fill=alt.Fill("ink:N", scale=None))
    )
    rule = source("budget").mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=1.5)
    label = source("budget").mark_text(align="left", dx=4, color=INK)
    layers = [
        bars,
        ids,
        rule.encode(x=alt.X("budget:Q")),
        label.encode(x=alt.X("budget:Q"), y=alt.YValue(6), text=alt.Text("text:N")),
    ]
    line = pd.DataFrame({"budget": [budget], "text": [f"budget {budget:,.1f}"]})
    return finish(
        layer(*layers, width=WIDTH + 60, height=70),
        spend_title(title, spent, budget),
        "Hover a segment for the alliance or partner; ids written where they fit.",
        data={"items": frame, "budget": line},
    )


def _spend_frame(
    items: pd.DataFrame, budget: float, names: Mapping[Any, str] | None
) -> pd.DataFrame:
    """Segments in ``items`` order: start/end/middle [money/yr], share of budget, id text."""
    cost = pd.to_numeric(items["cost_annual"], errors="coerce").fillna(0.0).clip(lower=0.0)
    end = cost.cumsum().to_numpy()
    ids = [str(i) for i in items.index]
    lookup = {str(k): str(v) for k, v in (names or {}).items()}
    given = items["name"] if "name" in items.columns else [lookup.get(i, i) for i in ids]
    wide = cost.to_numpy() >= 0.05 * max(float(end[-1]) if len(end) else 0.0, float(budget), 1e-9)
    return pd.DataFrame(
        {
            "item_id": ids,
            "name": [str(n) for n in given],
            "cost": cost.to_numpy(),
            "start": end - cost.to_numpy(),
            "end": end,
            "middle": end - cost.to_numpy() / 2,
            "share": 100 * cost.to_numpy() / max(float(budget), 1e-9),
            "group": [text_of(g) for g in items["group"]] if "group" in items.columns else "",
            "inside": [i if w else "" for i, w in zip(ids, wide, strict=True)],
        }
    )
