"""Disagreement, the group decision, ratings and joint objectives on the GreenScape sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancekit.errors import AllianceKitError, DataValidationError, InfeasiblePortfolioError
from alliancekit.group import (
    ConsensusLevel,
    JointMilestone,
    JointObjective,
    Participant,
    SelectionClass,
    aggregate_ratings,
    analyse_disagreement,
    apply_ratings,
    group_decision,
    group_weights,
    joint_objectives,
    load_responses,
    objective_benchmarks,
    rank_acceptability,
    save_response,
)
from alliancekit.workspace import load_workspace, sample_workspace

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "alliancekit" / "data" / "samples" / "greenscape"
SIDE_OF = {f"P0{k}": "own" if k <= 5 else "partner" for k in range(1, 9)}


@pytest.fixture(scope="module")
def responses():
    return load_responses(SAMPLE)


@pytest.fixture(scope="module")
def analysis(responses):
    return analyse_disagreement(responses)


@pytest.fixture(scope="module")
def decision(responses):
    return group_decision(sample_workspace("greenscape"), responses)


# ---------------------------------------------------------------------------------------------
# disagreement
# ---------------------------------------------------------------------------------------------
def test_the_dissenting_cluster_is_found_and_cuts_across_organisations(analysis) -> None:
    """The sample's stewardship view (P05 of GreenScape and the three forest officers) forms
    its own cluster; since P05 is GreenScape's, the split does not follow organisation lines."""
    clusters = analysis.clusters
    assert clusters.nunique() == 2
    assert set(clusters.index[clusters == clusters["P06"]]) == {"P05", "P06", "P07", "P08"}
    assert set(clusters.index[clusters == clusters["P01"]]) == {"P01", "P02", "P03", "P04"}
    assert analysis.follows_organisations is False
    assert analysis.silhouette > 0.25
    stewardship = analysis.cluster_summary.loc[f"cluster {clusters['P06']}"]
    assert stewardship["organisations"] == "own, partner"
    assert stewardship["leaning"].startswith("C5")
    assert analysis.consensus_level is ConsensusLevel.HIGH
    assert 0.75 <= analysis.group.consensus < 0.85


def test_inconsistent_participant_gets_a_repair_hint(analysis) -> None:
    table = analysis.to_frame()
    assert list(table.index[~table["consistent"]]) == ["P04"]
    rec = analysis.repairs.loc["P04"]
    assert (rec["row"], rec["column"]) == ("C2", "C10")
    assert rec["cr"] > 0.10 >= rec["cr_after"]
    assert table.loc["P04", "hint"].startswith("P04: CR 0.16. Revisit C2 vs C10")
    assert (table.loc[table.index != "P04", "hint"] == "").all()


def test_sides_spread_and_words(analysis, responses) -> None:
    sides = analysis.sides
    assert list(sides.columns) == ["all", "own", "partner"]
    np.testing.assert_allclose(sides.sum(), 1.0)
    assert sides.loc["C2", "own"] > 2 * sides.loc["C2", "partner"]  # value: a business concern
    assert sides.loc["C5", "partner"] > sides.loc["C5", "own"]  # commitment: the officers'
    own = group_weights(responses, only=[p for p, s in SIDE_OF.items() if s == "own"])
    np.testing.assert_allclose(sides["own"], own.weights)
    widest = analysis.spread.iloc[0]
    assert widest["spread"] >= analysis.spread["spread"].iloc[-1]
    assert SIDE_OF[widest["highest_by"]] != SIDE_OF[widest["lowest_by"]]
    text = analysis.summary()
    assert "high" in text and "cut across organisations" in text and "repair: P04" in text
    html = analysis._repr_html_()
    assert "Weights by side" in html and "Widest spread" in html
    assert analysis.concordance.n_raters == 8 and 0 < analysis.concordance.w < 1


def test_no_clusters_for_a_like_minded_or_tiny_group(tmp_path: Path, responses) -> None:
    business = {p: m for p, m in responses.matrices().items() if p in ("P01", "P02")}
    for pid, m in business.items():
        save_response(tmp_path, pid, {"pairwise": m})
    res = analyse_disagreement(load_responses(tmp_path))
    assert res.clusters.nunique() == 1 and res.follows_organisations is None
    assert "no clear sub-groups" in res.summary()


def test_direct_weights_are_analysed_too(tmp_path: Path) -> None:
    rows = {"P1": [50, 30, 20], "P2": [45, 35, 20], "P3": [10, 20, 70], "P4": [15, 15, 70]}
    for pid, points in rows.items():
        save_response(
            tmp_path, pid, {"weights": dict(zip(["C1", "C2", "C3"], points, strict=True))}
        )
    res = analyse_disagreement(load_responses(tmp_path))
    assert res.group.matrix is None
    np.testing.assert_allclose(res.group.weights, [0.3, 0.25, 0.45])
    assert res.clusters.nunique() == 2 and res.spread.index[0] == "C3"
    assert res.spread.iloc[0]["reading"] == "from 20% (P1) to 70% (P3)"


# ---------------------------------------------------------------------------------------------
# decision
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_partners_are_core_borderline_or_exterior(decision) -> None:
    people = [f"P0{k}" for k in range(1, 9)]
    chosen = decision.portfolios[people].sum(axis=1)
    sel = decision.selection
    assert (sel["chosen_by"] == chosen).all()
    assert set(sel.index[sel["selection"] == SelectionClass.CORE]) == set(chosen.index[chosen == 8])
    assert set(sel.index[sel["selection"] == SelectionClass.EXTERIOR]) == set(
        chosen.index[chosen == 0]
    )
    # the figures docs/group.md §6 quotes
    assert list(sel.index[sel["selection"] == SelectionClass.CORE]) == ["B02", "B06", "B10", "B14"]
    assert list(sel.index[sel["selection"] == SelectionClass.BORDERLINE]) == ["B01", "B04"]
    assert decision.concordance.w == pytest.approx(0.751, abs=5e-4)
    assert decision.group.consensus == pytest.approx(0.779, abs=5e-4)
    assert (decision.portfolio_status == "optimal").all()
    assert list(decision.weights.columns) == [
        "group",
        *people,
        "cluster 1",
        "cluster 2",
        "own side",
        "partner side",
    ]
    np.testing.assert_allclose(decision.weights.sum(), 1.0)


def test_every_views_portfolio_is_what_plan_portfolio_selects(decision) -> None:
    """The views are planned by the lighter ``plan_selection``: same problem, same solve."""
    from alliancekit.portfolio import plan_portfolio

    ws = sample_workspace("greenscape")
    for view in decision.weights.columns:
        weights = decision.weights[view].to_dict()
        expected = plan_portfolio(ws, objective="score", weights=weights).selected
        chosen = decision.portfolios[view]
        assert sorted(chosen.index[chosen]) == sorted(expected), view


def test_an_infeasible_view_and_an_unknown_setting(responses) -> None:
    from alliancekit.portfolio import plan_portfolio

    ws = sample_workspace("greenscape")
    tight = {"budget_one_off": 1.0, "min_count": 3}
    decision = group_decision(ws, responses, portfolio_options=tight)
    status = decision.portfolio_status["group"]
    with pytest.raises(InfeasiblePortfolioError) as caught:  # the diagnosis plan_portfolio raises
        plan_portfolio(ws, objective="score", weights=decision.weights["group"].to_dict(), **tight)
    assert status == f"{caught.value.kind}: {caught.value.headline}"
    assert not decision.portfolios["group"].any()
    with pytest.raises(InfeasiblePortfolioError) as again:  # a view after the first
        plan_portfolio(ws, objective="score", weights=decision.weights["P03"].to_dict(), **tight)
    assert decision.portfolio_status["P03"] == f"{again.value.kind}: {again.value.headline}"
    with pytest.raises(DataValidationError, match="unknown plan_portfolio setting"):
        group_decision(ws, responses, portfolio_options={"budget": 5})
    with pytest.raises(DataValidationError, match="cannot set objective"):
        group_decision(ws, responses, portfolio_options={"objective": "expected_npv"})
    quick = group_decision(ws, responses, portfolio_options={**tight, "diagnose": False})
    assert quick.portfolio_status["group"].endswith("no portfolio satisfies every constraint")


@pytest.mark.parametrize(
    "options", [{"reoptimise_existing": True}, {"budget_annual": 500.0, "risk_appetite": "high"}]
)
def test_views_planned_with_options_are_what_plan_portfolio_selects(responses, options) -> None:
    """Existing alliances the plan keeps are not new partners (``plan_selection`` drops them)."""
    from alliancekit.portfolio import plan_portfolio

    ws = sample_workspace("greenscape")
    decision = group_decision(ws, responses, portfolio_options=options)
    for view in ("group", "P01", "cluster 2"):
        weights = decision.weights[view].to_dict()
        plan = plan_portfolio(ws, objective="score", weights=weights, **options)
        chosen = decision.portfolios[view]
        assert sorted(chosen.index[chosen]) == sorted(plan.selected), view


@pytest.mark.parametrize("options", [{}, {"reoptimise_existing": True}])
def test_plans_sharing_one_problem_select_what_each_plan_alone_selects(
    responses, options, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plan_selections`` re-uses a problem for weights whose knockouts are the same and plans
    afresh otherwise (here: one criterion alone pushes partners below the K4 score of 40);
    both give what ``plan_selection`` gives one weighting at a time."""
    from dataclasses import replace

    from alliancekit.portfolio import PlanOptions
    from alliancekit.portfolio import plan as plan_module

    ws = sample_workspace("greenscape")
    decision = group_decision(ws, responses)
    weights = [decision.weights[v].to_dict() for v in ("group", "P01", "P02")]
    weights += [{"C1": 1.0}, {"C2": 1.0}, decision.weights["P05"].to_dict()]
    settings = PlanOptions.from_kwargs({**options, "objective": "score"})
    fresh = []
    real = plan_module.plan_problem
    monkeypatch.setattr(
        plan_module, "plan_problem", lambda *a, **k: fresh.append(1) or real(*a, **k)
    )
    shared = plan_module.plan_selections(ws, settings, weights)
    assert 1 < len(fresh) < len(weights)  # both ways were taken

    def said(outcome: object) -> object:  # an error by what it tells people
        return str(outcome) if isinstance(outcome, AllianceKitError) else outcome

    for given, got in zip(weights, shared, strict=True):
        try:
            alone = plan_module.plan_selection(ws, replace(settings, weights=given))
        except AllianceKitError as exc:  # K4 leaves a gap uncovered: infeasible
            alone = exc
        assert said(got) == said(alone), given


def test_a_problem_with_another_objective_is_checked_like_a_new_one() -> None:
    from alliancekit.portfolio import PlanOptions
    from alliancekit.portfolio.inputs import with_objective
    from alliancekit.portfolio.plan import plan_problem

    problem = plan_problem(sample_workspace("greenscape"), PlanOptions()).problem
    values = pd.Series(1.0, index=list(problem.ids), name="flat")
    flat = with_objective(problem, values)
    assert flat.objective_name == "flat" and flat.limits == problem.limits
    assert flat.objective.tolist() == [1.0] * problem.n
    with pytest.raises(DataValidationError, match="no value for partner"):
        with_objective(problem, values.iloc[1:])
    with pytest.raises(DataValidationError, match="objective"):
        with_objective(problem, values.where(values.index != values.index[0], float("inf")))


@pytest.mark.slow
def test_scores_ranks_acceptability_and_rendering(decision) -> None:
    from alliancekit.criteria import score_partners

    ws = sample_workspace("greenscape")
    p06 = decision.weights["P06"].to_dict()
    np.testing.assert_allclose(decision.scores["P06"], score_partners(ws, weights=p06).details["S"])
    assert (decision.ranks["group"].sort_values().to_numpy() == np.arange(1, 15)).all()
    acc = decision.acceptability
    np.testing.assert_allclose(acc.sum(axis=1), 1.0)
    np.testing.assert_allclose(acc.sum(axis=0), 1.0)
    first = acc[1][acc[1] > 0]
    assert set(first.index) == {"B01", "B05"}  # the business side's and the stewards' favourite
    assert decision.concordance.n_items == 14 and decision.concordance.w > 0.5
    json.dumps(decision.to_dict())
    html = decision._repr_html_()
    assert "Group decision" in html and "Weights by view" in html
    assert "core:" in decision.summary()
    assert decision.to_frame().index[0] == decision.ranks["group"].idxmin()


def test_rank_acceptability_of_a_given_sample() -> None:
    matrix = pd.DataFrame(
        {"C1": [1.0, 0.0, 0.5, 0.5], "C2": [0.0, 1.0, 0.5, 0.5]}, index=["a", "b", "c", "d"]
    )
    sample = pd.DataFrame({"C1": [1.0, 0.0, 1.0], "C2": [0.0, 1.0, 1.0]}, index=["x", "y", "z"])
    acc = rank_acceptability(matrix, sample, {"x": 2, "y": 1, "z": 1})
    # x: a > c = d > b; y: b > c = d > a; z: all four tie at 0.5
    assert acc.loc["a", 1] == pytest.approx(0.5 + 0.25 / 4)
    assert acc.loc["c", 2] == pytest.approx(0.5 * 0.5 + 0.25 * 0.5 + 0.25 / 4)
    np.testing.assert_allclose(acc.sum(axis=1), 1.0)
    np.testing.assert_allclose(acc.sum(axis=0), 1.0)
    with pytest.raises(DataValidationError, match="weight_sample"):
        rank_acceptability(matrix, sample * 0)


# ---------------------------------------------------------------------------------------------
# ratings
# ---------------------------------------------------------------------------------------------
def test_ratings_are_averaged_and_applied(responses) -> None:
    rated = aggregate_ratings(responses)
    # B04 rated by P05 (4, 5, 4, 3, 4) and P06 (C3 4, C4 4, C5 5)
    assert rated.loc["B04", "C3"] == 4 and rated.loc["B04", "C4"] == 4.5
    assert rated.loc["B04", "C5"] == 4.5 and rated.loc["B04", "C10"] == 3
    assert rated.loc["B04", "raters"] == 2 and pd.isna(rated.loc["B02", "C4"])
    weighted = aggregate_ratings(responses, {"P05": 3, "P06": 1})
    assert weighted.loc["B04", "C4"] == pytest.approx(0.75 * 5 + 0.25 * 4)
    ws = sample_workspace("greenscape")
    changed = apply_ratings(ws, rated.drop(columns="raters"))
    assert changed.candidate("B04").culture_compat == 4.5
    assert changed.candidate("B02").culture_compat == ws.candidate("B02").culture_compat
    assert ws.candidate("B04").culture_compat == 4  # the original is untouched
    with pytest.raises(DataValidationError, match="unknown candidate"):
        apply_ratings(ws, pd.DataFrame({"C3": [3]}, index=["Z99"]))


# ---------------------------------------------------------------------------------------------
# joint objectives
# ---------------------------------------------------------------------------------------------
PARTNER_GOALS = {
    "F1": "Native tree cover in Hyderabad and Karachi",
    "F2": "Community livelihoods from nurseries",
    "F3": "Revenue for the Social Forestry Wing",
}
AGREED = [
    JointObjective(
        "J1",
        "Native saplings planted in public spaces",
        ("reputation",),
        ("F1",),
        unit="saplings",
        targets={"2025-Q3": 5000, "2025-Q4": 8000},
        milestones=(
            JointMilestone("M1", "First joint planting drive", "2025-Q3"),
            JointMilestone("M2", "Municipal contract won", "2025-Q4", True),
        ),
    ),
    JointObjective(
        "J2",
        "Joint public green-space contracts",
        ("public_share",),
        ("F3",),
        unit="PKR lakh",
        perspective="financial",
        targets={"2025-Q4": 40},
    ),
    JointObjective(
        "J3", "Local nursery jobs", ("margin",), ("F2",), unit="jobs", targets={"2025-Q4": 25}
    ),
]


def judgements() -> dict[str, pd.DataFrame]:
    ids = ["J1", "J2", "J3"]
    views = {"P01": [3, 4, 1], "P03": [3, 3, 1], "P06": [5, 1, 2], "P08": [4, 1, 3]}
    out = {}
    for pid, w in views.items():
        w = np.asarray(w, dtype=float)
        out[pid] = pd.DataFrame(w[:, None] / w[None, :], index=ids, columns=ids)
    return out


def people() -> list[Participant]:
    return [Participant(p, p, SIDE_OF[p]) for p in ("P01", "P03", "P06", "P08")]


def test_joint_objectives_are_prioritised_across_both_sides() -> None:
    goals = sample_workspace("greenscape").organization.goals
    res = joint_objectives(goals, PARTNER_GOALS, AGREED, judgements(), participants=people())
    table = res.to_frame()
    np.testing.assert_allclose(table["priority"].sum(), 1.0)
    assert table.index[0] == "J1"  # both sides put saplings first or second
    assert table.loc["J2", "priority_own"] > table.loc["J2", "priority_partner"]
    assert table.loc["J3", "priority_partner"] > table.loc["J3", "priority_own"]
    np.testing.assert_allclose(table["priority_own"].sum(), 1.0)
    assert res.notes == ()
    assert "consensus S*" in res.summary()
    direct = joint_objectives(
        goals,
        PARTNER_GOALS,
        AGREED,
        pd.DataFrame({"J1": [5, 4], "J2": [3, 1], "J3": [2, 5]}, index=["P01", "P06"]),
        participants=people(),
    )
    assert direct.to_frame().index[0] == "J1"


def test_a_joint_objective_must_serve_both_sides() -> None:
    goals = sample_workspace("greenscape").organization.goals
    one_sided = [*AGREED[:2], JointObjective("J3", "Our margin", ("margin",), ())]
    with pytest.raises(DataValidationError, match=r"J3.*serves no partner goal"):
        joint_objectives(goals, PARTNER_GOALS, one_sided, judgements())
    unknown = [*AGREED[:2], JointObjective("J3", "x", ("margin",), ("F9",))]
    with pytest.raises(DataValidationError, match="unknown partner goal"):
        joint_objectives(goals, PARTNER_GOALS, unknown, judgements())
    res = joint_objectives(goals, {**PARTNER_GOALS, "F4": "Seed bank"}, AGREED, judgements())
    assert res.notes == ("partner goal F4 (Seed bank) is served by no joint objective",)
    with pytest.raises(DataValidationError, match="not the agreed objectives"):
        joint_objectives(
            goals,
            PARTNER_GOALS,
            AGREED,
            {
                p: m.rename(index={"J3": "J9"}, columns={"J3": "J9"})
                for p, m in judgements().items()
            },
        )


def test_benchmarks_become_kpi_and_milestone_rows_the_workspace_accepts(tmp_path: Path) -> None:
    goals = sample_workspace("greenscape").organization.goals
    res = joint_objectives(goals, PARTNER_GOALS, AGREED, judgements(), participants=people())
    kpis, milestones = objective_benchmarks(res, "AL-B2")
    assert len(kpis) == 4 and len(milestones) == 2
    assert kpis.groupby("kpi_id")["weight"].first().to_dict() == pytest.approx(
        res.table["priority"].to_dict()
    )
    assert list(milestones["milestone_id"]) == ["J1-M1", "J1-M2"]
    assert milestones["turning_point"].tolist() == [False, True]
    folder = tmp_path / "gs"
    shutil.copytree(ROOT / "alliancekit" / "data" / "samples" / "greenscape", folder)
    old_kpis = pd.read_csv(folder / "kpis.csv", dtype=str, keep_default_na=False)
    old_ms = pd.read_csv(folder / "milestones.csv", dtype=str, keep_default_na=False)
    pd.concat([old_kpis, kpis.astype(object).fillna("").astype(str)]).to_csv(
        folder / "kpis.csv", index=False
    )
    pd.concat([old_ms, milestones.astype(str).replace({"True": "true", "False": "false"})]).to_csv(
        folder / "milestones.csv", index=False
    )
    ws = load_workspace(folder)
    added = ws.kpis[ws.kpis["kpi_id"].isin(["J1", "J2", "J3"])]
    assert len(added) == 4 and added["actual"].isna().all()
    with pytest.raises(DataValidationError, match="has no targets"):
        objective_benchmarks(
            joint_objectives(
                goals,
                PARTNER_GOALS,
                [*AGREED[:2], JointObjective("J3", "Jobs", ("margin",), ("F2",))],
                judgements(),
            ),
            "AL-B2",
        )


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == lab).tolist()) for lab in np.unique(labels)}


@pytest.mark.parametrize("seed", range(40))
def test_average_linkage_matches_scipy(seed: int) -> None:
    """The clusters of the disagreement analysis are SciPy's average linkage cut by maxclust."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist, squareform

    from alliancekit.group.kernels import average_linkage_kernel

    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 12))
    points = rng.normal(size=(k, 3))
    if seed % 4 == 0:  # coarse grid: tied distances, as Likert answers give
        points = np.round(points)
    condensed = pdist(points)
    tree = linkage(condensed, method="average")
    for n in range(1, k + 1):
        ours = average_linkage_kernel(squareform(condensed), n)
        theirs = fcluster(tree, n, criterion="maxclust")
        if seed % 4 == 0 and _partition(ours) != _partition(theirs):
            # tied distances: either order of equal merges is average linkage, and the trees
            # (so the cuts) may differ; the cut still leaves at most n clusters
            assert len(np.unique(ours)) <= n
            continue
        assert _partition(ours) == _partition(theirs), (k, n)
        assert ours[0] == 1 and set(ours) == set(range(1, len(set(ours)) + 1))
