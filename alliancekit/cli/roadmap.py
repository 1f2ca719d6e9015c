"""``alliancekit roadmap``: plan which alliances start when over the years (docs/method.md §12)."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add ``roadmap`` and its options to the sub-command parsers."""
    p = common.add_command(sub, "roadmap", run)
    common.workspace_argument(p)
    p.add_argument(
        "--years",
        type=int,
        default=None,
        metavar="N",
        help="length of the roadmap in years, 1-10 (default: the workspace's roadmap.years, "
        "else its planning horizon)",
    )
    common.choice_option(
        p, "--step", ["year", "quarter"], "plan by year or by quarter (default: the workspace's)"
    )
    objectives = ["expected_npv", "score", "blend", "mean_cvar", "coverage"]
    common.choice_option(p, "--objective", objectives, "what to maximise", default=objectives[0])
    common.choice_option(p, "--solver", ["highs", "cbc"], "optimisation solver", default="highs")
    p.add_argument(
        "--reoptimise-existing",
        action="store_true",
        help="let the roadmap choose when to exit existing alliances the review keeps",
    )
    p.add_argument(
        "--fixed-starts",
        action="store_true",
        help="every partner starts in the first period or not at all (the one-round plan)",
    )
    common.seconds_option(
        p, "--time-limit", 30.0, "stop the solver after this long and report the best roadmap found"
    )
    common.format_option(p, "the roadmap, spend and capacity per period and the exits")


def _print_roadmap(ws: Any, result: Any) -> None:
    """Summary, who starts when, spend and capacity per period, existing alliances."""
    import pandas as pd

    print(f"{ws.organization.name}: roadmap ({result.objective_name}, {result.solver})")
    print(result.summary())
    unit = result.money_label or ws.organization.money_label
    chosen = result.starts[result.starts["selected"]]
    table = chosen[["name", "plan", "value"]].rename(columns={"value": f"value [{unit}]"})
    print("\nwho starts when:")
    print(table.to_string(float_format=lambda v: f"{v:,.2f}") if len(table) else "  nobody")
    spend = result.spend_frame()
    if len(spend):
        shown = pd.DataFrame(
            {
                "limit": [
                    f"{a} [{u}]" if u else a
                    for a, u in zip(spend["label"], spend["unit"], strict=True)
                ],
                "period": spend["period"],
                "used": spend["used"],
                "cap": spend["cap"],
                "binding": ["*" if b else "" for b in spend["binding"]],
            }
        )
        print("\nspend and capacity per period (* = binding):")
        print(shown.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    if len(result.exits):
        print("\nexisting alliances:")
        print(result.exits[["name", "plan", "exit"]].to_string())


def _review(ws: Any) -> Any:
    """This quarter's review of the existing alliances (None without alliances or KPIs)."""
    if not ws.alliances or ws.kpis.empty:
        return None
    from alliancekit.review import review_alliances

    return review_alliances(ws)


def run(args: argparse.Namespace) -> int:
    """plan alliances over the years (roadmap)

    Plan which alliances to start in which year, which to pilot first and scale later, and when
    to exit existing ones, within each year's budgets and alliance-manager capacity. Settings
    come from the workspace's roadmap columns and organization.yaml 'roadmap' (data/README.md);
    options override them.

    Existing alliances follow the periodic review at the latest period, as in ``select``; an
    infeasible roadmap raises InfeasiblePortfolioError naming the period (exit 3).
    """
    from alliancekit.cli.select import _stdout_to_stderr
    from alliancekit.roadmap import plan_roadmap
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    settings = {
        "years": args.years,
        "step": args.step,
        "fixed_starts": args.fixed_starts,
        "objective": args.objective,
        "review": _review(ws),
        "solver": args.solver,
        "reoptimise_existing": args.reoptimise_existing,
        "time_limit": args.time_limit,
    }
    if args.format != "json":
        _print_roadmap(ws, plan_roadmap(ws, **settings))
        return common.EXIT_OK
    with _stdout_to_stderr():
        result = plan_roadmap(ws, **settings)
    common.print_json(result.to_dict())
    return common.EXIT_OK
