"""What solver output looks like, so tests can prove none reaches a person or a program.

highspy >= 1.16 prints a copyright banner the first time a ``Highs`` object is built; HiGHS and
CBC print logs when asked to. None of it may appear in CLI output, notebook outputs, review.html
or the web app (unless ``alliancekit --verbose`` asks for the solver log).
"""

from __future__ import annotations

import re

#: Lines only a solver writes (banner, log headers, CBC's message codes).
SOLVER_TEXT = re.compile(
    r"Running HiGHS|HiGHS \d+\.\d+|Copyright \(c\)|THIRD_PARTY_NOTICES|"
    r"Welcome to the CBC|Cbc\d{4}[IWE]|Coin\d{4}[IWE]|Presolving model|"
    r"MIP-Sol|Solving report|Model status\s*:|Dual bound|Primal bound"
)


def solver_text(text: str) -> list[str]:
    """Lines of ``text`` that look like solver output."""
    return [line for line in text.splitlines() if SOLVER_TEXT.search(line)]


def assert_no_solver_text(text: str, what: str = "output") -> None:
    """Fail with the offending lines when ``text`` holds solver output."""
    found = solver_text(text)
    assert not found, f"solver text in {what}: {found[:3]}"
