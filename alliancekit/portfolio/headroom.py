"""Budget headroom: one definition, three moments (docs/method.md §5.4 and §10).

The annual budget headroom is what is left of the organization's annual budget ``B1`` once
the annual costs of the alliances it pays for are taken off. The same question has three
answers, depending on when it is asked, and alliancekit always names which one it shows:

- **before the decisions**: ``B1 − Σ cost_annual`` of the current alliances (those the review
  reviews; without a review, every alliance not closed);
- **after the decisions**: ``B1 − Σ cost_annual`` of the alliances the review keeps (every
  decision but EXIT) — the figure the review's GROW rule uses (``ReviewResult.headroom``);
- **after the re-plan**: what the portfolio plan leaves of its annual budget,
  ``cap − used`` of its annual-budget limit (alliances kept plus new partners chosen).

The app, the notebooks and the report all call :func:`budget_headroom`; nothing else computes
these figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from alliancekit.model import AllianceStatus, Decision, Workspace
from alliancekit.portfolio.constraints import ConstraintKind
from alliancekit.portfolio.results import PortfolioResult
from alliancekit.results import Result

__all__ = ["MOMENTS", "BudgetHeadroom", "budget_headroom", "limit_headroom"]


class _Decided(Protocol):
    """What :func:`budget_headroom` reads of a review (``ReviewResult`` has it)."""

    decisions: Mapping[str, Decision]
    table: pd.DataFrame


#: The three moments, in order, with the name people see and how each is computed.
MOMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "before_decisions",
        "Budget headroom before the decisions",
        "annual budget − annual cost of every current alliance",
    ),
    (
        "after_decisions",
        "Budget headroom after the decisions",
        "annual budget − annual cost of the alliances the review keeps",
    ),
    (
        "after_replan",
        "Budget headroom after the re-plan",
        "annual budget of the plan − annual cost of the alliances kept and the new partners",
    ),
)


@dataclass(frozen=True, eq=False)
class BudgetHeadroom(Result):
    """The annual budget headroom at three moments [money/yr] (NaN where not known).

    Attributes
    ----------
    budget_annual : float
        The organization's annual budget B1 [money/yr].
    before_decisions : float
        B1 − Σ cost_annual of the current alliances [money/yr]: those the review reviewed, or
        without a review every alliance not closed.
    after_decisions : float
        B1 − Σ cost_annual of the alliances the review keeps [money/yr]; NaN without a review.
    after_replan : float
        Cap − used of the plan's annual-budget limit [money/yr]; NaN without a plan, or when the
        plan has no annual-budget limit.
    money_label : str
        The workspace's money unit, e.g. ``k€``.
    """

    budget_annual: float
    before_decisions: float
    after_decisions: float = math.nan
    after_replan: float = math.nan
    money_label: str = ""

    @property
    def title(self) -> str:  # type: ignore[override]
        """``Budget headroom`` (the heading of the HTML rendering)."""
        return "Budget headroom"

    @property
    def unit(self) -> str:
        """The unit of every figure, e.g. ``k€/yr``."""
        return f"{self.money_label}/yr" if self.money_label else "money/yr"

    def to_frame(self) -> pd.DataFrame:
        """One row per known moment: ``name``, ``value`` [money/yr], ``how`` (in words).

        Indexed by the moment's key (``before_decisions``, ``after_decisions``,
        ``after_replan``); moments without a figure are left out.
        """
        rows = [
            {"moment": key, "name": name, "value": getattr(self, key), "how": how}
            for key, name, how in MOMENTS
            if not math.isnan(getattr(self, key))
        ]
        return pd.DataFrame(rows, columns=["moment", "name", "value", "how"]).set_index("moment")

    def sentence(self, moment: str) -> str:
        """``Budget headroom after the decisions: 39.0 k€/yr`` for one moment."""
        names = {key: name for key, name, _ in MOMENTS}
        if moment not in names:
            raise ValueError(f"unknown headroom moment {moment!r}; expected one of {list(names)}")
        return f"{names[moment]}: {getattr(self, moment):,.1f} {self.unit}"

    def summary(self) -> str:
        """One line per known moment."""
        return "\n".join(self.sentence(key) for key in self.to_frame().index)


def budget_headroom(
    ws: Workspace, review: _Decided | None = None, plan: PortfolioResult | None = None
) -> BudgetHeadroom:
    """The annual budget headroom before the decisions, after them and after the re-plan.

    Parameters
    ----------
    ws : Workspace
        The workspace (organization budget, alliances and their annual costs [money/yr]).
    review : ReviewResult, optional
        The review whose decisions are applied (alliances decided EXIT are not paid for).
    plan : PortfolioResult, optional
        The portfolio plan (``plan_portfolio``); its annual-budget limit gives the figure
        after the re-plan.

    Returns
    -------
    BudgetHeadroom
        The figures [money/yr], NaN where the moment was not given.
    """
    budget = float(ws.organization.budget_annual)
    if review is None:
        current = [a for a in ws.alliances if a.status != AllianceStatus.CLOSED]
    else:
        reviewed = set(review.table.index)
        current = [a for a in ws.alliances if a.alliance_id in reviewed]
    before = budget - sum(float(a.cost_annual) for a in current)
    after = math.nan
    if review is not None:
        exited = {aid for aid, d in review.decisions.items() if Decision.parse(d) is Decision.EXIT}
        after = before + sum(float(a.cost_annual) for a in current if a.alliance_id in exited)
    return BudgetHeadroom(
        budget_annual=budget,
        before_decisions=before,
        after_decisions=after,
        after_replan=math.nan if plan is None else limit_headroom(plan, "cost_annual"),
        money_label=ws.organization.money_label,
    )


def limit_headroom(plan: Any, column: str) -> float:
    """Cap − used of the plan's budget limit on ``column`` [money or money/yr]; NaN without one.

    ``plan`` is a ``PortfolioResult``; ``column`` is ``cost_annual`` or ``cost_one_off``.
    """
    c = plan.problem.find(ConstraintKind.LIMIT, column)
    if c is None or c.key not in plan.totals.index:
        return math.nan
    row = plan.totals.loc[c.key]
    return float(row["cap"] - row["used"])
