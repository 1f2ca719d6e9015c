"""Small file utilities of the report runner: atomic writes, CSV rows, time stamps, safe names."""

from __future__ import annotations

import csv
import numbers
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alliancekit.workspace.cells import csv_text, csv_untext

__all__ = ["atomic_write_text", "read_csv", "readable_time", "safe_name", "utc_now", "write_csv"]


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second (``2025-07-01T09:30:00Z``)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def readable_time(iso: str) -> str:
    """An ISO 8601 UTC time as people read it: ``2026-12-01T21:15:50Z`` → ``1 Dec 2026, 21:15 UTC``.

    Text that is not such a time is returned unchanged.
    """
    text = str(iso or "").strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when.day} {when:%b %Y, %H:%M} UTC"


def safe_name(name: str) -> str:
    """A workspace name usable as one folder name (no separators, no leading dot)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name)).strip("-.")
    return cleaned or "workspace"


def _temp_beside(path: Path) -> Path:
    """A hidden, unique temporary file next to ``path`` (same file system: rename is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_beside(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a half-written temp file behind
        raise


def _csv_value(value: Any) -> Any:
    """A cell as written: floats to 6 significant digits, lists joined by ``;``, None blank;
    text protected against formula injection (``cells.csv_text``), numbers left numbers."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    if isinstance(value, numbers.Number):
        return value
    return csv_text(str(value))


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write ``rows`` (only ``columns``, in that order) as CSV, atomically.

    No text cell starts as a formula for a spreadsheet (``=``, ``+``, ``-``, ``@``, tab, carriage
    return): such text gets a leading ``'`` (OWASP's advice); ``read_csv`` takes it off again.
    """
    tmp = _temp_beside(path)
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: _csv_value(row.get(c)) for c in columns})
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a half-written temp file behind
        raise


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows ``write_csv`` wrote, with every text as it was before it was protected."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [{k: csv_untext(v or "") for k, v in r.items()} for r in csv.DictReader(fh)]
