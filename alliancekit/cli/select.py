"""``alliancekit select``: plan the partner portfolio (the MILP of docs/method.md §4)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from alliancekit.cli import common
from alliancekit.cli.scenario import scenario_option, scenario_settings
from alliancekit.model import RiskAppetite

__all__ = ["register"]

_OBJECTIVE_HELP = (
    "what to maximise: risk-adjusted value, total score, a blend of both, value minus a "
    "tail-loss penalty, or value plus a reward for closing capability gaps"
)


def register(sub: Any) -> None:
    """Add ``select`` and its planning options to the sub-command parsers."""
    p = common.add_command(sub, "select", run)
    common.workspace_argument(p)
    objectives = ["expected_npv", "score", "blend", "mean_cvar", "coverage"]
    common.choice_option(
        p,
        "--objective",
        objectives,
        _OBJECTIVE_HELP + " (default: expected_npv, or the scenario's)",
    )
    common.choice_option(
        p, "--solver", ["highs", "cbc"], "optimisation solver (default: highs, or the scenario's)"
    )
    for flag, what in (
        ("--budget-annual", "annual budget for all alliances [money/yr]"),
        ("--budget-one-off", "one-off budget for formation and exit costs [money]"),
    ):
        p.add_argument(
            flag,
            type=float,
            default=None,
            metavar="MONEY",
            help=f"{what} (default: the workspace's)",
        )
    common.choice_option(
        p,
        "--risk-appetite",
        RiskAppetite.values(),
        "sets the default risk caps (default: the workspace's)",
    )
    p.add_argument(
        "--max-count",
        type=int,
        default=None,
        metavar="N",
        help="at most N new alliances (default: the workspace's)",
    )
    for flag, what in (("--include", "must be chosen"), ("--exclude", "must not be chosen")):
        p.add_argument(
            flag,
            action="append",
            default=[],
            metavar="ID",
            help=f"partner that {what} (repeat for several)",
        )
    common.seconds_option(
        p,
        "--time-limit",
        30.0,
        "stop the solver after this long and report the best plan found with its gap",
    )
    scenario_option(p)
    common.format_option(p, "the plan, totals against limits and explanations")


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at stderr for the duration.

    HiGHS >= 1.12 can print a stray debug line straight to file descriptor 1
    (ERGO-Code/HiGHS#2783); this keeps stdout pure JSON while solving.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _print_plan(ws: Any, result: Any, objective: str) -> None:
    """Summary, selected partners, totals against limits (binding marked) and screened ones."""
    unit = ws.organization.money_label
    print(f"{ws.organization.name}: portfolio ({objective}, {result.solver})")
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


def run(args: argparse.Namespace) -> int:
    """choose the best partner portfolio (optimisation)

    Choose the set of new partners that maximises the objective within the budgets, risk caps,
    counts and coverage requirements of the workspace. Existing alliances are kept unless this
    quarter's review says EXIT. Options override the workspace's settings.

    Existing alliances follow the periodic review at the latest period (EXIT ones are exited,
    docs/method.md §10.7); an infeasible plan raises InfeasiblePortfolioError (exit 3).
    """
    from alliancekit.portfolio import plan_portfolio

    ws, scenario = scenario_settings(args)
    review = None
    if ws.alliances and not ws.kpis.empty:
        from alliancekit.review import review_alliances

        review = review_alliances(ws, **(scenario.review_kwargs() if scenario else {}))
    settings = scenario.plan_kwargs() if scenario is not None else {}
    given = {
        "objective": args.objective,
        "solver": args.solver,
        "budget_one_off": args.budget_one_off,
        "budget_annual": args.budget_annual,
        "risk_appetite": args.risk_appetite,
        "max_count": args.max_count,
        "must_include": tuple(args.include) or None,
        "must_exclude": tuple(args.exclude) or None,
    }
    settings.update({k: v for k, v in given.items() if v is not None})
    settings.update(review=review, time_limit=args.time_limit)
    objective = str(settings.get("objective", "expected_npv"))
    if args.format != "json":
        if scenario is not None:
            print(f"scenario: {scenario.name}")
        _print_plan(ws, plan_portfolio(ws, **settings), objective)
        return common.EXIT_OK
    with _stdout_to_stderr():
        result = plan_portfolio(ws, **settings)
    common.print_json(result.to_dict())
    return common.EXIT_OK
