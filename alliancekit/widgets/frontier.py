"""The efficient-frontier chart of the portfolio explorer, re-solved only when it must be."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

__all__ = ["FrontierPanel"]


class FrontierPanel:
    """The efficient frontier over the annual budget, with the current budget marked.

    Every point of a frontier is the exact optimum for its budget, whatever the current budget,
    so moving the budget only moves the current-setting marker: the chart is rebuilt from the
    same frontier. The frontier is recomputed when another setting changes or the budget leaves
    the computed range (``efficient_frontier`` then extends the range to the new budget).

    Attributes
    ----------
    result : FrontierResult or None
        The frontier last computed.
    """

    def __init__(self) -> None:
        self.result: Any = None
        self._settings: Hashable | None = None

    def chart(
        self,
        plan: Any,
        settings: Hashable,
        current: float,
        *,
        points: int,
        money: str,
        names: Mapping[str, str] | None = None,
    ) -> Any:
        """The frontier chart of ``plan`` (``charts.frontier_plot``) marked at ``current``.

        Parameters
        ----------
        plan : PortfolioResult
            The portfolio at the current settings.
        settings : hashable
            Every setting but the annual budget that the frontier depends on.
        current : float
            The current annual budget [money/yr].
        points : int
            Budgets to solve for when (re)computing.
        money : str
            Money label of the axis (``"PKR lakh"``).
        names : Mapping, optional
            Partner id -> name, for the selected partners in the tooltips.
        """
        from alliancekit import charts
        from alliancekit.portfolio import efficient_frontier

        if not self._reusable(settings, current):
            self.result = efficient_frontier(
                plan, vary="budget_annual", points=points, progress=False
            )
            self._settings = settings
        return charts.frontier_plot(self.result, current=current, money_label=money, names=names)

    def _reusable(self, settings: Hashable, current: float) -> bool:
        """Whether the frontier still fits: same other settings, budget inside its range."""
        if self.result is None or self._settings != settings:
            return False
        values = self.result.to_frame()["value"].astype(float)
        return bool(len(values)) and float(values.min()) <= current <= float(values.max())
