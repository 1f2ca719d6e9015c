"""``alliancekit validate``: OK with counts, or every located problem and exit code 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliancekit.cli import main
from alliancekit.workspace import sample_workspace, save_workspace

DATA = Path(__file__).resolve().parents[1] / "data"


def _broken(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(DATA / "greenscape", folder)
    cand = folder / "candidates.csv"
    text = cand.read_text(encoding="utf-8")
    text = text.replace("B04,Gulshan Nurseries,supplier", "B04,Gulshan Nurseries,vendor")
    cand.write_text(text, encoding="utf-8")
    org = folder / "organization.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("risk_appetite: low", "risk_appetite: bold"),
        encoding="utf-8",
    )
    return folder


def test_validate_all_samples_ok(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(DATA / n) for n in ("sanchar-apps", "greenscape", "norden-pumpen")]
    assert main(["validate", *paths]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all(line.startswith("OK ") for line in out)
    assert "Norden Pumpen GmbH (kEUR); 16 candidates, 5 alliances" in out[2]
    assert "112 KPI rows, 14 KPIs" in out[2]
    assert out[2].endswith("1 event")  # singular for one
    assert "GreenScape Landscapes (PKR lakh); 14 candidates, 4 alliances, 3 goals, 7 gaps" in out[1]


def test_validate_workbook_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = save_workspace(sample_workspace("sanchar-apps"), tmp_path / "a.xlsx")
    assert main(["validate", str(book)]) == 0
    assert capsys.readouterr().out.startswith(f"OK {book}: Sanchar Apps")


def test_validate_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(tmp_path)
    assert main(["validate", str(folder), str(DATA / "norden-pumpen")]) == 2
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert err[0] == f"INVALID {folder}: 2 problem(s)"
    assert any("organization.yaml, row 66, column 'risk_appetite'" in line for line in err)
    assert any(
        "candidates.csv, row 5, column 'relation': 'vendor' is not allowed" in line for line in err
    )
    assert "Traceback" not in captured.err
    # the valid workspace after the broken one is still checked
    assert captured.out.startswith(f"OK {DATA / 'norden-pumpen'}")


def test_validate_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "workspace not found" in err and "Traceback" not in err


def test_validate_truncates_long_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "many"
    shutil.copytree(DATA / "norden-pumpen", folder)
    kpis = folder / "kpis.csv"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace(",higher,", ",up,"), encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"INVALID {folder}: ") and err[0].endswith("problem(s)")
    assert err[-1].startswith("  ... and ") and len(err) == 52


def test_validate_console_script_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, in a fresh interpreter: exit 2, problems on stderr."""
    folder = _broken(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "alliancekit.cli", "validate", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "INVALID" in proc.stderr and "risk_appetite" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    ok = subprocess.run(
        [sys.executable, "-m", "alliancekit.cli", "validate", str(DATA / "greenscape")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("OK ")


def test_validate_prints_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt optional column is ignored, but validate says so (with a suggestion)."""
    folder = tmp_path / "notes"
    shutil.copytree(DATA / "greenscape", folder)
    cand = folder / "candidates.csv"
    text = cand.read_text(encoding="utf-8")
    cand.write_text(text.replace(",reputation,", ",reputaton,", 1), encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK ")
    assert out[1] == (
        "  note: candidates.csv, row 1, column 'reputaton': unknown column ignored; "
        "did you mean 'reputation'?"
    )
