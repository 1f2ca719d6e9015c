"""The chart layer: one Vega-Lite definition per chart, valid, titled, with units, drawn offline.

Every chart of ``alliancekit.charts`` is built from the real results of each sample workspace;
its spec must validate against the Vega-Lite v5 schema bundled with Altair, its static SVG must
be well-formed XML with a title and unit-bearing axis titles, and workspace text that looks like
markup must come out as text.
"""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")
vl_convert = pytest.importorskip("vl_convert")

import alliancekit as ak  # noqa: E402
from alliancekit import charts  # noqa: E402
from alliancekit.charts import theme  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & \"quotes\" 'x'"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")
#: Axis titles of categorical axes (no unit to give).
CATEGORY_AXES = {
    "Partner (id)",
    "Partner / alliance (id)",
    "Alliance (id)",
    "Constraint",
    "Capability gap",
    "Quarter",
    "Decision",
    "Rank (1 = best)",
}
#: Field names the charts use internally; none may reach the picture.
INTERNAL = {"score_at", "share_at", "A_shown", "label", "status", "kind", "ink", "run", "opacity"}


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=SAMPLES)
def sample(request: pytest.FixtureRequest) -> SimpleNamespace:
    """Every result a chart draws, for one sample workspace."""
    ws = ak.sample_workspace(request.param)
    review = ak.review_alliances(ws)
    plan = ak.plan_portfolio(ws, review=review)
    return SimpleNamespace(
        name=request.param,
        ws=ws,
        money=ws.organization.money_label,
        scores={
            m: ak.score_partners(ws, method=m) for m in ("weighted_sum", "topsis", "promethee_ii")
        },
        smaa=ak.smaa(
            ak.criteria_matrix(ws), "benefit", n_samples=300, seed=0, normalization="none"
        ),
        review=review,
        plan=plan,
        frontier=ak.efficient_frontier(plan, vary="budget_annual", points=4, progress=False),
    )


def _cases(s: SimpleNamespace) -> dict[str, Callable[[], Any]]:
    """Each chart as the notebooks, the app and the reports will call it."""
    ws, rv, p = s.ws, s.review, s.review.policy
    items = pd.DataFrame(
        {
            "cost_annual": [ws.alliance(a).cost_annual for a in rv.table.index],
            "group": list(rv.table["decision"]),
        },
        index=rv.table.index,
    )
    required = {g.gap_id: g.required for g in ws.organization.capability_gaps}
    thresholds = {"exit": p.a_exit, "restructure": p.a_restr, "grow": p.a_grow}
    names = {c.id: c.name for c in ws.candidates}
    ws_scores = s.scores["weighted_sum"]
    return {
        "score_bars": lambda: charts.score_bars(ws_scores, workspace=ws),
        "weighted_sum_contributions": lambda: charts.contribution_bars(ws_scores, workspace=ws),
        "topsis_distances": lambda: charts.contribution_bars(s.scores["topsis"], workspace=ws),
        "promethee_flows": lambda: charts.contribution_bars(s.scores["promethee_ii"], workspace=ws),
        "acceptability_heatmap": lambda: charts.acceptability_heatmap(
            s.smaa, scores=ws_scores, workspace=ws
        ),
        "risk_scatter": lambda: charts.risk_scatter(
            ws_scores.details, caps=ws.organization.caps(), selected=s.plan.selected, workspace=ws
        ),
        "totals_bars": lambda: charts.totals_bars(s.plan, money_label=s.money),
        "frontier_plot": lambda: charts.frontier_plot(
            s.frontier, current=ws.organization.budget_annual, money_label=s.money, names=names
        ),
        "budget_bars": lambda: charts.budget_bars(
            items,
            ws.organization.budget_annual,
            money_label=s.money,
            names=charts.alliance_names(rv),
        ),
        "coverage_heatmap": lambda: charts.coverage_heatmap(
            ws.coverage_frame(), required=required, workspace=ws
        ),
        "kpi_chart": lambda: charts.kpi_chart(rv, rv.table.index[0], workspace=ws),
        "health_radar": lambda: charts.health_radar(rv, list(rv.table.index)),
        "perception_gap": lambda: charts.perception_gap(rv),
        "attainment_sparklines": lambda: charts.attainment_sparklines(
            rv.attainment,
            thresholds=thresholds,
            decisions=dict(rv.table["decision"]),
            names=charts.alliance_names(rv),
        ),
        "decision_counts": lambda: charts.decision_counts(rv),
    }


CHARTS = (
    "score_bars",
    "weighted_sum_contributions",
    "topsis_distances",
    "promethee_flows",
    "acceptability_heatmap",
    "risk_scatter",
    "totals_bars",
    "frontier_plot",
    "budget_bars",
    "coverage_heatmap",
    "kpi_chart",
    "health_radar",
    "perception_gap",
    "attainment_sparklines",
    "decision_counts",
)


@pytest.fixture(scope="module")
def schema_validator() -> Any:
    """jsonschema validator for the Vega-Lite v5 schema that Altair bundles."""
    jsonschema = pytest.importorskip("jsonschema")
    from altair.vegalite.v5.schema.core import load_schema

    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


# -- helpers -------------------------------------------------------------------------------------
def _svg(chart: Any, version: str | None = None) -> ET.Element:
    """The chart's static SVG, parsed; no script and no foreign markup in it."""
    text = (
        charts.to_svg(chart)
        if version is None
        else vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=version)
    )
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))
    assert "<script" not in text and "javascript:" not in text
    return root


def _texts(root: ET.Element, role: str | None = None) -> list[str]:
    """Texts drawn, all or only inside groups of a Vega role (e.g. ``axis-title``)."""
    if role is None:
        return [el.text or "" for el in root.iter(f"{SVG}text")]
    found = []
    for group in root.iter(f"{SVG}g"):
        if f"role-{role}" in (group.get("class") or "").split():
            found += [el.text or "" for el in group.iter(f"{SVG}text")]
    return found


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _tooltip_titles(spec: Any) -> set[str]:
    """Every tooltip title anywhere in a spec."""
    found: set[str] = set()
    if isinstance(spec, dict):
        tips = spec.get("tooltip")
        for tip in tips if isinstance(tips, list) else []:
            found.add(tip.get("title", tip.get("field")))
        for value in spec.values():
            found |= _tooltip_titles(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= _tooltip_titles(value)
    return found


def _layers(spec: Any) -> list[dict]:
    """Every unit spec (a dict with a ``mark``) inside a spec."""
    if isinstance(spec, dict):
        own = [spec] if "mark" in spec else []
        return own + [u for v in spec.values() for u in _layers(v)]
    if isinstance(spec, list):
        return [u for v in spec for u in _layers(v)]
    return []


# -- every chart on every sample -----------------------------------------------------------------
@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_valid_titled_with_units_and_draws_as_svg(
    sample: SimpleNamespace, name: str, schema_validator: Any
) -> None:
    chart = _cases(sample)[name]()
    spec = chart.to_dict(validate=True)  # Altair validates against its bundled v5 schema
    schema_validator.validate(spec)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    title = _title(spec)
    assert title
    root = _svg(chart)
    texts = _texts(root)
    assert title in texts, f"title {title!r} not drawn"
    axis_titles = [t for t in _texts(root, "axis-title") if t]
    if name != "health_radar":  # the radar has no axes: rings and dimension names instead
        assert axis_titles, f"{name}: no axis titles"
    for axis_title in axis_titles:
        assert axis_title in CATEGORY_AXES or ("[" in axis_title and "]" in axis_title), (
            f"{name}: axis title {axis_title!r} has no unit"
        )
    assert not INTERNAL & set(texts), f"{name}: internal field names drawn"
    fonts = {el.get("font-family") for el in root.iter(f"{SVG}text")}
    assert fonts == {theme.SVG_FONT}
    assert chart.to_dict() == spec  # the same input gives the same picture
    assert charts.chart_spec(chart) == chart.to_dict(validate=False)  # the fast serialiser
    if sample.name == "greenscape":  # JupyterLab 4.6 bundles Vega-Lite 5.6: no newer features
        _svg(chart, version="5.8")


def _named_data(spec: Any) -> set[str]:
    """Names of the datasets every part of a spec draws (``"data": {"name": …}``)."""
    if isinstance(spec, list):
        return {n for v in spec for n in _named_data(v)}
    if not isinstance(spec, dict):
        return set()
    data = spec.get("data")
    own = {data["name"]} if isinstance(data, dict) and "name" in data else set()
    return own | {n for k, v in spec.items() if k != "datasets" for n in _named_data(v)}


@pytest.mark.parametrize("name", CHARTS)
def test_every_dataset_a_chart_draws_is_attached(sample: SimpleNamespace, name: str) -> None:
    """A layer drawing a dataset the chart does not carry draws nothing, silently (the
    knocked-out partners' dividing line was lost that way in the driver charts)."""
    spec = _cases(sample)[name]().to_dict(validate=False)
    assert _named_data(spec) <= set(spec.get("datasets", {})), name


def test_static_charts_measure_labels_with_the_bundled_liberation_sans() -> None:
    """vl-convert lays labels out with Liberation Sans's advance widths: those of the copy that
    PDFs print with (alliancekit/data/fonts) and of Arial/Helvetica on viewers' machines."""
    import vl_convert
    from fontTools.ttLib import TTFont

    from alliancekit.charts import render
    from alliancekit.resources import packaged

    text, size = "Zameen Organic Compost (AL-B1): attainment 0.93", 11
    faces = {"normal": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf"}
    for weight, file in faces.items():
        font = TTFont(packaged("fonts", file))
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        expected = sum(hmtx[cmap[ord(c)]][0] for c in text) * size / font["head"].unitsPerEm
        spec = {
            "data": {"values": [{"t": text}]},
            "mark": {"type": "text", "align": "left", "fontSize": size, "fontWeight": weight},
            "encoding": {"text": {"field": "t", "type": "nominal"}},
            "config": {"font": theme.SVG_FONT, "padding": 0, "view": {"stroke": None}},
        }
        scene = vl_convert.vegalite_to_scenegraph(spec, vl_version=render.vegalite_version())
        # the view grows to hold the text: 10 px from the left edge + its width, rounded up
        assert scene["width"] == pytest.approx(10 + expected, abs=1.0), (weight, expected)


def test_every_public_chart_function_is_documented_with_units() -> None:
    for name in (*CHARTS[:1], "contribution_bars", *CHARTS[1:]):
        doc = getattr(charts, name).__doc__ or ""
        assert doc.strip(), name
        assert "[" in doc or "Parameters as" in doc, f"{name}: docstring names no unit"


# -- what each chart must show -------------------------------------------------------------------
@pytest.fixture(scope="module")
def greenscape() -> SimpleNamespace:
    ws = ak.sample_workspace("greenscape")
    return SimpleNamespace(
        ws=ws,
        scores={
            m: ak.score_partners(ws, method=m) for m in ("weighted_sum", "topsis", "promethee_ii")
        },
    )


def test_partner_tooltips_name_id_cost_value_risk_and_score(greenscape: SimpleNamespace) -> None:
    ws = greenscape.ws
    wanted = {
        "Partner",
        "Id",
        "One-off cost [PKR lakh]",
        "Annual cost [PKR lakh/yr]",
        "Annual value [PKR lakh/yr]",
        "Expected NPV [PKR lakh]",
        "Total risk R [0–1]",
        "Knocked out because",
    }
    for method, score_title in (
        ("weighted_sum", "Score [0–100]"),
        ("topsis", "TOPSIS closeness D−/(D+ + D−) [0–1]"),
        ("promethee_ii", "PROMETHEE II net flow φ [−1 to 1]"),
    ):
        result = greenscape.scores[method]
        for chart in (
            charts.score_bars(result, workspace=ws),
            charts.contribution_bars(result, workspace=ws),
        ):
            titles = _tooltip_titles(chart.to_dict())
            assert wanted <= titles, wanted - titles
            assert score_title in titles
    scatter = charts.risk_scatter(greenscape.scores["weighted_sum"].details, workspace=ws)
    assert wanted - {"Knocked out because"} <= _tooltip_titles(scatter.to_dict())


def test_partners_are_named_on_the_axes_and_knocked_out_ones_listed_last_in_grey(
    greenscape: SimpleNamespace,
) -> None:
    result = greenscape.scores["weighted_sum"]
    spec = charts.score_bars(result, workspace=greenscape.ws).to_dict()
    bars = next(u for u in _layers(spec) if u["mark"] in ("bar", {"type": "bar"}))
    order = bars["encoding"]["y"]["sort"]
    rows = {r["label"]: r for r in spec["datasets"]["partners"]}
    knocked = [label for label in order if rows[label]["knocked_out"]]
    assert knocked and order[-len(knocked) :] == knocked  # after every eligible partner
    assert {rows[label]["partner_id"] for label in knocked} == {
        k for k, v in result.knockouts.items() if v
    }
    assert "Sindh Forest Department… (B01)" in order  # 24 characters of the name, then the id
    colour = bars["encoding"]["color"]["scale"]
    assert (
        dict(zip(colour["domain"], colour["range"], strict=True))["knocked out (not eligible)"]
        == theme.GREY
    )
    assert spec["datasets"]["divider"] == [{"label": knocked[0]}]
    reasons = [rows[label]["knockouts"] for label in knocked]
    assert all(r.startswith("K") for r in reasons)  # the reason texts, for the tooltip


def test_weighted_sum_segments_add_up_to_the_score(greenscape: SimpleNamespace) -> None:
    spec = charts.contribution_bars(greenscape.scores["weighted_sum"]).to_dict()
    segments = pd.DataFrame(spec["datasets"]["contributions"])
    total = segments.groupby("partner_id")["contribution"].sum()
    scores = pd.DataFrame(spec["datasets"]["partners"]).set_index("partner_id")["score"]
    assert np.allclose(total.sort_index(), scores.sort_index(), atol=1e-9)
    assert "C1 Capability complementarity" in set(segments["criterion"])


def test_topsis_is_drawn_as_distances_and_closeness_never_as_stacked_parts(
    greenscape: SimpleNamespace,
) -> None:
    """B05 once showed a 0.59 bar with a 0.46 score: no bar may be a sum of parts now."""
    result = greenscape.scores["topsis"]
    spec = charts.contribution_bars(result).to_dict()
    assert "contributions" not in spec["datasets"]
    partners = pd.DataFrame(spec["datasets"]["partners"]).set_index("partner_id")
    closeness = partners["d_minus"] / (partners["d_plus"] + partners["d_minus"])
    assert np.allclose(closeness, partners["score"], atol=1e-9)
    assert np.allclose(partners["score"], result.scores.reindex(partners.index), atol=1e-12)
    for unit in _layers(spec):
        assert "stack" not in str(unit["encoding"].get("x", {})), unit


def test_promethee_shows_positive_negative_and_net_flows(greenscape: SimpleNamespace) -> None:
    spec = charts.contribution_bars(greenscape.scores["promethee_ii"]).to_dict()
    partners = pd.DataFrame(spec["datasets"]["partners"]).set_index("partner_id")
    assert np.allclose(partners["phi_plus"] - partners["phi_minus"], partners["phi_net"])
    assert np.allclose(partners["phi_net"], partners["score"])
    flows = pd.DataFrame(spec["datasets"]["flows"])
    negative = flows[flows["flow_kind"].str.startswith("φ−")]
    assert (negative["flow"] <= 0).all()  # φ− drawn to the left of zero


def test_smaa_heatmap_writes_shares_on_a_light_scale() -> None:
    sr = ak.score_partners(ak.sample_workspace("sanchar-apps"))
    sm = ak.smaa(sr.normalized, dict.fromkeys(sr.normalized.columns, "benefit"), n_samples=400)
    chart = charts.acceptability_heatmap(sm, scores=sr)
    spec = chart.to_dict()
    rect = next(u for u in _layers(spec) if u["mark"]["type"] == "rect")
    assert rect["encoding"]["color"]["scale"] == {"scheme": "blues", "domain": [0, 100]}
    cells = pd.DataFrame(spec["datasets"]["cells"])
    assert np.allclose(cells.groupby("partner_id")["share"].sum(), 100)
    drawn = set(_texts(_svg(chart)))
    written = {str(math.floor(v + 0.5)) for v in cells["share"] if v >= 0.5}  # d3 rounds half up
    assert written <= drawn  # every visible share is written in its cell
    expected = pd.DataFrame(spec["datasets"]["cells"]).drop_duplicates("partner_id")
    ordered = list(expected.sort_values(["knocked_out", "expected_rank"])["label"])
    assert rect["encoding"]["y"]["sort"] == ordered


def test_frontier_marks_infeasible_settings_on_the_axis_without_a_value() -> None:
    points = pd.DataFrame(
        {
            "value": [40.0, 45.0, 50.0, 55.0],
            "objective": [np.nan, np.nan, 150.0, 199.0],
            "feasible": [False, False, True, True],
            "n_selected": [0, 0, 3, 4],
            "selected": ["", "", "B01;B02;B03", "B01;B02;B03;B04"],
        }
    )
    frontier = SimpleNamespace(
        points=points, vary="budget_annual", objective="expected_npv", money_label="kEUR"
    )
    chart = charts.frontier_plot(frontier, current=52.0, names={"B01": EVIL})
    spec = chart.to_dict()
    rows = spec["datasets"]["frontier"]
    assert [r["objective"] for r in rows if not r["feasible"]] == [None, None]
    crosses = [u for u in _layers(spec) if u.get("transform") == [{"filter": "!datum.feasible"}]]
    assert crosses and all(u["encoding"]["y"] == {"value": "height"} for u in crosses)
    texts = _texts(_svg(chart))
    assert "no feasible portfolio" in texts
    assert "Annual budget [kEUR/yr]" in texts and "Σ E[NPV] of new partners [kEUR]" in texts
    assert any(EVIL[:10] in r["partners"] for r in rows)  # names in the tooltips, as text


def test_health_radar_runs_clockwise_from_the_top_with_rings_and_names() -> None:
    table = pd.DataFrame(
        {"D1": [100.0], "D2": [50.0], "D3": [0.0], "D4": [25.0], "D5": [75.0], "D6": [np.nan]},
        index=["A1"],
    ).assign(H=60.0, partner_name="Acme")
    chart = charts.health_radar(SimpleNamespace(table=table), "A1")
    spec = chart.to_dict()
    poly = pd.DataFrame(spec["datasets"]["polygons"])
    radius = np.hypot(poly["x"], poly["y"])
    assert np.allclose(radius[:6], [1.0, 0.5, 0.0, 0.25, 0.75, 0.0])  # missing D6 at 0
    assert poly.loc[0, ["x", "y"]].tolist() == pytest.approx([0.0, 1.0])  # D1 at the top
    d2 = poly.loc[1]
    assert d2["x"] > 0 and d2["y"] > 0  # D2 to the right: clockwise
    assert math.degrees(math.atan2(d2["y"], d2["x"])) == pytest.approx(30.0)
    assert poly.iloc[-1][["x", "y"]].tolist() == pytest.approx([0.0, 1.0])  # closed
    assert sorted(pd.DataFrame(spec["datasets"]["rings"])["ring"].unique()) == [25, 50, 75, 100]
    texts = _texts(_svg(chart))
    assert "D1 strategic fit" in texts and "D3 relationship and trust" in texts
    assert "Acme (A1) · H 60" in texts


def test_coverage_heatmap_names_the_gaps_and_marks_short_totals() -> None:
    ws = ak.sample_workspace("greenscape")
    cov = ws.coverage_frame()
    required = {g.gap_id: g.required for g in ws.organization.capability_gaps}
    required["G3"] = 5.0  # more than the candidates can cover
    chart = charts.coverage_heatmap(cov, required=required, workspace=ws)
    spec = chart.to_dict()
    texts = _texts(_svg(chart))
    for gap in ws.organization.capability_gaps:
        assert charts.gap_labels(ws, [gap.gap_id])[gap.gap_id] in texts
    assert "G3 — Water-efficient irrigati…" in texts
    totals = {r["gap"]: r for r in spec["datasets"]["totals"]}
    assert totals["G3"]["status"] == "short" and totals["G1"]["status"] == "met"
    assert {f"{v:.1f}" for v in cov.to_numpy().ravel() if v > 0} <= set(texts)


def test_totals_show_constraint_labels_when_the_result_has_them() -> None:
    totals = pd.DataFrame(
        {"used": [50.0, 1.0], "cap": [55.0, 1.0], "slack": [5.0, 0.0], "sense": ["<=", ">="]},
        index=["limit[cost_annual]", "coverage[G3]"],
    )
    typed = SimpleNamespace(
        totals=totals,
        binding=("coverage[G3]",),
        constraints=(
            SimpleNamespace(key="coverage[G3]", label="Coverage of G3 — Mobile payments"),
        ),
        money_label="PKR lakh",
    )
    assert charts.constraint_labels(typed).to_dict() == {
        "limit[cost_annual]": "limit[cost_annual]",
        "coverage[G3]": "Coverage of G3 — Mobile payments",
    }
    labelled = SimpleNamespace(
        **{**vars(typed), "totals": totals.assign(label=["Annual budget", ""])}
    )
    assert charts.constraint_labels(labelled).tolist() == [
        "Annual budget",
        "Coverage of G3 — Mobile payments",
    ]
    texts = _texts(_svg(charts.totals_bars(labelled)))
    assert "Annual budget ≤" in texts and "Coverage of G3 — Mobile payments ≥" in texts
    assert "50.00 / 55.00" in texts


def test_budget_bar_segments_follow_the_costs_in_decision_colours() -> None:
    items = pd.DataFrame(
        {"cost_annual": [10.0, 30.0, 5.0], "group": ["EXIT", "GROW", "MAINTAIN"]},
        index=["A1", "A2", "A3"],
    )
    chart = charts.budget_bars(items, 50.0, money_label="kEUR", names={"A2": "Beta GmbH"})
    spec = chart.to_dict()
    rows = spec["datasets"]["items"]
    assert [(r["start"], r["end"]) for r in rows] == [(0.0, 10.0), (10.0, 40.0), (40.0, 45.0)]
    assert rows[1]["name"] == "Beta GmbH"
    bar = next(u for u in _layers(spec) if u["mark"]["type"] == "bar")
    scale = bar["encoding"]["color"]["scale"]
    assert scale["domain"] == ["GROW", "MAINTAIN", "EXIT"]
    assert scale["range"] == [theme.DECISION_COLOURS[d] for d in scale["domain"]]
    assert _title(spec) == "Annual spend vs budget: 45.0 of 50.0 (90%)"


def test_kpi_lines_break_at_missing_values_and_carry_units() -> None:
    rows = []
    for kpi, unit in (("k1", "%"), ("k2", "days")):
        for q, (plan, act) in enumerate([(1, 1.1), (2, np.nan), (3, 2.9), (4, 4.2)], start=1):
            rows.append(("A1", kpi, f"2025-Q{q}", plan, act, unit, "higher"))
    detail = pd.DataFrame(
        rows, columns=["alliance_id", "kpi_id", "period", "planned", "actual", "unit", "direction"]
    )
    chart = charts.kpi_chart(SimpleNamespace(kpi_detail=detail), "A1")
    spec = chart.to_dict()
    actual = [r for r in spec["datasets"]["kpi0"] if r["series"] == "actual"]
    assert [r["period"] for r in actual] == ["2025-Q1", "2025-Q3", "2025-Q4"]
    assert actual[0]["run"] != actual[1]["run"] == actual[2]["run"]  # the gap breaks the line
    texts = _texts(_svg(chart))
    assert {"Value [%]", "Value [days]", "k1 (higher is better)"} <= set(texts)


def test_decision_counts_and_attainment_use_the_decision_colours() -> None:
    chart = charts.decision_counts({"A": "GROW", "B": "EXIT", "C": ak.Decision.EXIT})
    counts = {r["decision"]: r["count"] for r in chart.to_dict()["datasets"]["counts"]}
    assert counts == {"GROW": 1, "MAINTAIN": 0, "RESTRUCTURE": 0, "EXIT": 2}
    att = pd.DataFrame([[0.5, np.nan, 2.0]], index=["A1"], columns=["Q1", "Q2", "Q3"])
    spec = charts.attainment_sparklines(att, decisions={"A1": "EXIT"}).to_dict()
    values = [r for r in spec["datasets"]["attainment"] if r["kind"] == "value"]
    assert [r["A_shown"] for r in values] == [0.5, 1.5]  # drawn within 0–1.5 ...
    assert values[-1]["text"] == "2.00"  # ... the last value written unclipped
    assert values[0]["run"] != values[1]["run"]


# -- workspace text is text ----------------------------------------------------------------------
def _hostile_charts() -> dict[str, Callable[[], Any]]:
    """Every chart fed ids, names, units and titles that look like markup."""
    matrix = pd.DataFrame({"c1": [1.0, 2.0, 3.0], "c2": [3.0, 1.0, 2.0]}, index=[EVIL, "B", "C"])

    def scored(method: str) -> Any:
        weights, directions = {"c1": 0.5, "c2": 0.5}, {"c1": "benefit", "c2": "benefit"}
        return ak.score(matrix, weights, directions, method=method)

    details = pd.DataFrame(
        {
            "name": [EVIL],
            "R_rel": [0.2],
            "R_perf": [0.3],
            "knocked_out": [True],
            "knockouts": [EVIL],
        },
        index=[EVIL],
    )
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
    table = pd.DataFrame({f"D{k}": [50.0] for k in range(1, 7)}, index=[EVIL]).assign(
        H=50.0, partner_name=EVIL
    )
    items = pd.DataFrame({"cost_annual": [30.0], "group": [EVIL], "name": [EVIL]}, index=[EVIL])
    cases: dict[str, Callable[[], Any]] = {}
    for method in ("weighted_sum", "topsis", "promethee_ii"):
        cases[f"score_bars-{method}"] = lambda m=method: charts.score_bars(scored(m))
        cases[f"contribution_bars-{method}"] = lambda m=method: charts.contribution_bars(scored(m))
    cases |= {
        "risk_scatter": lambda: charts.risk_scatter(details),
        "budget_bars": lambda: charts.budget_bars(items, 10.0, money_label=EVIL, title=EVIL),
        "coverage_heatmap": lambda: charts.coverage_heatmap(
            pd.DataFrame({EVIL: [1.0]}, index=[EVIL]), required={EVIL: 2.0}, gaps={EVIL: EVIL}
        ),
        "attainment_sparklines": lambda: charts.attainment_sparklines(
            pd.DataFrame([[1.0, 0.9]], index=[EVIL], columns=[EVIL, "b"]), decisions={EVIL: "GROW"}
        ),
        "kpi_chart": lambda: charts.kpi_chart(SimpleNamespace(kpi_detail=detail), EVIL),
        "perception_gap": lambda: charts.perception_gap(
            pd.DataFrame({"own": [3.0], "partner": [4.0]}, index=[EVIL])
        ),
        "health_radar": lambda: charts.health_radar(SimpleNamespace(table=table), EVIL),
    }
    return cases


@pytest.mark.parametrize("name", list(_hostile_charts()))
def test_hostile_workspace_text_is_drawn_as_text(name: str) -> None:
    """Names that look like markup, quotes and ampersands come out as the same text."""
    chart = _hostile_charts()[name]()
    root = _svg(chart)  # parses: nothing broke out of an element or attribute
    drawn = _texts(root)
    assert "<script>" in " ".join(drawn)  # shown as text
    if name == "budget_bars":
        assert any(t.startswith(EVIL) for t in drawn)  # the title, whole


# -- helpers and the package boundary ------------------------------------------------------------
def test_short_names_and_labels() -> None:
    assert charts.short_name("Sindh Forest Department - Social Forestry Wing") == (
        "Sindh Forest Department…"
    )
    assert charts.short_name("  Acme   Ltd ") == "Acme Ltd"
    assert charts.short_name(None) == ""
    assert charts.partner_label("Acme", "B01") == "Acme (B01)"
    assert charts.partner_label("", "B01") == charts.partner_label("B01", "B01") == "B01"
    assert charts.gap_labels({"G1": "Mobile payments", "G2": "x" * 40}) == {
        "G1": "G1 — Mobile payments",
        "G2": "G2 — " + "x" * 24 + "…",
    }


def test_static_svg_helpers() -> None:
    chart = charts.decision_counts({"A": "GROW"})
    assert charts.chart_title(chart) == "Review decisions"
    uri = charts.svg_data_uri(chart)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert charts.svg_data_uri("<svg/>") == "data:image/svg+xml;base64,PHN2Zy8+"


def test_charts_render_offline_through_the_vegalite_mimetype() -> None:
    chart = charts.decision_counts({"A": "GROW"})
    assert alt.renderers.active in {"mimetype", "jupyterlab", "nteract", "json", "png", "svg"}
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    if alt.renderers.active == "mimetype":
        assert "application/vnd.vegalite.v5+json" in bundle
        assert "text/html" not in bundle  # Altair's HTML output loads JavaScript from a CDN


def _other_charts() -> dict[str, Any]:
    """Charts built the ways ``alliancekit.charts`` does not (a user's own, in a notebook)."""
    import altair as alt

    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    named = alt.Chart(alt.NamedData("n")).mark_point().encode(x="a:Q")
    lookup = alt.LookupData(data=frame, key="b", fields=["a"])
    return {
        "lookup of a DataFrame": named.transform_lookup(lookup="b", from_=lookup),
        "datum without data": alt.Chart().mark_rule().encode(y=alt.datum(3)),
        "inline values": alt.Chart(alt.InlineData(values=[{"a": 1}])).mark_point(),
        "a DataFrame": alt.Chart(frame).mark_point().encode(x="a:Q"),
        "a DataFrame in a layer": alt.layer(alt.Chart(frame).mark_point(), named.mark_line()),
        "facet": named.facet(column="b:N"),
        "repeat": alt.Chart(alt.NamedData("n"))
        .mark_point()
        .encode(x=alt.X(alt.repeat("column"), type="quantitative"))
        .repeat(column=["a"]),
        "selection": named.add_params(alt.selection_point()),
        "URL": alt.Chart(alt.UrlData("data.csv")).mark_point().encode(x="a:Q"),
    }


@pytest.mark.parametrize("kind", list(_other_charts()))
def test_chart_spec_writes_any_chart_as_altair_does(kind: str) -> None:
    chart = _other_charts()[kind]
    assert charts.chart_spec(chart) == chart.to_dict(validate=False)


def test_mimebundle_is_the_validated_spec_for_the_app() -> None:
    chart = charts.decision_counts({"A": "GROW"})
    bundle = charts.mimebundle(chart)
    assert bundle[charts.VEGALITE_MIMETYPE] == chart.to_dict(validate=True)
    assert bundle["text/plain"] == "Review decisions"


def test_import_alliancekit_does_not_import_altair() -> None:
    code = (
        "import sys, alliancekit; "
        "print(','.join(m for m in ('altair', 'vl_convert') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("sample", ["greenscape"], indirect=True)
def test_a_chart_comes_out_the_same_whatever_was_drawn_before(sample: SimpleNamespace) -> None:
    """Vega numbers gradients per process; each static SVG numbers its own from 0."""
    from alliancekit.charts import render

    heatmap = _cases(sample)["coverage_heatmap"]().to_dict()
    first = render.to_svg(heatmap)
    render.to_svg(_cases(sample)["acceptability_heatmap"]().to_dict())
    assert render.to_svg(heatmap) == first and 'id="gradient_0"' in first


def test_the_drawing_version_is_the_one_altair_writes() -> None:
    """Static charts are drawn with the Vega-Lite version Altair writes specs for."""
    import altair as alt

    from alliancekit.charts import render

    assert alt.SCHEMA_VERSION.lstrip("v").startswith(render.VEGALITE_VERSION + ".")
