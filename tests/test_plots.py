"""Every plot has a title, labelled axes and draws real results of the sample workspaces."""

from __future__ import annotations

import io

import matplotlib
import pytest

import alliancekit as ak
from alliancekit import plots

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def greenscape() -> dict:
    ws = ak.sample_workspace("greenscape")
    rv = ak.review_alliances(ws)
    return {
        "ws": ws,
        "score": ak.score_partners(ws),
        "review": rv,
        "plan": ak.plan_portfolio(ws, review=rv),
    }


def _check(fig: matplotlib.figure.Figure) -> None:
    """A figure renders to PNG and every axes (except colour bars) has a title/labels."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")
    main_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert main_axes
    titled = fig.get_suptitle() or all(ax.get_title() for ax in main_axes)
    assert titled, "every plot needs a title"
    for ax in main_axes:
        if ax.name == "polar":
            continue
        assert ax.get_xlabel() or ax.get_ylabel(), f"unlabelled axes in {ax.get_title()!r}"


def test_score_plots(greenscape: dict) -> None:
    sr = greenscape["score"]
    _check(plots.score_bars(sr))
    _check(plots.score_bars(sr, top=5))
    _check(plots.contribution_bars(sr))
    _check(plots.risk_scatter(sr.details, caps=greenscape["ws"].organization.caps()))


def test_score_bars_grey_out_knocked_out_partners(greenscape: dict) -> None:
    sr = greenscape["score"]
    fig = plots.score_bars(sr)
    bars = fig.axes[0].patches
    grey = [b for b in bars if matplotlib.colors.to_hex(b.get_facecolor()) == plots.GREY.lower()]
    assert len(grey) == sum(1 for v in sr.knockouts.values() if v)


def test_smaa_heatmap() -> None:
    sr = ak.score_partners(ak.sample_workspace("sanchar-apps"))
    sm = ak.smaa(sr.normalized, dict.fromkeys(sr.normalized.columns, "benefit"), n_samples=500)
    _check(plots.acceptability_heatmap(sm))


def test_portfolio_plots(greenscape: dict) -> None:
    pp = greenscape["plan"]
    fig = plots.totals_bars(pp)
    _check(fig)
    assert "PKR lakh" in fig.axes[0].get_xlabel()
    fr = ak.efficient_frontier(greenscape["ws"], vary="budget_annual", points=4)
    fig = plots.frontier_plot(fr, current=55)
    _check(fig)
    assert "PKR lakh" in fig.axes[0].get_xlabel()
    assert "E[NPV]" in fig.axes[0].get_ylabel()
    ws = greenscape["ws"]
    _check(
        plots.coverage_heatmap(
            ws.coverage_frame(),
            required={g.gap_id: g.required for g in ws.organization.capability_gaps},
        )
    )
    items = ws.alliances_frame()[["cost_annual"]].assign(group="existing")
    _check(plots.budget_bars(items, ws.organization.budget_annual, money_label="PKR lakh"))


def test_review_plots(greenscape: dict) -> None:
    rv = greenscape["review"]
    _check(plots.kpi_chart(rv, "AL-B3"))
    _check(plots.health_radar(rv, ["AL-B1", "AL-B2"]))
    _check(plots.health_radar(rv, "AL-B4"))
    _check(plots.attainment_sparklines(rv.attainment, decisions=rv.table["decision"].to_dict()))
    _check(plots.decision_counts(rv.table["decision"]))
    gap = rv.table[["D3"]].assign(own=3.0, partner=4.0)[["own", "partner"]]
    _check(plots.perception_gap(gap))


def test_frontier_shows_infeasible_points_inside_the_axes(greenscape: dict) -> None:
    """Infeasible settings are drawn (at the bottom edge, not as objective 0) within the x-range."""
    fr = ak.efficient_frontier(greenscape["ws"], vary="budget_annual", points=8, progress=False)
    pts = fr.to_frame()
    assert (~pts["feasible"]).any()
    ax = plots.frontier_plot(fr).axes[0]
    lo, hi = ax.get_xlim()
    assert lo <= pts["value"].min() and hi >= pts["value"].max()
    assert ax.get_ylim()[0] > 0  # no fake zero objective pulls the axis down
