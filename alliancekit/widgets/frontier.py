"""The efficient-frontier figure of the portfolio explorer, re-solved only when it must be."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from alliancekit.widgets.figures import MarkerCanvas

__all__ = ["FrontierPanel"]


class FrontierPanel:
    """The efficient frontier over the annual budget, with the current budget marked.

    Every point of a frontier is the exact optimum for its budget, whatever the current budget,
    so moving the budget only moves the current-setting marker (``MarkerCanvas``). The frontier
    is recomputed when another setting changes or the budget leaves the computed range
    (``efficient_frontier`` then extends the range to the new budget).

    Attributes
    ----------
    result : FrontierResult or None
        The frontier last computed.
    """

    def __init__(self) -> None:
        self.result: Any = None
        self._settings: Hashable | None = None
        self._canvas: MarkerCanvas | None = None

    def png(
        self, plan: Any, settings: Hashable, current: float, *, points: int, money: str
    ) -> bytes:
        """PNG of the frontier of ``plan`` with the marker at ``current``.

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
        """
        from alliancekit import plots
        from alliancekit.portfolio import efficient_frontier

        if not self._reusable(settings, current):
            self.result = efficient_frontier(
                plan, vary="budget_annual", points=points, progress=False
            )
            self._settings = settings
            self._canvas = None
        canvas = self._canvas
        if canvas is None or canvas.money != money or not canvas.covers(current):
            fig = plots.frontier_plot(self.result, current=current, money_label=money)
            self._canvas = canvas = MarkerCanvas(fig, money=money)
        return canvas.png(current)

    def _reusable(self, settings: Hashable, current: float) -> bool:
        """Whether the frontier still fits: same other settings, budget inside its range."""
        if self.result is None or self._settings != settings:
            return False
        values = self.result.to_frame()["value"].astype(float)
        return bool(len(values)) and float(values.min()) <= current <= float(values.max())
