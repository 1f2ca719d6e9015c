"""Interactive dashboards (ipywidgets) on the public API: scoring, portfolio, review, the app.

Every explorer is an ``ipywidgets.VBox`` subclass that exposes its controls and its current
result as attributes, so code and tests drive it exactly like a user would::

    ex = ScoringExplorer(ws)
    ex.weight_sliders["C1"].value = 0.4      # the other weights rescale to keep the sum at 1
    ex.result.ranks                          # the ScoreResult after the change

Results are shown in ``HTML`` widgets (tables, messages) and ``ChartView`` outputs (the
Vega-Lite specs of :mod:`alliancekit.charts`, drawn offline by the browser with tooltips), which
update from any callback, including debounced ones. Slider
changes are debounced (``debounce`` seconds, default ``DEBOUNCE`` = 0.02 s) when a kernel event
loop is running; without one (plain Python, tests) they apply at once. Errors never escape a
callback: validation problems and infeasibility diagnoses are shown in the explorer's ``message``
widget.

``interactive=False`` in the ``*_explorer`` factory functions returns a static ``Snapshot``
(HTML tables and the charts as static SVG images) built by the same code, for headless
(papermill) runs.

The app's tabs share one :class:`SessionState` (``state``): a setting made in one tab is the
setting of every tab (docs/app.md).

Modules, lowest first (each imports only those above it): ``chartview`` (one chart output),
``markup`` (stylesheet, messages, errors, tables), ``state`` (the shared session state),
``controls`` (sliders, weight sliders, searchable partner pickers, the message area), ``guide``
(infeasibility explained, one fix per button), ``explorer`` (the shared
update/debounce/busy/snapshot plumbing),
``ahp``, ``frontier``, ``upload``, then the explorers ``scoring``, ``portfolio``, ``review``,
and the app, ``dashboard``, and ``roadmap`` (a tab it registers with ``register_tab``).
"""

from __future__ import annotations

from alliancekit.startup import defer_costly_imports
from alliancekit.widgets.ahp import SAATY_SCALE, AHPGrid
from alliancekit.widgets.chartview import ChartView
from alliancekit.widgets.compare import CompareView  # registers its tab (after the roadmap's)
from alliancekit.widgets.dashboard import Dashboard, Tab, dashboard, register_tab
from alliancekit.widgets.explorer import DEBOUNCE, Snapshot
from alliancekit.widgets.portfolio import OBJECTIVES, PortfolioExplorer, portfolio_explorer
from alliancekit.widgets.review import REVIEW_THRESHOLDS, ReviewExplorer, review_explorer
from alliancekit.widgets.roadmap import RoadmapExplorer, roadmap_explorer  # registers its tab
from alliancekit.widgets.scoring import METHODS, ScoringExplorer, scoring_explorer
from alliancekit.widgets.state import SessionState, SettingConflictError, Settings
from alliancekit.widgets.upload import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MEMBERS,
    MAX_UPLOAD_UNPACKED_BYTES,
    load_upload,
)

# The first chart imports Altair -> jsonschema, which compiles an IRI grammar nothing here
# checks: ~1.3 s before the app's first page (issue 15). Deferred as in the CLI (no module
# above imports jsonschema, so this still comes first).
defer_costly_imports()

__all__ = [
    "DEBOUNCE",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MEMBERS",
    "MAX_UPLOAD_UNPACKED_BYTES",
    "METHODS",
    "OBJECTIVES",
    "REVIEW_THRESHOLDS",
    "SAATY_SCALE",
    "AHPGrid",
    "ChartView",
    "CompareView",
    "Dashboard",
    "PortfolioExplorer",
    "ReviewExplorer",
    "RoadmapExplorer",
    "ScoringExplorer",
    "SessionState",
    "SettingConflictError",
    "Settings",
    "Snapshot",
    "Tab",
    "dashboard",
    "load_upload",
    "portfolio_explorer",
    "register_tab",
    "review_explorer",
    "roadmap_explorer",
    "scoring_explorer",
]
