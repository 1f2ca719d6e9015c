"""Readers: bytes → raw tables of text (CSV, xlsx sheets) and organization settings (YAML).

Every source becomes :class:`RawTable` objects (header and rows of text, with spreadsheet row
numbers) plus a :class:`RawOrg` (the settings, and a locator that says where a setting stands:
file, row or YAML line, and key path). Problems reading a file are recorded, never raised.
Input files are only ever read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliancekit.workspace.cells import CellError, csv_untext, length_problem, to_text
from alliancekit.workspace.columns import ORG_FILE, ORG_LIST_SHEETS, REQUIRED_TABLES, TABLES
from alliancekit.workspace.limits import (
    MAX_CSV_BYTES,
    MAX_FIELD_CHARS,
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_MEMBERS,
    MAX_WORKBOOK_UNPACKED_BYTES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
)
from alliancekit.workspace.problems import Problems

__all__ = [
    "Locator",
    "RawOrg",
    "RawTable",
    "path_text",
    "read_folder",
    "read_workbook",
]

#: A key path of the settings → (file, row or line, column or key path) for a problem.
Locator = Callable[[tuple], tuple[str, int | None, str]]
Tables = dict[str, "RawTable | None"]


@dataclass
class RawTable:
    """A table as read: header cells and data rows of text, with spreadsheet row numbers."""

    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    readable: bool = True  # False: present but unreadable (already reported)


@dataclass
class RawOrg:
    """The organization settings as read, and where each one stands."""

    data: Any
    locate: Locator
    #: list items come from workbook sheets, whose unknown columns are ignored like any table's
    lenient_items: bool = False


def path_text(path: tuple) -> str:
    """A key path as users write it: ``capability_gaps[3].importance`` (items from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unreadable(label: str) -> RawTable:
    return RawTable(label, [], [], readable=False)


# -- YAML -------------------------------------------------------------------------------------
def _yaml_locator(label: str, lines: Mapping[tuple, int]) -> Locator:
    def locate(path: tuple) -> tuple[str, int | None, str]:
        for n in range(len(path), -1, -1):
            if path[:n] in lines:
                return label, lines[path[:n]], path_text(path)
        return label, None, path_text(path)

    return locate


#: libyaml's event parser when PyYAML was built with it (10× faster than the pure-Python one;
#: the same events, line numbers and error kinds).
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Explicit tags accepted (YAML's core types: harmless, the value is read as text anyway).
_YAML_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")
)
#: Plain (unquoted) scalars that mean "no value" (YAML 1.2's null): a blank setting.
_YAML_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _YamlRefusedError(Exception):
    """A document the settings reader will not read: a line and what is wrong there."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class _Open:
    """A mapping or list being read: its value, key path, pending key and keys seen."""

    value: Any
    path: tuple
    key: str | None = None
    seen: set[str] = field(default_factory=set)


class _YamlBuilder:
    """Settings from YAML events: every scalar kept as text (no YAML 1.1 implicit typing).

    ``org_id: 0123`` stays ``"0123"``, ``name: on`` stays ``"on"`` and ``target: 1:30`` stays
    ``"1:30"``; the column specifications convert them. Aliases (``*name``) are refused, and so
    is nesting deeper than ``MAX_YAML_DEPTH``; ``lines`` maps every key path to its line and
    ``dups`` collects repeated keys.
    """

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.root: Any = None
        self.lines: dict[tuple, int] = {}
        self.dups: list[tuple[tuple, int]] = []
        self.documents = 0

    def _place(self, value: Any, line: int) -> tuple:
        """Put ``value`` where the next node goes; its key path."""
        if not self.stack:
            self.root = value
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            path = (*top.path, len(top.value))
            self.lines[path] = line
            top.value.append(value)
            return path
        assert top.key is not None
        path = (*top.path, top.key)
        top.value[top.key] = value
        top.key = None
        return path

    def _scalar(self, event: Any, line: int) -> None:
        text = event.value
        problem = length_problem(text)
        if problem:
            raise _YamlRefusedError(line, problem)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is None:
            path = (*top.path, text)
            if text in top.seen:
                self.dups.append((path, line))
            top.seen.add(text)
            self.lines[path] = line
            top.key = text
            return
        plain = event.implicit[0]  # unquoted and untagged
        self._place(None if plain and text in _YAML_NULLS else text, line)

    def _open(self, value: Any, line: int) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is None:
            message = "a setting's name must be plain text, not a list or mapping"
            raise _YamlRefusedError(line, message)
        if len(self.stack) >= MAX_YAML_DEPTH:
            raise _YamlRefusedError(
                line, f"nested more than {MAX_YAML_DEPTH} levels deep; the settings need 3"
            )
        self.stack.append(_Open(value, self._place(value, line)))

    def feed(self, event: Any) -> None:
        """Take one parser event."""
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        tag = getattr(event, "tag", None)
        if tag and tag not in _YAML_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            message = f"YAML syntax error: tags such as {shown} are not supported; write values"
            raise _YamlRefusedError(line, message)
        if isinstance(event, yaml.ScalarEvent):
            self._scalar(event, line)
        elif isinstance(event, yaml.MappingStartEvent):
            self._open({}, line)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._open([], line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            raise _YamlRefusedError(
                line,
                f"YAML aliases (*{event.anchor}) are not supported; write the value out in full",
            )
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _YamlRefusedError(line, "a second YAML document ('---'); keep one document")


def _read_yaml_text(text: str, label: str, P: Problems) -> RawOrg | None:
    builder = _YamlBuilder()
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            builder.feed(event)
    except _YamlRefusedError as exc:
        P.add(label, exc.line, None, exc.message)
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        P.add(label, line, None, f"YAML syntax error: {what}; check indentation, ':' and quotes")
        return None
    data = builder.root
    if data is None:
        P.add(label, None, None, "the file is empty; expected the organization settings")
        return None
    if not isinstance(data, dict):
        P.add(label, 1, None, "expected key: value settings (a YAML mapping) at the top level")
        return None
    for path, line in builder.dups:
        P.add(label, line, path_text(path), "duplicate key; each setting may appear only once")
    return RawOrg(data, _yaml_locator(label, builder.lines))


# -- CSV folders ------------------------------------------------------------------------------
def _decode(raw: bytes, label: str, P: Problems) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        P.add(
            label,
            line,
            None,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')",
        )
        return None


def _csv_records(text: str, label: str, P: Problems) -> list[list[str]] | None:
    """The records of a CSV text; ``None`` with a problem naming the row where reading failed."""
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for rec in reader:
            records.append(rec)
    except csv.Error as exc:
        row = len(records) + 1
        what = str(exc)
        if "field larger than field limit" in what:
            what = (
                f"a cell is longer than the CSV field limit of {csv.field_size_limit():,} "
                f"characters (the limit is {MAX_FIELD_CHARS:,} per cell); is a closing double "
                "quote missing?"
            )
        P.add(label, row, None, f"not a readable CSV file from this row on: {what}")
        return None
    return records


def _read_csv_text(text: str, label: str, P: Problems) -> RawTable:
    if not text.strip():
        P.add(label, None, None, "the file is empty; expected a header row")
        return _unreadable(label)
    records = _csv_records(text, label, P)
    if records is None:
        return _unreadable(label)
    header = [h.strip() for h in records[0]]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "';'" if ";" in header[0] else "tabs"
        P.add(
            label,
            1,
            None,
            f"the columns are separated by {sep}; save the file as comma-separated CSV "
            "(in Excel: 'CSV UTF-8 (Comma delimited)')",
        )
        return _unreadable(label)
    quoted = "'" in text  # cells the writer protected against formulas start with "'"
    rows = []
    for i, rec in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in rec]
        if not any(cells):
            continue
        if quoted:
            cells = [csv_untext(c).strip() if c[:1] == "'" else c for c in cells]
        rows.append((i, cells))
    return RawTable(label, header, rows)


def _too_large(path: Path, label: str, limit: int, P: Problems) -> bool:
    """True (a problem recorded) when the file at ``path`` is over ``limit`` bytes."""
    size = path.stat().st_size
    if size <= limit:
        return False
    P.add(
        label,
        None,
        None,
        f"the file is {size / 2**20:,.1f} MiB; the limit is {limit / 2**20:g} MiB "
        "(see 'Limits' in data/README.md)",
    )
    return True


def _read_text(path: Path, label: str, limit: int, P: Problems) -> str | None:
    """The text of a workspace file, or ``None`` with a problem when it cannot be read.

    A folder (or other non-file) that carries a workspace file's name, a file over ``limit``
    bytes, or a file the user may not read, is reported instead of being skipped, read whole or
    raising ``OSError``.
    """
    if path.is_dir():
        P.add(label, None, None, f"expected a file, found a folder named {label}")
        return None
    if not path.is_file():
        P.add(label, None, None, "expected a regular file, found something else")
        return None
    try:
        if _too_large(path, label, limit, P):
            return None
        raw = path.read_bytes()
    except OSError as exc:
        P.add(label, None, None, f"cannot read the file: {exc.strerror or type(exc).__name__}")
        return None
    return _decode(raw, label, P)


def read_folder(folder: Path, P: Problems) -> tuple[RawOrg | None, Tables]:
    """The settings and tables of a workspace folder (``None`` for a table that is absent)."""
    org = None
    org_path = folder / ORG_FILE
    if not org_path.exists():
        message = f"required file missing from the workspace folder {folder.name}"
        P.add(ORG_FILE, None, None, message)
    else:
        text = _read_text(org_path, ORG_FILE, MAX_YAML_BYTES, P)
        if text is not None:
            org = _read_yaml_text(text, ORG_FILE, P)
    tables: Tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        label = path.name
        if not path.exists():
            if name in REQUIRED_TABLES:
                P.add(
                    label,
                    None,
                    None,
                    f"required file missing from the workspace folder {folder.name}",
                )
            tables[name] = None
            continue
        text = _read_text(path, label, MAX_CSV_BYTES, P)
        tables[name] = _read_csv_text(text, label, P) if text is not None else _unreadable(label)
    return org, tables


# -- workbooks --------------------------------------------------------------------------------
#: The first bytes of an OLE2 compound file: an encrypted (password-protected) workbook, or the
#: old binary .xls format, never an .xlsx (a zip archive).
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _workbook_refused(path: Path, P: Problems) -> bool:
    """True (a problem recorded) for a workbook over the limits, encrypted or not an .xlsx.

    Checked before openpyxl reads anything: the size on disk, then (a workbook is a zip archive)
    the number of entries and the unpacked size they declare, which a few kB can inflate to
    gigabytes.
    """
    if _too_large(path, path.name, MAX_WORKBOOK_BYTES, P):
        return True
    with path.open("rb") as fh:
        head = fh.read(len(_OLE2_MAGIC))
    if head == _OLE2_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            message = "this workbook is password-protected; save it without a password"
        else:
            message = "this is an old Excel 97–2003 (.xls) workbook; save it as .xlsx"
        P.add(path.name, None, None, message)
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # openpyxl says it is not a readable workbook
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        P.add(
            path.name,
            None,
            None,
            f"the workbook holds {len(members):,} parts, {unpacked / 2**20:,.0f} MiB unpacked; "
            f"the limit is {MAX_WORKBOOK_MEMBERS:,} parts and "
            f"{MAX_WORKBOOK_UNPACKED_BYTES / 2**20:g} MiB (see 'Limits' in data/README.md)",
        )
        return True
    return False


@dataclass
class _Sheet:
    """A sheet's rows of text, its merged ranges and its formulas without a saved result."""

    rows: list[list[str]]
    merged: list[str] = field(default_factory=list)  # "B3:B5"
    uncached: list[tuple[int, int]] = field(default_factory=list)  # (row, column), from 1


def _cell_text(v: Any) -> str:
    try:
        return to_text(v)
    except CellError:  # pragma: no cover - openpyxl never yields containers
        return str(v)


def _sheet_via_parser(sheet: Any) -> _Sheet:
    """Read a read-only sheet with openpyxl's own parser, keeping what ``iter_rows`` drops:
    the merged ranges and the formula cells that hold no saved result."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    uncached: list[tuple[int, int]] = []

    class _Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                uncached.append((cell["row"], cell["column"]))
            return cell

    book = sheet.parent
    rows: list[list[str]] = []
    with sheet._get_source() as src:
        parser = _Parser(
            src,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for idx, cells in parser.parse():
            rows.extend([] for _ in range(idx - 1 - len(rows)))
            line = [""] * max((c["column"] for c in cells), default=0)
            for c in cells:
                line[c["column"] - 1] = _cell_text(c["value"])
            rows.append(line)
    merged = [str(m.ref) for m in getattr(parser.merged_cells, "mergeCell", None) or ()]
    return _Sheet(rows, merged, uncached)


def _sheet_rows(sheet: Any) -> _Sheet:
    """Every row of a read-only sheet as text cells (ignoring possibly wrong stored dimensions),
    with its merged ranges and uncalculated formulas (where openpyxl's parser is as expected)."""
    if all(hasattr(sheet, a) for a in ("_get_source", "_shared_strings", "parent")):
        try:
            return _sheet_via_parser(sheet)
        except (ImportError, AttributeError, TypeError):  # pragma: no cover - other openpyxl
            pass
    if hasattr(sheet, "reset_dimensions"):  # pragma: no cover - other openpyxl versions
        sheet.reset_dimensions()
    return _Sheet([[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)])


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _sheet_problems(label: str, sheet: _Sheet, P: Problems) -> None:
    """Merged cells and formulas without a saved result: never read as blanks without a word."""
    header = sheet.rows[0] if sheet.rows else []

    def column(j: int) -> str:
        return header[j - 1] if 0 < j <= len(header) and header[j - 1] else _column_letter(j)

    for ref in sheet.merged:
        first = ref.split(":")[0]
        j = sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(first.rstrip("0123456789"))))
        row = int(first[len(first.rstrip("0123456789")) :] or 0) or None
        P.add(
            label,
            row,
            column(j),
            f"cells {ref} are merged, so all but the first read as blank; unmerge them and "
            "fill in every cell",
        )
    for row, j in sheet.uncached:
        P.add(
            label,
            row,
            column(j),
            f"cell {_column_letter(j)}{row} holds a formula without a saved result (the program "
            "that wrote the workbook did not calculate it); open and save the workbook in Excel "
            "or LibreOffice, or type the value",
        )


def _table_from_rows(label: str, rows: list[list[str]], P: Problems) -> RawTable:
    if not rows or not any(c for c in rows[0]):
        P.add(label, None, None, "the sheet is empty; expected a header row")
        return _unreadable(label)
    header = list(rows[0])
    while header and not header[-1]:
        header.pop()
    data = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c for c in r)]
    return RawTable(label, header, data)


def _workbook_sheets(path: Path, P: Problems) -> dict[str, list[list[str]]] | None:
    """Every sheet of a workbook as rows of text; ``None`` (a problem recorded) if unreadable."""
    import openpyxl

    if _workbook_refused(path, P):
        return None
    # A damaged workbook can fail inside openpyxl with almost any exception (BadZipFile,
    # KeyError, XML ParseError, ValueError, TypeError …), at open or lazily while a read-only
    # sheet is iterated; any of them means "not readable", never a traceback.
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        P.add(path.name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")
        return None
    sheets: dict[str, list[list[str]]] = {}
    try:
        for name in wb.sheetnames:
            try:
                sheet = _sheet_rows(wb[name])
            except Exception as exc:
                P.add(
                    f"{path.name}[{name}]",
                    None,
                    None,
                    f"the sheet is damaged and cannot be read ({type(exc).__name__}); "
                    "open the workbook in Excel and save it again",
                )
                return None
            _sheet_problems(f"{path.name}[{name}]", sheet, P)
            sheets[name] = sheet.rows
    finally:
        wb.close()
    return sheets


@dataclass
class _Book:
    """A workbook's sheets and where the organization's settings stand in them."""

    name: str
    sheets: dict[str, list[list[str]]]
    key_rows: dict[str, int] = field(default_factory=dict)
    item_rows: dict[str, list[int]] = field(default_factory=dict)
    weight_rows: dict[str, int] = field(default_factory=dict)

    def label(self, sheet: str) -> str:
        return f"{self.name}[{sheet}]"

    def locate(self, path: tuple) -> tuple[str, int | None, str]:
        """Where a setting's key path stands: the sheet, its row and column."""
        top = str(path[0]) if path else ""
        if top in self.item_rows or top in ("goals", "capability_gaps", "diversification_rules"):
            if len(path) >= 2 and isinstance(path[1], int):
                rows_of = self.item_rows.get(top, [])
                row = rows_of[path[1]] if path[1] < len(rows_of) else None
                return self.label(top), row, str(path[2]) if len(path) > 2 else ""
            return self.label(top), None, ""
        if top == "criteria_weights":
            if len(path) >= 2:
                return self.label(top), self.weight_rows.get(str(path[1])), "weight"
            return self.label(top), None, ""
        key = ".".join(str(p) for p in path)
        return self.label("organization"), self.key_rows.get(key, self.key_rows.get(top)), key


def _book_tables(book: _Book, P: Problems) -> Tables:
    tables: Tables = {}
    for name in TABLES:
        if name not in book.sheets:
            if name in REQUIRED_TABLES:
                P.add(
                    book.label(name),
                    None,
                    None,
                    f"required sheet '{name}' is missing from the workbook",
                )
            tables[name] = None
            continue
        tables[name] = _table_from_rows(book.label(name), book.sheets[name], P)
    return tables


def _book_settings(book: _Book, P: Problems) -> dict[str, Any] | None:
    """The ``key, value`` rows of the sheet ``organization`` (``risk_caps.x`` keys nested)."""
    org_label = book.label("organization")
    if "organization" not in book.sheets:
        P.add(org_label, None, None, "required sheet 'organization' is missing")
        return None
    rows = book.sheets["organization"]
    head = [c.lower() for c in rows[0][:2]] if rows else []
    if head != ["key", "value"]:
        P.add(org_label, 1, None, "expected a header row 'key, value' and one setting per row")
        return None
    data: dict[str, Any] = {}
    for i, row in enumerate(rows[1:], start=2):
        key = row[0] if row else ""
        value = row[1] if len(row) > 1 else ""
        if not key:
            if value:
                P.add(org_label, i, "key", "a value without a key; put the setting name in 'key'")
            continue
        if key in book.key_rows:
            P.add(org_label, i, "key", f"duplicate key '{key}' (first in row {book.key_rows[key]})")
            continue
        book.key_rows[key] = i
        if "." in key:
            top, _, sub = key.partition(".")
            data.setdefault(top, {})
            if isinstance(data[top], dict):
                data[top][sub] = value
        else:
            data[key] = value
    return data


def _book_weights(book: _Book, table: RawTable, P: Problems) -> dict[str, Any] | None:
    """The sheet ``criteria_weights`` (columns ``criterion, weight``) as a mapping."""
    hdr = [h.lower() for h in table.header]
    if "criterion" not in hdr or "weight" not in hdr:
        P.add(table.label, 1, None, "expected columns 'criterion' and 'weight'")
        return None
    ci, wi = hdr.index("criterion"), hdr.index("weight")
    weights: dict[str, Any] = {}
    for rnum, cells in table.rows:
        crit = cells[ci] if ci < len(cells) else ""
        if crit in weights:
            P.add(table.label, rnum, "criterion", f"duplicate criterion '{crit}'")
        weights[crit] = cells[wi] if wi < len(cells) else ""
        book.weight_rows[crit] = rnum
    return weights


def _book_lists(book: _Book, data: dict[str, Any], P: Problems) -> None:
    """Add the organization's lists (one sheet each) to ``data``."""
    for name in ORG_LIST_SHEETS:
        if name not in book.sheets:
            if name in ("goals", "capability_gaps"):
                P.add(
                    book.label(name),
                    None,
                    None,
                    f"required sheet '{name}' is missing from the workbook",
                )
            continue
        table = _table_from_rows(book.label(name), book.sheets[name], P)
        if not table.readable:
            continue
        if name == "criteria_weights":
            weights = _book_weights(book, table, P)
            if weights is not None:
                data[name] = weights
            continue
        data[name] = [
            {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(table.header) if h}
            for _, cells in table.rows
        ]
        book.item_rows[name] = [rnum for rnum, _ in table.rows]


def read_workbook(path: Path, P: Problems) -> tuple[RawOrg | None, Tables]:
    """The settings and tables of an ``.xlsx`` workbook (sheets named like the files)."""
    sheets = _workbook_sheets(path, P)
    if sheets is None:
        return None, {}
    book = _Book(path.name, sheets)
    tables = _book_tables(book, P)
    data = _book_settings(book, P)
    if data is None:
        return None, tables
    _book_lists(book, data, P)
    return RawOrg(data, book.locate, lenient_items=True), tables
