"""``alliancekit score``: rank the candidate partners on C1–C11 with risk, E[NPV], knockouts."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli.common import (
    EXIT_OK,
    WORKSPACE_HELP,
    add_command,
    count_text,
    format_option,
    print_json,
)

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``score`` to the sub-command parsers."""
    from alliancekit.criteria import WEIGHT_PRESETS

    p = add_command(
        sub,
        "score",
        run,
        "score candidate partners on criteria C1-C11",
        "Score and rank the candidate partners on the eleven alliance criteria, with their risk, "
        "failure probability, risk-adjusted value E[NPV] and the knockout screens they fail.",
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
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
    format_option(p, "scores, ranks, risks and knockouts")


def _print_table(ws: Any, result: Any) -> None:
    """One line per candidate in rank order, then the knockouts and notes."""
    from alliancekit.criteria import knockout_codes

    unit = ws.organization.money_label
    details = result.details
    score_fmt = {"weighted_sum": "{:6.1f}", "topsis": "{:6.4f}"}.get(result.method, "{:+6.3f}")
    order = result.to_frame().index
    name_w = min(32, max([4, *(len(str(details.loc[i, "name"])) for i in order)]))
    print(
        f"{ws.organization.name}: {count_text(len(order), 'candidate')}, method {result.method}"
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


def run(args: argparse.Namespace) -> int:
    """Rank the candidates on C1–C11 with risk, E[NPV] and knockouts (table or JSON)."""
    from alliancekit.criteria import score_partners
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    result = score_partners(ws, method=args.method, preset=args.weights)
    if args.format == "json":
        print_json(result.to_dict())
    else:
        _print_table(ws, result)
    return EXIT_OK
