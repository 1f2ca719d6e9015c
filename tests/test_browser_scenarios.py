"""Scenarios, editing and downloads in the app, in a real browser (issue 16).

``alliancekit.app.serve`` over a data folder holding a copy of greenscape (the user's own, so
scenarios can be saved), driven by Debian chromium through Playwright with the flags of
tests/conftest.py: save a scenario, reload the page, reopen it; compare two; edit a cost in the
grid and see the portfolio change; an invalid edit names the cell and changes nothing; download
the workbook. Each journey ends in a screenshot under the test's ``tmp_path``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pages import visible_text as _visible
from pages import wait_tab
from pages import wait_text as _wait_text

import alliancekit as ak
from alliancekit.app import serve

pytestmark = pytest.mark.browser

TIMEOUT_MS = 180_000
VIEWPORT = {"width": 1280, "height": 800}
#: Texts people must never read in the scenario bar, the compare tab and the grid.
INTERNAL = ("_one_off", "cost_annual", "value_annual", "expected_npv", "limit[", "partners_in")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario-data")
    ak.copy_sample("greenscape", folder / "greenscape")
    ak.save_scenario(
        folder / "greenscape",
        ak.Scenario(
            "tight",
            description="Lower budgets",
            plan={"budget_annual": 50, "risk_appetite": "medium"},
        ),
    )
    return folder


@pytest.fixture(scope="module")
def app(chromium_path: str, data: Path) -> Iterator[object]:
    with serve(timeout=180, env={"ALLIANCEKIT_DATA": str(data)}) as server:
        yield server


def _open(page, url: str) -> None:
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_selector(".ak-explorer table", timeout=TIMEOUT_MS)
    page.wait_for_selector(".ak-scenario-title", timeout=TIMEOUT_MS)


@pytest.fixture
def page(browser, app, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    _open(pg, app.open_url)
    try:
        yield pg
    finally:
        pg.screenshot(path=str(tmp_path / "last.png"), full_page=True)
        context.close()
    local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
    assert requests and not [u for u in requests if not u.startswith(local)], requests[:5]


def _tab(page, title: str) -> None:
    page.locator(".lm-TabBar-tab", has_text=title).first.click()
    page.wait_for_timeout(300)
    wait_tab(page)


def _shot(page, path: Path) -> None:
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def _budget(page) -> float:
    handle = page.locator(".ak-budget-annual .noUi-handle:visible").first
    return float(handle.get_attribute("aria-valuenow"))


def _no_internal_words(text: str) -> None:
    assert not [k for k in INTERNAL if k in text], text[:2000]


def test_save_reload_and_reopen_a_scenario(page, app, data: Path, tmp_path: Path) -> None:
    _tab(page, "Select portfolio")
    handle = page.locator(".ak-budget-annual .noUi-handle:visible").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(40)
    page.wait_for_timeout(800)
    budget = _budget(page)
    assert budget < 55
    page.locator(".ak-scenario-new-name input").fill("lean")
    page.locator("button.ak-scenario-save-as").click()
    _wait_text(page, ".ak-scenario-message", "Saved scenario “lean”")
    _wait_text(page, ".ak-scenario-title", "lean")
    assert ak.load_scenario(data / "greenscape", "lean").plan["budget_annual"] == budget
    _shot(page, tmp_path / "saved.png")
    _open(page, app.open_url)  # the page reloaded: a new session, the base
    _wait_text(page, ".ak-scenario-title", "Base")
    _tab(page, "Select portfolio")
    assert _budget(page) == 55
    page.locator(".ak-scenario-choice select").select_option(label="lean", timeout=20_000)
    page.locator("button.ak-scenario-open").click()
    _wait_text(page, ".ak-scenario-title", "lean")
    _wait_text(page, ".ak-scenario-message", "Opened scenario “lean”")
    page.wait_for_timeout(500)
    assert _budget(page) == pytest.approx(budget)
    _shot(page, tmp_path / "reopened.png")
    _no_internal_words(_visible(page, ".ak-scenario-bar"))


def test_compare_two_scenarios(page, tmp_path: Path) -> None:
    _tab(page, "Compare scenarios")
    picks = page.locator(".ak-compare-picks select")
    labels = picks.evaluate("s => [...s.options].map(o => o.text.replace(/\\u00a0/g, ' '))")
    wanted = [i for i, t in enumerate(labels) if t.startswith(("Base", "tight"))]
    assert len(wanted) == 2, labels
    picks.select_option(index=wanted)
    page.locator("button.ak-compare-button").click()
    _wait_text(page, ".ak-compare-output", "Totals against limits")
    text = _visible(page, ".ak-compare-output")
    assert "Scenarios side by side" in text and "Partners in" in text
    assert "Annual cost [PKR lakh/yr]" in text and "Annual budget [PKR lakh/yr]" in text
    _no_internal_words(text)
    _shot(page, tmp_path / "compare.png")


def _annual_budget_row(page) -> str:
    """The lines of the portfolio tab about the annual budget (its limit row: used, allowed).

    Waits for the row first: a tab shown a moment ago may still be drawing its plan.
    """
    _wait_text(page, ".ak-explorer", "Annual budget")
    text = _visible(page, ".ak-explorer")
    return "\n".join(re.findall(r"Annual budget[^\n]*", text))


def test_edit_a_cost_in_the_grid(page, tmp_path: Path) -> None:
    _tab(page, "Select portfolio")
    before = _annual_budget_row(page)
    page.locator(
        ".ak-edit-panel .lm-AccordionPanel-title, .ak-edit-panel .p-Collapse-header, "
        ".ak-edit-panel .jupyter-widget-Collapse-header"
    ).first.click()
    cell = page.locator(".ak-cell-B01-cost_annual input")
    cell.wait_for()
    # the cell shows the workspace's value from the start (B01 has an annual cost)
    page.wait_for_function(
        "() => document.querySelector('.ak-cell-B01-cost_annual input').value !== ''"
    )
    old = cell.input_value()
    cell.fill("-5")
    cell.press("Enter")
    _wait_text(page, ".ak-edit-message", "Not changed")
    message = _visible(page, ".ak-edit-message")
    assert "Annual cost [PKR lakh/yr] of Sindh Forest Department" in message, message
    page.wait_for_function(
        "(old) => document.querySelector('.ak-cell-B01-cost_annual input').value === old", arg=old
    )
    assert _annual_budget_row(page) == before
    _shot(page, tmp_path / "invalid-edit.png")
    cell.fill(str(float(old) + 3))
    cell.press("Enter")
    _wait_text(page, ".ak-edit-message", "Changed Annual cost")
    for _ in range(120):  # the tabs are built again with the new cost
        after = _annual_budget_row(page)
        if after and after != before:
            break
        page.wait_for_timeout(500)
    assert after != before, (before, after)
    _wait_text(page, ".ak-scenario-title", "1 unsaved data change")
    _no_internal_words(_visible(page, ".ak-edit-panel").replace("'cost_annual'", ""))
    _shot(page, tmp_path / "edited.png")
    page.locator("button.ak-edit-undo").click()
    _wait_text(page, ".ak-edit-message", "Undone")
    page.wait_for_function(
        "(old) => document.querySelector('.ak-cell-B01-cost_annual input').value === old", arg=old
    )


def test_download_the_workbook(page, tmp_path: Path) -> None:
    page.locator("button.ak-download-xlsx").click()
    link = page.locator("a.ak-link-xlsx")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".xlsx"
    book = openpyxl.load_workbook(target)
    assert {"Settings and assumptions", "Ranked partners", "Portfolio"} <= set(book.sheetnames)
    cells = {str(c.value) for row in book["Portfolio"].iter_rows() for c in row}
    assert "Sindh Forest Department - Social Forestry Wing" in cells
    _shot(page, tmp_path / "download.png")
