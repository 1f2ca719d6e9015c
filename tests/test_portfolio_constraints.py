"""Typed constraint groups: keys stay, labels speak the user's words, nothing parses a key.

Also the package's shape: layers import downwards only, one module imports the solvers, the
solver-log switch, plan options and the stored problem summary.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alliancekit.portfolio as portfolio
from alliancekit.errors import DataValidationError, InfeasiblePortfolioError
from alliancekit.model import Decision
from alliancekit.portfolio import (
    Constraint,
    ConstraintKind,
    GroupLimit,
    PlanOptions,
    Sense,
    efficient_frontier,
    explain_selection,
    plan_portfolio,
    select_portfolio,
)
from alliancekit.workspace import sample_workspace

PACKAGE = Path(portfolio.__file__).parent
TOY = pd.DataFrame(
    {
        "value": [10.0, 8.0, 6.0, 5.0, 4.0],
        "cost": [5.0, 4.0, 3.0, 3.0, 2.0],
        "risk": [0.5, 0.3, 0.2, 0.6, 0.1],
        "relation": ["a", "b", "a", "c", "public_body"],
    },
    index=list("ABCDE"),
)
COVERAGE = pd.DataFrame({"G1": [1, 0, 0, 0.5, 0], "G2": [0, 1, 0, 0, 0.6]}, index=list("ABCDE"))


@pytest.fixture(scope="module")
def greenscape_plan() -> portfolio.PortfolioResult:
    """GreenScape's reference plan (docs/method.md §11: AL-B3 exited), with a CVaR cap."""
    ws = sample_workspace("greenscape")
    return plan_portfolio(ws, review={"AL-B3": Decision.EXIT}, cvar_limit="appetite")


def test_generic_keys_labels_and_kinds() -> None:
    """select_portfolio: today's keys, labels in words, one typed value per group."""
    r = select_portfolio(
        TOY,
        "value",
        limits={"cost": 12},
        max_count=3,
        max_average={"risk": 0.4},
        max_each={"risk": 0.55},
        coverage=COVERAGE,
        coverage_required={"G1": 0.5},
        conflicts=[("A", "B")],
        requires={"C": ["B", "E"]},
        groups=[
            GroupLimit("relation", "c", max_count=1),
            GroupLimit("relation", "public_body", min_count=1),
        ],
        must_include=["E"],
        gap_names={"G1": "Night driving"},
    )
    labels = {c.key: c.label for c in r.constraints}
    assert labels == {
        "must_include[E]": "Must include E",
        "requires[C]": "C needs one of B, E",
        "conflict[A,B]": "Conflict: A and B",
        "group[relation=c].max_count": "At most 1 c",
        "group[relation=public_body].min_count": "At least 1 public or research body",
        "count.max": "Number of partners (at most)",
        "average[risk]": "Average risk",
        "limit[cost]": "Total cost",
        "coverage[G1]": "Coverage of G1 — Night driving",
        "each[risk]": "Per-partner cap on risk",
    }
    c = r.problem.constraint("limit[cost]")
    assert (c.kind, c.target, c.sense, c.bound) == (ConstraintKind.LIMIT, "cost", Sense.LE, 12.0)
    assert r.problem.find(ConstraintKind.COVERAGE, "G1").sense is Sense.GE
    assert list(r.totals.columns) == ["used", "cap", "slack", "sense", "label"]
    assert r.totals.loc["coverage[G1]", "label"] == "Coverage of G1 — Night driving"
    assert r.totals.loc["limit[cost]", "sense"] == "<="
    assert [c.key for c in r.binding_constraints] == list(r.binding)


def test_plan_labels_speak_the_workspace(greenscape_plan: portfolio.PortfolioResult) -> None:
    """plan_portfolio: budgets, gap names, relation words, risks, CVaR, counted new alliances."""
    labels = dict(zip(greenscape_plan.totals.index, greenscape_plan.totals["label"], strict=True))
    assert labels["limit[cost_one_off]"] == "One-off budget"
    assert labels["limit[cost_annual]"] == "Annual budget"
    assert labels["count.max"] == "Number of new alliances (at most)"
    assert labels["average[R]"] == "Average total risk"
    assert labels["each[R_rel]"] == "Per-partner cap on relational risk"
    assert labels["group[relation=competitor].max_count"] == "At most 1 competitor"
    assert labels["group[relation=public_body].min_count"] == "At least 1 public or research body"
    assert labels["cvar"] == "Tail risk (CVaR 95 %)"
    assert labels["coverage[G5]"].startswith("Coverage of G5 — ")
    annual = greenscape_plan.problem.constraint("limit[cost_annual]")
    assert annual.unit == "PKR lakh/yr" and annual.amount(55) == "55 PKR lakh/yr"


def test_infeasible_error_carries_typed_groups_and_labels() -> None:
    """The §6.2 exercise: the message uses labels, keeps the pinned words, and the error holds
    the conflicting groups as values with a labelled relaxation for each."""
    ws = sample_workspace("greenscape").without_candidates("B14")
    with pytest.raises(InfeasiblePortfolioError) as info:
        plan_portfolio(ws, review={"AL-B3": Decision.EXIT})
    exc = info.value
    assert all(isinstance(c, Constraint) for c in exc.constraints)
    assert tuple(c.key for c in exc.constraints) == exc.conflicting
    relax = {r.constraint: r for r in exc.relaxations}
    assert relax["each[R_rel]"].label == "Per-partner cap on relational risk"
    assert "raise the per-partner cap on relational risk from 0.55 to 0.6375" in str(exc)
    assert "lower the required coverage of G5 — " in str(exc)


def test_explanations_and_frontier_read_constraints() -> None:
    """Binding groups are named by label; a frontier can vary a group given by its key."""
    r = select_portfolio(TOY, "value", limits={"cost": 8})
    ex = explain_selection(r, thresholds=False)
    assert "binding: Total cost" in ex.loc["A", "reason"]
    assert ex.loc["B", "reason"] == "adding it breaks total cost"  # words, not the key
    by_key = efficient_frontier(r, vary="limit[cost]", points=4, progress=False).to_frame()
    by_column = efficient_frontier(r, vary="cost", points=4, progress=False).to_frame()
    pd.testing.assert_frame_equal(by_key, by_column)
    with pytest.raises(DataValidationError, match="unknown frontier dimension"):
        efficient_frontier(r, vary="count.max", progress=False)


def test_result_dict_stores_problem_summary_and_constraints() -> None:
    """to_dict is driven by the fields; the problem is summarised with its groups."""
    r = select_portfolio(TOY, "value", limits={"cost": 8}, max_count=2)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["problem"]["limits"] == {"cost": 8.0} and data["problem"]["max_count"] == 2
    assert {c["key"] for c in data["problem"]["constraints"]} == {"limit[cost]", "count.max"}
    assert data["solver"] == "highs" and data["totals"][0]["label"] == "Total cost"
    html = r._repr_html_()
    assert "Totals against limits" in html and "Total cost" in html


def test_plan_options_and_bad_settings() -> None:
    """Options are parsed once; unknown settings and caps fields are clear input errors."""
    assert PlanOptions(objective=" Score ").objective is portfolio.Objective.SCORE
    with pytest.raises(DataValidationError, match="unknown objective"):
        PlanOptions(objective="profit")
    with pytest.raises(DataValidationError, match="unknown plan_portfolio setting"):
        PlanOptions.from_kwargs({"budget": 5})
    ws = sample_workspace("greenscape")
    with pytest.raises(DataValidationError, match="caps: unknown field"):
        plan_portfolio(ws, caps={"avg_risk": 0.3})
    with pytest.raises(DataValidationError, match="review decision"):
        plan_portfolio(ws, review={"AL-B3": "CLOSE"})
    with pytest.raises(DataValidationError, match="no scenarios"):
        select_portfolio(TOY, "value", scenario_loss=np.zeros((0, 5)), cvar_limit=1.0)


def test_solver_log_switch_is_one_flag() -> None:
    """``alliancekit.portfolio.SOLVER_LOG = True`` (the CLI's --verbose) reaches the solvers."""
    from alliancekit.portfolio import milp

    assert portfolio.SOLVER_LOG is False
    try:
        portfolio.SOLVER_LOG = True
        assert milp.SOLVER_LOG is True
        portfolio.set_solver_log(False)
        assert portfolio.SOLVER_LOG is False
    finally:
        portfolio.set_solver_log(False)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


#: The layers of the package, lowest first: a module may import only from earlier ones.
LAYERS = [
    "constraints",
    "problem",
    "evaluate",
    "inputs",
    "results",
    "headroom",
    "milp",
    "diagnose",
    "solve",
    "options",
    "plan_stages",
    "plan",
    "explain",
    "frontier",
    "robustness",
    "alternatives",
    "limit_values",
]


def test_layers_import_downwards_and_only_milp_imports_solvers() -> None:
    """Layering is enforced: no module imports a later layer; pulp/highspy live in milp."""
    assert sorted(LAYERS) == sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    for rank, name in enumerate(LAYERS):
        imported = _imports(PACKAGE / f"{name}.py")
        later = {f"alliancekit.portfolio.{m}" for m in LAYERS[rank + 1 :]}
        assert not imported & later, (name, imported & later)
        solvers = {m for m in imported if m.split(".")[0] in ("pulp", "highspy")}
        assert not solvers or name == "milp", (name, solvers)


def test_no_key_is_parsed_back_into_meaning() -> None:
    """Constraint keys are identities: no module slices or prefix-tests them."""
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in ('startswith("limit[', 'startswith("coverage[', "[6:-1]", "[9:-1]"):
            assert pattern not in text, (path.name, pattern)


def test_cvar_of_the_plan_is_risk_cvar(greenscape_plan: portfolio.PortfolioResult) -> None:
    """One CVaR: the totals' CVaR is alliancekit.risk.cvar of the selection's scenario loss."""
    from alliancekit.risk import cvar

    p = greenscape_plan.problem
    x = np.array([i in set(greenscape_plan.selected) for i in p.ids], dtype=float)
    assert greenscape_plan.totals.loc["cvar", "used"] == cvar(p.scenario_loss @ x, 0.95)
    assert math.isfinite(greenscape_plan.totals.loc["cvar", "cap"])
