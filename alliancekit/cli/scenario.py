"""``alliancekit scenario list|show|compare|delete|save``: scenarios kept in a workspace."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common

__all__ = ["register", "scenario_option", "scenario_settings"]

_ACTIONS = ("list", "show", "compare", "delete", "save")


def scenario_option(p: argparse.ArgumentParser) -> None:
    """``--scenario NAME``: run under a scenario saved in the workspace."""
    p.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="run under this scenario saved in the workspace ('alliancekit scenario list WS')",
    )


def scenario_settings(args: argparse.Namespace) -> tuple[Any, Any]:
    """The workspace (scenario overrides applied) and the scenario's settings (None without
    ``--scenario``)."""
    from alliancekit.workspace import load_workspace

    if getattr(args, "scenario", None) is None:
        return load_workspace(args.workspace), None
    from alliancekit.scenarios import apply_scenario

    return apply_scenario(args.workspace, args.scenario)


def register(sub: Any) -> None:
    """Add ``scenario`` and its actions to the sub-command parsers."""
    p = common.add_command(sub, "scenario", run)
    p.add_argument("action", choices=_ACTIONS, help="what to do: " + ", ".join(_ACTIONS))
    common.workspace_argument(p)
    p.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="scenario name(s): show/delete one; compare 2-4 ('base' = the workspace's own "
        "settings); save: a YAML file holding the scenario",
    )
    p.add_argument(
        "--no-thresholds",
        action="store_true",
        help="compare: skip the why-in / why-out thresholds (faster)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="save: replace a saved scenario of that name without the conflict check",
    )
    common.format_option(p, "the scenarios, one scenario or the comparison")


def _one(args: argparse.Namespace) -> str:
    if len(args.names) != 1:
        raise common.UsageError(f"scenario {args.action}: give exactly one scenario NAME")
    return str(args.names[0])


def _list(args: argparse.Namespace) -> int:
    from alliancekit.scenarios import list_scenarios

    found = list_scenarios(args.workspace)
    if args.format == "json":
        common.print_json(
            [
                {k: s.to_dict()[k] for k in ("name", "description", "modified", "revision")}
                for s in found
            ]
        )
        return common.EXIT_OK
    if not found:
        print("no scenarios saved yet (save one from the app, a notebook or 'scenario save')")
    for s in found:
        print(f"{s.name:<24} saved {s.modified or '-':<21} {s.description}")
    return common.EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from alliancekit.scenarios import load_scenario, scenario_yaml

    s = load_scenario(args.workspace, _one(args))
    if args.format == "json":
        common.print_json(s.to_dict())
    else:
        print(scenario_yaml(s), end="")
    return common.EXIT_OK


def _figures(c: Any) -> list[tuple[str, list[str]]]:
    """The overview's rows in words, one text per scenario ("-" where a plan is infeasible)."""
    unit = c.money_label
    rows = [
        ("partners selected", "n_selected", "{:.0f}"),
        ("objective", "objective", "{:,.2f}"),
        (f"new partners' one-off cost [{unit}]", "cost_one_off", "{:,.2f}"),
        (f"new partners' annual cost [{unit}/yr]", "cost_annual", "{:,.2f}"),
        (f"value, sum of E[NPV] [{unit}]", "value_e_npv", "{:,.2f}"),
        ("mean risk R [0-1]", "mean_risk", "{:.3f}"),
        ("gap coverage [0-1 of required]", "coverage", "{:.3f}"),
        ("gaps fully covered", "gaps_covered", "{:.0f}"),
    ]
    out = []
    for label, key, fmt in rows:
        cells = []
        for name in c.names:
            row = c.overview.loc[name]
            ok = bool(row["feasible"]) and key in row.index
            cells.append(fmt.format(float(row[key])) if ok else "-")
        out.append((label, cells))
    return out


def _print_comparison(c: Any) -> None:
    """Summary, the figures side by side, and the totals against limits, with units."""
    print(c.summary())
    width = max(len(n) for n in c.names) + 2
    print("\n" + f"{'':<40}" + "".join(f"{n:>{max(width, 12)}}" for n in c.names))
    for label, cells in _figures(c):
        print(f"{label:<40}" + "".join(f"{v:>{max(width, 12)}}" for v in cells))
    if not c.totals.empty:
        print("\ntotals against limits (used / limit):")
        for label, group in c.totals.groupby("label", sort=False):
            first = group.iloc[0]
            # partners are counted in whole numbers; budgets, risks and coverage to 2 decimals
            fmt = "{:,.0f}" if first["kind"] in ("count", "group_count") else "{:,.2f}"
            by = {
                r["scenario"]: f"{fmt.format(r['used'])} / {fmt.format(r['cap'])}"
                for _, r in group.iterrows()
            }
            cells = "".join(f"{by.get(n, '-'):>{max(width, 18)}}" for n in c.names)
            text = f"{label} [{first['unit']}]" if first["unit"] else str(label)
            short = text if len(text) <= 58 else text[:57].rstrip() + "…"
            print(f"{short:<60}{cells}")


def _compare(args: argparse.Namespace) -> int:
    from alliancekit.cli.select import _stdout_to_stderr
    from alliancekit.scenarios import compare_scenarios

    if not 2 <= len(args.names) <= 4:
        raise common.UsageError("scenario compare: give 2 to 4 scenario NAMEs ('base' too)")
    with _stdout_to_stderr():
        c = compare_scenarios(args.workspace, args.names, thresholds=not args.no_thresholds)
    if args.format == "json":
        common.print_json(c.to_dict())
    else:
        _print_comparison(c)
    return common.EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    from alliancekit.scenarios import delete_scenario

    name = _one(args)
    delete_scenario(args.workspace, name)
    if args.format == "json":
        common.print_json({"status": "ok", "deleted": name})
    else:
        print(f"deleted scenario {name}")
    return common.EXIT_OK


def _save(args: argparse.Namespace) -> int:
    from pathlib import Path

    import yaml

    from alliancekit.errors import DataValidationError
    from alliancekit.scenarios import save_scenario
    from alliancekit.scenarios.model import scenario_from_dict

    file = Path(_one(args))
    if not file.is_file():
        raise DataValidationError.single("scenario file not found", file=str(file))
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataValidationError.single(f"YAML syntax error: {exc}", file=str(file)) from None
    scenario = scenario_from_dict(data, lambda path: (file.name, None, ".".join(map(str, path))))
    saved = save_scenario(args.workspace, scenario, overwrite=args.overwrite)
    if args.format == "json":
        common.print_json({"status": "ok", "saved": saved.name, "revision": saved.revision})
    else:
        print(f"saved scenario {saved.name} (revision {saved.revision})")
    return common.EXIT_OK


def run(args: argparse.Namespace) -> int:
    """list, show, compare, delete or save scenarios of a workspace

    Scenarios are named settings (weights, budgets, caps, objective, review policy) and
    overrides of the data, kept in the workspace (scenarios/NAME.yaml, or a 'scenarios' sheet).
    'compare' puts 2-4 side by side: partners in and out, cost, value, risk and coverage.

    Every action reads the workspace; 'save' (from a YAML file) and 'delete' write to it.
    """
    actions = {"list": _list, "show": _show, "compare": _compare, "delete": _delete}
    return actions.get(args.action, _save)(args)
