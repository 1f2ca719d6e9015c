"""plan_roadmap on the sample workspaces: the one-year reduction, the samples' stories, exits,
steps, carry-over, explanations, the infeasibility diagnosis naming the period, the result."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import SAMPLES
from roadmap_toy import BIG, ToySpec, toy

import alliancekit as ak
from alliancekit.errors import DataValidationError, InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.roadmap import explain_roadmap, plan_roadmap, solve_roadmap


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[ak.Workspace, object]]:
    out = {}
    for name in SAMPLES:
        ws = ak.sample_workspace(name)
        out[name] = (ws, ak.review_alliances(ws))
    return out


def _plan_view(ws: ak.Workspace) -> ak.Workspace:
    """The workspace as plan_portfolio would plan the roadmap's first year: its capacity."""
    cap = ws.organization.roadmap.capacity_fte
    if not cap:
        return ws
    return ws.replace(organization=replace(ws.organization, mgmt_capacity_fte=cap[0]))


VARIANTS = [
    {},
    {"review": True},
    {"review": True, "reoptimise_existing": True},
    {"objective": "score"},
    {"objective": "blend", "review": True},
    {"objective": "coverage", "review": True},
    {"objective": "mean_cvar", "review": True, "n_scenarios": 200},
]


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_one_year_with_fixed_starts_equals_plan_portfolio(samples, name: str, variant: int) -> None:
    ws, review = samples[name]
    kw = dict(VARIANTS[variant])
    if kw.pop("review", False):
        kw["review"] = review
    plan = ak.plan_portfolio(_plan_view(ws), **kw)
    road = plan_roadmap(ws, years=1, fixed_starts=True, **kw)
    assert road.status is SolveStatus.OPTIMAL
    assert sorted(road.selected) == sorted(plan.selected)
    assert road.objective_value == pytest.approx(plan.objective_value, rel=1e-9, abs=1e-9)
    exited = set(road.exits.index[road.exits["exit"] != ""])
    assert exited == set(plan.exited)
    assert set(road.exits.index) - exited == set(plan.kept)
    # every limit of the plan is used and capped alike in the roadmap's single year
    usage = road.usage.set_index("constraint")
    for key, row in plan.totals.iterrows():
        if key in usage.index:
            assert usage.loc[key, "used"] == pytest.approx(row["used"], abs=1e-9)
            assert usage.loc[key, "cap"] == pytest.approx(row["cap"], abs=1e-9)
    assert {k.split("@")[0] for k in road.binding} == set(plan.binding)


def test_a_workspace_without_roadmap_data_gives_the_plan_in_year_one(samples) -> None:
    ws, review = samples["greenscape"]
    assert not ws.organization.roadmap.given
    plan = ak.plan_portfolio(ws, review=review)
    road = plan_roadmap(ws, years=1, review=review)  # no fixed starts needed: no timing data
    assert sorted(road.selected) == sorted(plan.selected)
    assert road.objective_value == pytest.approx(plan.objective_value)


def test_sanchar_pilots_the_operator_deals_then_scales_them(samples) -> None:
    ws, review = samples["sanchar-apps"]
    r = plan_roadmap(ws, review=review)
    assert r.status is SolveStatus.OPTIMAL and r.periods == ("2026", "2027", "2028")
    scaled = r.starts[r.starts["scale_start"] != ""]
    assert len(scaled) >= 1
    for pid, row in scaled.iterrows():
        lag = ws.candidate(pid).pilot_years
        assert row["scale_index"] >= row["start_index"] + lag
        assert "pilot from" in row["plan"] and "scale-up from" in row["plan"]
    sched = r.schedule
    stages = set(sched.loc[sched["partner_id"].isin(scaled.index), "stage"])
    assert stages == {"pilot", "scale"}
    # a pilot closes no gap: coverage is only required from year 2 (coverage_by_year)
    assert not any(k.startswith("coverage") and k.endswith("@2026") for k in r.usage["key"])


def test_norden_capacity_binds_before_money_does(samples) -> None:
    ws, review = samples["norden-pumpen"]
    r = plan_roadmap(ws, review=review)
    u = r.usage
    capacity = u[u["constraint"] == "limit[mgmt_load_fte]"]
    money = u[u["constraint"].isin(["limit[cost_one_off]", "limit[cost_annual]"])]
    assert capacity["binding"].any()
    assert not money["binding"].any()
    assert (money["slack"] > 0).all()
    # one more FTE is worth money; one more euro of budget is not
    values = ak.limit_values(r, keys=["limit"]).table.set_index("key")
    fte = values.loc[capacity.loc[capacity["binding"], "key"], "loosen_per_unit"]
    assert (fte > 0).all()
    assert (values.loc[money["key"], "loosen_per_unit"] == 0).all()


def test_infeasibility_is_diagnosed_with_the_year(samples) -> None:
    ws, review = samples["sanchar-apps"]
    with pytest.raises(InfeasiblePortfolioError) as info:
        plan_roadmap(ws, review=review, coverage_by_year=1)
    err = info.value
    assert "coverage[G1]@2026" in err.conflicting
    assert "in 2026" in str(err) and "coverage_by_year" in str(err)
    (fix,) = [r for r in err.relaxations if r.constraint == "coverage[G1]@2026"]
    assert fix.current == 1.0 and fix.needed == pytest.approx(0.6)
    assert err.constraints[0].label.endswith("in 2026")


def test_a_review_exit_waits_for_the_notice_period(samples) -> None:
    ws, review = samples["sanchar-apps"]
    assert ws.alliance("AL-A4").notice_months == 6
    r = plan_roadmap(ws, review=review)
    assert (
        r.exits.loc["AL-A4", "exit"] == "2027" and r.exits.loc["AL-A4", "plan"] == "exit by review"
    )
    annual = r.usage.set_index("key").loc["limit[cost_annual]@2026", "used"]
    started = r.schedule[r.schedule["period"] == "2026"]["annual"].sum()
    kept = sum(a.cost_annual for a in ws.alliances)  # AL-A4 still runs (and costs) in 2026
    assert annual == pytest.approx(started + kept)
    fixed = plan_roadmap(ws, review=review, fixed_starts=True)
    assert fixed.exits.loc["AL-A4", "exit"] == "2026"


def test_a_planned_exit_year_and_a_free_exit(samples) -> None:
    ws, _ = samples["norden-pumpen"]
    assert ws.alliance("AL-C4").exit_year == 3
    # no review (AL-C5 stays): more capacity; AL-C4 leaves in its planned year
    r = plan_roadmap(ws, capacity_fte=[5.0])
    assert r.exits.loc["AL-C4", "exit"] == "2028" and r.exits.loc["AL-C4", "plan"] == "planned exit"
    assert r.exits.loc["AL-C1", "exit"] == ""
    free = plan_roadmap(ws, capacity_fte=[5.0], reoptimise_existing=True)
    assert r.model_objective <= free.model_objective + 1e-6  # more freedom never hurts


def test_quarters_split_the_annual_budget_and_keep_the_one_off_budget_yearly(samples) -> None:
    ws, review = samples["greenscape"]
    r = plan_roadmap(ws, years=2, step="quarter", review=review)
    assert len(r.periods) == 8 and r.periods[0] == "Year 1 Q1"
    u = r.usage.set_index("key")
    assert u.loc["limit[cost_annual]@Year 1 Q1", "cap"] == pytest.approx(55 / 4)
    assert u.loc["limit[cost_annual]@Year 1 Q1", "unit"] == "PKR lakh/quarter"
    assert u.loc["limit[cost_one_off]@Year 1", "cap"] == pytest.approx(30)
    assert "limit[cost_one_off]@Year 1 Q1" not in u.index


def test_carry_over_lets_unspent_one_off_budget_roll_forward() -> None:
    spec = ToySpec(
        years=2,
        one_off={"A": 15.0},
        annual={"A": 1.0},
        value={"A": 40.0},
        windows={"A": (1, 1)},
        life={"A": 1},
        fte={"A": 0.0},
        p_fail={"A": 0.0},
        budgets_one_off=[10.0, 10.0],
        budgets_annual=[BIG, BIG],
    )
    assert solve_roadmap(toy(spec)).selected == []  # 15 > 10 in year 2 alone
    r = solve_roadmap(toy(spec, carry_over=0.5))  # 10 + 0.5·10 = 15 available in year 2
    assert r.selected == ["A"]
    row = r.usage.set_index("key").loc["limit[cost_one_off]@Year 2"]
    assert row["used"] == pytest.approx(15.0) and row["cap"] == pytest.approx(15.0)


def test_why_not_and_explanations(samples) -> None:
    ws, review = samples["sanchar-apps"]
    r = plan_roadmap(ws, review=review)
    assert "is in the roadmap: pilot from 2026" in r.why_not("A01")
    assert "screened out before the roadmap: K3: R_rel 0.72 > 0.65" in r.why_not("A04")
    text = r.why_not("A02")
    assert "Roshni Telecom (A02) is not in the roadmap" in text and "leaves out Airwave" in text
    with pytest.raises(DataValidationError, match="unknown partner 'ZZ'"):
        r.why_not("ZZ")
    table = explain_roadmap(r)
    assert set(table["status"]) == {"started", "not started", "screened"}
    out = table[table["status"] == "not started"]
    assert (out["value_rise_to_enter"].dropna() >= 0).all()
    assert out["start_if_forced"].str.len().gt(0).all()


def test_result_tables_json_and_html(samples) -> None:
    ws, review = samples["norden-pumpen"]
    r = plan_roadmap(ws, review=review)
    data = json.loads(r.to_json())
    assert data["type"] == "RoadmapResult" and data["periods"] == list(r.periods)
    assert data["problem"]["periods"][0] == "2026"
    assert {"key", "period", "label", "used", "cap"} <= set(data["usage"][0])
    html = r._repr_html_()
    for heading in ("Roadmap: who starts when", "Spend and capacity per period", "Existing"):
        assert heading in html
    assert "Management capacity (2026–2027)" in r.summary()
    # the schedule agrees with the starts table
    for pid, row in r.starts[r.starts["selected"]].iterrows():
        runs = r.schedule[r.schedule["partner_id"] == pid]
        assert runs["period_index"].min() == row["start_index"]


def test_highs_and_cbc_agree_on_a_sample_roadmap(samples) -> None:
    ws, review = samples["sanchar-apps"]
    a = plan_roadmap(ws, review=review)
    b = plan_roadmap(ws, review=review, solver="cbc")
    assert a.model_objective == pytest.approx(b.model_objective, rel=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"years": 0}, "years must be a whole number of years from 1 to 10"),
        ({"years": 11}, "years must be a whole number of years from 1 to 10"),
        ({"carry_over": 2}, "carry_over must lie in [0, 1]"),
        ({"budgets_annual": [-5]}, "budgets_annual must be finite and ≥ 0"),
        ({"coverage_by_year": 0}, "coverage_by_year must be a roadmap year"),
        ({"step": "month"}, "unknown step 'month'"),
        ({"bogus": 1}, "unknown plan_portfolio setting(s) bogus"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, text: str) -> None:
    ws = ak.sample_workspace("greenscape")
    with pytest.raises(DataValidationError) as info:
        plan_roadmap(ws, **kwargs)
    assert text in str(info.value)


def test_per_year_budget_overrides_apply_to_every_year(samples) -> None:
    ws, review = samples["sanchar-apps"]
    r = plan_roadmap(ws, review=review, budget_annual=600.0)
    caps = r.usage[r.usage["constraint"] == "limit[cost_annual]"]["cap"].to_numpy()
    assert np.allclose(caps, 600.0)
    r = plan_roadmap(ws, review=review, budgets_annual=[600, 700])
    caps = r.usage[r.usage["constraint"] == "limit[cost_annual]"]["cap"].to_numpy()
    assert np.allclose(caps, [600.0, 700.0, 700.0])


def test_the_roadmap_package_loads_its_modules_on_first_use() -> None:
    """A review asks ``has_roadmap_data`` without loading the MILP; every export resolves."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from alliancekit.roadmap.years import has_roadmap_data\n"
        "print(sorted(m for m in sys.modules if m.startswith('alliancekit.roadmap')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['alliancekit.roadmap', 'alliancekit.roadmap.years']"
    import alliancekit.roadmap as roadmap

    assert roadmap.__all__ == sorted(roadmap._HOMES)
    for name in roadmap.__all__:
        value = getattr(roadmap, name)
        assert value.__module__ == f"alliancekit.roadmap.{roadmap._HOMES[name]}", name
