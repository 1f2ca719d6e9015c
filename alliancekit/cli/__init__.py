"""Command line: ``alliancekit validate|score|select|review|report|survey|app|new-case|teach``.

Exit codes: 0 ok; 2 invalid input (one clear line on stderr, no traceback); 3 infeasible
portfolio (what to relax); 4 report failed (which cell, where the notebook is); 70 internal error
(a bug, or a file missing from the installation). Every error alliancekit raises on purpose
renders itself (``AllianceKitError.for_cli``) and knows its exit code.

One module per command group, each a thin layer over the public API with a ``register(sub)``
that adds its parser and a ``run(args)`` that runs it: ``validate``, ``score``, ``select``,
``review``, ``report``, ``survey`` (group judgements) and ``classroom`` (app, new-case,
teach); ``common`` holds the exit codes
and the option helpers they share.
"""

from __future__ import annotations

import itertools
import os
import sys
import textwrap
from collections.abc import Sequence

from alliancekit.cli import (
    classroom,
    export,
    report,
    review,
    roadmap,
    scenario,
    score,
    select,
    survey,
    validate,
)
from alliancekit.cli.common import (
    EXIT_CODES_EPILOG,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REPORT_FAILED,
    HelpFormatter,
    Parser,
    error_json,
    print_json,
)
from alliancekit.errors import AllianceKitError, InternalError
from alliancekit.startup import defer_costly_imports

__all__ = [
    "EXIT_CODES_EPILOG",
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_REPORT_FAILED",
    "build_parser",
    "main",
]

#: The command groups, in the order ``--help`` lists their commands.
_COMMANDS = (validate, score, select, roadmap, review, report, scenario, export, survey, classroom)


def build_parser() -> Parser:
    """The argument parser for every sub-command."""
    from alliancekit import __version__

    parser = Parser(
        prog="alliancekit",
        description=textwrap.fill(
            "Decision support for strategic alliances: score candidate partners, choose the "
            "best portfolio under budgets and risk caps, review existing alliances every "
            "quarter and publish review reports. The method is described in docs/method.md.",
            78,
        ),
        epilog=EXIT_CODES_EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"alliancekit {__version__}")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show the solver's own log on stderr and a traceback for internal errors",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in _COMMANDS:
        group.register(sub)
    return parser


def _wants_json(argv: Sequence[str]) -> bool:
    """``--format json`` on the command line (read before it is parsed, for a parse error)."""
    args = list(argv)
    return "--format=json" in args or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(args)
    )


def _ended(exc: AllianceKitError, as_json: bool) -> int:
    """Report an error as it renders itself (stderr), and as JSON on stdout if asked."""
    print(exc.for_cli(), file=sys.stderr)
    if as_json:
        print_json(error_json(exc))
    return exc.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (see ``EXIT_CODES_EPILOG``).

    Every ending has its code: 0 ok, 2 invalid input (``DataValidationError`` and every other
    ``AllianceKitError`` of bad input), 3 infeasible, 4 report failed, 70 internal error (any
    other exception: a bug). With ``--format json`` stdout carries the same status.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(argv)
    defer_costly_imports()  # ~1.2 s of jsonschema's IRI grammar that no command uses
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except AllianceKitError as exc:  # a bad command line
        return _ended(exc, as_json)
    if args.verbose:
        from alliancekit import portfolio

        portfolio.SOLVER_LOG = True
    try:
        return int(args.func(args) or 0)
    except AllianceKitError as exc:  # every deliberate error knows its words and its exit code
        return _ended(exc, as_json)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:
        # stdout closed early (``alliancekit score ws | head``): stop quietly, like other tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, with a traceback only on request
        if args.verbose:
            import traceback

            traceback.print_exc()
        error = InternalError(
            f"{type(exc).__name__}: {exc} (this is a bug in alliancekit; run again with "
            "--verbose for the traceback)"
        )
        return _ended(error, as_json)
