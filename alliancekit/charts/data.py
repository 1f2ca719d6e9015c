"""Data preparation shared by the charts: partner tables, labels, units and tooltips.

Charts draw long ("tidy") frames whose column names are fixed here; workspace text (names, ids,
units) only ever appears as values, never as a field name or inside a Vega expression, so a name
that looks like markup or code is drawn as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from alliancekit.charts.theme import short_name, text_of

__all__ = [
    "SCORE_AXES",
    "constraint_labels",
    "gap_labels",
    "money_of",
    "partner_label",
    "partner_order",
    "partner_table",
    "records",
    "score_axis",
    "text_of",
    "tooltips",
]

#: Scoring method -> (axis title with unit, axis domain or None, number format).
SCORE_AXES: Mapping[str, tuple[str, tuple[float, float] | None, str]] = {
    "weighted_sum": ("Score [0–100]", (0.0, 100.0), ".1f"),
    "topsis": ("TOPSIS closeness D−/(D+ + D−) [0–1]", (0.0, 1.0), ".3f"),
    "promethee_ii": ("PROMETHEE II net flow φ [−1 to 1]", (-1.0, 1.0), "+.3f"),
}

#: Column -> (tooltip title, number format); ``{money}`` becomes the money unit.
_FIELDS: Mapping[str, tuple[str, str | None]] = {
    "name": ("Partner", None),
    "partner_id": ("Id", None),
    "score": ("Score", None),
    "rank": ("Rank (1 = best)", "d"),
    "cost_one_off": ("One-off cost [{money}]", ",.1f"),
    "cost_annual": ("Annual cost [{money}/yr]", ",.1f"),
    "value_annual": ("Annual value [{money}/yr]", ",.1f"),
    "pv_cost": ("Present value of costs [{money}]", ",.1f"),
    "pv_benefit": ("Present value of benefits [{money}]", ",.1f"),
    "e_npv": ("Expected NPV [{money}]", ",.1f"),
    "R": ("Total risk R [0–1]", ".2f"),
    "R_rel": ("Relational risk R_rel [0–1]", ".2f"),
    "R_perf": ("Performance risk R_perf [0–1]", ".2f"),
    "status": ("Status", None),
    "knockouts": ("Knocked out because", None),
}
#: Columns taken from ``ScoreResult.details`` (``score_partners``) -> partner-table column.
_DETAILS = {
    "name": "name",
    "S": "score",
    "R": "R",
    "R_rel": "R_rel",
    "R_perf": "R_perf",
    "e_npv": "e_npv",
    "C7_raw": "pv_cost",
    "C2_raw": "pv_benefit",
}
_CANDIDATE_COLUMNS = ("name", "cost_one_off", "cost_annual", "value_annual")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-ready records (NaN/NA -> null; numpy scalars -> Python).

    Charts get their data as records in named datasets set once at the end (``parts.finish``):
    Altair's DataFrame sanitising and its copying of data on every chart operation took
    most of a chart's build time.
    """
    rows = frame.to_dict("records")
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value


def money_of(*sources: Any, money_label: str | None = None) -> str:
    """The money unit to print: ``money_label``, else a workspace's or result's, else "money"."""
    if money_label:
        return str(money_label)
    for src in sources:
        org = getattr(src, "organization", None)
        label = getattr(org, "money_label", None) if org is not None else None
        label = label or getattr(src, "money_label", None)
        if label:
            return str(label)
    return "money"


def score_axis(method: Any) -> tuple[str, tuple[float, float] | None, str]:
    """(Axis title with unit, domain, format) of a scoring method's score."""
    return SCORE_AXES.get(text_of(method), ("Score", None, ".3f"))


def partner_label(name: Any, partner_id: Any, max_chars: int = 24) -> str:
    """``"Short name… (id)"`` for axes; just the id when there is no name or it is the id."""
    pid = str(partner_id)
    text = short_name(name, max_chars)
    return pid if not text or text == pid else f"{text} ({pid})"


def partner_table(
    result: Any = None,
    *,
    details: pd.DataFrame | None = None,
    workspace: Any = None,
    ids: Iterable[Any] | None = None,
    names: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """One row per partner with what tooltips show: name, costs, value, risk, score, knockouts.

    Parameters
    ----------
    result : ScoreResult or PortfolioResult, optional
        Scores, ranks, ``details`` (name, risk [0–1], E[NPV] [money]) and knockout reasons.
    details : DataFrame, optional
        Per-partner columns as in ``ScoreResult.details`` (instead of the result's): ``name``,
        ``S`` (score), ``R``, ``R_rel``, ``R_perf``, ``e_npv``, ``knocked_out``, ``knockouts``.
    workspace : Workspace, optional
        Names and costs/values [money, money/yr] from ``candidates_frame()``.
    ids : iterable, optional
        Partners to list (default: the result's partners, else the workspace's candidates).
    names : Mapping, optional
        Id -> name, for partners no other source names.

    Returns
    -------
    DataFrame
        Indexed by ``partner_id`` (text), columns ``partner_id``, ``name``, ``label``,
        ``knocked_out``, ``knockouts`` and whichever of ``score``, ``rank``, ``cost_one_off``,
        ``cost_annual``, ``value_annual``, ``pv_cost``, ``pv_benefit``, ``e_npv``, ``R``,
        ``R_rel``, ``R_perf`` the sources hold.
    """
    if ids is None and details is not None:
        ids = details.index
    frame = pd.DataFrame(index=pd.Index([str(i) for i in _ids(result, workspace, ids)]))
    if workspace is not None:
        cand = workspace.candidates_frame()
        cand = cand.set_axis([str(i) for i in cand.index])
        for col in _CANDIDATE_COLUMNS:
            if col in cand.columns:
                frame[col] = cand[col].reindex(frame.index)
    _add_result_columns(frame, result)
    if details is not None:
        _add_details(frame, details)
    given = pd.Series(dict(names or {}), dtype=object)
    given.index = [str(i) for i in given.index]
    found = frame["name"] if "name" in frame.columns else pd.Series(None, index=frame.index)
    frame["name"] = [
        str(n) if _known(n) else str(given.get(i, i))
        for i, n in zip(frame.index, found, strict=True)
    ]
    frame["partner_id"] = frame.index
    frame["label"] = [partner_label(n, i) for n, i in zip(frame["name"], frame.index, strict=True)]
    reasons = _knockout_reasons(result, details)
    frame["knocked_out"] = [i in reasons for i in frame.index]
    frame["knockouts"] = [reasons.get(i, "") for i in frame.index]
    return frame


def _knockout_reasons(result: Any, details: pd.DataFrame | None) -> dict[str, str]:
    """Partner id -> why it is out (ScoreResult.knockouts, PortfolioResult.screened, details)."""
    reasons = {}
    if details is not None and "knocked_out" in details.columns:
        codes = details["knockouts"] if "knockouts" in details.columns else details["knocked_out"]
        out = details["knocked_out"].fillna(False).astype(bool)
        reasons = {str(i): str(c) if isinstance(c, str) else "" for i, c in codes[out].items()}
    for source in ("screened", "knockouts"):
        for pid, why in dict(getattr(result, source, None) or {}).items():
            if why:
                reasons[str(pid)] = why if isinstance(why, str) else "; ".join(map(str, why))
    return reasons


def _known(value: Any) -> bool:
    """Whether ``value`` is a name (not None, NaN, NA or blank)."""
    return _plain(value) is not None and str(value).strip() != ""


def _ids(result: Any, workspace: Any, ids: Iterable[Any] | None) -> list[Any]:
    if ids is not None:
        return list(ids)
    if result is not None and hasattr(result, "scores"):
        return list(result.scores.index)
    if result is not None and hasattr(result, "problem"):
        return list(result.problem.ids)
    if workspace is not None:
        return list(workspace.candidate_ids)
    return []


def _add_result_columns(frame: pd.DataFrame, result: Any) -> None:
    """Scores, ranks and details of a ScoreResult, or the table of a PortfolioResult."""
    if result is None:
        return
    if hasattr(result, "scores"):
        frame["score"] = _by_text(result.scores).reindex(frame.index).astype(float)
        frame["rank"] = _by_text(result.ranks).reindex(frame.index)
        source = getattr(result, "details", None)
    else:
        source = result.to_frame() if hasattr(result, "to_frame") else None
        if source is not None and "score" in source.columns:
            frame["score"] = _by_text(source["score"]).reindex(frame.index).astype(float)
    if source is not None:
        _add_details(frame, source)


def _add_details(frame: pd.DataFrame, source: pd.DataFrame) -> None:
    """Columns of a details table the frame lacks (renamed to the partner-table names)."""
    source = source.set_axis([str(i) for i in source.index])
    for col, target in {**_DETAILS, **{c: c for c in _CANDIDATE_COLUMNS}}.items():
        if col in source.columns and target not in frame.columns:
            frame[target] = source[col].reindex(frame.index)


def _by_text(series: pd.Series) -> pd.Series:
    return series.set_axis([str(i) for i in series.index])


def partner_order(frame: pd.DataFrame, by: str = "rank", *, ascending: bool = True) -> list[str]:
    """Labels best first: eligible partners, then knocked-out ones (each by ``by``, then id)."""
    key = frame[by] if by in frame.columns else pd.Series(0.0, index=frame.index)
    ordered = frame.assign(_key=key).sort_values(
        ["knocked_out", "_key", "partner_id"], ascending=[True, ascending, True]
    )
    return list(ordered["label"])


def tooltips(
    frame: pd.DataFrame,
    money: str,
    *,
    score_title: str | None = None,
    score_format: str = ".2f",
    extra: Sequence[alt.Tooltip] = (),
) -> list[alt.Tooltip]:
    """Tooltip fields for the partner columns ``frame`` holds (all-empty columns skipped).

    Name and id come first, then ``extra`` (the chart's own measure), then cost, value, risk,
    score and knockout reasons, each titled with its unit.
    """
    out: list[alt.Tooltip] = []
    for col, (title, fmt) in _FIELDS.items():
        if col not in frame.columns or frame[col].isna().all():
            continue
        if col == "knockouts" and not frame["knocked_out"].any():
            continue
        if col == "score":
            title, fmt = score_title or title, score_format
        words = title.format(money=money)
        out.append(
            alt.Tooltip(col, type="quantitative", title=words, format=fmt)
            if fmt
            else alt.Tooltip(col, type="nominal", title=words)
        )
        if col == "partner_id":
            out.extend(extra)
    return out


def constraint_labels(result: Any) -> pd.Series:
    """Human label per constraint key of ``result.totals`` (the one label lookup for charts).

    Prefers a ``label`` column of ``totals``, then the labels of typed constraints
    (``result.constraints``: objects with ``key`` and ``label``); otherwise the key itself.
    """
    totals = result.totals
    column = totals["label"] if "label" in totals.columns else [None] * len(totals)
    found = getattr(result, "constraints", None) or ()
    found = found.values() if isinstance(found, Mapping) else found
    typed = {str(getattr(c, "key", "")): getattr(c, "label", None) for c in found}
    labels = {}
    for key, label in zip(totals.index, column, strict=True):
        text = "" if label is None or (isinstance(label, float) and label != label) else label
        labels[str(key)] = str(text or typed.get(str(key)) or key)
    return pd.Series(labels, dtype=object)


def gap_labels(gaps: Any = None, ids: Iterable[Any] = (), max_chars: int = 24) -> dict[str, str]:
    """``{"G3": "G3 — Mobile payments"}`` for every gap id in ``ids`` (or every known gap).

    ``gaps``: a Workspace, an Organization, a sequence of ``Gap`` or a mapping id -> name.
    Unknown gaps keep their id.
    """
    org = getattr(gaps, "organization", gaps)
    found = getattr(org, "capability_gaps", gaps)
    if isinstance(found, Mapping):
        names = {str(k): str(v) for k, v in found.items()}
    else:
        names = {str(g.gap_id): str(g.name) for g in (found or ())}
    wanted = [str(i) for i in ids] or list(names)
    return {g: f"{g} — {short_name(names[g], max_chars)}" if names.get(g) else g for g in wanted}
