"""Cells: text → value by a column's :class:`~alliancekit.workspace.columns.Kind`, and back.

Every reader turns cells into text first, so a folder, a workbook and an in-memory frame go
through the same rules. ``convert`` parses one non-empty text (raising :class:`CellError` with
what was expected); ``fmt`` writes a value as the text ``convert`` reads back exactly. Periods
are parsed by ``alliancekit.model.periods`` and Enums by ``Enum.parse``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any

from alliancekit.errors import DataValidationError
from alliancekit.model import is_period, parse_period
from alliancekit.workspace.columns import Col, Kind
from alliancekit.workspace.limits import MAX_FIELD_CHARS, MAX_MAGNITUDE

__all__ = [
    "CONTROL_RE",
    "INVALID",
    "CellError",
    "bound_problem",
    "convert",
    "csv_text",
    "csv_untext",
    "fmt",
    "length_problem",
    "number",
    "parse_enum",
    "short",
    "to_text",
]


class CellError(Exception):
    """A single value failed to parse; the message says what was expected."""


#: A value that failed to parse (already reported).
INVALID: Any = object()

#: Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the invisible
#: text-direction overrides and isolates (they make displayed text differ from what is stored).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_ID_SUSPECT_RE = re.compile(r"[;:,\s]")
_BAD_ID_CHARS = ";:,"
_TRUE = frozenset({"true", "yes", "y", "1", "x", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})


def short(text: str, n: int = 40) -> str:
    """``text`` on one line, cut to ``n`` characters, invisible characters shown as ``<U+200B>``
    (for messages)."""
    text = text.replace("\n", " ")
    text = text if len(text) <= n else text[: n - 1] + "…"
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"<U+{ord(ch):04X}>" for ch in text)


# -- CSV cells that a spreadsheet will not run ------------------------------------------------
#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """Text as written to a CSV cell: a leading ``'`` where a spreadsheet would see a formula.

    OWASP's advice against CSV injection: text starting with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return (after any apostrophes already there) gets one more leading ``'``, so a
    partner named ``=HYPERLINK(…)`` is shown as text. ``csv_untext`` reverses it exactly, so
    files the package writes and reads back keep every value. Numbers are never passed here.
    """
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_untext(text: str) -> str:
    """The text ``csv_text`` wrote: one leading ``'`` removed before a formula character."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


def length_problem(text: str) -> str | None:
    """What is wrong with the length of a cell's text (``None`` within ``MAX_FIELD_CHARS``)."""
    if len(text) <= MAX_FIELD_CHARS:
        return None
    return (
        f"the value is {len(text):,} characters long; the limit is {MAX_FIELD_CHARS:,} "
        "characters per cell"
    )


# -- value ↔ text -----------------------------------------------------------------------------
def _scalar_text(value: Any, *, compact: bool) -> str | None:
    """Text of None, Enum, bool, int and float (NaN is blank); ``None`` for other types.

    ``compact`` writes integral floats without ``.0`` (the writer); otherwise floats keep their
    exact ``repr`` (the reader, so text settings such as ``name: 3.0`` stay as typed).
    """
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if compact and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return None


def to_text(value: Any) -> str:
    """Render a cell or YAML scalar as the text a user would see; lists/maps are refused."""
    text = _scalar_text(value, compact=False)
    if text is not None:
        return text
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple, dict)):
        what = "mapping" if isinstance(value, dict) else "list"
        raise CellError(f"expected a single value, got a {what}")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def fmt(value: Any) -> str:
    """A value as CSV text: integral floats without ``.0``, exact repr otherwise."""
    text = _scalar_text(value, compact=True)
    if text is not None:
        return text
    if isinstance(value, Mapping):
        return ";".join(f"{k}:{fmt(float(v))}" for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return ";".join(str(v) for v in value)
    return str(value)


# -- the kinds --------------------------------------------------------------------------------
def number(text: str) -> float:
    """A finite number; ``CellError`` naming the text otherwise."""
    try:
        x = float(text)
    except ValueError:
        if text.lower().lstrip("+-") in (".nan", ".inf"):  # YAML's spellings
            raise CellError(f"expected a finite number, got '{short(text)}'") from None
        hint = " (use '.' as the decimal point, no thousands separators)" if "," in text else ""
        raise CellError(f"expected a number, got '{short(text)}'{hint}") from None
    if math.isnan(x) or (math.isinf(x) and "inf" in text.lower()):
        raise CellError(f"expected a finite number, got '{short(text)}'")
    if not abs(x) <= MAX_MAGNITUDE:  # also a finite text too long for a float (1e400)
        raise CellError(
            f"{short(text)} is too large; numbers are limited to ±{MAX_MAGNITUDE:g} "
            "(check the unit, e.g. thousands or millions)"
        )
    return x


def bound_problem(x: float, col: Col) -> str | None:
    """What is wrong with ``x`` against the bounds of ``col`` and ``MAX_MAGNITUDE`` (``None``
    when within them)."""
    if not abs(x) <= MAX_MAGNITUDE:
        return f"{fmt(x)} is too large; numbers are limited to ±{MAX_MAGNITUDE:g}"
    lo, hi = col.lo, col.hi
    if (lo is None or x >= lo) and (hi is None or x <= hi):
        return None
    if lo == 0 and hi is None:
        text = f"expected a value >= 0, got {fmt(x)}"
    else:
        lo_text = fmt(lo) if lo is not None else "-∞"
        hi_text = fmt(hi) if hi is not None else "∞"
        text = f"expected a value in [{lo_text}, {hi_text}], got {fmt(x)}"
    return f"{text} ({col.hint})" if col.hint else text


def _invisible(text: str) -> str | None:
    """The first character of ``text`` that cannot be seen or is not a plain space, if any:
    controls, zero-width and format characters, no-break and other special spaces."""
    if text.isprintable():
        return None
    ch = next(c for c in text if not c.isprintable())
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def _check_id(text: str, what: str = "id") -> str:
    hidden = _invisible(text)
    if hidden is not None:
        raise CellError(
            f"{what} '{short(text)}' contains an invisible or special character ({hidden}); "
            "retype it with letters, digits, '-' and '_'"
        )
    if not _ID_SUSPECT_RE.search(text):
        return text
    bad = [ch for ch in _BAD_ID_CHARS if ch in text]
    if bad:
        raise CellError(f"{what} '{short(text)}' must not contain {' '.join(repr(b) for b in bad)}")
    if any(ch.isspace() for ch in text) and what == "id":
        raise CellError(f"id '{short(text)}' must not contain spaces")
    return text


def parse_enum(text: str, enum: type[StrEnum]) -> StrEnum:
    """The member of ``enum`` for ``text`` (``Enum.parse``: value, name or label, any case)."""
    try:
        return enum.parse(text)  # type: ignore[attr-defined]
    except DataValidationError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise CellError(f"'{short(text)}' is not allowed; expected one of: {allowed}") from None


def _period(text: str) -> str:
    if not is_period(text):
        raise CellError(f"'{short(text)}' is not a period; expected YYYY-Qn such as 2025-Q2")
    return parse_period(text)


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise CellError(f"'{short(text)}' is not true/false; expected true or false (also yes/no, 1/0)")


def _coverage_level(gap: str, text: str) -> float:
    try:
        x = number(text)
    except CellError:
        raise CellError(
            f"coverage level for {gap} is '{short(text)}'; expected a number in [0, 1]"
        ) from None
    if not 0.0 <= x <= 1.0:
        raise CellError(f"coverage level for {gap} is {fmt(x)}; expected a value in [0, 1]")
    return x


def _coverage(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in _parts(text):
        if ":" not in part:
            raise CellError(
                f"coverage entry '{short(part)}' is not GAP:LEVEL; expected e.g. G1:0.9;G2:0.5"
            )
        gap, _, level = part.partition(":")
        gap = gap.strip()
        if not gap:
            raise CellError(f"coverage entry '{short(part)}' has no gap id; expected e.g. G1:0.9")
        _check_id(gap, "gap id")
        x = _coverage_level(gap, level.strip())
        if gap in out:
            raise CellError(f"gap {gap} appears twice in the coverage")
        out[gap] = x
    return out


def _ids(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in _parts(text):
        if any(ch in part for ch in ":,") or (part.isprintable() and " " in part):
            raise CellError(
                f"'{short(part)}' is not an id; lists are ';'-separated ids such as A01;A02"
            )
        _check_id(part)
        if part not in out:
            out.append(part)
    return tuple(out)


def _parts(text: str) -> list[str]:
    """The non-blank ``;``-separated parts of a list cell, stripped."""
    return [p.strip() for p in text.split(";") if p.strip()]


def _numbers(text: str, col: Col) -> tuple[float, ...]:
    """``;``-separated numbers (a ramp, per-year budgets), each within the column's bounds."""
    out = []
    for part in _parts(text):
        try:
            x = number(part)
        except CellError:
            raise CellError(f"'{short(part)}' in the list: expected a number") from None
        problem = bound_problem(x, col)
        if problem:
            raise CellError(f"'{short(part)}' in the list: {problem}")
        out.append(x)
    return tuple(out)


def _currency(text: str) -> str:
    if not _CURRENCY_RE.match(text):
        raise CellError(f"'{short(text)}' is not an ISO 4217 currency code such as PKR or EUR")
    return text


def _float(text: str, col: Col) -> float:
    x = number(text)
    problem = bound_problem(x, col)
    if problem:
        raise CellError(problem)
    return x


def _int(text: str, col: Col) -> int:
    x = number(text)
    if x != int(x):
        raise CellError(f"expected a whole number, got {short(text)}")
    problem = bound_problem(x, col)
    if problem:
        raise CellError(problem)
    return int(x)


def _likert(text: str, col: Col) -> float:
    x = number(text)
    if not 1.0 <= x <= 5.0:
        raise CellError(f"expected a 1–5 rating, got {fmt(x)}")
    if x * 2 != int(x * 2):
        raise CellError(
            f"expected a whole or half point on the 1–5 scale (e.g. 3 or 3.5), got {fmt(x)}"
        )
    return x


def _enum(text: str, col: Col) -> StrEnum:
    assert col.enum is not None
    return parse_enum(text, col.enum)


#: Kind → parser of one non-empty text.
_PARSERS: Mapping[Kind, Any] = {
    Kind.ID: lambda text, col: _check_id(text),
    Kind.STR: lambda text, col: text,
    Kind.CURRENCY: lambda text, col: _currency(text),
    Kind.FLOAT: _float,
    Kind.INT: _int,
    Kind.LIKERT: _likert,
    Kind.BOOL: lambda text, col: _bool(text),
    Kind.PERIOD: lambda text, col: _period(text),
    Kind.ENUM: _enum,
    Kind.COVERAGE: lambda text, col: _coverage(text),
    Kind.IDS: lambda text, col: _ids(text),
    Kind.NUMBERS: _numbers,
}


def convert(col: Col, text: str) -> Any:
    """Parse one non-empty text value according to ``col`` (raises ``CellError``)."""
    if len(text) > MAX_FIELD_CHARS:
        raise CellError(str(length_problem(text)))
    if CONTROL_RE.search(text):
        raise CellError("contains a control character; use plain text")
    return _PARSERS[col.kind](text, col)
