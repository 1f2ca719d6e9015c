"""Random but realistic classroom cases: valid, solvable and reproducible by seed.

:func:`new_case` builds a Sindh SME with capability gaps, candidate partners (one low-risk
"backbone" candidate per gap closes it fully) and existing alliances with KPI history, checks
that it can be planned, and writes it with :func:`alliancekit.workspace.save_workspace`. Money
is in PKR lakh, like scenarios A and B.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from alliancekit.errors import AllianceKitError, DataValidationError, InfeasiblePortfolioError
from alliancekit.model import (
    Candidate,
    DiversificationRule,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskAppetite,
    Workspace,
)
from alliancekit.teaching.draws import EVENT_COLUMNS, money, random_alliances, random_candidate
from alliancekit.teaching.themes import RELATION_P, THEMES

__all__ = ["MAX_CANDIDATES", "MIN_CANDIDATES", "new_case"]

#: Sizes of a classroom case (one backbone candidate per gap needs at least 3).
MIN_CANDIDATES, MAX_CANDIDATES = 3, 60

_BENEFIT_ITEMS = ("goal_compat", "culture_compat", "commitment", "reputation", "learning")
_RISK_ITEMS = ("competence_unc", "market_unc", "complexity", "fin_fragility", "regulatory")
_GOALS = (
    Goal("growth", "Revenue growth", 0.4, "revenue growth per year (%)", "15"),
    Goal("margin", "Stable margins", 0.3, "gross margin (%)", "25"),
    Goal("reach", "New customers and regions", 0.3, "new accounts per year", "50"),
)


def _candidates(
    rng: np.random.Generator, n_candidates: int, gap_ids: list[str]
) -> tuple[list[Candidate], list[Candidate]]:
    """All candidates sorted by id, and the backbone: the first ``len(gap_ids)`` drawn."""
    relations = list(RELATION_P)
    probs = np.array([RELATION_P[r] for r in relations])
    used: set[str] = set()
    candidates: list[Candidate] = []
    order = rng.permutation(n_candidates)
    backbone: list[Candidate] = []
    for slot in range(n_candidates):
        backbone_gap = gap_ids[slot] if slot < len(gap_ids) else None
        if backbone_gap is not None:
            relation = [Relation.SUPPLIER, Relation.COMPLEMENTOR, Relation.PUBLIC_BODY][slot % 3]
        else:
            relation = relations[int(rng.choice(len(relations), p=probs))]
        cand = random_candidate(rng, int(order[slot]) + 1, relation, gap_ids, backbone_gap, used)
        candidates.append(cand)
        if backbone_gap is not None:
            backbone.append(cand)
    candidates.sort(key=lambda c: c.id)
    return candidates, backbone


def _build_case(seed: int, n_candidates: int, slack: float) -> Workspace:
    """One draw of the case for ``seed``; budgets cover the backbone × ``slack`` (plus 2)."""
    rng = np.random.default_rng(seed)
    theme = THEMES[int(rng.integers(len(THEMES)))]
    n_gaps = int(min(len(theme["gaps"]), max(3, min(6, n_candidates // 2))))
    gaps = tuple(
        Gap(f"G{k + 1}", name, importance, 1.0 if importance >= 4 else 0.5)
        for k, (name, importance) in enumerate(theme["gaps"][:n_gaps])
    )
    gap_ids = [g.gap_id for g in gaps]
    candidates, backbone = _candidates(rng, n_candidates, gap_ids)
    alliances, kpis, health = random_alliances(rng, gap_ids, int(rng.integers(2, 5)))
    existing_annual = sum(a.cost_annual for a in alliances)
    org = Organization(
        org_id=f"case-{seed}",
        name=str(theme["name"]),
        sector=str(theme["sector"]),
        region=str(theme["region"]),
        mission_statement=str(theme["mission"]),
        currency="PKR",
        money_unit="lakh",
        goals=_GOALS,
        capability_gaps=gaps,
        budget_one_off=money((sum(c.cost_one_off for c in backbone) + 2.0) * slack),
        budget_annual=money(existing_annual + (sum(c.cost_annual for c in backbone) + 2.0) * slack),
        risk_appetite=RiskAppetite.MEDIUM,
        min_alliances=min(2, n_gaps),
        max_alliances=max(n_gaps + 1, 4),
        planning_horizon_years=3,
        discount_rate=0.12,
        diversification_rules=(DiversificationRule("relation", "competitor", max_count=1),),
    )
    return Workspace(
        name=f"case-{seed}",
        organization=org,
        candidates=tuple(candidates),
        alliances=alliances,
        kpis=kpis,
        health=health,
        events=pd.DataFrame(columns=EVENT_COLUMNS),
    )


def _strengthen(ws: Workspace, level: int) -> Workspace:
    """Raise the backbone candidates' compatibility items to at least ``3 + level`` and lower
    their risk items to at most ``3 − level`` (1–5 scale), so that none is knocked out.

    The backbone is the one candidate per gap that closes it fully (coverage 1.0) at low risk.
    With few candidates the min–max criteria can still push one below the score knockout, which
    no budget can fix; this deterministic nudge can.
    """
    if level <= 0:
        return ws
    floor, ceiling = min(5, 3 + level), max(1, 3 - level)
    gaps = {g.gap_id for g in ws.organization.capability_gaps}
    done: set[str] = set()
    out = []
    for c in ws.candidates:
        closes = [g for g, v in c.coverage.items() if v >= 1.0 and g in gaps and g not in done]
        if closes and c.relation is not Relation.COMPETITOR:
            done.update(closes)
            changes = {k: max(getattr(c, k), floor) for k in _BENEFIT_ITEMS}
            lowered = (*_RISK_ITEMS, "opportunism", "leakage")
            changes.update(
                {k: min(getattr(c, k), ceiling) for k in lowered if getattr(c, k) is not None}
            )
            c = replace(c, **changes)
        out.append(c)
    return replace(ws, candidates=tuple(out))


def _solvable(ws: Workspace) -> bool:
    """Feasible both keeping every existing alliance and after exiting the review's EXITs."""
    try:
        from alliancekit.portfolio import plan_portfolio
        from alliancekit.review import review_alliances
    except ImportError:  # pragma: no cover - modules not installed: trust the construction
        return True
    try:
        plan_portfolio(ws)
        plan_portfolio(ws, review=review_alliances(ws))
    except InfeasiblePortfolioError:
        return False
    return True


def new_case(
    out_dir: str | os.PathLike[str], seed: int, n_candidates: int = 12, *, check: bool = True
) -> Workspace:
    """Write a random but realistic classroom workspace and return it (loaded back from disk).

    The organization is a Sindh SME (solar installer, dairy cooperative, date exporter or
    software house), with 3–6 capability gaps, ``n_candidates`` candidate partners (money in PKR
    lakh), 2–4 existing alliances with 8 quarters of KPIs (2023-Q3..2025-Q2) whose trajectories
    lead to different review decisions, and two-sided health surveys.

    Solvable by construction: for every gap one low-risk, non-competitor "backbone" candidate
    closes it fully, and the budgets cover the backbone with slack. With ``check=True`` the case
    is also solved with :func:`alliancekit.plan_portfolio`, keeping every existing alliance and
    after exiting those the review says EXIT; if either is infeasible the budgets are widened
    and the backbone's compatibility raised (so no knockout removes it) step by step,
    deterministically.

    Parameters
    ----------
    out_dir : path
        Folder to write (CSV + YAML), or a path ending in ``.xlsx`` for one workbook.
    seed : int
        Random seed; the same seed always gives the same case.
    n_candidates : int
        Number of candidate partners (3–60).
    check : bool
        Solve the case (see above) and widen the budgets until it is feasible.

    Returns
    -------
    Workspace
        The workspace as loaded back from ``out_dir`` (so it passed validation).

    Raises
    ------
    DataValidationError
        If ``n_candidates`` is outside 3–60.
    AllianceKitError
        If no solvable case was found (should not happen).
    """
    from alliancekit.workspace import load_workspace, save_workspace

    n_candidates = int(n_candidates)
    if not MIN_CANDIDATES <= n_candidates <= MAX_CANDIDATES:
        raise DataValidationError.single(
            f"a classroom case needs {MIN_CANDIDATES} to {MAX_CANDIDATES} candidate partners "
            f"(at least one per capability gap), got {n_candidates}",
            column="n_candidates",
        )
    for attempt in range(8):
        ws = _build_case(int(seed), n_candidates, slack=1.3 + 0.4 * attempt)
        ws = _strengthen(ws, level=(attempt + 1) // 2)
        if not check or _solvable(ws):
            break
    else:  # pragma: no cover - strengthened backbone and wide budgets make this unreachable
        raise AllianceKitError(f"could not build a solvable case for seed {seed}")
    out = Path(out_dir)
    save_workspace(ws, out)
    return load_workspace(out)
