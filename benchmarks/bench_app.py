"""How fast is the web app to a person? First usable control, and a slider to the updated view.

In headless Debian chromium (Playwright, the flags of tests/conftest.py) against ``serve()``:

- **first usable control** [s]: from ``page.goto`` to the dashboard's workspace picker and the
  first ranking table on screen, for the dashboard with a preheated kernel (the default), the
  dashboard without one, and an empty notebook (one slider) served the same way; reported in
  seconds and as a ratio to the empty notebook (target: < 3 s, this machine);
- **slider → updated view** [ms]: an arrow key on the portfolio tab's annual-budget slider
  until the settings line under the partner list shows the new budget, and until the
  "Portfolio against its limits" chart is redrawn (median and p95 of each; a press waits until
  the page has been still for 0.4 s).

Each page load waits for the server's pool to refill its preheated kernel first (a second
visitor within seconds of the first meets a cold kernel: Voilà's pool is refilled in the
background).

Run: ``.venv/bin/python benchmarks/bench_app.py [--loads N] [--presses N]``; skips without
chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from alliancekit.app import serve
from alliancekit.reporting.printing import HEADLESS_FLAGS

CHROMIUM = "/usr/bin/chromium"
ARGS = list(HEADLESS_FLAGS)
TIMEOUT_MS = 180_000


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[round(q * (len(values) - 1))]


def _empty_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(3)")]
    )
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def _first_usable(browser, url: str, selector: str, settle: float) -> float:
    """Seconds from navigation to ``selector`` visible (after ``settle`` s for the pool)."""
    time.sleep(settle)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, timeout=TIMEOUT_MS)
        page.wait_for_selector(selector, timeout=TIMEOUT_MS, state="visible")
        return time.perf_counter() - t0
    finally:
        context.close()


def _loads(browser, server, selector: str, n: int, settle: float) -> list[float]:
    return [_first_usable(browser, server.open_url, selector, settle) for _ in range(n)]


#: Records, in the page's clock, when the settings line and a visible chart last changed.
_WATCH = """
() => {
  window.akSeen = {settings: [], chart: []};
  new MutationObserver((changes) => {
    const t = performance.now();
    for (const c of changes) {
      const el = c.target.nodeType === 1 ? c.target : c.target.parentElement;
      if (!el) continue;
      if (el.closest('.ak-settings') || el.querySelector('.ak-settings')) {
        window.akSeen.settings.push(t);
      }
      const chart = el.closest('.ak-chart');
      if (chart && chart.offsetParent !== null) window.akSeen.chart.push(t);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""

#: True once the settings line under the partner list shows the handle's new annual budget.
_NEW_BUDGET_SHOWN = (
    "(b) => { const h = document.querySelector('.ak-budget-annual .noUi-handle');"
    " const v = h.getAttribute('aria-valuenow');"
    " return v !== b && [...document.querySelectorAll('.ak-settings')].some(s =>"
    " s.offsetParent !== null && s.innerText.includes('annual budget '"
    " + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2,"
    " maximumFractionDigits: 2}))); }"
)


def _slider_presses(browser, url: str, presses: int) -> tuple[list[float], list[float]]:
    """Milliseconds from an arrow key on the annual budget to (1) the new budget in the settings
    line under the partner list and (2) the redrawn "Portfolio against its limits" chart.

    Each press waits until the page has been still for 0.4 s (as a person reads the result
    before the next step), so a press never lands while the browser still draws the last chart.
    Both times are in the page's own clock (``performance.now()``, a MutationObserver).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    numbers: list[float] = []
    chart: list[float] = []
    try:
        page.goto(url)
        page.wait_for_selector(".ak-explorer table")
        page.locator(".lm-TabBar-tab", has_text="Select portfolio").first.click()
        handle = page.locator(".ak-budget-annual .noUi-handle").first
        handle.wait_for(state="visible")
        handle.focus()
        page.wait_for_function(  # the tab's chart drawn (other tabs' charts are hidden)
            "() => [...document.querySelectorAll('.ak-chart canvas, .ak-chart svg')]"
            ".some((e) => e.offsetParent !== null)"
        )
        page.evaluate(_WATCH)
        for k in range(presses):
            key = "ArrowRight" if k % 2 == 0 else "ArrowLeft"
            before = str(handle.get_attribute("aria-valuenow"))
            t0 = page.evaluate(
                "() => { window.akSeen = {settings: [], chart: []}; return performance.now(); }"
            )
            page.keyboard.press(key)
            page.wait_for_function(_NEW_BUDGET_SHOWN, arg=before)
            page.wait_for_function(
                "() => { const s = window.akSeen; const last = Math.max(0, ...s.settings,"
                " ...s.chart); return performance.now() - last > 400; }"
            )
            seen = page.evaluate("() => window.akSeen")
            if seen["settings"]:
                numbers.append(min(seen["settings"]) - t0)
            if seen["chart"]:
                chart.append(max(seen["chart"]) - t0)
    finally:
        context.close()
    return numbers, chart


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--loads", type=int, default=3, help="page loads per server")
    parser.add_argument("--presses", type=int, default=12, help="slider presses")
    parser.add_argument("--settle", type=float, default=20.0, help="pool refill wait [s]")
    args = parser.parse_args(argv)
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not path:
        print("chromium not installed: skipped")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=ARGS, headless=True)
        empty = _empty_notebook(Path(tmp))
        results: dict[str, list[float]] = {}
        for name, kwargs, selector in (
            ("empty notebook, preheated", {"notebook": empty}, ".widget-slider .noUi-handle"),
            ("empty notebook, cold", {"notebook": empty, "preheat": False},
             ".widget-slider .noUi-handle"),
            ("dashboard, preheated", {}, ".ak-explorer table"),
            ("dashboard, cold", {"preheat": False}, ".ak-explorer table"),
        ):  # fmt: skip
            with serve(**kwargs) as server:
                results[name] = _loads(browser, server, selector, args.loads, args.settle)
                if name == "dashboard, preheated":
                    time.sleep(args.settle)
                    presses = _slider_presses(browser, server.open_url, args.presses)
        browser.close()
    base = statistics.median(results["empty notebook, preheated"])
    base_cold = statistics.median(results["empty notebook, cold"])
    print(f"{'first usable control':30s} {'median [s]':>10s} {'max [s]':>8s} {'ratio':>7s}")
    for name, values in results.items():
        ref = base if "preheated" in name else base_cold
        med = statistics.median(values)
        print(f"{name:30s} {med:10.2f} {max(values):8.2f} {med / ref:6.2f}×")
    numbers, chart = presses
    for what, values in (("settings line", numbers), ("chart redrawn", chart)):
        print(
            f"slider → {what} (annual budget, portfolio tab): median "
            f"{statistics.median(values):.0f} ms, p95 {_pct(values, 0.95):.0f} ms "
            f"({len(values)} of {args.presses} presses)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
