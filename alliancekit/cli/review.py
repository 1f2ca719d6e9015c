"""``alliancekit review``: the periodic review of existing alliances for one quarter."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common
from alliancekit.cli.scenario import scenario_option, scenario_settings

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``review`` to the sub-command parsers."""
    p = common.add_command(sub, "review", run)
    common.workspace_argument(p)
    common.period_options(p, "also review this quarter and list the decisions that changed")
    scenario_option(p)
    common.format_option(p, "one record per alliance")


def _print_review(ws: Any, result: Any, previous: Any) -> None:
    """The decision table, counts, notes, and the decisions changed since ``previous``."""
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


def run(args: argparse.Namespace) -> int:
    """periodic review of existing alliances

    Review every existing alliance for one quarter: attainment against plan, trend, health, and
    the decision GROW, MAINTAIN, RESTRUCTURE or EXIT with the rules that fired.

    A table of decisions and rules (with ``--previous-period`` the decisions that changed), or
    with ``--format json`` the ``ReviewResult`` as JSON.
    """
    from alliancekit.results import jsonable
    from alliancekit.review import review_alliances

    ws, scenario = scenario_settings(args)
    policy = scenario.policy if scenario is not None else None
    period = args.period
    if scenario is not None and args.period == "latest":
        period = scenario.period
    result = review_alliances(ws, period=period, policy=policy)
    previous = None
    if args.previous_period:
        previous = review_alliances(ws, period=args.previous_period, policy=policy)
    if args.format != "json":
        if scenario is not None:
            print(f"scenario: {scenario.name}")
        _print_review(ws, result, previous)
        return common.EXIT_OK
    out = result.to_dict()
    if previous is not None:
        out["comparison"] = jsonable(result.compare(previous))
    common.print_json(out)
    return common.EXIT_OK
