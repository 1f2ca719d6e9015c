"""Load, validate and save workspaces: one folder of CSV + YAML files, or one ``.xlsx`` workbook.

A workspace on disk (data dictionary in ``data/README.md``)::

    organization.yaml   organization profile, goals, capability gaps, budgets, caps, rules
    candidates.csv      candidate partners (required, at least one row)
    alliances.csv       existing alliances                     (optional, header only is fine)
    kpis.csv            KPI plan vs actual, long format        (optional)
    health.csv          health survey, own and partner side    (optional)
    events.csv          hard triggers such as a material breach (optional)
    milestones.csv      alliance milestones and turning points (optional)

The same tables are sheets of one workbook. In a workbook the scalar organization settings are
key/value rows of a sheet ``organization`` (header ``key, value``; nested risk caps as
``risk_caps.avg_total`` …), and the lists are sheets of their own: ``goals``,
``capability_gaps``, ``diversification_rules`` and ``criteria_weights`` (``criterion, weight``).

Every reader turns cells into text first, so a folder and a workbook go through exactly the same
parser and validator. Validation collects every problem it finds (up to ``MAX_PROBLEMS``) and
raises one :class:`~alliancekit.errors.DataValidationError`; each
:class:`~alliancekit.errors.Problem` names the file (``candidates.csv`` or
``book.xlsx[candidates]``), the spreadsheet row (header = 1; for ``organization.yaml`` the line
number), the column (or YAML key path, list items counted from 1) and what was expected.
Input files are only ever read.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from alliancekit.errors import DataValidationError, Problem
from alliancekit.model import (
    Alliance,
    AllianceForm,
    AllianceStatus,
    Buyout,
    Candidate,
    DecisionRule,
    DiversificationRule,
    Gap,
    Goal,
    IPSensitivity,
    KPIDirection,
    KPISource,
    LifecycleStage,
    MilestoneStatus,
    Organization,
    Perspective,
    Relation,
    RiskAppetite,
    RiskCaps,
    Side,
    SizeClass,
    Workspace,
    period_key,
)

__all__ = [
    "DATA_ENV",
    "MAX_PROBLEMS",
    "TABLE_COLUMNS",
    "data_dir",
    "load_workspace",
    "resolve_workspace_path",
    "sample_names",
    "sample_workspace",
    "save_workspace",
    "validate_workspace",
    "workspace_notes",
]

#: Most problems reported by one validation run; the rest are counted in ``truncated``.
MAX_PROBLEMS = 50
#: Environment variable that overrides the folder holding the sample workspaces.
DATA_ENV = "ALLIANCEKIT_DATA"
ORG_FILE = "organization.yaml"
TABLES = ("candidates", "alliances", "kpis", "health", "events", "milestones")
REQUIRED_TABLES = ("candidates",)
ORG_LIST_SHEETS = ("goals", "capability_gaps", "diversification_rules", "criteria_weights")
_CANONICAL_SAMPLES = ("sanchar-apps", "greenscape", "norden-pumpen")
_PERIOD_RE = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_ID_CHARS = ";:,"


# ---------------------------------------------------------------------------------------------
# column specifications
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """One column (or setting): how to parse it, whether it is required, and its default.

    ``kind``: ``id``, ``str``, ``float``, ``int``, ``likert`` (integer or half-integer [1–5]),
    ``bool``, ``period`` (``YYYY-Qn``), ``enum``, ``coverage`` (``G1:0.9;G2:0.5``), ``ids``
    (``;``-separated ids). ``required`` = the column must exist; ``needed`` = every row must
    have a value. ``lo``/``hi`` bound numbers (inclusive).
    """

    name: str
    kind: str = "str"
    required: bool = False
    needed: bool = False
    default: Any = None
    enum: type[Enum] | None = None
    lo: float | None = None
    hi: float | None = None
    unit: str = ""


def _c(name: str, kind: str = "str", req: bool = False, **kw: Any) -> Col:
    """Shorthand: ``req`` makes the column required and its values needed."""
    return Col(name, kind, required=req, needed=req or kw.pop("needed", False), **kw)


_MONEY = {"kind": "float", "lo": 0.0, "unit": "money"}
_LIKERT_REQ = {"kind": "likert", "lo": 1.0, "hi": 5.0}

CANDIDATE_COLS: tuple[Col, ...] = (
    _c("id", "id", True),
    _c("name", "str", True),
    _c("relation", "enum", True, enum=Relation),
    _c("form", "enum", True, enum=AllianceForm),
    _c("sector", "str", True),
    _c("region", "str", default=""),
    _c("size_class", "enum", enum=SizeClass),
    Col("coverage", "coverage", required=True, default={}),
    _c("cost_one_off", req=True, **_MONEY),
    _c("cost_annual", req=True, **_MONEY),
    _c("value_annual", req=True, **_MONEY),
    _c("exit_cost", default=0.0, **_MONEY),
    _c("value_low", **_MONEY),
    _c("value_high", **_MONEY),
    _c("duration_years", "int", lo=1, hi=50),
    _c("mgmt_load_fte", "float", default=0.2, lo=0.0),
    _c("goal_compat", req=True, **_LIKERT_REQ),
    _c("culture_compat", req=True, **_LIKERT_REQ),
    _c("commitment", req=True, **_LIKERT_REQ),
    _c("reputation", default=3.0, **_LIKERT_REQ),
    _c("prior_ties", "int", default=0, lo=0),
    _c("learning", default=3.0, **_LIKERT_REQ),
    _c("flexibility", default=3.0, **_LIKERT_REQ),
    _c("opportunism", **_LIKERT_REQ),
    _c("leakage", **_LIKERT_REQ),
    _c("dependence", **_LIKERT_REQ),
    _c("competence_unc", default=3.0, **_LIKERT_REQ),
    _c("market_unc", default=3.0, **_LIKERT_REQ),
    _c("complexity", default=3.0, **_LIKERT_REQ),
    _c("fin_fragility", default=3.0, **_LIKERT_REQ),
    _c("regulatory", default=3.0, **_LIKERT_REQ),
    _c("conflicts_with", "ids", default=()),
    _c("requires_any", "ids", default=()),
    _c("partner_benefit_share", "float", lo=0.0, hi=1.0),
    _c("ip_sensitivity", "enum", enum=IPSensitivity),
    _c("must_include", "bool", default=False),
    _c("must_exclude", "bool", default=False),
)

ALLIANCE_COLS: tuple[Col, ...] = (
    _c("alliance_id", "id", True),
    _c("partner_name", "str", True),
    _c("partner_id", "str", default=""),
    _c("description", "str", default=""),
    _c("relation", "enum", True, enum=Relation),
    _c("form", "enum", True, enum=AllianceForm),
    _c("sector", "str", default=""),
    _c("region", "str", default=""),
    _c("start_period", "period", True),
    _c("end_period", "period"),
    _c("status", "enum", True, enum=AllianceStatus),
    _c("lifecycle_stage", "enum", enum=LifecycleStage),
    _c("cost_annual", req=True, **_MONEY),
    _c("exit_cost", req=True, **_MONEY),
    _c("value_plan_annual", req=True, **_MONEY),
    Col("coverage", "coverage", required=True, default={}),
    _c("mgmt_load_fte", "float", default=0.2, lo=0.0),
    _c("milestone_score", "float", lo=0.0, hi=1.0),
    _c("salvage_value", default=0.0, **_MONEY),
    _c("notice_months", "int", lo=0, hi=600),
    _c("buyout", "enum", enum=Buyout, default=""),
    _c("ip_terms", "str", default=""),
    _c("exit_triggers", "str", default=""),
    _c("executive_sponsor", "str", default=""),
    _c("decision_rule", "enum", enum=DecisionRule, default=""),
    _c("dispute_path", "str", default=""),
    _c("max_days_to_resolve", "int", lo=0),
    _c("conflicts_with", "ids", default=()),
)

KPI_COLS: tuple[Col, ...] = (
    _c("alliance_id", "id", True),
    _c("kpi_id", "id", True),
    _c("name", "str", default=""),
    _c("perspective", "enum", enum=Perspective, default=""),
    _c("period", "period", True),
    _c("planned", "float", True),
    Col("actual", "float", required=True),
    _c("unit", "str", default=""),
    _c("direction", "enum", True, enum=KPIDirection),
    _c("weight", "float", True, lo=0.0),
    _c("source", "enum", enum=KPISource, default="joint"),
    _c("confidence", "float", default=1.0, lo=0.0, hi=1.0),
    _c("comment", "str", default=""),
)

_SURVEY = {"kind": "float", "lo": 1.0, "hi": 5.0}
HEALTH_COLS: tuple[Col, ...] = (
    _c("alliance_id", "id", True),
    _c("period", "period", True),
    _c("side", "enum", True, enum=Side),
    Col("strategic_fit", required=True, **_SURVEY),
    Col("trust", required=True, **_SURVEY),
    Col("governance", required=True, **_SURVEY),
    Col("commitment", required=True, **_SURVEY),
    Col("learning", required=True, **_SURVEY),
)

EVENT_COLS: tuple[Col, ...] = (
    _c("alliance_id", "id", True),
    _c("period", "period", True),
    _c("trigger", "str", True),
    _c("description", "str", default=""),
)

MILESTONE_COLS: tuple[Col, ...] = (
    _c("alliance_id", "id", True),
    _c("milestone_id", "id", True),
    _c("text", "str", default=""),
    _c("due_period", "period", True),
    _c("status", "enum", True, enum=MilestoneStatus),
    _c("turning_point", "bool", default=False),
)

#: Column specifications of every table, in the order they are written.
TABLE_COLUMNS: Mapping[str, tuple[Col, ...]] = {
    "candidates": CANDIDATE_COLS,
    "alliances": ALLIANCE_COLS,
    "kpis": KPI_COLS,
    "health": HEALTH_COLS,
    "events": EVENT_COLS,
    "milestones": MILESTONE_COLS,
}

ORG_SCALARS: tuple[Col, ...] = (
    _c("org_id", "id", True),
    _c("name", "str", True),
    _c("sector", "str", True),
    _c("region", "str", default=""),
    _c("mission_statement", "str", True),
    _c("currency", "currency", True),
    _c("money_unit", "str", True),
    _c("budget_one_off", req=True, **_MONEY),
    _c("budget_annual", req=True, **_MONEY),
    _c("risk_appetite", "enum", True, enum=RiskAppetite),
    _c("min_alliances", "int", default=0, lo=0, hi=50),
    _c("max_alliances", "int", default=10, lo=0, hi=50),
    _c("mgmt_capacity_fte", "float", lo=0.0),
    _c("planning_horizon_years", "int", default=3, lo=1, hi=10),
    _c("discount_rate", "float", default=0.10, lo=0.0, hi=0.3),
    _c("weights_preset", "str"),
)
GOAL_COLS: tuple[Col, ...] = (
    _c("goal_id", "id", True),
    _c("text", "str", True),
    _c("weight", "float", True, lo=0.0, hi=1.0),
    _c("metric", "str", default=""),
    _c("target", "str", default=""),
    _c("horizon_years", "float", lo=0.0),
)
GAP_COLS: tuple[Col, ...] = (
    _c("gap_id", "id", True),
    _c("name", "str", True),
    _c("importance", "float", True, lo=1.0, hi=5.0),
    _c("required_coverage", "float", lo=0.0, hi=2.0),
    _c("mandatory", "bool", default=True),
)
RULE_ATTRIBUTES = ("relation", "form", "sector", "region")
RULE_COLS: tuple[Col, ...] = (
    _c("attribute", "str", True),
    _c("value", "str", True),
    _c("min_count", "int", lo=0),
    _c("max_count", "int", lo=0),
    _c("max_cost_share", "float", lo=0.0, hi=1.0),
)
RISK_CAP_COLS: tuple[Col, ...] = (
    _c("avg_total", "float", lo=0.0, hi=1.0),
    _c("max_total_per_partner", "float", lo=0.0, hi=1.0),
    _c("max_relational_per_partner", "float", lo=0.0, hi=1.0),
    _c("cvar_limit", **_MONEY),
    _c("avg_relational", "float", lo=0.0, hi=1.0),
    _c("avg_performance", "float", lo=0.0, hi=1.0),
    _c("expected_loss_limit", **_MONEY),
)
_ORG_LISTS: Mapping[str, tuple[Col, ...]] = {
    "goals": GOAL_COLS,
    "capability_gaps": GAP_COLS,
    "diversification_rules": RULE_COLS,
}
_ORG_KEYS = (
    *(c.name for c in ORG_SCALARS),
    *_ORG_LISTS,
    "risk_caps",
    "criteria_weights",
)


# ---------------------------------------------------------------------------------------------
# problem collection
# ---------------------------------------------------------------------------------------------
class _Problems:
    """Collects problems up to a limit and counts the rest."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.items: list[Problem] = []
        self.truncated = 0
        self.notes: list[Problem] = []  # valid but worth a look (ignored columns, …)
        self.limit = limit

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(Problem(file, row, column, message))
        else:
            self.truncated += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataValidationError(self.items, truncated=self.truncated)


class _ParseError(Exception):
    """A single value failed to parse; the message says what was expected."""


_INVALID = object()  # a value that failed to parse (already reported)


# ---------------------------------------------------------------------------------------------
# value conversion (all input arrives as text)
# ---------------------------------------------------------------------------------------------
def _to_text(value: Any) -> str:
    """Render a cell or YAML scalar as the text a user would see; lists/maps are rejected."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple, dict)):
        raise _ParseError(
            f"expected a single value, got a {'list' if not isinstance(value, dict) else 'mapping'}"
        )
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _number(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        hint = " (use '.' as the decimal point, no thousands separators)" if "," in text else ""
        raise _ParseError(f"expected a number, got '{_short(text)}'{hint}") from None
    if not math.isfinite(x):
        raise _ParseError(f"expected a finite number, got '{_short(text)}'")
    return x


def _short(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def _bounds(x: float, col: Col) -> None:
    if col.lo is not None and x < col.lo:
        if col.lo == 0 and col.hi is None:
            raise _ParseError(f"expected a value >= 0, got {_fmt(x)}")
        raise _ParseError(
            f"expected a value in [{_fmt(col.lo)}, {_fmt(col.hi) if col.hi is not None else '∞'}],"
            f" got {_fmt(x)}"
        )
    if col.hi is not None and x > col.hi:
        lo = _fmt(col.lo) if col.lo is not None else "-∞"
        raise _ParseError(f"expected a value in [{lo}, {_fmt(col.hi)}], got {_fmt(x)}")


_ID_SUSPECT_RE = re.compile(r"[;:,\s]")


def _check_id(text: str, what: str = "id") -> str:
    if not _ID_SUSPECT_RE.search(text):
        return text
    bad = [ch for ch in _BAD_ID_CHARS if ch in text]
    if bad:
        raise _ParseError(
            f"{what} '{_short(text)}' must not contain {' '.join(repr(b) for b in bad)}"
        )
    if any(ch.isspace() for ch in text) and what == "id":
        raise _ParseError(f"id '{_short(text)}' must not contain spaces")
    return text


_ENUM_KEYS: dict[type[Enum], dict[str, str]] = {}


def _parse_enum(text: str, enum: type[Enum]) -> str:
    keys = _ENUM_KEYS.get(enum)
    if keys is None:
        keys = {}
        for member in enum:
            keys[member.name.lower()] = str(member.value)
            keys[str(member.value).lower()] = str(member.value)
        if enum is IPSensitivity:
            keys["medium"] = IPSensitivity.MED.value
        _ENUM_KEYS[enum] = keys
    found = keys.get(text.strip().lower().replace("-", "_").replace(" ", "_"))
    if found is not None:
        return found
    allowed = ", ".join(str(m.value) for m in enum)
    raise _ParseError(f"'{_short(text)}' is not allowed; expected one of: {allowed}")


def _parse_period(text: str) -> str:
    m = _PERIOD_RE.match(text.strip())
    if not m:
        raise _ParseError(f"'{_short(text)}' is not a period; expected YYYY-Qn such as 2025-Q2")
    return f"{m.group(1)}-Q{m.group(2)}"


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def _parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise _ParseError(
        f"'{_short(text)}' is not true/false; expected true or false (also yes/no, 1/0)"
    )


def _parse_coverage(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        if ":" not in part:
            raise _ParseError(
                f"coverage entry '{_short(part)}' is not GAP:LEVEL; expected e.g. G1:0.9;G2:0.5"
            )
        gap, _, level = part.partition(":")
        gap = gap.strip()
        if not gap:
            raise _ParseError(
                f"coverage entry '{_short(part)}' has no gap id; expected e.g. G1:0.9"
            )
        _check_id(gap, "gap id")
        try:
            x = _number(level.strip())
        except _ParseError:
            raise _ParseError(
                f"coverage level for {gap} is '{_short(level.strip())}';"
                " expected a number in [0, 1]"
            ) from None
        if not 0.0 <= x <= 1.0:
            raise _ParseError(f"coverage level for {gap} is {_fmt(x)}; expected a value in [0, 1]")
        if gap in out:
            raise _ParseError(f"gap {gap} appears twice in the coverage")
        out[gap] = x
    return out


def _parse_ids(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        if any(ch in part for ch in ":,") or any(ch.isspace() for ch in part):
            raise _ParseError(
                f"'{_short(part)}' is not an id; lists are ';'-separated ids such as A01;A02"
            )
        if part not in out:
            out.append(part)
    return tuple(out)


def _convert(col: Col, text: str) -> Any:
    """Parse one non-empty text value according to ``col`` (raises ``_ParseError``)."""
    if _CONTROL_RE.search(text):
        raise _ParseError("contains a control character; use plain text")
    kind = col.kind
    if kind == "id":
        return _check_id(text)
    if kind == "str":
        return text
    if kind == "currency":
        if not _CURRENCY_RE.match(text):
            raise _ParseError(
                f"'{_short(text)}' is not an ISO 4217 currency code such as PKR or EUR"
            )
        return text
    if kind == "float":
        x = _number(text)
        _bounds(x, col)
        return x
    if kind == "int":
        x = _number(text)
        if x != int(x):
            raise _ParseError(f"expected a whole number, got {_short(text)}")
        _bounds(x, col)
        return int(x)
    if kind == "likert":
        x = _number(text)
        if not 1.0 <= x <= 5.0:
            raise _ParseError(f"expected a 1–5 rating, got {_fmt(x)}")
        if x * 2 != int(x * 2):
            raise _ParseError(
                f"expected a whole or half point on the 1–5 scale (e.g. 3 or 3.5), got {_fmt(x)}"
            )
        return x
    if kind == "bool":
        return _parse_bool(text)
    if kind == "period":
        return _parse_period(text)
    if kind == "enum":
        assert col.enum is not None
        return _parse_enum(text, col.enum)
    if kind == "coverage":
        return _parse_coverage(text)
    if kind == "ids":
        return _parse_ids(text)
    raise AssertionError(kind)  # pragma: no cover


def _fmt(value: Any) -> str:
    """Format a value for a CSV cell: integral floats without ``.0``, exact repr otherwise."""
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
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, Mapping):
        return ";".join(f"{k}:{_fmt(float(v))}" for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return ";".join(str(v) for v in value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# raw input: every source becomes RawTable objects plus an organization dict with locations
# ---------------------------------------------------------------------------------------------
@dataclass
class RawTable:
    """A table as read: header cells and data rows of text, with spreadsheet row numbers."""

    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    readable: bool = True  # False: present but unreadable (already reported)


Locator = Callable[[tuple], tuple[str, int | None, str]]


@dataclass
class _RawOrg:
    data: Any
    locate: Locator
    #: list items come from workbook sheets, whose unknown columns are ignored like any table's
    lenient_items: bool = False


def _path_text(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _yaml_locator(label: str, lines: Mapping[tuple, int]) -> Locator:
    def locate(path: tuple) -> tuple[str, int | None, str]:
        for n in range(len(path), -1, -1):
            if path[:n] in lines:
                return label, lines[path[:n]], _path_text(path)
        return label, None, _path_text(path)

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


def _decode(raw: bytes, label: str, P: _Problems) -> str | None:
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


#: libyaml's safe loader when PyYAML was built with it (10× faster than the pure-Python one;
#: the same documents, line numbers and error kinds).
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml_text(text: str, label: str, P: _Problems) -> _RawOrg | None:
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
        P.add(label, line, _path_text(path), "duplicate key; each setting may appear only once")
    return _RawOrg(data, _yaml_locator(label, lines))


def _unreadable(label: str) -> RawTable:
    return RawTable(label, [], [], readable=False)


def _read_csv_text(text: str, label: str, P: _Problems) -> RawTable:
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


def _read_file(path: Path, label: str, P: _Problems) -> bytes | None:
    """The bytes of a workspace file, or ``None`` with a problem when it is not a readable file.

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
        return path.read_bytes()
    except OSError as exc:
        P.add(label, None, None, f"cannot read the file: {exc.strerror or type(exc).__name__}")
        return None


def _read_folder(folder: Path, P: _Problems) -> tuple[_RawOrg | None, dict[str, RawTable | None]]:
    org = None
    org_path = folder / ORG_FILE
    if not org_path.exists():
        P.add(ORG_FILE, None, None, f"required file missing from the workspace folder {folder}")
    else:
        raw = _read_file(org_path, ORG_FILE, P)
        text = _decode(raw, ORG_FILE, P) if raw is not None else None
        if text is not None:
            org = _read_yaml_text(text, ORG_FILE, P)
    tables: dict[str, RawTable | None] = {}
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
        raw = _read_file(path, label, P)
        text = _decode(raw, label, P) if raw is not None else None
        tables[name] = _read_csv_text(text, label, P) if text is not None else _unreadable(label)
    return org, tables


def _sheet_rows(sheet: Any) -> list[list[str]]:
    """Every row of a read-only sheet as text cells (ignoring possibly wrong stored dimensions)."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    out = []
    for row in sheet.iter_rows(values_only=True):
        cells = []
        for v in row:
            try:
                cells.append(_to_text(v))
            except _ParseError:  # pragma: no cover - openpyxl never yields containers
                cells.append(str(v))
        out.append(cells)
    return out


def _table_from_rows(label: str, rows: list[list[str]], P: _Problems) -> RawTable:
    if not rows or not any(c for c in rows[0]):
        P.add(label, None, None, "the sheet is empty; expected a header row")
        return _unreadable(label)
    header = list(rows[0])
    while header and not header[-1]:
        header.pop()
    data = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c for c in r)]
    return RawTable(label, header, data)


def _read_workbook(path: Path, P: _Problems) -> tuple[_RawOrg | None, dict[str, RawTable | None]]:
    import openpyxl

    book_label = path.name
    # A damaged workbook can fail inside openpyxl with almost any exception (BadZipFile,
    # KeyError, XML ParseError, ValueError, TypeError …), at open or lazily while a read-only
    # sheet is iterated; any of them means "not readable", never a traceback.
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        P.add(book_label, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")
        return None, {}
    sheets: dict[str, list[list[str]]] = {}
    try:
        for name in wb.sheetnames:
            try:
                sheets[name] = _sheet_rows(wb[name])
            except Exception as exc:
                P.add(
                    f"{book_label}[{name}]",
                    None,
                    None,
                    f"the sheet is damaged and cannot be read ({type(exc).__name__}); "
                    "open the workbook in Excel and save it again",
                )
                return None, {}
    finally:
        wb.close()

    def label(sheet: str) -> str:
        return f"{book_label}[{sheet}]"

    tables: dict[str, RawTable | None] = {}
    for name in TABLES:
        if name not in sheets:
            if name in REQUIRED_TABLES:
                P.add(
                    label(name), None, None, f"required sheet '{name}' is missing from the workbook"
                )
            tables[name] = None
            continue
        tables[name] = _table_from_rows(label(name), sheets[name], P)

    if "organization" not in sheets:
        P.add(label("organization"), None, None, "required sheet 'organization' is missing")
        return None, tables
    org_rows = sheets["organization"]
    org_label = label("organization")
    data: dict[str, Any] = {}
    key_rows: dict[str, int] = {}
    head = [c.lower() for c in org_rows[0][:2]] if org_rows else []
    if head != ["key", "value"]:
        P.add(org_label, 1, None, "expected a header row 'key, value' and one setting per row")
        return None, tables
    for i, row in enumerate(org_rows[1:], start=2):
        key = row[0] if row else ""
        value = row[1] if len(row) > 1 else ""
        if not key:
            if value:
                P.add(org_label, i, "key", "a value without a key; put the setting name in 'key'")
            continue
        if key in key_rows:
            P.add(org_label, i, "key", f"duplicate key '{key}' (first in row {key_rows[key]})")
            continue
        key_rows[key] = i
        if "." in key:
            top, _, sub = key.partition(".")
            data.setdefault(top, {})
            if isinstance(data[top], dict):
                data[top][sub] = value
        else:
            data[key] = value
    cw_rows: dict[str, int] = {}
    item_rows: dict[str, list[int]] = {}
    for name in ORG_LIST_SHEETS:
        if name not in sheets:
            if name in ("goals", "capability_gaps"):
                P.add(
                    label(name), None, None, f"required sheet '{name}' is missing from the workbook"
                )
            continue
        table = _table_from_rows(label(name), sheets[name], P)
        if not table.readable:
            continue
        if name == "criteria_weights":
            cw: dict[str, Any] = {}
            hdr = [h.lower() for h in table.header]
            if "criterion" not in hdr or "weight" not in hdr:
                P.add(table.label, 1, None, "expected columns 'criterion' and 'weight'")
                continue
            ci, wi = hdr.index("criterion"), hdr.index("weight")
            for rnum, cells in table.rows:
                crit = cells[ci] if ci < len(cells) else ""
                if crit in cw:
                    P.add(table.label, rnum, "criterion", f"duplicate criterion '{crit}'")
                cw[crit] = cells[wi] if wi < len(cells) else ""
                cw_rows[crit] = rnum
            data[name] = cw
        else:
            data[name] = [
                {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(table.header) if h}
                for _, cells in table.rows
            ]
            item_rows[name] = [rnum for rnum, _ in table.rows]

    def locate(path: tuple) -> tuple[str, int | None, str]:
        top = str(path[0]) if path else ""
        if top in item_rows or top in ("goals", "capability_gaps", "diversification_rules"):
            if len(path) >= 2 and isinstance(path[1], int):
                rows_of = item_rows.get(top, [])
                row = rows_of[path[1]] if path[1] < len(rows_of) else None
                return label(top), row, str(path[2]) if len(path) > 2 else ""
            return label(top), None, ""
        if top == "criteria_weights":
            if len(path) >= 2:
                return label(top), cw_rows.get(str(path[1])), "weight"
            return label(top), None, ""
        key = ".".join(str(p) for p in path)
        return org_label, key_rows.get(key, key_rows.get(top)), key

    return _RawOrg(data, locate, lenient_items=True), tables


# ---------------------------------------------------------------------------------------------
# parsing tables
# ---------------------------------------------------------------------------------------------
def _parse_rows(
    table: RawTable, cols: tuple[Col, ...], P: _Problems, *, keep_extra: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    """Convert a table's rows; returns row dicts (with ``_row``) and the kept extra columns."""
    if not table.readable:
        return [], []
    header = table.header
    positions: dict[str, int] = {}
    for j, h in enumerate(header):
        if not h:
            continue
        if _CONTROL_RE.search(h):
            P.add(table.label, 1, repr(h), "column name contains a control character")
            continue
        if h in positions:
            P.add(table.label, 1, h, f"column '{h}' appears twice in the header")
            continue
        positions[h] = j
    known = {c.name for c in cols}
    missing = [c.name for c in cols if c.required and c.name not in positions]
    for name in missing:
        close = difflib.get_close_matches(name, [h for h in positions if h not in known], n=1)
        hint = f" (is '{close[0]}' meant to be '{name}'?)" if close else ""
        P.add(table.label, 1, name, f"required column '{name}' is missing{hint}")
    extras = [h for h in positions if h not in known] if keep_extra else []
    if not keep_extra:
        for h in positions:
            if h not in known:
                close = difflib.get_close_matches(h, sorted(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                P.notes.append(Problem(table.label, 1, h, f"unknown column ignored{hint}"))
    out: list[dict[str, Any]] = []
    plan = [(col, positions.get(col.name)) for col in cols]
    # conversions are pure: remember them per column (coverage maps are mutable, so not those)
    memo: dict[tuple[str, str], Any] = {}
    for rnum, cells in table.rows:
        if len(cells) > len(header) and any(c for c in cells[len(header) :]):
            P.add(
                table.label,
                rnum,
                None,
                f"row has {len(cells)} cells but the header has {len(header)} columns "
                "(a stray comma or an unquoted text with a comma?)",
            )
        rec: dict[str, Any] = {"_row": rnum}
        for col, j in plan:
            text = cells[j] if j is not None and j < len(cells) else ""
            if not text:
                if col.needed and j is not None:
                    P.add(table.label, rnum, col.name, "a value is required here")
                    rec[col.name] = _INVALID
                else:
                    rec[col.name] = col.default
                continue
            key = (col.name, text)
            value = memo.get(key, _INVALID)
            if value is _INVALID:
                try:
                    value = _convert(col, text)
                except _ParseError as exc:
                    P.add(table.label, rnum, col.name, str(exc))
                    rec[col.name] = _INVALID
                    continue
                if col.kind != "coverage":
                    memo[key] = value
            rec[col.name] = value
        for h in extras:
            j = positions[h]
            text = cells[j] if j < len(cells) else ""
            if _CONTROL_RE.search(text):
                P.add(table.label, rnum, h, "contains a control character; use plain text")
                text = ""
            rec[h] = text
        out.append(rec)
    return out, extras


def _ok(*values: Any) -> bool:
    return all(v is not _INVALID for v in values)


def _check_unique(
    rows: list[dict], key: tuple[str, ...], label: str, column: str, what: str, P: _Problems
) -> None:
    """Report each row repeating the ``key`` columns of an earlier row (skipping unparsed cells).

    The key is the cell itself for one column (``duplicate id A01``), else a tuple of the cells.
    """
    first: dict[Any, int] = {}
    for r in rows:
        values = tuple(r[c] for c in key)
        if not _ok(*values):
            continue
        k = values[0] if len(values) == 1 else values
        if k in first:
            P.add(label, r["_row"], column, f"duplicate {what} {k} (first in row {first[k]})")
        else:
            first[k] = r["_row"]


def _check_coverage(rows: list[dict], gap_ids: set[str] | None, label: str, P: _Problems) -> None:
    if gap_ids is None:
        return
    for r in rows:
        cov = r.get("coverage")
        if not isinstance(cov, dict):
            continue
        for g in cov:
            if g not in gap_ids:
                P.add(
                    label,
                    r["_row"],
                    "coverage",
                    f"unknown gap id '{g}'; the organization defines: "
                    + ", ".join(sorted(gap_ids)),
                )


# ---------------------------------------------------------------------------------------------
# parsing the organization
# ---------------------------------------------------------------------------------------------
def _setting_text(value: Any) -> str:
    """``_to_text`` for a YAML/settings value; a YAML ``.nan`` is a bad number, not a blank."""
    if isinstance(value, float) and math.isnan(value):
        raise _ParseError("expected a finite number, got '.nan'")
    return _to_text(value)


def _org_value(raw: _RawOrg, mapping: Mapping, path: tuple, col: Col, P: _Problems) -> Any:
    value = mapping.get(col.name) if isinstance(mapping, Mapping) else None
    file, row, column = raw.locate((*path, col.name))
    try:
        text = _setting_text(value)
    except _ParseError as exc:
        P.add(file, row, column, str(exc))
        return _INVALID
    if not text:
        if col.needed:
            P.add(file, row, column, f"required setting '{col.name}' is missing")
            return _INVALID
        return col.default
    try:
        return _convert(col, text)
    except _ParseError as exc:
        P.add(file, row, column, str(exc))
        return _INVALID


def _unknown_keys(
    raw: _RawOrg, mapping: Mapping, path: tuple, known: Iterable[str], P: _Problems, *, strict: bool
) -> None:
    if not strict:
        return
    known = list(known)
    for key in mapping:
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
            file, row, column = raw.locate((*path, str(key)))
            P.add(file, row, column, f"unknown setting '{key}'{hint}")


def _parse_org(raw: _RawOrg, P: _Problems) -> tuple[Organization | None, set[str] | None]:
    """Organization from the raw settings; also the gap ids (None if they could not be read)."""
    data = raw.data
    _unknown_keys(raw, data, (), _ORG_KEYS, P, strict=True)
    vals = {c.name: _org_value(raw, data, (), c, P) for c in ORG_SCALARS}

    lists: dict[str, list[dict[str, Any]]] = {}
    for name, cols in _ORG_LISTS.items():
        items = data.get(name)
        file, row, column = raw.locate((name,))
        if items in (None, "", []):
            if name != "diversification_rules":
                P.add(file, row, column, f"required list '{name}' is missing or empty")
            lists[name] = []
            continue
        if not isinstance(items, list):
            P.add(file, row, column, f"'{name}' must be a list of items ('- key: value' in YAML)")
            lists[name] = []
            continue
        parsed = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                f, r, c = raw.locate((name, i))
                P.add(f, r, c, f"each item of '{name}' must be a set of key: value pairs")
                continue
            _unknown_keys(
                raw, item, (name, i), [c.name for c in cols], P, strict=not raw.lenient_items
            )
            rec = {c.name: _org_value(raw, item, (name, i), c, P) for c in cols}
            rec["_path"] = (name, i)
            parsed.append(rec)
        lists[name] = parsed

    # goals
    goals = lists["goals"]
    if len(goals) > 8:
        f, r, c = raw.locate(("goals",))
        P.add(f, r, c, f"{len(goals)} goals given; at most 8 are allowed")
    _unique_items(raw, goals, "goal_id", "goal id", P)
    weights = [g["weight"] for g in goals]
    if goals and _ok(*weights) and abs(sum(weights) - 1.0) > 1e-6:
        f, r, c = raw.locate(("goals",))
        P.add(f, r, "goals.weight", f"goal weights must sum to 1; they sum to {sum(weights):.6g}")
    # gaps
    gaps = lists["capability_gaps"]
    if len(gaps) > 12:
        f, r, c = raw.locate(("capability_gaps",))
        P.add(f, r, c, f"{len(gaps)} capability gaps given; at most 12 are allowed")
    _unique_items(raw, gaps, "gap_id", "gap id", P)
    gap_ids = {g["gap_id"] for g in gaps if _ok(g["gap_id"])} if gaps else None
    if any(not _ok(g["gap_id"]) for g in gaps):
        gap_ids = None
    # rules
    rules = lists["diversification_rules"]
    for rule in rules:
        f, r, _ = raw.locate(rule["_path"] + ("attribute",))
        attr = rule["attribute"]
        if _ok(attr) and attr is not None:
            if attr not in RULE_ATTRIBUTES:
                P.add(
                    f,
                    r,
                    _path_text(rule["_path"] + ("attribute",)),
                    f"'{attr}' is not allowed; expected one of: {', '.join(RULE_ATTRIBUTES)}",
                )
            elif attr in ("relation", "form") and _ok(rule["value"]) and rule["value"]:
                enum = Relation if attr == "relation" else AllianceForm
                try:
                    rule["value"] = _parse_enum(rule["value"], enum)
                except _ParseError as exc:
                    f2, r2, c2 = raw.locate(rule["_path"] + ("value",))
                    P.add(f2, r2, c2, str(exc))
        lo, hi, share = rule["min_count"], rule["max_count"], rule["max_cost_share"]
        if _ok(lo, hi, share) and lo is None and hi is None and share is None:
            f2, r2, _ = raw.locate(rule["_path"])
            P.add(
                f2,
                r2,
                _path_text(rule["_path"]),
                "a diversification rule needs min_count, max_count or max_cost_share",
            )
        if _ok(lo, hi) and lo is not None and hi is not None and lo > hi:
            f2, r2, c2 = raw.locate(rule["_path"] + ("min_count",))
            P.add(f2, r2, c2, f"min_count {lo} is larger than max_count {hi}")
    # counts
    lo, hi = vals["min_alliances"], vals["max_alliances"]
    if _ok(lo, hi) and lo > hi:
        f, r, c = raw.locate(("min_alliances",))
        P.add(f, r, c, f"min_alliances {lo} is larger than max_alliances {hi}")
    # risk caps
    caps_raw = data.get("risk_caps")
    caps_vals: dict[str, Any] = {}
    if caps_raw not in (None, ""):
        if not isinstance(caps_raw, dict):
            f, r, c = raw.locate(("risk_caps",))
            P.add(f, r, c, "risk_caps must be a set of key: value pairs (e.g. avg_total: 0.35)")
        else:
            _unknown_keys(
                raw, caps_raw, ("risk_caps",), [c.name for c in RISK_CAP_COLS], P, strict=True
            )
            caps_vals = {
                c.name: _org_value(raw, caps_raw, ("risk_caps",), c, P) for c in RISK_CAP_COLS
            }
    # criteria weights
    cw_raw = data.get("criteria_weights")
    criteria_weights: dict[str, float] | None = None
    if cw_raw not in (None, "", {}):
        if not isinstance(cw_raw, dict):
            f, r, c = raw.locate(("criteria_weights",))
            P.add(f, r, c, "criteria_weights must map criterion ids to weights (e.g. C1: 0.16)")
        else:
            criteria_weights = {}
            wcol = Col("weight", "float", needed=True, lo=0.0)
            for key, value in cw_raw.items():
                f, r, c = raw.locate(("criteria_weights", str(key)))
                try:
                    text = _setting_text(value)
                    if not text:
                        raise _ParseError("a weight is required here")
                    criteria_weights[str(key)] = _convert(wcol, text)
                except _ParseError as exc:
                    P.add(f, r, c, str(exc))
            if criteria_weights and sum(criteria_weights.values()) <= 0:
                f, r, c = raw.locate(("criteria_weights",))
                P.add(f, r, c, "criteria weights must not all be 0")

    if P:
        return None, gap_ids
    org = Organization(
        org_id=vals["org_id"],
        name=vals["name"],
        sector=vals["sector"],
        region=vals["region"],
        mission_statement=vals["mission_statement"],
        currency=vals["currency"],
        money_unit=vals["money_unit"],
        goals=tuple(Goal(**_strip(g, GOAL_COLS)) for g in goals),
        capability_gaps=tuple(Gap(**_strip(g, GAP_COLS)) for g in gaps),
        budget_one_off=vals["budget_one_off"],
        budget_annual=vals["budget_annual"],
        risk_appetite=RiskAppetite(vals["risk_appetite"]),
        risk_caps=RiskCaps(**caps_vals),
        min_alliances=vals["min_alliances"],
        max_alliances=vals["max_alliances"],
        mgmt_capacity_fte=vals["mgmt_capacity_fte"],
        planning_horizon_years=vals["planning_horizon_years"],
        discount_rate=vals["discount_rate"],
        diversification_rules=tuple(DiversificationRule(**_strip(r, RULE_COLS)) for r in rules),
        criteria_weights=criteria_weights,
        weights_preset=vals["weights_preset"],
    )
    return org, gap_ids


def _strip(rec: Mapping[str, Any], cols: tuple[Col, ...]) -> dict[str, Any]:
    return {c.name: rec[c.name] for c in cols}


def _unique_items(raw: _RawOrg, items: list[dict], key: str, what: str, P: _Problems) -> None:
    seen: dict[str, int] = {}
    for rec in items:
        value = rec[key]
        if not _ok(value) or value is None:
            continue
        if value in seen:
            f, r, c = raw.locate(rec["_path"] + (key,))
            P.add(f, r, c, f"duplicate {what} '{value}' (also item {seen[value] + 1})")
        else:
            seen[value] = rec["_path"][1]


# ---------------------------------------------------------------------------------------------
# the whole workspace
# ---------------------------------------------------------------------------------------------
def _frame(rows: list[dict], cols: tuple[Col, ...], extras: list[str]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in cols:
        values = [r[col.name] for r in rows]
        if col.kind == "float":
            data[col.name] = pd.Series(
                [math.nan if v is None else v for v in values], dtype="float64"
            )
        elif col.kind == "bool":
            data[col.name] = pd.Series(values, dtype="bool")
        else:
            data[col.name] = pd.Series(["" if v is None else v for v in values], dtype="str")
    for h in extras:
        data[h] = pd.Series([r[h] for r in rows], dtype="str")
    return pd.DataFrame(data, columns=[c.name for c in cols] + extras)


def _parse(
    name: str,
    source: str | None,
    org_raw: _RawOrg | None,
    tables: Mapping[str, RawTable | None],
    P: _Problems,
) -> Workspace | None:
    """Parse and cross-check everything; the Workspace, or None when there were problems."""
    org, gap_ids = (None, None)
    if org_raw is not None:
        org, gap_ids = _parse_org(org_raw, P)

    parsed: dict[str, list[dict]] = {}
    extras: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for tname in TABLES:
        table = tables.get(tname)
        if table is None:
            parsed[tname], extras[tname] = [], []
            continue
        labels[tname] = table.label
        keep = tname not in ("candidates", "alliances")
        parsed[tname], extras[tname] = _parse_rows(table, TABLE_COLUMNS[tname], P, keep_extra=keep)

    def usable(tname: str, id_column: str) -> bool:
        """Ids of this table can be trusted for reference checks (read, id column present)."""
        t = tables.get(tname)
        return t is None or (t.readable and id_column in t.header)

    cands, alls = parsed["candidates"], parsed["alliances"]
    cand_table = tables.get("candidates")
    if cand_table is not None and cand_table.readable and cand_table.header and not cands:
        P.add(
            labels["candidates"], None, None, "no candidates: add at least one row below the header"
        )
    cl, al = labels.get("candidates", "candidates.csv"), labels.get("alliances", "alliances.csv")
    _check_unique(cands, ("id",), cl, "id", "id", P)
    _check_unique(alls, ("alliance_id",), al, "alliance_id", "alliance id", P)
    cand_ids = {r["id"] for r in cands if _ok(r["id"])}
    all_ids = {r["alliance_id"] for r in alls if _ok(r["alliance_id"])}
    for r in alls:
        if _ok(r["alliance_id"]) and r["alliance_id"] in cand_ids:
            P.add(
                al,
                r["_row"],
                "alliance_id",
                f"'{r['alliance_id']}' is also a candidate id; ids must be distinct",
            )
    _check_coverage(cands, gap_ids, cl, P)
    _check_coverage(alls, gap_ids, al, P)
    known = cand_ids | all_ids
    check_refs = usable("candidates", "id") and usable("alliances", "alliance_id")
    for r in cands:
        for colname in ("conflicts_with", "requires_any"):
            ids = r[colname]
            if not _ok(ids) or not check_refs:
                continue
            for x in ids:
                if x == r["id"]:
                    P.add(cl, r["_row"], colname, f"a candidate cannot list itself ('{x}')")
                elif x not in known:
                    P.add(
                        cl, r["_row"], colname, f"unknown id '{x}'; not a candidate or alliance id"
                    )
        if r["must_include"] is True and r["must_exclude"] is True:
            P.add(cl, r["_row"], "must_exclude", "must_include and must_exclude are both true")
        lo, hi, v = r["value_low"], r["value_high"], r["value_annual"]
        if _ok(lo, hi) and lo is not None and hi is not None and lo > hi:
            P.add(
                cl, r["_row"], "value_low", f"value_low {_fmt(lo)} is above value_high {_fmt(hi)}"
            )
        elif _ok(lo, v) and lo is not None and v is not None and lo > v:
            P.add(
                cl, r["_row"], "value_low", f"value_low {_fmt(lo)} is above value_annual {_fmt(v)}"
            )
        elif _ok(hi, v) and hi is not None and v is not None and hi < v:
            P.add(
                cl,
                r["_row"],
                "value_high",
                f"value_high {_fmt(hi)} is below value_annual {_fmt(v)}",
            )
    for r in alls:
        ids = r["conflicts_with"]
        if _ok(ids) and check_refs:
            for x in ids:
                if x == r["alliance_id"] or x not in known:
                    P.add(
                        al,
                        r["_row"],
                        "conflicts_with",
                        f"unknown id '{x}'; not a candidate or another alliance id",
                    )
        s, e = r["start_period"], r["end_period"]
        if _ok(s, e) and s and e and period_key(e) < period_key(s):
            P.add(al, r["_row"], "end_period", f"end_period {e} is before start_period {s}")

    # history tables: alliance references, uniqueness
    has_alliances_table = tables.get("alliances") is not None
    for tname in ("kpis", "health", "events", "milestones"):
        label = labels.get(tname, f"{tname}.csv")
        if not usable("alliances", "alliance_id"):
            break
        for r in parsed[tname]:
            aid = r["alliance_id"]
            if _ok(aid) and aid not in all_ids:
                where = (
                    "alliances.csv has no such alliance"
                    if has_alliances_table
                    else ("the workspace has no alliances table")
                )
                P.add(label, r["_row"], "alliance_id", f"unknown alliance '{aid}'; {where}")
    kl = labels.get("kpis", "kpis.csv")
    _check_unique(
        parsed["kpis"],
        ("alliance_id", "kpi_id", "period"),
        kl,
        "period",
        "KPI row for (alliance, kpi, period)",
        P,
    )
    directions: dict[tuple, tuple[str, int]] = {}
    totals: dict[str, list] = {}
    for r in parsed["kpis"]:
        key = (r["alliance_id"], r["kpi_id"])
        if _ok(*key, r["direction"]):
            seen = directions.setdefault(key, (r["direction"], r["_row"]))
            if seen[0] != r["direction"]:
                P.add(
                    kl,
                    r["_row"],
                    "direction",
                    f"KPI {key[1]} of {key[0]} is '{seen[0]}' in row {seen[1]} but "
                    f"'{r['direction']}' here; a KPI keeps one direction",
                )
        if _ok(r["alliance_id"], r["weight"]) and r["weight"] is not None:
            tot = totals.setdefault(r["alliance_id"], [0.0, r["_row"]])
            tot[0] += r["weight"]
    for aid, (total, row) in totals.items():
        if total <= 0:
            P.add(
                kl, row, "weight", f"the KPI weights of {aid} are all 0; at least one must be > 0"
            )
    hl = labels.get("health", "health.csv")
    _check_unique(
        parsed["health"],
        ("alliance_id", "period", "side"),
        hl,
        "side",
        "survey row for (alliance, period, side)",
        P,
    )
    ml = labels.get("milestones", "milestones.csv")
    _check_unique(
        parsed["milestones"],
        ("alliance_id", "milestone_id"),
        ml,
        "milestone_id",
        "milestone id for (alliance, milestone)",
        P,
    )

    if P or org is None:
        return None

    # conflicts are symmetric: A01 -> A02 given once also makes A02 -> A01
    conflicts: dict[str, list[str]] = {}
    for r in cands:
        conflicts[r["id"]] = list(r["conflicts_with"])
    for r in alls:
        conflicts[r["alliance_id"]] = list(r["conflicts_with"])
    for a in list(conflicts):
        for b in list(conflicts[a]):
            if a not in conflicts[b]:
                conflicts[b].append(a)
                label = cl if b in cand_ids else al
                P.notes.append(
                    Problem(label, None, "conflicts_with", f"conflict {a}–{b} applied both ways")
                )
    for r in cands:
        share = r["partner_benefit_share"]
        if share is not None and not 0.2 <= share <= 0.8:
            P.notes.append(
                Problem(
                    cl,
                    r["_row"],
                    "partner_benefit_share",
                    f"{r['id']}: partner share {_fmt(share)} is outside 0.2–0.8 "
                    "(benefits and risks should be commensurate)",
                )
            )
    with_kpis = {r["alliance_id"] for r in parsed["kpis"]}
    for r in alls:
        if r["alliance_id"] not in with_kpis and r["status"] not in ("proposed", "closed"):
            P.notes.append(
                Problem(al, r["_row"], "alliance_id", f"{r['alliance_id']} has no KPI rows")
            )

    cand_fields = {f.name for f in fields(Candidate)}
    candidates = []
    for r in cands:
        kw = {k: v for k, v in r.items() if k in cand_fields}
        kw["relation"] = Relation(kw["relation"])
        kw["form"] = AllianceForm(kw["form"])
        kw["size_class"] = SizeClass(kw["size_class"]) if kw["size_class"] else None
        kw["conflicts_with"] = tuple(conflicts[r["id"]])
        candidates.append(Candidate(**kw))
    all_fields = {f.name for f in fields(Alliance)}
    alliances = []
    for r in alls:
        kw = {k: v for k, v in r.items() if k in all_fields}
        kw["relation"] = Relation(kw["relation"])
        kw["form"] = AllianceForm(kw["form"])
        kw["status"] = AllianceStatus(kw["status"])
        kw["lifecycle_stage"] = (
            LifecycleStage(kw["lifecycle_stage"]) if kw["lifecycle_stage"] else None
        )
        kw["conflicts_with"] = tuple(conflicts[r["alliance_id"]])
        alliances.append(Alliance(**kw))
    frames = {
        t: _frame(parsed[t], TABLE_COLUMNS[t], extras[t])
        for t in ("kpis", "health", "events", "milestones")
    }
    return Workspace(
        name=name,
        organization=org,
        candidates=tuple(candidates),
        alliances=tuple(alliances),
        kpis=frames["kpis"],
        health=frames["health"],
        events=frames["events"],
        milestones=frames["milestones"],
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# public API: load / validate
# ---------------------------------------------------------------------------------------------
def resolve_workspace_path(path: str | os.PathLike[str]) -> Path:
    """Where a workspace argument points: the path itself, or for a bare name that is no path
    here (``"greenscape"``) the bundled sample of that name."""
    p = Path(path).expanduser()
    if not p.exists() and not p.suffix and os.sep not in str(path) and "/" not in str(path):
        candidate = data_dir() / str(path)
        if (candidate / ORG_FILE).is_file():
            return candidate
    return p


def _load(path: str | os.PathLike[str], P: _Problems) -> Workspace | None:
    p = resolve_workspace_path(path)
    if not p.exists():
        P.add(
            str(path),
            None,
            None,
            "workspace not found; expected a folder with organization.yaml and CSV files, "
            "or an .xlsx workbook",
        )
        return None
    if p.is_dir():
        org, tables = _read_folder(p, P)
        return _parse(p.resolve().name, str(p), org, tables, P)
    if p.suffix.lower() == ".xlsx":
        org, tables = _read_workbook(p, P)
        return _parse(p.stem, str(p), org, tables, P)
    P.add(
        p.name,
        None,
        None,
        "not a workspace; expected a folder (organization.yaml + CSV files) or an .xlsx workbook",
    )
    return None


def load_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Load and validate a workspace folder (CSV + YAML) or ``.xlsx`` workbook.

    Parameters
    ----------
    path : str or PathLike
        Folder holding ``organization.yaml`` and the CSV tables, or a path ending ``.xlsx``.
        A bare sample name such as ``"greenscape"`` that is not an existing path loads the
        bundled sample.

    Returns
    -------
    Workspace
        Named after the folder or the workbook's stem; conflicts made symmetric; optional values
        filled with their documented defaults.

    Raises
    ------
    DataValidationError
        With every problem found (up to ``MAX_PROBLEMS``), each naming file, row and column.
    """
    P = _Problems()
    ws = _load(path, P)
    P.raise_if_any()
    assert ws is not None
    return ws


def _check(path_or_ws: str | os.PathLike[str] | Workspace) -> _Problems:
    P = _Problems()
    if isinstance(path_or_ws, Workspace):
        org_raw, tables = _raw_from_workspace(path_or_ws)
        _parse(path_or_ws.name, path_or_ws.source, org_raw, tables, P)
    else:
        _load(path_or_ws, P)
    return P


def validate_workspace(path_or_ws: str | os.PathLike[str] | Workspace) -> list[Problem]:
    """Every problem in a workspace (path or in-memory ``Workspace``); empty when it is valid.

    An in-memory workspace is checked by the same rules as files; its problems name the table
    (``candidates``) and the row as it would be written (header = 1).
    """
    return list(_check(path_or_ws).items)


def workspace_notes(path_or_ws: str | os.PathLike[str] | Workspace) -> list[Problem]:
    """Remarks on a workspace that loads: things that are valid but worth a look.

    Unknown columns ignored in ``candidates.csv``/``alliances.csv`` (with a "did you mean"),
    conflicts given one way only (applied both ways), ``partner_benefit_share`` outside 0.2–0.8
    (docs/method.md §4 mutual-benefit screen), and active alliances without KPI rows.
    """
    return list(_check(path_or_ws).notes)


# ---------------------------------------------------------------------------------------------
# samples
# ---------------------------------------------------------------------------------------------
def data_dir() -> Path:
    """Folder holding the sample workspaces: ``$ALLIANCEKIT_DATA`` or the ones bundled with the
    package (``alliancekit/data/samples``, the same files as the repository's ``data/``)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    from alliancekit.resources import samples_dir

    return samples_dir()


def sample_names() -> tuple[str, ...]:
    """Names of the bundled sample workspaces (scenarios A, B, C first, then any others)."""
    base = data_dir()
    found = (
        sorted(p.name for p in base.iterdir() if (p / ORG_FILE).is_file()) if base.is_dir() else []
    )
    first = [n for n in _CANONICAL_SAMPLES if n in found]
    return tuple(first + [n for n in found if n not in first])


def sample_workspace(name: str) -> Workspace:
    """Load a bundled sample workspace by name (see ``sample_names()``)."""
    names = sample_names()
    if name not in names:
        raise DataValidationError.single(
            f"unknown sample workspace '{name}'; available: {', '.join(names) or 'none'}",
            file=str(data_dir()),
        )
    return load_workspace(data_dir() / name)


# ---------------------------------------------------------------------------------------------
# serialisation (save, and in-memory validation)
# ---------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """YAML-friendly scalar: Enums as values, integral floats as ints (NaN/inf unchanged)."""
    if isinstance(value, Enum):
        return value.value
    if (
        isinstance(value, float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value == int(value)
        and abs(value) < 1e15
    ):
        return int(value)
    return value


def _missing(value: Any) -> bool:
    """None or NaN (pandas' missing value): left out of ``organization.yaml``."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _org_dict(org: Organization) -> dict[str, Any]:
    """Organization as the mapping written to ``organization.yaml`` (None values omitted)."""
    out: dict[str, Any] = {}
    for col in ORG_SCALARS:
        value = getattr(org, col.name)
        if not _missing(value):
            out[col.name] = _plain(value)
    out["goals"] = [
        {c.name: _plain(getattr(g, c.name)) for c in GOAL_COLS if not _missing(getattr(g, c.name))}
        for g in org.goals
    ]
    out["capability_gaps"] = [
        {c.name: _plain(getattr(g, c.name)) for c in GAP_COLS if not _missing(getattr(g, c.name))}
        for g in org.capability_gaps
    ]
    if org.diversification_rules:
        out["diversification_rules"] = [
            {
                c.name: _plain(getattr(r, c.name))
                for c in RULE_COLS
                if not _missing(getattr(r, c.name))
            }
            for r in org.diversification_rules
        ]
    caps = {
        c.name: _plain(getattr(org.risk_caps, c.name))
        for c in RISK_CAP_COLS
        if not _missing(getattr(org.risk_caps, c.name))
    }
    if caps:
        out["risk_caps"] = caps
    if org.criteria_weights:
        out["criteria_weights"] = {
            str(k): _plain(float(v)) for k, v in org.criteria_weights.items()
        }
    return out


def _entity_rows(items: tuple, cols: tuple[Col, ...]) -> list[list[Any]]:
    return [[getattr(item, c.name) for c in cols] for item in items]


def _frame_rows(frame: pd.DataFrame, cols: tuple[Col, ...]) -> tuple[list[str], list[list[Any]]]:
    names = [c.name for c in cols]
    extra = [str(h) for h in frame.columns if str(h) not in names]
    header = names + extra
    rows: list[list[Any]] = []
    if frame is None or frame.empty:
        return header, rows
    for rec in frame.to_dict("records"):
        row = []
        for h in header:
            v = rec.get(h)
            if isinstance(v, float) and math.isnan(v):
                v = None
            row.append(v.item() if hasattr(v, "item") else v)
        rows.append(row)
    return header, rows


def _tables_of(ws: Workspace) -> dict[str, tuple[list[str], list[list[Any]]]]:
    out: dict[str, tuple[list[str], list[list[Any]]]] = {
        "candidates": (
            [c.name for c in CANDIDATE_COLS],
            _entity_rows(ws.candidates, CANDIDATE_COLS),
        ),
        "alliances": ([c.name for c in ALLIANCE_COLS], _entity_rows(ws.alliances, ALLIANCE_COLS)),
    }
    for name in ("kpis", "health", "events", "milestones"):
        out[name] = _frame_rows(getattr(ws, name), TABLE_COLUMNS[name])
    return out


def _raw_from_workspace(ws: Workspace) -> tuple[_RawOrg, dict[str, RawTable]]:
    data = _org_dict(ws.organization)
    org = _RawOrg(data, lambda path: ("organization", None, _path_text(path)))
    tables = {}
    for name, (header, rows) in _tables_of(ws).items():
        tables[name] = RawTable(
            name, header, [(i, [_fmt(v) for v in row]) for i, row in enumerate(rows, start=2)]
        )
    return org, tables


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_fmt(v) for v in row])


def _write_folder_contents(ws: Workspace, folder: Path) -> None:
    text = yaml.safe_dump(
        _org_dict(ws.organization), sort_keys=False, allow_unicode=True, width=100
    )
    (folder / ORG_FILE).write_text(text, encoding="utf-8")
    for name, (header, rows) in _tables_of(ws).items():
        _write_csv(folder / f"{name}.csv", header, rows)


def _cell(value: Any) -> Any:
    """Workbook cell value: numbers stay numbers, lists/maps become their CSV text."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, float) and float(f"{value:.16g}") != value:
            # openpyxl writes 16 significant digits; keep the exact value as text instead
            return repr(value)
        return _plain(value)
    if isinstance(value, (Mapping, tuple, list)):
        text = _fmt(value)
        return text or None
    text = str(value)
    return text or None


def _write_sheet(book: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        out = []
        for value in row:
            v = _cell(value)
            if isinstance(v, str) and v.startswith("="):
                cell = WriteOnlyCell(sheet, value=v)
                cell.data_type = "s"  # never a formula, even when the text starts with '='
                out.append(cell)
            else:
                out.append(v)
        sheet.append(out)


def _write_workbook(ws: Workspace, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    org = _org_dict(ws.organization)
    scalars: list[list[Any]] = []
    for key, value in org.items():
        if key in ("goals", "capability_gaps", "diversification_rules", "criteria_weights"):
            continue
        if key == "risk_caps":
            scalars += [[f"risk_caps.{k}", v] for k, v in value.items()]
        else:
            scalars.append([key, value])
    _write_sheet(book, "organization", ["key", "value"], scalars)
    for sheet, cols in (
        ("goals", GOAL_COLS),
        ("capability_gaps", GAP_COLS),
        ("diversification_rules", RULE_COLS),  # absent from org when there are no rules
    ):
        names = [c.name for c in cols]
        _write_sheet(book, sheet, names, [[r.get(n) for n in names] for r in org.get(sheet, [])])
    if "criteria_weights" in org:
        _write_sheet(
            book,
            "criteria_weights",
            ["criterion", "weight"],
            [[k, v] for k, v in org["criteria_weights"].items()],
        )
    for name, (header, rows) in _tables_of(ws).items():
        _write_sheet(book, name, header, rows)
    book.save(path)


_WORKSPACE_FILES = {ORG_FILE, *(f"{t}.csv" for t in TABLES)}


def save_workspace(ws: Workspace, path: str | os.PathLike[str]) -> Path:
    """Write a workspace to a folder or to a path ending ``.xlsx``; returns the path written.

    Everything is written to a temporary file or folder next to the target, which is then
    renamed into place, so a failed write never leaves a half-written workspace. A workbook is
    replaced by one atomic rename; an existing folder by two (the old one is moved aside as
    ``.NAME.old-PID``, restored if the second rename fails, and deleted after it succeeds).
    Other files in an existing workspace folder are kept; an existing folder that is not a
    workspace and not empty is refused. ``load_workspace(save_workspace(ws, p))`` reproduces
    ``ws`` exactly (organization, candidates, alliances and every table).

    Parameters
    ----------
    ws : Workspace
        The workspace to write (money in its organization's currency and unit).
    path : str or PathLike
        Target folder (created with its parents), or a path ending ``.xlsx``.

    Returns
    -------
    Path
        The folder or workbook written.

    Raises
    ------
    DataValidationError
        When ``path`` is an existing file (folder target) or a non-empty non-workspace folder.
    """
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".xlsx":
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp.xlsx", dir=target.parent
        )
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            _write_workbook(ws, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target
    if target.exists() and not target.is_dir():
        raise DataValidationError.single(
            "cannot save a workspace folder here: a file of that name exists", file=str(target)
        )
    if target.is_dir():
        present = {p.name for p in target.iterdir()}
        if present and ORG_FILE not in present:
            raise DataValidationError.single(
                "refusing to overwrite a folder that is not a workspace (no organization.yaml); "
                "choose an empty or new folder",
                file=str(target),
            )
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    try:
        _write_folder_contents(ws, tmp_dir)
        if target.is_dir():
            for item in target.iterdir():  # keep the user's other files
                if item.name not in _WORKSPACE_FILES:
                    dest = tmp_dir / item.name
                    if item.is_dir():
                        shutil.copytree(item, dest)
                    else:
                        shutil.copy2(item, dest)
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp_dir, target)
    except BaseException:
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
