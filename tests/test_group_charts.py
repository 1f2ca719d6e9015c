"""Charts of group decisions (``alliancekit.charts.group``) follow the chart conventions.

Valid Vega-Lite v5, a title, axis titles with units (or a category), names of people and
criteria on the axes, tooltips that say who said what, static SVG without script; and what each
chart must show on the GreenScape group sample (docs/group.md §6).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import pytest

import alliancekit as ak
from alliancekit import charts
from alliancekit.charts import group as group_charts
from alliancekit.charts.theme import SVG_FONT
from alliancekit.group import group_decision, load_responses, participants_frame

SVG = "{http://www.w3.org/2000/svg}"
CATEGORY_AXES = {"Criterion", "Pair of criteria", "Partner (id)", "Rank (1 = best)"}
INTERNAL = {"share_at", "label", "chosen_by", "in_group", "organisation", "cluster", "code"}


@pytest.fixture(scope="module")
def greenscape() -> SimpleNamespace:
    ws = ak.sample_workspace("greenscape")
    answers = load_responses(ws)
    decision = group_decision(ws, answers)
    names = participants_frame(answers.participants)["name"]
    return SimpleNamespace(answers=answers, decision=decision, names=names)


def _charts(g: SimpleNamespace) -> dict[str, Any]:
    analysis = g.decision.disagreement
    return {
        "participant_weights": group_charts.participant_weights(analysis, names=g.names),
        "judgement_spread": group_charts.judgement_spread(analysis, g.answers, names=g.names),
        "side_weights": group_charts.side_weights(analysis),
        "partner_support": group_charts.partner_support(g.decision, names=g.names),
        "participant_acceptability": group_charts.participant_acceptability(g.decision),
    }


def _texts(root: ET.Element, role: str | None = None) -> list[str]:
    if role is None:
        return [el.text or "" for el in root.iter(f"{SVG}text")]
    return [
        el.text or ""
        for group in root.iter(f"{SVG}g")
        if f"role-{role}" in (group.get("class") or "").split()
        for el in group.iter(f"{SVG}text")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "participant_weights",
        "judgement_spread",
        "side_weights",
        "partner_support",
        "participant_acceptability",
    ],
)
def test_group_chart_is_valid_titled_with_units_and_draws_as_svg(
    greenscape: SimpleNamespace, name: str
) -> None:
    chart = _charts(greenscape)[name]
    spec = chart.to_dict(validate=True)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    title = spec["title"]["text"]
    text = charts.to_svg(chart)
    assert "<script" not in text and "javascript:" not in text
    root = ET.fromstring(text)
    texts = _texts(root)
    assert title in texts
    axis_titles = [t for t in _texts(root, "axis-title") if t]
    assert axis_titles
    for axis_title in axis_titles:
        assert axis_title in CATEGORY_AXES or ("[" in axis_title and "]" in axis_title), axis_title
    assert not INTERNAL & set(texts), f"{name}: internal field names drawn"
    assert {el.get("font-family") for el in root.iter(f"{SVG}text")} == {SVG_FONT}
    assert chart.to_dict() == spec  # the same input gives the same picture
    doc = getattr(group_charts, name).__doc__ or ""
    assert "[" in doc, f"{name}: docstring names no unit"


def test_weights_by_participant_name_people_and_criteria(greenscape: SimpleNamespace) -> None:
    chart = _charts(greenscape)["participant_weights"]
    spec = chart.to_dict()
    people = spec["datasets"]["people"]
    assert len(people) == 8 * 11  # one dot per person and criterion
    assert {r["participant"] for r in people} >= {"Farah Memon (P01)", "Abdul Rehman Shar (P06)"}
    assert {r["cluster"] for r in people} == {"cluster 1", "cluster 2"}
    sana = {r["organisation"] for r in people if r["participant"].endswith("(P05)")}
    assert sana == {"own organisation"}  # the dissenter from GreenScape, in cluster 2
    group = {r["criterion"]: r["weight"] for r in spec["datasets"]["group"]}
    assert group["C1 Capability complementarity"] == pytest.approx(14.7, abs=0.05)  # §6
    assert sum(group.values()) == pytest.approx(100.0)
    names_only = group_charts.participant_weights(
        greenscape.decision.disagreement, names=greenscape.names, show_ids=False
    ).to_dict()
    assert "Farah Memon" in {r["participant"] for r in names_only["datasets"]["people"]}


def test_spread_shows_each_answer_on_the_saaty_scale(greenscape: SimpleNamespace) -> None:
    spec = _charts(greenscape)["judgement_spread"].to_dict()
    answers = spec["datasets"]["answers"]
    first = [r for r in answers if r["pair"] == "C2 Strategic value vs C5 Commitment"]
    assert len(first) == 8
    by = {r["participant"]: r for r in first}
    # P02 judged C2 strongly (5) more important, P08 strongly less (1/5): ±4 on the axis
    assert by["Kashif Soomro (P02)"]["judgement"] == 4.0
    assert by["Ghulam Mustafa Khoso (P08)"]["judgement"] == -4.0
    assert by["Ghulam Mustafa Khoso (P08)"]["said"] == "C2 is strongly less important than C5"


def test_partner_support_classes_and_shares(greenscape: SimpleNamespace) -> None:
    spec = _charts(greenscape)["partner_support"].to_dict()
    rows = {r["partner_id"]: r for r in spec["datasets"]["partners"]}
    assert {p for p, r in rows.items() if r["selection"] == "core"} == {"B02", "B06", "B10", "B14"}
    assert rows["B01"]["share"] == pytest.approx(87.5) and rows["B01"]["selection"] == "borderline"
    assert rows["B04"]["chosen_by"].count("(P0") == 1


def test_acceptability_rows_sum_to_100_per_cent(greenscape: SimpleNamespace) -> None:
    spec = _charts(greenscape)["participant_acceptability"].to_dict()
    cells = spec["datasets"]["cells"]
    totals: dict[str, float] = {}
    for r in cells:
        totals[r["partner_id"]] = totals.get(r["partner_id"], 0.0) + r["share"]
    assert all(t == pytest.approx(100.0) for t in totals.values())
    first = {r["partner_id"]: r["share"] for r in cells if r["position"] == 1}
    assert first["B01"] == pytest.approx(50.0) and first["B05"] == pytest.approx(50.0)
