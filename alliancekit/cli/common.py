"""What every sub-command shares: exit codes, the parser's look, option helpers, JSON output."""

from __future__ import annotations

import argparse
import inspect
import json
import math
import textwrap
from collections.abc import Callable, Iterable
from typing import Any

from alliancekit.errors import (
    AllianceKitError,
    InfeasiblePortfolioError,
    PackagedFileMissingError,
    ReportError,
)

# each error class knows its exit code; these names are the command line's view of them
EXIT_OK = 0
EXIT_INVALID = AllianceKitError.exit_code  # 2: invalid input
EXIT_INFEASIBLE = InfeasiblePortfolioError.exit_code  # 3
EXIT_REPORT_FAILED = ReportError.exit_code  # 4
EXIT_INTERNAL = PackagedFileMissingError.exit_code  # 70: a bug or a broken installation

#: ``status`` in the ``--format json`` output for each exit code.
STATUS_WORDS = {
    EXIT_OK: "ok",
    EXIT_INVALID: "invalid_input",
    EXIT_INFEASIBLE: "infeasible",
    EXIT_REPORT_FAILED: "report_failed",
    EXIT_INTERNAL: "internal_error",
}


def _epilog() -> str:
    from alliancekit.workspace.limits import limits_text

    return (
        "exit codes (also 'exit_code' and 'status' with --format json):\n"
        "  0   success\n"
        "  2   invalid input (the message names the file, row and column)\n"
        "  3   no portfolio satisfies every constraint (the message says what to relax)\n"
        "  4   a report failed (the failing cell and where the failed notebook was kept), or\n"
        "      its kernel could not start, or it could not be written\n"
        "  70  internal error (a bug, or a file missing from the installation)\n\n"
        "limits on input (larger input is refused as invalid; see data/README.md):\n"
        + limits_text()
    )


#: Shown at the end of every ``--help``.
EXIT_CODES_EPILOG = _epilog()

WORKSPACE_HELP = (
    "workspace folder (organization.yaml + CSV files) or .xlsx workbook; a bare name such as "
    "'greenscape' means the bundled sample of that name"
)

#: A sub-command: parsed arguments -> exit code.
Command = Callable[[argparse.Namespace], int]


class UsageError(AllianceKitError):
    """A command line that cannot be run as given (exit 2, one line on stderr)."""

    exit_code = EXIT_INVALID


class Parser(argparse.ArgumentParser):
    """Reports a bad command line as one line naming the command, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks and shows each option's default where it has one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default in (None, False, [], argparse.SUPPRESS)
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


def add_command(sub: Any, name: str, run: Command) -> argparse.ArgumentParser:
    """Add sub-command ``name``, run by ``run``, and return its parser.

    ``run``'s docstring speaks to users: its first line is the one-line help that
    ``alliancekit --help`` lists, its second paragraph the description of ``alliancekit NAME
    --help`` (the exit codes follow); later paragraphs are for developers.
    """
    paragraphs = inspect.cleandoc(run.__doc__ or "").split("\n\n")
    p = sub.add_parser(
        name,
        help=paragraphs[0],
        description=textwrap.fill(" ".join(paragraphs[1].split()), 78),
        epilog=EXIT_CODES_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.set_defaults(func=run)
    return p


def workspace_argument(p: argparse.ArgumentParser, nargs: str | None = None) -> None:
    """The ``workspace`` positional argument (``nargs`` "+" or "*" for several)."""
    p.add_argument("workspace", nargs=nargs, help=WORKSPACE_HELP)


def choice_option(
    p: argparse.ArgumentParser,
    flag: str,
    choices: Iterable[str],
    help: str,
    default: str | None = None,
) -> None:
    """An option taking one of ``choices``."""
    p.add_argument(flag, choices=list(choices), default=default, help=help)


def format_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--format table|json``; ``what`` says what the JSON holds."""
    help = f"'table' for people, 'json' for programs ({what} on stdout)"
    choice_option(p, "--format", ["table", "json"], help, default="table")


def seconds(text: str) -> float:
    """A duration [s] from the command line: any positive finite number (``90.5``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def seconds_option(p: argparse.ArgumentParser, flag: str, default: float, help: str) -> None:
    """An option holding a duration [s] (a positive number; fractions allowed)."""
    p.add_argument(flag, type=seconds, default=default, metavar="SECONDS", help=help)


def period_options(p: argparse.ArgumentParser, previous_help: str) -> None:
    """``--period`` (a quarter or 'latest') and ``--previous-period`` to compare with."""
    p.add_argument("--period", default="latest", help="quarter to review, YYYY-Qn, or 'latest'")
    p.add_argument("--previous-period", default=None, metavar="YYYY-Qn", help=previous_help)


def print_json(obj: object) -> None:
    """``obj`` as indented JSON on stdout (non-ASCII kept)."""
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def error_json(exc: AllianceKitError) -> dict[str, Any]:
    """The ``--format json`` document of a run that ended in ``exc``: the same status and exit
    code as the process, and the error as it describes itself."""
    return {
        "status": STATUS_WORDS.get(exc.exit_code, "invalid_input"),
        "exit_code": exc.exit_code,
        "error": exc.to_dict(),
    }


def count_text(n: int, word: str) -> str:
    """``1 event``, ``2 events``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def scheduler_option(p: argparse.ArgumentParser) -> None:
    """``--scheduler ADDRESS``: run the command's tasks on a Dask cluster (docs/scaling.md)."""
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler to run on, e.g. tcp://host:8786 (default: $ALLIANCEKIT_SCHEDULER "
        "if set, else this machine with --jobs; 'local' ignores the variable)",
    )
