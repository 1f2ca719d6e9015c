"""``alliancekit score``: rank the candidate partners on C1–C11 with risk, E[NPV], knockouts."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common
from alliancekit.cli.scenario import scenario_option, scenario_settings

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``score`` to the sub-command parsers."""
    from alliancekit.criteria import WEIGHT_PRESETS

    p = common.add_command(sub, "score", run)
    common.workspace_argument(p)
    common.choice_option(
        p,
        "--method",
        ["weighted_sum", "topsis", "promethee_ii"],
        "how criteria are combined into one score (default: weighted_sum, or the scenario's)",
    )
    common.choice_option(
        p,
        "--weights",
        sorted(WEIGHT_PRESETS),
        "a weight preset (default: the scenario's or the workspace's own weights, else the "
        "default weights)",
    )
    scenario_option(p)
    common.format_option(p, "scores, ranks, risks and knockouts")


def _print_table(ws: Any, result: Any) -> None:
    """One line per candidate in rank order, then the knockouts and notes."""
    from alliancekit.criteria import knockout_codes

    unit = ws.organization.money_label
    details = result.details
    score_fmt = {"weighted_sum": "{:6.1f}", "topsis": "{:6.4f}"}.get(result.method, "{:+6.3f}")
    order = result.to_frame().index
    name_w = min(32, max([4, *(len(str(details.loc[i, "name"])) for i in order)]))
    scale = "" if result.method != "weighted_sum" else " (score 0-100)"
    candidates = common.count_text(len(order), "candidate")
    print(f"{ws.organization.name}: {candidates}, method {result.method}{scale}")
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
    """score candidate partners on criteria C1-C11

    Score and rank the candidate partners on the eleven alliance criteria, with their risk,
    failure probability, risk-adjusted value E[NPV] and the knockout screens they fail.

    A table in rank order, or with ``--format json`` the ``ScoreResult`` as JSON.
    """
    from alliancekit.criteria import score_partners

    ws, settings = scenario_settings(args)
    kwargs = settings.score_kwargs() if settings is not None else {}
    if args.weights is not None:
        kwargs.update(weights=None, preset=args.weights)
    kwargs["method"] = args.method or kwargs.get("method", "weighted_sum")
    result = score_partners(ws, **kwargs)
    if args.format == "json":
        common.print_json(result.to_dict())
    else:
        if settings is not None:
            print(f"scenario: {settings.name}")
        _print_table(ws, result)
    return common.EXIT_OK
