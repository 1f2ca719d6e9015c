"""How fast do the explorers react? One slider change = recompute + new chart specs.

Prints the median and 95th percentile time of one update (debounce off, so the figure is the
work a slider change triggers in the kernel) for each explorer and sample -- ``view``: numbers,
tables and partner lists updated; ``+charts``: the charts' Vega-Lite specs built and set on
their outputs too (on the next event-loop turn; the browser draws them) --, plus the time to
build the dashboard, and, when Debian chromium is installed, two end-to-end times in the Voilà
app: an arrow key on the annual-budget slider to the updated partner list, and an arrow key on
a slider to the new chart drawn in the page (a new canvas in its output).

Run: ``.venv/bin/python benchmarks/bench_widgets.py [--no-browser]``. Targets: slider to updated
chart < 100 ms median, < 200 ms p95 (the browser draws).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from alliancekit.widgets import Dashboard, PortfolioExplorer, ReviewExplorer, ScoringExplorer
from alliancekit.workspace import sample_names, sample_workspace

REPEATS = 15


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))] * 1e3


async def _measure(ex, action: Callable[[int], None], repeats: int) -> tuple[list, list]:
    """Time one control change inside a running event loop, as in a kernel.

    Phase 1 (``view``): numbers, tables and lists updated. Phase 2 (``+charts``): the chart
    specs built and set on their outputs, on the next loop turn.
    """
    views, totals = [], []
    for k in range(repeats):
        t0 = time.perf_counter()
        action(k)
        t1 = time.perf_counter()
        await asyncio.sleep(0)  # the deferred chart building runs here
        ex.flush()
        t2 = time.perf_counter()
        views.append(t1 - t0)
        totals.append(t2 - t0)
    return views, totals


def bench_python() -> None:
    print(
        f"{'explorer / control':36s} {'sample':14s} {'view med':>9s} {'view p95':>9s} "
        f"{'+chart med':>10s} {'+chart p95':>10s}   [ms]"
    )
    for name in sample_names()[:3]:
        ws = sample_workspace(name)
        org = ws.organization
        sc = ScoringExplorer(ws, debounce=0)
        pf = PortfolioExplorer(ws, debounce=0)
        rv = ReviewExplorer(ws, debounce=0)
        # the same slider with the efficient frontier shown and a "why not?" partner picked
        pff = PortfolioExplorer(ws, debounce=0)
        pff.show_frontier.value = True
        pff.why_not.value = ws.candidates[-1].id
        rows = {
            "scoring: weight slider C1": (
                sc,
                lambda k, sc=sc: setattr(sc.weight_sliders["C1"], "value", 0.10 + 0.02 * (k % 10)),
            ),
            "scoring: method dropdown": (
                sc,
                lambda k, sc=sc: setattr(
                    sc.method, "value", ("topsis", "weighted_sum", "promethee_ii")[k % 3]
                ),
            ),
            "portfolio: annual budget slider": (
                pf,
                lambda k, pf=pf, b=org.budget_annual: setattr(
                    pf.budget_annual, "value", b * (0.9 + 0.02 * (k % 8))
                ),
            ),
            "portfolio: budget, frontier + why-not": (
                pff,
                lambda k, pf=pff, b=org.budget_annual: setattr(
                    pf.budget_annual, "value", b * (0.9 + 0.02 * (k % 8))
                ),
            ),
            "portfolio: average-risk cap slider": (
                pf,
                lambda k, pf=pf: setattr(pf.avg_risk, "value", 0.30 + 0.01 * (k % 10)),
            ),
            "review: h_exit threshold slider": (
                rv,
                lambda k, rv=rv: setattr(rv.threshold_sliders["h_exit"], "value", 35.0 + (k % 10)),
            ),
        }
        for label, (ex, action) in rows.items():
            views, totals = asyncio.run(_measure(ex, action, REPEATS))
            print(
                f"{label:36s} {name:14s} {statistics.median(views) * 1e3:9.1f} "
                f"{_pct(views, 0.95):9.1f} {statistics.median(totals) * 1e3:10.1f} "
                f"{_pct(totals, 0.95):10.1f}"
            )
    t0 = time.perf_counter()
    Dashboard(debounce=0)
    took = time.perf_counter() - t0
    print(f"dashboard: build (first tab only, the others when shown; 1st sample): {took:.2f} s")


#: In the page: time from the next key press to the next chart drawn in the ``index``-th visible
#: chart output. vega-embed adds its actions menu (``details``) once the view has rendered.
_WATCH_CHART = """(index) => {
  const outputs = [...document.querySelectorAll('.ak-chart')].filter(e => e.offsetParent !== null);
  const ak = window.__akBench = {t0: null, t1: null};
  ak.observer = new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      const drawn = n.nodeType === 1 && n.matches('.vega-embed details');
      if (drawn && ak.t0 !== null && ak.t1 === null) ak.t1 = performance.now();
    }
  });
  ak.observer.observe(outputs[index], {childList: true, subtree: true});
  document.addEventListener('keydown', () => { ak.t0 = performance.now(); },
                            {capture: true, once: true});
}"""
_CHART_DRAWN = "() => window.__akBench.t1 !== null"
_CHART_TIME = (
    "() => { const ak = window.__akBench; ak.observer.disconnect(); return ak.t1 - ak.t0; }"
)


def _key_to_chart(page, handle: str, keys: list[str], index: int = 0) -> list[float]:
    """[s] from each key press on the slider ``handle`` to its chart redrawn in the page."""
    page.locator(handle).first.focus()
    times = []
    for key in keys:
        page.evaluate(_WATCH_CHART, index)
        page.keyboard.press(key)
        page.wait_for_function(_CHART_DRAWN, timeout=20_000)
        times.append(page.evaluate(_CHART_TIME) / 1e3)
        page.wait_for_timeout(150)  # let the partner list and the table settle too
    return times


def _summary(label: str, times: list[float]) -> None:
    print(
        f"browser: {label}: median {statistics.median(times) * 1e3:.0f} ms, "
        f"p95 {_pct(times, 0.95):.0f} ms, max {max(times) * 1e3:.0f} ms ({len(times)} presses; "
        "includes the 50 ms debounce)"
    )


def bench_browser() -> None:  # one browser session, three measurements: ~80 lines of steps
    if not os.access("/usr/bin/chromium", os.X_OK):
        print("browser: skipped (no /usr/bin/chromium)")
        return
    from playwright.sync_api import sync_playwright

    from alliancekit.app import serve
    from alliancekit.reporting.printing import HEADLESS_FLAGS

    args = list(HEADLESS_FLAGS)
    t0 = time.perf_counter()
    server = serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.open_url, timeout=120_000)  # the URL with the app token
            page.wait_for_selector(".ak-explorer table", timeout=120_000)
            page.wait_for_selector(".ak-chart .vega-embed details", state="attached")
            first = time.perf_counter() - t0
            weight = _key_to_chart(
                page, ".ak-weight-C1 .noUi-handle", ["ArrowRight", "ArrowLeft"] * 10
            )
            page.locator(".lm-TabBar-tab", has_text="Select portfolio").first.click()
            page.wait_for_selector(".ak-selected li")
            page.wait_for_timeout(1000)
            # 55 -> 50 -> 55 PKR lakh/yr in steps of 1: feasible all the way (45 is not)
            budget = _key_to_chart(
                page, ".ak-budget-annual .noUi-handle", (["ArrowLeft"] * 5 + ["ArrowRight"] * 5) * 2
            )
            handle = page.locator(".ak-budget-annual .noUi-handle").first
            handle.focus()
            times = []
            for key in ["ArrowLeft"] * 6 + ["ArrowRight"] * 6:
                t = time.perf_counter()
                page.keyboard.press(key)
                # the small print under the partner list names the budget it was solved for
                page.wait_for_function(
                    "() => { const v = Number(document.querySelector("
                    "'.ak-budget-annual .noUi-handle').getAttribute('aria-valuenow')); "
                    "const s = document.querySelector('.ak-settings'); "
                    "return s && s.innerText.includes('annual budget ' + v.toFixed(2)); }",
                    timeout=10_000,
                )
                times.append(time.perf_counter() - t)
            browser.close()
    finally:
        server.stop()
    print(f"browser: app start to first chart drawn {first:.1f} s")
    _summary("arrow key on weight C1 -> contributions chart redrawn", weight)
    _summary("arrow key on annual budget -> totals chart redrawn", budget)
    _summary("arrow key on annual budget -> updated partner list", times)


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, nproc {os.cpu_count()}")
    bench_python()
    if "--no-browser" not in sys.argv:
        bench_browser()
    print(f"(repo: {Path(__file__).resolve().parents[1]})")
