"""The same picture everywhere: the app, the notebooks and the reports draw a chart from the same
``alliancekit.charts`` call with the same data, so its Vega-Lite spec is the same."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import alliancekit as ak
from alliancekit import charts
from alliancekit.reporting.sections import charts as report_charts
from alliancekit.widgets import PortfolioExplorer, ReviewExplorer, ScoringExplorer

NOTEBOOKS = Path(__file__).resolve().parents[1] / "alliancekit" / "data" / "notebooks"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")


def _spec(chart) -> dict:
    """What the app sends and what ``to_svg`` draws (the spec without Altair's validation)."""
    return chart if isinstance(chart, dict) else chart.to_dict(validate=False)


def _rounded(value):
    """A spec with its numbers to 9 significant digits (an explorer's weights, rescaled by its
    sliders, differ from the preset's in the last bits)."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return float(f"{value:.9g}") if isinstance(value, float) else value


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request: pytest.FixtureRequest):
    ws = ak.sample_workspace(request.param)
    return ws, ak.review_alliances(ws)


def test_app_and_report_draw_an_alliance_from_the_same_spec(sample) -> None:
    """The review explorer's KPI chart and health radar of every alliance are the report's."""
    ws, review = sample
    ex = ReviewExplorer(ws, debounce=0)
    for aid in review.table.index:
        ex.alliance.value = aid
        assert ex.kpi_figure.spec == _spec(report_charts.kpi_view(review, aid, ws)), aid
        assert ex.radar_figure.spec == _spec(report_charts.health_view(review, [aid])), aid
    # the KPI panels carry the workspace's KPI names, not only their ids
    aid = review.table.index[0]
    kpi = ws.kpis[ws.kpis["alliance_id"] == aid].iloc[0]
    assert str(kpi["name"])[:20] in str(_spec(report_charts.kpi_view(review, aid, ws)))


def test_notebook_and_report_draw_attainment_from_the_same_call(sample) -> None:
    """``charts.attainment_sparklines(review)`` (notebook 00) is the report's chart: the
    policy's thresholds, the decisions and the partner names."""
    _, review = sample
    spec = _spec(report_charts.attainment_view(review))
    assert spec == _spec(charts.attainment_sparklines(review))
    p = review.policy
    explicit = charts.attainment_sparklines(
        review.attainment,
        thresholds={"exit": p.a_exit, "restructure": p.a_restr, "grow": p.a_grow},
        decisions=dict(review.table["decision"]),
        names=charts.alliance_names(review),
    )
    assert spec == _spec(explicit)


def test_app_and_notebooks_draw_scores_smaa_and_totals_from_the_same_calls() -> None:
    """The scoring and portfolio explorers show what notebooks 01 and 02 draw."""
    ws = ak.sample_workspace("greenscape")
    sc = ScoringExplorer(ws, debounce=0, smaa_samples=200)
    scores = ak.score_partners(ws)
    expected = charts.contribution_bars(scores, workspace=ws)
    assert _rounded(sc.figure.spec) == _rounded(_spec(expected))
    sc.run_smaa()
    expected = charts.acceptability_heatmap(sc.smaa_result, scores=scores, workspace=ws)
    assert _rounded(sc.smaa_figure.spec) == _rounded(_spec(expected))
    pf = PortfolioExplorer(ws, debounce=0)
    plan = ak.plan_portfolio(ws, review=pf.review)
    money = ws.organization.money_label
    expected = charts.totals_bars(plan, money_label=money)
    assert _rounded(pf.totals_figure.spec) == _rounded(_spec(expected))


def test_a_slider_move_sends_only_a_new_spec(sample) -> None:
    """Moving a threshold re-decides but leaves the KPI and radar specs alone (nothing sent);
    the scoring chart is sent once per weight change."""
    ws, _ = sample
    ex = ReviewExplorer(ws, debounce=0)
    sent = (ex.kpi_figure.sent, ex.radar_figure.sent)
    ex.threshold_sliders["h_exit"].value = 55.0
    assert (ex.kpi_figure.sent, ex.radar_figure.sent) == sent
    sc = ScoringExplorer(ws, debounce=0)
    before = sc.figure.sent
    sc.weight_sliders["C1"].value = 0.3
    assert sc.figure.sent == before + 1


def _calls(name: str) -> list[str]:
    """``module.function`` of every call in a packaged notebook's code cells."""
    import nbformat

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith("%")
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name):
                    found.append(f"{owner.id}.{node.func.attr}")
    return found


@pytest.mark.parametrize(
    "name", ["00_alliances_101", "01_score_partners", "02_select_portfolio", "dashboard"]
)
def test_notebooks_draw_with_the_chart_layer_only(name: str) -> None:
    text = (NOTEBOOKS / f"{name}.ipynb").read_text("utf-8")
    assert "matplotlib" not in text and "plots." not in text and "svgcharts" not in text
    drawn = [c for c in _calls(name) if c.startswith("charts.")]
    assert all(hasattr(charts, c.split(".")[1]) for c in drawn)
    if name != "dashboard":
        assert drawn, name
