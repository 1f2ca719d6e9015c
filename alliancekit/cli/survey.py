"""``alliancekit survey make|check|import|live``: collect judgements from several people.

``make`` writes one survey workbook per participant; people fill them in offline and either
drop them into the workspace's ``responses/`` folder or have them stored with ``import``;
``check`` reads every response, names each bad answer by participant, sheet and cell, and says
how far the group agrees (docs/group.md); ``live`` serves the participant page of a live
workshop and prints each person's personal link.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from alliancekit.cli import common

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``survey`` and its four actions to the sub-command parsers."""
    survey = sub.add_parser(
        "survey",
        help="group decisions: survey workbooks for several people, and their answers",
        description=textwrap.fill(
            "Collect criteria judgements from several people of both organisations: write a "
            "survey workbook per participant, store filled-in workbooks, check the answers.",
            78,
        ),
        epilog=common.EXIT_CODES_EPILOG,
        formatter_class=common.HelpFormatter,
    )
    actions = survey.add_subparsers(
        dest="action", required=True, metavar="ACTION", help="what to do with the surveys"
    )

    p = common.add_command(actions, "make", run_make)
    common.workspace_argument(p)
    p.add_argument(
        "--participants",
        required=True,
        metavar="CSV",
        help="people.csv: participant_id, name, role, organisation (own/partner/other), weight",
    )
    common.choice_option(
        p,
        "--mode",
        ["pairwise", "direct"],
        "pairwise comparisons on the verbal scale, or direct points 0-100",
        default="pairwise",
    )
    p.add_argument(
        "--ratings",
        action="store_true",
        help="also ask each person to rate the candidates [1-5] on the judgement criteria",
    )
    p.add_argument(
        "--out", default="surveys", metavar="DIR", help="folder the workbooks are written to"
    )

    p = common.add_command(actions, "check", run_check)
    common.workspace_argument(p)
    common.format_option(p, "participants, consistency, clusters and consensus")

    p = common.add_command(actions, "import", run_import)
    p.add_argument("file", metavar="FILE", nargs="+", help="filled-in survey workbook(s) (.xlsx)")
    p.add_argument("--into", required=True, metavar="WORKSPACE", help=common.WORKSPACE_HELP)

    p = common.add_command(actions, "live", run_live)
    p.add_argument(
        "workspace", metavar="WORKSPACE", help="workspace folder with people.csv (not a sample)"
    )
    p.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")


def run_make(args: argparse.Namespace) -> int:
    """write one survey workbook per participant

    Write a survey workbook per participant: the criteria with their definitions, the verbal
    importance scale or direct points, candidate ratings on request, input checks on every cell
    and a sheet of instructions.
    """
    from alliancekit.group import make_survey_workbooks
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    paths = make_survey_workbooks(
        ws, args.participants, args.out, args.mode, ratings=bool(args.ratings)
    )
    print(f"wrote {common.count_text(len(paths), 'survey workbook')} to {args.out}:")
    for path in paths:
        print(f"  {path}")
    print(
        "Send each person their workbook; store the filled ones with 'alliancekit survey import'."
    )
    return common.EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """check the stored answers and say how far the group agrees

    Read every stored answer of the workspace (responses/), name each bad answer by participant,
    sheet and cell, and show each person's consistency, the like-minded clusters, the widest
    disagreements and the consensus level.
    """
    from alliancekit.group import analyse_disagreement, load_responses
    from alliancekit.workspace import load_workspace

    ws = load_workspace(args.workspace)
    responses = load_responses(ws)
    result = analyse_disagreement(responses)
    if args.format == "json":
        common.print_json(result.to_dict())
        return common.EXIT_OK
    print(f"{ws.organization.name}: {common.count_text(len(responses.ids), 'participant')}")
    print(result.summary())
    return common.EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """store filled-in survey workbooks in a workspace

    Check each filled-in survey workbook and store its answers in the workspace's responses/
    folder (one file per participant, written atomically; a re-import replaces that person's
    earlier answers).
    """
    from alliancekit.errors import DataValidationError
    from alliancekit.group import import_survey_workbook

    if not Path(args.into).is_dir():  # never write answers into a bundled sample
        raise DataValidationError.single(
            "the workspace to store answers in must be a folder on disk (copy a bundled sample "
            "first if you want to use one)",
            file=args.into,
        )
    for path in args.file:
        stored = import_survey_workbook(path, args.into)
        print(f"stored {path} as {stored}")
    return common.EXIT_OK


def run_live(args: argparse.Namespace) -> int:
    """serve the participant page of a live workshop and print each person's link

    Serve the participant page on this machine (127.0.0.1) until Ctrl-C and print one personal
    link per person in people.csv. Each link carries the app's token and a key only that person's
    link has; the page shows the criteria, takes the person's judgements with the consistency
    ratio updated live, and stores the answer in the workspace's responses/ folder (one file per
    person, written atomically, so people submitting at once lose nothing).
    """
    from alliancekit.app import run_forever
    from alliancekit.group import PEOPLE_FILE, load_participants
    from alliancekit.group.live import WORKSPACE_ENV, check_writable, participant_links
    from alliancekit.resources import notebook_path

    folder = check_writable(args.workspace)  # never a bundled sample
    people = load_participants(folder / PEOPLE_FILE)

    def announce(server: Any) -> str:
        links = participant_links(server.url, server.token, people)
        lines = [f"participant page running at {server.url} (pid {server.pid}; Ctrl-C to stop)"]
        lines += [f"  {p.name} ({p.participant_id}): {links[p.participant_id]}" for p in people]
        return "\n".join(lines) + "\n"

    return run_forever(
        port=args.port or None,
        notebook=notebook_path("participant"),
        env={WORKSPACE_ENV: str(folder)},
        announce=announce,
    )
