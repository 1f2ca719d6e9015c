"""The app's "Roadmap" tab (issue 19, item 5), driven from Python like a user would.

Each test sets something in another tab (weights, objective, budget, review thresholds) or in
the roadmap tab, and checks the tab against ``plan_roadmap`` / ``review_alliances`` called
directly, and that people read names and units, never internal keys.
"""

from __future__ import annotations

import html
import re

import pytest

from alliancekit.model import Decision
from alliancekit.roadmap import plan_roadmap
from alliancekit.roadmap.years import year_table
from alliancekit.widgets import Dashboard, RoadmapExplorer
from alliancekit.widgets.dashboard import TABS
from alliancekit.widgets.state import SessionState
from alliancekit.workspace import sample_workspace

#: What people must never read in the tab (constraint keys, field names).
INTERNAL = ("limit[", "coverage[", "count.", "each[", "@20", "_one_off", "expected_npv", "R_rel")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", html, flags=re.S))


def _shown(ex: RoadmapExplorer) -> str:
    views = (ex.source_html, ex.summary_html, ex.message, ex.limits_html, ex.table)
    return " ".join(_text(v.value) for v in (*views, ex.screened_html))


@pytest.fixture(scope="module")
def norden():
    return sample_workspace("norden-pumpen")


def test_the_tab_is_registered_and_built_by_the_app() -> None:
    # the fourth tab, before the compare tab of issue 16
    assert [t.attribute for t in TABS][-2:] == ["roadmap", "compare"]
    app = Dashboard(debounce=0)
    assert isinstance(app.roadmap, RoadmapExplorer)
    assert app.tabs.titles[-2] == "4 Roadmap"
    assert app.roadmap.state is app.state  # one session state for every tab
    assert app.roadmap.result is not None and app.roadmap.gantt_figure.spec is not None


def test_roadmap_data_per_year_against_plan_roadmap(norden) -> None:
    ex = RoadmapExplorer(norden, debounce=0)
    st = SessionState(norden)
    direct = plan_roadmap(norden, review=st.review(), weights=dict(st.settings.weights))
    r = ex.result
    assert r.periods == direct.periods == ("2026", "2027", "2028", "2029", "2030")
    assert r.selected == direct.selected
    assert r.objective_value == pytest.approx(direct.objective_value)
    table = year_table(r)
    # the workspace's own per-year limits (data/README.md), not this round's single budgets
    assert list(table["Annual budget [kEUR/yr]"]) == [1800, 2100, 2400, 2700, 3000]
    assert list(table["Management capacity [FTE]"]) == [4.0, 4.0, 4.5, 4.5, 5.0]
    # spend per year is the schedule's (an independent sum) and never above the budget
    sched = r.schedule.groupby("period")["one_off"].sum()
    exit_cost = r.exits[r.exits["exit"] != ""].groupby("exit")["exit_cost"].sum()
    one_off = sched.add(exit_cost, fill_value=0).reindex(r.periods, fill_value=0)
    assert list(table["One-off cost and exit costs [kEUR]"]) == pytest.approx(list(one_off))
    assert (table["Annual cost [kEUR/yr]"] <= table["Annual budget [kEUR/yr]"] + 1e-6).all()
    assert (table["Management time [FTE]"] <= table["Management capacity [FTE]"] + 1e-6).all()
    # capacity binds before money in this sample: said in words with its years
    assert "Management capacity (2026–2027)" in ex.limits_html.value
    started = {n for cell in table["Partners started"] for n in cell.split(", ") if n != "—"}
    assert started == {norden.candidate(p).name for p in r.selected}
    shown = _shown(ex)
    assert not [k for k in INTERNAL if k in shown], shown[:300]
    assert "roadmap settings" in ex.source_html.value


def test_it_follows_the_review_decisions_and_thresholds() -> None:
    ex = RoadmapExplorer(sample_workspace("sanchar-apps"), debounce=0)
    review = ex.state.review()
    exits = {a for a, d in review.decisions.items() if d == Decision.EXIT}
    assert exits
    plan = ex.result.exits
    assert set(plan.index[plan["plan"] == "exit by review"]) == exits
    table = year_table(ex.result)
    shown = {n for cell in table["Exited"] for n in cell.split(", ") if n != "—"}
    assert set(plan.loc[sorted(exits), "name"]) <= shown
    before = ex.update_count
    ex.state.update(apply_review=False)  # "Select portfolio": keep every alliance
    assert ex.update_count == before + 1
    assert not (ex.result.exits["plan"] == "exit by review").any()
    ex.state.update(apply_review=True, thresholds={"h_exit": 0.0, "a_exit": 0.0, "fit_exit": 0.0})
    again = ex.state.review()
    expected = {a for a, d in again.decisions.items() if d == Decision.EXIT}
    assert set(ex.result.exits.index[ex.result.exits["plan"] == "exit by review"]) == expected


def test_weights_objective_and_budgets_of_the_other_tabs(norden) -> None:
    app = Dashboard(debounce=0)
    app.picker.value = dict(app.picker.options)["norden-pumpen"]
    # the roadmap tab shown (issue 15: a hidden tab recomputes when shown, not at every change)
    app.tabs.selected_index = [t.attribute for t in TABS].index("roadmap")
    ex = app.roadmap
    app.portfolio.objective.value = "score"
    assert "Maximise the partners' scores" in html.unescape(ex.summary_html.value)
    assert "points" in ex.summary_html.value
    assert ex.result.objective_name == "score"
    # a budget changed in "Select portfolio" applies to every year of the roadmap
    app.state.update(budget_annual=2500.0)
    table = year_table(ex.result)
    assert list(table["Annual budget [kEUR/yr]"]) == [2500.0] * 5
    direct = plan_roadmap(
        app.state.planning_workspace(), review=app.state.review(), **app.state.plan_kwargs()
    )
    assert ex.result.selected == direct.selected


def test_the_horizon_slider(norden) -> None:
    ex = RoadmapExplorer(norden, debounce=0)
    ex.years.value = 2
    assert ex.result.periods == ("2026", "2027")
    assert len(year_table(ex.result)) == 2
    assert ex.gantt_figure.spec is not None and ex.limits_figure.spec is not None


def test_a_workspace_without_roadmap_settings_uses_this_rounds_budgets() -> None:
    ws = sample_workspace("greenscape")
    assert not ws.organization.roadmap.given
    ex = RoadmapExplorer(ws, debounce=0)
    org = ws.organization
    table = year_table(ex.result)
    assert len(table) == org.planning_horizon_years
    money = org.money_label
    assert set(table[f"One-off budget [{money}]"]) == {org.budget_one_off}
    assert set(table[f"Annual budget [{money}/yr]"]) == {org.budget_annual}
    assert "no roadmap settings" in ex.source_html.value


def test_infeasible_settings_are_explained_in_words(norden) -> None:
    ex = RoadmapExplorer(norden, debounce=0)
    ex.state.update(budget_annual=100.0)
    assert ex.result is None and ex.error is None
    text = _text(ex.summary_html.value)
    assert "No roadmap satisfies every limit" in text
    assert "Annual budget in 20" in text  # the limit by name and year
    assert not [k for k in INTERNAL if k in text], text
    assert ex.gantt_figure.spec is None and ex.table.value == ""
    ex.state.update(budget_annual=norden.organization.budget_annual, apply_review=False)
    # keeping every alliance: capacity and coverage in 2027 conflict, advice in words
    text = _text(ex.summary_html.value)
    assert "raise the management capacity in 2027 from 4 FTE" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    ex.state.update(apply_review=True)
    assert ex.result is not None and ex.gantt_figure.spec is not None


def test_snapshot_draws_the_charts(norden) -> None:
    snap = RoadmapExplorer(norden, debounce=0).snapshot()
    kinds = [k for k, _ in snap.parts]
    assert kinds.count("chart") == 2
    assert "data:image/svg+xml" in snap._repr_html_()


def test_working_is_shown_while_it_solves(norden, monkeypatch: pytest.MonkeyPatch) -> None:
    import alliancekit.roadmap as roadmap

    ex = RoadmapExplorer(norden, debounce=0)
    seen: list[str] = []

    def solving(*args, **kwargs):
        seen.append(ex.busy.value)
        return plan_roadmap(*args, **kwargs)

    monkeypatch.setattr(roadmap, "plan_roadmap", solving)
    ex.years.value = 3
    assert seen and "Working" in seen[0]  # visible once a solve takes longer than 0.3 s
    assert ex.busy.value == "" and ex.result.periods == ("2026", "2027", "2028")
