"""Frames with the spreadsheet row of each record; a ``Workspace``'s frames checked and typed.

``Located`` is what the checks across rows read: a frame, the row number of each record and its
file label. ``typed_frame`` checks a frame of a ``Workspace`` (built in memory or loaded) cell by
cell by the column specifications — each distinct value through ``cells.convert``, number
columns as numbers — and returns it typed like a loaded workspace's frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.workspace.cells import CellError, bound_problem, convert, to_text
from alliancekit.workspace.columns import TABLE_COLUMNS, Col, Kind
from alliancekit.workspace.limits import MAX_MAGNITUDE
from alliancekit.workspace.problems import Problems

__all__ = ["Located", "typed_frame"]


@dataclass(frozen=True)
class Located:
    """A table's frame of values with the spreadsheet row of each record and its file label.

    A cell that is blank or failed to parse is missing (NaN, None or ``""``); checks skip it.
    """

    label: str
    frame: pd.DataFrame
    rows: np.ndarray
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """An integer code per cell of ``column`` (−1 where it is missing: NaN, None or blank
        text) and its distinct values; computed once per column, then rules compare integers."""
        if column not in self._codes:
            values = self.frame[column]
            codes, uniques = pd.factorize(values)
            uniques = np.asarray(uniques, dtype=object)
            if values.dtype.kind not in "fiub":
                blank = np.flatnonzero(uniques == "")
                if len(blank):
                    codes = np.where(codes == blank[0], -1, codes)
            self._codes[column] = (codes, uniques)
        return self._codes[column]


def _value_of(col: Col, value: Any) -> tuple[Any, str | None]:
    """(value, problem) of one cell of an in-memory frame by ``col`` (blank → default).

    Ids are kept as text (only a blank one is a problem); other kinds go through
    ``cells.convert``, Enums becoming their values.
    """
    if isinstance(value, np.generic):
        value = value.item()
    try:
        text = to_text(value)
        if not text:
            return (None, "a value is required here") if col.needed else (col.default, None)
        parsed = text if col.kind == Kind.ID else convert(col, text)
    except CellError as exc:
        return None, str(exc)
    return (parsed.value if isinstance(parsed, Enum) else parsed), None


def _float_column(col: Col, s: pd.Series, t: Located, P: Problems) -> pd.Series:
    """A numeric column checked without text: blanks, infinities and bounds."""
    x = s.to_numpy(dtype=float)
    blank = np.isnan(x)
    if col.needed:
        for i in np.flatnonzero(blank):
            P.add(t.label, int(t.rows[i]), col.name, "a value is required here")
    for i in np.flatnonzero(np.isinf(x)):
        P.add(t.label, int(t.rows[i]), col.name, f"expected a finite number, got '{x[i]}'")
    with np.errstate(invalid="ignore"):
        outside = np.abs(x) > MAX_MAGNITUDE
        if col.lo is not None:
            outside |= x < col.lo
        if col.hi is not None:
            outside |= x > col.hi
    for i in np.flatnonzero(outside & np.isfinite(x)):
        P.add(t.label, int(t.rows[i]), col.name, str(bound_problem(float(x[i]), col)))
    default = np.nan if col.default is None else float(col.default)
    out = np.where(blank, default, np.where(np.isfinite(x) & ~outside, x, np.nan))
    return pd.Series(out, index=s.index, name=col.name)


def _typed_column(col: Col, s: pd.Series, t: Located, P: Problems) -> pd.Series:
    """One column of an in-memory frame checked by its specification; values typed.

    Each distinct value is converted once (``_value_of``); a number column is checked as
    numbers. Free text is kept as given.
    """
    if col.kind == Kind.STR:
        return s
    if col.kind == Kind.FLOAT and s.dtype.kind in "fiu":
        return _float_column(col, s, t, P)
    codes, uniques = pd.factorize(s)
    parsed = [_value_of(col, u) for u in uniques] + [_value_of(col, None)]
    codes = np.where(codes < 0, len(uniques), codes)  # missing → the last entry
    values = np.empty(len(parsed), dtype=object)
    for j, (value, _) in enumerate(parsed):
        values[j] = value
    bad = np.asarray([problem is not None for _, problem in parsed])
    for i in np.flatnonzero(bad[codes]):
        P.add(t.label, int(t.rows[i]), col.name, str(parsed[codes[i]][1]))
    out = values[codes]
    if col.kind in (Kind.FLOAT, Kind.INT, Kind.LIKERT):
        out = np.asarray([np.nan if v is None else v for v in out], dtype=float)
    elif col.kind == Kind.BOOL:
        out = np.asarray([bool(v) for v in out], dtype=bool)
    return pd.Series(out, index=s.index, name=col.name)


def _default_column(col: Col, n: int) -> pd.Series:
    if col.kind == Kind.FLOAT:
        return pd.Series(np.nan if col.default is None else float(col.default), index=range(n))
    if col.kind == Kind.BOOL:
        return pd.Series(bool(col.default), index=range(n), dtype="bool")
    return pd.Series("" if col.default is None else col.default, index=range(n), dtype=object)


def typed_frame(name: str, frame: pd.DataFrame | None, P: Problems) -> Located:
    """A history frame of a ``Workspace`` checked by its column specifications, typed."""
    cols = TABLE_COLUMNS[name]
    label = f"{name}.csv"
    frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
    t = Located(label, frame, np.arange(len(frame), dtype=np.int64) + 2)
    if len(frame):
        for col in cols:
            if col.required and col.name not in frame.columns:
                P.add(label, 1, col.name, f"required column '{col.name}' is missing")
    data = {
        col.name: (
            _typed_column(col, frame[col.name], t, P)
            if col.name in frame.columns
            else _default_column(col, len(frame))
        )
        for col in cols
    }
    known = {c.name for c in cols}
    data.update({str(h): frame[h] for h in frame.columns if h not in known})
    return Located(label, pd.DataFrame(data, index=range(len(frame))), t.rows)
