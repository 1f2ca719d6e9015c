"""The settings of a workspace plan: one frozen ``PlanOptions``, the one home of the defaults.

``plan_portfolio`` gathers its arguments into it; ``efficient_frontier`` and
``portfolio_robustness`` build it from the keyword arguments they pass on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from alliancekit.model import RiskCaps
from alliancekit.model.vocab import Vocabulary
from alliancekit.portfolio.inputs import bad

__all__ = ["OBJECTIVES", "Objective", "PlanOptions"]


class Objective(Vocabulary):
    """The objectives (a)–(e) of docs/method.md §4."""

    EXPECTED_NPV = "expected_npv"
    SCORE = "score"
    BLEND = "blend"
    MEAN_CVAR = "mean_cvar"
    COVERAGE = "coverage"


OBJECTIVES = Objective.values()


@dataclass(frozen=True)
class PlanOptions:
    """Every setting of ``plan_portfolio`` but the workspace (see there for their meaning).

    ``apply_knockouts=False`` (not offered by ``plan_portfolio``) plans without knockouts and
    per-partner caps. ``objective`` is parsed into an ``Objective`` when the options are made.
    """

    objective: Objective | str = "expected_npv"
    blend: float = 0.5
    coverage_weight: float | None = None
    weights: Mapping[str, float] | str | None = None
    review: Any = None
    reoptimise_existing: bool = False
    budget_one_off: float | None = None
    budget_annual: float | None = None
    min_count: int | None = None
    max_count: int | None = None
    must_include: Iterable[str] = ()
    must_exclude: Iterable[str] = ()
    risk_appetite: str | None = None
    caps: RiskCaps | Mapping[str, float] | None = None
    apply_knockouts: bool = True
    policy: Any = None
    cvar_limit: float | str | None = None
    cvar_beta: float = 0.95
    cvar_lambda: float = 1.0
    n_scenarios: int = 1000
    seed: int = 0
    solver: str = "highs"
    time_limit: float = 30.0
    mip_gap: float = 1e-6

    def __post_init__(self) -> None:
        text = str(self.objective).strip().lower()
        if text not in OBJECTIVES:
            raise bad(
                f"unknown objective {self.objective!r}; choose one of {', '.join(OBJECTIVES)}"
            )
        object.__setattr__(self, "objective", Objective.parse(text))

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any]) -> PlanOptions:
        """Options from ``plan_portfolio`` keyword arguments (``efficient_frontier`` and
        ``portfolio_robustness`` pass theirs on); an unknown name is a DataValidationError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise bad(f"unknown plan_portfolio setting(s) {', '.join(unknown)}")
        return cls(**kwargs)
