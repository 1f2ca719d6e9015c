"""Planning next round's portfolio from a ``Workspace`` (docs/method.md §4, §10 readings 7–10).

``PlanOptions`` (module ``options``) holds every setting of ``plan_portfolio``, one frozen
object and the one home of the defaults; ``plan_problem`` runs the stages of ``plan_stages`` to
build the ``PortfolioProblem`` and what the report needs beside it (``Plan``); ``finish`` turns
a solved plan into the result people read: new partners only, kept and exited alliances,
knockout wording, GROW flags.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import AllianceKitError
from alliancekit.model import Decision, SolveStatus, Workspace
from alliancekit.portfolio import plan_stages as stages
from alliancekit.portfolio.constraints import ConstraintKind, GroupLimit
from alliancekit.portfolio.evaluate import screened_by
from alliancekit.portfolio.headroom import limit_headroom
from alliancekit.portfolio.inputs import bad, make_problem, with_objective
from alliancekit.portfolio.options import Objective, PlanOptions
from alliancekit.portfolio.problem import PortfolioProblem
from alliancekit.portfolio.results import PortfolioResult
from alliancekit.portfolio.solve import solve_problem, solve_selection

__all__ = [
    "Plan",
    "finish",
    "plan_portfolio",
    "plan_problem",
    "plan_selection",
    "plan_selections",
]

_TOL = 1e-6


@dataclass(frozen=True)
class Plan:
    """A workspace plan before solving: the problem and what the result reports beside it."""

    problem: PortfolioProblem
    kept: tuple[str, ...]
    exited: tuple[str, ...]
    details: pd.DataFrame | None  # None from plan_problem(with_details=False)
    notes: tuple[str, ...]
    money_label: str
    reported: pd.Series  # per-candidate coefficient of the reported objective
    reported_name: str
    knockouts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    screen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # reasons, one by one
    free: tuple[str, ...] = ()  # existing alliances with keep/exit variables
    grow: tuple[str, ...] = ()  # existing alliances the review decided GROW


def plan_problem(ws: Workspace, o: PlanOptions, *, with_details: bool = True) -> Plan:
    """The portfolio problem of a workspace under options ``o`` (stages in ``plan_stages``).

    ``with_details=False`` leaves ``Plan.details`` None (a caller that only solves; not for
    ``finish``).
    """
    ws, caps, ko_caps = stages.risk_caps(ws, o)
    org = ws.organization
    scored = stages.scored_candidates(ws, o)
    table, ids = scored[0], list(scored[0].index)
    decided = stages.decisions(o.review)
    existing = stages.existing_alliances(ws, ids, decided, o)
    ko, max_each, max_average = stages.knockout_caps(ws, scored, caps, ko_caps, o, existing)
    limits = stages.limits(ws, caps, o)
    links = stages.links(ws, ids, existing)
    notes: list[str] = []
    coef, name, reward = stages.objective_coefficients(ws, table, o, notes)
    reported = table["score"] if o.objective is Objective.SCORE else table["e_npv"]
    details = stages.details(table, ids, ko) if with_details else None
    table, coef, coverage, constant = _with_keep_exit(ws, table, coef, o, existing, links, notes)
    scenario_loss, cvar_limit = _scenarios(ws, table, caps.cvar_limit, o)
    problem = make_problem(
        table,
        coef.rename(name),
        limits=limits,
        min_count=org.min_alliances if o.min_count is None else o.min_count,
        max_count=org.max_alliances if o.max_count is None else o.max_count,
        max_average=max_average,
        max_each=max_each,
        coverage=coverage,
        coverage_required={g.gap_id: g.required for g in org.capability_gaps if g.mandatory},
        coverage_soft=None,
        coverage_reward=reward,
        conflicts=links.conflicts,
        requires=links.requires,
        groups=[
            GroupLimit(r.attribute, r.value, r.min_count, r.max_count, r.max_cost_share)
            for r in org.diversification_rules
        ],
        must_include=tuple(dict.fromkeys([*links.must_include, *o.must_include])),
        must_exclude=tuple(o.must_exclude),
        screen={cid: "; ".join(reasons) for cid, reasons in existing.screen.items()},
        synergy=None,
        scenario_loss=scenario_loss,
        cvar_beta=o.cvar_beta,
        cvar_limit=cvar_limit,
        cvar_lambda=o.cvar_lambda if o.objective is Objective.MEAN_CVAR else 0.0,
        limit_base={k: v for k, v in existing.base.items() if k in limits},
        coverage_base=existing.coverage,
        objective_constant=constant,
        uncounted=[a.alliance_id for a in existing.free],
        solver=o.solver,
        time_limit=o.time_limit,
        mip_gap=o.mip_gap,
        wording=stages.wording(ws),
    )
    return Plan(
        problem=problem,
        kept=tuple(existing.kept),
        exited=tuple(existing.exited),
        details=details,
        notes=tuple(notes),
        money_label=org.money_label,
        reported=reported.astype(float),
        reported_name="score" if o.objective is Objective.SCORE else "expected_npv",
        knockouts=MappingProxyType(dict(ko)),
        screen=MappingProxyType({cid: tuple(r) for cid, r in existing.screen.items()}),
        free=tuple(a.alliance_id for a in existing.free),
        grow=tuple(a for a in ws.alliance_ids if decided.get(a) is Decision.GROW),
    )


def _with_keep_exit(
    ws: Workspace,
    table: pd.DataFrame,
    coef: pd.Series,
    o: PlanOptions,
    existing: stages.Existing,
    links: stages.Links,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, float]:
    """The candidate table, coefficients and coverage, with keep/exit rows for the alliances
    the MILP re-optimises (and their conflicts), plus the objective constant."""
    table = table.drop(columns=["coverage"], errors="ignore")
    coverage = ws.coverage_frame()
    if not existing.free:
        return table, coef, coverage, 0.0
    candidates = set(table.index)
    rows, keep_coef, constant = stages.keep_exit_rows(ws, table, o, existing)
    table = pd.concat([table, rows])
    coef = pd.concat([coef, keep_coef])
    coverage = pd.concat([coverage, ws.alliance_coverage_frame().loc[list(rows.index)]])
    for a in existing.free:
        for cid in a.conflicts_with:
            if cid in candidates:
                links.conflicts.append(tuple(sorted((a.alliance_id, cid))))
    notes.append(
        "existing alliances "
        + ", ".join(rows.index)
        + " re-optimised jointly (keep/exit variables, exit cost on the one-off budget)"
    )
    return table, coef, coverage, constant


def _scenarios(
    ws: Workspace, table: pd.DataFrame, appetite_limit: float | None, o: PlanOptions
) -> tuple[pd.DataFrame | None, float | None]:
    """Scenario losses by row (mean–CVaR or a CVaR cap) and the CVaR cap Γ in force."""
    loss = None
    if o.objective is Objective.MEAN_CVAR or o.cvar_limit is not None:
        from alliancekit.risk import simulate_scenarios

        scen = simulate_scenarios(ws, n_scenarios=o.n_scenarios, seed=o.seed, policy=o.policy)
        loss = scen.loss.reindex(columns=list(table.index)).fillna(0.0)
    if not isinstance(o.cvar_limit, str):
        return loss, o.cvar_limit
    if o.cvar_limit != "appetite":
        raise bad("cvar_limit must be a number, None or 'appetite'")
    return loss, appetite_limit


def finish(plan: Plan, result: PortfolioResult) -> PortfolioResult:
    """The result people read: new partners only, the objective they report, kept and exited
    alliances, knockout wording for screened candidates, GROW flags."""
    chosen = set(result.selected)
    free = set(plan.free)
    reported = float(sum(plan.reported[i] for i in plan.reported.index if i in chosen))
    kept = plan.kept + tuple(a for a in plan.free if a in chosen)
    exited = plan.exited + tuple(a for a in plan.free if a not in chosen)
    notes = list(plan.notes)
    if result.problem.objective_name != plan.reported_name:
        notes.append(
            f"model objective {result.problem.objective_name} = {result.objective_value:,.4f}; "
            f"reported objective is Σ {plan.reported_name} over new partners"
        )
    grow_flags = _grow_flags(plan, result, kept, notes)
    return replace(
        result,
        screened=MappingProxyType(_screened_in_words(plan, result)),
        selected=[i for i in result.selected if i not in free],
        objective_value=reported,
        objective_name=plan.reported_name,
        kept=kept,
        exited=exited,
        details=plan.details,
        notes=tuple(notes),
        money_label=plan.money_label if plan.reported_name == "expected_npv" else "",
        grow_flags=MappingProxyType(grow_flags),
    )


def _screened_in_words(plan: Plan, result: PortfolioResult) -> dict[str, str]:
    """Knockout wording (K1–K5 with caps and their source) replaces the per-partner bound text."""
    out = {}
    for pid, reasons in screened_by(result.problem).items():
        parts = list(plan.knockouts.get(pid, ()))
        if not parts:
            out[pid] = result.screened[pid]
            continue
        texts: list[str] = []
        for c, why in reasons:
            if c.kind is ConstraintKind.SCREEN:
                texts += plan.screen.get(pid, ())
            elif c.kind is not ConstraintKind.EACH:
                texts.append(why)
        out[pid] = "; ".join([*parts, *(r for r in texts if r not in parts)])
    return out


def _grow_flags(
    plan: Plan, result: PortfolioResult, kept: tuple[str, ...], notes: list[str]
) -> dict[str, tuple[str, ...]]:
    """Flag kept GROW alliances with the budget headroom the plan leaves (issue 5, item 4).

    Reading: the expansion of a GROW alliance (docs/method.md §5.4 rule 3) is paid from what the
    plan leaves of the annual budget, ``B1 − (Σ Ca kept + Σ Ca new)``; with no headroom left
    the alliance is flagged "budget-constrained", as the review does before the plan. The
    one-off headroom is reported alongside. Appends one note per GROW alliance to ``notes``.
    """
    unit = f" {plan.money_label}" if plan.money_label else ""

    def headroom(column: str) -> float | None:
        value = limit_headroom(result, column)
        return None if math.isnan(value) else value

    annual, one_off = headroom("cost_annual"), headroom("cost_one_off")
    flags: dict[str, tuple[str, ...]] = {}
    for aid in plan.grow:
        if aid not in kept:
            continue
        constrained = annual is not None and annual <= _TOL * max(1.0, abs(annual))
        flags[aid] = ("budget-constrained",) if constrained else ()
        parts = []
        if annual is not None:
            parts.append(f"annual {max(annual, 0.0):,.1f}{unit}/yr")
        if one_off is not None:
            parts.append(f"one-off {max(one_off, 0.0):,.1f}{unit}")
        text = f"GROW {aid}: budget headroom after this plan " + (", ".join(parts) or "unknown")
        notes.append(text + ("; budget-constrained" if constrained else ""))
    return flags


_D = PlanOptions  # the defaults of plan_portfolio are those of PlanOptions (one home)


def plan_portfolio(
    ws: Workspace,
    objective: str = _D.objective,
    review: Any = _D.review,
    solver: str = _D.solver,
    budget_one_off: float | None = _D.budget_one_off,
    budget_annual: float | None = _D.budget_annual,
    risk_appetite: str | None = _D.risk_appetite,
    caps: Any = _D.caps,
    min_count: int | None = _D.min_count,
    max_count: int | None = _D.max_count,
    must_include: Iterable[str] = _D.must_include,
    must_exclude: Iterable[str] = _D.must_exclude,
    weights: Mapping[str, float] | str | None = _D.weights,
    cvar_limit: float | str | None = _D.cvar_limit,
    cvar_beta: float = _D.cvar_beta,
    cvar_lambda: float = _D.cvar_lambda,
    n_scenarios: int = _D.n_scenarios,
    seed: int = _D.seed,
    *,
    blend: float = _D.blend,
    coverage_weight: float | None = _D.coverage_weight,
    policy: Any = _D.policy,
    time_limit: float = _D.time_limit,
    mip_gap: float = _D.mip_gap,
    reoptimise_existing: bool = _D.reoptimise_existing,
    diagnose: bool = True,
) -> PortfolioResult:
    # > 80 lines only by its documented public signature, gathered into one PlanOptions.
    """Plan next round's partner portfolio from a workspace (docs/method.md §4, §10 readings 7–10).

    Existing alliances are kept (their annual cost, FTE and coverage count) unless ``review``
    decided EXIT (exit cost charged to the one-off budget). Knockouts K1, K2, K4, K5 screen
    candidates first; K3 (per-partner R and R_rel caps) are preprocessing bounds. Count limits,
    diversification rules and the average-risk cap apply to new candidates only.

    Parameters
    ----------
    ws : Workspace
    objective : {"expected_npv", "score", "blend", "mean_cvar", "coverage"}
        (a) Σ E[NPV_i]·x_i; (b) Σ S_i·x_i; (c) ``blend``·E[NPV]/max|E[NPV]| +
        (1 − blend)·S/100; (d) Σ E[NPV]·x − λ·CVaR_β (Rockafellar–Uryasev over
        ``simulate_scenarios``); (e) E[NPV] + ``coverage_weight``·Σ importance_g·z_g with
        z_g ≤ min(1, coverage) (default weight: mean |E[NPV]| / max importance, so closing the
        most important gap is worth one average partner).
    review : ReviewResult or Mapping alliance_id -> Decision, optional
    solver : {"highs", "cbc"}
    budget_one_off, budget_annual : float, optional
        Override the organization's budgets [money], [money/yr].
    risk_appetite : {"low", "medium", "high"}, optional
        Override the appetite (caps follow it unless ``caps`` is given).
    caps : RiskCaps or Mapping, optional
        Explicit caps (a Mapping overrides fields of the appetite defaults).
    min_count, max_count : int, optional
        Override the organization's counts of new alliances.
    must_include, must_exclude : ids
    weights : Mapping or preset name, optional
        Criteria weights for the score (objective b/c and K4).
    cvar_limit : float or "appetite", optional
        CVaR_β cap Γ [money] on the new partners' scenario loss; "appetite" uses the
        organization's Γ. Not applied by default (§10 reading 9).
    cvar_beta, cvar_lambda, n_scenarios, seed
        CVaR level, penalty (mean_cvar) and scenario settings.
    blend : float
        Share of E[NPV] in the ``"blend"`` objective [0–1].
    coverage_weight : float, optional
        Weight of the coverage reward in the ``"coverage"`` objective [money per unit of
        importance]; default as described under ``objective``.
    policy : RiskPolicy, optional
        Risk coefficients for E[NPV], risk caps and scenarios (``RiskPolicy()`` by default).
    time_limit, mip_gap
        Solver time limit [s] and relative optimality gap, as for ``select_portfolio``.
    reoptimise_existing : bool
        Decide keep/exit of every existing alliance the review did not EXIT jointly with the new
        partners (y_j of docs/method.md §4: keeping earns NPV_j = (value_plan − cost_annual)·AF,
        exiting charges the exit cost to the one-off budget and frees cost and coverage).
        Default False: such alliances are kept (§10 reading 7).
    diagnose : bool
        On infeasibility, search for the conflicting constraint groups (else raise at once).

    Returns
    -------
    PortfolioResult
        ``objective_value`` is Σ E[NPV] over the selected new partners (Σ score for
        ``objective="score"``), docs/method.md §10.8; ``kept``/``exited`` list existing
        alliances; ``details`` holds score, risk and knockouts per candidate; ``grow_flags``
        maps each kept GROW alliance of the review to ``()`` or ``("budget-constrained",)``
        by the annual budget the plan leaves (figures in ``notes``).
    """
    options = PlanOptions(
        objective=objective,
        review=review,
        solver=solver,
        budget_one_off=budget_one_off,
        budget_annual=budget_annual,
        risk_appetite=risk_appetite,
        caps=caps,
        min_count=min_count,
        max_count=max_count,
        must_include=must_include,
        must_exclude=must_exclude,
        weights=weights,
        cvar_limit=cvar_limit,
        cvar_beta=cvar_beta,
        cvar_lambda=cvar_lambda,
        n_scenarios=n_scenarios,
        seed=seed,
        blend=blend,
        coverage_weight=coverage_weight,
        policy=policy,
        time_limit=time_limit,
        mip_gap=mip_gap,
        reoptimise_existing=reoptimise_existing,
    )
    plan = plan_problem(ws, options)
    return finish(plan, solve_problem(plan.problem, diagnose=diagnose))


def plan_selection(
    ws: Workspace, options: PlanOptions, *, diagnose: bool = True
) -> tuple[list[str], SolveStatus]:
    """The new partners ``plan_portfolio`` selects under ``options``, and the solve status.

    The same problem and the same solve as :func:`plan_portfolio` (infeasibility raised alike),
    without the totals, wording and flags of its result: for callers that only compare
    selections over many settings (a group's views of the weights).

    Parameters
    ----------
    ws : Workspace
    options : PlanOptions
        Every setting of ``plan_portfolio`` but the workspace.
    diagnose : bool
        As for ``plan_portfolio``: name the conflicting constraints of an infeasible plan.

    Returns
    -------
    selected : list of str
        The new partners (existing alliances kept by the plan are not listed, as in
        ``PortfolioResult.selected``).
    status : SolveStatus

    Raises
    ------
    InfeasiblePortfolioError
        As ``plan_portfolio``.
    """
    return _selected(plan_problem(ws, options, with_details=False), diagnose)


def plan_selections(
    ws: Workspace,
    options: PlanOptions,
    weights: Iterable[Mapping[str, float]],
    *,
    diagnose: bool = True,
) -> list[tuple[list[str], SolveStatus] | AllianceKitError]:
    """:func:`plan_selection` under each of several criterion weightings, sharing the work.

    Weightings differ only in the partners' scores. Under the score objective, a weighting
    whose knockouts are those of the last problem built gets that problem with its scores as
    the objective (``inputs.with_objective``: every constraint, screen and
    wording the same); any other is planned afresh. The selections and statuses are those of
    ``plan_selection`` called once per weighting (the tests compare them).

    Parameters
    ----------
    ws : Workspace
    options : PlanOptions
        Every setting but ``weights``.
    weights : iterable of Mapping
        Criterion code -> weight, one mapping per plan.
    diagnose : bool
        As for ``plan_portfolio``.

    Returns
    -------
    list
        Per weighting, ``(selected, status)`` as ``plan_selection`` returns it, or the
        ``AllianceKitError`` it raised (an infeasible plan, a bad weight).
    """
    out: list[tuple[list[str], SolveStatus] | AllianceKitError] = []
    last: Plan | None = None
    for given in weights:
        o = replace(options, weights=dict(given))
        try:
            plan = _with_scores(ws, o, last)
            if plan is None:
                plan = last = plan_problem(ws, o, with_details=False)
            out.append(_selected(plan, diagnose))
        except AllianceKitError as exc:
            out.append(exc)
    return out


def _with_scores(ws: Workspace, o: PlanOptions, last: Plan | None) -> Plan | None:
    """``last`` with the scores under ``o``'s weights as its objective, when only the objective
    would differ (score objective, the same knockouts); None otherwise."""
    if last is None or o.objective is not Objective.SCORE:
        return None
    if last.problem.objective_name != Objective.SCORE.value:
        return None
    from alliancekit.criteria import weighted_scores
    from alliancekit.risk import risk_table

    ws, _caps, ko_caps = stages.risk_caps(ws, o)
    scores = weighted_scores(ws, o.weights, o.policy)
    if stages.screened(ws, scores, risk_table(ws, o.policy), ko_caps, o) != dict(last.knockouts):
        return None
    # keep/exit rows of re-optimised alliances have coefficient 0 under the score objective
    objective = scores.reindex(list(last.problem.ids), fill_value=0.0).astype(float)
    problem = with_objective(last.problem, objective.rename(Objective.SCORE.value))
    return replace(last, problem=problem, reported=scores.astype(float))


def _selected(plan: Plan, diagnose: bool) -> tuple[list[str], SolveStatus]:
    """The new partners the solver selects in ``plan`` (kept alliances left out), and how."""
    chosen, outcome = solve_selection(plan.problem, diagnose=diagnose)
    free = set(plan.free)
    ids = plan.problem.ids
    return [ids[k] for k in np.flatnonzero(chosen) if ids[k] not in free], outcome.status
