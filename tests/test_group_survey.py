"""Collecting judgements: people.csv, survey workbooks, save_response / load_responses."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from alliancekit.errors import DataValidationError
from alliancekit.group import (
    Participant,
    ParticipantOrganisation,
    SurveyMode,
    group_ahp,
    import_survey_workbook,
    load_participants,
    load_responses,
    make_survey_workbooks,
    read_survey_workbook,
    save_response,
)
from alliancekit.group.sample import write_greenscape_sample
from alliancekit.group.vocab import SCALE_PHRASES, round_to_scale
from alliancekit.workspace import sample_workspace

CRITERIA = ["C1", "C2", "C3", "C7"]
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "alliancekit" / "data" / "samples" / "greenscape"


@pytest.fixture(scope="module")
def ws():
    return sample_workspace("greenscape")


def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(
        "participant_id,name,role,organisation,weight\n"
        "P1,Amina Shah,CEO,own,2\n"
        "P2,Bilal Khan,,partner,\n"
        "P3,Chen Li,adviser,other,1\n",
        encoding="utf-8",
    )
    return path


def matrix(w: list[float]) -> np.ndarray:
    """Judgements on the 1–9 scale implied by priorities w."""
    w = np.asarray(w, dtype=float)
    a = np.vectorize(round_to_scale)(w[:, None] / w[None, :])
    np.fill_diagonal(a, 1.0)
    return a


def fill_pairwise(path: Path, a: np.ndarray) -> None:
    """Answer every pair in a survey workbook as a person would (A/B/equal and a phrase)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Pairwise"]
    n, row = a.shape[0], 2
    for i in range(n):
        for j in range(i + 1, n):
            v = a[i, j]
            if v == 1:
                sheet.cell(row=row, column=4, value="equal")
            else:
                sheet.cell(row=row, column=4, value="A" if v > 1 else "B")
                sheet.cell(row=row, column=5, value=SCALE_PHRASES[round(max(v, 1 / v))])
            row += 1
    book.save(path)


# ---------------------------------------------------------------------------------------------
# people.csv
# ---------------------------------------------------------------------------------------------
def test_people_csv_loads_with_organisation_enum(tmp_path: Path) -> None:
    found = load_participants(people(tmp_path))
    assert [p.participant_id for p in found] == ["P1", "P2", "P3"]
    assert found[0].organisation is ParticipantOrganisation.OWN and found[0].weight == 2
    assert found[1].weight == 1.0 and found[1].role == ""
    assert load_participants(tmp_path) == found  # the folder holding people.csv


def test_people_csv_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "participant_id,name,role,organisation,weight\n"
        "P1,Amina,,own,\n"
        "P1,Bilal,,partner,\n"
        "P 3,Chen,,rival,-1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_participants(path)
    where = {(p.row, p.column) for p in err.value.problems}
    assert {(3, "participant_id"), (4, "participant_id"), (4, "organisation"), (4, "weight")} <= (
        where
    )
    assert all(p.file == "people.csv" for p in err.value.problems)
    path.write_text("id,name\nP1,Amina\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing column"):
        load_participants(path)
    with pytest.raises(DataValidationError, match="weight"):
        Participant("P1", "Amina", "own", weight=-2)


# ---------------------------------------------------------------------------------------------
# survey workbooks
# ---------------------------------------------------------------------------------------------
def test_workbooks_have_instructions_and_validation_on_every_input(ws, tmp_path: Path) -> None:
    paths = make_survey_workbooks(ws, people(tmp_path), tmp_path / "out", ratings=True)
    assert [p.name for p in paths] == ["survey_P1.xlsx", "survey_P2.xlsx", "survey_P3.xlsx"]
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames[:4] == ["Instructions", "Criteria", "Pairwise", "Ratings"]
    assert book["_meta"].sheet_state == "veryHidden"
    intro = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "GreenScape Landscapes" in intro and "Bilal Khan (P2, partner side)" in intro
    assert "responses/" in intro
    assert book["Criteria"]["C4"].value.startswith("How well the partner's goals fit")
    pairwise = book["Pairwise"]
    assert pairwise.max_row == 1 + 55  # every pair of C1–C11
    covered = {str(r) for dv in pairwise.data_validations.dataValidation for r in dv.sqref.ranges}
    assert covered == {"D2:D56", "E2:E56"}
    lists = {dv.formula1 for dv in pairwise.data_validations.dataValidation}
    assert '"A,B,equal"' in lists and any(f.startswith("Instructions!$B$") for f in lists)
    ratings = book["Ratings"]
    (grid,) = ratings.data_validations.dataValidation
    assert str(grid.sqref) == "C2:G15" and grid.type == "whole"  # 14 candidates × 5 criteria
    assert pairwise.protection.sheet and not pairwise["D2"].protection.locked
    direct = make_survey_workbooks(ws, people(tmp_path), tmp_path / "d", "direct")[0]
    weights = openpyxl.load_workbook(direct)["Weights"]
    (dv,) = weights.data_validations.dataValidation
    assert str(dv.sqref) == "C2:C12" and (dv.type, dv.formula1, dv.formula2) == (
        "decimal",
        "0",
        "100",
    )


def test_round_trip_make_fill_load_aggregate(ws, tmp_path: Path) -> None:
    """make → fill with openpyxl → load → aggregate gives the group AHP of what was filled."""
    folder = tmp_path / "ws"
    (folder / "responses").mkdir(parents=True)
    people(folder)
    paths = make_survey_workbooks(
        ws, folder / "people.csv", folder / "responses", criteria=CRITERIA, ratings=["C3", "C5"]
    )
    given = {"P1": matrix([4, 3, 2, 1]), "P2": matrix([1, 1, 3, 2]), "P3": matrix([2, 5, 1, 1])}
    for path in paths:
        fill_pairwise(path, given[path.stem.split("_")[1]])
    book = openpyxl.load_workbook(paths[0])
    book["Ratings"]["C2"], book["Ratings"]["D2"], book["Ratings"]["C4"] = 4, 5, 2
    book.save(paths[0])
    loaded = load_responses(folder)
    assert loaded.ids == ["P1", "P2", "P3"] and loaded.mode is SurveyMode.PAIRWISE
    assert loaded.criteria == tuple(CRITERIA)
    for pid, a in given.items():
        np.testing.assert_allclose(loaded.matrices()[pid].to_numpy(), a, rtol=1e-12)
    ratings = loaded.responses[0].ratings
    assert ratings.loc["B01", "C3"] == 4 and ratings.loc["B01", "C5"] == 5
    assert ratings.loc["B03", "C3"] == 2 and list(ratings.index) == ["B01", "B03"]
    weights = loaded.participant_weights()
    assert list(weights) == [2.0, 1.0, 1.0]
    direct = group_ahp(
        {p: pd.DataFrame(a, index=CRITERIA, columns=CRITERIA) for p, a in given.items()},
        participant_weights=weights,
    )
    via_files = group_ahp(loaded.matrices(), participant_weights=weights)
    np.testing.assert_allclose(via_files.weights, direct.weights, rtol=1e-12)
    assert via_files.consensus == pytest.approx(direct.consensus)
    assert list(loaded.to_frame()["organisation"]) == ["own", "partner", "other"]


def test_direct_mode_round_trip(ws, tmp_path: Path) -> None:
    (path,) = make_survey_workbooks(
        ws, [Participant("P9", "Dana", "own")], tmp_path, "direct", criteria=CRITERIA
    )
    book = openpyxl.load_workbook(path)
    for row, points in zip(range(2, 6), (40, 30, 20, 10), strict=True):
        book["Weights"].cell(row=row, column=3, value=points)
    book.save(path)
    response = read_survey_workbook(path)
    assert response.mode is SurveyMode.DIRECT and response.pairwise is None
    assert list(response.weights) == [40, 30, 20, 10]


def test_bad_answers_are_named_by_participant_sheet_and_cell(ws, tmp_path: Path) -> None:
    responses = tmp_path / "responses"
    paths = make_survey_workbooks(
        ws, people(tmp_path), responses, criteria=CRITERIA, ratings=["C3"]
    )
    for path in paths:
        fill_pairwise(path, matrix([4, 3, 2, 1]))
    book = openpyxl.load_workbook(paths[0])
    book["Pairwise"]["D3"] = "maybe"  # C1 vs C3
    book["Pairwise"]["E5"] = None  # C2 vs C3: A chosen, how much left blank
    book["Ratings"]["C4"] = 7
    book.save(paths[0])
    book = openpyxl.load_workbook(paths[2])
    book["Pairwise"]["E3"] = "hugely"  # C1 vs C3
    book.save(paths[2])
    with pytest.raises(DataValidationError) as err:
        load_responses(tmp_path)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert found == {
        ("responses/survey_P1.xlsx[Pairwise]", 3, "D"),
        ("responses/survey_P1.xlsx[Pairwise]", 5, "E"),
        ("responses/survey_P1.xlsx[Ratings]", 4, "C"),
        ("responses/survey_P3.xlsx[Pairwise]", 3, "E"),
    }
    text = str(err.value)
    assert "participant P1, cell D3: 'maybe'; choose A, B or equal" in text
    assert "participant P1, cell E5: no answer" in text
    assert "participant P3, cell E3: 'hugely'" in text
    assert "cell C4: 7 is not a rating from 1 to 5" in text


def test_a_workbook_that_is_not_a_survey_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.save(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    for name, text in (("other.xlsx", "_meta sheet is missing"), ("broken.xlsx", "readable")):
        with pytest.raises(DataValidationError, match=text):
            read_survey_workbook(tmp_path / name)


def test_moved_rows_are_detected(ws, tmp_path: Path) -> None:
    (path,) = make_survey_workbooks(
        ws, [Participant("P9", "Dana", "own")], tmp_path, criteria=CRITERIA
    )
    fill_pairwise(path, matrix([1, 1, 1, 1]))
    book = openpyxl.load_workbook(path)
    book["Pairwise"]["B2"] = "C2 — Strategic value"
    book.save(path)
    with pytest.raises(DataValidationError, match="expected C1 vs C2 here"):
        read_survey_workbook(path)


# ---------------------------------------------------------------------------------------------
# save_response / load_responses
# ---------------------------------------------------------------------------------------------
def pairwise_answer(w: list[float]) -> dict:
    return {"pairwise": pd.DataFrame(matrix(w), index=CRITERIA, columns=CRITERIA)}


def test_save_response_writes_one_file_atomically_and_replaces(tmp_path: Path) -> None:
    first = save_response(tmp_path, "P1", pairwise_answer([4, 3, 2, 1]))
    assert first == tmp_path / "responses" / "P1.json"
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["participant_id"] == "P1" and len(data["judgements"]) == 6
    save_response(tmp_path, "P1", pairwise_answer([1, 2, 3, 4]))
    assert sorted(os.listdir(tmp_path / "responses")) == ["P1.json"]  # no temporary left over
    loaded = load_responses(tmp_path)
    assert loaded.matrices()["P1"].loc["C7", "C1"] == 4.0  # the second answer won
    direct = save_response(
        tmp_path,
        "P2",
        {"weights": {"C1": 1, "C2": 2, "C3": 3, "C7": 4}, "ratings": {"B01": {"C3": 4}}},
    )
    assert json.loads(direct.read_text(encoding="utf-8"))["ratings"] == {"B01": {"C3": 4.0}}


def test_a_failed_write_keeps_the_old_answer(tmp_path: Path, monkeypatch) -> None:
    path = save_response(tmp_path, "P1", pairwise_answer([4, 3, 2, 1]))
    before = path.read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        save_response(tmp_path, "P1", pairwise_answer([1, 2, 3, 4]))
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == ["P1.json"]


def test_people_submitting_at_once_lose_nothing(tmp_path: Path) -> None:
    ids = [f"P{k:02d}" for k in range(24)]
    threads = [
        threading.Thread(
            target=save_response, args=(tmp_path, pid, pairwise_answer([1 + k % 4, 2, 3, 1]))
        )
        for k, pid in enumerate(ids)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert load_responses(tmp_path).ids == ids


def test_save_response_refuses_bad_ids_and_answers(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="participant_id"):
        save_response(tmp_path, "../P1", pairwise_answer([1, 1, 1, 1]))
    bad = pairwise_answer([1, 1, 1, 1])
    bad["pairwise"].iloc[0, 1] = 12
    with pytest.raises(DataValidationError, match="judgements"):
        save_response(tmp_path, "P1", bad)
    with pytest.raises(DataValidationError, match="exactly one"):
        save_response(tmp_path, "P1", {})
    assert not (tmp_path / "responses").exists() or not any((tmp_path / "responses").iterdir())


def test_load_responses_cross_checks(ws, tmp_path: Path) -> None:
    people(tmp_path)
    save_response(tmp_path, "P1", pairwise_answer([4, 3, 2, 1]))
    save_response(tmp_path, "P7", pairwise_answer([4, 3, 2, 1]))
    (path,) = make_survey_workbooks(
        ws, [Participant("P1", "Amina", "own")], tmp_path / "responses", criteria=CRITERIA
    )
    fill_pairwise(path, matrix([1, 1, 1, 1]))
    (tmp_path / "responses" / "P3.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_responses(tmp_path)
    text = str(err.value)
    assert "participant P7 is not in people.csv" in text
    assert "participant P1 answered twice" in text
    assert "responses/P3.json: not readable JSON" in text
    with pytest.raises(DataValidationError, match="no responses/ folder"):
        load_responses(tmp_path / "nowhere")


def test_import_survey_workbook_stores_json(ws, tmp_path: Path) -> None:
    (path,) = make_survey_workbooks(
        ws, [Participant("P9", "Dana", "own")], tmp_path / "inbox", criteria=CRITERIA
    )
    fill_pairwise(path, matrix([2, 1, 1, 1]))
    stored = import_survey_workbook(path, tmp_path / "ws")
    assert stored == tmp_path / "ws" / "responses" / "P9.json"
    loaded = load_responses(tmp_path / "ws")
    np.testing.assert_allclose(loaded.matrices()["P9"], matrix([2, 1, 1, 1]))


def test_workspace_locates_its_responses(tmp_path: Path) -> None:
    import shutil

    from alliancekit.workspace import load_workspace

    shutil.copytree(ROOT / "alliancekit" / "data" / "samples" / "greenscape", tmp_path / "gs")
    shutil.rmtree(tmp_path / "gs" / "responses")  # start from a workspace nobody answered yet
    (tmp_path / "gs" / "people.csv").unlink()
    ws = load_workspace(tmp_path / "gs")
    save_response(ws, "P1", pairwise_answer([4, 3, 2, 1]))
    assert load_responses(ws).ids == ["P1"]
    with pytest.raises(DataValidationError, match="not loaded from disk"):
        save_response(ws.replace(source=None), "P1", pairwise_answer([1, 1, 1, 1]))


def test_the_greenscape_sample_is_what_its_generator_writes(tmp_path: Path) -> None:
    """The greenscape sample's people.csv and responses/ are write_greenscape_sample's output."""
    write_greenscape_sample(tmp_path)
    for name in ["people.csv", *(f"responses/P0{k}.json" for k in range(1, 9))]:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    loaded = load_responses(SAMPLE)
    assert loaded.ids == [f"P0{k}" for k in range(1, 9)]
    assert list(loaded.organisation().value_counts().items()) == [("own", 5), ("partner", 3)]
