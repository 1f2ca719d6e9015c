"""``alliancekit report``: run and publish the review reports of one or more workspaces."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from alliancekit.cli import common
from alliancekit.errors import AllianceKitError, ReportError

__all__ = ["register"]

#: ``status`` of the JSON outcome for each exit code.
_STATUS_WORDS = common.STATUS_WORDS


def register(sub: Any) -> None:
    """Add ``report`` to the sub-command parsers."""
    p = common.add_command(sub, "report", run)
    common.workspace_argument(p, "*")
    p.add_argument("--all", action="store_true", help="every workspace in the --data folder")
    p.add_argument("--data", default="data", help="folder holding workspaces (for --all)")
    common.period_options(p, "quarter to compare with (default: the one before --period)")
    p.add_argument("--out", default="reports", help="folder the reports are published into")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="reports run in parallel")
    common.scheduler_option(p)
    common.seconds_option(p, "--timeout", 600.0, "longest time one notebook cell may run")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print review.pdf and brief.pdf with headless Chromium (/usr/bin/chromium or "
        "$ALLIANCEKIT_CHROMIUM; exit 4 if it is missing)",
    )
    p.add_argument(
        "--record-actions",
        action="store_true",
        help="append each report's new actions to its workspace's actions table, for the next "
        "quarter's review to follow up (your own workspace folder or workbook; bundled samples "
        "are refused)",
    )
    p.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="report under a scenario saved in the workspace (published as "
        "<workspace>-scenario-<NAME>)",
    )
    common.format_option(p, "the published files and any failures")


def _workspaces_in(data: Path) -> list[Path]:
    """Every workspace in ``data``: folders holding organization.yaml, and .xlsx workbooks."""
    if not data.is_dir():
        raise common.UsageError(f"--all: data folder not found: {data}")
    found = [
        p
        for p in sorted(data.iterdir())
        if (p.is_dir() and (p / "organization.yaml").is_file())
        or (p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
    ]
    if not found:
        raise common.UsageError(
            f"--all: no workspace (folder with organization.yaml or .xlsx) in {data}"
        )
    return found


def _workspace_paths(args: argparse.Namespace) -> list[str]:
    """The workspaces named, then (with ``--all``) those in ``--data`` not named already."""
    paths = [str(p) for p in args.workspace]
    if args.all:
        paths += [str(p) for p in _workspaces_in(Path(args.data)) if str(p) not in paths]
    if not paths:
        raise common.UsageError("report: give one or more WORKSPACE paths, or --all")
    if args.jobs < 1:
        raise common.UsageError(f"--jobs must be at least 1, got {args.jobs}")
    return paths


def _failure_text(path: str, err: AllianceKitError) -> str:
    """The error as it renders itself for a terminal, naming the workspace if it does not."""
    text = err.for_cli()
    if err.headline.startswith(path):
        return text
    prefix = f"{err.kind}: "
    return f"{prefix}{path}: {text.removeprefix(prefix)}"


def _batch_json(batch: Any, status: int) -> dict:
    """Machine-readable outcome of ``report`` for schedulers (same status as the exit code)."""
    failures = []
    for path, err in batch.failures:
        record = {
            "workspace": path,
            "kind": _STATUS_WORDS.get(err.exit_code, "invalid_input"),
            "message": err.headline,
        }
        if isinstance(err, ReportError):
            record["cell_index"] = err.cell_index
            record["failed_notebook"] = str(err.notebook_path) if err.notebook_path else None
        failures.append(record)
    return {
        "status": _STATUS_WORDS.get(status, "report_failed"),
        "exit_code": status,
        "reports": [
            {
                "workspace": run.workspace,
                "period": run.period,
                "html": str(run.html),
                "results_json": str(run.results_json),
                "summary_csv": str(run.summary_csv),
                "decision_log": str(run.decision_log),
                "brief": str(run.brief) if run.brief else None,
                "pdf": [str(p) for p in run.pdfs],
                "actions_recorded": run.actions_recorded,
                "decisions": dict(run.decisions),
                "duration_s": round(run.duration_s, 3),
            }
            for run in batch.runs
        ],
        "index": str(batch.runs[0].index) if batch.runs else None,
        "failures": failures,
    }


def run(args: argparse.Namespace) -> int:
    """publish review reports (HTML, JSON, CSV) into reports/

    Run the review report notebook for each workspace and publish
    <out>/<workspace>/<period>/review.html, brief.html (the one-page executive brief),
    results.json and summary.csv (with --pdf also review.pdf and brief.pdf), the decision log
    <out>/<workspace>/decisions.csv and <out>/index.html. A failed run leaves the previous
    report untouched and keeps the failed notebook under <out>/<workspace>/_failed/.

    Prints where each report went; a failed report prints the failing cell, the error and the
    kept notebook on stderr. The exit code is the most serious failure's (4 a report failed,
    2 invalid input such as a bad workspace or period, 70 a file missing from the
    installation), else 0.
    """
    from alliancekit.reporting import run_reports

    batch = run_reports(
        _workspace_paths(args),
        period=args.period,
        out_dir=args.out,
        previous_period=args.previous_period,
        timeout=args.timeout,
        jobs=args.jobs,
        scheduler=args.scheduler,
        progress=sys.stderr.isatty(),
        pdf=args.pdf,
        record_actions=args.record_actions,
        **({"scenario": args.scenario} if args.scenario else {}),
    )
    status = max((err.exit_code for _, err in batch.failures), default=common.EXIT_OK)
    if args.format == "json":
        common.print_json(_batch_json(batch, status))
        return status
    for run_ in batch.runs:
        print(f"OK {run_.summary()}")
    if batch.runs:
        print(f"index: {batch.runs[0].index}")
    for path, err in batch.failures:
        print(_failure_text(path, err), file=sys.stderr)
    return status
