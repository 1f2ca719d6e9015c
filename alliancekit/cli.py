"""Command line: ``alliancekit validate|score|select|review|report|app|new-case|teach``.

Exit codes (DESIGN.md): 0 ok; 2 invalid input (one clear line on stderr, no traceback);
3 infeasible portfolio (what to relax); 4 report failed (which cell, where the notebook is).
Each sub-command is a thin ``_cmd_*`` function over the public API.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from alliancekit.errors import (
    AllianceKitError,
    DataValidationError,
    InfeasiblePortfolioError,
    ReportError,
)

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_REPORT_FAILED = 4


def _print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def _count(n: int, word: str) -> str:
    """``1 event``, ``2 events``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- sub-commands ------------------------------------------------------------------------------
def _cmd_validate(args: argparse.Namespace) -> int:
    """Validate workspaces: ``OK`` with counts and notes on stdout, or every problem on stderr.

    All workspaces are checked even when one fails; the exit code is 2 if any was invalid.
    """
    from alliancekit.workspace import load_workspace, workspace_notes

    failed = 0
    for path in args.workspace:
        try:
            ws = load_workspace(path)
        except DataValidationError as exc:
            failed += 1
            total = len(exc.problems) + exc.truncated
            print(f"INVALID {path}: {total} problem(s)", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
            if exc.truncated:
                print(f"  ... and {exc.truncated} more (fix these first)", file=sys.stderr)
            continue
        org = ws.organization
        n_ids = ws.kpis["kpi_id"].nunique() if len(ws.kpis) else 0
        counts = ", ".join(
            _count(n, word)
            for n, word in (
                (len(ws.candidates), "candidate"),
                (len(ws.alliances), "alliance"),
                (len(org.goals), "goal"),
                (len(org.capability_gaps), "gap"),
                (len(ws.kpis), "KPI row"),
                (n_ids, "KPI"),
                (len(ws.health), "survey row"),
                (len(ws.milestones), "milestone"),
                (len(ws.events), "event"),
            )
        )
        print(f"OK {path}: {org.name} ({org.money_label}); {counts}")
        for note in workspace_notes(path):
            print(f"  note: {note}")
    return EXIT_INVALID if failed else EXIT_OK


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
    DOMAIN.md §10 reading 7); an infeasible plan raises InfeasiblePortfolioError (exit 3).
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
    for run in batch.runs:
        print(f"OK {run.summary()}")
    if batch.runs:
        print(f"index: {batch.runs[0].index}")
    for path, err in batch.failures:
        text = err.first_line if isinstance(err, DataValidationError) else str(err)
        label = "report failed" if isinstance(err, ReportError) else "error"
        where = "" if text.startswith(path) else f"{path}: "
        print(f"{label}: {where}{text}", file=sys.stderr)
    if any(isinstance(err, ReportError) for _, err in batch.failures):
        return EXIT_REPORT_FAILED
    return EXIT_INVALID if batch.failures else EXIT_OK


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
def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    from alliancekit import __version__

    parser = argparse.ArgumentParser(
        prog="alliancekit",
        description="Decision support for strategic alliances: score, select, review, report.",
    )
    parser.add_argument("--version", action="version", version=f"alliancekit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a workspace and print what it holds")
    p.add_argument("workspace", nargs="+", help="workspace folder or .xlsx workbook")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("score", help="score candidate partners (criteria C1-C11)")
    p.add_argument("workspace")
    p.add_argument(
        "--method", default="weighted_sum", choices=["weighted_sum", "topsis", "promethee_ii"]
    )
    p.add_argument("--weights", default=None, help="weight preset name (see DOMAIN presets)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("select", help="choose the best partner portfolio (MILP)")
    p.add_argument("workspace")
    p.add_argument("--objective", default="expected_npv")
    p.add_argument("--solver", choices=["highs", "cbc"], default="highs")
    p.add_argument("--budget-annual", type=float, default=None)
    p.add_argument("--budget-one-off", type=float, default=None)
    p.add_argument("--risk-appetite", choices=["low", "medium", "high"], default=None)
    p.add_argument("--max-count", type=int, default=None)
    p.add_argument("--include", action="append", default=[], metavar="ID")
    p.add_argument("--exclude", action="append", default=[], metavar="ID")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=_cmd_select)

    p = sub.add_parser("review", help="periodic review of existing alliances")
    p.add_argument("workspace")
    p.add_argument("--period", default="latest", help="YYYY-Qn or 'latest'")
    p.add_argument("--previous-period", default=None)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser("report", help="run the review report notebook into reports/")
    p.add_argument("workspace", nargs="*")
    p.add_argument("--all", action="store_true", help="every workspace under data/")
    p.add_argument("--data", default="data", help="folder holding workspaces (for --all)")
    p.add_argument("--period", default="latest")
    p.add_argument("--previous-period", default=None)
    p.add_argument("--out", default="reports")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per notebook cell")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("app", help="serve the Voila dashboard on 127.0.0.1")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--no-browser", action="store_true")
    p.set_defaults(func=_cmd_app)

    p = sub.add_parser("new-case", help="write a random classroom workspace")
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--candidates", type=int, default=12)
    p.set_defaults(func=_cmd_new_case)

    p = sub.add_parser("teach", help="teaching material (student notebook without solutions)")
    p.add_argument("--student", metavar="OUT", required=True, help="output notebook or folder")
    p.set_defaults(func=_cmd_teach)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (see module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataValidationError as exc:
        print(f"error: {exc.first_line}", file=sys.stderr)
        for problem in exc.problems[1:20]:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_INVALID
    except InfeasiblePortfolioError as exc:
        print(f"infeasible: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except ReportError as exc:
        print(f"report failed: {exc}", file=sys.stderr)
        return EXIT_REPORT_FAILED
    except (AllianceKitError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:
        # stdout closed early (``alliancekit score ws | head``): stop quietly, like other tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
