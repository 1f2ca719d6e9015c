"""Scenarios (issue 16): stored in the workspace (folder and workbook), validated, conflict-checked,
run the one way, compared; the editing core with undo / redo and conflict detection."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import alliancekit as ak
from alliancekit.cli import main
from alliancekit.errors import DataValidationError
from alliancekit.portfolio import plan_portfolio
from alliancekit.review import review_alliances
from alliancekit.scenarios import (
    EditSession,
    Scenario,
    ScenarioConflictError,
    ScenarioNotFoundError,
    WorkspaceConflictError,
    apply_scenario,
    compare_scenarios,
    delete_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
    save_scenario,
)
from alliancekit.workspace import load_workspace, save_workspace


@pytest.fixture(params=["folder", "xlsx"])
def owned(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of greenscape the test owns, as a folder or as a workbook."""
    if request.param == "folder":
        return ak.copy_sample("greenscape", tmp_path / "gs")
    return ak.copy_sample("greenscape", tmp_path / "gs.xlsx")


def _cautious() -> Scenario:
    return Scenario(
        "cautious",
        description="Higher budgets, TOPSIS ranking, stricter exits",
        method="topsis",
        weights={"C1": 0.3, "C2": 0.2, "C8": 0.5},
        plan={"budget_annual": 70.0, "budget_one_off": 40.0, "must_exclude": ["B03"]},
        review_policy={"h_exit": 45.0},
        organization={"risk_caps.avg_total": 0.35},
        candidates={"B02": {"cost_annual": 8}},
    )


# -- storage ------------------------------------------------------------------------------------
def test_round_trip_save_load_list_delete(owned: Path) -> None:
    s = _cautious()
    saved = save_scenario(owned, s)
    assert saved.revision == 1 and saved.created and saved.modified
    back = load_scenario(owned, "cautious")
    assert back == saved
    assert back.replace(created="", modified="", revision=0) == s
    assert list_scenarios(owned) == [saved]
    # the workspace itself still loads (a workbook keeps its other sheets)
    assert load_workspace(owned).candidate_ids == ak.sample_workspace("greenscape").candidate_ids
    delete_scenario(owned, "cautious")
    assert list_scenarios(owned) == []
    with pytest.raises(ScenarioNotFoundError, match="no scenario 'cautious'"):
        load_scenario(owned, "cautious")


def test_folder_file_is_human_readable(tmp_path: Path) -> None:
    ws = ak.copy_sample("greenscape", tmp_path / "gs")
    save_scenario(ws, _cautious())
    text = (ws / "scenarios" / "cautious.yaml").read_text("utf-8")
    assert "budget_annual: 70.0" in text and "B02:" in text and "h_exit: 45.0" in text


def test_workbook_sheet_is_key_value_rows(tmp_path: Path) -> None:
    import openpyxl

    ws = ak.copy_sample("greenscape", tmp_path / "gs.xlsx")
    save_scenario(ws, _cautious())
    sheet = openpyxl.load_workbook(ws)["scenarios"]
    rows = [tuple(c.value for c in r) for r in sheet.iter_rows()]
    assert rows[0] == ("scenario", "key", "value")
    assert ("cautious", "plan.budget_annual", "70.0") in rows
    assert ("cautious", "overrides.organization.risk_caps.avg_total", "0.35") in rows


def test_invalid_file_names_file_line_and_key(tmp_path: Path) -> None:
    ws = ak.copy_sample("greenscape", tmp_path / "gs")
    (ws / "scenarios").mkdir()
    (ws / "scenarios" / "bad.yaml").write_text(
        "name: bad\nplan:\n  budget_annual: lots\n  max_cont: 3\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as err:
        load_scenario(ws, "bad")
    where = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("scenarios/bad.yaml", 3, "plan.budget_annual") in where
    assert ("scenarios/bad.yaml", 4, "plan.max_cont") in where


def test_invalid_sheet_row_names_sheet_row_and_key(tmp_path: Path) -> None:
    import openpyxl

    ws = ak.copy_sample("greenscape", tmp_path / "gs.xlsx")
    save_scenario(ws, Scenario("a", plan={"budget_annual": 50.0}))
    book = openpyxl.load_workbook(ws)
    sheet = book["scenarios"]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "plan.budget_annual":
            row[2].value = "-5"
            bad_row = row[0].row
    book.save(ws)
    with pytest.raises(DataValidationError) as err:
        list_scenarios(ws)
    p = err.value.problems[0]
    assert (p.file, p.row, p.column) == ("gs.xlsx[scenarios]", bad_row, "plan.budget_annual")


def test_bundled_sample_is_refused_with_the_way_out() -> None:
    with pytest.raises(DataValidationError, match=r"read-only.*copy_sample\('greenscape'"):
        save_scenario("greenscape", Scenario("x"))


def test_bad_name_and_unknown_settings_are_refused() -> None:
    with pytest.raises(DataValidationError, match="invalid scenario name"):
        Scenario("../etc")
    with pytest.raises(DataValidationError, match="unknown plan setting"):
        Scenario("x", plan={"budgt": 1})
    with pytest.raises(DataValidationError, match="unknown objective"):
        Scenario("x", plan={"objective": "profit"})


# -- conflicts ------------------------------------------------------------------------------------
def test_a_stale_save_is_a_conflict_not_an_overwrite(owned: Path) -> None:
    first = save_scenario(owned, Scenario("plan-a", plan={"budget_annual": 50.0}))
    mine, theirs = load_scenario(owned, "plan-a"), load_scenario(owned, "plan-a")
    save_scenario(owned, theirs.replace(description="theirs"))
    with pytest.raises(ScenarioConflictError, match="saved by another session"):
        save_scenario(owned, mine.replace(description="mine"))
    assert load_scenario(owned, "plan-a").description == "theirs"
    with pytest.raises(ScenarioConflictError, match="exists already"):
        save_scenario(owned, Scenario("plan-a"))
    assert first.revision == 1 and load_scenario(owned, "plan-a").revision == 2


def _save_many(args: tuple[str, str, int]) -> list[str]:
    """Worker: save ``n`` scenarios named ``<prefix>-<i>``; returns the outcomes."""
    path, prefix, n = args
    out = []
    for i in range(n):
        try:
            save_scenario(path, Scenario(f"{prefix}-{i}", plan={"budget_annual": 50.0 + i}))
            out.append("saved")
        except ScenarioConflictError:
            out.append("conflict")
    return out


def _save_same(args: tuple[str, str]) -> str:
    path, who = args
    s = load_scenario(path, "shared")
    try:
        save_scenario(path, s.replace(description=who))
        return "saved"
    except ScenarioConflictError:
        return "conflict"


def test_two_processes_saving_at_once_lose_nothing(owned: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        outcomes = pool.map(_save_many, [(str(owned), "a", 4), (str(owned), "b", 4)])
    assert outcomes == [["saved"] * 4] * 2
    names = [s.name for s in list_scenarios(owned)]
    assert names == [f"{p}-{i}" for p in "ab" for i in range(4)]
    # the same scenario from two sessions: one is saved, or both in turn; never a lost update
    save_scenario(owned, Scenario("shared"))
    with ctx.Pool(2) as pool:
        results = pool.map(_save_same, [(str(owned), "one"), (str(owned), "two")])
    final = load_scenario(owned, "shared")
    assert sorted(results) in (["conflict", "saved"], ["saved", "saved"])
    assert final.revision == 1 + results.count("saved")
    assert final.description in ("one", "two")


# -- running and comparing ----------------------------------------------------------------------
def test_apply_scenario_applies_overrides_and_settings(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    ws, settings = apply_scenario(ws_path, _cautious())
    assert ws.candidate("B02").cost_annual == 8
    assert ws.organization.risk_caps.avg_total == 0.35
    assert settings.policy.h_exit == 45.0
    assert settings.plan.budget_annual == 70.0 and tuple(settings.plan.must_exclude) == ("B03",)
    assert settings.score_kwargs()["method"] == "topsis"
    base = load_workspace(ws_path)
    assert base.candidate("B02").cost_annual != 8  # nothing written


def test_override_errors_name_scenario_table_row_and_column(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    bad = Scenario("bad", candidates={"B02": {"cost_annual": "lots"}})
    with pytest.raises(DataValidationError) as err:
        apply_scenario(ws_path, bad)
    p = err.value.problems[0]
    assert p.file.startswith("scenario bad: candidates") and p.column == "cost_annual"
    assert "B02" in p.message
    with pytest.raises(DataValidationError, match="unknown partner id 'ZZ9'"):
        apply_scenario(ws_path, Scenario("x", plan={"must_include": ["ZZ9"]}))


def _variants(ws: ak.Workspace) -> tuple[Scenario, Scenario]:
    o = ws.organization
    roomy = {
        "budget_annual": o.budget_annual * 1.3,
        "budget_one_off": o.budget_one_off * 1.3,
        "risk_appetite": "high",
    }
    return Scenario("by-score", plan={"objective": "score"}), Scenario("roomy", plan=roomy)


def test_comparison_matches_each_scenario_run_alone(sample_name: str, tmp_path: Path) -> None:
    ws_path = ak.copy_sample(sample_name, tmp_path / sample_name)
    a, b = _variants(load_workspace(ws_path))
    for s in (a, b):
        save_scenario(ws_path, s)
    c = compare_scenarios(ws_path, ["by-score", "roomy"], thresholds=False)
    assert c.names == ("by-score", "roomy")
    ws = load_workspace(ws_path)
    frame = ws.candidates_frame()
    review = review_alliances(ws) if ws.alliances and not ws.kpis.empty else None
    alone = {
        "by-score": plan_portfolio(ws, review=review, objective="score"),
        "roomy": plan_portfolio(ws, review=review, **b.plan),
    }
    for name, plan in alone.items():
        row = c.overview.loc[name]
        assert list(c.selection.index[c.selection[name]]) == plan.selected
        assert row["objective"] == pytest.approx(plan.objective_value)
        assert row["cost_annual"] == pytest.approx(frame.loc[plan.selected, "cost_annual"].sum())
        assert row["cost_one_off"] == pytest.approx(frame.loc[plan.selected, "cost_one_off"].sum())
        totals = c.totals[c.totals["scenario"] == name].set_index("key")
        pd.testing.assert_series_equal(
            totals["used"], plan.totals["used"].astype(float), check_names=False
        )
    was, now = set(alone["by-score"].selected), set(alone["roomy"].selected)
    d = c.differences.loc["roomy"]
    names = dict(zip(c.selection.index, c.selection["name"], strict=True))
    assert d["partners_in"] == ", ".join(names[i] for i in c.selection.index if i in now - was)
    assert d["partners_out"] == ", ".join(names[i] for i in c.selection.index if i in was - now)
    assert d["change_cost_annual"] == pytest.approx(
        c.overview.loc["roomy", "cost_annual"] - c.overview.loc["by-score", "cost_annual"]
    )
    # the JSON of the comparison is plain data
    json.dumps(c.to_dict())
    # shown to people: limits by label with their unit, no internal keys
    page = c._repr_html_()
    money = ws.organization.money_label
    assert f"Annual budget [{money}/yr]" in page and f"One-off budget [{money}]" in page
    assert not any(k in page for k in ("limit[", "count.", "coverage[", "each[", "average["))


def test_comparison_thresholds_and_infeasible_scenario(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    tight = Scenario("tight", plan={"budget_annual": 20.0})
    c = compare_scenarios(ws_path, [None, tight])
    assert not c.overview.loc["tight", "feasible"]
    assert "annual budget" in c.overview.loc["tight", "note"].lower()
    assert set(c.thresholds["scenario"]) == {"base"}
    assert {"exit_threshold", "value_rise_to_enter"} <= set(c.thresholds.columns)
    assert "no feasible portfolio" in c.differences.loc["tight", "note"]
    assert "Scenario comparison" in c._repr_html_()


def test_ahp_judgements_give_the_weights(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    s = Scenario("ahp", ahp={"C1": {"C2": 3.0}})
    run = run_scenario(ws_path, s)
    w = run.scores.weights
    assert w["C1"] == pytest.approx(0.75) and w["C2"] == pytest.approx(0.25)


# -- editing --------------------------------------------------------------------------------------
def test_invalid_edit_names_the_cell_and_changes_nothing(owned: Path) -> None:
    before = owned.read_bytes() if owned.is_file() else (owned / "candidates.csv").read_bytes()
    s = EditSession(owned)
    s.set("candidates", "B02", "cost_annual", 9)
    with pytest.raises(DataValidationError) as err:
        s.set("candidates", "B04", "commitment", 7)
    p = err.value.problems[0]
    assert p.file == "candidates" and p.column == "commitment" and "'B04'" in p.message
    assert (
        s.workspace.candidate("B04").commitment == load_workspace(owned).candidate("B04").commitment
    )
    assert s.workspace.candidate("B02").cost_annual == 9 and len(s.edits) == 1
    after = owned.read_bytes() if owned.is_file() else (owned / "candidates.csv").read_bytes()
    assert after == before


def test_undo_redo_save_and_reload(owned: Path) -> None:
    s = EditSession(owned)
    old = s.workspace.candidate("B02").cost_annual
    s.set("candidates", "B02", "cost_annual", 9)
    s.set("organization", None, "budget_annual", 80)
    assert s.undo().organization.budget_annual == load_workspace(owned).organization.budget_annual
    assert s.undo().candidate("B02").cost_annual == old
    assert not s.can_undo and s.can_redo
    s.redo()
    s.redo()
    assert s.workspace.organization.budget_annual == 80
    save_scenario(owned, Scenario("kept"))  # a scenario saved meanwhile is no conflict
    s.save()
    back = load_workspace(owned)
    assert back.candidate("B02").cost_annual == 9 and back.organization.budget_annual == 80
    assert [x.name for x in list_scenarios(owned)] == ["kept"]


def test_save_over_another_sessions_save_is_a_conflict(owned: Path) -> None:
    mine, theirs = EditSession(owned), EditSession(owned)
    theirs.set("candidates", "B02", "cost_annual", 11)
    theirs.save()
    mine.set("candidates", "B02", "cost_annual", 9)
    with pytest.raises(WorkspaceConflictError, match="changed by another session"):
        mine.save()
    assert load_workspace(owned).candidate("B02").cost_annual == 11


def test_edits_kept_as_overrides_run_like_saved_edits(tmp_path: Path) -> None:
    ws_path = ak.copy_sample("greenscape", tmp_path / "gs")
    s = EditSession(ws_path)
    s.set("candidates", "B05", "cost_annual", 1)
    s.set("organization", None, "budget_one_off", 35)
    s.add_candidate(
        {**{k: v for k, v in _row(ws_path, "B10").items() if k != "id"}, "id": "B99",
         "name": "New nursery"}
    )  # fmt: skip
    scen = Scenario("edited", **s.as_overrides())
    via_scenario, _ = apply_scenario(ws_path, scen)
    copy = tmp_path / "copy"
    save_workspace(s.workspace, copy)
    assert via_scenario.candidates == load_workspace(copy).candidates
    assert via_scenario.organization == load_workspace(copy).organization


def _row(ws_path: Path, cid: str) -> dict:
    frame = pd.read_csv(ws_path / "candidates.csv", dtype=str, keep_default_na=False)
    rec = frame.set_index("id").loc[cid].to_dict()
    return {"id": cid, **{k: v for k, v in rec.items() if v != ""}}


# -- command line -------------------------------------------------------------------------------
def test_cli_scenario_actions_and_scenario_option(
    owned: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = save_scenario(owned, _cautious())
    assert main(["scenario", "list", str(owned)]) == 0
    assert "cautious" in capsys.readouterr().out
    assert main(["scenario", "show", str(owned), "cautious", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(saved.to_dict()))
    assert main(["scenario", "compare", str(owned), "base", "cautious", "--no-thresholds"]) == 0
    out = capsys.readouterr().out
    assert "annual cost" in out and "PKR lakh" in out and "totals against limits" in out
    # counts in whole numbers, budgets with their unit, long labels cut with an ellipsis
    assert re.search(r"Number of new alliances \(at least\)\s+\d+ / \d+\s", out)
    assert "Annual budget [PKR lakh/yr]" in out
    assert not re.search(r"\d\.\d\d / \d+\.00\s+\d+ / ", out)
    # --scenario on score, select and review gives what the API gives
    run = run_scenario(owned, "cautious")
    assert main(["score", str(owned), "--scenario", "cautious", "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert scores == pytest.approx(run.scores.scores.to_dict())
    assert main(["select", str(owned), "--scenario", "cautious", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["selected"] == run.plan.selected
    assert main(["review", str(owned), "--scenario", "cautious", "--format", "json"]) == 0
    decisions = {
        r["alliance_id"]: r["decision"] for r in json.loads(capsys.readouterr().out)["table"]
    }
    assert decisions == run.review.table["decision"].to_dict()
    # save from a YAML file, then delete
    f = tmp_path / "mid.yaml"
    f.write_text("name: mid\nplan: {budget_annual: 60}\n", encoding="utf-8")
    assert main(["scenario", "save", str(owned), str(f)]) == 0
    assert load_scenario(owned, "mid").plan == {"budget_annual": 60}
    assert main(["scenario", "delete", str(owned), "mid"]) == 0
    capsys.readouterr()
    assert main(["scenario", "show", str(owned), "mid"]) == 2
    assert "no scenario 'mid'" in capsys.readouterr().err
    assert main(["score", str(owned), "--scenario", "nope"]) == 2


@pytest.mark.notebook
@pytest.mark.slow
def test_report_runs_under_a_scenario(tmp_path: Path) -> None:
    ws = ak.copy_sample("greenscape", tmp_path / "gs.xlsx")
    save_scenario(ws, Scenario("strict", review_policy={"h_exit": 60.0, "h_restr": 70.0}))
    out = tmp_path / "reports"
    code = main(["report", str(ws), "--scenario", "strict", "--out", str(out), "--format", "json"])
    assert code == 0
    folder = out / "gs-scenario-strict"
    assert folder.is_dir() and not (out / "gs").exists()
    expected = run_scenario(ws, "strict").review.table["decision"].to_dict()
    log = pd.read_csv(folder / "decisions.csv", dtype=str)
    assert dict(zip(log["alliance_id"], log["decision"], strict=True)) == expected
    assert expected != review_alliances(load_workspace(ws)).table["decision"].to_dict()
    shutil.rmtree(out)


def test_two_edit_sessions_saving_at_once_one_wins_whole(owned: Path) -> None:
    import threading

    sessions = [EditSession(owned), EditSession(owned)]
    for cost, s in zip((11, 12), sessions, strict=True):
        s.set("candidates", "B02", "cost_annual", cost)
        s.set("organization", None, "budget_annual", 60 + cost)
    outcomes: list[str] = []

    def save(s: EditSession) -> None:
        try:
            s.save()
            outcomes.append("saved")
        except WorkspaceConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    back = load_workspace(owned)  # one session's edits, both of them, never a mixture
    cost = back.candidate("B02").cost_annual
    assert cost in (11, 12) and back.organization.budget_annual == 60 + cost
