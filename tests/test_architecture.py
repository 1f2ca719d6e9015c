"""The package's layers hold: import-linter's contracts in pyproject.toml, run as a test.

Higher layers (the CLI, the app, reports, widgets, teaching) may import lower ones (charts and
group decisions, then review and portfolio, criteria and sensitivity, risk, scoring, workspace,
resources, model, results and errors), never the reverse; only ``portfolio.milp`` imports the
solvers; the computing core imports no notebook, widget, chart or report machinery.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_a_broken_layer_is_caught(tmp_path: Path) -> None:
    """The contract bites: a model module importing the review layer breaks it."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "alliancekit", copy / "alliancekit", ignore=shutil.ignore_patterns(
        "__pycache__", "data"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    bad = copy / "alliancekit" / "model" / "units.py"
    bad.write_text(bad.read_text() + "\nfrom alliancekit.review import ReviewPolicy  # noqa\n")
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode != 0
    assert "alliancekit.model.units -> alliancekit.review" in done.stdout
