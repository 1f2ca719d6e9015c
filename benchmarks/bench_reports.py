"""Benchmark: review report wall time against the kernel floor, and parallel batch speed-up.

1. Kernel floor: execute ``tests/notebooks/empty.ipynb`` (parameters cell only) with the same
   runner (papermill, the project's ``python3`` kernel) and convert it to HTML the same way.
   One sample report (``run_report``: real notebook, HTML, JSON, CSV, decision log, index) is
   timed in the same process, interleaved with the floor; the ratio of medians is the figure
   (target ≤ 3.0 since the charts are Vega-Lite specs drawn as SVG by vl-convert). The report's
   kernel hands its charts over as signed calls; the runner's drawing processes (two once a
   report has waited for its charts) build and draw them while the kernel computes
   (``reporting/deferred.py``); the time the runner still waits for them is printed too.
   Arms interleaved with the report, in alternating order: ``--compare-specs``, the same report
   with a kernel that builds its charts' specs itself (no key), as before the calls;
   ``--compare-one-drawer``, the same report drawn by one drawing process, as before the pool.
2. What the charts cost, in fresh interpreters: importing the chart layer (Altair; with and
   without jsonschema's IRI checker, which the report skips) — what a report kernel that built
   its own charts paid, and what the runner pays once per process now — starting the
   vl-convert engine, and building and drawing the report's charts one after the other.
3. The three samples with ``run_reports(jobs=1)`` vs ``run_reports(jobs=2)``.

Run: ``.venv/bin/python benchmarks/bench_reports.py [--repeats 3] [--sample greenscape]``.
Prints a Markdown table for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from alliancekit import reporting

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EMPTY = ROOT / "tests" / "notebooks" / "empty.ipynb"
SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")


def floor_once(tmp: Path) -> float:
    """Run + convert the empty notebook exactly as a report is run and converted [s]."""
    start = time.perf_counter()
    out = tmp / "floor.ipynb"
    reporting.execute_notebook(
        EMPTY,
        out,
        {"workspace": str(DATA / "greenscape"), "period": "2025-Q2", "results_path": ""},
        cwd=tmp,
    )
    (tmp / "floor.html").write_text(reporting.notebook_to_html(out), "utf-8")
    return time.perf_counter() - start


#: Seconds each report's runner waited for its charts once the kernel had finished.
CHART_WAITS: list[float] = []


def _time_chart_waits() -> None:
    """Record how long ``ChartDrawer.finish`` waits: the drawing not hidden behind the kernel."""
    from alliancekit.reporting import deferred

    finish = deferred.ChartDrawer.finish

    def timed(self: deferred.ChartDrawer, nb: object) -> list[str]:
        start = time.perf_counter()
        try:
            return finish(self, nb)
        finally:
            if self._futures:  # a report (the floor's empty notebook draws nothing)
                CHART_WAITS.append(time.perf_counter() - start)

    deferred.ChartDrawer.finish = timed  # type: ignore[method-assign]


def _with_kernel_specs(run: Callable[[], float]) -> float:
    """``run()`` with report kernels given no key: they build their charts' specs themselves."""
    from alliancekit.reporting import deferred, kernel

    kernel.kernel_env = lambda defer: {deferred.DEFER_ENV: "1" if defer else "0"}
    try:
        return run()
    finally:
        kernel.kernel_env = deferred.kernel_env


_ONE_PROCESS: list[object] = []  # the --compare-one-drawer arm's pool, kept warm between runs


def _with_one_drawing_process(run: Callable[[], float]) -> float:
    """``run()`` with the charts drawn by one drawing process, as before the pool of two."""
    from alliancekit.reporting import deferred

    if not _ONE_PROCESS:
        _ONE_PROCESS.append(deferred._DrawingPool(1))
    shared, deferred._POOL = deferred._POOL, _ONE_PROCESS[0]  # type: ignore[assignment]
    try:
        return run()
    finally:
        deferred._POOL = shared


def report_once(sample: str, out: Path) -> float:
    """Wall time of one complete ``run_report`` [s]."""
    start = time.perf_counter()
    reporting.run_report(DATA / sample, out_dir=out, progress=False)
    return time.perf_counter() - start


#: Run in a fresh interpreter (as a report kernel is): the chart costs [s], one per line.
_CHART_COSTS = """
import time
t = time.perf_counter
import alliancekit as ak
from alliancekit import reporting
from alliancekit.reporting.sections.base import charts_module
ws = ak.sample_workspace("{sample}")
review = ak.review_alliances(ws)
t0 = t(); charts = charts_module(); t1 = t()
charts.warm_up(); t2 = t()
parts = [reporting.spend_chart(ws, review), reporting.coverage_chart(ws),
         reporting.attainment_chart(review), reporting.kpi_charts(review, ws),
         reporting.health_chart(review), reporting.perception_chart(review)]
t3 = t()
print(t1 - t0, t2 - t1, t3 - t2, sum(p._repr_html_().count("<img") for p in parts))
"""
_PLAIN_ALTAIR = (
    "import time\nt = time.perf_counter()\nimport altair\nprint(time.perf_counter() - t)\n"
)


def chart_costs(sample: str, repeats: int) -> None:
    """Median over ``repeats`` fresh interpreters of each chart cost (built and drawn in one
    process, as a notebook kernel does)."""
    runs, plain = [], []
    for _ in range(repeats):
        code = _CHART_COSTS.format(sample=sample)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        runs.append([float(x) for x in out.stdout.split()])
        out = subprocess.run([sys.executable, "-c", _PLAIN_ALTAIR], capture_output=True, text=True)
        plain.append(float(out.stdout))
    med = [statistics.median(col) for col in zip(*runs, strict=True)]
    print(f"| import the chart layer (Altair), where the charts are built, median of {repeats} | "
          f"{med[0]:.2f} s | plain `import altair` {statistics.median(plain):.2f} s: jsonschema "
          "loads rfc3987_syntax's grammar, which the report skips |")  # fmt: skip
    print(f"| start the vl-convert engine (first SVG) | {med[1]:.2f} s | once per process |")
    print(
        f"| build and draw the report's {int(med[3])} charts, one process | {med[2]:.2f} s | "
        f"{1e3 * med[2] / max(med[3], 1):.0f} ms per chart |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", default="greenscape", choices=SAMPLES)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--compare-specs", action="store_true")
    parser.add_argument("--compare-one-drawer", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmpdir:
        tmp = Path(tmpdir)
        arms: dict[str, Callable[[], float]] = {
            "report": lambda: report_once(args.sample, tmp / "reports")
        }
        if args.compare_specs:
            arms["specs"] = lambda: _with_kernel_specs(
                lambda: report_once(args.sample, tmp / "specs")
            )
        if args.compare_one_drawer:
            arms["one"] = lambda: _with_one_drawing_process(
                lambda: report_once(args.sample, tmp / "one")
            )
        floor_once(tmp)  # warm-up: imports (papermill, nbconvert) and disk caches
        for run in arms.values():
            run()  # and each arm's drawing processes (the pool grows to two here)
        floors: list[float] = []
        times: dict[str, list[float]] = {name: [] for name in arms}
        _time_chart_waits()
        for round_ in range(args.repeats):
            floors.append(floor_once(tmp))
            order = list(arms) if round_ % 2 == 0 else list(reversed(arms))
            for name in order:  # alternating, so a change in background load hits all alike
                times[name].append(arms[name]())
        reports, specs, ones = times["report"], times.get("specs", []), times.get("one", [])
        f_med, r_med = statistics.median(floors), statistics.median(reports)
        ratio = r_med / f_med
        print(f"nproc = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start of batch")
        print("| case | wall time | note |")
        print("|---|---|---|")
        print(
            f"| kernel floor (empty notebook: run + HTML), median of {args.repeats} | "
            f"{f_med:.2f} s | runs {', '.join(f'{x:.2f}' for x in floors)} |"
        )
        print(
            f"| report {args.sample} (run_report, all files), median of {args.repeats} | "
            f"{r_med:.2f} s | runs {', '.join(f'{x:.2f}' for x in reports)} |"
        )
        verdict = "OK" if ratio <= 3.0 else "MISSED"
        print(f"| ratio report / floor | {ratio:.2f} | target ≤ 3.0: {verdict} |")
        if specs:
            s_med = statistics.median(specs)
            print(
                f"| same report, kernel building its charts' specs, median of {args.repeats} | "
                f"{s_med:.2f} s | runs {', '.join(f'{x:.2f}' for x in specs)}; ratio "
                f"{s_med / f_med:.2f} |"
            )
        if ones:
            o_med = statistics.median(ones)
            print(
                f"| same report, one drawing process instead of two, median of {args.repeats} | "
                f"{o_med:.2f} s | runs {', '.join(f'{x:.2f}' for x in ones)}; ratio "
                f"{o_med / f_med:.2f} |"
            )
        waits = ", ".join(f"{1e3 * w:.0f}" for w in CHART_WAITS)
        print(
            "| the runner's wait for its drawing process after the kernel finished | "
            f"{1e3 * statistics.median(CHART_WAITS):.0f} ms | runs {waits} ms: the rest of the "
            "drawing overlapped the kernel |"
        )
        chart_costs(args.sample, args.repeats)
        if args.skip_batch:
            return
        paths = [DATA / s for s in SAMPLES]
        seq_times, par_times = [], []
        for round_ in range(args.repeats):
            # alternate the order so a change in background load hits both alike
            for jobs in (1, 2) if round_ % 2 == 0 else (2, 1):
                start = time.perf_counter()
                batch = reporting.run_reports(
                    paths, out_dir=tmp / f"batch{jobs}", jobs=jobs, progress=False
                )
                elapsed = time.perf_counter() - start
                assert batch.ok, batch.summary()
                (seq_times if jobs == 1 else par_times).append(elapsed)
        t_seq, t_par = statistics.median(seq_times), statistics.median(par_times)
        print(
            f"| 3 samples, run_reports jobs=1, median of {args.repeats} | {t_seq:.2f} s | "
            f"runs {', '.join(f'{x:.2f}' for x in seq_times)} |"
        )
        print(
            f"| 3 samples, run_reports jobs=2, median of {args.repeats} | {t_par:.2f} s | "
            f"runs {', '.join(f'{x:.2f}' for x in par_times)}; speed-up {t_seq / t_par:.2f}×: "
            f"{'faster' if t_par < t_seq else 'NOT faster'} |"
        )
        print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
