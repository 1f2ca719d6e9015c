"""The report's SVG charts: well-formed, titled and labelled, geometrically right, text escaped."""

from __future__ import annotations

import base64
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import alliancekit as ak
from alliancekit import plots, reporting, svgcharts
from alliancekit.svgcharts import SvgChart

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & \"quotes\" 'x'"


def _parse(chart: SvgChart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) == pytest.approx(chart.width)
    assert float(root.get("height")) == pytest.approx(chart.height)
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text == chart.title
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))
    for el in root.iter():  # every shape inside the canvas (a little slack for strokes)
        for attr, limit in (("x", chart.width), ("y", chart.height)):
            if el.tag in (f"{SVG}rect", f"{SVG}text") and el.get(attr) is not None:
                assert -2 <= float(el.get(attr)) <= limit + 2, (el.tag, el.attrib)
    return root


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _check(chart: SvgChart, *labels: str) -> ET.Element:
    """Well-formed SVG with the title drawn and every expected axis label present."""
    root = _parse(chart)
    texts = _texts(root)
    assert any(t and chart.title.startswith(t.rstrip("…")) for t in texts), "title not drawn"
    for label in labels:
        assert label in texts, f"missing label {label!r} in {chart.title!r}"
    return root


@pytest.fixture(scope="module", params=["sanchar-apps", "greenscape", "norden-pumpen"])
def sample(request: pytest.FixtureRequest) -> SimpleNamespace:
    ws = ak.sample_workspace(request.param)
    return SimpleNamespace(ws=ws, review=ak.review_alliances(ws))


def test_every_report_chart_is_titled_and_labelled(sample: SimpleNamespace) -> None:
    ws, rv = sample.ws, sample.review
    money = ws.organization.money_label
    items = pd.DataFrame(
        {
            "cost_annual": [ws.alliance(a).cost_annual for a in rv.table.index],
            "group": list(rv.table["decision"]),
        },
        index=rv.table.index,
    )
    _check(
        svgcharts.budget_bars(items, ws.organization.budget_annual, money_label=money),
        f"annual cost [{money}/yr]",
    )
    _check(
        svgcharts.coverage_heatmap(ws.alliance_coverage_frame()),
        "capability gap",
        "partner / alliance",
        "coverage [0–1]",
    )
    _check(svgcharts.attainment_sparklines(rv.attainment), "quarter")
    for aid in rv.table.index:
        _check(svgcharts.kpi_chart(rv, aid), "quarter")
    root = _check(svgcharts.health_radar(rv, list(rv.table.index)))
    assert "D1 strategic fit" in _texts(root)
    gap = pd.DataFrame({"own": rv.table["trust_own"], "partner": rv.table["trust_partner"]})
    _check(svgcharts.perception_gap(gap.astype(float).dropna()), "trust [1–5 Likert]", "alliance")


def test_budget_bar_segments_are_proportional_to_cost() -> None:
    items = pd.DataFrame(
        {"cost_annual": [10.0, 5.0, 2.5], "group": ["GROW", "EXIT", "GROW"]},
        index=["A", "B", "C"],
    )
    chart = svgcharts.budget_bars(items, 40.0, money_label="kEUR")
    root = _parse(chart)
    seg = {
        r.find(f"{SVG}title").text.split(":")[0]: r
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    }
    widths = {k: float(r.get("width")) for k, r in seg.items()}
    assert widths["A"] / widths["B"] == pytest.approx(2.0, rel=1e-3)
    assert widths["B"] / widths["C"] == pytest.approx(2.0, rel=1e-3)
    # stacked: each segment starts where the previous one ends
    assert float(seg["B"].get("x")) == pytest.approx(float(seg["A"].get("x")) + widths["A"], 0.02)
    assert seg["A"].get("fill") == plots.DECISION_COLOURS["GROW"]
    assert seg["B"].get("fill") == plots.DECISION_COLOURS["EXIT"]
    # the budget line sits at 40/17.5 of the bar's length from the axis origin
    dashed = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 1
    origin = float(seg["A"].get("x"))
    spent_px = sum(widths.values())
    assert (float(dashed[0].get("x1")) - origin) / spent_px == pytest.approx(40 / 17.5, rel=1e-3)
    assert chart.title == plots.spend_title("Annual spend vs budget", 17.5, 40.0)
    assert "17.5 of 40.0 (44%)" in chart.title


def test_coverage_heatmap_total_row_and_colours_match_matplotlib() -> None:
    cov = pd.DataFrame({"G1": [0.5, 0.25], "G2": [0.0, 1.0]}, index=["P1", "P2"])
    chart = svgcharts.coverage_heatmap(cov, required={"G1": 0.5, "G2": 2.0})
    root = _parse(chart)
    texts = _texts(root)
    assert "total / required" in texts
    # G1: (0.5 + 0.25) / 0.5 = 1.5; G2: 1.0 / 2.0 = 0.5 (computed here, not by the module)
    assert "1.5" in texts and "0.5" in texts
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("stroke") == "white"]
    assert len(cells) == 3 * 2
    cividis = matplotlib.colormaps["cividis"]
    for v in np.linspace(0, 1, 37):
        ours = svgcharts._cividis(v)
        ref = matplotlib.colors.to_hex(cividis(v))
        diff = max(abs(int(ours[k : k + 2], 16) - int(ref[k : k + 2], 16)) for k in (1, 3, 5))
        # 17 stops, linear in between: within 10/255 (the map bends most near 0, where its red
        # channel is clipped at 0; elsewhere the difference is a few units)
        assert diff <= 10, (v, ours, ref)


def test_kpi_chart_has_one_panel_per_kpi_and_breaks_lines_at_missing_values() -> None:
    rows = []
    for kpi, unit in (("k1", "%"), ("k2", "days"), ("k3", "count"), ("k4", "PKR lakh")):
        for q, (plan, act) in enumerate([(1, 1.1), (2, np.nan), (3, 2.9), (4, 4.2)], start=1):
            rows.append(("A1", kpi, f"2025-Q{q}", plan, act, unit, "higher"))
    detail = pd.DataFrame(
        rows, columns=["alliance_id", "kpi_id", "period", "planned", "actual", "unit", "direction"]
    )
    chart = svgcharts.kpi_chart(SimpleNamespace(kpi_detail=detail), "A1", per_row=3)
    root = _check(chart, "quarter", "%", "days", "count", "PKR lakh")
    heads = [t for t in _texts(root) if t.endswith("(higher is better)")]
    assert heads == [f"k{i} (higher is better)" for i in range(1, 5)]
    lines = list(root.iter(f"{SVG}polyline"))
    solid = [p for p in lines if p.get("stroke-dasharray") is None]
    dashed = [p for p in lines if p.get("stroke-dasharray")]
    assert len(dashed) == 4  # planned: one unbroken line per KPI
    # actual: the NaN in Q2 leaves Q1 alone (no line) and Q3–Q4 as one line per KPI
    assert len(solid) == 4 and all(len(p.get("points").split()) == 2 for p in solid)
    assert chart.height > 56 + 215  # four panels wrap onto a second row


def test_health_radar_vertices_sit_at_the_scores() -> None:
    table = pd.DataFrame(
        {"D1": [100.0], "D2": [50.0], "D3": [0.0], "D4": [25.0], "D5": [75.0], "D6": [np.nan]},
        index=["A1"],
    ).assign(H=60.0)
    chart = svgcharts.health_radar(SimpleNamespace(table=table), "A1")
    root = _parse(chart)
    polys = [p for p in root.iter(f"{SVG}polygon") if p.get("fill-opacity")]
    assert len(polys) == 1
    pts = [tuple(map(float, p.split(","))) for p in polys[0].get("points").split()]
    rings = [p for p in root.iter(f"{SVG}polygon") if not p.get("fill-opacity")]
    outer = [tuple(map(float, p.split(","))) for p in rings[-1].get("points").split()]
    cx = sum(x for x, _ in outer) / 6
    cy = sum(y for _, y in outer) / 6
    radius = math.dist((cx, cy), outer[0])
    got = [math.dist((cx, cy), p) / radius * 100 for p in pts]
    assert got == pytest.approx([100, 50, 0, 25, 75, 0], abs=0.1)  # missing D6 drawn at 0
    assert outer[0][1] < cy and outer[0][0] == pytest.approx(cx)  # D1 at the top
    assert "A1 (H 60)" in _texts(root)


def test_radar_legend_wraps_and_the_figure_grows_with_it() -> None:
    ids = [f"ALLIANCE-WITH-A-LONG-ID-{i}" for i in range(8)]
    table = pd.DataFrame(50.0, index=ids, columns=[f"D{k}" for k in range(1, 7)]).assign(H=50.0)
    one = svgcharts.health_radar(SimpleNamespace(table=table), ids[:1])
    many = svgcharts.health_radar(SimpleNamespace(table=table), ids)
    root = _parse(many)  # every legend box and label inside the canvas
    legend_rows = {r.get("y") for r in root.iter(f"{SVG}rect") if r.get("width") == "14"}
    assert len(legend_rows) >= 3
    assert many.height - one.height == pytest.approx(18 * (len(legend_rows) - 1))


def test_perception_gap_draws_both_sides_and_the_gap() -> None:
    health = pd.DataFrame({"own": [4.5, 2.0], "partner": [4.0, np.nan]}, index=["A1", "A2"])
    root = _check(svgcharts.perception_gap(health), "trust [1–5 Likert]")
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 3  # A2's partner side is missing
    texts = _texts(root)
    assert "gap 0.5" in texts and sum(t.startswith("gap") for t in texts) == 1


def test_attainment_sparklines_colour_by_decision_and_draw_thresholds() -> None:
    att = pd.DataFrame(
        [[0.5, 0.55, 0.4], [1.1, 1.2, 2.0]], index=["A1", "A2"], columns=["Q1", "Q2", "Q3"]
    )
    chart = svgcharts.attainment_sparklines(
        att, thresholds={"exit": 0.6, "restructure": 0.85}, decisions={"A1": "EXIT", "A2": "GROW"}
    )
    root = _check(chart, "A1 EXIT", "A2 GROW", "exit 0.60", "restructure 0.85", "quarter")
    lines = list(root.iter(f"{SVG}polyline"))
    assert [p.get("stroke") for p in lines] == [
        plots.DECISION_COLOURS["EXIT"],
        plots.DECISION_COLOURS["GROW"],
    ]
    assert "2.00" in _texts(root)  # the last value is written even when clipped at 1.5


def test_workspace_text_is_escaped_everywhere() -> None:
    """Ids, names and units that look like markup parse back as the same text."""
    items = pd.DataFrame({"cost_annual": [30.0], "group": [EVIL]}, index=[EVIL])
    detail = pd.DataFrame(
        {
            "alliance_id": [EVIL] * 2,
            "kpi_id": [EVIL] * 2,
            "period": ["2025-Q1", "2025-Q2"],
            "planned": [1.0, 2.0],
            "actual": [1.5, 2.5],
            "unit": [EVIL] * 2,
            "direction": ["higher"] * 2,
        }
    )
    charts = [
        svgcharts.budget_bars(items, 10.0, money_label=EVIL, title=EVIL),
        svgcharts.coverage_heatmap(pd.DataFrame({EVIL: [1.0]}, index=[EVIL])),
        svgcharts.attainment_sparklines(
            pd.DataFrame([[1.0, 0.9]], index=[EVIL], columns=[EVIL, "b"])
        ),
        svgcharts.kpi_chart(SimpleNamespace(kpi_detail=detail), EVIL),
        svgcharts.perception_gap(pd.DataFrame({"own": [3.0], "partner": [4.0]}, index=[EVIL])),
    ]
    for chart in charts:
        root = _parse(chart)  # parses: nothing broke out of an attribute or element
        drawn = " ".join([*_texts(root), *(t.text or "" for t in root.iter(f"{SVG}title"))])
        assert "<script>" in drawn  # shown as text ...
        assert "<script>" not in chart.svg  # ... because it is escaped in the document
    assert EVIL in _texts(_parse(charts[0]))


@given(
    lo=st.floats(-1e9, 1e9, allow_nan=False),
    width=st.floats(1e-6, 1e9, allow_nan=False),
    n=st.integers(2, 10),
)
def test_nice_ticks_are_round_evenly_spaced_and_inside_the_range(
    lo: float, width: float, n: int
) -> None:
    assume(width >= 1e-6 * max(abs(lo), 1.0))  # wider than float rounding at that magnitude
    hi = lo + width
    ticks = svgcharts.nice_ticks(lo, hi, n)
    span_lo, span_hi = svgcharts._span(lo, hi)
    assert 1 <= len(ticks) <= 2 * n + 2
    tol = 1e-9 * max(abs(span_lo), abs(span_hi), 1.0)
    assert all(span_lo - tol <= t <= span_hi + tol for t in ticks)
    if len(ticks) > 1:
        steps = np.diff(ticks)
        step = float(steps[0])
        assert np.allclose(steps, step, rtol=1e-6, atol=tol)
        mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
        assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5, 10)) < 1e-6
        assert step >= (span_hi - span_lo) / n * (1 - 1e-9)  # at most ~n intervals


@pytest.mark.parametrize(
    ("lo", "hi", "n", "expected"),
    [
        (0, 55 * 1.15, 6, [0, 20, 40, 60]),
        (0, 55 * 1.15, 8, [0, 10, 20, 30, 40, 50, 60]),
        (0.0, 1.0, 5, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (3950, 4100, 3, [3950, 4000, 4050, 4100]),
        (0.1, 0.9, 4, [0.2, 0.4, 0.6, 0.8]),
        (5, 5, 3, [4.5, 5.0, 5.5]),  # one value: ±10 %
    ],
)
def test_nice_ticks_examples(lo: float, hi: float, n: int, expected: list[float]) -> None:
    assert svgcharts.nice_ticks(lo, hi, n) == pytest.approx(expected)


def test_tick_labels_show_the_step_precision() -> None:
    assert [svgcharts._tick_label(t, [0, 0.25, 0.5]) for t in (0, 0.25)] == ["0.00", "0.25"]
    assert svgcharts._tick_label(4000, [3950, 4000]) == "4,000"
    assert svgcharts._tick_label(0.6, [0.2, 0.4, 0.6]) == "0.6"
    assert svgcharts._tick_label(7.5, [5, 7.5]) == "7.5"
    assert svgcharts._tick_label(1.5, [1.0, 1.5, 2.0]) == "1.5"
    assert svgcharts._tick_label(2e-4, [1e-4, 2e-4]) == "0.0002"


def test_as_figure_embeds_the_svg_document_as_an_image() -> None:
    chart = svgcharts.perception_gap(pd.DataFrame({"own": [3.0], "partner": [4.0]}, index=["A"]))
    fig = reporting.as_figure(chart)
    assert fig.mime == "image/svg+xml" and fig.title == chart.title
    assert base64.b64decode(fig.data_base64).decode("utf-8") == chart.svg
    page = fig._repr_html_()
    assert page.startswith('<figure class="ak-figure"><img alt="Perception gap')
    assert "<svg" not in page


def test_report_sections_render_without_matplotlib() -> None:
    """The report kernel never imports matplotlib (it was 1 s of a 2.6 s report)."""
    code = """
import sys
import alliancekit as ak
from alliancekit import reporting
ws = ak.sample_workspace("greenscape")
rv = ak.review_alliances(ws)
plan = ak.plan_portfolio(ws, review=rv)
sens = ak.decision_sensitivity(ws, period=rv.period)
prev = reporting.previous_review(ws, "2025-Q1")
parts = [
    reporting.report_header(ws, rv, "2025-Q1"),
    reporting.executive_summary(ws, rv, plan),
    reporting.portfolio_overview(ws, rv, plan),
    reporting.spend_chart(ws, rv),
    reporting.coverage_chart(ws),
    reporting.scorecard(ws, rv),
    reporting.attainment_chart(rv),
    reporting.kpi_charts(rv),
    reporting.health_table(rv),
    reporting.health_chart(rv),
    reporting.perception_chart(rv),
    reporting.risk_update(ws, rv, plan),
    reporting.value_update(ws, rv),
    reporting.gives_and_gets(ws, rv),
    reporting.decision_rationale(rv, sens),
    reporting.action_list(ws, rv),
    reporting.replanned_portfolio(ws, plan),
    reporting.changes_since(rv, prev),
    reporting.appendix(ws, rv, plan, {}),
]
assert all(p._repr_html_() for p in parts)
print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_svg_charts_have_a_readable_repr() -> None:
    chart = svgcharts.perception_gap(pd.DataFrame({"own": [3.0], "partner": [4.0]}, index=["A"]))
    assert re.fullmatch(r"<SvgChart 'Perception gap.*' 640×\d+ px>", repr(chart))
    assert chart._repr_svg_() == chart.svg
