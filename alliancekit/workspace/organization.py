"""organization.yaml (or the workbook's organization sheets) ↔ :class:`Organization`.

``parse_org`` reads the settings in named stages (scalars, lists, goals, gaps, rules, risk caps,
criteria weights) and records every problem with its line (or sheet row) and key path;
``org_dict`` is the inverse, the mapping written to ``organization.yaml``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from alliancekit.model import (
    AllianceForm,
    DiversificationRule,
    Gap,
    Goal,
    Organization,
    Relation,
    RiskCaps,
    RoadmapSettings,
)
from alliancekit.workspace.cells import INVALID, CellError, convert, parse_enum, to_text
from alliancekit.workspace.columns import (
    GAP_COLS,
    GOAL_COLS,
    ORG_KEYS,
    ORG_LISTS,
    ORG_SCALARS,
    RISK_CAP_COLS,
    ROADMAP_COLS,
    ROADMAP_MAPS,
    RULE_ATTRIBUTES,
    RULE_COLS,
    Col,
    Kind,
)
from alliancekit.workspace.problems import Problems
from alliancekit.workspace.readers import RawOrg, path_text

__all__ = ["ok", "org_dict", "parse_org", "plain", "roadmap_dict"]

MAX_GOALS, MAX_GAPS = 8, 12
_WEIGHT = Col("weight", Kind.FLOAT, needed=True, lo=0.0)


def ok(*values: Any) -> bool:
    """True when none of the values failed to parse."""
    return all(v is not INVALID for v in values)


def _setting_text(value: Any) -> str:
    """``to_text`` for a YAML/settings value; a YAML ``.nan`` is a bad number, not a blank."""
    if isinstance(value, float) and math.isnan(value):
        raise CellError("expected a finite number, got '.nan'")
    return to_text(value)


def _value(raw: RawOrg, mapping: Mapping, path: tuple, col: Col, P: Problems) -> Any:
    """One setting of ``mapping`` parsed by ``col`` (its default when blank; INVALID if bad)."""
    value = mapping.get(col.name) if isinstance(mapping, Mapping) else None
    file, row, column = raw.locate((*path, col.name))
    try:
        text = _setting_text(value)
        if not text:
            if col.needed:
                raise CellError(f"required setting '{col.name}' is missing")
            return col.default
        return convert(col, text)
    except CellError as exc:
        P.add(file, row, column, str(exc))
        return INVALID


def _unknown_keys(
    raw: RawOrg, mapping: Mapping, path: tuple, known: Iterable[str], P: Problems
) -> None:
    known = list(known)
    for key in mapping:
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
            file, row, column = raw.locate((*path, str(key)))
            P.add(file, row, column, f"unknown setting '{key}'{hint}")


def _problem_at(
    raw: RawOrg, path: tuple, message: str, P: Problems, column: str | None = None
) -> None:
    """Record a problem where the setting at ``path`` stands (``column`` overrides its name)."""
    file, row, where = raw.locate(path)
    P.add(file, row, where if column is None else column, message)


# -- stages -----------------------------------------------------------------------------------
def _list_items(raw: RawOrg, name: str, cols: tuple[Col, ...], P: Problems) -> list[dict]:
    """The items of one organization list, each a dict of parsed values with its ``_path``."""
    items = raw.data.get(name)
    if items in (None, "", []):
        if name != "diversification_rules":
            _problem_at(raw, (name,), f"required list '{name}' is missing or empty", P)
        return []
    if not isinstance(items, list):
        message = f"'{name}' must be a list of items ('- key: value' in YAML)"
        _problem_at(raw, (name,), message, P)
        return []
    parsed = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            message = f"each item of '{name}' must be a set of key: value pairs"
            _problem_at(raw, (name, i), message, P)
            continue
        if not raw.lenient_items:
            _unknown_keys(raw, item, (name, i), [c.name for c in cols], P)
        rec = {c.name: _value(raw, item, (name, i), c, P) for c in cols}
        rec["_path"] = (name, i)
        parsed.append(rec)
    return parsed


def _unique_items(raw: RawOrg, items: list[dict], key: str, what: str, P: Problems) -> None:
    seen: dict[str, int] = {}
    for rec in items:
        value = rec[key]
        if not ok(value) or value is None:
            continue
        if value in seen:
            message = f"duplicate {what} '{value}' (also item {seen[value] + 1})"
            _problem_at(raw, (*rec["_path"], key), message, P)
        else:
            seen[value] = rec["_path"][1]


def _check_goals(raw: RawOrg, goals: list[dict], P: Problems) -> None:
    if len(goals) > MAX_GOALS:
        message = f"{len(goals)} goals given; at most {MAX_GOALS} are allowed"
        _problem_at(raw, ("goals",), message, P)
    _unique_items(raw, goals, "goal_id", "goal id", P)
    weights = [g["weight"] for g in goals]
    if goals and ok(*weights) and abs(sum(weights) - 1.0) > 1e-6:
        message = f"goal weights must sum to 1; they sum to {sum(weights):.6g}"
        _problem_at(raw, ("goals",), message, P, column="goals.weight")


def _check_gaps(raw: RawOrg, gaps: list[dict], P: Problems) -> set[str] | None:
    """Check the gaps; their ids, or ``None`` when some id could not be read."""
    if len(gaps) > MAX_GAPS:
        message = f"{len(gaps)} capability gaps given; at most {MAX_GAPS} are allowed"
        _problem_at(raw, ("capability_gaps",), message, P)
    _unique_items(raw, gaps, "gap_id", "gap id", P)
    if not gaps or any(not ok(g["gap_id"]) for g in gaps):
        return None
    return {g["gap_id"] for g in gaps}


def _rule_value(raw: RawOrg, rule: dict, P: Problems) -> None:
    """Check a rule's attribute; a relation or form value becomes its canonical spelling."""
    attr, path = rule["attribute"], rule["_path"]
    if not ok(attr) or attr is None:
        return
    if attr not in RULE_ATTRIBUTES:
        message = f"'{attr}' is not allowed; expected one of: {', '.join(RULE_ATTRIBUTES)}"
        where = (*path, "attribute")
        _problem_at(raw, where, message, P, column=path_text(where))
    elif attr in ("relation", "form") and ok(rule["value"]) and rule["value"]:
        enum = Relation if attr == "relation" else AllianceForm
        try:
            rule["value"] = parse_enum(rule["value"], enum).value
        except CellError as exc:
            _problem_at(raw, (*path, "value"), str(exc), P)


def _check_rules(raw: RawOrg, rules: list[dict], P: Problems) -> None:
    for rule in rules:
        _rule_value(raw, rule, P)
        lo, hi, share = rule["min_count"], rule["max_count"], rule["max_cost_share"]
        if ok(lo, hi, share) and lo is None and hi is None and share is None:
            message = "a diversification rule needs min_count, max_count or max_cost_share"
            _problem_at(raw, rule["_path"], message, P, column=path_text(rule["_path"]))
        if ok(lo, hi) and lo is not None and hi is not None and lo > hi:
            message = f"min_count {lo} is larger than max_count {hi}"
            _problem_at(raw, (*rule["_path"], "min_count"), message, P)


def _risk_caps(raw: RawOrg, P: Problems) -> dict[str, Any]:
    caps = raw.data.get("risk_caps")
    if caps in (None, ""):
        return {}
    if not isinstance(caps, dict):
        message = "risk_caps must be a set of key: value pairs (e.g. avg_total: 0.35)"
        _problem_at(raw, ("risk_caps",), message, P)
        return {}
    _unknown_keys(raw, caps, ("risk_caps",), [c.name for c in RISK_CAP_COLS], P)
    return {c.name: _value(raw, caps, ("risk_caps",), c, P) for c in RISK_CAP_COLS}


def _criteria_weights(raw: RawOrg, P: Problems) -> dict[str, float] | None:
    given = raw.data.get("criteria_weights")
    if given in (None, "", {}):
        return None
    if not isinstance(given, dict):
        message = "criteria_weights must map criterion ids to weights (e.g. C1: 0.16)"
        _problem_at(raw, ("criteria_weights",), message, P)
        return None
    weights: dict[str, float] = {}
    for key, value in given.items():
        try:
            text = _setting_text(value)
            if not text:
                raise CellError("a weight is required here")
            weights[str(key)] = convert(_WEIGHT, text)
        except CellError as exc:
            _problem_at(raw, ("criteria_weights", str(key)), str(exc), P)
    if weights and sum(weights.values()) <= 0:
        _problem_at(raw, ("criteria_weights",), "criteria weights must not all be 0", P)
    return weights


_FTE = Col("fte", Kind.FLOAT, needed=True, lo=0.0, unit="FTE")
_TIER = Col("tier", Kind.INT, needed=True, lo=1, hi=3)


def _roadmap_setting(value: Any) -> Any:
    """A YAML list of numbers becomes the ``;``-separated text the NUMBERS kind reads."""
    if isinstance(value, list):
        return ";".join(_setting_text(v) for v in value)
    return value


def _roadmap_map(raw: RawOrg, given: Any, name: str, P: Problems) -> dict[Any, float]:
    """``fte_by_form`` (form -> FTE) or ``fte_by_tier`` (1–3 -> FTE): a mapping or ``k:v;…``."""
    path = ("roadmap", name)
    if isinstance(given, str):
        pairs = [p.partition(":") for p in given.split(";") if p.strip()]
        given = {k.strip(): v.strip() for k, _, v in pairs}
    if not isinstance(given, dict):
        _problem_at(raw, path, f"{name} must map each {name[7:]} to an FTE (e.g. 1: 0.5)", P)
        return {}
    out: dict[Any, float] = {}
    for key, value in given.items():
        try:
            if name == "fte_by_form":
                k: Any = parse_enum(_setting_text(key), AllianceForm).value
            else:
                k = convert(_TIER, _setting_text(key))
            out[k] = convert(_FTE, _setting_text(value))
        except CellError as exc:
            _problem_at(raw, (*path, str(key)), str(exc), P)
    return out


def _roadmap(raw: RawOrg, P: Problems) -> RoadmapSettings:
    """The optional ``roadmap`` settings (docs/method.md §12); defaults when absent."""
    given = raw.data.get("roadmap")
    if given in (None, ""):
        return RoadmapSettings()
    if not isinstance(given, dict):
        message = "roadmap must be a set of key: value pairs (e.g. years: 4)"
        _problem_at(raw, ("roadmap",), message, P)
        return RoadmapSettings()
    nested: dict[str, Any] = {}
    for key, value in given.items():  # workbook rows ``roadmap.fte_by_form.joint_venture``
        top, dot, sub = str(key).partition(".")
        if dot and top in ROADMAP_MAPS:
            nested.setdefault(top, {})[sub] = value
        else:
            nested[str(key)] = value
    _unknown_keys(raw, nested, ("roadmap",), [*(c.name for c in ROADMAP_COLS), *ROADMAP_MAPS], P)
    plain_values = {k: _roadmap_setting(v) for k, v in nested.items()}
    values = {c.name: _value(raw, plain_values, ("roadmap",), c, P) for c in ROADMAP_COLS}
    maps = {m: _roadmap_map(raw, nested[m], m, P) for m in ROADMAP_MAPS if m in nested}
    if not ok(*values.values()):
        return RoadmapSettings()
    return RoadmapSettings(**values, **maps)


def _items(records: list[dict], cols: tuple[Col, ...], kind: type) -> tuple:
    return tuple(kind(**{c.name: rec[c.name] for c in cols}) for rec in records)


def parse_org(raw: RawOrg, P: Problems) -> tuple[Organization | None, set[str] | None]:
    """Organization from the raw settings; also the gap ids (None if they could not be read).

    The organization is ``None`` when any problem was recorded so far.
    """
    _unknown_keys(raw, raw.data, (), ORG_KEYS, P)
    vals = {c.name: _value(raw, raw.data, (), c, P) for c in ORG_SCALARS}
    lists = {name: _list_items(raw, name, cols, P) for name, cols in ORG_LISTS.items()}
    goals, gaps, rules = lists["goals"], lists["capability_gaps"], lists["diversification_rules"]
    _check_goals(raw, goals, P)
    gap_ids = _check_gaps(raw, gaps, P)
    _check_rules(raw, rules, P)
    lo, hi = vals["min_alliances"], vals["max_alliances"]
    if ok(lo, hi) and lo > hi:
        message = f"min_alliances {lo} is larger than max_alliances {hi}"
        _problem_at(raw, ("min_alliances",), message, P)
    caps = _risk_caps(raw, P)
    criteria_weights = _criteria_weights(raw, P)
    roadmap = _roadmap(raw, P)
    if P:
        return None, gap_ids
    org = Organization(
        **{c.name: vals[c.name] for c in ORG_SCALARS},
        goals=_items(goals, GOAL_COLS, Goal),
        capability_gaps=_items(gaps, GAP_COLS, Gap),
        risk_caps=RiskCaps(**caps),
        diversification_rules=_items(rules, RULE_COLS, DiversificationRule),
        criteria_weights=criteria_weights,
        roadmap=roadmap,
    )
    return org, gap_ids


# -- writing ----------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """YAML-friendly scalar: Enums as values, integral floats as ints (NaN/inf unchanged)."""
    if isinstance(value, Enum):
        return value.value
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value == int(value)
        and abs(value) < 1e15
    ):
        return int(value)
    return value


def _missing(value: Any) -> bool:
    """None or NaN (pandas' missing value): left out of ``organization.yaml``."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _given(obj: Any, cols: tuple[Col, ...]) -> dict[str, Any]:
    """The fields of ``obj`` named by ``cols`` that hold a value, as YAML scalars."""
    out = {}
    for c in cols:
        value = getattr(obj, c.name)
        if not _missing(value):
            out[c.name] = plain(value)
    return out


def org_dict(org: Organization) -> dict[str, Any]:
    """Organization as the mapping written to ``organization.yaml`` (None values omitted)."""
    out = _given(org, ORG_SCALARS)
    out["goals"] = [_given(g, GOAL_COLS) for g in org.goals]
    out["capability_gaps"] = [_given(g, GAP_COLS) for g in org.capability_gaps]
    if org.diversification_rules:
        out["diversification_rules"] = [_given(r, RULE_COLS) for r in org.diversification_rules]
    caps = _given(org.risk_caps, RISK_CAP_COLS)
    if caps:
        out["risk_caps"] = caps
    if org.criteria_weights:
        out["criteria_weights"] = {str(k): plain(float(v)) for k, v in org.criteria_weights.items()}
    if org.roadmap.given:
        out["roadmap"] = roadmap_dict(org.roadmap)
    return out


def roadmap_dict(settings: RoadmapSettings) -> dict[str, Any]:
    """The ``roadmap`` settings as written to ``organization.yaml`` (defaults left out)."""
    out: dict[str, Any] = {}
    default = RoadmapSettings()
    for c in ROADMAP_COLS:
        value = getattr(settings, c.name)
        if value != getattr(default, c.name) and not _missing(value):
            out[c.name] = [plain(v) for v in value] if isinstance(value, tuple) else plain(value)
    for name in ROADMAP_MAPS:
        mapping = getattr(settings, name)
        if mapping:
            out[name] = {k: plain(float(v)) for k, v in mapping.items()}
    return out
