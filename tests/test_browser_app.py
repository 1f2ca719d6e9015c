"""The decision room in a real browser (issue 15): journeys across the tabs, as a strategist.

``alliancekit.app.serve`` (preheated kernel, token, loopback) driven by Debian chromium through
Playwright with the flags of tests/conftest.py, at 1280 × 800. Each journey ends in a
screenshot under the test's ``tmp_path`` and records the visible text of every tab it reached;
the last tests check that no recorded text holds an internal key or solver output, and run
axe-core (vendored, tests/vendor/axe.min.js) in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pages import visible_text as _visible
from pages import wait_tab
from pages import wait_text as _wait_text
from solver_text import solver_text

from alliancekit.app import serve

pytestmark = pytest.mark.browser

TIMEOUT_MS = 180_000
VIEWPORT = {"width": 1280, "height": 800}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TABS = ("Score partners", "Select portfolio", "Review alliances")
#: Texts people must never read: internal constraint keys, column names, preset ids.
INTERNAL = (
    "limit[",
    "coverage[",
    "count.",
    "each[",
    "average[",
    "_one_off",
    "expected_npv",
    "capability_seeking",
    "cost_sharing",
    "public_partner",
    "hard_risk_caps",
    "mean_cvar",
    "objective_coef",
    "value_rise_to_enter",
    "R_rel",
)
#: Visible text of every tab in every state the journeys reached: (where, text).
SEEN: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def app(chromium_path: str) -> Iterator[object]:
    """The app, served as ``alliancekit app`` serves it (stopped by PID at the end)."""
    with serve(timeout=180) as server:
        yield server


@pytest.fixture
def page(browser, app, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(app.open_url, timeout=TIMEOUT_MS)
    pg.wait_for_selector(".ak-explorer table", timeout=TIMEOUT_MS)
    try:
        yield pg
    finally:
        pg.screenshot(path=str(tmp_path / "last.png"), full_page=True)  # what the test left
        context.close()
    local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
    assert requests and not [u for u in requests if not u.startswith(local)], requests[:5]


# -- helpers ------------------------------------------------------------------------------------


def _wait_choice(page, text: str) -> None:
    """Wait until a visible dropdown shows ``text`` as its choice (ipywidgets writes the
    spaces of an option as no-break spaces)."""
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('select')].some(s => s.offsetParent !== null"
        " && s.selectedOptions.length"
        " && s.selectedOptions[0].text.replace(/\\u00a0/g, ' ') === text)",
        arg=text,
    )


def _tab(page, title: str) -> None:
    page.locator(".lm-TabBar-tab", has_text=title).first.click()
    page.wait_for_timeout(300)
    wait_tab(page)


def _record(page, where: str) -> None:
    """Keep the visible text of every tab (the state the journey reached)."""
    current = page.locator(".lm-TabBar-tab.lm-mod-current").first.inner_text()
    for title in TABS:
        _tab(page, title)
        SEEN.append((f"{where} / {title}", page.inner_text("body")))
    _tab(page, current.split(" ", 1)[-1])


def _workspace(page, label: str, name: str) -> None:
    page.locator(".ak-picker select").select_option(label=label)
    _wait_text(page, ".ak-app-message", name)
    page.locator(".ak-explorer table:visible").first.wait_for()


def _press(page, selector: str, key: str, times: int) -> None:
    handle = page.locator(f"{selector} .noUi-handle:visible").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)
        page.wait_for_timeout(40)


def _shot(page, path: Path) -> None:
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


# -- journeys -----------------------------------------------------------------------------------
def test_weights_in_tab_1_change_the_portfolio_in_tab_2(page, tmp_path: Path) -> None:
    _workspace(page, "sanchar-apps", "Sanchar")
    _tab(page, "Select portfolio")
    page.locator(".widget-dropdown select:visible").filter(
        has=page.locator("option", has_text="Maximise the partners")
    ).first.select_option(label="Maximise the partners' scores")
    _wait_choice(page, "Maximise the partners' scores")
    _wait_text(page, ".ak-selected", "A13")  # the score objective with the default weights
    before = _visible(page, ".ak-selected")
    _tab(page, "Score partners")
    _press(page, ".ak-weight-C2", "ArrowRight", 16)  # strategic value 0.14 -> 0.30
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ak-weight-C2 .noUi-handle')]"
        ".some(h => h.offsetParent !== null && h.getAttribute('aria-valuenow') === '0.3')"
    )
    _wait_choice(page, "Your own weights")
    _tab(page, "Select portfolio")
    _wait_text(page, ".ak-selected", "A11")
    after = _visible(page, ".ak-selected")
    assert after != before
    assert "A01" in after and "A13" not in after  # as plan_portfolio with these weights
    _shot(page, tmp_path / "weights-change-portfolio.png")
    _record(page, "weights")


def test_a_review_threshold_changes_which_alliance_the_plan_exits(page, tmp_path: Path) -> None:
    _workspace(page, "sanchar-apps", "Sanchar")
    _tab(page, "Select portfolio")
    _wait_text(page, ".ak-exits", "AL-A4")
    assert "AL-A3" not in _visible(page, ".ak-exits")
    _tab(page, "Review alliances")
    _press(page, ".ak-h-exit", "ArrowRight", 10)  # exit when health < 50: AL-A3 (49.8) exits
    _wait_text(page, ".ak-explorer", "EXIT 2")
    _tab(page, "Select portfolio")
    _wait_text(page, ".ak-exits", "AL-A3")
    exited = "exited: Indus Retail Chain (AL-A3), QuickLend (AL-A4)"  # partners' names
    _wait_text(page, ".ak-app-message, .ak-explorer", exited)
    _shot(page, tmp_path / "threshold-changes-exits.png")
    _record(page, "threshold")


def test_an_infeasible_budget_is_fixed_with_one_click(page, tmp_path: Path) -> None:
    _tab(page, "Select portfolio")  # greenscape
    _wait_text(page, ".ak-selected", "B14")
    _press(page, ".ak-budget-annual", "ArrowLeft", 45)  # 55 -> 10 PKR lakh/yr
    handle = page.locator(".ak-budget-annual .noUi-handle:visible").first
    page.wait_for_timeout(500)
    budget = float(handle.get_attribute("aria-valuenow"))
    assert budget <= 12.0
    _wait_text(page, ".ak-guide", f"annual budget ({budget:g} PKR lakh/yr)")
    guide = _visible(page, ".ak-guide")
    assert guide.count("No portfolio meets") == 1
    assert f"annual budget ({budget:g} PKR lakh/yr)" in guide, guide
    button = page.locator("button.ak-fix:visible", has_text="Raise the annual budget to").first
    label = button.inner_text()
    _shot(page, tmp_path / "infeasible.png")
    _record(page, "infeasible")
    button.click()
    _wait_text(page, ".ak-selected", "Selected partners (")
    value = label.rsplit(" ", 1)[-1]
    assert float(handle.get_attribute("aria-valuenow")) == pytest.approx(float(value))
    page.wait_for_function(  # the explanation goes with the infeasibility
        "() => ![...document.querySelectorAll('.ak-guide')].some(e => e.offsetParent !== null)"
    )
    _shot(page, tmp_path / "fixed.png")
    _record(page, "fixed")


def test_ahp_shows_the_judgement_to_repair(page, tmp_path: Path) -> None:
    page.get_by_text("Set the weights by comparing criteria (AHP)").filter(
        visible=True
    ).first.click()
    cells = page.locator(".ak-ahp-cell select:visible")
    cells.nth(0).wait_for(state="visible")
    # C1 vs C2 = 9, C2 vs C3 = 9, C1 vs C3 = 1/9: contradictory
    cells.nth(0).select_option(label="extremely more important (9)")
    cells.nth(10).select_option(label="extremely more important (9)")
    cells.nth(1).select_option(label="extremely less important (1/9)")
    _wait_text(page, ".ak-ahp-hint", "Most inconsistent")
    hint = _visible(page, ".ak-ahp-hint")
    assert "Capability complementarity (C1)" in hint and "brings CR to" in hint
    assert page.locator(".ak-ahp-worst:visible").count() == 1
    assert "Goal compatibility (C3)" in page.locator(".ak-ahp-worst:visible").inner_text()
    page.locator("button.ak-ahp-apply:visible").click()
    _wait_text(page, ".ak-ahp-confirm", "Use them anyway?")
    page.locator(".ak-ahp-worst:visible").scroll_into_view_if_needed()
    _shot(page, tmp_path / "ahp-repair-hint.png")
    _record(page, "ahp")
    page.locator("button.ak-ahp-repair:visible").click()  # the suggested value
    page.wait_for_timeout(500)
    _record(page, "ahp repaired")


def test_switching_workspace_never_shows_stale_content(page, tmp_path: Path) -> None:
    """While sanchar-apps loads, nothing of greenscape stays on screen under its name, and
    the tab shown and the method chosen stay."""
    _tab(page, "Select portfolio")
    _wait_text(page, ".ak-selected", "B14")
    page.evaluate(
        """() => { window.__frames = []; const t0 = performance.now();
        window.__timer = setInterval(() => window.__frames.push(
            [document.title, document.body.innerText, performance.now() - t0]), 50); }"""
    )
    page.locator(".ak-picker select").select_option(label="sanchar-apps")
    _wait_text(page, ".ak-selected", "Selected partners (")
    _wait_text(page, ".ak-app-message", "Sanchar")
    frames = page.evaluate("() => { clearInterval(window.__timer); return window.__frames; }")
    stale = [
        (round(ms), title)
        for title, text, ms in frames
        if "Sanchar" in title and ("GreenScape" in text or "Sindh Forest" in text)
    ]
    assert not stale, stale[:3]
    assert any("Loading" in text for _, text, _ in frames) or len(frames) < 3
    # the page copies its title from the widgets a moment after they change (a debounced
    # observer): wait for it rather than read it at once
    title = "alliancekit — Sanchar Apps (Pvt) Ltd"
    page.wait_for_function("t => document.title === t", arg=title, timeout=60_000)
    assert page.title() == title
    assert (
        page.locator(".lm-TabBar-tab.lm-mod-current")
        .first.inner_text()
        .endswith("Select portfolio")
    )
    _shot(page, tmp_path / "switched.png")
    _record(page, "switched")


def test_upload_a_good_and_a_bad_workspace(page, tmp_path: Path) -> None:
    from alliancekit.teaching import new_case

    ws = new_case(tmp_path / "classroom.xlsx", seed=42, n_candidates=6)
    for path in (tmp_path / "classroom.xlsx",):
        with page.expect_file_chooser() as chooser:
            page.locator("button.ak-upload").click()
        chooser.value.set_files(str(path))
    _wait_text(page, ".ak-app-message", ws.organization.name)
    page.wait_for_function(
        "(n) => document.title === 'alliancekit — ' + n", arg=ws.organization.name
    )
    text = _visible(page, ".ak-ranking, .ak-knocked-out")
    assert all(c.name in text for c in ws.candidates)
    _shot(page, tmp_path / "uploaded.png")
    _record(page, "uploaded")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a workbook")
    with page.expect_file_chooser() as chooser:
        page.locator("button.ak-upload").click()
    chooser.value.set_files(str(bad))
    _wait_text(page, ".ak-app-message", "Could not load broken.xlsx")
    assert ws.organization.name in page.title()  # the good upload stays on screen
    _shot(page, tmp_path / "bad-upload.png")
    _record(page, "bad upload")


# -- what every journey showed ------------------------------------------------------------------
def test_no_internal_key_or_solver_text_in_any_tab_reached() -> None:
    if len(SEEN) < 6:
        pytest.skip("the journeys above did not run")
    for where, text in SEEN:
        found = [key for key in INTERNAL if key in text]
        assert not found, f"{where}: {found} in {text[:300]!r}"
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text.replace("ak_", "")), (
            where,
            re.findall(r"\b[a-z]+_[a-z_]+\b", text)[:5],
        )
        assert not solver_text(text), (where, solver_text(text)[:3])


def test_axe_finds_no_serious_accessibility_violation(page, tmp_path: Path) -> None:
    """axe-core (WCAG 2 A and AA rules) in each tab: no serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    found = {}
    for title in TABS:
        _tab(page, title)
        page.wait_for_timeout(1500)
        result = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                 .filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => [v.id, v.help, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""
        )
        if result:
            found[title] = result
    _shot(page, tmp_path / "axe.png")
    assert not found, found


def test_the_page_fits_1280_by_800_without_horizontal_scrolling(page) -> None:
    for title in TABS:
        _tab(page, title)
        page.wait_for_timeout(1500)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= VIEWPORT["width"], (title, width)
    assert page.title().startswith("alliancekit — ")
    # every slider handle and dropdown has an accessible name
    unnamed = page.evaluate(
        "() => [...document.querySelectorAll('.noUi-handle, select')]"
        ".filter(e => e.offsetParent !== null && !e.getAttribute('aria-label')).length"
    )
    assert unnamed == 0
