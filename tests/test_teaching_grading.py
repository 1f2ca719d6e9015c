"""Teaching that can be graded (issue 17): nbgrader conventions, student version, teach --check,
and the classroom comparison of WSM, TOPSIS and PROMETHEE II."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

import alliancekit as ak
from alliancekit.cli import main
from alliancekit.criteria import score_partners
from alliancekit.teaching import (
    check_submission,
    compare_methods,
    solution_texts,
    student_version,
    teaching_notebook,
)
from alliancekit.teaching.grading import CODE_STUB, TEXT_STUB, exercise_cells


@pytest.fixture(scope="module")
def teacher() -> nbformat.NotebookNode:
    return nbformat.read(teaching_notebook(), as_version=4)


def test_the_student_version_contains_no_solution_text(teacher: nbformat.NotebookNode) -> None:
    student = student_version(teacher)
    text = "\n".join(c.source for c in student.cells)
    solutions = solution_texts(teacher)
    assert len(solutions) >= 6  # three exercises: code and written notes each
    for solution in solutions:
        for line in solution.splitlines():
            line = line.strip()
            if len(line) >= 12:  # a real line of the solution, not a bracket or a blank
                assert line not in text, f"solution text left in the student version: {line!r}"
    assert "Solution notes" not in text
    assert "BEGIN SOLUTION" not in text and "MARK SCHEME" not in text
    # an answer cell per exercise, code and written
    assert text.count(CODE_STUB) == 3 and text.count(TEXT_STUB) == 3
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


def test_the_teaching_notebook_follows_nbgrader_conventions(
    teacher: nbformat.NotebookNode,
) -> None:
    ids = [c.metadata["nbgrader"]["grade_id"] for c in teacher.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    exercises = exercise_cells(teacher)
    assert sorted(exercises) == ["ex1", "ex2", "ex3"]
    for exercise, cells in exercises.items():
        assert cells["tests"] and cells["answers"], exercise
        for i in cells["tests"]:
            meta = teacher.cells[i].metadata["nbgrader"]
            assert meta["grade"] and not meta["solution"] and meta["points"] > 0
            assert meta["schema_version"] == 3 and meta["locked"]
        for i in cells["answers"]:
            cell = teacher.cells[i]
            assert cell.metadata["nbgrader"]["solution"]
            if cell.cell_type == "code":
                assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            else:
                assert cell.metadata["nbgrader"]["grade"] and cell.metadata["nbgrader"]["points"]


@pytest.mark.notebook
@pytest.mark.slow
def test_teach_check_full_marks_for_the_solutions_fewer_for_a_blank_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(teaching_notebook(), folder / "instructor.ipynb")
    assert main(["teach", "--student", str(folder / "blank.ipynb")]) == 0
    capsys.readouterr()
    scores = tmp_path / "scores.csv"
    assert main(["teach", "--check", str(folder), "--csv", str(scores)]) == 0
    assert "blank.ipynb" in capsys.readouterr().out
    rows = {r["submission"]: r for r in csv.DictReader(scores.open(encoding="utf-8"))}
    full, blank = rows["instructor.ipynb"], rows["blank.ipynb"]
    assert float(full["total"]) == float(full["max_total"]) == 6
    assert float(blank["total"]) < float(full["total"])
    assert all(float(full[e]) == 2 for e in ("ex1", "ex2", "ex3"))


def _one_exercise(answer: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    grader = {"schema_version": 3, "task": False, "locked": False, "grade": False}
    nb.cells = [
        nbformat.v4.new_code_cell(
            f"### BEGIN SOLUTION\n{answer}\n### END SOLUTION",
            metadata={
                "nbgrader": {**grader, "grade_id": "ex1-a", "solution": True, "grade": False}
            },
        ),
        nbformat.v4.new_code_cell(
            "assert x == 2, 'x should be 2'",
            metadata={
                "nbgrader": {
                    **grader,
                    "grade_id": "ex1-t",
                    "solution": False,
                    "grade": True,
                    "points": 3,
                    "locked": True,
                }
            },
        ),
    ]
    return nb


@pytest.mark.notebook
def test_teach_check_json_names_the_failing_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(_one_exercise("x = 1"), wrong)
    assert main(["teach", "--check", str(wrong), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["points"] == 0 and result["max_points"] == 3
    assert result["exercises"][0]["failed"] == ["AssertionError: x should be 2"]
    right = tmp_path / "right.ipynb"
    nbformat.write(_one_exercise("x = 2"), right)
    assert check_submission(right, cwd=tmp_path).points == 3


def test_teach_check_refuses_what_is_not_a_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "essay.ipynb"
    bad.write_text("not json", "utf-8")
    assert main(["teach", "--check", str(bad)]) == 2
    assert "essay.ipynb" in capsys.readouterr().err
    assert main(["teach", "--check", str(tmp_path / "missing.ipynb")]) == 2


def test_compare_methods_ranks_as_each_method_does_and_explains_the_differences() -> None:
    ws = ak.sample_workspace("greenscape")
    comparison = compare_methods(ws)
    ranks = comparison.ranks
    for method, column in (
        ("weighted_sum", "Weighted sum (WSM)"),
        ("topsis", "TOPSIS"),
        ("promethee_ii", "PROMETHEE II"),
    ):
        expected = score_partners(ws, method=method).to_frame()["rank"]
        assert (ranks[column] == expected.reindex(ranks.index)).all(), method
        assert sorted(ranks[column]) == list(range(1, len(ranks) + 1))
    far = ranks.index[ranks["spread"] >= 2]
    assert len(comparison.differences) == len(far) > 0
    for partner, sentence in zip(far, comparison.differences, strict=True):
        assert f"({partner})" in sentence and " but " in sentence and "while" in sentence
    # the three methods disagree on the best partner in this case
    assert comparison.top["weighted_sum"] == "B01" and comparison.top["promethee_ii"] == "B05"
    assert "PROMETHEE II" in comparison._repr_html_()
