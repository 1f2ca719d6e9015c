"""The Roadmap tab of the decision room in a real browser (issue 19, item 5), as a strategist.

``alliancekit.app.serve`` (preheated kernel, token, loopback) driven by Debian chromium through
Playwright with the flags of tests/conftest.py: pick the workspace whose capacity binds, open
the Roadmap tab, see the Gantt and the spend and capacity charts drawn by the browser, shorten
the roadmap, and read the tab as people do: names and units, no internal key, no solver text,
nothing loaded from outside 127.0.0.1, 1280 px wide, no serious axe-core violation. Screenshots
are kept under the test's ``tmp_path``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pages import wait_text as _wait_text
from solver_text import solver_text

from alliancekit.app import serve

pytestmark = pytest.mark.browser

TIMEOUT_MS = 180_000
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Texts people must never read: internal constraint keys and field names.
INTERNAL = ("limit[", "coverage[", "count.", "each[", "average[", "@20", "_one_off", "R_rel")
#: JavaScript: heights [px] of the charts the browser drew in the visible roadmap tab.
_DRAWN = """(sel) => [...document.querySelectorAll(sel + ' .vega-embed')]
    .filter(e => e.offsetParent !== null)
    .map(e => e.querySelector('canvas, svg.marks'))
    .filter(c => c && c.getBoundingClientRect().height > 50)
    .map(c => c.getBoundingClientRect().height)"""


def test_the_roadmap_tab_draws_the_gantt_in_words(
    chromium_path: str, launch_chromium, tmp_path: Path
) -> None:
    requests: list[str] = []
    errors: list[str] = []
    with serve(timeout=180) as app, launch_chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto(app.open_url, timeout=TIMEOUT_MS)
            page.wait_for_selector(".ak-explorer table", timeout=TIMEOUT_MS)
            page.locator(".ak-picker select").select_option(label="norden-pumpen")
            _wait_text(page, ".ak-app-message", "Norden Pumpen")
            page.locator(".lm-TabBar-tab", has_text="Roadmap").first.click()
            _wait_text(page, ".ak-roadmap-summary", "7 new partner(s) over 5 year(s)")
            page.wait_for_function(f"() => ({_DRAWN})('.ak-roadmap-gantt').length === 1")
            page.wait_for_function(f"() => ({_DRAWN})('.ak-roadmap-limits').length === 1")
            _wait_text(page, ".ak-roadmap-table", "Management capacity [FTE]")
            text = page.inner_text("body")
            assert "Management capacity (2026–2027)" in text  # capacity binds, in words
            assert "Eisenwerk Süd" in text  # the review's exit, by name
            page.wait_for_timeout(800)
            page.screenshot(path=str(tmp_path / "roadmap.png"), full_page=True)
            assert (tmp_path / "roadmap.png").stat().st_size > 20_000
            # fits 1280 px without sideways scrolling; axe-core finds nothing serious
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
            page.add_script_tag(path=str(AXE))
            serious = page.evaluate(
                """async () => (await axe.run(document, {runOnly: {type: 'tag',
                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                     .filter(v => ['serious', 'critical'].includes(v.impact))
                     .map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""
            )
            assert not serious, serious
            for part in ("gantt", "limits", "table"):  # the tab scrolls inside the page
                view = page.locator(f".ak-roadmap-{part}").first
                view.scroll_into_view_if_needed()
                view.screenshot(path=str(tmp_path / f"roadmap-{part}.png"))
            # a shorter roadmap: two steps left on the horizon slider
            handle = page.locator(".ak-years .noUi-handle:visible").first
            handle.focus()
            for _ in range(2):
                page.keyboard.press("ArrowLeft")
                page.wait_for_timeout(100)
            _wait_text(page, ".ak-roadmap-summary", "over 3 year(s) (2026 to 2028)")
            page.wait_for_function(f"() => ({_DRAWN})('.ak-roadmap-gantt').length === 1")
            shown = text + "\n" + page.inner_text("body")
        finally:
            page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
            context.close()
    found = [key for key in INTERNAL if key in shown]
    assert not found, found
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", shown), re.findall(r"\b[a-z]+_[a-z_]+\b", shown)
    assert not solver_text(shown), solver_text(shown)[:3]
    local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
    assert requests and not [u for u in requests if not u.startswith(local)], requests[:5]
    assert not [e for e in errors if "vega" in e.lower() or "render" in e.lower()], errors
