"""How often each partner is selected when weights or values are uncertain.

A sampling version of robust portfolio modelling (Liesiö, Mild & Salo 2007): the plan's
constraints stay, the objective is redrawn (criteria weights from the simplex, SMAA, Lahdelma et
al. 1998; or one seeded NPV scenario), and each partner's share of draws classifies it as core,
borderline or exterior.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Workspace
from alliancekit.parallel import get_executor
from alliancekit.portfolio.inputs import bad
from alliancekit.portfolio.options import PlanOptions
from alliancekit.portfolio.plan import plan_problem
from alliancekit.portfolio.problem import PortfolioProblem
from alliancekit.portfolio.results import CORE_SHARE, EXTERIOR_SHARE, RobustnessResult
from alliancekit.portfolio.solve import solve_problem

__all__ = ["portfolio_robustness"]

MODES = ("weights", "values")
#: draws per task: each task warm-starts its draws from the previous one (a fixed size, so the
#: same seed gives the same chains, and so the same result, on every executor)
DRAWS_PER_TASK = 25


def _draws(
    ws: Workspace, p: PortfolioProblem, n_draws: int, seed: int, mode: str, policy: Any
) -> list[tuple[str, pd.Series]]:
    """(mode, objective coefficients by partner) for every draw."""
    draws: list[tuple[str, pd.Series]] = []
    rng = np.random.default_rng(seed)
    if mode in ("weights", "both"):
        from alliancekit.criteria import criteria_matrix

        matrix = criteria_matrix(ws, policy).reindex(list(p.ids)).fillna(0.0)
        w = rng.dirichlet(np.ones(matrix.shape[1]), size=n_draws)
        for k in range(n_draws):
            draws.append(("weights", pd.Series(100 * matrix.to_numpy() @ w[k], index=p.ids)))
    if mode in ("values", "both"):
        from alliancekit.risk import simulate_scenarios

        scen = simulate_scenarios(ws, n_scenarios=n_draws, seed=seed, policy=policy)
        npv = scen.npv.reindex(columns=list(p.ids)).fillna(0.0)
        for k in range(n_draws):
            draws.append(("values", npv.iloc[k].astype(float)))
    return draws


def _solve_draws(
    draws: list[tuple[str, pd.Series]], p: PortfolioProblem
) -> list[tuple[str, tuple[str, ...] | None]]:
    """Task: (mode, selected ids or None when infeasible) of each draw, solved in order.

    Every draw keeps the constraints, so the previous draw's selection is a feasible start.
    """
    out: list[tuple[str, tuple[str, ...] | None]] = []
    last = None
    for kind, coef in draws:
        try:
            r = solve_problem(replace(p, objective=coef.rename(kind)), diagnose=False, start=last)
        except InfeasiblePortfolioError:
            out.append((kind, None))
            continue
        last = r.selected
        out.append((kind, tuple(r.selected)))
    return out


def portfolio_robustness(
    ws: Workspace,
    n_draws: int = 200,
    seed: int = 0,
    mode: str = "both",
    *,
    core: float = CORE_SHARE,
    exterior: float = EXTERIOR_SHARE,
    progress: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    **plan_kwargs: Any,
) -> RobustnessResult:
    """How often each partner is selected when weights or values are uncertain.

    ``mode="weights"``: criteria weights drawn uniformly from the simplex (SMAA, Lahdelma et
    al. 1998), score objective. ``mode="values"``: each draw uses one seeded NPV scenario
    (``simulate_scenarios``) as the objective. ``"both"`` runs both. Partners selected in
    ≥ ``core`` of draws are core, ≤ ``exterior`` exterior, others borderline (a sampling
    version of robust portfolio modelling, Liesiö et al. 2007). Knockouts and caps stay as
    in ``plan_portfolio``; K4 uses the default-weight score.

    Parameters
    ----------
    ws : Workspace
    n_draws : int
        Draws per mode.
    seed : int
        Seed of the weight draws and of the scenarios.
    mode : {"weights", "values", "both"}
    core, exterior : float
        Shares of draws [0–1] at or above which a partner is core, at or below which exterior.
    progress : bool
        Show a tqdm progress bar.
    jobs : int
        Local worker processes solving the draws (1: this process; -1: every core).
    scheduler : str, optional
        A Dask scheduler address (``"tcp://host:8786"``) to solve the draws on a cluster
        (default: the ``ALLIANCEKIT_SCHEDULER`` environment variable, else local). The result
        does not depend on where the draws are solved.
    **plan_kwargs
        Passed to ``plan_portfolio`` (its ``objective`` is ignored: E[NPV] constraints).

    Returns
    -------
    RobustnessResult
        ``table`` indexed by ``partner_id``: share per mode, ``share`` and ``class``.
    """
    if mode not in ("weights", "values", "both"):
        raise bad(f"mode must be 'weights', 'values' or 'both', got {mode!r}")
    if not 0 <= exterior < core <= 1:
        raise bad("need 0 <= exterior < core <= 1")
    plan_kwargs.pop("objective", None)
    p = plan_problem(ws, PlanOptions.from_kwargs(plan_kwargs)).problem
    counts = {m: pd.Series(0.0, index=list(p.ids)) for m in MODES}
    runs = dict.fromkeys(MODES, 0)
    infeasible = 0
    draws = _draws(ws, p, n_draws, seed, mode, plan_kwargs.get("policy"))
    tasks = [draws[a : a + DRAWS_PER_TASK] for a in range(0, len(draws), DRAWS_PER_TASK)]
    executor = get_executor(jobs, scheduler)
    solved = executor.map(
        _solve_draws, tasks, common=(p,), desc="robustness", progress=progress, unit="task"
    )
    for kind, selected in (pair for chunk in solved for pair in chunk):
        if selected is None:
            infeasible += 1
            continue
        runs[kind] += 1
        counts[kind].loc[list(selected)] += 1
    table = pd.DataFrame(index=pd.Index(p.ids, name="partner_id"))
    for kind in MODES:
        table[f"share_{kind}"] = counts[kind] / runs[kind] if runs[kind] else math.nan
    table["share"] = table[["share_weights", "share_values"]].mean(axis=1, skipna=True)
    table["class"] = np.where(
        table["share"] >= core,
        "core",
        np.where(table["share"] <= exterior, "exterior", "borderline"),
    )
    return RobustnessResult(
        table=table, n_draws=n_draws, core=core, exterior=exterior, infeasible_draws=infeasible
    )
