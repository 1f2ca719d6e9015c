"""``alliancekit validate``: check workspaces and print what each holds, or every problem."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from alliancekit.cli import common
from alliancekit.errors import DataValidationError

__all__ = ["register"]

_COUNT_WORDS = {
    "candidates": "candidate",
    "alliances": "alliance",
    "goals": "goal",
    "capability_gaps": "gap",
    "kpi_rows": "KPI row",
    "kpis": "KPI",
    "survey_rows": "survey row",
    "milestones": "milestone",
    "events": "event",
}


def register(sub: Any) -> None:
    """Add ``validate`` to the sub-command parsers."""
    p = common.add_command(sub, "validate", run)
    common.workspace_argument(p, "+")
    common.format_option(p, "every workspace's status and problems")


def _workspace_counts(ws: Any) -> dict[str, int]:
    """What a workspace holds, as counts (for ``validate``)."""
    org = ws.organization
    return {
        "candidates": len(ws.candidates),
        "alliances": len(ws.alliances),
        "goals": len(org.goals),
        "capability_gaps": len(org.capability_gaps),
        "kpi_rows": len(ws.kpis),
        "kpis": int(ws.kpis["kpi_id"].nunique()) if len(ws.kpis) else 0,
        "survey_rows": len(ws.health),
        "milestones": len(ws.milestones),
        "events": len(ws.events),
    }


def _invalid(path: str, exc: DataValidationError, as_json: bool) -> dict[str, Any]:
    """The record of an invalid workspace; as a table, every problem goes to stderr."""
    total = len(exc.problems) + exc.truncated
    if not as_json:
        print(f"INVALID {path}: {total} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        if exc.truncated:
            print(f"  ... and {exc.truncated} more (fix these first)", file=sys.stderr)
    return {
        "workspace": path,
        "status": "invalid",
        "problem_count": total,
        "problems": exc.to_dict()["problems"],
    }


def _valid(path: str, ws: Any, as_json: bool) -> dict[str, Any]:
    """The record of a valid workspace: organization, counts and notes (printed as a table)."""
    from alliancekit.results import jsonable
    from alliancekit.workspace import workspace_notes

    org = ws.organization
    counts = _workspace_counts(ws)
    notes = workspace_notes(path)
    if not as_json:
        text = ", ".join(common.count_text(n, _COUNT_WORDS[key]) for key, n in counts.items())
        print(f"OK {path}: {org.name} ({org.money_label}); {text}")
        for note in notes:
            print(f"  note: {note}")
    return {
        "workspace": path,
        "status": "ok",
        "organization": org.name,
        "money": org.money_label,
        "counts": counts,
        "notes": jsonable(notes),
    }


def run(args: argparse.Namespace) -> int:
    """check a workspace and print what it holds

    Check one or more workspaces against every rule the other commands rely on. Prints OK with
    what each holds, or every problem with its file, row and column.

    ``OK`` lines (counts and notes) go to stdout, problems to stderr. All workspaces are
    checked even when one fails; the exit code is 2 if any was invalid. With ``--format json``
    one JSON document lists every workspace's status on stdout.
    """
    from alliancekit.workspace import load_workspace

    as_json = args.format == "json"
    records: list[dict] = []
    for path in args.workspace:
        try:
            ws = load_workspace(path)
        except DataValidationError as exc:
            records.append(_invalid(path, exc, as_json))
            continue
        records.append(_valid(path, ws, as_json))
    failed = any(r["status"] == "invalid" for r in records)
    status = common.EXIT_INVALID if failed else common.EXIT_OK
    if as_json:
        common.print_json(
            {"status": "invalid" if failed else "ok", "exit_code": status, "workspaces": records}
        )
    return status
