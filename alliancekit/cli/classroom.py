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
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--student", metavar="OUT", help="output notebook (.ipynb) or folder")
    what.add_argument(
        "--check",
        metavar="SUBMISSION",
        help="a completed student notebook (.ipynb) to run and score, or a folder of them",
    )
    p.add_argument(
        "--csv",
        metavar="FILE",
        help="with --check FOLDER: write the scores, one row per submission, to FILE",
    )
    common.seconds_option(p, "--timeout", 120.0, "longest time one cell of a submission may run")
    common.format_option(p, "the scores")


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
    """teaching material: the student notebook, and automatic checks of submissions

    --student OUT writes the student version of the teaching notebook: every solution (code
    and written notes) replaced by an answer cell. --check SUBMISSION runs a completed student
    notebook with papermill and prints a score per exercise (its autograded tests); --check
    FOLDER scores every notebook in the folder (one row each; --csv FILE writes them). Running
    a submission runs the student's code on this machine.
    """
    if args.student:
        from alliancekit.teaching import student_notebook

        path = student_notebook(out=args.student)
        print(f"wrote the student notebook (answer cells in place of the solutions): {path}")
        return common.EXIT_OK
    return _check(args)


def _check(args: argparse.Namespace) -> int:
    """``teach --check``: one submission (a score per exercise) or a folder (a row each)."""
    from pathlib import Path

    from alliancekit.reporting.kernel import project_kernel_manager
    from alliancekit.teaching import check_folder, check_submission

    target = Path(args.check)
    options = {"timeout": args.timeout, "kernel_manager_class": project_kernel_manager()}
    if target.is_dir():
        scores = check_folder(target, **options)
        if args.csv:
            from alliancekit.reporting.files import write_csv

            write_csv(Path(args.csv), list(scores.columns), scores.to_dict("records"))
        if args.format == "json":
            common.print_json({"submissions": scores.to_dict("records")})
        else:
            print(scores.to_string(index=False))
            if args.csv:
                print(f"wrote {args.csv}")
        return common.EXIT_OK
    if args.csv:
        raise common.UsageError("--csv needs --check FOLDER (a folder of submissions)")
    grade = check_submission(target, **options)
    if args.format == "json":
        common.print_json(
            {
                "submission": grade.submission,
                "points": grade.points,
                "max_points": grade.max_points,
                "exercises": [
                    {
                        "exercise": e.exercise,
                        "points": e.points,
                        "max_points": e.max_points,
                        "failed": list(e.failed),
                        "manual_points": e.manual_points,
                    }
                    for e in grade.exercises
                ],
            }
        )
    else:
        print(grade.summary())
    return common.EXIT_OK
