"""``alliancekit survey make|check|import`` as a user runs them: workbooks out, answers in."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from test_group_survey import fill_pairwise, matrix, people

from alliancekit.cli import main
from alliancekit.group import load_responses

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the greenscape sample that nobody has answered yet."""
    folder = tmp_path / "gs"
    shutil.copytree(ROOT / "data" / "greenscape", folder)
    shutil.rmtree(folder / "responses")
    (folder / "people.csv").unlink()
    return folder


def test_make_import_check_round_trip(workspace: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "surveys"
    assert main(["survey", "make", str(workspace), "--participants", str(people(tmp_path)),
                 "--out", str(out)]) == 0  # fmt: skip
    assert "wrote 3 survey workbooks" in capsys.readouterr().out
    weights = {"P1": np.linspace(1, 2, 11), "P2": np.linspace(2, 1, 11), "P3": np.ones(11)}
    for pid, w in weights.items():
        fill_pairwise(out / f"survey_{pid}.xlsx", matrix(list(w)))
    files = [str(out / f"survey_{pid}.xlsx") for pid in weights]
    assert main(["survey", "import", *files, "--into", str(workspace)]) == 0
    assert load_responses(workspace).ids == ["P1", "P2", "P3"]
    assert main(["survey", "check", str(workspace)]) == 0
    text = capsys.readouterr().out
    assert "3 participants" in text and "consensus S*" in text


def test_import_of_a_blank_workbook_names_the_cell(workspace: Path, tmp_path: Path, capsys):
    out = tmp_path / "surveys"
    main(["survey", "make", str(workspace), "--participants", str(people(tmp_path)),
          "--out", str(out)])  # fmt: skip
    capsys.readouterr()
    code = main(["survey", "import", str(out / "survey_P2.xlsx"), "--into", str(workspace)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: survey_P2.xlsx[Pairwise], row 2, column 'D'")
    assert not (workspace / "responses").exists() or not list((workspace / "responses").iterdir())


def test_import_never_writes_into_a_bundled_sample(tmp_path: Path, capsys) -> None:
    assert main(["survey", "import", str(tmp_path / "x.xlsx"), "--into", "greenscape"]) == 2
    assert "must be a folder on disk" in capsys.readouterr().err
