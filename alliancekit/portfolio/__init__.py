"""Portfolio selection as a mixed-integer linear programme (docs/method.md §3.5, §4).

Layers, lowest first (a module imports only from those above it):

- ``constraints``: typed constraint groups (``Constraint``: kind, target, sense, bound, label,
  unit, stable ``key``), how they are worded (``Wording``) and ``GroupLimit``;
- ``problem``: the validated ``PortfolioProblem``; ``problem.constraints`` creates the
  constraint groups once;
- ``evaluate``: numpy kernels over a 0/1 selection (rows, usage, totals, objective, screening);
- ``inputs``: validation of every input into a problem (``DataValidationError`` otherwise);
- ``results``: ``PortfolioResult``, ``FrontierResult``, ``RobustnessResult``;
- ``milp``: the only module importing ``pulp``/``highspy``: model building, HiGHS and CBC,
  time-limit and gap reading, the quiet HiGHS start, ``set_solver_log``;
- ``diagnose``: infeasibility as a finding (deletion filter, relaxations, message in words);
- ``solve``: ``select_portfolio`` and ``solve_problem``;
- ``plan_stages`` and ``plan``: ``plan_portfolio`` from a ``Workspace`` (``PlanOptions``);
- ``headroom``: the annual budget headroom before and after the decisions and after the
  re-plan (``budget_headroom``, one definition for the app, notebooks and reports);
- ``explain``, ``frontier``, ``robustness``: re-solves that explain and stress a selection;
- ``alternatives`` and ``limit_values``: near-optimal alternatives and what each limit is worth,
  for a plan or (through its ``Source``) a roadmap (docs/method.md §12).

``alliancekit.portfolio.SOLVER_LOG = True`` (what ``alliancekit --verbose`` does) or
``set_solver_log(True)`` lets the solvers write their logs.
"""

from __future__ import annotations

import sys
import types

from alliancekit.portfolio import milp
from alliancekit.portfolio.alternatives import AlternativesResult, alternative_portfolios
from alliancekit.portfolio.constraints import Constraint, ConstraintKind, GroupLimit, Sense, Wording
from alliancekit.portfolio.diagnose import diagnose_infeasibility
from alliancekit.portfolio.explain import explain_selection
from alliancekit.portfolio.frontier import efficient_frontier
from alliancekit.portfolio.headroom import BudgetHeadroom, budget_headroom
from alliancekit.portfolio.inputs import make_problem
from alliancekit.portfolio.limit_values import LimitValuesResult, limit_values
from alliancekit.portfolio.milp import set_solver_log
from alliancekit.portfolio.options import OBJECTIVES, Objective, PlanOptions
from alliancekit.portfolio.plan import plan_portfolio
from alliancekit.portfolio.problem import SOLVERS, PortfolioProblem, Solver
from alliancekit.portfolio.results import (
    CORE_SHARE,
    EXTERIOR_SHARE,
    FrontierResult,
    PortfolioResult,
    RobustnessResult,
)
from alliancekit.portfolio.robustness import portfolio_robustness
from alliancekit.portfolio.solve import select_portfolio, solve_problem

__all__ = [
    "CORE_SHARE",
    "EXTERIOR_SHARE",
    "OBJECTIVES",
    "SOLVERS",
    "SOLVER_LOG",
    "AlternativesResult",
    "BudgetHeadroom",
    "Constraint",
    "ConstraintKind",
    "FrontierResult",
    "GroupLimit",
    "LimitValuesResult",
    "Objective",
    "PlanOptions",
    "PortfolioProblem",
    "PortfolioResult",
    "RobustnessResult",
    "Sense",
    "Solver",
    "Wording",
    "alternative_portfolios",
    "budget_headroom",
    "diagnose_infeasibility",
    "efficient_frontier",
    "explain_selection",
    "limit_values",
    "make_problem",
    "plan_portfolio",
    "portfolio_robustness",
    "select_portfolio",
    "set_solver_log",
    "solve_problem",
]


class _Package(types.ModuleType):
    """This package, with ``SOLVER_LOG`` read from and written to ``milp`` (one switch)."""

    @property
    def SOLVER_LOG(self) -> bool:  # noqa: N802 - the module constant callers set
        """Whether the solvers write their own logs (``alliancekit --verbose``)."""
        return milp.SOLVER_LOG

    @SOLVER_LOG.setter
    def SOLVER_LOG(self, on: bool) -> None:  # noqa: N802
        set_solver_log(on)


sys.modules[__name__].__class__ = _Package
