"""Workspace-level portfolio planning: docs/method.md §6/§11 reference portfolios, the GreenScape
infeasibility exercise, objectives (a)–(e), frontier, robustness, explanations and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from alliancekit.cli import main
from alliancekit.errors import DataValidationError, InfeasiblePortfolioError
from alliancekit.model import Decision, SolveStatus
from alliancekit.portfolio import (
    FrontierResult,
    efficient_frontier,
    explain_selection,
    plan_portfolio,
    portfolio_robustness,
)
from alliancekit.workspace import sample_workspace

SOLVERS = ("highs", "cbc")
DATA = Path(__file__).resolve().parents[1] / "data"

#: docs/method.md §11 review decisions used by the reference portfolios (§10 reading 7).
EXITS = {
    "sanchar-apps": {"AL-A4": Decision.EXIT},
    "greenscape": {"AL-B3": Decision.EXIT},
    "norden-pumpen": {"AL-C4": Decision.EXIT, "AL-C5": Decision.EXIT},
}


@pytest.fixture(scope="module")
def workspaces() -> dict:
    """The three bundled samples, loaded once."""
    return {name: sample_workspace(name) for name in EXITS}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "name,objective,expected,value",
    [
        ("sanchar-apps", "expected_npv", ["A02", "A03", "A05", "A07", "A12", "A13"], 1148.34),
        ("greenscape", "expected_npv", ["B01", "B02", "B06", "B10", "B14"], 209.62),
        (
            "norden-pumpen",
            "expected_npv",
            ["C01", "C02", "C03", "C05", "C08", "C09", "C12"],
            10699.35,
        ),
        ("norden-pumpen", "score", ["C01", "C03", "C07", "C08", "C09", "C12", "C16"], 397.01),
    ],
)
def test_reference_portfolios(
    workspaces: dict, name: str, objective: str, expected: list, value: float, solver: str
) -> None:
    """docs/method.md §11 "Reference portfolios": same selection, objective ±0.1."""
    r = plan_portfolio(workspaces[name], objective=objective, review=EXITS[name], solver=solver)
    assert r.selected == expected
    assert r.objective_value == pytest.approx(value, abs=0.1)
    assert r.status is SolveStatus.OPTIMAL
    assert set(r.exited) == set(EXITS[name])
    assert set(r.kept) | set(r.exited) == set(workspaces[name].alliance_ids)


@pytest.mark.parametrize(
    "name,objective,c0,ca,avg_r",
    [
        ("sanchar-apps", "expected_npv", 230, 415, 0.315),
        ("greenscape", "expected_npv", 21, 30, 0.242),
        ("norden-pumpen", "expected_npv", 1660, 1340, 0.321),
        ("norden-pumpen", "score", 1470, 1040, 0.328),
    ],
)
def test_reference_portfolio_totals(
    workspaces: dict, name: str, objective: str, c0: float, ca: float, avg_r: float
) -> None:
    """docs/method.md §6.4 reference table: Σ C0, Σ Ca new and avg R of each reference portfolio;
    the exit costs of EXIT alliances are charged to the one-off budget and their annual cost is
    freed (§10 reading 7), kept alliances use the annual budget."""
    ws = workspaces[name]
    r = plan_portfolio(ws, objective=objective, review=EXITS[name])
    frame = ws.candidates_frame().loc[r.selected]
    assert frame["cost_one_off"].sum() == pytest.approx(c0)
    assert frame["cost_annual"].sum() == pytest.approx(ca)
    assert r.details.loc[r.selected, "R"].mean() == pytest.approx(avg_r, abs=5e-4 + 1e-9)
    assert r.totals.loc["average[R]", "used"] == pytest.approx(avg_r, abs=5e-4 + 1e-9)
    exits = sum(a.exit_cost for a in ws.alliances if a.alliance_id in EXITS[name])
    kept = sum(a.cost_annual for a in ws.alliances if a.alliance_id not in EXITS[name])
    assert r.totals.loc["limit[cost_one_off]", "used"] == pytest.approx(c0 + exits)
    assert r.totals.loc["limit[cost_annual]", "used"] == pytest.approx(ca + kept)


def test_reference_c_b_reports_its_expected_npv(workspaces: dict) -> None:
    """C(b) (score objective) selection has Σ E[NPV] 9446.05 (docs/method.md §11)."""
    r = plan_portfolio(
        workspaces["norden-pumpen"], objective="score", review=EXITS["norden-pumpen"]
    )
    assert r.details.loc[r.selected, "e_npv"].sum() == pytest.approx(9446.05, abs=0.1)


def test_review_object_with_decisions_and_real_review(workspaces: dict) -> None:
    """Anything with ``.decisions`` works, including the real periodic review."""
    ws = workspaces["greenscape"]
    via_object = plan_portfolio(ws, review=SimpleNamespace(decisions=EXITS["greenscape"]))
    assert via_object.selected == ["B01", "B02", "B06", "B10", "B14"]
    from alliancekit.review import review_alliances

    real = plan_portfolio(ws, review=review_alliances(ws))
    assert real.selected == via_object.selected
    assert real.exited == ("AL-B3",)


def test_grow_alliances_flagged_with_budget_headroom(workspaces: dict) -> None:
    """Issue 5 item 4: GROW alliances of the review are flagged with the annual budget the plan
    leaves, B1 − Σ Ca kept − Σ Ca new (A: 650 − (60 + 50 + 40) − 415 = 85, method §6.1/§6.4);
    a plan that uses the whole annual budget flags them "budget-constrained"."""
    from alliancekit.review import review_alliances

    ws = workspaces["sanchar-apps"]
    review = review_alliances(ws)
    assert review.decisions["AL-A1"] is Decision.GROW
    r = plan_portfolio(ws, review=review)
    new_annual = ws.candidates_frame().loc[r.selected, "cost_annual"].sum()
    kept_annual = sum(a.cost_annual for a in ws.alliances if a.alliance_id in r.kept)
    assert new_annual == 415 and kept_annual == 150
    assert dict(r.grow_flags) == {"AL-A1": ()}
    assert "GROW AL-A1: budget headroom after this plan annual 85.0 PKR lakh/yr" in r.summary()
    assert json.loads(json.dumps(r.to_dict()))["grow_flags"] == {"AL-A1": []}
    tight = plan_portfolio(ws, review=review, budget_annual=kept_annual + new_annual)
    assert tight.selected == r.selected
    assert dict(tight.grow_flags) == {"AL-A1": ("budget-constrained",)}
    assert any(n.endswith("budget-constrained") for n in tight.notes)
    # no GROW decision in the review: no flag
    assert dict(plan_portfolio(ws, review=EXITS["sanchar-apps"]).grow_flags) == {}


def test_without_review_every_alliance_is_kept(workspaces: dict) -> None:
    """No review: every existing alliance keeps its budget share and coverage."""
    ws = workspaces["sanchar-apps"]
    r = plan_portfolio(ws)
    assert r.kept == ws.alliance_ids and r.exited == ()
    kept_annual = sum(a.cost_annual for a in ws.alliances)
    new_annual = ws.candidates_frame().loc[r.selected, "cost_annual"].sum()
    assert r.totals.loc["limit[cost_annual]", "used"] == pytest.approx(kept_annual + new_annual)


def test_conflict_with_kept_alliance_fte_and_expected_loss_limits(workspaces: dict) -> None:
    """docs/method.md §4 rows not exercised by §6: x_i + y_j ≤ 1 for a candidate conflicting with a
    kept alliance (an EXIT frees it), management capacity Σ fte (kept + new) ≤ FTE, and the
    §3.5 expected-loss budget Σ p_i·(C0_i + X_i)·x_i ≤ L_max (all recomputed here)."""
    from dataclasses import replace

    ws = workspaces["sanchar-apps"]
    frame = ws.candidates_frame()
    review = EXITS["sanchar-apps"]
    base = plan_portfolio(ws, review=review)
    assert "A05" in base.selected
    # AL-A1 (kept) claims exclusivity against A05
    alliances = tuple(
        replace(a, conflicts_with=("A05",)) if a.alliance_id == "AL-A1" else a for a in ws.alliances
    )
    clash = ws.replace(alliances=alliances)
    r = plan_portfolio(clash, review=review)
    assert "A05" not in r.selected
    assert r.screened["A05"] == "conflicts with kept alliance AL-A1"
    # a knocked-out candidate keeps both reasons (A14: K1 no gap closed)
    alliances = tuple(
        replace(a, conflicts_with=("A14",)) if a.alliance_id == "AL-A2" else a for a in ws.alliances
    )
    both = plan_portfolio(ws.replace(alliances=alliances), review=review).screened["A14"]
    assert both.startswith("K1") and both.endswith("conflicts with kept alliance AL-A2")
    freed = plan_portfolio(clash, review={**review, "AL-A1": Decision.EXIT})
    assert "A05" not in freed.screened and "AL-A1" in freed.exited
    # management capacity: 3 kept alliances + at most 5 new ones at 0.2 FTE each fit in 1.6
    org = replace(ws.organization, mgmt_capacity_fte=1.6)
    r = plan_portfolio(ws.replace(organization=org), review=review)
    kept_fte = sum(a.mgmt_load_fte for a in ws.alliances if a.alliance_id in r.kept)
    used = kept_fte + frame.loc[r.selected, "mgmt_load_fte"].sum()
    assert used <= 1.6 + 1e-9 and len(r.selected) == 5
    assert r.totals.loc["limit[mgmt_load_fte]", "used"] == pytest.approx(used)
    assert r.objective_value < base.objective_value
    # expected-loss budget below the reference plan's 116.61
    el = base.details["p_fail"] * (frame["cost_one_off"] + frame["exit_cost"])
    assert el[base.selected].sum() == pytest.approx(116.61)
    r = plan_portfolio(ws, review=review, caps={"expected_loss_limit": 115.0})
    assert el[r.selected].sum() <= 115.0
    assert r.totals.loc["limit[expected_loss]", "used"] == pytest.approx(el[r.selected].sum())
    assert r.objective_value < base.objective_value


def test_candidate_dependencies_and_conflicts_on_existing_alliances(workspaces: dict) -> None:
    """workspace.py lets a candidate's requires_any / conflicts_with name existing alliances.
    A kept alliance satisfies the dependency and blocks the conflicting candidate; an EXIT
    alliance does neither (the candidate is screened with the reason / freed); with keep/exit
    variables the MILP links them (x_i ≤ y_j, x_i + y_j ≤ 1)."""
    from dataclasses import replace

    ws = workspaces["sanchar-apps"]
    review = EXITS["sanchar-apps"]

    def edit(cid: str, **kw: object):
        return ws.replace(
            candidates=tuple(replace(c, **kw) if c.id == cid else c for c in ws.candidates)
        )

    needs_a1 = edit("A11", requires_any=("AL-A1",))
    r = plan_portfolio(needs_a1, review=review)
    assert "A11" not in r.screened and "A11" not in r.problem.requires
    assert r.selected == ["A02", "A03", "A05", "A07", "A12", "A13"]
    r = plan_portfolio(needs_a1, review={**review, "AL-A1": Decision.EXIT})
    assert r.screened["A11"] == "dependency unmet: needs one of AL-A1 (exited by the review)"
    r = plan_portfolio(needs_a1, review=review, reoptimise_existing=True)
    assert r.problem.requires["A11"] == ("AL-A1",)
    assert "A11" not in r.selected or "AL-A1" in r.kept

    clash = edit("A13", conflicts_with=("AL-A1",))
    r = plan_portfolio(clash, review=review)
    assert r.screened["A13"] == "conflicts with kept alliance AL-A1"
    assert "A13" not in r.selected
    r = plan_portfolio(clash, review={**review, "AL-A1": Decision.EXIT})
    assert "A13" not in r.screened
    r = plan_portfolio(clash, review=review, reoptimise_existing=True)
    assert ("A13", "AL-A1") in r.problem.conflicts
    assert not ("A13" in r.selected and "AL-A1" in r.kept)
    with pytest.raises(DataValidationError, match=r"unknown partner id.*ZZZ"):
        plan_portfolio(edit("A11", requires_any=("ZZZ",)), review=review)


def test_separate_average_caps_and_candidate_must_include_flag(workspaces: dict) -> None:
    """§3.5 separate average caps on R_rel / R_perf (reference A averages R_perf 0.344), and a
    candidate's own must_include flag: A09 forced in cannot fit the one-off budget of 250 with
    the coverage requirements, so the plan is infeasible and names must_include[A09]."""
    from dataclasses import replace

    ws = workspaces["sanchar-apps"]
    review = EXITS["sanchar-apps"]
    r = plan_portfolio(ws, review=review, caps={"avg_performance": 0.34})
    mean_perf = r.details.loc[r.selected, "R_perf"].mean()
    assert mean_perf <= 0.34 + 1e-12
    assert r.totals.loc["average[R_perf]", "used"] == pytest.approx(mean_perf)
    assert r.objective_value < 1148.34
    with pytest.raises(InfeasiblePortfolioError) as info:
        plan_portfolio(ws, review=review, caps={"avg_relational": 0.285})  # reference: 0.2854
    assert "average[R_rel]" in info.value.conflicting
    forced = tuple(replace(c, must_include=(c.id == "A09")) for c in ws.candidates)
    with pytest.raises(InfeasiblePortfolioError) as info:
        plan_portfolio(ws.replace(candidates=forced), review=review)
    assert "must_include[A09]" in info.value.conflicting
    assert "drop the must-include requirement on A09" in str(info.value)


def test_knockouts_are_screened_with_reasons(workspaces: dict) -> None:
    """§11 knockouts: A14 K1, A04 K3+K4, C11 K3, C14 K4 never enter and say why."""
    a = plan_portfolio(workspaces["sanchar-apps"], review=EXITS["sanchar-apps"])
    assert a.screened["A14"].startswith("K1")
    assert "K3" in a.screened["A04"] and "K4" in a.screened["A04"]
    c = plan_portfolio(workspaces["norden-pumpen"], review=EXITS["norden-pumpen"])
    assert "K3" in c.screened["C11"] and "K4" in c.screened["C14"]
    assert {"C11", "C14"}.isdisjoint(c.selected)


@pytest.mark.parametrize("solver", SOLVERS)
def test_greenscape_without_b14_is_infeasible_with_advice(workspaces: dict, solver: str) -> None:
    """docs/method.md §6.2 exercise: G5 can then be closed only by the capped competitors."""
    ws = workspaces["greenscape"].without_candidates("B14")
    with pytest.raises(InfeasiblePortfolioError) as info:
        plan_portfolio(ws, review=EXITS["greenscape"], solver=solver)
    exc = info.value
    assert "coverage[G5]" in exc.conflicting
    assert "each[R_rel]" in exc.conflicting
    relax = {r.constraint: r for r in exc.relaxations}
    assert relax["each[R_rel]"].current == pytest.approx(0.55)
    assert relax["each[R_rel]"].needed == pytest.approx(0.6375)
    assert relax["coverage[G5]"].needed == pytest.approx(0.0)
    text = str(exc)
    for piece in ("G5", "B09", "0.6375", "0.55", "add a partner", "lower the required coverage"):
        assert piece in text


def test_overrides_budget_appetite_and_counts(workspaces: dict) -> None:
    """Budget, appetite and count overrides move the plan the way a strategist expects."""
    ws = workspaces["greenscape"]
    base = plan_portfolio(ws, review=EXITS["greenscape"])
    richer = plan_portfolio(
        ws, review=EXITS["greenscape"], budget_one_off=80, budget_annual=90, max_count=7
    )
    assert richer.objective_value >= base.objective_value
    high = plan_portfolio(ws, review=EXITS["greenscape"], risk_appetite="high")
    assert "B09" not in high.screened  # R_rel 0.6375 < 0.75 under high appetite
    capped = plan_portfolio(ws, review=EXITS["greenscape"], caps={"avg_total": 0.25})
    assert capped.totals.loc["average[R]", "used"] <= 0.25 + 1e-9
    with pytest.raises(DataValidationError, match="unknown objective"):
        plan_portfolio(ws, objective="profit")
    with pytest.raises(DataValidationError, match="unknown alliance"):
        plan_portfolio(ws, review={"AL-X9": "EXIT"})


def test_mean_cvar_lowers_cvar_and_cap_holds(workspaces: dict) -> None:
    """Objective (d): the CVaR penalty never raises CVaR versus (a); a Γ cap is respected."""
    ws = workspaces["sanchar-apps"]
    kw = {"review": EXITS["sanchar-apps"], "n_scenarios": 300, "seed": 1}
    a = plan_portfolio(ws, objective="expected_npv", cvar_limit=1e12, **kw)
    d = plan_portfolio(ws, objective="mean_cvar", cvar_lambda=2.0, **kw)
    cvar_a = a.totals.loc["cvar", "used"]
    assert any(n.startswith("model objective mean_cvar") for n in d.notes)
    d_capped = plan_portfolio(ws, objective="expected_npv", cvar_limit=0.9 * cvar_a, **kw)
    assert d_capped.totals.loc["cvar", "used"] <= 0.9 * cvar_a + 1e-6
    assert d_capped.objective_value <= a.objective_value + 1e-9
    d_cvar = plan_portfolio(ws, objective="mean_cvar", cvar_lambda=2.0, cvar_limit=1e12, **kw)
    assert d_cvar.totals.loc["cvar", "used"] <= cvar_a + 1e-6
    assert d.selected == d_cvar.selected


def _cvar_def(losses: np.ndarray, beta: float = 0.95) -> float:
    """CVaR_β from its definition, min_η η + E[(ℓ − η)+]/(1 − β) (Rockafellar & Uryasev 2000)."""
    return float(min(eta + np.maximum(losses - eta, 0).mean() / (1 - beta) for eta in losses))


def test_mean_cvar_objective_on_workspace_scenarios(workspaces: dict) -> None:
    """Objective (d) on scenario C with λ = 5: J(x) = Σ E[NPV]·x − λ·CVaR_0.95 over the seeded
    scenarios of risk.simulate_scenarios (recomputed here). The plan's model objective is J
    at its selection, and that selection beats the E[NPV]-optimal one on J while giving up
    some E[NPV] — the mean–risk trade-off."""
    from alliancekit.risk import simulate_scenarios

    ws = workspaces["norden-pumpen"]
    kw = {"review": EXITS["norden-pumpen"], "n_scenarios": 300, "seed": 1}
    a = plan_portfolio(ws, objective="expected_npv", **kw)
    d = plan_portfolio(ws, objective="mean_cvar", cvar_lambda=5.0, **kw)
    loss = simulate_scenarios(ws, n_scenarios=300, seed=1).loss
    e_npv = a.details["e_npv"]

    def j(selected: list[str]) -> float:
        return float(e_npv[selected].sum()) - 5.0 * _cvar_def(loss[selected].sum(axis=1).to_numpy())

    note = next(n for n in d.notes if n.startswith("model objective mean_cvar = "))
    model_value = float(note.split("= ")[1].split(";")[0].replace(",", ""))
    assert model_value == pytest.approx(j(d.selected), abs=1e-3)
    assert d.selected != a.selected
    assert j(d.selected) > j(a.selected)
    assert d.objective_value == pytest.approx(e_npv[d.selected].sum())
    assert d.objective_value < a.objective_value


@pytest.mark.parametrize(
    "name,gamma,expected",
    [
        ("sanchar-apps", 0.20 * (250 + 3 * 650), ["A02", "A03", "A05", "A07", "A12", "A13"]),
        ("greenscape", 0.10 * (30 + 3 * 55), ["B01", "B02", "B06", "B10", "B14"]),
        (
            "norden-pumpen",
            0.20 * (2000 + 5 * 1800),
            ["C01", "C02", "C03", "C05", "C08", "C09", "C12"],
        ),
    ],
)
def test_appetite_cvar_cap_never_binds_on_the_references(
    workspaces: dict, name: str, gamma: float, expected: list
) -> None:
    """cvar_limit="appetite": Γ = share·(B0 + H·B1) with share 10/20/35 % by appetite
    (docs/method.md §3.5); §10 reading 9: it never binds on the reference portfolios."""
    r = plan_portfolio(workspaces[name], review=EXITS[name], cvar_limit="appetite")
    assert r.totals.loc["cvar", "cap"] == pytest.approx(gamma)
    assert r.totals.loc["cvar", "used"] <= gamma
    assert r.selected == expected


def test_blend_and_coverage_objectives(workspaces: dict) -> None:
    """Objectives (c) and (e) solve and keep every hard constraint."""
    ws = workspaces["norden-pumpen"]
    for objective in ("blend", "coverage"):
        r = plan_portfolio(ws, objective=objective, review=EXITS["norden-pumpen"])
        assert (r.totals["slack"] >= -1e-7).all()
        assert r.notes
    # blend = 1 is the E[NPV] objective, blend = 0 the score objective
    e = plan_portfolio(ws, objective="blend", blend=1.0, review=EXITS["norden-pumpen"])
    s = plan_portfolio(ws, objective="blend", blend=0.0, review=EXITS["norden-pumpen"])
    assert e.selected == ["C01", "C02", "C03", "C05", "C08", "C09", "C12"]
    assert s.selected == ["C01", "C03", "C07", "C08", "C09", "C12", "C16"]


def test_explain_selection_on_workspace(workspaces: dict) -> None:
    """Every partner gets a status and reason; conflicts, knockouts and thresholds show up."""
    r = plan_portfolio(workspaces["sanchar-apps"], review=EXITS["sanchar-apps"])
    ex = explain_selection(r)
    assert set(ex.index) == set(workspaces["sanchar-apps"].candidate_ids)
    assert ex.loc["A14", "status"] == "screened" and "K1" in ex.loc["A14", "reason"]
    assert "conflicts with selected A02" in ex.loc["A01", "reason"]
    selected = ex[ex["selected"]]
    assert (selected["exit_threshold"] <= selected["objective_coef"] + 1e-9).all()
    excluded = ex[ex["status"] == "excluded"]
    assert (excluded["value_rise_to_enter"].dropna() >= 0).all()


def test_explain_thresholds_on_workspace_flip_by_re_solve(workspaces: dict) -> None:
    """Scenario A: moving an E[NPV] coefficient 1e-3 past its reported threshold flips the
    partner's side in a fresh solve of the stored plan problem; 1e-3 short of it does not."""
    from dataclasses import replace

    from alliancekit.portfolio import solve_problem

    r = plan_portfolio(workspaces["sanchar-apps"], review=EXITS["sanchar-apps"])
    ex = explain_selection(r)
    p = r.problem

    def selected_with(i: str, coef: float) -> bool:
        objective = p.objective.copy()
        objective[i] = coef
        return i in solve_problem(replace(p, objective=objective)).selected

    checked = 0
    for i, row in ex.iterrows():
        if row["status"] == "selected" and np.isfinite(row["exit_threshold"]):
            t = row["exit_threshold"]
            assert not selected_with(i, t - 1e-3) and selected_with(i, t + 1e-3), i
            checked += 1
        elif row["status"] == "excluded" and row["value_rise_to_enter"] > 1e-2:
            t = row["objective_coef"] + row["value_rise_to_enter"]
            assert selected_with(i, t + 1e-3) and not selected_with(i, t - 1e-3), i
            checked += 1
    assert checked >= 8


def test_explain_with_keep_exit_variables(workspaces: dict) -> None:
    """reoptimise_existing: kept alliances are part of the solution (selected, "existing
    alliance kept"), so thresholds are measured from the true optimum — every reported
    threshold flips its row (candidate or alliance) in a fresh solve of the stored problem."""
    from dataclasses import replace

    from alliancekit.portfolio import solve_problem

    r = plan_portfolio(
        workspaces["sanchar-apps"], review=EXITS["sanchar-apps"], reoptimise_existing=True
    )
    ex = explain_selection(r)
    p = r.problem
    for aid in ("AL-A1", "AL-A2", "AL-A3"):
        assert bool(ex.loc[aid, "selected"]) and ex.loc[aid, "reason"].startswith(
            "existing alliance kept"
        )
    chosen = ex[ex["selected"]]
    assert (chosen["exit_threshold"] <= chosen["objective_coef"] + 1e-9).all()

    def kept_with(i: str, coef: float) -> bool:
        objective = p.objective.copy()
        objective[i] = coef
        return i in solve_problem(replace(p, objective=objective)).selected

    finite = chosen[np.isfinite(chosen["exit_threshold"])]
    assert {"AL-A1", "A02"} <= set(finite.index)
    for i, t in finite["exit_threshold"].items():
        assert not kept_with(i, t - 1e-3) and kept_with(i, t + 1e-3), i


def _frontier(workspaces: dict, name: str, vary: str, points: int, **kw) -> FrontierResult:
    """``efficient_frontier`` of a sample after its §11 review exits, without a progress bar."""
    return efficient_frontier(
        workspaces[name], vary, points=points, progress=False, review=EXITS[name], **kw
    )


def test_frontier_over_budget_risk_and_cvar(workspaces: dict) -> None:
    """Frontiers are monotone in the relaxed limit and mark infeasible points."""
    fr = _frontier(workspaces, "greenscape", "budget_annual", 6)
    assert isinstance(fr, FrontierResult)
    pts = fr.to_frame()
    assert len(pts) == 6 and not pts["feasible"].iloc[0]
    ok = pts.loc[pts["feasible"], "objective"].to_numpy()
    assert len(ok) >= 1 and (np.diff(ok) >= -1e-9).all()
    assert fr.current == pytest.approx(55.0)
    risk = _frontier(workspaces, "norden-pumpen", "avg_risk", 5).to_frame()
    ok = risk.loc[risk["feasible"], "objective"].to_numpy()
    assert (np.diff(ok) >= -1e-9).all()
    cv = _frontier(workspaces, "sanchar-apps", "cvar", 4, n_scenarios=200).to_frame()
    assert cv["feasible"].all()
    assert (cv["cvar"] <= cv["value"] + 1e-6).all()
    assert (np.diff(cv["objective"].to_numpy()) >= -1e-9).all()


def test_robustness_greenscape_only_feasible_set_is_core(workspaces: dict) -> None:
    """§11: B's reference set is the only feasible one, so whatever the weights or values,
    those five are core (share 1) and every other partner exterior."""
    rb = portfolio_robustness(workspaces["greenscape"], n_draws=8, review=EXITS["greenscape"])
    t = rb.to_frame()
    core = ["B01", "B02", "B06", "B10", "B14"]
    assert (t.loc[core, "share"] == 1.0).all()
    assert (t.loc[core, "class"] == "core").all()
    assert (t.drop(index=core)["class"] == "exterior").all()
    assert "core" in rb.summary()


def test_robustness_value_shares_equal_independent_solves(workspaces: dict) -> None:
    """mode="values": each draw maximises one seeded NPV scenario (risk.simulate_scenarios);
    the shares equal cold re-solves of those scenarios (no warm start), and the classes follow
    the core ≥ 0.8 / exterior ≤ 0.2 thresholds, with borderline partners in between."""
    from dataclasses import replace

    from alliancekit.portfolio import CORE_SHARE, EXTERIOR_SHARE, solve_problem
    from alliancekit.risk import simulate_scenarios

    ws = workspaces["sanchar-apps"]
    rb = portfolio_robustness(ws, n_draws=12, seed=3, mode="values", review=EXITS["sanchar-apps"])
    t = rb.to_frame()
    problem = plan_portfolio(ws, review=EXITS["sanchar-apps"]).problem
    npv = simulate_scenarios(ws, n_scenarios=12, seed=3).npv
    counts = pd.Series(0.0, index=list(problem.ids))
    for k in range(12):
        objective = npv.iloc[k].reindex(list(problem.ids)).astype(float).rename("npv")
        counts.loc[solve_problem(replace(problem, objective=objective)).selected] += 1
    assert rb.infeasible_draws == 0
    np.testing.assert_allclose(t["share_values"], counts / 12)
    assert t["share_weights"].isna().all() and (t["share"] == t["share_values"]).all()
    expected = np.where(
        t["share"] >= CORE_SHARE,
        "core",
        np.where(t["share"] <= EXTERIOR_SHARE, "exterior", "borderline"),
    )
    assert list(t["class"]) == list(expected)
    assert {"core", "borderline", "exterior"} <= set(t["class"])
    assert (t.loc[["A04", "A14"], "share"] == 0).all()  # knocked out: never selected
    assert "borderline" in rb.summary()


def test_result_to_dict_is_json(workspaces: dict) -> None:
    """A plan's to_dict is JSON-safe and carries totals, kept/exited and screened."""
    r = plan_portfolio(workspaces["norden-pumpen"], review=EXITS["norden-pumpen"])
    data = json.loads(json.dumps(r.to_dict()))
    assert data["selected"] == r.selected and data["exited"] == ["AL-C4", "AL-C5"]
    assert any(row["constraint"] == "limit[cost_annual]" for row in data["totals"])
    assert "C11" in data["screened"] and math.isfinite(data["objective_value"])
    assert isinstance(r.to_frame(), pd.DataFrame)


# -- CLI -----------------------------------------------------------------------------------------
def test_cli_select_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``alliancekit select`` prints the plan; ``--format json`` is machine-readable."""
    assert main(["select", str(DATA / "greenscape")]) == 0
    out = capsys.readouterr().out
    assert "B14" in out and "totals against limits" in out and "limit[cost_annual]" in out
    assert main(["select", str(DATA / "norden-pumpen"), "--format", "json", "--solver", "cbc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["selected"] == ["C01", "C02", "C03", "C05", "C08", "C09", "C12"]


def test_cli_select_infeasible_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    """Excluding B14 makes GreenScape infeasible: exit code 3 and the relaxation advice."""
    assert main(["select", str(DATA / "greenscape"), "--exclude", "B14"]) == 3
    err = capsys.readouterr().err
    assert "infeasible" in err and "G5" in err and "B09" in err


def test_reoptimise_existing_keeps_valuable_and_exits_loss_makers(workspaces: dict) -> None:
    """Joint keep/exit (y_j): the reference plan is unchanged when every alliance pays its way;
    an alliance planned to earn nothing is exited, its exit cost charged to the one-off budget."""
    from dataclasses import replace

    ws = workspaces["sanchar-apps"]
    r = plan_portfolio(ws, review=EXITS["sanchar-apps"], reoptimise_existing=True)
    assert r.selected == ["A02", "A03", "A05", "A07", "A12", "A13"]
    assert r.objective_value == pytest.approx(1148.34, abs=0.1)
    assert r.kept == ("AL-A1", "AL-A2", "AL-A3") and r.exited == ("AL-A4",)
    worthless = tuple(
        replace(a, value_plan_annual=0.0) if a.alliance_id == "AL-A1" else a for a in ws.alliances
    )
    r2 = plan_portfolio(
        ws.replace(alliances=worthless), review=EXITS["sanchar-apps"], reoptimise_existing=True
    )
    assert "AL-A1" in r2.exited and "AL-A1" not in r2.selected
    one_off = ws.candidates_frame().loc[r2.selected, "cost_one_off"].sum()
    exit_costs = sum(a.exit_cost for a in ws.alliances if a.alliance_id in r2.exited)
    assert r2.totals.loc["limit[cost_one_off]", "used"] == pytest.approx(one_off + exit_costs)
    assert r2.totals.loc["count.max", "used"] == len(r2.selected)


def test_frontier_with_keep_exit_variables_matches_fresh_plans(workspaces: dict) -> None:
    """With ``reoptimise_existing`` the frontier reports new partners only, like plan_portfolio.

    Each feasible point equals a fresh ``plan_portfolio`` at that annual budget (same selection
    of new partners, same Σ E[NPV]); existing alliance ids never appear in ``selected``.
    """
    fr = _frontier(workspaces, "sanchar-apps", "budget_annual", 5, reoptimise_existing=True)
    pts = fr.to_frame()
    assert pts["feasible"].any()
    alliance_ids = set(workspaces["sanchar-apps"].alliance_ids)
    for _, row in pts[pts["feasible"]].iterrows():
        fresh = plan_portfolio(
            workspaces["sanchar-apps"],
            review=EXITS["sanchar-apps"],
            budget_annual=float(row["value"]),
            reoptimise_existing=True,
        )
        selected = row["selected"].split(";") if row["selected"] else []
        assert not alliance_ids & set(selected)
        assert row["n_selected"] == len(selected)
        assert row["objective"] == pytest.approx(fresh.objective_value, abs=1e-6)


def test_closed_alliance_is_not_kept_by_the_plan(workspaces: dict) -> None:
    """A ``closed`` alliance (docs/method.md §1.3 status) is no longer part of the portfolio.

    review_alliances leaves it out; the plan must not keep it either (§10 reading 7 keeps
    *existing* alliances): no annual cost on the budget, no coverage, not listed as kept.
    """
    from dataclasses import replace

    from alliancekit.model import AllianceStatus

    ws = workspaces["greenscape"]
    closed = ws.alliances[0]
    ws_closed = replace(
        ws,
        alliances=(replace(closed, status=AllianceStatus.CLOSED), *ws.alliances[1:]),
    )
    base = plan_portfolio(ws)
    plan = plan_portfolio(ws_closed)
    assert closed.alliance_id in base.kept
    assert closed.alliance_id not in plan.kept
    assert closed.alliance_id not in plan.exited
    used = plan.totals.loc["limit[cost_annual]", "used"]
    base_used = base.totals.loc["limit[cost_annual]", "used"]
    new_cost = ws.candidates_frame()["cost_annual"]
    assert used - float(new_cost[list(plan.selected)].sum()) == pytest.approx(
        base_used - float(new_cost[list(base.selected)].sum()) - closed.cost_annual
    )
