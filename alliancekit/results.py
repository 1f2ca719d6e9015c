"""Shared behaviour of result objects: show and save themselves the same way everywhere.

Every result (``ScoreResult``, ``PortfolioResult``, ``ReviewResult`` …) is a frozen dataclass that
subclasses ``Result`` and implements ``to_frame()`` and ``summary()``. ``Result`` then provides,
from the dataclass fields, one JSON-safe ``to_dict()`` (a field marked ``json=False`` in its
metadata is left out; ``to_json`` in the metadata converts it) and one HTML rendering
(``_repr_html_``: title, summary, then the tables of ``html_tables()``, each drawn by
``html_table``) that a notebook cell, the web app and a papermill report display identically.
All text is HTML-escaped.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "html_table", "jsonable"]


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas/Enum/dataclass values into plain JSON-safe Python.

    NaN and infinities become ``None`` (JSON has no NaN).
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common cases first
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        frame = value
        if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index()
        return [
            {str(k): jsonable(v) for k, v in rec.items()} for rec in frame.to_dict(orient="records")
        ]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if (math.isnan(f) or math.isinf(f)) else f
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int)):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _default_format(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return "–" if not math.isfinite(float(value)) else f"{float(value):,.3f}"
    if value is None or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def html_table(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    cell_style: Callable[[str, Any], str] | None = None,
    index: bool = True,
    max_rows: int | None = None,
) -> str:
    """One escaped HTML table for every result: the only table renderer of the package.

    Parameters
    ----------
    frame : DataFrame
        Rows to show; the index is the first column unless ``index=False``.
    formats : mapping, optional
        Per column, a format spec (``".1f"``, ``".0%"``) or a function value → text.
    cell_style : callable, optional
        ``(column, value) → CSS`` for a cell (e.g. a shade by value); escaped.
    max_rows : int, optional
        Show at most this many rows and say how many more there are.
    """
    formats = dict(formats or {})
    shown = frame if max_rows is None else frame.head(max_rows)
    head = ("<th>" + html.escape(str(frame.index.name or "")) + "</th>") if index else ""
    head += "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    # column by column values (iterrows would turn a row of ints and floats into floats)
    columns = [str(c) for c in frame.columns]
    for key, values in zip(shown.index, shown.astype(object).itertuples(index=False), strict=True):
        cells = [f"<th>{html.escape(str(key))}</th>"] if index else []
        for col, value in zip(columns, values, strict=True):
            fmt = formats.get(col)
            missing = value is None or (isinstance(value, float) and math.isnan(value))
            if missing:
                text = "–"
            elif callable(fmt):
                text = fmt(value)
            elif fmt:
                text = format(value, fmt)
            else:
                text = _default_format(value)
            style = cell_style(col, value) if cell_style is not None and not missing else ""
            attr = f' style="{html.escape(style, quote=True)}"' if style else ""
            cells.append(f"<td{attr}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(frame) - len(shown)
    foot = f"<p>… {more} more rows (see to_frame())</p>" if more > 0 else ""
    return (
        f'<table class="dataframe ak-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{foot}"
    )


class Result:
    """Mixin for frozen result dataclasses.

    Subclasses implement ``to_frame()`` (the main table) and ``summary()`` (a few lines of text).
    ``title`` names the result in HTML; ``html_tables()`` may add or replace tables.
    """

    title: str = "Result"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        """The main table of this result."""
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        """A short plain-text summary (a few lines)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every field (what ``results.json`` stores).

        A field whose metadata says ``json=False`` is left out; ``to_json`` in the metadata is
        a function applied to the value first.
        """
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.metadata.get("json", True):
                continue
            value = getattr(self, f.name)
            convert = f.metadata.get("to_json")
            out[f.name] = jsonable(convert(value) if convert is not None else value)
        return out

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` serialised as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def html_tables(self) -> list[tuple[str, str]]:
        """(heading, table HTML) pairs shown under the summary; default: ``to_frame()``."""
        return [("", html_table(self.to_frame()))]

    def html_summary_lines(self) -> list[str]:
        """Lines of ``summary()`` shown in HTML (all of them by default)."""
        return self.summary().splitlines()

    def _repr_html_(self) -> str:
        summary = "<br>".join(html.escape(line) for line in self.html_summary_lines())
        parts = [
            (f"<h5>{html.escape(heading)}</h5>" if heading else "") + table
            for heading, table in self.html_tables()
        ]
        return (
            f'<div class="alliancekit-result"><h4>{html.escape(self.title)}</h4>'
            f'<p style="font-size:90%">{summary}</p>{"".join(parts)}</div>'
        )

    def __str__(self) -> str:
        return self.summary()
