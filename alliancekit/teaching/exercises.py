"""What-if planning for classroom notebooks: an infeasible setting is a finding, not a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliancekit.errors import InfeasiblePortfolioError, Relaxation
from alliancekit.model import Workspace
from alliancekit.results import Result, html_table

__all__ = ["Infeasible", "what_if"]


@dataclass(frozen=True)
class Infeasible(Result):
    """The diagnosis of an infeasible planning problem, as a displayable result.

    Attributes
    ----------
    message : str
        What conflicts and what to relax (from :class:`InfeasiblePortfolioError`).
    conflicting : tuple of str
        The conflicting constraint groups.
    relaxations : tuple of Relaxation
        How far each conflicting group would have to move (constraint, current, needed,
        message).
    settings : Mapping
        The ``plan_portfolio`` keyword arguments that were tried.
    """

    message: str
    conflicting: tuple[str, ...]
    relaxations: tuple[Relaxation, ...]
    settings: dict

    title = "Infeasible: no portfolio satisfies every limit"

    @classmethod
    def from_error(cls, exc: InfeasiblePortfolioError, settings: dict[str, Any]) -> Infeasible:
        """The diagnosis an :class:`InfeasiblePortfolioError` carries, with the settings tried."""
        return cls(
            message=str(exc),
            conflicting=tuple(map(str, exc.conflicting)),
            relaxations=tuple(exc.relaxations),
            settings=dict(settings),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per suggested relaxation."""
        rows = [
            {
                "constraint": r.constraint,
                "current": r.current,
                "needed": r.needed,
                "what to do": r.message,
            }
            for r in self.relaxations
        ]
        return pd.DataFrame(rows, columns=["constraint", "current", "needed", "what to do"])

    def summary(self) -> str:
        """The diagnosis and the conflicting constraint groups."""
        lines = [self.message]
        if self.conflicting:
            lines.append("conflicting: " + ", ".join(self.conflicting))
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """The relaxations, one row each (no index column)."""
        return [("What to relax", html_table(self.to_frame(), index=False))]


def what_if(ws: Workspace, **plan_kwargs: Any) -> Any:
    """``plan_portfolio(ws, **plan_kwargs)``, or its :class:`Infeasible` diagnosis (no raise).

    For classroom notebooks: an infeasible setting is a finding to discuss, so it is returned
    as a displayable result instead of a traceback.

    Parameters
    ----------
    ws : Workspace
        The workspace to plan.
    **plan_kwargs
        Keyword arguments of ``plan_portfolio`` (``must_include``, ``risk_appetite`` …).

    Returns
    -------
    PortfolioResult or Infeasible
    """
    from alliancekit.portfolio import plan_portfolio

    try:
        return plan_portfolio(ws, **plan_kwargs)
    except InfeasiblePortfolioError as exc:
        return Infeasible.from_error(exc, plan_kwargs)
