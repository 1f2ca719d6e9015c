"""The "Compare scenarios" tab (docs/app.md), registered with the dashboard like the roadmap tab:
2–4 saved scenarios side by side (``scenarios.CompareView``)."""

from __future__ import annotations

import alliancekit.widgets.roadmap  # noqa: F401 - its tab comes first
from alliancekit.widgets.dashboard import Tab, register_tab
from alliancekit.widgets.scenarios import CompareView

__all__ = ["CompareView"]

register_tab(Tab("5 Compare scenarios", "compare", lambda ws, st, d: CompareView(ws, st)))
