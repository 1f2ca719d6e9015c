"""Readers: bytes → raw tables of text (CSV, xlsx sheets) and organization settings (YAML).

Every source becomes :class:`RawTable` objects (header and rows of text, with spreadsheet row
numbers) plus a :class:`RawOrg` (the settings, and a locator that says where a setting stands:
file, row or YAML line, and key path). Problems reading a file are recorded, never raised.
Input files are only ever read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliancekit.workspace.cells import CellError, to_text
from alliancekit.workspace.columns import ORG_FILE, ORG_LIST_SHEETS, REQUIRED_TABLES, TABLES
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


def _yaml_lines(node: Any, path: tuple, lines: dict, dups: list) -> None:
    """Map each YAML key path to its 1-based line; collect duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                dups.append(((*path, key), key_node.start_mark.line + 1))
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _yaml_lines(value_node, (*path, key), lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _yaml_lines(item, (*path, i), lines, dups)


#: libyaml's safe loader when PyYAML was built with it (10× faster than the pure-Python one;
#: the same documents, line numbers and error kinds).
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml_text(text: str, label: str, P: Problems) -> RawOrg | None:
    try:
        node = yaml.compose(text, Loader=_YAML_LOADER)
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        P.add(label, line, None, f"YAML syntax error: {what}; check indentation, ':' and quotes")
        return None
    if data is None:
        P.add(label, None, None, "the file is empty; expected the organization settings")
        return None
    if not isinstance(data, dict):
        P.add(label, 1, None, "expected key: value settings (a YAML mapping) at the top level")
        return None
    lines: dict[tuple, int] = {}
    dups: list = []
    _yaml_lines(node, (), lines, dups)
    for path, line in dups:
        P.add(label, line, path_text(path), "duplicate key; each setting may appear only once")
    return RawOrg(data, _yaml_locator(label, lines))


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


def _read_csv_text(text: str, label: str, P: Problems) -> RawTable:
    if not text.strip():
        P.add(label, None, None, "the file is empty; expected a header row")
        return _unreadable(label)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        P.add(label, None, None, f"not a readable CSV file: {exc}")
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
    rows = []
    for i, rec in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in rec):
            continue
        rows.append((i, [cell.strip() for cell in rec]))
    return RawTable(label, header, rows)


def _read_text(path: Path, label: str, P: Problems) -> str | None:
    """The text of a workspace file, or ``None`` with a problem when it cannot be read.

    A folder (or other non-file) that carries a workspace file's name, or a file the user may not
    read, is reported instead of being skipped or raising ``OSError``.
    """
    if path.is_dir():
        P.add(label, None, None, f"expected a file, found a folder named {label} in {path.parent}")
        return None
    if not path.is_file():
        P.add(label, None, None, f"expected a regular file, found something else at {path}")
        return None
    try:
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
        P.add(ORG_FILE, None, None, f"required file missing from the workspace folder {folder}")
    else:
        text = _read_text(org_path, ORG_FILE, P)
        if text is not None:
            org = _read_yaml_text(text, ORG_FILE, P)
    tables: Tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        label = path.name
        if not path.exists():
            if name in REQUIRED_TABLES:
                P.add(
                    label, None, None, f"required file missing from the workspace folder {folder}"
                )
            tables[name] = None
            continue
        text = _read_text(path, label, P)
        tables[name] = _read_csv_text(text, label, P) if text is not None else _unreadable(label)
    return org, tables


# -- workbooks --------------------------------------------------------------------------------
def _sheet_rows(sheet: Any) -> list[list[str]]:
    """Every row of a read-only sheet as text cells (ignoring possibly wrong stored dimensions)."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    out = []
    for row in sheet.iter_rows(values_only=True):
        cells = []
        for v in row:
            try:
                cells.append(to_text(v))
            except CellError:  # pragma: no cover - openpyxl never yields containers
                cells.append(str(v))
        out.append(cells)
    return out


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
                sheets[name] = _sheet_rows(wb[name])
            except Exception as exc:
                P.add(
                    f"{path.name}[{name}]",
                    None,
                    None,
                    f"the sheet is damaged and cannot be read ({type(exc).__name__}); "
                    "open the workbook in Excel and save it again",
                )
                return None
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
