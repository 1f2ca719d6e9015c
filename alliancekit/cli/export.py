"""``alliancekit export``: a scenario's results as an Excel workbook and a printable brief."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common
from alliancekit.cli.scenario import scenario_option

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``export`` to the sub-command parsers."""
    p = common.add_command(sub, "export", run)
    common.workspace_argument(p)
    scenario_option(p)
    p.add_argument("--xlsx", default=None, metavar="FILE", help="write the Excel workbook here")
    p.add_argument("--pdf", default=None, metavar="FILE", help="print the one-page brief here")
    p.add_argument(
        "--html",
        default=None,
        metavar="FILE",
        help="write the brief's HTML here (default with --pdf: beside the PDF)",
    )
    p.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME",
        help="add a scenario to a comparison sheet in the workbook (repeat; 'base' = the "
        "workspace's own settings; the --scenario, else base, comes first)",
    )
    common.format_option(p, "the files written")


def run(args: argparse.Namespace) -> int:
    """export results as an Excel workbook and a printable brief

    Write a scenario's results (or the workspace's own) as a formatted Excel workbook
    (settings, ranked partners, portfolio with totals against limits, review decisions,
    scenario comparison) and as a printable one-page brief, HTML and PDF.

    The PDF is printed by the system's headless Chromium.
    """
    from pathlib import Path

    from alliancekit.exports import export_brief, export_xlsx

    if not (args.xlsx or args.pdf or args.html):
        raise common.UsageError("export: give --xlsx FILE, --pdf FILE and/or --html FILE")
    written: dict[str, str] = {}
    if args.xlsx:
        comparison = None
        if args.compare:
            from alliancekit.scenarios import compare_scenarios

            comparison = compare_scenarios(
                args.workspace, [args.scenario or "base", *args.compare], thresholds=False
            )
        path = export_xlsx(args.workspace, args.xlsx, args.scenario, comparison=comparison)
        written["xlsx"] = str(path)
    if args.pdf or args.html:
        html = Path(args.html) if args.html else Path(args.pdf).with_suffix(".html")
        html_file, pdf_file = export_brief(args.workspace, html, args.pdf, scenario=args.scenario)
        written["html"] = str(html_file)
        if pdf_file is not None:
            written["pdf"] = str(pdf_file)
    if args.format == "json":
        common.print_json({"status": "ok", **written})
    else:
        for kind, path in written.items():
            print(f"wrote {kind}: {path}")
    return common.EXIT_OK
