"""The app's scenario bar, editing panel, compare tab and downloads (issue 16), driven from Python
like a user would, checked against the public API run on its own (``load_scenario``,
``run_scenario``, ``plan_portfolio``, ``export_xlsx``)."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from pathlib import Path

import openpyxl
import pytest

import alliancekit as ak
from alliancekit.model import RiskAppetite
from alliancekit.widgets import Dashboard
from alliancekit.widgets.scenarios import scenario_to_settings, settings_to_scenario
from alliancekit.widgets.state import settings_for
from alliancekit.workspace import load_workspace, sample_workspace


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder holding a copy of greenscape (the user's own: scenarios may be saved)."""
    ak.copy_sample("greenscape", tmp_path / "data" / "greenscape")
    return tmp_path / "data"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html)))


def test_settings_and_scenario_round_trip() -> None:
    ws = sample_workspace("greenscape")
    own = settings_for(ws)
    changed = dataclasses.replace(
        own,
        weights=tuple((c, 1 / len(own.weights)) for c, _ in own.weights),
        preset="",
        weights_source="sliders",
        method="topsis",
        budget_annual=70.0,
        budget_one_off=35.5,
        avg_risk=0.4,
        avg_risk_custom=True,
        max_count=3,
        risk_appetite=RiskAppetite.HIGH,
        must_exclude=(ws.candidates[0].id,),
        must_include=(ws.candidates[1].id,),
        thresholds=tuple((k, v + 1) for k, v in own.thresholds),
        period="2025-Q2",
        per_partner_caps=(("max_total_per_partner", 0.6),),
    )
    for settings in (own, changed):
        scenario = settings_to_scenario(settings, "trip")
        assert scenario_to_settings(scenario, ws) == settings
    # the scenario the app saves runs alone with the same budgets and exclusions
    _, run_settings = ak.apply_scenario(ws, settings_to_scenario(changed, "trip"))
    assert run_settings.plan.budget_annual == 70.0
    assert run_settings.plan.must_exclude == (ws.candidates[0].id,)
    assert run_settings.method == "topsis"


def test_saving_into_a_sample_offers_a_copy_and_saves_there(tmp_path: Path) -> None:
    app = Dashboard(debounce=0)  # the bundled samples
    bar = app.scenario_bar
    app.state.update(budget_annual=66.0)
    assert bar.save_as("roomy") is None
    assert "bundled sample" in _text(bar.message.value)
    assert bar.copy_box.layout.display is None
    target = tmp_path / "mine"
    bar.copy_to.value = str(target)
    saved = bar.copy_and_save(bar.copy_to.value)
    assert saved is not None and saved.name == "roomy"
    assert ak.load_scenario(target, "roomy").plan["budget_annual"] == 66.0
    assert app.state.settings.budget_annual == 66.0
    assert "roomy" in _text(bar.name_html.value)
    assert "your copy" in dict((v, k) for k, v in app.picker.options)[str(target)]


def test_save_reopen_and_reset(data: Path) -> None:
    app = Dashboard(data, debounce=0)
    bar = app.scenario_bar
    assert "Base" in _text(bar.name_html.value)
    app.state.update(budget_annual=70.0, method="topsis")
    bar.description.value = "More money, TOPSIS"
    saved = bar.save_as("roomy")
    assert saved is not None and saved.revision == 1
    on_disk = ak.load_scenario(data / "greenscape", "roomy")
    assert on_disk.description == "More money, TOPSIS"
    assert on_disk.plan["budget_annual"] == 70.0 and on_disk.method == "topsis"
    bar.reset()
    assert app.state.settings == settings_for(app.workspace)
    # a new session (a reloaded page) reopens it identically
    again = Dashboard(data, debounce=0)
    assert [o[1] for o in again.scenario_bar.choice.options] == ["roomy"]
    again.scenario_bar.open_scenario("roomy")
    assert again.state.settings.budget_annual == 70.0
    assert again.state.settings.method == "topsis"
    assert "roomy" in _text(again.scenario_bar.name_html.value)
    # the plan shown is the plan of the scenario run alone
    run = ak.run_scenario(data / "greenscape", "roomy")
    assert set(again.portfolio.result.selected) == set(run.plan.selected)
    again.scenario_bar.delete("roomy")
    assert ak.list_scenarios(data / "greenscape") == []


def test_a_conflict_is_shown_and_resolved_both_ways(data: Path) -> None:
    ak.save_scenario(data / "greenscape", ak.Scenario("shared", plan={"budget_annual": 60}))
    a, b = Dashboard(data, debounce=0), Dashboard(data, debounce=0)
    a.scenario_bar.open_scenario("shared")
    b.scenario_bar.open_scenario("shared")
    a.state.update(budget_annual=61.0)
    assert a.scenario_bar.save() is not None  # revision 2
    b.state.update(budget_annual=62.0)
    assert b.scenario_bar.save() is None
    words = _text(b.scenario_bar.message.value)
    assert "saved this scenario first" in words and "Nothing was overwritten" in words
    assert b.scenario_bar.conflict_box.layout.display is None
    assert ak.load_scenario(data / "greenscape", "shared").plan["budget_annual"] == 61.0
    b.scenario_bar.keep_mine.click()
    mine = ak.load_scenario(data / "greenscape", "shared")
    assert mine.plan["budget_annual"] == 62.0 and mine.revision == 3
    a.state.update(budget_annual=63.0)
    assert a.scenario_bar.save() is None
    a.scenario_bar.load_theirs.click()
    assert a.state.settings.budget_annual == 62.0
    assert a.scenario_bar.active.revision == 3


def test_an_edit_changes_the_portfolio_and_an_invalid_one_changes_nothing(data: Path) -> None:
    app = Dashboard(data, debounce=0)
    bar, panel = app.scenario_bar, app.scenario_bar.editor
    before = app.portfolio.result
    chosen = "B01"  # in the plan; a dearer B01 stays in, the plan's annual cost follows
    assert chosen in before.selected
    name = app.workspace.candidate(chosen).name
    cell = panel.cells[("candidates", chosen, "cost_annual")]
    old = cell.value
    cell.value = "-5"  # as typed
    words = _text(panel.message.value)
    assert "Not changed" in words and name in words and "Annual cost" in words
    assert "-5" in words and cell.value == old and panel.session.edits == ()
    assert app.portfolio.result.to_frame().equals(before.to_frame())

    def annual(result: object) -> float:
        frame = result.to_frame()
        return float(frame.loc[frame["selected"], "cost_annual"].sum())

    cell.value = str(float(old) + 3)
    assert panel.session.edits and annual(app.portfolio.result) == annual(before) + 3
    assert bar.state.workspace.candidate(chosen).cost_annual == float(old) + 3
    expected = ak.plan_portfolio(
        bar.state.planning_workspace(), review=bar.state.review(), **bar.state.plan_kwargs()
    )
    assert set(app.portfolio.result.selected) == set(expected.selected)
    assert annual(expected) == annual(app.portfolio.result)
    panel.undo_button.click()
    assert annual(app.portfolio.result) == annual(before) and cell.value == old
    panel.redo_button.click()
    assert annual(app.portfolio.result) == annual(before) + 3
    # an organization budget edit moves the session's budget (it was the workspace's own)
    panel.cells[("organization", None, "budget_annual")].value = "80"
    assert app.state.settings.budget_annual == 80.0


def test_edits_kept_as_overrides_or_saved_to_the_workspace(data: Path) -> None:
    app = Dashboard(data, debounce=0)
    bar, panel = app.scenario_bar, app.scenario_bar.editor
    cid = app.workspace.candidates[1].id
    panel.cells[("candidates", cid, "cost_annual")].value = "2"
    assert bar.save_as("cheaper") is not None
    stored = ak.load_scenario(data / "greenscape", "cheaper")
    assert stored.candidates == {cid: {"cost_annual": "2"}}
    assert load_workspace(data / "greenscape").candidate(cid).cost_annual != 2
    fresh = Dashboard(data, debounce=0)
    fresh.scenario_bar.open_scenario("cheaper")
    assert fresh.state.workspace.candidate(cid).cost_annual == 2
    assert fresh.scenario_bar.editor.cells[("candidates", cid, "cost_annual")].value == "2"
    # saved to the files; the other session's save is refused as a conflict
    panel.save_button.click()
    assert load_workspace(data / "greenscape").candidate(cid).cost_annual == 2
    other = fresh.scenario_bar.editor
    other.cells[("organization", None, "budget_one_off")].value = "31"
    other.save_button.click()
    assert "saved this workspace first" in _text(other.message.value)
    assert load_workspace(data / "greenscape").organization.budget_one_off == 30


def test_compare_two_scenarios_in_words(data: Path) -> None:
    ak.save_scenario(
        data / "greenscape",
        ak.Scenario(
            "tight",
            description="Lower budgets",
            plan={"budget_annual": 50, "risk_appetite": "medium"},
        ),
    )
    app = Dashboard(data, debounce=0)
    view = app.views["compare"]
    assert {o[1] for o in view.picks.options} == {"base", "tight"}
    view.picks.value = ("base", "tight")
    view.compare_button.click()
    c = view.result
    alone = ak.compare_scenarios(data / "greenscape", ["base", "tight"], thresholds=False)
    assert (
        c.overview["cost_annual"].fillna(-1).tolist()
        == alone.overview["cost_annual"].fillna(-1).tolist()
    )
    words = _text(view.output.value)
    money = app.workspace.organization.money_label
    assert f"Annual cost [{money}/yr]" in words and "Partners in" in words
    assert "Annual budget [" in words and "At its limit" in words
    for out in alone.differences["partners_out"]:
        for partner in filter(None, str(out).split(", ")):
            assert partner in words
    for key in ("cost_annual", "limit[", "partners_in", "value_e_npv"):
        assert key not in words


def test_download_the_workbook_and_the_brief(data: Path) -> None:
    app = Dashboard(data, debounce=0)
    app.state.update(budget_annual=70.0)
    downloads = app.scenario_bar.downloads
    downloads.workbook_button.click()
    link = re.search(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', downloads.links.value)
    assert link and link.group(1).endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(link.group(2))))
    assert "Portfolio" in book.sheetnames
    run = ak.run_scenario(data / "greenscape", app.scenario_bar.current("x"))
    names = {app.workspace.candidate(i).name for i in run.plan.selected}
    cells = {str(c.value) for row in book["Portfolio"].iter_rows() for c in row}
    assert names <= cells
    downloads.brief_button.click()
    assert ".html" in downloads.links.value and ".pdf" in downloads.links.value
