"""Survey workbooks: one per participant, filled in offline, read back cell by cell.

:func:`make_survey_workbooks` writes ``survey_<participant_id>.xlsx`` for each participant:
an *Instructions* sheet (what to do, the verbal AHP scale), *Criteria* (each criterion in plain
words and how it is measured), then *Pairwise* (every pair of criteria: which is more important
and how much, on Saaty's verbal scale) or *Weights* (direct points 0–100), and optionally
*Ratings* (candidates on the Likert criteria, 1–5). Every input cell carries an openpyxl
``DataValidation`` (a drop-down list or a number range), the rest of each sheet is protected
(without a password, against slips only). A hidden ``_meta`` sheet records who the workbook is
for and what it asks, so :func:`read_survey_workbook` can check the answers and name each bad
cell by participant, sheet and cell (docs/group.md §1).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.criteria import CRITERIA, CRITERION_CODES
from alliancekit.errors import DataValidationError, Problem
from alliancekit.group.participants import Participant, to_participants
from alliancekit.group.responses import RATED_CRITERIA, Response, save_response
from alliancekit.group.vocab import SCALE_PHRASES, SurveyMode, scale_value
from alliancekit.model import Workspace

__all__ = [
    "CRITERION_QUESTIONS",
    "import_survey_workbook",
    "make_survey_workbooks",
    "read_survey_workbook",
]

FORMAT = "alliancekit-survey"
_META = "_meta"
#: Each criterion as a question for people (the measurement is in ``CRITERIA[c].definition``).
_PLAIN = {
    "C1": "How well the partner fills the capability gaps we need closed, weighted by how "
    "important each gap is.",
    "C2": "The value the partnership brings us over the planning horizon.",
    "C3": "How well the partner's goals fit ours.",
    "C4": "How well our cultures and ways of managing fit together.",
    "C5": "How committed the partner is likely to be.",
    "C6": "The partner's reputation and our track record of working together.",
    "C7": "What the partnership costs us, up front and every year (less is better).",
    "C8": "The risk that the partner acts opportunistically, leaks know-how or makes us "
    "dependent (less is better).",
    "C9": "The risk that the partnership does not perform: competence, market, complexity, "
    "finances, regulation (less is better).",
    "C10": "What we can learn, and the future options the partnership opens.",
    "C11": "How well the partnership can be governed and adapted when things change.",
}
#: Each criterion in plain words, as surveys and the participant page ask about it.
CRITERION_QUESTIONS: Mapping[str, str] = _PLAIN
_SIDE = {"A": 1, "B": -1, "EQUAL": 0}
_INPUT_FILL = "FFF2CC"


def _criterion_label(code: str) -> str:
    return f"{code} — {CRITERIA[code].name}"


def _check_selection(criteria: Sequence[str] | None, ratings: bool | Iterable[str]) -> tuple:
    chosen = list(CRITERION_CODES if criteria is None else criteria)
    unknown = [c for c in chosen if c not in CRITERIA]
    if unknown or len(chosen) < 2 or len(set(chosen)) != len(chosen):
        raise DataValidationError.single(
            f"criteria must be 2 or more distinct codes of {', '.join(CRITERION_CODES)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            column="criteria",
        )
    rated = list(RATED_CRITERIA) if ratings is True else list(ratings or [])
    wrong = [c for c in rated if c not in RATED_CRITERIA]
    if wrong:
        raise DataValidationError.single(
            f"ratings: candidates can be rated on {', '.join(RATED_CRITERIA)} only, not "
            f"{', '.join(wrong)}",
            column="ratings",
        )
    return chosen, rated


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def _header(sheet: Any, titles: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"


def _inputs(sheet: Any, cells: str, validation: Any) -> None:
    """Unlock, shade and validate the input cells ``cells`` (a range such as ``D2:E56``)."""
    from openpyxl.styles import PatternFill, Protection

    validation.add(cells)
    sheet.add_data_validation(validation)
    for row in sheet[cells]:
        for cell in row if isinstance(row, tuple) else (row,):
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor=_INPUT_FILL)
    sheet.protection.sheet = True


def _validation(kind: str, formula1: str, formula2: str | None, prompt: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=kind,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        operator="between" if formula2 is not None else None,
    )
    dv.error, dv.errorTitle, dv.showErrorMessage = prompt, "Not a valid answer", True
    dv.prompt, dv.showInputMessage = prompt, True
    return dv


def _instructions(
    book: Any, ws: Workspace, person: Participant, mode: SurveyMode, rated: list[str]
) -> int:
    """Write the Instructions sheet; returns the first row of the scale phrases."""
    from openpyxl.styles import Font

    sheet = book.active
    sheet.title = "Instructions"
    org = ws.organization.name
    task = (
        "On the sheet 'Pairwise', for every pair of criteria choose which one matters more "
        "when choosing a partner (A, B or equal) and how much more, in words from the scale "
        "below."
        if mode is SurveyMode.PAIRWISE
        else "On the sheet 'Weights', give each criterion points from 0 to 100 for how much it "
        "should count when choosing a partner (they need not add up to 100)."
    )
    lines = [
        (f"Choosing partners for {org}: your judgement", True),
        (
            f"For {person.name} ({person.participant_id}, {person.organisation.label} side"
            + (f", {person.role}" if person.role else "")
            + ")",
            False,
        ),
        ("", False),
        ("The sheet 'Criteria' explains each criterion.", False),
        (task, False),
        (
            "On the sheet 'Ratings', rate the candidates you know from 1 (poor) to 5 (excellent); "
            "leave the ones you do not know blank."
            if rated
            else "",
            False,
        ),
        ("Only the shaded cells take answers; each offers a list or says what it accepts.", False),
        (
            "When you are done, save the file and return it. It goes unchanged into the "
            "workspace folder 'responses/'.",
            False,
        ),
        ("", False),
        ("Scale", True),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).font = Font(
            bold=bold, size=14 if row == 1 else 11
        )
    first = len(lines) + 1
    for k, (value, phrase) in enumerate(SCALE_PHRASES.items()):
        sheet.cell(row=first + k, column=1, value=value)
        sheet.cell(row=first + k, column=2, value=phrase)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 48
    sheet.protection.sheet = True
    return first


def _criteria_sheet(book: Any, criteria: list[str]) -> None:
    sheet = book.create_sheet("Criteria")
    _header(
        sheet,
        ["Code", "Criterion", "What it means", "How alliancekit measures it (for analysts)"],
        [8, 36, 70, 60],
    )
    for row, code in enumerate(criteria, start=2):
        c = CRITERIA[code]
        for col, value in enumerate((code, c.name, _PLAIN[code], c.definition), start=1):
            sheet.cell(row=row, column=col, value=value)
    sheet.protection.sheet = True


def _pairwise_sheet(book: Any, criteria: list[str], scale_row: int) -> None:
    sheet = book.create_sheet("Pairwise")
    _header(
        sheet,
        [
            "#",
            "Criterion A",
            "Criterion B",
            "Which is more important?",
            "How much more important?",
            "Comment",
        ],
        [5, 42, 42, 24, 40, 30],
    )
    pairs = [(a, b) for i, a in enumerate(criteria) for b in criteria[i + 1 :]]
    for k, (a, b) in enumerate(pairs, start=1):
        for col, value in enumerate((k, _criterion_label(a), _criterion_label(b)), start=1):
            sheet.cell(row=k + 1, column=col, value=value)
    last = len(pairs) + 1
    _inputs(sheet, f"D2:D{last}", _validation("list", '"A,B,equal"', None, "A, B or equal"))
    phrases = f"Instructions!$B${scale_row}:$B${scale_row + len(SCALE_PHRASES) - 1}"
    _inputs(sheet, f"E2:E{last}", _validation("list", phrases, None, "a phrase from the scale"))
    from openpyxl.styles import Protection

    for row in range(2, last + 1):
        sheet.cell(row=row, column=6).protection = Protection(locked=False)


def _weights_sheet(book: Any, criteria: list[str]) -> None:
    sheet = book.create_sheet("Weights")
    _header(sheet, ["Code", "Criterion", "Points (0–100)"], [8, 42, 16])
    for row, code in enumerate(criteria, start=2):
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=CRITERIA[code].name)
    _inputs(
        sheet,
        f"C2:C{len(criteria) + 1}",
        _validation("decimal", "0", "100", "a number from 0 to 100"),
    )


def _ratings_sheet(book: Any, ws: Workspace, rated: list[str], candidates: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet("Ratings")
    titles = ["Candidate id", "Candidate"] + [_criterion_label(c) for c in rated]
    _header(sheet, titles, [14, 44] + [24] * len(rated))
    for row, cid in enumerate(candidates, start=2):
        sheet.cell(row=row, column=1, value=cid)
        sheet.cell(row=row, column=2, value=ws.candidate(cid).name)
    last_col = get_column_letter(2 + len(rated))
    _inputs(
        sheet,
        f"C2:{last_col}{len(candidates) + 1}",
        _validation("whole", "1", "5", "a whole number from 1 (poor) to 5 (excellent)"),
    )


def _meta_sheet(book: Any, values: dict[str, str]) -> None:
    sheet = book.create_sheet(_META)
    for row, (key, value) in enumerate(values.items(), start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=value)
    sheet.sheet_state = "veryHidden"


def make_survey_workbooks(
    ws: Workspace,
    participants: str | os.PathLike[str] | pd.DataFrame | Iterable[Participant],
    out_dir: str | os.PathLike[str],
    mode: str | SurveyMode = "pairwise",
    *,
    criteria: Sequence[str] | None = None,
    ratings: bool | Iterable[str] = False,
    candidates: Sequence[str] | None = None,
) -> tuple[Path, ...]:
    """Write one survey workbook per participant (``survey_<participant_id>.xlsx``).

    Parameters
    ----------
    ws : Workspace
        Gives the organization's name and the candidates to rate.
    participants : path, DataFrame or Participants
        ``people.csv`` (participant_id, name, role, organisation, weight) or its rows.
    out_dir : path
        Folder to write to (created if needed; existing survey files are replaced).
    mode : {"pairwise", "direct"}
        Pairwise comparisons on Saaty's verbal scale, or direct points 0–100.
    criteria : sequence of str, optional
        Criterion codes to judge (default all of C1–C11: 55 pairs in pairwise mode).
    ratings : bool or iterable of str
        Also ask for candidate ratings [1–5] on these criteria (True: C3, C4, C5, C10, C11).
    candidates : sequence of str, optional
        Candidate ids to rate (default all).

    Returns
    -------
    tuple of Path
        The workbooks written, in participant order.
    """
    import openpyxl

    mode = SurveyMode.parse(mode, what="mode")
    chosen, rated = _check_selection(criteria, ratings)
    people = to_participants(participants)
    cands = list(ws.candidate_ids if candidates is None else candidates)
    for cid in cands:
        ws.candidate(cid)  # KeyError names an unknown candidate
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for person in people:
        book = openpyxl.Workbook()
        scale_row = _instructions(book, ws, person, mode, rated)
        _criteria_sheet(book, chosen)
        if mode is SurveyMode.PAIRWISE:
            _pairwise_sheet(book, chosen, scale_row)
        else:
            _weights_sheet(book, chosen)
        if rated:
            _ratings_sheet(book, ws, rated, cands)
        _meta_sheet(
            book,
            {
                "format": FORMAT,
                "version": "1",
                "workspace": ws.name,
                "participant_id": person.participant_id,
                "mode": mode.value,
                "criteria": ";".join(chosen),
                "rated": ";".join(rated),
                "candidates": ";".join(cands) if rated else "",
            },
        )
        path = out / f"survey_{person.participant_id}.xlsx"
        book.save(path)
        paths.append(path)
    return tuple(paths)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
class _Cells:
    """Problem collector for one workbook: locates each problem by participant, sheet, cell."""

    def __init__(self, label: str, participant: str) -> None:
        self.label, self.participant, self.problems = label, participant, []

    def add(self, sheet: str, cell: Any, message: str) -> None:
        self.problems.append(
            Problem(
                f"{self.label}[{sheet}]",
                cell.row,
                cell.column_letter,
                f"participant {self.participant}, cell {cell.coordinate}: {message}",
            )
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_pairwise(sheet: Any, criteria: list[str], cells: _Cells) -> pd.DataFrame:
    n = len(criteria)
    a = np.eye(n)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    for row, (i, j) in enumerate(pairs, start=2):
        label_a, label_b = (_text(sheet.cell(row=row, column=c).value) for c in (2, 3))
        if label_a.split(" ")[0] != criteria[i] or label_b.split(" ")[0] != criteria[j]:
            cells.add(
                "Pairwise",
                sheet.cell(row=row, column=2),
                f"expected {criteria[i]} vs {criteria[j]} here; rows were moved or edited",
            )
            continue
        side_cell, how_cell = sheet.cell(row=row, column=4), sheet.cell(row=row, column=5)
        side = _SIDE.get(_text(side_cell.value).upper())
        how = scale_value(how_cell.value)
        if side is None:
            what = "no answer" if not _text(side_cell.value) else f"{side_cell.value!r}"
            cells.add("Pairwise", side_cell, f"{what}; choose A, B or equal")
        elif side != 0 and how is None:
            what = "no answer" if not _text(how_cell.value) else f"{how_cell.value!r}"
            cells.add(
                "Pairwise",
                how_cell,
                f"{what}; choose how much more important from the scale (e.g. "
                f"'{SCALE_PHRASES[3]}')",
            )
        else:
            value = 1.0 if side == 0 else float(how) ** side
            a[i, j], a[j, i] = value, 1.0 / value
    return pd.DataFrame(a, index=criteria, columns=criteria)


def _read_number(
    sheet: Any, row: int, col: int, lo: float, hi: float, cells: _Cells, what: str, blank_ok: bool
) -> float:
    cell = sheet.cell(row=row, column=col)
    if cell.value is None or _text(cell.value) == "":
        if not blank_ok:
            cells.add(sheet.title, cell, f"no answer; give {what}")
        return np.nan
    try:
        value = float(cell.value)
    except (TypeError, ValueError):
        value = np.nan
    if not lo <= value <= hi:
        cells.add(sheet.title, cell, f"{cell.value!r} is not {what}")
        return np.nan
    return value


def _sheet(book: Any, name: str, cells: _Cells) -> Any:
    if name not in book.sheetnames:
        cells.problems.append(
            Problem(
                cells.label,
                None,
                None,
                f"participant {cells.participant}: sheet '{name}' is "
                "missing; use the workbook as sent",
            )
        )
        return None
    return book[name]


def _meta(book: Any, label: str) -> dict[str, str]:
    if _META not in book.sheetnames:
        raise DataValidationError.single(
            "not an alliancekit survey workbook (its hidden _meta sheet is missing); "
            "use the workbook made by 'alliancekit survey make'",
            file=label,
        )
    sheet = book[_META]
    meta = {_text(r[0]): _text(r[1]) for r in sheet.iter_rows(values_only=True) if r and r[0]}
    if meta.get("format") != FORMAT:
        raise DataValidationError.single("not an alliancekit survey workbook", file=label)
    return meta


def read_survey_workbook(path: str | os.PathLike[str], *, label: str | None = None) -> Response:
    """Read a filled survey workbook and check every answer.

    Parameters
    ----------
    path : path
        The ``.xlsx`` made by :func:`make_survey_workbooks`.
    label : str, optional
        How problems name the file (default its file name).

    Returns
    -------
    Response

    Raises
    ------
    DataValidationError
        Every bad or missing answer; each problem's ``file`` is ``label[sheet]``, ``row`` the
        spreadsheet row, ``column`` the column letter, and the message names the participant
        and the cell.
    """
    import openpyxl

    path = Path(path)
    label = label or path.name
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged file fails inside openpyxl in many ways
        raise DataValidationError.single(
            f"not a readable .xlsx workbook ({type(exc).__name__})", file=label
        ) from None
    meta = _meta(book, label)
    pid, mode = meta.get("participant_id", ""), SurveyMode.parse(meta.get("mode", ""))
    criteria = [c for c in meta.get("criteria", "").split(";") if c]
    cells = _Cells(label, pid)
    pairwise = weights = ratings = None
    if mode is SurveyMode.PAIRWISE and (sheet := _sheet(book, "Pairwise", cells)):
        pairwise = _read_pairwise(sheet, criteria, cells)
    elif mode is SurveyMode.DIRECT and (sheet := _sheet(book, "Weights", cells)):
        weights = pd.Series(
            [
                _read_number(sheet, r, 3, 0, 100, cells, "a number from 0 to 100", False)
                for r in range(2, len(criteria) + 2)
            ],
            index=criteria,
            name="weight",
        )
        if not cells.problems and not weights.sum() > 0:
            cells.add("Weights", sheet["C2"], "every criterion has 0 points")
    rated = [c for c in meta.get("rated", "").split(";") if c]
    if rated and (sheet := _sheet(book, "Ratings", cells)):
        cands = [c for c in meta.get("candidates", "").split(";") if c]
        grid = [
            [
                _read_number(sheet, r, 3 + k, 1, 5, cells, "a rating from 1 to 5", True)
                for k in range(len(rated))
            ]
            for r in range(2, len(cands) + 2)
        ]
        ratings = pd.DataFrame(grid, index=pd.Index(cands, name="partner_id"), columns=rated)
        ratings = ratings.dropna(how="all")
    if cells.problems:
        raise DataValidationError(cells.problems)
    ratings = ratings if ratings is not None and len(ratings) else None
    return Response(pid, mode, tuple(criteria), pairwise, weights, ratings, str(path))


def import_survey_workbook(
    path: str | os.PathLike[str], ws_folder: str | os.PathLike[str] | Workspace
) -> Path:
    """Check a filled survey workbook and store its answers with :func:`save_response`.

    Returns the ``responses/<participant_id>.json`` written (the workbook is left as it is).
    """
    response = read_survey_workbook(path)
    return save_response(ws_folder, response.participant_id, response)
