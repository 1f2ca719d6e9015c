"""Start-up (issue 20): commands do not pay for jsonschema's IRI grammar they never use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("rfc3987_syntax")

CHECK = """
import json, sys
{prelude}
import papermill  # what `alliancekit report` imports: papermill -> nbformat -> jsonschema
loaded_early = "rfc3987_syntax.syntax_helpers" in sys.modules
import jsonschema
v = jsonschema.Draft7Validator({{"format": "iri"}}, format_checker=jsonschema.FormatChecker())
answers = [v.is_valid(s) for s in ("http://example.com/ab", "http://exa mple.com", "ü:x", 3)]
print(json.dumps({{"loaded_early": loaded_early, "answers": answers}}))
"""


def _run(prelude: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(prelude=prelude)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_deferred_grammar_is_not_loaded_until_a_check_and_checks_do_not_change() -> None:
    plain = _run("")
    deferred = _run("from alliancekit.startup import defer_costly_imports\ndefer_costly_imports()")
    assert plain["loaded_early"] is True  # what the stand-in avoids
    assert deferred["loaded_early"] is False
    assert deferred["answers"] == plain["answers"]


def test_the_command_line_defers_it() -> None:
    code = (
        "import contextlib, sys\nfrom alliancekit.cli import main\n"
        "with contextlib.suppress(SystemExit):\n    main(['--version'])\nimport papermill\n"
        "print('rfc3987_syntax.syntax_helpers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr
