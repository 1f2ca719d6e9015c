"""CLI contract of ``alliancekit select`` and ``alliancekit review`` (DESIGN.md "Command line").

Exit codes: 0 ok, 2 invalid input (one clear line on stderr, no traceback), 3 infeasible
portfolio (what to relax). ``--format json`` must be strict JSON on stdout, so the real console
script is run in a subprocess (a solver writing to file descriptor 1 would not show in capsys).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from solver_text import assert_no_solver_text, solver_text

from alliancekit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCRIPT = Path(sys.executable).with_name("alliancekit")

#: docs/method.md §11 decisions at q8 = 2025-Q2.
DECISIONS = {
    "sanchar-apps": {"AL-A1": "GROW", "AL-A2": "MAINTAIN", "AL-A3": "RESTRUCTURE", "AL-A4": "EXIT"},
    "greenscape": {"AL-B1": "MAINTAIN", "AL-B2": "GROW", "AL-B3": "EXIT", "AL-B4": "RESTRUCTURE"},
    "norden-pumpen": {
        "AL-C1": "MAINTAIN",
        "AL-C2": "GROW",
        "AL-C3": "RESTRUCTURE",
        "AL-C4": "EXIT",
        "AL-C5": "EXIT",
    },
}


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it; no solver text unless --verbose."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "alliancekit.cli"]
    done = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if "--verbose" not in args:
        assert_no_solver_text(done.stdout, what=f"stdout of alliancekit {' '.join(args)}")
        assert_no_solver_text(done.stderr, what=f"stderr of alliancekit {' '.join(args)}")
    return done


def strict_json(text: str) -> dict:
    """Parse as RFC 8259 JSON: NaN/Infinity (Python's extension) are refused."""

    def refuse(constant: str) -> None:
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


# -- select ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_select_json_is_strict_json_with_the_reference_plan(solver: str) -> None:
    """stdout is pure JSON (no solver chatter); the CLI reviews first, so AL-C4 and AL-C5
    (EXIT) are exited and the §11 reference portfolio C(a) is selected; AL-C2 (GROW) is
    flagged with the headroom the plan leaves."""
    done = run_cli("select", str(DATA / "norden-pumpen"), "--format", "json", "--solver", solver)
    assert done.returncode == 0, done.stderr
    data = strict_json(done.stdout)
    assert data["selected"] == ["C01", "C02", "C03", "C05", "C08", "C09", "C12"]
    assert abs(data["objective_value"] - 10699.35) <= 0.1
    assert data["status"] == "optimal" and data["solver"] == solver
    assert data["exited"] == ["AL-C4", "AL-C5"]
    assert data["grow_flags"] == {"AL-C2": []}
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_select_table_and_new_case_print_no_solver_text(solver: str, tmp_path: Path) -> None:
    """The HiGHS >= 1.16 banner and solver logs never reach a person's terminal."""
    done = run_cli("select", str(DATA / "greenscape"), "--solver", solver)
    assert done.returncode == 0 and "selected partners" in done.stdout
    done = run_cli("new-case", str(tmp_path / "case"), "--seed", "46", "--candidates", "4")
    assert done.returncode == 0 and done.stdout.startswith("wrote")


def test_verbose_shows_the_solver_log() -> None:
    """``--verbose`` is the one way to see the solver's own log (and proves the check above)."""
    done = run_cli("--verbose", "select", str(DATA / "greenscape"))
    assert done.returncode == 0
    assert solver_text(done.stdout + done.stderr)


def test_select_infeasible_exits_3_with_what_to_relax() -> None:
    """docs/method.md §6.2 exercise from the shell: exit 3, relaxations on stderr, no traceback."""
    done = run_cli("select", str(DATA / "greenscape"), "--exclude", "B14")
    assert done.returncode == 3
    assert done.stdout == ""
    err = done.stderr
    assert err.startswith("infeasible:") and "Traceback" not in err
    for piece in ("G5", "B09", "0.6375", "add a partner", "lower the required coverage"):
        assert piece in err


@pytest.mark.parametrize(
    "args,message",
    [
        (["--include", "Z99"], "Z99"),
        (["--objective", "profit"], "invalid choice: 'profit'"),
        (["--budget-annual", "-5"], "must not be negative"),
        (["--include", "B09", "--exclude", "B09"], "both must-include and must-exclude"),
    ],
)
def test_select_bad_input_exits_2_with_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Invalid options: exit 2, one line on stderr naming the problem, nothing on stdout."""
    assert main(["select", str(DATA / "greenscape"), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert captured.err.startswith("error:")


def test_select_options_reach_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    """--budget-annual, --risk-appetite and --max-count change the plan the way they say."""
    folder = str(DATA / "greenscape")
    assert main(["select", folder, "--format", "json", "--budget-annual", "90"]) == 0
    data = strict_json(capsys.readouterr().out)
    totals = {row["constraint"]: row for row in data["totals"]}
    assert totals["limit[cost_annual]"]["cap"] == 90
    assert main(["select", folder, "--format", "json", "--risk-appetite", "high"]) == 0
    assert "B09" not in strict_json(capsys.readouterr().out)["screened"]  # R_rel 0.64 < 0.75
    # B's reference set of 5 is the only feasible one (§11): at most 4 is infeasible (exit 3)
    assert main(["select", folder, "--format", "json", "--max-count", "4"]) == 3
    captured = capsys.readouterr()
    # issue 14: --format json carries the status of every ending (stdout was empty here before)
    assert strict_json(captured.out)["status"] == "infeasible"
    assert "raise the maximum number of partners from 4 to 5" in captured.err


def test_select_table_shows_grow_headroom_and_binding(capsys: pytest.CaptureFixture[str]) -> None:
    """The readable plan lists the GROW flag and marks binding limits."""
    assert main(["select", str(DATA / "sanchar-apps")]) == 0
    out = capsys.readouterr().out
    assert "GROW AL-A1: budget headroom after this plan annual 85.0 PKR lakh/yr" in out
    assert "limit[cost_one_off]" in out and "*" in out
    assert "exited: AL-A4" in out


# -- review ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_review_json_is_strict_json_with_the_section_11_decisions(name: str) -> None:
    """``alliancekit review WS --format json``: strict JSON (missing values are null, not NaN),
    the §11 decisions, one table row per alliance."""
    done = run_cli("review", str(DATA / name), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = strict_json(done.stdout)
    assert data["period"] == "2025-Q2"
    assert data["decisions"] == DECISIONS[name]
    assert len(data["table"]) == len(DECISIONS[name])


def test_review_earlier_period_and_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    """--period picks the review quarter; --previous-period prints what changed since."""
    folder = str(DATA / "norden-pumpen")
    assert main(["review", folder, "--period", "2025-Q1", "--format", "json"]) == 0
    data = strict_json(capsys.readouterr().out)
    assert data["period"] == "2025-Q1" and data["decisions"]["AL-C5"] == "MAINTAIN"
    assert main(["review", folder, "--previous-period", "2025-Q1"]) == 0
    out = capsys.readouterr().out
    assert "review 2025-Q2" in out and "changes since 2025-Q1" in out
    assert "AL-C5: MAINTAIN -> EXIT (worse)" in out


def test_review_missing_workspace_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that does not exist is invalid input: exit 2, no traceback."""
    assert main(["review", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err and "nowhere" in err
