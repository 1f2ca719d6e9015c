"""Tests for alliancekit.review: docs/method.md §5 formulas, §11 oracle, properties, bad input."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliancekit as ak
from alliancekit.cli import main
from alliancekit.errors import DataValidationError
from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Decision,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
)
from alliancekit.review import (
    ReviewPolicy,
    ReviewResult,
    continuation_value,
    decision_sensitivity,
    health_index,
    kpi_attainment,
    milestone_score,
    ols_trend,
    review_alliances,
    trust_dimension,
    value_dimension,
    window_attainment,
)

# -- docs/method.md §11 oracle (review at q8 = 2025-Q2) ----------------------------------------
# alliance: (A_t q5..q8, A_W, b, D1..D6, H, rules fired, decision)
ORACLE = {
    "AL-A1": ((1.0915, 1.1066, 1.1199, 1.1230), 1.1102, 0.0108,
              (87.50, 100.00, 75.50, 75.00, 80.00, 62.50), 83.950, "", "GROW"),
    "AL-A2": ((0.9894, 1.0067, 0.9941, 1.0051), 0.9988, 0.0035,
              (62.50, 86.51, 62.50, 62.50, 62.50, 37.50), 67.202, "", "MAINTAIN"),
    "AL-A3": ((0.7939, 0.7733, 0.7804, 0.7762), 0.7810, -0.0046,
              (62.50, 47.46, 46.00, 45.00, 50.00, 50.00), 49.763, "R1,R2", "RESTRUCTURE"),
    "AL-A4": ((0.3938, 0.2600, 0.1941, 0.1579), 0.2515, -0.0774,
              (25.00, 0.00, 38.75, 37.50, 25.00, 37.50), 22.688, "E1,E2,E3,R1,R2,R3,R4", "EXIT"),
    "AL-B1": ((0.9604, 1.0142, 0.9826, 1.0153), 0.9931, 0.0133,
              (62.50, 85.75, 70.50, 55.00, 62.50, 37.50), 67.049, "", "MAINTAIN"),
    "AL-B2": ((1.1931, 1.2186, 1.2040, 1.2280), 1.2109, 0.0090,
              (87.50, 100.00, 83.00, 75.00, 87.50, 62.50), 86.200, "", "GROW"),
    "AL-B3": ((0.4382, 0.4070, 0.3734, 0.3398), 0.3896, -0.0329,
              (37.50, 0.00, 23.00, 25.00, 25.00, 25.00), 19.075, "E1,E2,R1,R2,R4", "EXIT"),
    "AL-B4": ((0.7400, 0.6900, 0.8600, 0.6667), 0.7392, -0.0050,
              (75.00, 41.89, 38.75, 30.00, 50.00, 62.50), 47.879, "R1,R2,R4", "RESTRUCTURE"),
    "AL-C1": ((0.9925, 1.0001, 1.0012, 1.0026), 0.9991, 0.0031,
              (70.00, 86.55, 65.50, 62.50, 62.50, 37.50), 68.790, "", "MAINTAIN"),
    "AL-C2": ((1.2113, 1.2248, 1.2344, 1.2491), 1.2299, 0.0123,
              (87.50, 100.00, 80.50, 75.00, 82.50, 62.50), 85.075, "", "GROW"),
    "AL-C3": ((1.0150, 0.9458, 0.8589, 0.8000), 0.9049, -0.0732,
              (75.00, 63.99, 55.75, 50.00, 50.00, 75.00), 61.310, "R3", "RESTRUCTURE"),
    "AL-C4": ((0.4968, 0.4239, 0.3930, 0.3721), 0.4214, -0.0405,
              (50.00, 0.00, 38.75, 37.50, 25.00, 25.00), 25.188, "E1,E2,R1,R2,R4", "EXIT"),
    "AL-C5": ((0.9620, 0.9250, 0.8914, 0.8600), 0.9096, -0.0340,
              (62.50, 74.61, 18.25, 37.50, 37.50, 62.50), 51.997, "E0,R1,R4", "EXIT"),
}  # fmt: skip
#: docs/method.md §6.4 milestone_score_M inputs; the samples give milestones instead (reading 13).
M_INPUT = {"AL-A1": 1.0, "AL-A2": 1.0, "AL-A3": 0.5, "AL-A4": 0.0, "AL-B1": 1.0, "AL-B2": 1.0,
           "AL-B3": 0.0, "AL-B4": 0.5, "AL-C1": 1.0, "AL-C2": 1.0, "AL-C3": 0.5, "AL-C4": 0.0,
           "AL-C5": 1.0}  # fmt: skip
SCENARIO = {"A": "sanchar-apps", "B": "greenscape", "C": "norden-pumpen"}


def _close(x: float, expected: float, decimals: int) -> bool:
    """Published values are Python round(x, decimals) (docs/method.md §10.18)."""
    return abs(x - expected) <= 0.5 * 10**-decimals + 1e-9


@pytest.fixture(scope="module")
def reviews() -> dict[str, ReviewResult]:
    return {k: review_alliances(ak.sample_workspace(v)) for k, v in SCENARIO.items()}


@pytest.mark.parametrize("alliance_id", sorted(ORACLE))
def test_oracle_values_section_11(reviews: dict[str, ReviewResult], alliance_id: str) -> None:
    """docs/method.md §11: A_t q5..q8, A_W, b (4 dp), D1..D6 (2 dp), H (3 dp), rules, decision."""
    a_t, a_w, b, dims, h, rules, decision = ORACLE[alliance_id]
    result = reviews[alliance_id[3]]
    row = result.table.loc[alliance_id]
    assert result.period == "2025-Q2"
    assert all(_close(x, e, 4) for x, e in zip(row["A_window"], a_t, strict=True))
    assert _close(row["A_W"], a_w, 4)
    assert _close(row["trend"], b, 4)
    for d, expected in zip(("D1", "D2", "D3", "D4", "D5", "D6"), dims, strict=True):
        assert _close(row[d], expected, 2), (d, row[d], expected)
    assert _close(row["H"], h, 3)
    assert row["rules_fired"] == tuple(r for r in rules.split(",") if r)
    assert row["decision"] == decision
    assert result.decisions[alliance_id] is Decision(decision)
    assert _close(row["M"], M_INPUT[alliance_id], 6)  # derived from milestones.csv
    partner_kpi = {"AL-A2": "streams", "AL-C2": "partner_sales", "AL-C4": "castings_delivered"}
    expected_notes = ()
    if alliance_id in partner_kpi:  # §5.7 data quality: partner-reported KPI rows are disclosed
        expected_notes = (
            f"KPI {partner_kpi[alliance_id]} reported by the partner only (not verified jointly) "
            "in 2024-Q3, 2024-Q4, 2025-Q1, 2025-Q2",
        )
    if alliance_id == "AL-C5":
        expected_notes = ("without the hard trigger the rules give RESTRUCTURE",)
    assert row["notes"] == expected_notes


def test_oracle_a_w_is_mean_of_unrounded_a_t(reviews: dict[str, ReviewResult]) -> None:
    """§10 reading 11: AL-C3 A_W = 0.9049 from the unrounded A_t (rounded A_t would give 0.905)."""
    row = reviews["C"].table.loc["AL-C3"]
    assert row["A_W"] == pytest.approx(np.mean(row["A_window"]), abs=1e-15)
    assert round(row["A_W"], 4) == 0.9049


def test_hard_trigger_overrides_scores_c5() -> None:
    """§6.4: AL-C5 is EXIT by E0; without the event the rules give RESTRUCTURE (H = 52)."""
    ws = ak.sample_workspace("norden-pumpen")
    with_trigger = review_alliances(ws).table.loc["AL-C5"]
    assert with_trigger["decision"] == "EXIT"
    assert with_trigger["rules_fired"] == ("E0", "R1", "R4")
    assert "patent" in with_trigger["hard_trigger"]
    assert "patent" in with_trigger["rationale"]
    assert "without the hard trigger the rules give RESTRUCTURE" in with_trigger["notes"]
    no_event = ws.replace(events=ws.events.iloc[0:0])
    without = review_alliances(no_event).table.loc["AL-C5"]
    assert without["decision"] == "RESTRUCTURE"
    assert without["rules_fired"] == ("R1", "R4")
    assert round(without["H"]) == 52


def test_event_outside_window_is_not_a_trigger() -> None:
    """E0 reads events of the review window T−W+1..T only (an old event was acted on then)."""
    ws = ak.sample_workspace("norden-pumpen")
    old = ws.events.assign(period="2024-Q1")
    assert review_alliances(ws.replace(events=old)).table.loc["AL-C5", "decision"] == "RESTRUCTURE"
    early = review_alliances(ws, period="2025-Q1").table.loc["AL-C5"]
    assert "E0" not in early["rules_fired"]  # the breach happened in 2025-Q2


def test_economic_check_e4_and_pv_continue() -> None:
    """§5.6: PV_continue = Σ_k (V̂ − C)/4·(1+r_q)^−k, r_q = 1.12^¼ − 1, 12 quarters (H = 3).

    With the check on, AL-A4 (V̂ = 160·0.2515 = 40.2 < C = 70) also fires E4; nothing else
    changes in scenario A. Off (the default, §10 reading 17) it is only a flag.
    """
    ws = ak.sample_workspace("sanchar-apps")
    off = review_alliances(ws).table
    on = review_alliances(ws, policy=ReviewPolicy(economic_check=True)).table
    a4 = on.loc["AL-A4"]
    r_q = 1.12**0.25 - 1
    v_hat = 160 * a4["A_W"]
    expected = sum((v_hat - 70) / 4 / (1 + r_q) ** k for k in range(1, 13))
    assert a4["PV_continue"] == pytest.approx(expected, rel=1e-12)
    assert a4["exit_value"] == -20
    assert a4["rules_fired"] == ("E1", "E2", "E3", "E4", "R1", "R2", "R3", "R4")
    assert "exit-value-exceeds-continue" in off.loc["AL-A4", "flags"]
    assert "E4" not in off.loc["AL-A4", "rules_fired"]
    assert list(on["decision"]) == list(off["decision"])
    for aid in ("AL-A1", "AL-A2", "AL-A3"):
        assert on.loc[aid, "rules_fired"] == off.loc[aid, "rules_fired"]
    assert "PKR lakh" in a4["rationale"] and "-74.6" in a4["rationale"]


def test_rationale_templates_and_money_unit(reviews: dict[str, ReviewResult]) -> None:
    """§5.5 templates: percentages, money with the workspace unit, next review next quarter."""
    t = reviews["C"].table
    assert t.loc["AL-C2", "rationale"].startswith("Delivered 123% of plan over the last 4 quarters")
    assert "kEUR/yr" in t.loc["AL-C2", "rationale"]
    assert "review again on 2025-Q3" in t.loc["AL-C1", "rationale"]
    assert t.loc["AL-C3", "rationale"].startswith("Rules R3 fired: 90% of plan, trend -7.3%/qtr")
    assert "exit cost of 50.0 kEUR" in t.loc["AL-C4", "rationale"]
    assert "6-month notice" in t.loc["AL-C4", "rationale"]
    assert (t["next_review"] == "2025-Q3").all()
    assert reviews["A"].money_label == "PKR lakh"


def test_grow_budget_headroom_and_flag() -> None:
    """Headroom = budget_annual − Σ cost_annual of kept alliances (AL-A4 EXIT is not kept)."""
    ws = ak.sample_workspace("sanchar-apps")
    res = review_alliances(ws)
    assert res.headroom == pytest.approx(650 - (60 + 50 + 40))
    assert dict(res.grow_flags) == {"AL-A1": ()}
    tight = ws.replace(organization=ws.organization.__class__(
        **{**ws.organization.__dict__, "budget_annual": 150.0}))  # fmt: skip
    res2 = review_alliances(tight)
    assert res2.headroom == 0
    assert res2.grow_flags["AL-A1"] == ("budget-constrained",)
    assert res2.table.loc["AL-A1", "decision"] == "GROW"
    assert "budget-constrained" in res2.table.loc["AL-A1", "flags"]


def test_vrr_over_money_kpis_only(reviews: dict[str, ReviewResult]) -> None:
    """VRR = Σ actual / Σ planned over higher-is-better money KPIs up to T (cumulative)."""
    ws = ak.sample_workspace("greenscape")
    k = ws.kpis[(ws.kpis["alliance_id"] == "AL-B2") & (ws.kpis["kpi_id"] == "contract_revenue")]
    expected = k["actual"].sum() / k["planned"].sum()
    assert reviews["B"].table.loc["AL-B2", "VRR"] == pytest.approx(expected)
    # price_per_tonne is PKR but lower-is-better (a cost): AL-B1 has no money benefit KPI
    assert math.isnan(reviews["B"].table.loc["AL-B1", "VRR"])
    c2 = reviews["C"].table.loc["AL-C2", "VRR"]  # partner_sales in kEUR
    assert c2 > 1.1


# -- kernels -----------------------------------------------------------------------------------
def test_kpi_attainment_cases() -> None:
    """§5.1: higher/lower, cap 1.5, floor 0, planned 0 skipped unless actual 0, NaN not reported."""
    planned = np.array([100, 100, 100, 40, 40, 4, 0, 0, 10])
    actual = np.array([85, 200, -5, 30, 90, 9, 0, 3, np.nan])
    higher = np.array([1, 1, 1, 0, 0, 0, 1, 1, 1], dtype=bool)
    a = kpi_attainment(planned, actual, higher, cap=1.5)
    expected = [0.85, 1.5, 0.0, 1.25, 0.0, 0.0, 1.0, np.nan, np.nan]
    np.testing.assert_allclose(a, expected, equal_nan=True)


def test_ols_trend_matches_polyfit_and_skips_gaps() -> None:
    """b equals numpy.polyfit's slope on t = 0..N−1; a missing quarter drops out of the fit."""
    rng = np.random.default_rng(7)
    m = rng.uniform(0.3, 1.4, size=(20, 4))
    np.testing.assert_allclose(ols_trend(m), [np.polyfit(range(4), r, 1)[0] for r in m])
    gap = np.array([[1.0, np.nan, 0.8, 0.7], [1.0, np.nan, np.nan, np.nan]])
    b = ols_trend(gap)
    assert b[0] == pytest.approx(np.polyfit([0, 2, 3], [1.0, 0.8, 0.7], 1)[0])
    assert np.isnan(b[1])


def test_window_attainment_mean_and_ewm() -> None:
    """Mean of available quarters; EWM with λ = 0.5 weighs the latest quarter most."""
    m = np.array([[0.8, 0.9, 1.0, 1.1], [np.nan, 1.0, np.nan, 0.5], [np.nan] * 4])
    np.testing.assert_allclose(window_attainment(m), [0.95, 0.75, np.nan], equal_nan=True)
    ewm = window_attainment(m[:1], "ewm", 0.5)
    w = np.array([0.125, 0.25, 0.5, 1.0])
    assert ewm[0] == pytest.approx((w * m[0]).sum() / w.sum())
    assert ewm[0] > 0.95


def test_dimension_kernels() -> None:
    """D2 anchors (§5.2: 0.5 → 0, 0.8 → 40, 1.1 → 80 before M) and D3 of AL-C5 (reading 14)."""
    d2 = value_dimension(np.array([0.5, 0.8, 1.1, 1.4]), np.zeros(4))
    np.testing.assert_allclose(d2, [0, 40, 80, 80])
    assert value_dimension(np.array([1.0]), np.array([1.0]))[0] == pytest.approx(
        100 * (0.8 * 5 / 6 + 0.2)
    )
    np.testing.assert_allclose(
        trust_dimension(np.array([1.5, 1.0, 4.0, np.nan]), np.array([3.8, 5.0, np.nan, np.nan])),
        [18.25, 10.0, 75.0, np.nan],  # 50 − 40 = 10; one side: no penalty
        equal_nan=True,
    )
    w = [0.15, 0.30, 0.15, 0.15, 0.15, 0.10]
    dims = np.array([[87.5, 100, 75.5, 75, 80, 62.5], [np.nan, 50, np.nan, np.nan, np.nan, np.nan]])
    np.testing.assert_allclose(health_index(dims, w), [83.95, 50.0])  # renormalised over D2


def test_milestone_score_and_continuation_value_kernels() -> None:
    """M = Σ w·credit / Σ w (turning points w = 2), 1 where nothing is due; PV annuity form."""
    m = milestone_score(
        np.array([2.0, 1.0, 1.0]), np.array([1.0, 0.5, 0.0]), np.array([0, 0, 0]), 2
    )
    np.testing.assert_allclose(m, [2.5 / 4, 1.0])
    pv = continuation_value(np.array([100.0, 10.0]), np.array([60.0, 10.0]), 0.02, np.array([8, 8]))
    assert pv[0] == pytest.approx(sum(10 / 1.02**k for k in range(1, 9)))
    assert pv[1] == 0
    assert continuation_value(np.array([8.0]), np.array([4.0]), 0.0, np.array([-3]))[0] == 0


# -- small in-memory workspaces -----------------------------------------------------------------
PERIODS = ("2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")


def _org(budget_annual: float = 1000.0) -> Organization:
    return Organization(
        org_id="t", name="Test Org", sector="s", mission_statement="m", currency="PKR",
        money_unit="lakh", goals=(), capability_gaps=(), budget_one_off=100.0,
        budget_annual=budget_annual, risk_appetite=RiskAppetite.MEDIUM, discount_rate=0.12,
    )  # fmt: skip


def _alliance(aid: str, **kw: object) -> Alliance:
    base = dict(
        alliance_id=aid, partner_name=f"Partner {aid}", relation=Relation.SUPPLIER,
        form=AllianceForm.ALLIANCE_AGREEMENT, start_period="2024-Q1",
        status=AllianceStatus.ACTIVE, cost_annual=10.0, exit_cost=2.0, value_plan_annual=30.0,
    )  # fmt: skip
    base.update(kw)
    return Alliance(**base)  # type: ignore[arg-type]


def _kpis(
    series: dict[tuple[str, str], tuple[str, float, list[float], list[float]]],
) -> pd.DataFrame:
    """{(alliance, kpi): (direction, weight, planned list, actual list)} over PERIODS."""
    rows = []
    for (aid, kpi), (direction, weight, planned, actual) in series.items():
        for p, pl, ac in zip(PERIODS, planned, actual, strict=False):
            rows.append(
                dict(alliance_id=aid, kpi_id=kpi, period=p, planned=pl, actual=ac,
                     unit="count", direction=direction, weight=weight)
            )  # fmt: skip
    return pd.DataFrame(rows)


def _health(aid: str, period: str, own: tuple, partner_trust: float | None) -> list[dict]:
    fit, trust, gov, com, learn = own
    rows = [dict(alliance_id=aid, period=period, side="own", strategic_fit=fit, trust=trust,
                 governance=gov, commitment=com, learning=learn)]  # fmt: skip
    if partner_trust is not None:
        rows.append(dict(alliance_id=aid, period=period, side="partner", strategic_fit=np.nan,
                         trust=partner_trust, governance=np.nan, commitment=np.nan,
                         learning=np.nan))  # fmt: skip
    return rows


def make_ws(
    kpis: pd.DataFrame,
    ids: tuple[str, ...] = ("AL-1",),
    health: list[dict] | None = None,
    events: pd.DataFrame | None = None,
    budget_annual: float = 1000.0,
    **alliance_kw: object,
) -> Workspace:
    if health is None:
        health = [r for aid in ids for r in _health(aid, "2025-Q2", (4.5, 4.2, 4, 4.2, 3.5), 4.0)]
    return Workspace(
        name="test",
        organization=_org(budget_annual),
        candidates=(),
        alliances=tuple(_alliance(a, **alliance_kw) for a in ids),
        kpis=kpis,
        health=pd.DataFrame(health),
        events=events if events is not None else pd.DataFrame(),
        milestones=pd.DataFrame(),
    )


FLAT = [100.0] * 6


def test_missing_actual_is_disclosed_not_zero() -> None:
    """A KPI not reported in a period drops out of A_t (weights renormalised) and is noted."""
    k = _kpis({("AL-1", "sales"): ("higher", 0.5, FLAT, [100, 100, 110, np.nan]),
               ("AL-1", "leads"): ("higher", 0.5, FLAT, [100, 100, 100, 90])})  # fmt: skip
    res = review_alliances(make_ws(k))
    row = res.table.loc["AL-1"]
    assert row["A_window"][3] == pytest.approx(0.9)  # leads only, not (0 + 0.9)/2
    assert any("sales not reported in 2025-Q2" in n for n in row["notes"])
    detail = res.kpi_detail.loc[("AL-1", "sales", "2025-Q2")]
    assert detail["status"] == "not reported" and np.isnan(detail["attainment"])


def test_quarter_without_any_data_and_planned_zero() -> None:
    """A window quarter with no data is skipped in A_W (noted); planned 0 & actual 0 gives 1."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, [100, 100, 0, 100], [100, np.nan, 0, 80])})
    row = review_alliances(make_ws(k)).table.loc["AL-1"]
    assert row["A_W"] == pytest.approx((1.0 + 1.0 + 0.8) / 3)
    assert any("no KPI data for 2024-Q4" in n for n in row["notes"])
    k2 = _kpis({("AL-1", "sales"): ("higher", 1.0, [100, 100, 0, 100], [100, 100, 5, 80])})
    row2 = review_alliances(make_ws(k2)).table.loc["AL-1"]
    assert row2["A_W"] == pytest.approx((1.0 + 1.0 + 0.8) / 3)
    assert any("planned 0 with a non-zero actual" in n for n in row2["notes"])


def test_missing_survey_side_and_no_survey() -> None:
    """Partner side missing: D3 = 100·L(own), noted. No survey: no H, health rules off, no GROW."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [120, 121, 122, 123])})
    one_side = _health("AL-1", "2025-Q2", (4.5, 4.2, 4, 4.2, 3.5), None)
    row = review_alliances(make_ws(k, health=one_side)).table.loc["AL-1"]
    assert row["D3"] == pytest.approx(80.0)
    assert any("partner side missing" in n for n in row["notes"])
    assert any("no perception-gap penalty" in n for n in row["notes"])
    row2 = review_alliances(make_ws(k, health=[])).table.loc["AL-1"]
    assert np.isnan(row2["D1"]) and np.isnan(row2["H"]) and row2["D2"] == pytest.approx(100.0)
    assert row2["decision"] == "MAINTAIN"  # GROW needs H, D1 and D5
    assert len(row2["notes"]) == 1  # one clear note, not one per missing dimension
    k3 = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [50, 50, 50, 50])})
    row3 = review_alliances(make_ws(k3, health=[])).table.loc["AL-1"]
    assert row3["decision"] == "EXIT" and row3["rules_fired"] == ("E2", "R2")  # KPI rules apply
    assert any("no health survey" in n for n in row2["notes"])


def test_stale_survey_is_noted() -> None:
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100])})
    old = _health("AL-1", "2023-Q4", (4.5, 4.2, 4, 4.2, 3.5), 4.0)
    row = review_alliances(make_ws(k, health=old)).table.loc["AL-1"]
    assert any("stale" in n for n in row["notes"])
    assert row["survey_period"] == "2023-Q4"


def test_milestone_override_and_derivation() -> None:
    """Alliance.milestone_score overrides; otherwise M comes from milestones due in 4 quarters."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100])})
    ws = make_ws(k)
    ms = pd.DataFrame(
        dict(alliance_id=["AL-1"] * 4, milestone_id=["M1", "M2", "M3", "M4"], text=["x"] * 4,
             due_period=["2024-Q1", "2024-Q4", "2025-Q2", "2026-Q1"],
             status=["missed", "late", "pending", "pending"],
             turning_point=[True, True, False, False])
    )  # fmt: skip
    assert review_alliances(ws.replace(milestones=ms)).table.loc["AL-1", "M"] == pytest.approx(
        1 / 3
    )
    ws2 = make_ws(k, milestone_score=0.25).replace(milestones=ms)
    assert review_alliances(ws2).table.loc["AL-1", "M"] == 0.25


def test_confirmation_rule_holds_unconfirmed_downgrades() -> None:
    """§5.4: R-rules alone need two consecutive reviews; a hard trigger acts at once."""
    # on plan until 2025-Q1, then a slump in 2025-Q2 -> R2 fires for the first time
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT * 2, [100, 100, 100, 100, 100, 100])})
    k.loc[k["period"] == "2025-Q2", "actual"] = 10.0
    ws = make_ws(k)
    plain = review_alliances(ws, "2025-Q2").table.loc["AL-1"]
    assert plain["decision"] == "RESTRUCTURE"
    policy = ReviewPolicy(require_confirmation=True)
    held = review_alliances(ws, "2025-Q2", policy=policy).table.loc["AL-1"]
    assert held["raw_decision"] == "RESTRUCTURE"
    assert held["decision"] == "MAINTAIN"
    assert "awaiting-confirmation" in held["flags"]
    # one quarter later the slump persists: confirmed
    k2 = k.copy()
    k2.loc[k2["period"] == "2025-Q3", "actual"] = 10.0
    prev = review_alliances(make_ws(k2), "2025-Q2", policy=policy)
    confirmed = review_alliances(make_ws(k2), "2025-Q3", policy=policy, previous=prev)
    assert confirmed.table.loc["AL-1", "decision"] == "RESTRUCTURE"
    # a hard trigger is never held
    ev = pd.DataFrame(dict(alliance_id=["AL-1"], period=["2025-Q2"], trigger=["insolvency"],
                           description=["partner insolvent"]))  # fmt: skip
    now = review_alliances(make_ws(k, events=ev), "2025-Q2", policy=policy).table.loc["AL-1"]
    assert now["decision"] == "EXIT"


def test_compare_with_previous_review() -> None:
    ws = ak.sample_workspace("norden-pumpen")
    cmp = review_alliances(ws).compare(review_alliances(ws, period="2025-Q1"))
    assert cmp.loc["AL-C5", "decision_previous"] == "MAINTAIN"
    assert cmp.loc["AL-C5", "decision"] == "EXIT"
    assert bool(cmp.loc["AL-C5", "changed"]) and cmp.loc["AL-C5", "direction"] == "worse"
    assert cmp.loc["AL-C5", "H_delta"] == pytest.approx(
        cmp.loc["AL-C5", "H"] - cmp.loc["AL-C5", "H_previous"]
    )
    assert not bool(cmp.loc["AL-C1", "changed"])


def test_compare_marks_new_and_dropped_alliances() -> None:
    """An alliance that started after the previous review is "new" (no deltas); compared the
    other way round it is "dropped"; an unchanged one is "same"."""
    late = [np.nan, np.nan, np.nan, 120]
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100]),
               ("AL-2", "sales"): ("higher", 1.0, FLAT, late)})  # fmt: skip
    k = k.dropna(subset=["actual"]).reset_index(drop=True)
    ws = make_ws(k, ids=("AL-1", "AL-2"))
    alliances = (ws.alliances[0], dataclasses.replace(ws.alliances[1], start_period="2025-Q2"))
    ws = ws.replace(alliances=alliances)
    now, before = review_alliances(ws, "2025-Q2"), review_alliances(ws, "2025-Q1")
    assert list(before.table.index) == ["AL-1"]
    cmp = now.compare(before)
    assert cmp.loc["AL-2", "direction"] == "new" and bool(cmp.loc["AL-2", "changed"])
    assert np.isnan(cmp.loc["AL-2", "H_delta"])
    assert cmp.loc["AL-1", "direction"] == "same" and not bool(cmp.loc["AL-1", "changed"])
    assert cmp.loc["AL-1", "A_W_delta"] == pytest.approx(0.0)
    assert np.isnan(cmp.loc["AL-1", "H_previous"])  # the survey is from 2025-Q2
    assert cmp.loc["AL-1", "H"] == pytest.approx(now.table.loc["AL-1", "H"])
    back = before.compare(now)
    assert back.loc["AL-2", "direction"] == "dropped"
    assert (cmp["period_previous"] == "2025-Q1").all() and (cmp["period"] == "2025-Q2").all()


def test_result_shows_and_saves_itself(reviews: dict[str, ReviewResult]) -> None:
    res = reviews["C"]
    data = json.loads(res.to_json())
    assert data["type"] == "ReviewResult" and data["period"] == "2025-Q2"
    assert data["decisions"]["AL-C5"] == "EXIT"
    assert data["policy"]["h_exit"] == 40
    assert res.to_frame().equals(res.table) and res.to_frame() is not res.table
    html = res._repr_html_()
    assert "AL-C5" in html and "<script" not in html
    assert "GROW 1, MAINTAIN 1, RESTRUCTURE 1, EXIT 2" in res.summary()
    plot_cols = {"planned", "actual", "unit", "direction"}
    assert plot_cols <= set(res.kpi_detail.columns)
    assert list(res.attainment.columns)[-1] == "2025-Q2"


def test_html_escapes_text() -> None:
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100])})
    ws = make_ws(k, partner_name="<b>Evil & Co</b>")
    html = review_alliances(ws)._repr_html_()
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in html and "<b>Evil" not in html


# -- sensitivity -------------------------------------------------------------------------------
def test_decision_sensitivity_samples_and_fragile_case(reviews: dict[str, ReviewResult]) -> None:
    """±5 health points / ±0.05 attainment / ±20 % weights: a decision near a threshold flips."""
    sens = decision_sensitivity(ak.sample_workspace("norden-pumpen"))
    assert list(sens["decision"]) == list(reviews["C"].table["decision"])
    assert sens.loc["AL-C5", "decisions_seen"] == ("EXIT",)  # a hard trigger is never fragile
    assert (sens["n_variants"] == 32).all()
    # A_W = 0.87 sits 0.02 above A_restr: a_restr + 0.05 turns MAINTAIN into RESTRUCTURE
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [87, 87, 87, 87])})
    s = decision_sensitivity(make_ws(k))
    assert s.loc["AL-1", "decision"] == "MAINTAIN"
    assert bool(s.loc["AL-1", "fragile"])
    assert "a_restr+0.05 -> RESTRUCTURE" in s.loc["AL-1", "changes"]
    assert s.loc["AL-1", "decisions_seen"] == ("RESTRUCTURE", "MAINTAIN")


def test_decision_sensitivity_weight_shift_flips_a_borderline_health() -> None:
    """Hand-computed: on plan (A_W = 1, M = 1 → D2 = 100·(0.8·5/6 + 0.2) = 86.67), every survey
    item 3 → D1, D3..D6 = 50, so H = 0.7·50 + 0.3·86.67 = 61.0 ≥ 60: MAINTAIN. With w_D2
    −20 % (renormalised) H = (35 + 0.24·86.67)/0.94 = 59.36 < 60 and R1 fires; so does
    h_restr + 5 = 65. No other variant changes the decision."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100])})
    ws = make_ws(k, health=_health("AL-1", "2025-Q2", (3.0, 3.0, 3.0, 3.0, 3.0), 3.0))
    row = review_alliances(ws).table.loc["AL-1"]
    assert row["H"] == pytest.approx(61.0) and row["decision"] == "MAINTAIN"
    low = ReviewPolicy(w_d2=0.24)
    assert review_alliances(ws, policy=low).table.loc["AL-1", "H"] == pytest.approx(
        (35 + 0.24 * 260 / 3) / 0.94
    )
    s = decision_sensitivity(ws).loc["AL-1"]
    assert bool(s["fragile"]) and s["n_changed"] == 2
    assert set(s["changes"]) == {"w_D2-20% -> RESTRUCTURE", "h_restr+5 -> RESTRUCTURE"}


# -- bad input ---------------------------------------------------------------------------------
def test_period_without_data_is_a_clear_error() -> None:
    ws = ak.sample_workspace("greenscape")
    with pytest.raises(DataValidationError, match=r"2030-Q1 has no KPI data.*2023-Q3 … 2025-Q2"):
        review_alliances(ws, period="2030-Q1")
    with pytest.raises(DataValidationError, match="not YYYY-Qn"):
        review_alliances(ws, period="Q2/2025")


def test_kpi_with_zero_weight_everywhere_is_named() -> None:
    ws = ak.sample_workspace("greenscape")
    k = ws.kpis.copy()
    k.loc[k["kpi_id"] == "referral_leads", "weight"] = 0.0
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws.replace(kpis=k))
    p = err.value.problems[0]
    assert p.file == "kpis.csv" and p.column == "weight"
    assert "'referral_leads'" in p.message and "'AL-B2'" in p.message
    assert p.row == int(np.flatnonzero(k["kpi_id"] == "referral_leads")[0]) + 2


def test_actuals_for_unknown_alliance_are_named() -> None:
    ws = ak.sample_workspace("greenscape")
    extra = ws.kpis[ws.kpis["alliance_id"] == "AL-B1"].assign(alliance_id="AL-B9")
    bad = pd.concat([ws.kpis, extra], ignore_index=True)
    with pytest.raises(DataValidationError, match=r"alliance 'AL-B9', which does not exist") as e:
        review_alliances(ws.replace(kpis=bad))
    assert e.value.problems[0].row == len(ws.kpis) + 2
    assert e.value.problems[0].column == "alliance_id"


@pytest.mark.parametrize(
    "table,file,what",
    [
        ("events", "events.csv", "a hard-trigger event"),
        ("health", "health.csv", "a health survey"),
        ("milestones", "milestones.csv", "a milestone"),
    ],
)
def test_rows_for_unknown_alliance_in_other_tables_are_named(
    table: str, file: str, what: str
) -> None:
    """Like KPI actuals: an event, survey or milestone of a non-existent alliance is an error
    naming file, row and id (a mistyped hard trigger must not be dropped silently)."""
    ws = ak.sample_workspace("norden-pumpen")
    frame = getattr(ws, table)
    bad = pd.concat([frame, frame.iloc[:1].assign(alliance_id="AL-C55")], ignore_index=True)
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws.replace(**{table: bad}))
    p = err.value.problems[0]
    assert (p.file, p.row, p.column) == (file, len(frame) + 2, "alliance_id")
    assert f"{what} for alliance 'AL-C55', which does not exist" in p.message


def test_other_malformed_kpis() -> None:
    ws = ak.sample_workspace("greenscape")
    k = ws.kpis.copy()
    k.loc[0, "direction"] = "up"
    k.loc[1, "period"] = "2024Q1"
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws.replace(kpis=k))
    columns = {p.column for p in err.value.problems}
    assert {"direction", "period"} <= columns
    dup = pd.concat([ws.kpis, ws.kpis.iloc[[3]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="duplicate"):
        review_alliances(ws.replace(kpis=dup))
    with pytest.raises(DataValidationError, match="no KPI observations"):
        review_alliances(ws.replace(kpis=ws.kpis.iloc[0:0]))


def test_policy_defaults_are_the_domain_values() -> None:
    """docs/method.md §5.1–§5.4 defaults, each a named ReviewPolicy field."""
    p = ReviewPolicy()
    assert (p.h_exit, p.h_restr, p.h_grow) == (40, 60, 75)  # §5.3
    assert (p.a_exit, p.a_restr, p.a_grow) == (0.60, 0.85, 1.05)
    assert (p.b_decl, p.d_min, p.fit_exit) == (-0.05, 40, 25)
    assert (p.e2_trend_max, p.r3_attainment_below) == (0, 1.0)  # §5.4 E2 b ≤ 0, R3 A_W < 1
    assert (p.b_grow, p.d1_grow, p.d5_grow) == (-0.01, 70, 60)  # §5.4 GROW
    assert (p.w_d1, p.w_d2, p.w_d3, p.w_d4, p.w_d5, p.w_d6) == (0.15, 0.30, 0.15, 0.15, 0.15, 0.10)
    assert (p.window, p.trend_periods, p.attainment_cap, p.ewm_lambda) == (4, 4, 1.5, 0.5)
    assert (p.d2_attainment_share, p.d2_milestone_share, p.d2_zero_at, p.d2_span) == (
        0.8, 0.2, 0.5, 0.6,
    )  # fmt: skip
    assert (p.d3_gap_penalty, p.trend_label_band) == (10, 0.03)
    assert (p.turning_point_weight, p.late_credit, p.milestone_window) == (2, 0.5, 4)
    assert (p.grow_min_quarters, p.grow_max_std) == (4, 0.1)  # §5.6


#: (policy field, rule, alliance of scenario C, metric, comparison, extra policy changes)
BOUNDARIES = [
    ("h_exit", "E1", "AL-C1", "H", "<", {}),
    ("a_exit", "E2", "AL-C3", "A_W", "<", {}),
    ("e2_trend_max", "E2", "AL-C3", "trend", "<=", {"a_exit": 1.5}),
    ("fit_exit", "E3", "AL-C1", "D1", "<=", {}),
    ("h_restr", "R1", "AL-C1", "H", "<", {}),
    ("a_restr", "R2", "AL-C1", "A_W", "<", {}),
    ("b_decl", "R3", "AL-C3", "trend", "<=", {}),
    ("r3_attainment_below", "R3", "AL-C3", "A_W", "<", {}),
    ("d_min", "R4", "AL-C1", "D34", "<", {}),
    ("h_grow", "GROW", "AL-C2", "H", ">=", {}),
    ("a_grow", "GROW", "AL-C2", "A_W", ">=", {}),
    ("b_grow", "GROW", "AL-C2", "trend", ">=", {}),
    ("d1_grow", "GROW", "AL-C2", "D1", ">=", {}),
    ("d5_grow", "GROW", "AL-C2", "D5", ">=", {}),
]


@pytest.mark.parametrize("field,rule,aid,metric,op,extra", BOUNDARIES)
def test_each_named_threshold_drives_its_rule_at_the_boundary(
    reviews: dict[str, ReviewResult], field: str, rule: str, aid: str, metric: str, op: str,
    extra: dict,
) -> None:  # fmt: skip
    """§5.4 with strict/non-strict comparisons: the threshold set at the alliance's own value
    (and 1e-9 beside it) fires the rule exactly as the comparison says."""
    row = reviews["C"].table.loc[aid]
    value = min(row["D3"], row["D4"]) if metric == "D34" else float(row[metric])
    ws = ak.sample_workspace("norden-pumpen")
    for threshold in (value - 1e-9, value, value + 1e-9):
        policy = ReviewPolicy(**{**extra, field: threshold})
        got = review_alliances(ws, policy=policy).table.loc[aid]
        expected = {
            "<": bool(value < threshold),
            "<=": bool(value <= threshold),
            ">=": bool(value >= threshold),
        }
        if rule == "GROW":
            assert (got["decision"] == "GROW") is expected[op], threshold
        else:
            assert (rule in got["rules_fired"]) is expected[op], threshold


def test_bad_survey_values_are_named() -> None:
    """Survey items off the 1–5 scale or not numbers, and sides other than own/partner, are
    DataValidationErrors naming health.csv, row and column (blank items stay 'not answered')."""
    ws = ak.sample_workspace("greenscape")
    h = ws.health.copy()
    h.loc[3, "trust"] = 7.0
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws.replace(health=h))
    p = err.value.problems[0]
    assert (p.file, p.row, p.column) == ("health.csv", 5, "trust")
    assert "1–5 scale" in p.message
    h = ws.health.astype({"governance": object})
    h.loc[0, "governance"] = "good"
    h.loc[1, "side"] = "both"
    with pytest.raises(DataValidationError) as err:
        review_alliances(ws.replace(health=h))
    found = {(q.column, q.row) for q in err.value.problems}
    assert found == {("governance", 2), ("side", 3)}
    blank = ws.health.assign(learning=np.nan)
    assert np.isnan(review_alliances(ws.replace(health=blank)).table["D6"]).all()


def test_policy_as_mapping_and_non_numeric_fields() -> None:
    """A Mapping of overrides is a policy; NaN or text thresholds are refused up front (a NaN
    threshold would silently switch its rule off)."""
    ws = ak.sample_workspace("greenscape")
    lenient = review_alliances(ws, policy={"h_exit": 15, "a_exit": 0.3, "d_min": 20})
    assert lenient.table.loc["AL-B3", "rules_fired"] == ("R1", "R2")
    assert lenient.table.loc["AL-B3", "decision"] == "RESTRUCTURE"
    with pytest.raises(ValueError, match="unknown ReviewPolicy field"):
        review_alliances(ws, policy={"h_exitt": 30})
    with pytest.raises(TypeError, match="ReviewPolicy or a Mapping"):
        review_alliances(ws, policy=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="h_exit must be a finite number"):
        ReviewPolicy(h_exit=float("nan"))
    with pytest.raises(ValueError, match="a_grow must be a finite number"):
        ReviewPolicy(a_grow="high")  # type: ignore[arg-type]
    assert ReviewPolicy(discount_rate=None, h_exit=np.float64(35)).h_exit == 35


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="trend_periods"):
        ReviewPolicy(trend_periods=1)
    with pytest.raises(ValueError, match="weights"):
        ReviewPolicy(w_d1=-0.1)
    with pytest.raises(ValueError):
        ReviewPolicy(window_weighting="median")
    assert ReviewPolicy(w_d2=0.6).normalized_weights["D2"] == pytest.approx(0.6 / 1.3)


# -- properties --------------------------------------------------------------------------------
finite = st.floats(min_value=0.05, max_value=3.0, allow_nan=False)


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[Workspace, str]:
    """One alliance, 2–3 KPIs (planned > 0) over 2024-Q3..2025-Q2, a random survey."""
    n_kpi = draw(st.integers(2, 3))
    series = {}
    for j in range(n_kpi):
        direction = draw(st.sampled_from(["higher", "lower"])) if j else "higher"
        planned = [draw(st.floats(1, 500)) for _ in range(4)]
        actual = [p * draw(finite) for p in planned]
        series[("AL-1", f"k{j}")] = (direction, draw(st.floats(0.1, 1.0)), planned, actual)
    item = st.floats(1.0, 5.0)
    own = tuple(draw(item) for _ in range(5))
    health = _health("AL-1", "2025-Q2", own, draw(item))
    return make_ws(_kpis(series), health=health), "k0"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=workspaces(), factor=st.floats(0.0, 0.99), which=st.sampled_from([0, 2, 3]))
def test_lower_actual_never_improves_decision(
    data: tuple[Workspace, str], factor: float, which: int
) -> None:
    """Lowering an actual of a higher-is-better KPI never improves the decision.

    Reading: the lowered quarter is outside the trend window or in its later half (t − t̄ > 0):
    there A_W, b and H all fall or stay. In the earlier half an OLS slope *rises* when an early
    quarter worsens (see ``test_early_quarter_can_raise_the_trend``), so the spec's formulas
    cannot be monotone there. ``which`` 0 = 2024-Q3 … 3 = 2025-Q2 of the window.
    """
    ws, kpi = data
    base = review_alliances(ws).decisions["AL-1"]
    k = ws.kpis.copy()
    period = PERIODS[which]
    sel = (k["kpi_id"] == kpi) & (k["period"] == period)
    if which == 0:  # move that quarter outside the window: lowering an older quarter
        k.loc[k["period"] == "2024-Q3", "period"] = "2024-Q2"
        ws = ws.replace(kpis=k.copy())
        base = review_alliances(ws).decisions["AL-1"]
        sel = (k["kpi_id"] == kpi) & (k["period"] == "2024-Q2")
    k.loc[sel, "actual"] = k.loc[sel, "actual"] * factor
    worse = review_alliances(ws.replace(kpis=k)).decisions["AL-1"]
    assert worse <= base


def test_early_quarter_can_raise_the_trend() -> None:
    """Why the property above excludes the first half of the trend window (documented reading)."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [150, 120, 120, 120])})
    before = review_alliances(make_ws(k)).table.loc["AL-1"]
    k.loc[k["period"] == "2024-Q3", "actual"] = 120.0
    after = review_alliances(make_ws(k)).table.loc["AL-1"]
    assert after["trend"] > before["trend"]
    assert before["decision"] == "MAINTAIN" and after["decision"] == "GROW"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=workspaces(), quarter=st.sampled_from(PERIODS[:4]), trigger=st.text(min_size=1))
def test_hard_trigger_always_exits(data: tuple[Workspace, str], quarter: str, trigger: str) -> None:
    ws, _ = data
    ev = pd.DataFrame(dict(alliance_id=["AL-1"], period=[quarter], trigger=[trigger],
                           description=["x"]))  # fmt: skip
    row = review_alliances(ws.replace(events=ev)).table.loc["AL-1"]
    assert row["decision"] == "EXIT"
    assert row["rules_fired"][0] == "E0"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=workspaces(), scale=st.floats(1e-3, 1e4))
def test_attainment_invariant_to_kpi_unit(data: tuple[Workspace, str], scale: float) -> None:
    """Scaling planned and actual of one KPI together (a unit change) leaves attainment alone."""
    ws, kpi = data
    k = ws.kpis.copy()
    sel = k["kpi_id"] == kpi
    k.loc[sel, "planned"] = k.loc[sel, "planned"] * scale
    k.loc[sel, "actual"] = k.loc[sel, "actual"] * scale
    a = review_alliances(ws).table.loc["AL-1"]
    b = review_alliances(ws.replace(kpis=k)).table.loc["AL-1"]
    np.testing.assert_allclose(a["A_window"], b["A_window"], rtol=1e-9)
    for col in ("A_W", "trend", "D2", "H"):
        assert b[col] == pytest.approx(a[col], rel=1e-9, abs=1e-12)


def _variants(policy: ReviewPolicy) -> list[ReviewPolicy]:
    """The ±5-point threshold and ±20 % weight variants, written out independently."""
    out = []
    for name in ("h_exit", "h_restr", "h_grow", "fit_exit", "d_min", "d1_grow", "d5_grow"):
        out += [policy.replace(**{name: getattr(policy, name) + d}) for d in (5.0, -5.0)]
    for name in ("a_exit", "a_restr", "a_grow"):
        out += [policy.replace(**{name: getattr(policy, name) + d}) for d in (0.05, -0.05)]
    for k in range(1, 7):
        name = f"w_d{k}"
        out += [policy.replace(**{name: getattr(policy, name) * f}) for f in (1.2, 0.8)]
    return out


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=workspaces())
def test_decision_sensitivity_equals_reviews_under_each_variant(
    data: tuple[Workspace, str],
) -> None:
    """Cross-check: decision_sensitivity's verdict equals full reviews under each variant."""
    ws, _ = data
    base = review_alliances(ws).table.loc["AL-1", "decision"]
    decisions = [review_alliances(ws, policy=p).table.loc["AL-1", "decision"]
                 for p in _variants(ReviewPolicy())]  # fmt: skip
    s = decision_sensitivity(ws).loc["AL-1"]
    assert s["decision"] == base and s["n_variants"] == len(decisions) == 32
    assert s["n_changed"] == sum(d != base for d in decisions)
    assert set(s["decisions_seen"]) == {base, *decisions}
    assert bool(s["fragile"]) == any(d != base for d in decisions)


def test_cross_check_with_plain_python_loop() -> None:
    """Independent re-implementation (plain loops, no pandas) of A_t, A_W and b on random data."""
    rng = np.random.default_rng(3)
    series = {}
    for aid in ("AL-1", "AL-2", "AL-3"):
        for j in range(3):
            planned = list(rng.uniform(10, 100, 4))
            actual = list(np.array(planned) * rng.uniform(0.2, 1.8, 4))
            if j == 2:
                actual[1] = np.nan
            series[(aid, f"k{j}")] = (("higher", "lower")[j % 2], float(rng.uniform(0.1, 1)),
                                      planned, actual)  # fmt: skip
    res = review_alliances(make_ws(_kpis(series), ids=("AL-1", "AL-2", "AL-3")))
    for aid in ("AL-1", "AL-2", "AL-3"):
        a_t = []
        for q in range(4):
            num = den = 0.0
            for (a2, _kpi), (direction, w, planned, actual) in series.items():
                if a2 != aid or math.isnan(actual[q]):
                    continue
                r = actual[q] / planned[q]
                val = min(max(r if direction == "higher" else 2 - r, 0.0), 1.5)
                num += w * val
                den += w
            a_t.append(num / den)
        mean = sum(a_t) / 4
        slope = sum((t - 1.5) * (a - mean) for t, a in enumerate(a_t)) / 5.0
        row = res.table.loc[aid]
        assert row["A_window"] == pytest.approx(tuple(a_t), rel=1e-12)
        assert row["A_W"] == pytest.approx(mean, rel=1e-12)
        assert row["trend"] == pytest.approx(slope, abs=1e-12)


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_review_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(ak.workspace.data_dir() / "norden-pumpen")
    assert main(["review", folder]) == 0
    out = capsys.readouterr().out
    assert "AL-C5" in out and "EXIT" in out and "E0,R1,R4" in out and "A_W %" in out
    assert main(["review", folder, "--format", "json", "--previous-period", "2025-Q1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decisions"]["AL-C2"] == "GROW"
    assert any(r["alliance_id"] == "AL-C5" and r["changed"] for r in data["comparison"])


def test_cli_bad_period_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(ak.workspace.data_dir() / "greenscape")
    assert main(["review", folder, "--period", "2030-Q1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2030-Q1 has no KPI data" in err and "Traceback" not in err


# -- more coverage of the computation ------------------------------------------------------------
def test_ewm_window_weighting_end_to_end() -> None:
    """policy window_weighting="ewm" (λ = 0.5) weighs AL-C3's weak latest quarters more."""
    ws = ak.sample_workspace("norden-pumpen")
    row = review_alliances(ws, policy=ReviewPolicy(window_weighting="ewm")).table.loc["AL-C3"]
    a = np.array(ORACLE["AL-C3"][0])
    w = 0.5 ** np.arange(3, -1, -1)
    assert row["A_W"] == pytest.approx((w * a).sum() / w.sum(), abs=1e-4)
    assert row["A_W"] < 0.9049


def test_alliances_without_data_new_or_closed() -> None:
    """No KPI rows: a row with notes; started after T or closed: not reviewed; mid-window start."""
    k = _kpis({("AL-1", "sales"): ("higher", 1.0, FLAT, [100, 100, 100, 100]),
               ("AL-3", "sales"): ("higher", 1.0, FLAT, [np.nan, np.nan, 100, 100])})  # fmt: skip
    k = k[~((k["alliance_id"] == "AL-3") & k["actual"].isna())].reset_index(drop=True)
    ws = make_ws(k, ids=("AL-1", "AL-2", "AL-3"))
    alliances = list(ws.alliances)
    alliances[2] = dataclasses.replace(alliances[2], start_period="2025-Q1")
    alliances.append(_alliance("AL-4", start_period="2026-Q1"))
    alliances.append(_alliance("AL-5", status=AllianceStatus.CLOSED))
    res = review_alliances(ws.replace(alliances=tuple(alliances)))
    assert list(res.table.index) == ["AL-1", "AL-2", "AL-3"]
    no_data = res.table.loc["AL-2"]
    assert np.isnan(no_data["A_W"]) and no_data["decision"] == "MAINTAIN"
    assert any("no KPI data in the review window" in n for n in no_data["notes"])
    new = res.table.loc["AL-3"]
    assert new["A_W"] == pytest.approx(1.0)
    assert new["notes"] == ("alliance started in 2025-Q1: A_W averages 2 of 4 quarters",)


def test_perception_gap_frame(reviews: dict[str, ReviewResult]) -> None:
    gap = reviews["C"].perception_gap()
    assert gap.loc["AL-C5", "own"] == 1.5 and gap.loc["AL-C5", "partner"] == 3.8
    assert gap.loc["AL-C5", "gap"] == pytest.approx(2.3)
