"""Shared behaviour of result objects: show and save themselves the same way everywhere.

Every result (``ScoreResult``, ``PortfolioResult``, ``ReviewResult`` …) is a frozen dataclass that
subclasses ``Result`` and implements ``to_frame()`` and ``summary()``; ``Result`` then provides a
JSON-safe ``to_dict()`` and an HTML rendering (``_repr_html_``) that a notebook cell, a widget
``Output`` and a papermill report all display identically. All text is HTML-escaped.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "jsonable"]


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


class Result:
    """Mixin for frozen result dataclasses.

    Subclasses implement ``to_frame()`` (the main table) and ``summary()`` (a few lines of text).
    ``title`` names the result in HTML.
    """

    title: str = "Result"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        """The main table of this result."""
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        """A short plain-text summary (a few lines)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every field (what ``results.json`` stores)."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            out[f.name] = jsonable(getattr(self, f.name))
        return out

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` serialised as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        table = frame.to_html(escape=True, float_format=lambda x: f"{x:,.3f}", na_rep="–")
        return (
            f'<div class="alliancekit-result"><h4>{html.escape(self.title)}</h4>'
            f'<p style="font-size:90%">{summary}</p>{table}</div>'
        )

    def __str__(self) -> str:
        return self.summary()
