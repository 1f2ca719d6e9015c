"""``Scenario``: a named set of settings of every tab, and optional overrides of the data.

A scenario is data, stored human-readable in its workspace (``store``). Its text form is one
mapping (``to_dict`` / ``scenario_from_dict``)::

    name: cautious                 # letters, digits, '-', '_' and '.'; the file's stem
    description: Lower budget, no high-risk partners
    created: 2026-12-02T03:00:00Z  # set by save_scenario (UTC)
    modified: 2026-12-02T03:10:00Z
    revision: 2                    # counts saves; a save expecting another revision conflicts
    scoring: {method: weighted_sum, preset: null, weights: {C1: 0.2, ...}, ahp: {C1: {C2: 3}}}
    plan: {objective: expected_npv, budget_annual: 12, must_exclude: [B03], ...}
    review: {period: latest, policy: {h_exit: 35}}
    overrides:
      organization: {budget_one_off: 30, risk_caps.avg_total: 0.45}
      candidates: {B02: {cost_annual: 8}}

Every check names where the problem stands (file, key path, and for a workbook its row); the
checks that need the workspace (ids, override cells) run when the scenario is applied.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from alliancekit.errors import AllianceKitError, DataValidationError, Problem

__all__ = [
    "PLAN_KEYS",
    "Scenario",
    "ScenarioConflictError",
    "ScenarioNotFoundError",
    "scenario_from_dict",
    "valid_name",
]

#: Settings of ``PlanOptions`` a scenario may hold (the rest are run settings, not choices).
PLAN_KEYS = (
    "objective",
    "blend",
    "coverage_weight",
    "budget_one_off",
    "budget_annual",
    "min_count",
    "max_count",
    "must_include",
    "must_exclude",
    "risk_appetite",
    "caps",
    "cvar_limit",
    "cvar_beta",
    "cvar_lambda",
    "n_scenarios",
    "seed",
    "solver",
    "reoptimise_existing",
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_METHODS = ("weighted_sum", "topsis", "promethee_ii")
_TOP_KEYS = (
    "name",
    "description",
    "created",
    "modified",
    "revision",
    "scoring",
    "plan",
    "review",
    "overrides",
)
#: key path -> (file label, row or line, column text) of where it stands
Locator = Callable[[tuple], tuple[str, int | None, str]]


class ScenarioConflictError(AllianceKitError):
    """A save would overwrite what another session saved since this one read it (exit 2)."""

    kind = "conflict"


class ScenarioNotFoundError(AllianceKitError):
    """No scenario of that name in the workspace (exit 2)."""

    kind = "not found"


def valid_name(name: str) -> bool:
    """A scenario name usable as a file name: 1–64 letters, digits, ``-``, ``_`` or ``.``,
    starting with a letter or digit."""
    return bool(_NAME.match(str(name))) and ".." not in str(name)


@dataclass(frozen=True)
class Scenario:
    """A named set of settings of every tab, and optional overrides of the workspace's values.

    Attributes
    ----------
    name, description : str
    created, modified : str
        ISO 8601 UTC times set by ``save_scenario`` ("" before the first save).
    revision : int
        Number of saves; ``save_scenario`` refuses to overwrite a newer revision.
    method : str
        ``weighted_sum`` (scores 0–100), ``topsis`` or ``promethee_ii``.
    preset : str, optional
        A ``WEIGHT_PRESETS`` name.
    weights : Mapping, optional
        Criterion code -> weight (renormalised to sum 1).
    ahp : Mapping, optional
        AHP judgements ``{row: {column: a_ij}}`` on Saaty's 1–9 scale; the weights then come
        from ``ahp_weights`` (upper triangle enough).
    plan : Mapping
        ``PlanOptions`` settings (``PLAN_KEYS``): budgets [money], [money/yr], counts, caps,
        appetite, objective, must include / exclude (partner ids).
    period : str
        Review period ``YYYY-Qn`` or ``latest``.
    review_policy : Mapping
        ``ReviewPolicy`` field overrides.
    organization : Mapping
        Overrides of organization settings (key paths such as ``budget_annual`` or
        ``risk_caps.avg_total``), in the units of organization.yaml.
    candidates : Mapping
        Candidate id -> column -> value, in the units of candidates.csv; an id not in the
        workspace adds a candidate (every required column then needed).
    """

    name: str
    description: str = ""
    created: str = ""
    modified: str = ""
    revision: int = 0
    method: str = "weighted_sum"
    preset: str | None = None
    weights: Mapping[str, float] | None = None
    ahp: Mapping[str, Mapping[str, float]] | None = None
    plan: Mapping[str, Any] = field(default_factory=dict)
    period: str = "latest"
    review_policy: Mapping[str, Any] = field(default_factory=dict)
    organization: Mapping[str, Any] = field(default_factory=dict)
    candidates: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = _problems(self, lambda path: ("scenario", None, ".".join(map(str, path))))
        if problems:
            raise DataValidationError(problems)

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields replaced (checked again)."""
        return dataclasses.replace(self, **changes)

    @property
    def has_overrides(self) -> bool:
        """Whether the scenario changes any organization or candidate value."""
        return bool(self.organization or self.candidates)

    def to_dict(self) -> dict[str, Any]:
        """The text form (plain YAML-ready values, in the order of the module docstring)."""
        scoring: dict[str, Any] = {"method": self.method}
        for key in ("preset", "weights", "ahp"):
            value = getattr(self, key)
            if value is not None:
                scoring[key] = _plain(value)
        return {
            "name": self.name,
            "description": self.description,
            "created": self.created,
            "modified": self.modified,
            "revision": self.revision,
            "scoring": scoring,
            "plan": _plain(self.plan),
            "review": {"period": self.period, "policy": _plain(self.review_policy)},
            "overrides": {
                "organization": _plain(self.organization),
                "candidates": _plain(self.candidates),
            },
        }


def _plain(value: Any) -> Any:
    """Mappings as dicts and tuples as lists, recursively (YAML's safe dumper needs them)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _whole(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool))


def _problems(s: Scenario, locate: Locator) -> list[Problem]:
    # > 80 lines only by one short check per field, each naming its key path.
    """Every problem of the scenario's own values (ids and override cells are checked when
    applied to a workspace)."""
    out: list[Problem] = []

    def add(path: tuple, message: str) -> None:
        file, row, column = locate(path)
        out.append(Problem(file, row, column, message))

    if not valid_name(s.name):
        add(
            ("name",),
            f"invalid scenario name {s.name!r}: use 1–64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        )
    if not isinstance(s.description, str):
        add(("description",), "expected text")
    if not isinstance(s.revision, int) or isinstance(s.revision, bool) or s.revision < 0:
        add(("revision",), f"expected a whole number ≥ 0, got {s.revision!r}")
    if s.method not in _METHODS:
        add(("scoring", "method"), f"unknown method {s.method!r}; choose {', '.join(_METHODS)}")
    if s.preset is not None:
        from alliancekit.criteria import WEIGHT_PRESETS

        if s.preset not in WEIGHT_PRESETS:
            known = ", ".join(sorted(WEIGHT_PRESETS))
            add(("scoring", "preset"), f"unknown weight preset {s.preset!r}; choose {known}")
    given = [k for k in ("preset", "weights", "ahp") if getattr(s, k) is not None]
    if len(given) > 1:
        add(("scoring",), f"give one of preset, weights or ahp, not {' and '.join(given)}")
    _weight_problems(s, add)
    _plan_problems(s.plan, add)
    if not isinstance(s.period, str) or not s.period:
        add(("review", "period"), "expected a quarter YYYY-Qn or 'latest'")
    else:
        from alliancekit.model import is_period

        if s.period.strip().lower() != "latest" and not is_period(s.period):
            add(("review", "period"), f"expected a quarter YYYY-Qn or 'latest', got {s.period!r}")
    if not isinstance(s.review_policy, Mapping):
        add(("review", "policy"), "expected ReviewPolicy settings (key: value)")
    else:
        try:
            from alliancekit.review.policy import as_policy

            as_policy(dict(s.review_policy))
        except (AllianceKitError, TypeError, ValueError) as exc:
            add(("review", "policy"), str(exc).splitlines()[-1].lstrip("- "))
    if not isinstance(s.organization, Mapping):
        add(("overrides", "organization"), "expected settings (key: value)")
    if not isinstance(s.candidates, Mapping) or not all(
        isinstance(v, Mapping) for v in s.candidates.values()
    ):
        add(("overrides", "candidates"), "expected candidate id: {column: value}")
    return out


def _weight_problems(s: Scenario, add: Callable[[tuple, str], None]) -> None:
    """Weights and AHP judgements: criterion codes with positive numbers."""
    from alliancekit.criteria import CRITERIA

    codes = set(CRITERIA)
    for key in ("weights", "ahp"):
        value = getattr(s, key)
        if value is None:
            continue
        if not isinstance(value, Mapping) or not value:
            add(("scoring", key), "expected criterion: value pairs")
            continue
        for code, v in value.items():
            if str(code) not in codes:
                add(("scoring", key, code), f"unknown criterion {code!r} (C1–C11)")
            elif key == "weights" and not (_is_number(v) and v >= 0):
                add(("scoring", key, code), f"expected a weight ≥ 0, got {v!r}")
            elif key == "ahp":
                row = v if isinstance(v, Mapping) else {None: v}
                for other, a in row.items():
                    if other is None or str(other) not in codes:
                        add(("scoring", key, code), "expected {criterion: judgement 1/9–9}")
                    elif not (_is_number(a) and 1 / 9 - 1e-9 <= a <= 9 + 1e-9):
                        add(
                            ("scoring", key, code, other),
                            f"expected a judgement from 1/9 to 9, got {a!r}",
                        )


def _plan_problems(plan: Any, add: Callable[[tuple, str], None]) -> None:
    """Plan settings: known keys, numbers where numbers are expected, a known objective."""
    if not isinstance(plan, Mapping):
        add(("plan",), "expected plan settings (key: value)")
        return
    for key, value in plan.items():
        if key not in PLAN_KEYS:
            add(("plan", key), f"unknown plan setting; known: {', '.join(PLAN_KEYS)}")
        elif key in ("must_include", "must_exclude"):
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                add(("plan", key), "expected a list of partner ids")
        elif key in ("budget_one_off", "budget_annual", "blend", "coverage_weight", "cvar_beta"):
            if value is not None and not (_is_number(value) and value >= 0):
                add(("plan", key), f"expected a number ≥ 0, got {value!r}")
        elif key in ("min_count", "max_count", "n_scenarios", "seed") and not _whole(value):
            add(("plan", key), f"expected a whole number, got {value!r}")
    try:
        from alliancekit.portfolio.options import PlanOptions

        PlanOptions(**{k: v for k, v in plan.items() if k in PLAN_KEYS})
    except (AllianceKitError, TypeError, ValueError) as exc:
        add(("plan", "objective"), str(exc).splitlines()[-1].lstrip("- "))


def scenario_from_dict(data: Any, locate: Locator) -> Scenario:
    """A ``Scenario`` from its text form, every problem located by ``locate``.

    Raises
    ------
    DataValidationError
        Naming the file, the line or row, and the key path of each problem.
    """
    problems: list[Problem] = []

    def add(path: tuple, message: str) -> None:
        file, row, column = locate(path)
        problems.append(Problem(file, row, column, message))

    if not isinstance(data, Mapping):
        add((), "expected the scenario's settings (a YAML mapping) at the top level")
        raise DataValidationError(problems)
    for key in data:
        if key not in _TOP_KEYS:
            add((key,), f"unknown key; known: {', '.join(_TOP_KEYS)}")
    sections = {}
    for key in ("scoring", "plan", "review", "overrides"):
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            add((key,), "expected settings (key: value)")
            value = {}
        sections[key] = value
    overrides = sections["overrides"]
    kwargs = {
        "name": str(data.get("name") or ""),
        "description": str(data.get("description") or ""),
        "created": str(data.get("created") or ""),
        "modified": str(data.get("modified") or ""),
        "revision": data.get("revision") or 0,
        "method": sections["scoring"].get("method", "weighted_sum"),
        "preset": sections["scoring"].get("preset"),
        "weights": sections["scoring"].get("weights"),
        "ahp": sections["scoring"].get("ahp"),
        "plan": dict(sections["plan"]),
        "period": str(sections["review"].get("period", "latest")),
        "review_policy": dict(sections["review"].get("policy") or {}),
        "organization": dict(overrides.get("organization") or {}),
        "candidates": {
            str(k): dict(v) if isinstance(v, Mapping) else v
            for k, v in (overrides.get("candidates") or {}).items()
        },
    }
    if problems:
        raise DataValidationError(problems)
    draft = object.__new__(Scenario)
    for name, value in kwargs.items():
        object.__setattr__(draft, name, value)
    problems = _problems(draft, locate)
    if problems:
        raise DataValidationError(problems)
    return Scenario(**kwargs)
