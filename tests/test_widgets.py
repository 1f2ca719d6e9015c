"""Widget explorers driven from Python: set controls like a user, check outputs follow the API."""

from __future__ import annotations

import asyncio
import datetime
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancekit.criteria import preset_weights, score_partners
from alliancekit.errors import InfeasiblePortfolioError
from alliancekit.model import Decision
from alliancekit.portfolio import plan_portfolio
from alliancekit.review import ReviewPolicy, review_alliances
from alliancekit.widgets import (
    Dashboard,
    PortfolioExplorer,
    ReviewExplorer,
    ScoringExplorer,
    Snapshot,
    dashboard,
    portfolio_explorer,
    review_explorer,
    scoring_explorer,
)
from alliancekit.widgets.chartview import PNG_STAND_IN
from alliancekit.workspace import sample_workspace, save_workspace


@pytest.fixture(scope="module")
def greenscape():
    return sample_workspace("greenscape")


@pytest.fixture
def scoring(greenscape) -> ScoringExplorer:
    return ScoringExplorer(greenscape, debounce=0)


@pytest.fixture
def portfolio(greenscape) -> PortfolioExplorer:
    return PortfolioExplorer(greenscape, debounce=0)


_EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


VEGALITE = "application/vnd.vegalite.v5+json"


def _is_chart(view: object) -> bool:
    """A ChartView showing a Vega-Lite v5 spec (what the browser draws), its title as text and
    the one-pixel PNG stand-in, and nothing else."""
    outputs = list(view.outputs)
    return (
        isinstance(view.spec, dict)
        and "/vega-lite/v5" in view.spec["$schema"]
        and len(outputs) == 1
        and outputs[0]["data"][VEGALITE] is view.spec
        and set(outputs[0]["data"]) == {VEGALITE, "text/plain", "image/png"}
        and outputs[0]["data"]["image/png"] == PNG_STAND_IN
    )


def test_the_png_stand_in_is_one_transparent_pixel() -> None:
    """What a chart output carries so the browser's Vega renderer makes no PNG copy of it."""
    import base64
    import struct
    import zlib

    png = base64.b64decode(PNG_STAND_IN)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (width, height, depth, colour) == (1, 1, 8, 6)  # RGBA, 8 bits per channel
    size = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    row = zlib.decompress(png[41 : 41 + size])
    assert row == b"\x00" + bytes(4)  # no filter, then R, G, B and alpha all 0: transparent


def _upload(name: str, data: bytes) -> tuple[dict, ...]:
    item = {"name": name, "type": "", "size": len(data), "content": memoryview(data)}
    return ({**item, "last_modified": _EPOCH},)


# -- scoring ------------------------------------------------------------------------------------
def test_scoring_initial_result_is_the_api_default(scoring, greenscape) -> None:
    """With default weights the explorer shows exactly score_partners(ws) (docs/method.md §6.2)."""
    expected = score_partners(greenscape)
    pd.testing.assert_series_equal(scoring.result.scores, expected.scores)
    table = scoring.ranked_table()
    assert table.index[0] == "B01"  # 65.9, the best score of scenario B
    assert "K3" in table.loc["B09", "knockouts"]
    assert "<table" in scoring.table.value
    assert _is_chart(scoring.figure)


def test_weight_slider_keeps_sum_one_and_changes_ranks(scoring, greenscape) -> None:
    before = scoring.result.ranks.copy()
    scoring.weight_sliders["C7"].value = 0.8  # almost only cost counts
    w = scoring.weights
    assert w.sum() == pytest.approx(1.0)
    assert w["C7"] == pytest.approx(0.8)
    # the others keep their proportions (docs/method.md §2 defaults C1 0.16 : C2 0.14)
    assert w["C1"] / w["C2"] == pytest.approx(0.16 / 0.14)
    assert not scoring.result.ranks.equals(before)
    # the explorer's result is the API's result for the same weights
    api = score_partners(greenscape, weights=w)
    pd.testing.assert_series_equal(scoring.result.ranks, api.ranks)
    assert scoring.weight_sliders["C1"].value == pytest.approx(w["C1"])


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    code=st.sampled_from([f"C{i}" for i in range(1, 12)]),
    value=st.floats(0.0, 1.0, allow_nan=False),
)
def test_weights_always_sum_to_one(code: str, value: float) -> None:
    ex = _SHARED_EXPLORER()
    ex.weight_sliders[code].value = value
    w = ex.weights
    assert w.sum() == pytest.approx(1.0)
    assert (w >= -1e-12).all()
    assert w[code] == pytest.approx(value)


_CACHE: dict[str, ScoringExplorer] = {}


def _SHARED_EXPLORER() -> ScoringExplorer:
    if "x" not in _CACHE:
        _CACHE["x"] = ScoringExplorer(sample_workspace("sanchar-apps"), debounce=0)
    return _CACHE["x"]


def test_preset_and_method(scoring) -> None:
    scoring.preset.value = "exploration"
    pd.testing.assert_series_equal(
        scoring.weights, preset_weights("exploration").reindex(scoring.criteria), check_names=False
    )
    scoring.method.value = "topsis"
    assert scoring.result.method == "topsis"
    assert scoring.result.scores.between(0, 1).all()
    scoring.method.value = "promethee_ii"
    assert scoring.result.method == "promethee_ii"


def test_ahp_grid_live_cr_and_apply(scoring) -> None:
    ahp = scoring.ahp
    assert ahp.result.cr == pytest.approx(0.0)
    ahp.cells[("C1", "C2")].value = 9.0
    ahp.cells[("C2", "C3")].value = 9.0
    ahp.cells[("C1", "C3")].value = 1.0 / 9.0  # contradicts the two above
    assert ahp.result.cr > 0.10
    assert "inconsistent" in ahp.cr_label.value
    ahp.cells[("C1", "C3")].value = 9.0
    ahp.apply_button.click()
    pd.testing.assert_series_equal(
        scoring.weights, ahp.result.weights.reindex(scoring.criteria), check_names=False
    )
    assert scoring.weights.idxmax() == "C1"


def test_smaa_on_demand(scoring) -> None:
    assert scoring.smaa_result is None
    scoring.smaa_samples = 300
    scoring.smaa_button.click()
    acc = scoring.smaa_result.acceptability
    assert acc.shape[0] == 14
    np.testing.assert_allclose(acc.sum(axis=1), 1.0)
    assert _is_chart(scoring.smaa_figure)
    # around the current weights (±20 %) the ranking is much less uncertain than over any weights
    spread_any = (acc > 0.01).sum(axis=1).mean()
    scoring.smaa_space.value = "pm20"
    scoring.smaa_button.click()
    narrow = scoring.smaa_result.acceptability
    assert (narrow > 0.01).sum(axis=1).mean() < spread_any
    assert narrow.loc["B01", 1] > acc.loc["B01", 1]


def test_scoring_snapshot_headless(greenscape) -> None:
    snap = scoring_explorer(greenscape, interactive=False, smaa_samples=200)
    assert isinstance(snap, Snapshot)
    html = snap._repr_html_()
    assert html.count("data:image/svg+xml;base64,") == 2  # the two charts
    assert "B01" in html


# -- portfolio ----------------------------------------------------------------------------------
def test_portfolio_initial_is_the_reference_solution(portfolio) -> None:
    """docs/method.md §6.4: scenario B selects B01, B02, B06, B10, B14."""
    assert portfolio.result.selected == ["B01", "B02", "B06", "B10", "B14"]
    assert 'data-id="B14"' in portfolio.selected_html.value
    assert _is_chart(portfolio.totals_figure)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("sanchar-apps", ["A02", "A03", "A05", "A07", "A12", "A13"]),
        ("norden-pumpen", ["C01", "C02", "C03", "C05", "C08", "C09", "C12"]),
    ],
)
def test_portfolio_applies_the_review_like_the_reference(sample: str, expected: list[str]) -> None:
    """docs/method.md §6.4 reference solutions exit the EXIT alliances first (§10 reading 7)."""
    ex = PortfolioExplorer(sample_workspace(sample), debounce=0)
    assert ex.apply_review.value
    assert ex.result.selected == expected
    ex.apply_review.value = False  # keep every existing alliance: less budget for new ones
    assert ex.result.selected != expected
    assert not ex.result.exited


def test_lowering_annual_budget_drops_a_partner() -> None:
    """Scenario A after the review (AL-A4 exited): at 560 instead of 650 [INR/PKR lakh/yr] the
    plan can no longer afford A05 and A12 and takes the cheaper A06 instead."""
    ws = sample_workspace("sanchar-apps")
    ex = PortfolioExplorer(ws, debounce=0)
    before = set(ex.result.selected)
    ex.budget_annual.value = 560.0
    after = set(ex.result.selected)
    assert before - after == {"A05", "A12"}
    assert after == set(plan_portfolio(ws, budget_annual=560.0, review=ex.review).selected)
    assert ex.result.totals.loc["limit[cost_annual]", "used"] <= 560.0 + 1e-9
    for pid in before - after:
        assert f'data-id="{pid}"' not in ex.selected_html.value
    assert "annual budget 560.00" in ex.selected_html.value


def test_lowering_annual_budget_without_review_swaps_a_partner(portfolio, greenscape) -> None:
    """Scenario B keeping every existing alliance: at 49 lakh/yr B01 gives way to B04."""
    portfolio.apply_review.value = False
    before = set(portfolio.result.selected)
    portfolio.budget_annual.value = 49.0
    after = set(portfolio.result.selected)
    assert before - after == {"B01"}
    assert after == set(plan_portfolio(greenscape, budget_annual=49.0).selected)


def test_infeasible_setting_shows_diagnosis_then_recovers(portfolio) -> None:
    portfolio.budget_annual.value = 20.0  # below the kept alliances' 16 + the partners needed
    assert portfolio.result is None
    assert isinstance(portfolio.error, InfeasiblePortfolioError)
    assert "ak-msg-error" in portfolio.message.value
    # issue 15: the guide names the setting as the slider does, never its internal key
    assert "annual budget" in portfolio.message.value
    assert "cost_annual" not in portfolio.message.value
    assert "Traceback" not in portfolio.message.value
    assert "no portfolio meets these settings" in portfolio.selected_html.value
    portfolio.budget_annual.value = 55.0
    assert portfolio.error is None
    assert portfolio.result.selected == ["B01", "B02", "B06", "B10", "B14"]


def test_deleting_b14_is_infeasible_in_the_explorer(greenscape) -> None:
    """docs/method.md §6.2 exercise: without B14 only competitors close G5, and both break caps."""
    ex = PortfolioExplorer(greenscape.without_candidates("B14"), debounce=0)
    assert ex.result is None
    assert "G5" in ex.message.value
    ex.risk_appetite.value = "medium"
    assert ex.avg_risk.value == pytest.approx(0.38)
    assert ex.result is not None
    assert {"B08", "B09"} & set(ex.result.selected)


def test_counts_risk_cap_and_pickers(portfolio, greenscape) -> None:
    portfolio.apply_review.value = False  # keep AL-B3: its G2 coverage lets B01 be excluded
    portfolio.max_count.value = 4  # scenario B needs 5 new partners to close every gap
    assert portfolio.result is None
    assert "number of new alliances" in portfolio.message.value.lower()
    portfolio.max_count.value = 5
    assert len(portfolio.result.selected) == 5
    portfolio.must_exclude.value = ("B01",)
    assert "B01" not in portfolio.result.selected
    portfolio.must_exclude.value = ()
    portfolio.must_include.value = ("B04",)
    assert "B04" in portfolio.result.selected
    portfolio.must_include.value = ()
    portfolio.avg_risk.value = 0.22
    if portfolio.result is not None:
        risk = greenscape_risk(greenscape)
        assert risk[portfolio.result.selected].mean() <= 0.22 + 1e-9
    else:
        assert "ak-msg-error" in portfolio.message.value


def greenscape_risk(ws) -> pd.Series:
    return score_partners(ws).details["R"]


def test_why_not_and_frontier(portfolio) -> None:
    portfolio.why_not.value = "B09"
    assert "(B09): not selected" in portfolio.why_html.value
    # issue 15: the reason in words ("relational risk"), not the field name R_rel
    assert "screened" in portfolio.why_html.value and "relational risk" in portfolio.why_html.value
    portfolio.why_not.value = "B01"
    assert "(B01): selected" in portfolio.why_html.value
    portfolio.show_frontier.value = True
    frame = portfolio.frontier.to_frame()
    assert frame["feasible"].any() and not frame["feasible"].all()
    assert _is_chart(portfolio.frontier_figure)


def test_portfolio_snapshot(greenscape) -> None:
    snap = portfolio_explorer(greenscape, interactive=False, frontier_points=5)
    assert snap._repr_html_().count("data:image/svg+xml;base64,") == 2


# -- review -------------------------------------------------------------------------------------
def test_review_explorer_decisions_and_thresholds(greenscape) -> None:
    ex = ReviewExplorer(greenscape, debounce=0)
    expected = {"AL-B1": "MAINTAIN", "AL-B2": "GROW", "AL-B3": "EXIT", "AL-B4": "RESTRUCTURE"}
    assert {k: str(v) for k, v in ex.result.decisions.items()} == expected
    assert "MAINTAIN" in ex.decision_html.value and "AL-B1" in ex.decision_html.value
    assert _is_chart(ex.kpi_figure)
    assert _is_chart(ex.radar_figure)
    # AL-B4 has H = 47.9: raising the exit threshold on health to 50 makes it EXIT (E1)
    ex.threshold_sliders["h_exit"].value = 50.0
    assert ex.result.decisions["AL-B4"] is Decision.EXIT
    api = review_alliances(greenscape, policy=ReviewPolicy(h_exit=50.0))
    assert dict(ex.result.decisions) == dict(api.decisions)
    ex.alliance.value = "AL-B4"
    assert "EXIT" in ex.decision_html.value and "E1" in ex.decision_html.value
    ex.reset()
    assert ex.result.decisions["AL-B4"] is Decision.RESTRUCTURE


def test_review_explorer_with_a_closed_alliance(greenscape) -> None:
    """A closed alliance is not reviewed, so the explorer neither offers nor fails on it."""
    import dataclasses

    from alliancekit.model import AllianceStatus

    first = greenscape.alliances[0]
    ws = dataclasses.replace(
        greenscape,
        alliances=(
            dataclasses.replace(first, status=AllianceStatus.CLOSED),
            *greenscape.alliances[1:],
        ),
    )
    ex = ReviewExplorer(ws, debounce=0)
    assert ex.error is None, ex.message.value
    offered = [value for _, value in ex.alliance.options]
    assert offered == [a.alliance_id for a in ws.alliances[1:]]
    assert ex.alliance.value == offered[0]
    assert offered[0] in ex.decision_html.value
    # an alliance starting after the review period is offered but not reviewed: no error
    later = dataclasses.replace(ws.alliances[1], start_period="2099-Q1")
    ex = ReviewExplorer(
        dataclasses.replace(ws, alliances=(*ws.alliances[:1], later, *ws.alliances[2:])), debounce=0
    )
    ex.alliance.value = later.alliance_id
    assert ex.error is None, ex.message.value
    assert "not reviewed" in ex.decision_html.value


def test_review_without_alliances() -> None:
    from alliancekit.teaching import carpool_workspace

    ex = ReviewExplorer(carpool_workspace(), debounce=0)
    assert ex.result is None
    assert "no existing alliances" in ex.message.value


def test_review_snapshot(greenscape) -> None:
    assert "AL-B1" in review_explorer(greenscape, interactive=False)._repr_html_()


# -- debounce -----------------------------------------------------------------------------------
def test_slider_changes_are_debounced_in_a_running_loop(greenscape) -> None:
    async def scenario() -> tuple[int, int, float]:
        ex = ScoringExplorer(greenscape, debounce=0.05)
        start = ex.update_count
        for v in (0.2, 0.3, 0.4, 0.5):
            ex.weight_sliders["C1"].value = v
        mid = ex.update_count
        await asyncio.sleep(0.3)
        return start, mid, ex.update_count, float(ex.result.weights["C1"])

    start, mid, end, w1 = asyncio.run(scenario())
    assert mid == start  # nothing recomputed while the user is still moving
    assert end == start + 1  # one recomputation for four changes
    assert w1 == pytest.approx(0.5)


# -- the dashboard ------------------------------------------------------------------------------
def test_dashboard_picker_and_switch() -> None:
    app = Dashboard(debounce=0)
    labels = [label for label, _ in app.picker.options]
    assert {"greenscape", "norden-pumpen", "sanchar-apps"} <= set(labels)
    # issue 15: each tab is a pane holding its explorer (the browser keeps the tab shown); an
    # explorer is built when its tab is first shown or asked for (lazy tabs)
    views = (
        app.scoring,
        app.portfolio,
        app.review,
        app.roadmap,  # issue 19: the roadmap tab after the three of issue 15
        app.views["compare"],  # issue 16: the compare tab last
    )
    assert tuple(p.children[0] for p in app.tabs.children) == views
    app.picker.value = dict(app.picker.options)["sanchar-apps"]
    assert app.workspace.organization.org_id == sample_workspace("sanchar-apps").organization.org_id
    assert "A02" in app.scoring.table.value


def test_dashboard_upload_xlsx(tmp_path: Path) -> None:
    from alliancekit.teaching import new_case

    ws = new_case(tmp_path / "case.xlsx", seed=8, n_candidates=7)
    app = Dashboard(debounce=0)
    app.upload.value = _upload("case.xlsx", (tmp_path / "case.xlsx").read_bytes())
    assert app.picker.value == "upload:case.xlsx"
    assert app.workspace.candidate_ids == ws.candidate_ids
    for pid in ws.candidate_ids:
        assert pid in app.scoring.table.value


def test_dashboard_upload_zip_folder(tmp_path: Path) -> None:
    ws = sample_workspace("sanchar-apps")
    save_workspace(ws, tmp_path / "mine")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in (tmp_path / "mine").iterdir():
            zf.write(f, f"mine/{f.name}")
    app = Dashboard(debounce=0)
    app.upload.value = _upload("mine.zip", buf.getvalue())
    assert app.workspace.candidate_ids == ws.candidate_ids


def test_zip_upload_over_the_limits_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small zip that declares a large unpacked size (a zip bomb) writes nothing."""
    from alliancekit import widgets as w
    from alliancekit.errors import DataValidationError
    from alliancekit.widgets import load_upload

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb/organization.yaml", b"name: x\n")
        zf.writestr("bomb/kpis.csv", b"0" * 3_000_000)  # compresses to a few kB
    assert len(buf.getvalue()) < 50_000
    monkeypatch.setattr(w, "MAX_UPLOAD_UNPACKED_BYTES", 2 * 2**20)
    with pytest.raises(DataValidationError, match=r"bomb\.zip.*2 entries, 2\.9 MB unpacked"):
        load_upload("bomb.zip", buf.getvalue(), tmp_path / "up")
    assert not (tmp_path / "up" / "bomb").exists()

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(12):
            zf.writestr(f"f{i}.csv", b"a\n")
    monkeypatch.setattr(w, "MAX_UPLOAD_MEMBERS", 10)
    with pytest.raises(DataValidationError, match="12 entries"):
        load_upload("many.zip", many.getvalue(), tmp_path / "up")


def test_dashboard_reupload_after_a_failed_upload_starts_from_a_clean_folder(
    tmp_path: Path,
) -> None:
    """A fixed re-upload of the same .zip (the broken optional file removed) loads.

    Every upload is unpacked into its own folder: a file left over from an earlier (failed)
    upload of the same name must not leak into the next one.
    """
    save_workspace(sample_workspace("sanchar-apps"), tmp_path / "mine")

    def zipped(extra: dict[str, str]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in (tmp_path / "mine").iterdir():
                if f.name != "events.csv":
                    zf.write(f, f"mine/{f.name}")
            for name, text in extra.items():
                zf.writestr(f"mine/{name}", text)
        return buf.getvalue()

    app = Dashboard(debounce=0)
    broken = "alliance_id,period,trigger,description\nAL-NOPE,2025-Q1,breach,typo\n"
    app.upload.value = _upload("mine.zip", zipped({"events.csv": broken}))
    assert "Could not load mine.zip" in app.message.value
    app.upload.value = _upload("mine.zip", zipped({}))  # events.csv removed
    assert "Could not load" not in app.message.value
    assert app.picker.value == "upload:mine.zip"
    assert app.workspace.candidate_ids == sample_workspace("sanchar-apps").candidate_ids


def test_dashboard_malformed_upload_shows_problems_and_keeps_running(tmp_path: Path) -> None:
    import openpyxl

    save_workspace(sample_workspace("greenscape"), tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(tmp_path / "bad.xlsx")
    sheet = book["candidates"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("goal_compat") + 1, value=9)  # outside 1–5
    book.save(tmp_path / "bad.xlsx")
    app = Dashboard(debounce=0)
    before = app.workspace
    app.upload.value = _upload("bad.xlsx", (tmp_path / "bad.xlsx").read_bytes())
    assert "Could not load bad.xlsx" in app.message.value
    assert "goal_compat" in app.message.value
    assert "ak-msg-error" in app.message.value
    assert app.workspace is before  # the app keeps showing the previous workspace
    # garbage and wrong file types are reported the same way
    app.upload.value = _upload("junk.xlsx", b"not a workbook")
    assert "Could not load junk.xlsx" in app.message.value
    app.upload.value = _upload("notes.txt", b"hello")
    assert ".xlsx" in app.message.value
    app.upload.value = _upload("broken.zip", b"PK nope")
    assert "not a zip file" in app.message.value


def test_dashboard_counts_every_problem_of_a_truncated_validation(tmp_path: Path) -> None:
    """A workbook with more problems than the validator lists shows the true total.

    load_workspace keeps the first MAX_PROBLEMS and counts the rest in ``truncated``; the app
    must say how many there are in all, and how many are not listed.
    """
    import openpyxl

    from alliancekit.errors import DataValidationError
    from alliancekit.workspace import MAX_PROBLEMS, load_workspace

    save_workspace(sample_workspace("greenscape"), tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(tmp_path / "bad.xlsx")
    sheet = book["candidates"]
    header = [c.value for c in sheet[1]]
    for col in ("goal_compat", "culture_compat", "commitment", "reputation", "learning"):
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=header.index(col) + 1, value=9)  # outside 1–5
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(DataValidationError) as info:
        load_workspace(tmp_path / "bad.xlsx")
    total = len(info.value.problems) + info.value.truncated
    assert info.value.truncated > 0 and total > MAX_PROBLEMS
    app = Dashboard(debounce=0)
    app.upload.value = _upload("bad.xlsx", (tmp_path / "bad.xlsx").read_bytes())
    assert f"The data has {total} problem(s)" in app.message.value
    assert f"… and {total - 30} more" in app.message.value


def test_dashboard_empty_data_dir(tmp_path: Path) -> None:
    app = Dashboard(tmp_path, debounce=0)
    assert app.workspace is None
    assert "No workspaces found" in app.message.value


def test_dashboard_headless_snapshot() -> None:
    snap = dashboard(interactive=False)
    html = snap._repr_html_()
    assert "Score partners" in html and "Review alliances" in html


# -- properties ---------------------------------------------------------------------------------
_PORTFOLIO: dict[str, PortfolioExplorer] = {}


@settings(max_examples=20, deadline=None)
@given(
    budget_annual=st.floats(0.0, 110.0, allow_nan=False),
    budget_one_off=st.floats(0.0, 60.0, allow_nan=False),
)
def test_portfolio_never_breaks_a_limit_or_raises(budget_annual: float, budget_one_off: float):
    """Any slider setting gives a portfolio within every limit, or the diagnosis (no raise)."""
    if "x" not in _PORTFOLIO:
        _PORTFOLIO["x"] = PortfolioExplorer(sample_workspace("greenscape"), debounce=0)
    ex = _PORTFOLIO["x"]
    ex.budget_annual.value = budget_annual
    ex.budget_one_off.value = budget_one_off
    if ex.result is None:
        assert isinstance(ex.error, InfeasiblePortfolioError)
        assert "ak-msg-error" in ex.message.value
    else:
        totals = ex.result.totals
        assert totals.loc["limit[cost_annual]", "used"] <= ex.budget_annual.value + 1e-6
        assert totals.loc["limit[cost_one_off]", "used"] <= ex.budget_one_off.value + 1e-6
        assert (totals["slack"] >= -1e-6).all()


_REVIEW: dict[str, ReviewExplorer] = {}


@settings(max_examples=20, deadline=None)
@given(low=st.floats(0.0, 100.0), high=st.floats(0.0, 100.0))
def test_stricter_exit_threshold_never_improves_a_decision(low: float, high: float) -> None:
    """Raising H_exit only moves decisions towards EXIT (GROW > MAINTAIN > RESTRUCTURE > EXIT)."""
    low, high = sorted((low, high))
    if "x" not in _REVIEW:
        _REVIEW["x"] = ReviewExplorer(sample_workspace("greenscape"), debounce=0)
    ex = _REVIEW["x"]
    ex.threshold_sliders["h_exit"].value = low
    lenient = dict(ex.result.decisions)
    ex.threshold_sliders["h_exit"].value = high
    strict = dict(ex.result.decisions)
    for aid, decision in strict.items():
        assert decision <= lenient[aid]
