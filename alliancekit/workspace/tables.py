"""Tables: raw rows of text → records of values (``parse_rows``) → frames and entities.

``parse_rows`` checks a table's header (duplicate, missing and unknown columns) and converts each
cell by its column's specification, recording every problem with file, row and column; a cell
that fails holds ``INVALID``. ``history_frame`` turns records into the frame a ``Workspace``
keeps (a failed cell is blank, so the checks can run over it); ``candidates``/``alliances`` build
the entities once every check passed.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import fields
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import Alliance, Candidate
from alliancekit.workspace.cells import CONTROL_RE, INVALID, CellError, convert, length_problem
from alliancekit.workspace.columns import Col, Kind
from alliancekit.workspace.problems import Problems
from alliancekit.workspace.readers import RawTable

__all__ = ["Parsed", "build_alliances", "build_candidates", "history_frame", "parse_rows"]


class Parsed:
    """A table's records (dicts of values with their spreadsheet ``_row``) and kept extras."""

    __slots__ = ("extras", "label", "records")

    def __init__(self, label: str, records: list[dict[str, Any]], extras: list[str]) -> None:
        self.label = label
        self.records = records
        self.extras = extras

    @property
    def rows(self) -> np.ndarray:
        """Spreadsheet row of each record (header = 1)."""
        return np.asarray([r["_row"] for r in self.records], dtype=np.int64)


# -- header -----------------------------------------------------------------------------------
def _positions(table: RawTable, cols: tuple[Col, ...], P: Problems) -> dict[str, int]:
    """Column name → position; control characters and repeated names are problems.

    A known column's name is matched ignoring letter case (``ID`` is the column ``id``); other
    columns keep their name as written.
    """
    known = {c.name.casefold(): c.name for c in cols}
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for j, h in enumerate(table.header):
        if not h:
            continue
        if CONTROL_RE.search(h):
            P.add(table.label, 1, repr(h), "column name contains a control character")
            continue
        name = known.get(h.casefold(), h)
        if name in positions:
            also = f" (also as '{written[name]}'; column names ignore letter case)"
            also = also if written[name] != h else ""
            P.add(table.label, 1, h, f"column '{h}' appears twice in the header{also}")
            continue
        positions[name] = j
        written[name] = h
    return positions


def _check_header(
    table: RawTable, cols: tuple[Col, ...], positions: Mapping[str, int], P: Problems, keep: bool
) -> list[str]:
    """Report missing required columns; the unknown columns kept (or noted as ignored)."""
    known = {c.name for c in cols}
    unknown = [h for h in positions if h not in known]
    for col in cols:
        if col.required and col.name not in positions:
            close = difflib.get_close_matches(col.name, unknown, n=1)
            hint = f" (is '{close[0]}' meant to be '{col.name}'?)" if close else ""
            P.add(table.label, 1, col.name, f"required column '{col.name}' is missing{hint}")
    if keep:
        return unknown
    for h in unknown:
        close = difflib.get_close_matches(h, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        P.note(table.label, 1, h, f"unknown column ignored{hint}")
    return []


# -- rows -------------------------------------------------------------------------------------
class _Converter:
    """Converts cells by column, remembering each (column, text) result: conversions are pure
    (coverage maps are mutable, so they are not remembered). ``memo`` is read inline by
    ``parse_rows`` (one dict lookup per cell); ``__call__`` handles blanks and misses."""

    def __init__(self, label: str, P: Problems) -> None:
        self.label = label
        self.P = P
        self.memo: dict[tuple[str, str], Any] = {}

    def __call__(self, col: Col, text: str, present: bool, row: int) -> Any:
        if not text:
            if col.needed and present:
                self.P.add(self.label, row, col.name, "a value is required here")
                return INVALID
            return col.default
        try:
            value = convert(col, text)
        except CellError as exc:
            self.P.add(self.label, row, col.name, str(exc))
            return INVALID
        if col.kind != Kind.COVERAGE:
            self.memo[(col.name, text)] = value
        return value


_NUMBER_RE = re.compile(r"[-+]?\d+")
_THOUSANDS_RE = re.compile(r"\d{3}(\.\d*)?")


def _extra_cells(cells: list[str], header: list[str]) -> str:
    """Why a row has more cells than the header, and which cells look split by a comma."""
    head = f"row has {len(cells)} cells but the header has {len(header)} columns"
    for j in range(min(len(cells), len(header)) - 1):
        if _NUMBER_RE.fullmatch(cells[j]) and _THOUSANDS_RE.fullmatch(cells[j + 1]):
            number = f"{cells[j]},{cells[j + 1]}"
            return (
                f"{head}: '{number}' in column '{header[j]}' looks like a number with a "
                f"thousands separator; write {cells[j]}{cells[j + 1]} (or put a text with a "
                'comma in double quotes: "a, b")'
            )
    return (
        f"{head} (an unquoted text with a comma, or a number with a thousands separator?); put "
        'a text with a comma in double quotes ("a, b") and write numbers without separators'
    )


def _invalid_record(rnum: int, cols: tuple[Col, ...], extras: list[str]) -> dict[str, Any]:
    """A record whose cells cannot be trusted (already reported): every value failed."""
    rec: dict[str, Any] = {"_row": rnum, **dict.fromkeys((c.name for c in cols), INVALID)}
    rec.update(dict.fromkeys(extras, ""))
    return rec


def parse_rows(table: RawTable, cols: tuple[Col, ...], P: Problems, *, keep_extra: bool) -> Parsed:
    """Convert a table's rows; records carry ``_row``; unknown columns kept as text if asked.

    A row with more cells than the header is one problem (no cell of it is read: they are
    shifted, and each would be blamed on the wrong column).
    """
    if not table.readable:
        return Parsed(table.label, [], [])
    header = table.header
    positions = _positions(table, cols, P)
    extras = _check_header(table, cols, positions, P, keep_extra)
    plan = [(col, col.name, positions.get(col.name)) for col in cols]
    convert_cell = _Converter(table.label, P)
    memo = convert_cell.memo
    records: list[dict[str, Any]] = []
    for rnum, cells in table.rows:
        if len(cells) > len(header):
            P.add(table.label, rnum, None, _extra_cells(cells, header))
            records.append(_invalid_record(rnum, cols, extras))
            continue
        rec: dict[str, Any] = {"_row": rnum}
        for col, name, j in plan:
            text = cells[j] if j is not None and j < len(cells) else ""
            value = memo.get((name, text), INVALID)  # the common case: a value seen before
            rec[name] = convert_cell(col, text, j is not None, rnum) if value is INVALID else value
        for h in extras:
            j = positions[h]
            text = cells[j] if j < len(cells) else ""
            problem = length_problem(text) or (
                "contains a control character; use plain text" if CONTROL_RE.search(text) else None
            )
            if problem:
                P.add(table.label, rnum, h, problem)
                text = ""
            rec[h] = text
        records.append(rec)
    return Parsed(table.label, records, extras)


# -- frames and entities ----------------------------------------------------------------------
def _column(values: list[Any], kind: Kind) -> pd.Series:
    """One frame column from record values (a failed cell is missing)."""
    if kind == Kind.FLOAT:
        return pd.Series(
            [math.nan if v is None or v is INVALID else v for v in values], dtype="float64"
        )
    if kind == Kind.BOOL:
        return pd.Series([v is True for v in values], dtype="bool")
    if kind == Kind.ENUM:
        values = [v.value if isinstance(v, Enum) else v for v in values]
    return pd.Series(["" if v is None or v is INVALID else v for v in values], dtype="str")


def history_frame(parsed: Parsed, cols: tuple[Col, ...]) -> pd.DataFrame:
    """The records as a ``Workspace`` frame: float columns float64 (blank NaN), booleans bool,
    Enums by value, everything else text (blank ""); kept extra columns last, as text."""
    records = parsed.records
    data = {col.name: _column([r[col.name] for r in records], col.kind) for col in cols}
    for h in parsed.extras:
        data[h] = pd.Series([r[h] for r in records], dtype="str")
    return pd.DataFrame(data, columns=[c.name for c in cols] + parsed.extras)


def _entities(
    records: list[dict], kind: type, key: str, conflicts: Mapping[str, list[str]]
) -> tuple:
    names = {f.name for f in fields(kind)}
    out = []
    for r in records:
        kw = {k: v for k, v in r.items() if k in names}
        kw["conflicts_with"] = tuple(conflicts[r[key]])
        out.append(kind(**kw))
    return tuple(out)


def build_candidates(
    records: list[dict], conflicts: Mapping[str, list[str]]
) -> tuple[Candidate, ...]:
    """Candidates from valid records, with the (symmetric) conflicts given."""
    return _entities(records, Candidate, "id", conflicts)


def build_alliances(
    records: list[dict], conflicts: Mapping[str, list[str]]
) -> tuple[Alliance, ...]:
    """Existing alliances from valid records, with the (symmetric) conflicts given."""
    return _entities(records, Alliance, "alliance_id", conflicts)
