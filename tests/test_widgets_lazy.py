"""The app's lazy tabs (issue 15, speed): a settings change recomputes the tab shown only.

Real widgets, no browser: a tab registered with ``register_tab`` counts its recomputes; the
built-in tabs are checked against the public API computed from the settings current when the
tab is shown (``plan_portfolio``, ``plan_roadmap``, ``review_alliances``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alliancekit.model import Decision
from alliancekit.portfolio import plan_portfolio
from alliancekit.review import review_alliances
from alliancekit.roadmap import plan_roadmap
from alliancekit.widgets import Dashboard
from alliancekit.widgets.dashboard import TABS, Tab, register_tab
from alliancekit.widgets.explorer import Explorer
from alliancekit.widgets.state import SessionState


class Counting(Explorer):
    """A tab that remembers the annual budget it computed with, and counts its computes."""

    title = "Counting"
    listens = frozenset({"budget_annual"})

    def __init__(self, ws, state: SessionState, debounce: float) -> None:
        super().__init__(ws, debounce=debounce, state=state)
        self.seen: float | None = None
        self.children = [self.message]
        self.update()

    def _compute(self) -> None:
        self.seen = float(self.state.settings.budget_annual)

    def _views(self) -> list:
        return [self.message]


@pytest.fixture
def counting_tab() -> Iterator[int]:
    """Register the counting tab for one test (its index in the Tab); the registry after."""
    before = list(TABS)
    register_tab(Tab("Count", "counting", lambda ws, st, d: Counting(ws, st, d)))
    try:
        yield len(TABS) - 1
    finally:
        TABS[:] = before


def _index(app: Dashboard, attribute: str) -> int:
    return [t.attribute for t in TABS].index(attribute)


def test_only_the_tab_shown_is_built_at_start_and_after_a_switch() -> None:
    app = Dashboard(debounce=0)
    assert app.built == ("scoring",)
    assert app.tabs.children[1].children[0].layout.display is None  # "Updating…" meanwhile
    app.tabs.selected_index = 1
    assert app.built == ("scoring", "portfolio")
    assert app.tabs.children[1].children[0] is app.portfolio
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    assert app.tabs.selected_index == 1 and app.built == ("portfolio",)
    assert app.portfolio.workspace.organization.org_id == "sanchar-apps"


def test_a_hidden_tab_is_not_recomputed_and_shows_the_current_result_when_shown(
    counting_tab: int,
) -> None:
    app = Dashboard(debounce=0)
    assert "counting" not in app.built  # not built until shown
    app.tabs.selected_index = counting_tab
    view = app.views["counting"]
    assert view.update_count == 1 and view.seen == app.state.settings.budget_annual
    app.tabs.selected_index = 1  # "Select portfolio" shown
    portfolio = app.portfolio
    done = portfolio.update_count
    for budget in (50.0, 51.0, 52.0):  # three slider steps in the tab shown
        portfolio.budget_annual.value = budget
    assert portfolio.update_count == done + 3
    assert view.update_count == 1  # the hidden tab did not recompute ...
    assert app.stale == ("counting",)
    assert view.layout.display == "none"  # ... and hides its old content
    pane = app.tabs.children[counting_tab]
    assert pane.children[1].layout.display is None and "Updating" in pane.children[1].value
    app.tabs.selected_index = counting_tab  # shown: once, with the current settings
    assert view.update_count == 2 and view.seen == 52.0
    assert view.layout.display is None and pane.children[1].layout.display == "none"
    assert app.stale == ()
    app.tabs.selected_index = 0
    app.tabs.selected_index = counting_tab  # nothing changed meanwhile: nothing recomputed
    assert view.update_count == 2


def test_weights_and_thresholds_reach_a_tab_shown_later() -> None:
    app = Dashboard(debounce=0)
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    app.tabs.selected_index = 1
    app.portfolio.objective.value = "score"
    portfolio = app.portfolio
    app.tabs.selected_index = 0
    done = portfolio.update_count
    app.scoring.weight_sliders["C2"].value = 0.3  # in "Score partners"
    assert portfolio.update_count == done  # the portfolio tab is hidden: not recomputed
    app.tabs.selected_index = 2
    app.review.threshold_sliders["h_exit"].value = 50.0  # in "Review alliances"
    assert app.review.result.decisions["AL-A3"] is Decision.EXIT
    assert portfolio.update_count == done
    app.tabs.selected_index = 1  # shown: the weights and the review of now
    assert portfolio.update_count == done + 1
    ws = app.workspace
    review = review_alliances(ws, policy=app.state.settings.policy())
    expected = plan_portfolio(ws, review=review, **app.state.plan_kwargs())
    assert portfolio.result.selected == expected.selected
    assert set(portfolio.result.exited) == {"AL-A3", "AL-A4"}


def test_the_roadmap_is_solved_once_when_shown_not_at_every_budget_step() -> None:
    app = Dashboard(debounce=0)
    app.tabs.selected_index = _index(app, "roadmap")
    roadmap = app.roadmap
    solved = roadmap.update_count
    app.tabs.selected_index = 1
    for budget in (60.0, 61.0, 62.0, 63.0):
        app.portfolio.budget_annual.value = budget
    assert roadmap.update_count == solved
    app.tabs.selected_index = _index(app, "roadmap")
    assert roadmap.update_count == solved + 1
    direct = plan_roadmap(
        app.state.planning_workspace(),
        int(roadmap.years.value),
        review=app.state.review(),
        **app.state.plan_kwargs(),
    )
    assert roadmap.result.selected == direct.selected


def test_code_reading_a_hidden_tab_gets_it_current() -> None:
    app = Dashboard(debounce=0)
    portfolio = app.portfolio  # built by asking (hidden)
    done = portfolio.update_count
    app.state.update(budget_annual=60.0)
    assert app.stale == ("portfolio",) and portfolio.update_count == done
    assert app.portfolio.budget_annual.value == pytest.approx(60.0)  # brought up to date
    assert app.stale == () and portfolio.update_count == done + 1


def test_the_closed_ahp_and_edit_panels_are_built_when_opened() -> None:
    import ipywidgets as widgets

    app = Dashboard(debounce=0)
    scoring, panel = app.scoring, app.scenario_bar.editor
    accordion = next(c for c in scoring.children if isinstance(c, widgets.Accordion))
    assert scoring._ahp is None and panel._cells == {}  # nothing built while closed
    accordion.selected_index = 0  # "Set the weights by comparing criteria (AHP)" opened
    assert scoring._ahp is not None and scoring.ahp.cells
    assert accordion.children[0].children[0].children == (scoring.ahp,)
    panel.selected_index = 0  # "Edit the data" opened
    n = len(app.workspace.candidates)
    assert sum(1 for key in panel._cells if key[0] == "candidates") >= n
    assert panel.cells[("organization", None, "budget_annual")].value != ""
