"""Benchmark: review report wall time against the kernel floor, and parallel batch speed-up.

1. Kernel floor: execute ``tests/notebooks/empty.ipynb`` (parameters cell only) with the same
   runner (papermill, the project's ``python3`` kernel) and convert it to HTML the same way.
   One sample report (``run_report``: real notebook, HTML, JSON, CSV, decision log, index) is
   timed in the same process, interleaved with the floor; the ratio of medians is the figure
   (target ≤ 2.5).
2. The three samples with ``run_reports(jobs=1)`` vs ``run_reports(jobs=2)``.

Run: ``.venv/bin/python benchmarks/bench_reports.py [--repeats 3] [--sample greenscape]``.
Prints a Markdown table for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
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


def report_once(sample: str, out: Path) -> float:
    """Wall time of one complete ``run_report`` [s]."""
    start = time.perf_counter()
    reporting.run_report(DATA / sample, out_dir=out, progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", default="greenscape", choices=SAMPLES)
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmpdir:
        tmp = Path(tmpdir)
        floor_once(tmp)  # warm-up: imports (papermill, nbconvert) and disk caches
        report_once(args.sample, tmp / "warm")
        floors, reports = [], []
        for _ in range(args.repeats):
            floors.append(floor_once(tmp))
            reports.append(report_once(args.sample, tmp / "reports"))
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
        verdict = "OK" if ratio <= 2.5 else "MISSED"
        print(f"| ratio report / floor | {ratio:.2f} | target ≤ 2.5: {verdict} |")
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
