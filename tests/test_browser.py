"""The web app in a real browser: ``alliancekit app`` on loopback, driven by headless Chromium.

Debian's chromium is driven through Python Playwright with the DESIGN.md flags (never
``playwright install``). Tests skip only when chromium is missing and
``ALLIANCEKIT_REQUIRE_BROWSER`` is unset; with it set, a missing browser is a failure.
Screenshots go to the test's ``tmp_path``.

ipywidgets 8 renders sliders with noUiSlider: the focusable handle is
``.widget-slider .noUi-handle`` (``role=slider``, ``aria-valuenow``); arrow keys move it by one
step and the new value is sent to the kernel like a mouse drag.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pages import wait_tab
from servers import cli_server, jupyter_env
from solver_text import assert_no_solver_text

from alliancekit.app import find_free_port

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 120_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """``alliancekit app --port N`` on a free loopback port; stopped by PID (SIGTERM).

    Asks for ``chromium_path`` (conftest) so a missing browser skips before the server starts.
    """
    port = find_free_port()
    env = jupyter_env(tmp_path_factory.mktemp("app-jupyter"))
    env["MPLBACKEND"] = "Agg"
    url = f"http://127.0.0.1:{port}/"
    with cli_server("app", "--port", str(port), env=env) as proc:
        line = proc.stdout.readline() if proc.stdout else ""
        assert url in line, f"alliancekit app did not start: {line}"
        url = line.split()[4]  # the printed URL carries the app's token
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "api", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means the server is up
            except OSError:
                time.sleep(0.3)
        yield url


@pytest.fixture
def page(browser, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(app_url, timeout=TIMEOUT_MS)
    # the dashboard is rendered once the scoring table of the first workspace is on the page
    pg.wait_for_selector(".ak-picker select", timeout=TIMEOUT_MS)
    pg.wait_for_selector(".ak-explorer table", timeout=TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def _open_tab(page, title: str) -> None:
    page.locator(".lm-TabBar-tab", has_text=title).first.click()
    wait_tab(page)


def _upload(page, path: Path) -> None:
    """Click the FileUpload button and answer the file chooser (its <input> is detached)."""
    with page.expect_file_chooser() as chooser:
        page.locator("button.ak-upload").click()
    chooser.value.set_files(str(path))


def _selected(page) -> str:
    """Text of the visible partner list (hidden tabs of earlier workspaces may linger)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.ak-selected')]"
        ".filter(s => s.offsetParent !== null).map(s => s.innerText).join('\\n')"
    )


def test_dashboard_loads_with_samples(page, tmp_path: Path) -> None:
    assert_no_solver_text(page.inner_text("body"), what="the web app page")
    options = page.locator(".ak-picker select option").all_inner_texts()
    assert {"greenscape", "norden-pumpen", "sanchar-apps"} <= set(options)
    assert page.locator(".widget-slider .noUi-handle").count() >= 11  # one weight per criterion
    page.screenshot(path=str(tmp_path / "scoring.png"), full_page=True)
    assert (tmp_path / "scoring.png").stat().st_size > 10_000


#: JavaScript: the visible charts drawn by the browser's Vega-Lite renderer (a canvas or an SVG
#: inside each ``.ak-chart`` output), with their size [px].
_DRAWN = """() => [...document.querySelectorAll('.ak-chart .vega-embed')]
    .filter(e => e.offsetParent !== null)
    .map(e => e.querySelector('canvas, svg.marks'))
    .filter(c => c && c.getBoundingClientRect().height > 50)
    .map(c => c.getBoundingClientRect().height)"""


def _recording_page(browser) -> tuple[object, object, list[str], list[str]]:
    """A new page that records every request's URL and every console error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, requests, errors


def _assert_offline(requests: list[str]) -> None:
    """Every request went to 127.0.0.1 (or was a data: / blob: URL)."""
    local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
    assert requests and not [u for u in requests if not u.startswith(local)]


def _hover_until_tooltip(page, chart, text: str) -> str:
    """Move the mouse over ``chart`` row by row until Vega's tooltip shows ``text``."""
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    tip = page.locator("#vg-tooltip-element")
    for dy in range(60, int(box["height"]) - 60, 8):
        for dx in (0.35, 0.25, 0.45, 0.3):
            page.mouse.move(box["x"] + dx * box["width"], box["y"] + dy)
            page.wait_for_timeout(60)
            if tip.count() and tip.is_visible() and text in tip.inner_text():
                return tip.inner_text()
    raise AssertionError(f"no tooltip with {text!r} over the chart")


def test_charts_draw_offline_with_tooltips_naming_partner_and_cost(
    browser, app_url: str, tmp_path: Path
) -> None:
    """The scoring chart is drawn by the browser from its Vega-Lite spec; hovering a partner's
    bar shows its name, id and costs; no request leaves 127.0.0.1 while the page draws."""
    from alliancekit.workspace import sample_workspace

    ws = sample_workspace("greenscape")  # the app's first workspace
    context, page, requests, errors = _recording_page(browser)
    try:
        page.goto(app_url, timeout=TIMEOUT_MS)
        page.wait_for_selector(".ak-explorer table")
        page.wait_for_function(f"() => ({_DRAWN})().length >= 1")
        chart = page.locator(".ak-chart .vega-embed").first
        text = _hover_until_tooltip(page, chart, "Annual cost [PKR lakh/yr]")
        page.screenshot(path=str(tmp_path / "tooltip.png"))
        pid = re.search(r"\bId\s+(B\d\d)\b", text).group(1)
        partner = ws.candidate(pid)
        assert partner.name in text
        assert f"{partner.cost_annual:,.1f}" in text and f"{partner.cost_one_off:,.1f}" in text
        assert "Score [0–100]" in text and "Total risk R [0–1]" in text
        # the other tabs draw their charts too
        _open_tab(page, "Review alliances")
        page.wait_for_function(f"() => ({_DRAWN})().length >= 2")
        page.screenshot(path=str(tmp_path / "review-charts.png"))
    finally:
        context.close()
    _assert_offline(requests)
    assert not [e for e in errors if "vega" in e.lower() or "render" in e.lower()], errors


def test_annual_budget_slider_changes_selection(page, tmp_path: Path) -> None:
    """Scenario A: at 650 lakh/yr the plan holds A05 and A12; at 560 they give way to A06."""
    page.locator(".ak-picker select").select_option(label="sanchar-apps")
    page.wait_for_function(
        "() => document.querySelector('.ak-app-message').innerText.includes('Sanchar')"
    )
    _open_tab(page, "Select portfolio")
    page.wait_for_function(
        "() => { const s = document.querySelector('.ak-selected'); "
        "return s && s.offsetParent !== null && s.innerText.includes('A12'); }"
    )
    before = _selected(page)
    assert "Selected partners (6)" in before
    page.wait_for_timeout(1000)  # let the totals figure arrive
    page.screenshot(path=str(tmp_path / "portfolio-before.png"), full_page=True)
    handle = page.locator(".ak-budget-annual .noUi-handle").first
    handle.wait_for(state="visible")
    assert float(handle.get_attribute("aria-valuenow")) == pytest.approx(650.0)
    handle.focus()
    for _ in range(9):  # step 10 lakh/yr: 650 -> 560
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ak-budget-annual .noUi-handle')]"
        ".some(h => h.offsetParent !== null && h.getAttribute('aria-valuenow').startsWith('560'))"
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ak-settings')]"
        ".some(s => s.offsetParent !== null && s.innerText.includes('annual budget 560.00'))"
    )
    after = _selected(page)
    assert after != before
    assert "A12" not in after and "A05" not in after and "A06" in after
    # two solves happened in this kernel: no banner or log anywhere on the page
    assert_no_solver_text(page.inner_text("body"), what="the web app page")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "portfolio-after.png"), full_page=True)


def test_upload_workspace_xlsx_shows_its_partners(page, tmp_path: Path) -> None:
    from alliancekit.teaching import new_case

    ws = new_case(tmp_path / "classroom.xlsx", seed=42, n_candidates=6)
    _upload(page, tmp_path / "classroom.xlsx")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ak-picker select option')]"
        ".some(o => o.textContent.includes('(uploaded)'))"
    )
    name = ws.organization.name
    page.wait_for_function(
        "(name) => document.querySelector('.ak-app-message').innerText.includes(name)", arg=name
    )
    table = page.locator(".ak-explorer table").first
    for c in ws.candidates:
        table.get_by_text(c.id, exact=True).first.wait_for()
    text = table.inner_text()
    assert all(c.name in text for c in ws.candidates)
    page.screenshot(path=str(tmp_path / "uploaded.png"), full_page=True)


def test_malformed_upload_shows_problems_and_app_keeps_running(page, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a workbook")
    _upload(page, bad)
    page.wait_for_function(
        "() => document.querySelector('.ak-app-message').innerText.includes('Could not load')"
    )
    message = page.locator(".ak-app-message").inner_text()
    assert re.search(r"broken\.xlsx", message)
    # still usable: switch workspace with the picker
    page.locator(".ak-picker select").select_option(label="sanchar-apps")
    page.wait_for_function(
        "() => document.querySelector('.ak-app-message').innerText.includes('Sanchar')"
    )
    page.screenshot(path=str(tmp_path / "after-bad-upload.png"), full_page=True)


# -- JupyterLab (its bundled Vega-Lite is older than the app's: 5.6 against Voila's 5.21) --------
#: Every chart of ``alliancekit.charts`` as a notebook cell draws it (the greenscape sample).
_ALL_CHARTS = (
    """import pandas as pd
import alliancekit as ak
from alliancekit import charts
ws = ak.sample_workspace("greenscape")
review = ak.review_alliances(ws)
plan = ak.plan_portfolio(ws, review=review)
scores = {m: ak.score_partners(ws, method=m) for m in ("weighted_sum", "topsis", "promethee_ii")}
smaa = ak.smaa(ak.criteria_matrix(ws), "benefit", n_samples=200, seed=0, normalization="none")
frontier = ak.efficient_frontier(plan, vary="budget_annual", points=4, progress=False)
costs = [ws.alliance(a).cost_annual for a in review.table.index]
items = pd.DataFrame({"cost_annual": costs, "group": list(review.table["decision"])},
                     index=review.table.index)
money = ws.organization.money_label""",
    'charts.score_bars(scores["weighted_sum"], workspace=ws)',
    'charts.contribution_bars(scores["weighted_sum"], workspace=ws)',
    'charts.contribution_bars(scores["topsis"], workspace=ws)',
    'charts.contribution_bars(scores["promethee_ii"], workspace=ws)',
    'charts.acceptability_heatmap(smaa, scores=scores["weighted_sum"], workspace=ws)',
    'charts.risk_scatter(scores["topsis"].details, caps=ws.organization.caps(), workspace=ws)',
    "charts.totals_bars(plan, money_label=money)",
    "charts.frontier_plot(frontier, current=ws.organization.budget_annual, money_label=money)",
    "charts.budget_bars(items, ws.organization.budget_annual, money_label=money)",
    "charts.coverage_heatmap(ws.coverage_frame(), workspace=ws)",
    'charts.kpi_chart(review, "AL-B1", workspace=ws)',
    "charts.health_radar(review, list(review.table.index))",
    "charts.perception_gap(review)",
    "charts.attainment_sparklines(review)",
    "charts.decision_counts(review)",
)


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """JupyterLab on a free loopback port over a folder holding the executed chart notebook."""
    import nbformat
    from nbclient import NotebookClient

    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in _ALL_CHARTS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {}}).execute()
    nbformat.write(nb, root / "charts.ipynb")
    env = jupyter_env(root.parent / f"{root.name}-jupyter")
    port = find_free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "api", timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and any kernel it started
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_jupyterlab_draws_every_chart_offline(browser, jupyterlab: str, tmp_path: Path) -> None:
    """Each chart's saved Vega-Lite v5 output draws in JupyterLab's bundled renderer, with no
    request leaving 127.0.0.1 (JupyterLab 4.6 bundles Vega-Lite 5.6, older than our specs')."""
    context, page, requests, errors = _recording_page(browser)
    drawn: set[str] = set()  # the input prompts ("[7]:") of the cells whose chart is drawn
    try:
        page.goto(jupyterlab + "lab/tree/charts.ipynb", timeout=TIMEOUT_MS)
        page.wait_for_selector(".jp-Notebook .jp-RenderedVegaLite")
        for _ in range(120):  # the notebook draws cells as they scroll into view
            titles = page.evaluate(
                "() => [...document.querySelectorAll('.jp-RenderedVegaLite')]"
                ".filter(e => e.querySelector('canvas, svg.marks'))"
                ".map(e => e.closest('.jp-Cell').querySelector('.jp-InputPrompt').innerText)"
            )
            drawn |= set(titles) - {""}  # a prompt is empty while its cell re-renders
            if len(drawn) >= len(_ALL_CHARTS) - 1:
                break
            page.mouse.move(700, 500)
            page.mouse.wheel(0, 900)
            page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "jupyterlab.png"))
    finally:
        context.close()
    assert len(drawn) == len(_ALL_CHARTS) - 1, sorted(drawn)
    _assert_offline(requests)
    assert not [e for e in errors if "vega" in e.lower()], errors
