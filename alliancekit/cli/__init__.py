"""Command line: ``alliancekit validate|score|select|review|report|app|new-case|teach``.

Exit codes: 0 ok; 2 invalid input (one clear line on stderr, no traceback); 3 infeasible
portfolio (what to relax); 4 report failed (which cell, where the notebook is); 70 internal error
(a bug, or a file missing from the installation). Each sub-command is a thin ``_cmd_*`` function
over the public API.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence

from alliancekit.errors import (
    AllianceKitError,
    DataValidationError,
    ReportError,
)

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_REPORT_FAILED = 4
EXIT_INTERNAL = 70  # sysexits.h EX_SOFTWARE: a bug or a broken installation, never bad input

#: Shown at the end of every ``--help``.
EXIT_CODES_EPILOG = """exit codes:
  0   success
  2   invalid input (the message names the file, row and column)
  3   no portfolio satisfies every constraint (the message says what to relax)
  4   a report failed (the failing cell and where the failed notebook was kept)
  70  internal error (a bug, or a file missing from the installation)"""


def _print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def _count(n: int, word: str) -> str:
    """``1 event``, ``2 events``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- sub-commands ------------------------------------------------------------------------------
def _workspace_counts(ws) -> dict[str, int]:
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


def _cmd_validate(args: argparse.Namespace) -> int:
    """Validate workspaces: ``OK`` with counts and notes on stdout, or every problem on stderr.

    All workspaces are checked even when one fails; the exit code is 2 if any was invalid.
    With ``--format json`` one JSON document lists every workspace's status on stdout.
    """
    from alliancekit.results import jsonable
    from alliancekit.workspace import load_workspace, workspace_notes

    failed = 0
    records: list[dict] = []
    for path in args.workspace:
        try:
            ws = load_workspace(path)
        except DataValidationError as exc:
            failed += 1
            total = len(exc.problems) + exc.truncated
            records.append(
                {
                    "workspace": path,
                    "status": "invalid",
                    "problem_count": total,
                    "problems": jsonable(list(exc.problems)),
                }
            )
            if args.format == "json":
                continue
            print(f"INVALID {path}: {total} problem(s)", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
            if exc.truncated:
                print(f"  ... and {exc.truncated} more (fix these first)", file=sys.stderr)
            continue
        org = ws.organization
        counts = _workspace_counts(ws)
        notes = workspace_notes(path)
        records.append(
            {
                "workspace": path,
                "status": "ok",
                "organization": org.name,
                "money": org.money_label,
                "counts": counts,
                "notes": notes,
            }
        )
        if args.format == "json":
            continue
        text = ", ".join(_count(n, _COUNT_WORDS[key]) for key, n in counts.items())
        print(f"OK {path}: {org.name} ({org.money_label}); {text}")
        for note in notes:
            print(f"  note: {note}")
    status = EXIT_INVALID if failed else EXIT_OK
    if args.format == "json":
        _print_json(
            {"status": "invalid" if failed else "ok", "exit_code": status, "workspaces": records}
        )
    return status


def _cmd_score(args: argparse.Namespace) -> int:
    """Rank the candidates on C1–C11 with risk, E[NPV] and knockouts (table or JSON)."""
    from alliancekit.criteria import knockout_codes, score_partners
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    result = score_partners(ws, method=args.method, preset=args.weights)
    if args.format == "json":
        _print_json(result.to_dict())
        return EXIT_OK
    unit = ws.organization.money_label
    details = result.details
    score_fmt = {"weighted_sum": "{:6.1f}", "topsis": "{:6.4f}"}.get(result.method, "{:+6.3f}")
    order = result.to_frame().index
    name_w = min(32, max([4, *(len(str(details.loc[i, "name"])) for i in order)]))
    print(
        f"{ws.organization.name}: {_count(len(order), 'candidate')}, method {result.method}"
        + ("" if result.method != "weighted_sum" else " (score 0-100)")
    )
    header = (
        f"{'rank':>4}  {'id':<6} {'name':<{name_w}} {'score':>6} {'R':>5} {'p_fail':>6} "
        f"{'E[NPV] [' + unit + ']':>20}  knockouts"
    )
    print(header)
    print("-" * len(header))
    for cid in order:
        name = str(details.loc[cid, "name"])
        if len(name) > name_w:
            name = name[: name_w - 1] + "…"
        codes = ",".join(knockout_codes(result.knockouts.get(cid, ()))) or "-"
        print(
            f"{int(result.ranks[cid]):>4}  {cid!s:<6} {name:<{name_w}} "
            f"{score_fmt.format(result.scores[cid])} {details.loc[cid, 'R']:5.2f} "
            f"{details.loc[cid, 'p_fail']:6.2f} {details.loc[cid, 'e_npv']:20,.1f}  {codes}"
        )
    if result.knockouts:
        print("\nknocked out:")
        for cid, reasons in result.knockouts.items():
            print(f"  {cid}: " + "; ".join(reasons))
    for note in result.notes:
        print(f"note: {note}")
    return EXIT_OK


def _cmd_select(args: argparse.Namespace) -> int:
    """Plan the partner portfolio: selection, totals against caps, kept/exited alliances.

    Existing alliances follow the periodic review at the latest period (EXIT ones are exited,
    docs/method.md §10.7); an infeasible plan raises InfeasiblePortfolioError (exit 3).
    """
    from alliancekit.portfolio import plan_portfolio
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    review = None
    if ws.alliances and not ws.kpis.empty:
        from alliancekit.review import review_alliances

        review = review_alliances(ws)
    settings = {
        "objective": args.objective,
        "review": review,
        "solver": args.solver,
        "budget_one_off": args.budget_one_off,
        "budget_annual": args.budget_annual,
        "risk_appetite": args.risk_appetite,
        "max_count": args.max_count,
        "must_include": tuple(args.include),
        "must_exclude": tuple(args.exclude),
        "time_limit": args.time_limit,
    }
    if args.format != "json":
        result = plan_portfolio(ws, **settings)
    else:
        # HiGHS >= 1.12 can print a stray debug line straight to file descriptor 1
        # (ERGO-Code/HiGHS#2783); keep stdout pure JSON by pointing fd 1 at stderr while solving.
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            result = plan_portfolio(ws, **settings)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
    if args.format == "json":
        _print_json(result.to_dict())
        return EXIT_OK
    unit = ws.organization.money_label
    print(f"{ws.organization.name}: portfolio ({args.objective}, {result.solver})")
    print(result.summary())
    details = result.details
    table = ws.candidates_frame().loc[result.selected, ["name", "cost_one_off", "cost_annual"]]
    if details is not None:
        table = table.join(details[["score", "R", "e_npv"]])
    table = table.rename(
        columns={
            "cost_one_off": f"one-off [{unit}]",
            "cost_annual": f"annual [{unit}/yr]",
            "e_npv": f"E[NPV] [{unit}]",
        }
    )
    print("\nselected partners:")
    print(table.to_string(float_format=lambda v: f"{v:,.2f}") if len(table) else "  none")
    totals = result.totals.copy()
    totals["binding"] = ["*" if n in result.binding else "" for n in totals.index]
    print("\ntotals against limits (* = binding):")
    print(totals.to_string(float_format=lambda v: f"{v:,.3f}"))
    if result.screened:
        print("\nscreened out before the optimisation:")
        for pid, reason in result.screened.items():
            print(f"  {pid}: {reason}")
    return EXIT_OK


def _cmd_review(args: argparse.Namespace) -> int:
    """Review existing alliances at ``--period``: a table (or JSON) of decisions and rules."""
    from alliancekit.results import jsonable
    from alliancekit.review import review_alliances
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    result = review_alliances(ws, period=args.period)
    previous = None
    if args.previous_period:
        previous = review_alliances(ws, period=args.previous_period)
    if args.format == "json":
        out = result.to_dict()
        if previous is not None:
            out["comparison"] = jsonable(result.compare(previous))
        _print_json(out)
        return EXIT_OK
    table = result.display_table()
    table.insert(0, "alliance", table.index)
    print(f"{ws.organization.name}: review {result.period} (money in {result.money_label})")
    print(table.to_string(index=False, na_rep="-"))
    counts = ", ".join(f"{k} {v}" for k, v in result.counts().items() if v)
    print(f"\n{len(result.table)} alliance(s): {counts}; next review {result.next_review}")
    for aid, row in result.table.iterrows():
        for note in row["notes"]:
            print(f"  note {aid}: {note}")
    if previous is not None:
        cmp = result.compare(previous)
        changed = cmp[cmp["changed"]]
        print(f"\nchanges since {previous.period}: {len(changed)}")
        for aid, row in changed.iterrows():
            print(f"  {aid}: {row['decision_previous']} -> {row['decision']} ({row['direction']})")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    """Run the review report for each workspace (or every workspace under ``--data``).

    Prints where each report went; a failed report prints the failing cell, the error and the
    kept notebook on stderr. Exit 4 when any report failed, 2 when every failure was invalid
    input (bad workspace or period), else 0.
    """
    from pathlib import Path

    from alliancekit.reporting import run_reports

    paths = [str(p) for p in args.workspace]
    if args.all:
        data = Path(args.data)
        if not data.is_dir():
            raise AllianceKitError(f"--all: data folder not found: {data}")
        found = [
            p
            for p in sorted(data.iterdir())
            if (p.is_dir() and (p / "organization.yaml").is_file())
            or (p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
        ]
        if not found:
            raise AllianceKitError(
                f"--all: no workspace (folder with organization.yaml or .xlsx) in {data}"
            )
        paths += [str(p) for p in found if str(p) not in paths]
    if not paths:
        raise AllianceKitError("report: give one or more WORKSPACE paths, or --all")
    if args.jobs < 1:
        raise AllianceKitError(f"--jobs must be at least 1, got {args.jobs}")
    batch = run_reports(
        paths,
        period=args.period,
        out_dir=args.out,
        previous_period=args.previous_period,
        timeout=args.timeout,
        jobs=args.jobs,
        progress=sys.stderr.isatty(),
    )
    if any(isinstance(err, ReportError) for _, err in batch.failures):
        status = EXIT_REPORT_FAILED
    else:
        status = EXIT_INVALID if batch.failures else EXIT_OK
    if args.format == "json":
        _print_json(_batch_json(batch, status))
        return status
    for run in batch.runs:
        print(f"OK {run.summary()}")
    if batch.runs:
        print(f"index: {batch.runs[0].index}")
    for path, err in batch.failures:
        text = err.first_line if isinstance(err, DataValidationError) else str(err)
        label = "report failed" if isinstance(err, ReportError) else "error"
        where = "" if text.startswith(path) else f"{path}: "
        print(f"{label}: {where}{text}", file=sys.stderr)
    return status


def _batch_json(batch, status: int) -> dict:
    """Machine-readable outcome of ``report`` for schedulers (same status as the exit code)."""
    failures = []
    for path, err in batch.failures:
        record = {
            "workspace": path,
            "kind": "report_failed" if isinstance(err, ReportError) else "invalid_input",
            "message": err.first_line if isinstance(err, DataValidationError) else str(err),
        }
        if isinstance(err, ReportError):
            record["cell_index"] = err.cell_index
            record["failed_notebook"] = str(err.notebook_path) if err.notebook_path else None
        failures.append(record)
    return {
        "status": {EXIT_OK: "ok", EXIT_INVALID: "invalid_input"}.get(status, "report_failed"),
        "exit_code": status,
        "reports": [
            {
                "workspace": run.workspace,
                "period": run.period,
                "html": str(run.html),
                "results_json": str(run.results_json),
                "summary_csv": str(run.summary_csv),
                "decision_log": str(run.decision_log),
                "decisions": dict(run.decisions),
                "duration_s": round(run.duration_s, 3),
            }
            for run in batch.runs
        ],
        "index": str(batch.runs[0].index) if batch.runs else None,
        "failures": failures,
    }


def _cmd_app(args: argparse.Namespace) -> int:
    from alliancekit.app import run_forever

    # the server never opens a browser itself; ``--no-browser`` is accepted for compatibility
    return run_forever(port=args.port)


def _cmd_new_case(args: argparse.Namespace) -> int:
    from alliancekit.teaching import new_case

    ws = new_case(args.out_dir, seed=args.seed, n_candidates=args.candidates)
    org = ws.organization
    print(
        f"wrote {args.out_dir}: {org.name} ({org.sector}); {len(ws.candidates)} candidates, "
        f"{len(ws.alliances)} existing alliances, {len(org.capability_gaps)} gaps; "
        f"money in {org.money_label}"
    )
    return EXIT_OK


def _cmd_teach(args: argparse.Namespace) -> int:
    from alliancekit.teaching import student_notebook

    path = student_notebook(out=args.student)
    print(f"wrote the student notebook (solution cells removed): {path}")
    return EXIT_OK


# -- parser --------------------------------------------------------------------------------------
class _UsageError(Exception):
    """A command line the parser refused (exit 2, one line on stderr)."""


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line as one line naming the command, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks and shows each option's default where it has one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default in (None, False, [], argparse.SUPPRESS)
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


_WORKSPACE_HELP = (
    "workspace folder (organization.yaml + CSV files) or .xlsx workbook; a bare name such as "
    "'greenscape' means the bundled sample of that name"
)


def _add(sub, name: str, func, help: str, description: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=help,
        description=textwrap.fill(description, 78),
        epilog=EXIT_CODES_EPILOG,
        formatter_class=_HelpFormatter,
    )
    p.set_defaults(func=func)
    return p


def _format_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help=f"'table' for people, 'json' for programs ({what} on stdout)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    from alliancekit import __version__
    from alliancekit.criteria import WEIGHT_PRESETS

    parser = _Parser(
        prog="alliancekit",
        description=textwrap.fill(
            "Decision support for strategic alliances: score candidate partners, choose the "
            "best portfolio under budgets and risk caps, review existing alliances every "
            "quarter and publish review reports. The method is described in docs/method.md.",
            78,
        ),
        epilog=EXIT_CODES_EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"alliancekit {__version__}")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show the solver's own log on stderr and a traceback for internal errors",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _add(
        sub,
        "validate",
        _cmd_validate,
        "check a workspace and print what it holds",
        "Check one or more workspaces against every rule the other commands rely on. Prints OK "
        "with what each holds, or every problem with its file, row and column.",
    )
    p.add_argument("workspace", nargs="+", help=_WORKSPACE_HELP)
    _format_option(p, "every workspace's status and problems")

    p = _add(
        sub,
        "score",
        _cmd_score,
        "score candidate partners on criteria C1-C11",
        "Score and rank the candidate partners on the eleven alliance criteria, with their risk, "
        "failure probability, risk-adjusted value E[NPV] and the knockout screens they fail.",
    )
    p.add_argument("workspace", help=_WORKSPACE_HELP)
    p.add_argument(
        "--method",
        default="weighted_sum",
        choices=["weighted_sum", "topsis", "promethee_ii"],
        help="how criteria are combined into one score",
    )
    p.add_argument(
        "--weights",
        default=None,
        choices=sorted(WEIGHT_PRESETS),
        help="a weight preset (default: the workspace's own weights, else the default weights)",
    )
    _format_option(p, "scores, ranks, risks and knockouts")

    p = _add(
        sub,
        "select",
        _cmd_select,
        "choose the best partner portfolio (optimisation)",
        "Choose the set of new partners that maximises the objective within the budgets, risk "
        "caps, counts and coverage requirements of the workspace. Existing alliances are kept "
        "unless this quarter's review says EXIT. Options override the workspace's settings.",
    )
    p.add_argument("workspace", help=_WORKSPACE_HELP)
    p.add_argument(
        "--objective",
        default="expected_npv",
        choices=["expected_npv", "score", "blend", "mean_cvar", "coverage"],
        help="what to maximise: risk-adjusted value, total score, a blend of both, value "
        "minus a tail-loss penalty, or value plus a reward for closing capability gaps",
    )
    p.add_argument(
        "--solver", choices=["highs", "cbc"], default="highs", help="optimisation solver"
    )
    p.add_argument(
        "--budget-annual",
        type=float,
        default=None,
        metavar="MONEY",
        help="annual budget for all alliances [money/yr] (default: the workspace's)",
    )
    p.add_argument(
        "--budget-one-off",
        type=float,
        default=None,
        metavar="MONEY",
        help="one-off budget for formation and exit costs [money] (default: the workspace's)",
    )
    p.add_argument(
        "--risk-appetite",
        choices=["low", "medium", "high"],
        default=None,
        help="sets the default risk caps (default: the workspace's)",
    )
    p.add_argument(
        "--max-count",
        type=int,
        default=None,
        metavar="N",
        help="at most N new alliances (default: the workspace's)",
    )
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="ID",
        help="partner that must be chosen (repeat for several)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="partner that must not be chosen (repeat for several)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop the solver after this long and report the best plan found with its gap",
    )
    _format_option(p, "the plan, totals against limits and explanations")

    p = _add(
        sub,
        "review",
        _cmd_review,
        "periodic review of existing alliances",
        "Review every existing alliance for one quarter: attainment against plan, trend, "
        "health, and the decision GROW, MAINTAIN, RESTRUCTURE or EXIT with the rules that fired.",
    )
    p.add_argument("workspace", help=_WORKSPACE_HELP)
    p.add_argument("--period", default="latest", help="quarter to review, YYYY-Qn, or 'latest'")
    p.add_argument(
        "--previous-period",
        default=None,
        metavar="YYYY-Qn",
        help="also review this quarter and list the decisions that changed",
    )
    _format_option(p, "one record per alliance")

    p = _add(
        sub,
        "report",
        _cmd_report,
        "publish review reports (HTML, JSON, CSV) into reports/",
        "Run the review report notebook for each workspace and publish "
        "<out>/<workspace>/<period>/review.html, results.json and summary.csv, the decision "
        "log <out>/<workspace>/decisions.csv and <out>/index.html. A failed run leaves the "
        "previous report untouched and keeps the failed notebook under <out>/<workspace>/_failed/.",
    )
    p.add_argument("workspace", nargs="*", help=_WORKSPACE_HELP)
    p.add_argument("--all", action="store_true", help="every workspace in the --data folder")
    p.add_argument("--data", default="data", help="folder holding workspaces (for --all)")
    p.add_argument("--period", default="latest", help="quarter to review, YYYY-Qn, or 'latest'")
    p.add_argument(
        "--previous-period",
        default=None,
        metavar="YYYY-Qn",
        help="quarter to compare with (default: the one before --period)",
    )
    p.add_argument("--out", default="reports", help="folder the reports are published into")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="reports run in parallel")
    p.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="longest time one notebook cell may run",
    )
    _format_option(p, "the published files and any failures")

    p = _add(
        sub,
        "app",
        _cmd_app,
        "serve the web app (Voila) on 127.0.0.1",
        "Serve the alliancekit web app on this machine only (127.0.0.1) until Ctrl-C.",
    )
    p.add_argument("--port", type=int, default=8866, help="TCP port to listen on")
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="accepted for compatibility; the app never opens a browser itself",
    )

    p = _add(
        sub,
        "new-case",
        _cmd_new_case,
        "write a random classroom workspace",
        "Write a new random but solvable workspace for a class exercise (a folder, or an "
        ".xlsx workbook when OUT_DIR ends in .xlsx). The same seed always gives the same case.",
    )
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder (or .xlsx file) to write")
    p.add_argument("--seed", type=int, required=True, help="random seed (any integer)")
    p.add_argument(
        "--candidates",
        type=int,
        default=12,
        metavar="N",
        help="number of candidate partners (3 or more)",
    )

    p = _add(
        sub,
        "teach",
        _cmd_teach,
        "teaching material: the student notebook",
        "Write the student version of the teaching notebook, with the solutions removed.",
    )
    p.add_argument(
        "--student",
        metavar="OUT",
        required=True,
        help="output notebook (.ipynb) or folder",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (see ``EXIT_CODES_EPILOG``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.verbose:
        from alliancekit import portfolio

        portfolio.SOLVER_LOG = True
    try:
        return int(args.func(args) or 0)
    except AllianceKitError as exc:  # every deliberate error knows its words and its exit code
        print(exc.for_cli(), file=sys.stderr)
        return exc.exit_code
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:
        # stdout closed early (``alliancekit score ws | head``): stop quietly, like other tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, with a traceback only on request
        if args.verbose:
            import traceback

            traceback.print_exc()
        print(
            f"internal error: {type(exc).__name__}: {exc} (this is a bug in alliancekit; "
            "run again with --verbose for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
