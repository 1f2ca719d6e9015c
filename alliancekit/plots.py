"""Matplotlib figures for alliancekit results (a leaf module: imports matplotlib lazily).

Every function returns a ``matplotlib.figure.Figure`` with a title, labelled axes and units, using
the Okabe–Ito colour-blind-safe palette. Pass ``ax=`` to draw into an existing axes. Nothing is
shown or saved here: notebooks display the figure, reports embed it, widgets put it in an Output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DECISION_COLOURS",
    "PALETTE",
    "acceptability_heatmap",
    "attainment_sparklines",
    "budget_bars",
    "contribution_bars",
    "coverage_heatmap",
    "coverage_matrix",
    "decision_counts",
    "frontier_plot",
    "group_colours",
    "health_radar",
    "kpi_chart",
    "perception_gap",
    "risk_scatter",
    "score_bars",
    "spend_title",
    "totals_bars",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
GREY = "#999999"
#: Decision colours (distinct under the common colour-vision deficiencies).
DECISION_COLOURS: Mapping[str, str] = {
    "GROW": "#009E73",
    "MAINTAIN": "#0072B2",
    "RESTRUCTURE": "#E69F00",
    "EXIT": "#D55E00",
}


def _new(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    # Figure() (not plt.figure) so no global pyplot state accumulates in long-running kernels.
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _colours(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


# -- scoring -----------------------------------------------------------------------------------
def score_bars(result: Any, *, top: int | None = None, ax: Axes | None = None) -> Figure:
    """Horizontal bars of partner scores, best at the top; knocked-out partners in grey.

    Parameters
    ----------
    result : ScoreResult
        From ``alliancekit.score`` or ``alliancekit.score_partners``.
    top : int, optional
        Show only the best ``top`` partners.
    """
    scores = result.scores.sort_values(ascending=True)
    if top is not None:
        scores = scores.iloc[-top:]
    knock = dict(getattr(result, "knockouts", {}) or {})
    fig, ax = _new(ax, (7, 0.35 * len(scores) + 1.4))
    colours = [GREY if knock.get(i) else PALETTE[0] for i in scores.index]
    ax.barh([str(i) for i in scores.index], scores.to_numpy(), color=colours)
    for y, (pid, v) in enumerate(scores.items()):
        label = f"{v:.1f}" + ("  (knocked out)" if knock.get(pid) else "")
        ax.text(v, y, " " + label, va="center", fontsize=8)
    ax.set_xlabel(_score_axis_label(result.method))
    ax.set_ylabel("partner")
    ax.set_title(f"Partner scores ({_method_name(result.method)})")
    ax.set_xlim(0, max(float(scores.max()) * 1.25, 1e-9) if len(scores) else 1)
    return fig


def contribution_bars(result: Any, *, top: int | None = None, ax: Axes | None = None) -> Figure:
    """Stacked bars: how much each criterion contributes to each partner's score."""
    contrib = result.contributions.loc[result.ranks.sort_values().index]
    if top is not None:
        contrib = contrib.iloc[:top]
    contrib = contrib.iloc[::-1]
    fig, ax = _new(ax, (8, 0.35 * len(contrib) + 1.6))
    from matplotlib.collections import PolyCollection

    names = [str(i) for i in contrib.index]
    y = np.arange(len(contrib), dtype=float)
    values = np.nan_to_num(contrib.to_numpy(dtype=float))
    right = np.cumsum(values, axis=1)
    left = right - values
    # one PolyCollection per criterion instead of one Rectangle patch per bar segment (what
    # barh draws): the same stacked bars at a fraction of the cost, which matters when a widget
    # slider redraws the chart
    for i, crit in enumerate(contrib.columns):
        x0, x1 = left[:, i], right[:, i]
        verts = np.stack(
            [
                np.column_stack([x0, y - 0.4]),
                np.column_stack([x0, y + 0.4]),
                np.column_stack([x1, y + 0.4]),
                np.column_stack([x1, y - 0.4]),
            ],
            axis=1,
        )
        # past eight criteria the palette repeats: hatch the repeats so every criterion differs
        hatch = (None, "//", "..", "xx")[(i // len(PALETTE)) % 4]
        ax.add_collection(
            PolyCollection(
                verts,
                facecolors=PALETTE[i % len(PALETTE)],
                edgecolors="white",
                linewidths=0.3,
                hatch=hatch,
                label=str(crit),
            )
        )
    if len(contrib):
        lo, hi = min(0.0, float(left.min())), max(float(right.max()), 0.0)
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        ax.set_xlim(lo - (pad if lo < 0 else 0.0), hi + pad)
    ax.set_ylim(-0.6, len(contrib) - 0.4)
    ax.set_yticks(y, names)
    ax.set_xlabel(f"contribution to {_score_axis_label(result.method)}")
    ax.set_ylabel("partner")
    ax.set_title("What drives each partner's score (contribution by criterion)")
    ax.legend(loc="lower right", fontsize=7, ncols=2, title="criterion", title_fontsize=7)
    return fig


def acceptability_heatmap(smaa_result: Any, *, ax: Axes | None = None) -> Figure:
    """Heatmap of SMAA rank acceptability indices [% of weight draws] (partners × ranks)."""
    acc = smaa_result.acceptability
    order = acc.mul(np.arange(1, acc.shape[1] + 1), axis=1).sum(axis=1).sort_values().index
    acc = acc.loc[order]
    fig, ax = _new(ax, (0.5 * acc.shape[1] + 3, 0.35 * acc.shape[0] + 1.5))
    im = ax.imshow(100 * acc.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(acc.shape[1]), [str(c) for c in acc.columns])
    ax.set_yticks(range(acc.shape[0]), [str(i) for i in acc.index])
    ax.set_xlabel("rank (1 = best)")
    ax.set_ylabel("partner")
    n = getattr(smaa_result, "n_samples", None)
    ax.set_title("SMAA rank acceptability" + (f" ({n:,} weight draws)" if n else ""))
    fig.colorbar(im, ax=ax, label="share of weight draws [%]")
    return fig


def risk_scatter(
    details: pd.DataFrame,
    *,
    caps: Any = None,
    selected: Sequence[str] = (),
    ax: Axes | None = None,
) -> Figure:
    """Relational vs performance risk [0–1] per partner; caps drawn as lines; selected ringed.

    ``details`` needs columns ``R_rel`` and ``R_perf`` (e.g. ``ScoreResult.details`` or
    ``risk_table(ws)``).
    """
    fig, ax = _new(ax, (6, 5))
    x, y = details["R_perf"].astype(float), details["R_rel"].astype(float)
    sel = set(selected)
    ax.scatter(x, y, color=PALETTE[0], s=30, zorder=3, label="candidate")
    if sel:
        mask = details.index.isin(list(sel))
        ax.scatter(
            x[mask],
            y[mask],
            s=140,
            facecolors="none",
            edgecolors=PALETTE[2],
            lw=2,
            zorder=4,
            label="selected",
        )
    for pid in details.index:
        ax.annotate(
            str(pid), (x[pid], y[pid]), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    if caps is not None and getattr(caps, "max_relational_per_partner", None) is not None:
        ax.axhline(
            caps.max_relational_per_partner,
            color=PALETTE[3],
            ls="--",
            label=f"max relational risk {caps.max_relational_per_partner:.2f}",
        )
    ax.set_xlabel("performance risk R_perf [0–1]")
    ax.set_ylabel("relational risk R_rel [0–1]")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Risk profile of candidate partners")
    ax.legend(fontsize=8, loc="upper right")
    return fig


# -- portfolio ---------------------------------------------------------------------------------
def totals_bars(result: Any, *, ax: Axes | None = None, money_label: str = "") -> Figure:
    """Every limit and requirement as % of its cap / required level, with used / cap printed.

    ``result.totals``: DataFrame indexed by constraint name with columns ``used``, ``cap`` and
    optionally ``sense`` ("<=" for caps, ">=" for requirements such as coverage or minimum
    counts). Caps are drawn in blue (binding ones in vermillion), requirements in green.
    """
    totals = result.totals
    if not isinstance(totals, pd.DataFrame):
        totals = pd.DataFrame(totals).T
    totals = totals[pd.to_numeric(totals["cap"], errors="coerce").notna()]
    caps = totals["cap"].astype(float).to_numpy()
    used = totals["used"].astype(float).to_numpy()
    sense = (
        totals["sense"].astype(str).to_numpy()
        if "sense" in totals.columns
        else np.array(["<="] * len(totals))
    )
    safe = np.where(np.abs(caps) > 1e-12, caps, 1.0)
    pct = np.where(np.abs(caps) > 1e-12, 100 * used / safe, 0.0)
    binding = set(getattr(result, "binding", ()) or ())
    money_label = money_label or str(getattr(result, "money_label", "") or "")
    fig, ax = _new(ax, (8.5, 0.38 * len(totals) + 1.6))
    names = [f"{n} {'≥' if s == '>=' else '≤'}" for n, s in zip(totals.index, sense, strict=True)]
    colours = [
        PALETTE[2] if s == ">=" else (PALETTE[3] if n in binding else PALETTE[0])
        for n, s in zip(totals.index, sense, strict=True)
    ]
    y = np.arange(len(totals))[::-1]
    ax.barh(y, pct, color=colours)
    ax.set_yticks(y, names, fontsize=8)
    ax.axvline(100, color="black", lw=1, ls="--")
    for yi, p, u, c in zip(y, pct, used, caps, strict=True):
        ax.text(max(p, 0), yi, f"  {u:,.2f} / {c:,.2f}", va="center", fontsize=7)
    unit = f"; money in {money_label}" if money_label else ""
    ax.set_xlabel(f"used as share of cap (≤) or of requirement (≥) [%]{unit}")
    ax.set_ylabel("constraint")
    ax.set_title("Portfolio against its limits (binding caps in vermillion)", fontsize=10)
    ax.set_xlim(0, max(130.0, float(np.nanmax(pct)) * 1.25 if len(pct) else 130.0))
    return fig


def frontier_plot(
    frontier: Any,
    *,
    current: float | None = None,
    ax: Axes | None = None,
    money_label: str = "",
) -> Figure:
    """Objective against the varied limit (efficient frontier); infeasible points marked.

    ``frontier.to_frame()`` (or ``frontier.points``) must hold columns ``value`` (the varied
    limit), ``objective`` and optionally ``feasible`` and ``n_selected``.
    """
    frame = frontier.to_frame() if hasattr(frontier, "to_frame") else pd.DataFrame(frontier)
    vary = str(getattr(frontier, "vary", "limit"))
    fig, ax = _new(ax, (7, 4.5))
    xcol = "value" if "value" in frame.columns else frame.columns[0]
    ok = (
        frame["feasible"].astype(bool)
        if "feasible" in frame.columns
        else frame["objective"].notna()
    )
    ax.step(
        frame.loc[ok, xcol],
        frame.loc[ok, "objective"],
        where="post",
        color=PALETTE[0],
        marker="o",
        ms=4,
        label="optimal portfolio",
    )
    if (~ok).any():
        # on the bottom edge of the axes (axes coordinates), not at objective 0: an infeasible
        # setting has no objective value at all
        ax.scatter(
            frame.loc[~ok, xcol],
            np.full(int((~ok).sum()), 0.03),
            marker="x",
            color=PALETTE[3],
            label="infeasible (no portfolio)",
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
    if current is not None:
        ax.axvline(current, color=PALETTE[1], ls="--", label=f"current setting {current:,.2f}")
    xs = [float(v) for v in frame[xcol]] + ([float(current)] if current is not None else [])
    if xs:  # axes-coordinate markers do not widen the data limits: include every point
        pad = 0.03 * (max(xs) - min(xs) or 1.0)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
    money_label = money_label or str(getattr(frontier, "money_label", "") or "")
    xlabel, xunit = _VARY_LABELS.get(vary, (vary.replace("_", " "), ""))
    xunit = xunit.format(money=money_label or "money")
    ax.set_xlabel(xlabel + (f" [{xunit}]" if xunit else ""))
    objective = str(getattr(frontier, "objective", "objective"))
    ylabel, yunit = _OBJECTIVE_LABELS.get(objective, (objective.replace("_", " "), ""))
    yunit = yunit.format(money=money_label or "money")
    ax.set_ylabel(ylabel + (f" [{yunit}]" if yunit else ""))
    ax.set_title(f"Efficient frontier: {ylabel} vs {xlabel}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def budget_bars(
    items: pd.DataFrame,
    budget: float,
    *,
    money_label: str = "",
    title: str = "Annual spend vs budget",
    ax: Axes | None = None,
) -> Figure:
    """One stacked bar of annual cost by alliance/partner against the budget line.

    ``items``: DataFrame indexed by id with column ``cost_annual`` and optional ``group``
    (e.g. "existing", "new", "exit").
    """
    fig, ax = _new(ax, (7, 2.6))
    left = 0.0
    groups = items["group"] if "group" in items.columns else pd.Series("", index=items.index)
    gcol = group_colours(groups)
    for pid, cost in items["cost_annual"].astype(float).items():
        ax.barh(["spend"], [cost], left=left, color=gcol[groups[pid]], edgecolor="white")
        if cost > 0.04 * max(budget, 1e-9):
            ax.text(
                left + cost / 2, 0, str(pid), ha="center", va="center", fontsize=7, color="white"
            )
        left += cost
    ax.axvline(budget, color="black", ls="--", lw=1.5)
    ax.text(budget, 0.45, f" budget {budget:,.1f}", fontsize=8, va="bottom")
    if any(gcol):
        from matplotlib.patches import Patch

        handles = [Patch(color=colour, label=str(g)) for g, colour in gcol.items() if g]
        ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.set_xlabel(f"annual cost [{money_label}/yr]" if money_label else "annual cost [money/yr]")
    ax.set_title(spend_title(title, left, budget))
    ax.set_xlim(0, max(left, budget) * 1.15)
    return fig


def group_colours(groups: Sequence[Any] | pd.Series) -> dict[Any, str]:
    """Colour per distinct group in order of appearance (review decisions: their fixed colours)."""
    gcol = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(dict.fromkeys(groups))}
    if gcol and all(str(g) in DECISION_COLOURS for g in gcol):
        gcol = {g: DECISION_COLOURS[str(g)] for g in gcol}
    return gcol


def spend_title(title: str, spent: float, budget: float) -> str:
    """``"<title>: <spent> of <budget> (<share>%)"``, the title of a spend-vs-budget chart."""
    return f"{title}: {spent:,.1f} of {budget:,.1f} ({100 * spent / max(budget, 1e-9):.0f}%)"


def coverage_matrix(
    coverage: pd.DataFrame, required: Mapping[str, float] | pd.Series | None = None
) -> pd.DataFrame:
    """Coverage [0–1] (rows: partners or alliances, columns: gaps) as drawn in a heatmap.

    With ``required``, a last row ``"total / required"`` holds each gap's summed coverage
    divided by its required level (gaps with no requirement: divided by 1).
    """
    cov = coverage.astype(float)
    cov.index = [str(i) for i in cov.index]
    cov.columns = [str(c) for c in cov.columns]
    if required is None:
        return cov
    req = pd.Series(required, dtype=float)
    req.index = [str(i) for i in req.index]
    req = req.reindex(cov.columns).fillna(0.0)
    total = cov.sum(axis=0) / req.where(req > 0, 1)
    return pd.concat([cov, total.to_frame("total / required").T])


def coverage_heatmap(
    coverage: pd.DataFrame,
    *,
    required: Mapping[str, float] | pd.Series | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Partner × capability-gap coverage [0–1]; a bottom row shows total vs required."""
    data = coverage_matrix(coverage, required)
    labels = list(data.index)
    fig, ax = _new(ax, (0.7 * data.shape[1] + 3, 0.35 * data.shape[0] + 1.6))
    im = ax.imshow(data.to_numpy(), cmap="cividis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(data.shape[1]), list(data.columns))
    ax.set_yticks(range(len(labels)), labels)
    for (r, c), v in np.ndenumerate(data.to_numpy()):
        if v > 0:
            ax.text(
                c,
                r,
                f"{v:.1f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v < 0.6 else "black",
            )
    ax.set_xlabel("capability gap")
    ax.set_ylabel("partner / alliance")
    ax.set_title("Capability-gap coverage [0–1]")
    fig.colorbar(im, ax=ax, label="coverage [0–1]")
    return fig


# -- review ------------------------------------------------------------------------------------
def kpi_chart(review: Any, alliance_id: str, *, fig: Figure | None = None) -> Figure:
    """Planned vs actual for every KPI of one alliance (small multiples, one per KPI, with units).

    Uses ``review.kpi_detail`` (columns alliance_id, kpi_id, period, planned, actual, unit).
    """
    detail = review.kpi_detail
    if "alliance_id" not in detail.columns:
        detail = detail.reset_index()
    d = detail[detail["alliance_id"] == alliance_id]
    kpis = list(dict.fromkeys(d["kpi_id"]))
    if fig is None:
        from matplotlib.figure import Figure as _Figure

        fig = _Figure(figsize=(3.4 * max(len(kpis), 1), 3.0), layout="constrained")
    axes = fig.subplots(1, max(len(kpis), 1), squeeze=False)[0]
    for ax, kpi in zip(axes, kpis, strict=False):
        k = d[d["kpi_id"] == kpi]
        periods = [str(p) for p in k["period"]]
        ax.plot(
            periods, k["planned"].astype(float), color=GREY, ls="--", marker=".", label="planned"
        )
        ax.plot(
            periods, k["actual"].astype(float), color=PALETTE[0], marker="o", ms=3, label="actual"
        )
        unit = str(k["unit"].iloc[0]) if "unit" in k.columns and len(k) else ""
        direction = str(k["direction"].iloc[0]) if "direction" in k.columns and len(k) else ""
        ax.set_title(f"{kpi}" + (f" ({direction} is better)" if direction else ""), fontsize=9)
        ax.set_xlabel("quarter")
        ax.set_ylabel(unit or "value")
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        ax.legend(fontsize=7)
    fig.suptitle(f"{alliance_id}: KPI plan vs actual")
    return fig


def health_radar(review: Any, alliance_ids: str | Sequence[str]) -> Figure:
    """Radar of health dimensions D1–D6 [0–100] for one or a few alliances."""
    from matplotlib.figure import Figure as _Figure

    ids = [alliance_ids] if isinstance(alliance_ids, str) else list(alliance_ids)
    dims = ["D1", "D2", "D3", "D4", "D5", "D6"]
    names = [
        "D1 strategic fit",
        "D2 value vs plan",
        "D3 relationship",
        "D4 governance",
        "D5 commitment",
        "D6 learning",
    ]
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False)
    fig = _Figure(figsize=(5.2, 5.2), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    for colour, aid in zip(_colours(len(ids)), ids, strict=True):
        vals = review.table.loc[aid, dims].astype(float).to_numpy()
        closed = np.append(vals, vals[0])
        ang = np.append(angles, angles[0])
        ax.plot(
            ang, closed, color=colour, lw=2, label=f"{aid} (H {review.table.loc[aid, 'H']:.0f})"
        )
        ax.fill(ang, closed, color=colour, alpha=0.15)
    ax.set_xticks(angles, names, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100"], fontsize=7)
    ax.set_title("Health dimensions [0–100]")
    ax.legend(fontsize=8, loc="upper right", bbox_to_anchor=(1.25, 1.1))
    return fig


def perception_gap(health: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Own vs partner survey answers [1–5] per alliance (perception gap, docs/method.md §5.2 D3).

    ``health``: DataFrame indexed by alliance_id with columns ``own`` and ``partner``.
    """
    fig, ax = _new(ax, (7, 0.4 * len(health) + 1.5))
    y = np.arange(len(health))
    ax.hlines(y, health["own"], health["partner"], color=GREY, lw=2)
    ax.scatter(health["own"], y, color=PALETTE[0], label="own side", zorder=3)
    ax.scatter(health["partner"], y, color=PALETTE[1], label="partner side", zorder=3)
    ax.set_yticks(y, [str(i) for i in health.index])
    ax.set_xlim(1, 5)
    ax.set_xlabel("trust [1–5 Likert]")
    ax.set_ylabel("alliance")
    ax.set_title("Perception gap: own vs partner view of the relationship")
    ax.legend(fontsize=8)
    return fig


def attainment_sparklines(
    attainment: pd.DataFrame,
    *,
    thresholds: Mapping[str, float] | None = None,
    decisions: Mapping[str, str] | None = None,
) -> Figure:
    """Small line per alliance of period attainment A_t [share of plan] with threshold bands.

    ``attainment``: DataFrame alliances × periods (``ReviewResult.attainment``).
    """
    from matplotlib.figure import Figure as _Figure

    n = len(attainment)
    fig = _Figure(figsize=(7, 0.75 * n + 1.0), layout="constrained")
    axes = fig.subplots(max(n, 1), 1, sharex=True, squeeze=False)[:, 0]
    thr = dict(thresholds or {"exit": 0.60, "restructure": 0.85, "grow": 1.05})
    periods = [str(p) for p in attainment.columns]
    for ax, (aid, row) in zip(axes, attainment.iterrows(), strict=False):
        colour = DECISION_COLOURS.get(str((decisions or {}).get(aid, "")), PALETTE[0])
        ax.plot(periods, row.astype(float).to_numpy(), color=colour, marker=".", lw=1.5)
        for name, value in thr.items():
            ax.axhline(value, color=GREY, lw=0.6, ls=":" if name != "restructure" else "--")
        ax.set_ylim(0, 1.5)
        ax.set_yticks([0.6, 1.0])
        ax.tick_params(labelsize=7)
        label = f"{aid}" + (f" {decisions[aid]}" if decisions and aid in decisions else "")
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    axes[-1].set_xlabel("quarter")
    axes[-1].tick_params(axis="x", labelrotation=60)
    fig.suptitle("Attainment A_t per quarter [share of plan, 1.0 = on plan]", fontsize=10)
    return fig


def decision_counts(decisions: Mapping[str, str] | pd.Series, *, ax: Axes | None = None) -> Figure:
    """Bar chart: number of alliances per review decision."""
    s = pd.Series(decisions).astype(str)
    order = ["GROW", "MAINTAIN", "RESTRUCTURE", "EXIT"]
    counts = s.value_counts().reindex(order, fill_value=0)
    fig, ax = _new(ax, (5, 2.8))
    ax.bar(order, counts.to_numpy(), color=[DECISION_COLOURS[d] for d in order])
    for x, v in enumerate(counts.to_numpy()):
        ax.text(x, v, f"{v}", ha="center", va="bottom")
    ax.set_xlabel("decision")
    ax.set_ylabel("alliances [count]")
    ax.set_title("Review decisions")
    ax.set_ylim(0, max(int(counts.max()), 1) * 1.3)
    return fig


# -- helpers -----------------------------------------------------------------------------------
_VARY_LABELS: Mapping[str, tuple[str, str]] = {
    "budget_annual": ("annual budget", "{money}/yr"),
    "budget_one_off": ("one-off budget", "{money}"),
    "avg_risk": ("average-risk cap", "0–1"),
    "cvar": ("CVaR cap (95 %)", "{money}"),
}
_OBJECTIVE_LABELS: Mapping[str, tuple[str, str]] = {
    "expected_npv": ("Σ E[NPV] of new partners", "{money}"),
    "score": ("Σ partner score", "points, 0–100 each"),
    "blend": ("blended objective", "normalised"),
    "mean_cvar": ("Σ E[NPV] − λ·CVaR", "{money}"),
    "coverage": ("Σ E[NPV] + coverage reward", "{money}"),
    "value": ("objective", ""),
}


def _method_name(method: str) -> str:
    return {
        "weighted_sum": "weighted sum",
        "topsis": "TOPSIS",
        "promethee_ii": "PROMETHEE II",
    }.get(str(method), str(method))


def _score_axis_label(method: str) -> str:
    return {
        "weighted_sum": "score [0–100]",
        "topsis": "TOPSIS closeness [0–1]",
        "promethee_ii": "PROMETHEE net flow [−1–1]",
    }.get(str(method), "score")
