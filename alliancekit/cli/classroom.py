"""``alliancekit app``, ``new-case`` and ``teach``: the web app and the teaching material."""

from __future__ import annotations

import argparse
from typing import Any

from alliancekit.cli import common

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``app``, ``new-case`` and ``teach`` to the sub-command parsers."""
    p = common.add_command(sub, "app", run_app)
    p.add_argument("--port", type=int, default=8866, help="TCP port to listen on")
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="accepted for compatibility; the app never opens a browser itself",
    )

    p = common.add_command(sub, "new-case", run_new_case)
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder (or .xlsx file) to write")
    p.add_argument("--seed", type=int, required=True, help="random seed (any integer)")
    p.add_argument(
        "--candidates",
        type=int,
        default=12,
        metavar="N",
        help="number of candidate partners (3 or more)",
    )

    p = common.add_command(sub, "teach", run_teach)
    p.add_argument(
        "--student", metavar="OUT", required=True, help="output notebook (.ipynb) or folder"
    )


def run_app(args: argparse.Namespace) -> int:
    """serve the web app (Voila) on 127.0.0.1

    Serve the alliancekit web app on this machine only (127.0.0.1) until Ctrl-C. Open the printed
    URL: it carries a random token, and any request without it (or naming another host than
    127.0.0.1/localhost) is refused with 403. Uploads: an .xlsx workbook or a .zip of a
    workspace folder, at most 8 MiB (a .zip at most 1000 entries and 200 MiB unpacked).

    A SIGTERM stops the Voilà server too.
    """
    from alliancekit.app import run_forever

    # the server never opens a browser itself; ``--no-browser`` is accepted for compatibility
    return run_forever(port=args.port)


def run_new_case(args: argparse.Namespace) -> int:
    """write a random classroom workspace

    Write a new random but solvable workspace for a class exercise (a folder, or an .xlsx
    workbook when OUT_DIR ends in .xlsx). The same seed always gives the same case.
    """
    from alliancekit.teaching import new_case

    ws = new_case(args.out_dir, seed=args.seed, n_candidates=args.candidates)
    org = ws.organization
    print(
        f"wrote {args.out_dir}: {org.name} ({org.sector}); {len(ws.candidates)} candidates, "
        f"{len(ws.alliances)} existing alliances, {len(org.capability_gaps)} gaps; "
        f"money in {org.money_label}"
    )
    return common.EXIT_OK


def run_teach(args: argparse.Namespace) -> int:
    """teaching material: the student notebook

    Write the student version of the teaching notebook, with the solutions removed.
    """
    from alliancekit.teaching import student_notebook

    path = student_notebook(out=args.student)
    print(f"wrote the student notebook (solution cells removed): {path}")
    return common.EXIT_OK
