"""Checks across rows and tables: the one place each rule about a workspace's content is written.

Cells are checked where they are parsed (``cells.convert`` by the column specifications); the
rules here need more than one cell:

- ``check_entities``: candidates and alliances — unique ids, known gaps, known references,
  must_include/must_exclude, value_low ≤ value_annual ≤ value_high, end after start;
- ``check_history``: KPIs, surveys, events and milestones — known alliances, unique keys, one
  direction per KPI, KPI weights that can count (per alliance, and per KPI over its periods).

``load_workspace``/``validate_workspace`` run both over what they parsed, so every problem is
reported together with file, row and column. ``check_review_inputs`` runs the same column rules
and ``check_history`` over the frames of a ``Workspace`` (built in memory or loaded) and returns
them typed: ``review_alliances`` calls it, so a review refuses exactly what ``alliancekit
validate`` refuses, and reads values it can trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.model import Workspace, period_key
from alliancekit.workspace.cells import INVALID, fmt
from alliancekit.workspace.columns import HISTORY_TABLES
from alliancekit.workspace.frames import Located, typed_frame
from alliancekit.workspace.problems import Problems

__all__ = [
    "ReviewTables",
    "check_entities",
    "check_history",
    "check_review_inputs",
]

#: What a history table's row is, in an "unknown alliance" problem.
_ROW_WHAT = {
    "kpis": "KPI rows",
    "health": "a health survey",
    "events": "a hard-trigger event",
    "milestones": "a milestone",
    "actions": "an action",
}


def _key(t: Located, columns: tuple[str, ...]) -> np.ndarray:
    """One int64 code per row for the combination of ``columns`` (−1 where one is missing)."""
    key = np.zeros(len(t.frame), dtype=np.int64)
    valid = np.ones(len(t.frame), dtype=bool)
    for c in columns:
        codes, uniques = t.codes(c)
        valid &= codes >= 0
        key = key * (len(uniques) + 1) + codes
    return np.where(valid, key, -1)


def _first_of_group(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per element, the position of the first element with the same key; and, per distinct key
    in order of first appearance, that position."""
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first[inverse], np.sort(first)


def _duplicates(t: Located, key: tuple[str, ...], column: str, what: str, P: Problems) -> None:
    """Report each row repeating the ``key`` columns of an earlier row (skipping missing cells).

    The key is shown as the cell itself for one column (``duplicate id A01``), else a tuple.
    """
    if any(c not in t.frame.columns for c in key) or not len(t.frame):
        return
    codes = _key(t, key)
    valid = np.flatnonzero(codes >= 0)
    first, _ = _first_of_group(codes[valid])
    for j in np.flatnonzero(first != np.arange(len(valid))):
        i = valid[j]
        values = tuple(t.frame[c].iloc[i] for c in key)
        shown = values[0] if len(values) == 1 else values
        first_row = t.rows[valid[first[j]]]
        P.add(
            t.label, int(t.rows[i]), column, f"duplicate {what} {shown} (first in row {first_row})"
        )


# -- candidates and alliances -----------------------------------------------------------------
def _records_frame(records: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [[_given(r[c]) for c in columns] for r in records],
        columns=list(columns),
        dtype=object,
    )


def _located(records: list[dict], label: str, columns: tuple[str, ...]) -> Located:
    rows = np.asarray([r["_row"] for r in records], dtype=np.int64)
    return Located(label, _records_frame(records, columns), rows)


def _unknown_gaps(records: list[dict], gap_ids: set[str] | None, label: str, P: Problems) -> None:
    if gap_ids is None:
        return
    for r in records:
        cov = r.get("coverage")
        if not isinstance(cov, dict):
            continue
        for g in cov:
            if g not in gap_ids:
                known = ", ".join(sorted(gap_ids))
                message = f"unknown gap id '{g}'; the organization defines: {known}"
                P.add(label, r["_row"], "coverage", message)


def _unknown_id(x: str, known: set[str], what: str) -> str:
    """``unknown id 'b01'; not a …`` with the id meant when only the letter case differs."""
    meant = [k for k in known if k != x and k.casefold() == x.casefold()]
    hint = f"; did you mean '{meant[0]}'? (ids are case-sensitive)" if meant else ""
    return f"unknown id '{x}'; not {what}{hint}"


def _candidate_refs(r: dict, known: set[str], label: str, P: Problems) -> None:
    for column in ("conflicts_with", "requires_any"):
        ids = r[column]
        if ids is INVALID:
            continue
        for x in ids:
            if x == r["id"]:
                P.add(label, r["_row"], column, f"a candidate cannot list itself ('{x}')")
            elif x not in known:
                P.add(label, r["_row"], column, _unknown_id(x, known, "a candidate or alliance id"))


def _case_clashes(tables: tuple[tuple[str, list[dict], str], ...], P: Problems) -> None:
    """Ids that differ only in letter case (``B01``, ``b01``): two partners to the tool, one
    to a reader, and every reference to them a trap; refused."""
    seen: dict[str, tuple[str, str, int]] = {}
    for label, records, key in tables:
        for r in records:
            x = r[key]
            if x is INVALID or not x:
                continue
            first = seen.setdefault(x.casefold(), (x, label, r["_row"]))
            if first[0] != x:
                message = (
                    f"id '{x}' differs from '{first[0]}' ({first[1]}, row {first[2]}) only in "
                    "letter case; give them ids that differ in more than case"
                )
                P.add(label, r["_row"], key, message)


def _given(value: Any) -> Any:
    """``None`` for a cell that failed to parse, else the value."""
    return None if value is INVALID else value


def _candidate_values(r: dict, label: str, P: Problems) -> None:
    if r["must_include"] is True and r["must_exclude"] is True:
        P.add(label, r["_row"], "must_exclude", "must_include and must_exclude are both true")
    lo, hi, v = (_given(r[c]) for c in ("value_low", "value_high", "value_annual"))
    if lo is not None and hi is not None and lo > hi:
        P.add(label, r["_row"], "value_low", f"value_low {fmt(lo)} is above value_high {fmt(hi)}")
    elif lo is not None and v is not None and lo > v:
        P.add(label, r["_row"], "value_low", f"value_low {fmt(lo)} is above value_annual {fmt(v)}")
    elif hi is not None and v is not None and hi < v:
        message = f"value_high {fmt(hi)} is below value_annual {fmt(v)}"
        P.add(label, r["_row"], "value_high", message)
    _roadmap_values(r, label, P)


_PILOT_TERMS = ("pilot_cost_one_off", "pilot_cost_annual", "pilot_value_annual", "pilot_fte")


def _roadmap_values(r: dict, label: str, P: Problems) -> None:
    """Roadmap columns (docs/method.md §12): a start window that is not empty; pilot terms only
    with ``pilot_years``."""
    first, last = _given(r.get("earliest_start")), _given(r.get("latest_start"))
    if first is not None and last is not None and first > last:
        message = f"earliest_start {first} is after latest_start {last}"
        P.add(label, r["_row"], "earliest_start", message)
    if _given(r.get("pilot_years")) is None:
        for column in _PILOT_TERMS:
            if _given(r.get(column)) is not None:
                message = f"{column} is given but pilot_years is blank; give the pilot's length"
                P.add(label, r["_row"], column, message)


def _alliance_rules(r: dict, known: set[str] | None, label: str, P: Problems) -> None:
    ids = r["conflicts_with"]
    if ids is not INVALID and known is not None:
        for x in ids:
            if x == r["alliance_id"] or x not in known:
                message = _unknown_id(x, known, "a candidate or another alliance id")
                P.add(label, r["_row"], "conflicts_with", message)
    s, e = r["start_period"], r["end_period"]
    if s and e and s is not INVALID and e is not INVALID and period_key(e) < period_key(s):
        P.add(label, r["_row"], "end_period", f"end_period {e} is before start_period {s}")


def check_entities(
    cands: list[dict],
    alls: list[dict],
    labels: tuple[str, str],
    gap_ids: set[str] | None,
    refs_usable: bool,
    P: Problems,
) -> None:
    """Candidates and alliances: unique ids, known gaps and references, consistent values.

    ``labels`` are the files of the two tables; ``refs_usable`` is False when an id column could
    not be read (then references are not checked, to avoid a flood of "unknown id").
    """
    cl, al = labels
    _duplicates(_located(cands, cl, ("id",)), ("id",), "id", "id", P)
    _duplicates(
        _located(alls, al, ("alliance_id",)), ("alliance_id",), "alliance_id", "alliance id", P
    )
    _case_clashes(((cl, cands, "id"), (al, alls, "alliance_id")), P)
    cand_ids = {r["id"] for r in cands if r["id"] is not INVALID}
    all_ids = {r["alliance_id"] for r in alls if r["alliance_id"] is not INVALID}
    for r in alls:
        if r["alliance_id"] in cand_ids:
            message = f"'{r['alliance_id']}' is also a candidate id; ids must be distinct"
            P.add(al, r["_row"], "alliance_id", message)
    _unknown_gaps(cands, gap_ids, cl, P)
    _unknown_gaps(alls, gap_ids, al, P)
    known = cand_ids | all_ids
    for r in cands:
        if refs_usable:
            _candidate_refs(r, known, cl, P)
        _candidate_values(r, cl, P)
    for r in alls:
        _alliance_rules(r, known if refs_usable else None, al, P)


# -- history tables ---------------------------------------------------------------------------
def _unknown_alliances(
    name: str, t: Located, known: set[str], alliances_table: bool, P: Problems
) -> None:
    if "alliance_id" not in t.frame.columns:
        return
    codes, uniques = t.codes("alliance_id")
    unknown = np.asarray([u not in known for u in uniques] + [False], dtype=bool)
    where = "alliances.csv has no such alliance"
    if not alliances_table:
        where = "the workspace has no alliances table"
    for i in np.flatnonzero(unknown[codes]):  # code −1 (missing) looks up the last entry
        a = uniques[codes[i]]
        message = (
            f"unknown alliance {a!r}: {_ROW_WHAT[name]} for alliance {a!r}, which does not "
            f"exist; {where}"
        )
        P.add(t.label, int(t.rows[i]), "alliance_id", message)


def _kpi_rules(t: Located, P: Problems) -> None:
    k = t.frame
    if not len(k) or any(c not in k.columns for c in ("alliance_id", "kpi_id")):
        return
    pair = _key(t, ("alliance_id", "kpi_id"))
    if "direction" in k.columns:
        _kpi_directions(t, pair, P)
    if "weight" in k.columns:
        _kpi_weights(t, pair, P)


def _kpi_directions(t: Located, pair: np.ndarray, P: Problems) -> None:
    """A KPI keeps one direction: rows disagreeing with its first row are problems."""
    codes, uniques = t.codes("direction")
    rows = np.flatnonzero((pair >= 0) & (codes >= 0))
    first, _ = _first_of_group(pair[rows])
    for j in np.flatnonzero(codes[rows] != codes[rows[first]]):
        i, i0 = rows[j], rows[first[j]]
        aid, kpi = t.frame["alliance_id"].iloc[i], t.frame["kpi_id"].iloc[i]
        message = (
            f"KPI {kpi} of {aid} is '{uniques[codes[i0]]}' in row {t.rows[i0]} but "
            f"'{uniques[codes[i]]}' here; a KPI keeps one direction"
        )
        P.add(t.label, int(t.rows[i]), "direction", message)


def _kpi_weights(t: Located, pair: np.ndarray, P: Problems) -> None:
    """Some KPI weight of each alliance is > 0, and each KPI has a weight > 0 in some period."""
    alliance, names = t.codes("alliance_id")
    weight = t.frame["weight"].to_numpy(dtype=float)
    rows = np.flatnonzero((alliance >= 0) & ~np.isnan(weight))
    totals = np.bincount(alliance[rows], weights=weight[rows], minlength=len(names))
    _, starts = _first_of_group(alliance[rows])
    zero = set()
    for j in starts:
        i = rows[j]
        if totals[alliance[i]] <= 0:
            zero.add(alliance[i])
            message = f"the KPI weights of {names[alliance[i]]} are all 0; at least one must be > 0"
            P.add(t.label, int(t.rows[i]), "weight", message)
    rows = rows[pair[rows] >= 0]
    _, first, inverse = np.unique(pair[rows], return_index=True, return_inverse=True)
    counted = np.bincount(inverse, weights=weight[rows] != 0)
    for g in np.argsort(first):
        i = rows[first[g]]
        if counted[g] == 0 and alliance[i] not in zero:
            aid, kpi = t.frame["alliance_id"].iloc[i], t.frame["kpi_id"].iloc[i]
            message = (
                f"KPI {kpi!r} of alliance {aid!r} has weight 0 in every period, so it can never "
                "count; give it a positive weight or remove its rows"
            )
            P.add(t.label, int(t.rows[i]), "weight", message)


def check_history(
    tables: Mapping[str, Located],
    alliance_ids: set[str] | None,
    alliances_table: bool,
    P: Problems,
) -> None:
    """KPIs, surveys, events and milestones: known alliances, unique keys, usable KPI weights.

    ``alliance_ids`` is ``None`` when the alliances could not be read (their references are not
    checked then); ``alliances_table`` says whether the workspace has an alliances table.
    """
    if alliance_ids is not None:
        for name in HISTORY_TABLES:
            _unknown_alliances(name, tables[name], alliance_ids, alliances_table, P)
    kpis = tables["kpis"]
    key = ("alliance_id", "kpi_id", "period")
    _duplicates(kpis, key, "period", "KPI row for (alliance, kpi, period)", P)
    _kpi_rules(kpis, P)
    key = ("alliance_id", "period", "side")
    _duplicates(tables["health"], key, "side", "survey row for (alliance, period, side)", P)
    key = ("alliance_id", "milestone_id")
    what = "milestone id for (alliance, milestone)"
    _duplicates(tables["milestones"], key, "milestone_id", what, P)


# -- frames of a Workspace --------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewTables:
    """The history tables of a checked ``Workspace``, typed like a loaded workspace's frames.

    Every column of the table's specification is present (optional ones filled with their
    defaults); numbers are float (NaN blank), periods ``YYYY-Qn``, Enum columns their values,
    booleans bool; ids and free text as given. Extra columns are kept.
    """

    kpis: pd.DataFrame
    health: pd.DataFrame
    events: pd.DataFrame
    milestones: pd.DataFrame
    actions: pd.DataFrame


def check_review_inputs(ws: Workspace) -> ReviewTables:
    """Check the history tables of ``ws`` by the rules of files; return them typed.

    The same column specifications and ``check_history`` that ``load_workspace`` applies, over
    the frames of a ``Workspace`` built in memory or loaded (a loaded one always passes). Rows
    are named as they would be written (header = 1) in ``kpis.csv``, ``health.csv``, …

    Raises
    ------
    DataValidationError
        With every problem found (up to ``MAX_PROBLEMS``), each naming file, row and column.
    """
    P = Problems()
    tables = {name: typed_frame(name, getattr(ws, name), P) for name in HISTORY_TABLES}
    check_history(tables, set(ws.alliance_ids), True, P)
    P.raise_if_any()
    return ReviewTables(**{name: t.frame for name, t in tables.items()})
