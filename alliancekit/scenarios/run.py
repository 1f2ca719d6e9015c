"""Running a scenario: ``apply_scenario`` (the workspace with its overrides, and its settings)
and ``run_scenario`` (scores, review and plan), the one way every caller runs a scenario."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alliancekit.errors import DataValidationError, InfeasiblePortfolioError, Problem
from alliancekit.model import Workspace
from alliancekit.portfolio.options import PlanOptions
from alliancekit.portfolio.results import PortfolioResult
from alliancekit.results import Result
from alliancekit.review.policy import ReviewPolicy, as_policy
from alliancekit.review.result import ReviewResult
from alliancekit.scenarios.edit import ORGANIZATION, Edit, apply_changes
from alliancekit.scenarios.model import PLAN_KEYS, Scenario
from alliancekit.scoring.score import ScoreResult

__all__ = [
    "BASE",
    "ScenarioRun",
    "ScenarioSettings",
    "apply_scenario",
    "resolve_scenario",
    "run_scenario",
]

#: Name of the workspace's own settings, with no scenario applied.
BASE = "base"


@dataclass(frozen=True)
class ScenarioSettings:
    """What a scenario sets, ready to pass on: scoring, plan, review.

    ``score_kwargs()`` goes to ``score_partners``, ``plan_kwargs()`` to ``plan_portfolio``
    (add ``review=``), ``policy`` and ``period`` to ``review_alliances``.
    """

    name: str
    method: str = "weighted_sum"
    weights: Mapping[str, float] | None = None
    preset: str | None = None
    plan: PlanOptions = field(default_factory=PlanOptions)
    policy: ReviewPolicy = field(default_factory=ReviewPolicy)
    period: str = "latest"
    plan_settings: Mapping[str, Any] = field(default_factory=dict)

    def score_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``score_partners``."""
        return {"weights": self.weights, "method": self.method, "preset": self.preset}

    def plan_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``plan_portfolio`` (all but ``review``)."""
        out = dict(self.plan_settings)
        out.setdefault("weights", self.weights if self.weights is not None else self.preset)
        return out

    def review_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``review_alliances``."""
        return {"period": self.period, "policy": self.policy}


def resolve_scenario(
    ws: Workspace | str | os.PathLike[str], scenario: Scenario | str | None
) -> Scenario:
    """A ``Scenario`` from itself, a saved name, or None / ``"base"`` (the workspace as is)."""
    if isinstance(scenario, Scenario):
        return scenario
    if scenario is None:
        return Scenario(BASE, description="the workspace's own settings")
    from alliancekit.scenarios.model import ScenarioNotFoundError
    from alliancekit.scenarios.store import load_scenario

    try:
        return load_scenario(ws, scenario)
    except ScenarioNotFoundError:
        if scenario == BASE:
            return Scenario(BASE, description="the workspace's own settings")
        raise


def _weights(s: Scenario) -> Mapping[str, float] | None:
    if s.ahp is not None:
        import numpy as np

        from alliancekit.criteria import CRITERIA
        from alliancekit.scoring.ahp import ahp_weights

        codes = [c for c in CRITERIA if c in s.ahp or any(c in row for row in s.ahp.values())]
        m = pd.DataFrame(np.nan, index=codes, columns=codes)
        for c in codes:
            m.loc[c, c] = 1.0
        for row, judgements in s.ahp.items():
            for col, a in judgements.items():
                m.loc[row, col] = float(a)
        return dict(ahp_weights(m).weights)
    return dict(s.weights) if s.weights is not None else None


def _check_ids(ws: Workspace, s: Scenario) -> None:
    """Partner ids of must include / exclude are candidates or alliances of the workspace."""
    known = set(ws.candidate_ids) | set(ws.alliance_ids)
    problems = [
        Problem(f"scenario {s.name}", None, f"plan.{key}", f"unknown partner id {pid!r}")
        for key in ("must_include", "must_exclude")
        for pid in s.plan.get(key, ())
        if pid not in known
    ]
    if problems:
        raise DataValidationError(problems)


def apply_scenario(
    ws: Workspace | str | os.PathLike[str], scenario: Scenario | str | None
) -> tuple[Workspace, ScenarioSettings]:
    """The workspace with a scenario's overrides, and the scenario's settings.

    Parameters
    ----------
    ws : Workspace, path or sample name
    scenario : Scenario, saved name, or None (the workspace's own settings)

    Returns
    -------
    (Workspace, ScenarioSettings)
        The overrides checked by the same rules as the workspace's files.

    Raises
    ------
    DataValidationError
        An override breaks a rule, or an unknown partner id (naming scenario, table, row id,
        column).
    """
    from alliancekit.workspace import load_workspace

    base = ws if isinstance(ws, Workspace) else load_workspace(ws)
    s = resolve_scenario(ws, scenario)
    edits = [Edit(ORGANIZATION, None, k, v) for k, v in s.organization.items()]
    edits += [
        Edit("candidates", cid, col, v)
        for cid, cols in s.candidates.items()
        for col, v in cols.items()
    ]
    changed = apply_changes(base, edits, where=f"scenario {s.name}: ") if edits else base
    _check_ids(changed, s)
    plan_settings = {k: v for k, v in s.plan.items() if k in PLAN_KEYS}
    for key in ("must_include", "must_exclude"):
        if key in plan_settings:
            plan_settings[key] = tuple(plan_settings[key])
    weights = _weights(s)
    plan_weights = plan_settings.get("weights", weights if weights is not None else s.preset)
    settings = ScenarioSettings(
        name=s.name,
        method=s.method,
        weights=weights,
        preset=s.preset,
        plan=PlanOptions(**{**plan_settings, "weights": plan_weights}),
        policy=as_policy(dict(s.review_policy)),
        period=s.period,
        plan_settings=plan_settings,
    )
    return changed, settings


@dataclass(frozen=True, eq=False)
class ScenarioRun(Result):
    """One scenario run: its workspace (overrides applied), settings, scores, review and plan.

    ``plan`` is None and ``infeasible`` says why when no portfolio meets every limit;
    ``explanation`` is ``explain_selection``'s table (why in / why out, with thresholds when
    asked).
    """

    scenario: Scenario = field(metadata={"json": False})
    workspace: Workspace = field(metadata={"json": False})
    settings: ScenarioSettings = field(metadata={"json": False})
    scores: ScoreResult
    review: ReviewResult | None
    plan: PortfolioResult | None
    explanation: pd.DataFrame | None = None
    infeasible: str = ""

    title = "Scenario run"

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    def to_frame(self) -> pd.DataFrame:
        """The plan's candidate table (the scores' when the plan is infeasible)."""
        return self.plan.to_frame() if self.plan is not None else self.scores.to_frame()

    def summary(self) -> str:
        """The scenario's name and its plan's summary."""
        plan = self.plan.summary() if self.plan is not None else f"infeasible: {self.infeasible}"
        return f"scenario {self.name}: {plan}"


def run_scenario(
    ws: Workspace | str | os.PathLike[str],
    scenario: Scenario | str | None,
    *,
    thresholds: bool = False,
) -> ScenarioRun:
    """Score, review and plan a workspace under a scenario (the one way to run one).

    Parameters
    ----------
    ws : Workspace, path or sample name
    scenario : Scenario, saved name, or None (the workspace's own settings)
    thresholds : bool
        Re-solve for the why-in / why-out thresholds of ``explain_selection`` (one or two MILPs
        per partner; reasons only when False).

    Returns
    -------
    ScenarioRun
        The review runs when the workspace has alliances and KPI data; an infeasible plan is
        reported in ``infeasible`` rather than raised.
    """
    from alliancekit.criteria import score_partners
    from alliancekit.portfolio import explain_selection, plan_portfolio
    from alliancekit.review import review_alliances

    s = resolve_scenario(ws, scenario)
    changed, settings = apply_scenario(ws, s)
    scores = score_partners(changed, **settings.score_kwargs())
    review = None
    if changed.alliances and not changed.kpis.empty:
        review = review_alliances(changed, **settings.review_kwargs())
    try:
        plan = plan_portfolio(changed, review=review, **settings.plan_kwargs())
    except InfeasiblePortfolioError as exc:
        return ScenarioRun(s, changed, settings, scores, review, None, None, exc.headline)
    why = explain_selection(plan, thresholds=thresholds)
    return ScenarioRun(s, changed, settings, scores, review, plan, why)
