"""The app's one session state: every setting the tabs share, with change notifications.

``Settings`` is a frozen dataclass: the weights (from sliders, a preset or AHP), the scoring
method, the portfolio's budgets, caps, objective and partner pickers, the review's thresholds and
period. ``SessionState`` holds the current ``Settings`` and the workspace; a tab changes a setting
with ``state.update(field=value)`` and every tab listening (``state.observe``) hears which fields
changed. So the weights of "Score partners" drive the portfolio's score objective, the review's
thresholds and period drive which alliances the plan exits, and a budget is the same number in
every view. Nothing resets unless the user asks (``reset``); a new workspace keeps every setting
that does not belong to the old one (``switch``).

Contradictory settings are refused where they are made: ``update`` raises
:class:`SettingConflictError` (the same partner in Must include and Must exclude, a negative budget)
and the state stays as it was.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliancekit.errors import AllianceKitError
from alliancekit.model import RiskAppetite, Workspace, glossary

__all__ = [
    "PORTABLE",
    "THRESHOLD_FIELDS",
    "SessionState",
    "SettingConflictError",
    "Settings",
    "settings_for",
]

#: The review thresholds the app lets people set (ReviewPolicy fields, docs/method.md §5.3).
THRESHOLD_FIELDS: tuple[str, ...] = tuple(glossary.THRESHOLDS)

#: Settings a new workspace keeps (the rest belong to one workspace: its budgets, partners,
#: quarters).
PORTABLE = frozenset(
    {"weights", "preset", "weights_source", "method", "objective", "thresholds", "apply_review"}
)


class SettingConflictError(AllianceKitError):
    """A setting that contradicts another one (refused; the state is unchanged).

    Attributes
    ----------
    parameter : str
        The setting refused (``must_exclude``).
    """

    kind = "setting"

    def __init__(self, message: str, parameter: str = "") -> None:
        self.parameter = parameter
        super().__init__(message)


@dataclass(frozen=True)
class Settings:
    """Every setting the app's tabs share (units as in the organization profile).

    Attributes
    ----------
    weights : tuple of (criterion, weight)
        Criteria weights [0–1], summing to 1.
    preset : str
        The weight preset the weights came from ("" once they were changed by hand or by AHP).
    weights_source : str
        ``preset``, ``sliders`` or ``ahp``: how the weights were last set.
    method : str
        Scoring method (``weighted_sum``, ``topsis``, ``promethee_ii``).
    objective : str
        Portfolio objective (docs/method.md §4).
    budget_one_off, budget_annual : float
        One-off [money] and annual [money/yr] budgets.
    avg_risk : float
        Cap on the new partners' average total risk [0–1].
    avg_risk_custom : bool
        True once the user set the cap: a change of risk appetite then keeps it.
    max_count : int
        Most new alliances.
    risk_appetite : RiskAppetite
    must_include, must_exclude : tuple of partner ids
    thresholds : tuple of (ReviewPolicy field, value)
        The review's thresholds (docs/method.md §5.3).
    period : str
        Review quarter ``YYYY-Qn`` (``latest``: the latest with KPI data).
    apply_review : bool
        Exit the alliances the review decides EXIT before planning.
    coverage : tuple of (gap id, required coverage)
        Requirements the user lowered or dropped (a fix of an infeasible plan) [share of gap].
    per_partner_caps : tuple of (RiskCaps field, cap)
        Per-partner risk caps the user raised (``max_total_per_partner``,
        ``max_relational_per_partner``) [0–1].
    """

    weights: tuple[tuple[str, float], ...]
    preset: str = "default"
    weights_source: str = "preset"
    method: str = "weighted_sum"
    objective: str = "expected_npv"
    budget_one_off: float = 0.0
    budget_annual: float = 0.0
    avg_risk: float = 1.0
    avg_risk_custom: bool = False
    max_count: int = 0
    risk_appetite: RiskAppetite = RiskAppetite.MEDIUM
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    thresholds: tuple[tuple[str, float], ...] = ()
    period: str = "latest"
    apply_review: bool = True
    coverage: tuple[tuple[str, float], ...] = ()
    per_partner_caps: tuple[tuple[str, float], ...] = ()

    def weight_series(self) -> pd.Series:
        """The weights as a Series by criterion [0–1]."""
        return pd.Series(dict(self.weights), dtype=float)

    def policy(self) -> Any:
        """The ``ReviewPolicy`` with these thresholds (the other fields at their defaults)."""
        from alliancekit.review import ReviewPolicy

        return ReviewPolicy(**dict(self.thresholds))

    def plan_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``plan_portfolio`` (everything but the workspace and review)."""
        return {
            "objective": self.objective,
            "budget_one_off": float(self.budget_one_off),
            "budget_annual": float(self.budget_annual),
            "risk_appetite": RiskAppetite.parse(self.risk_appetite),
            "caps": {"avg_total": float(self.avg_risk), **dict(self.per_partner_caps)},
            "max_count": int(self.max_count),
            "must_include": tuple(self.must_include),
            "must_exclude": tuple(self.must_exclude),
            "weights": dict(self.weights),
        }


def settings_for(ws: Workspace, preset: str = "default") -> Settings:
    """The workspace's own settings: its budgets, caps and counts, default thresholds and the
    weights of its profile (or of ``preset``)."""
    from alliancekit.criteria import CRITERIA, preset_weights, resolve_weights
    from alliancekit.review import ReviewPolicy

    org = ws.organization
    try:
        weights, _ = resolve_weights(ws)
        source_preset = org.weights_preset or ("" if org.criteria_weights else "default")
    except Exception:  # a profile's weights that do not resolve: the preset's
        weights, source_preset = preset_weights(preset), preset
    weights = weights.reindex(list(CRITERIA), fill_value=0.0)
    defaults = ReviewPolicy()
    return Settings(
        weights=tuple((str(c), float(w)) for c, w in weights.items()),
        preset=str(source_preset or ""),
        weights_source="preset" if source_preset else "profile",
        budget_one_off=float(org.budget_one_off),
        budget_annual=float(org.budget_annual),
        avg_risk=float(org.caps().avg_total),
        max_count=int(min(org.max_alliances, len(ws.candidates))),
        risk_appetite=RiskAppetite.parse(org.risk_appetite),
        thresholds=tuple((k, float(getattr(defaults, k))) for k in THRESHOLD_FIELDS),
        apply_review=bool(ws.alliances),
    )


Listener = Callable[[Settings, Settings, frozenset[str]], None]


class SessionState:
    """The current workspace and ``Settings``, shared by every tab of the app.

    Attributes
    ----------
    workspace : Workspace or None
    settings : Settings
    generation : int
        Incremented by every workspace switch: a result computed for an older generation is
        stale and must not be shown.
    """

    def __init__(self, workspace: Workspace | None = None) -> None:
        self.workspace = workspace
        self.settings = settings_for(workspace) if workspace is not None else Settings(weights=())
        self.generation = 0
        self._listeners: list[Listener] = []
        self._review_cache: dict[Any, Any] = {}

    # notifications -----------------------------------------------------------------------------
    def observe(self, listener: Listener) -> None:
        """Call ``listener(old, new, changed_fields)`` after every change."""
        self._listeners.append(listener)

    def unobserve(self, listener: Listener) -> None:
        """Stop calling ``listener`` (an explorer of a workspace no longer shown)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, old: Settings, new: Settings) -> None:
        changed = frozenset(
            f.name
            for f in dataclasses.fields(Settings)
            if getattr(old, f.name) != getattr(new, f.name)
        )
        if not changed:
            return
        for listener in list(self._listeners):
            listener(old, new, changed)

    # changes -----------------------------------------------------------------------------------
    def update(self, **changes: Any) -> Settings:
        """Change some settings (checked together first) and tell every listener.

        Raises
        ------
        SettingConflictError
            The change contradicts another setting; nothing is changed.
        """
        if "weights" in changes and isinstance(changes["weights"], Mapping | pd.Series):
            changes["weights"] = tuple(
                (str(k), float(v)) for k, v in dict(changes["weights"]).items()
            )
        if "thresholds" in changes and isinstance(changes["thresholds"], Mapping):
            merged = {**dict(self.settings.thresholds), **changes["thresholds"]}
            changes["thresholds"] = tuple((k, float(v)) for k, v in merged.items())
        for name in ("must_include", "must_exclude"):
            if name in changes:
                changes[name] = tuple(changes[name])
        new = self.check(**changes)
        old, self.settings = self.settings, new
        self._notify(old, new)
        return new

    def check(self, **changes: Any) -> Settings:
        """The settings ``changes`` would give, checked, without applying them.

        Raises
        ------
        SettingConflictError
            The change contradicts another setting.
        """
        for name in ("must_include", "must_exclude"):
            if name in changes:
                changes[name] = tuple(changes[name])
        new = dataclasses.replace(self.settings, **changes)
        self._check(new, changes)
        return new

    def plan_kwargs(self) -> dict[str, Any]:
        """``plan_portfolio`` keyword arguments of the current settings."""
        return self.settings.plan_kwargs()

    def _check(self, new: Settings, changes: Mapping[str, Any]) -> None:
        both = sorted(set(new.must_include) & set(new.must_exclude))
        if both:
            names = self.partner_names()
            who = ", ".join(f"{names.get(p, p)} ({p})" for p in both)
            made = "must_exclude" if "must_exclude" in changes else "must_include"
            other = "Must include" if made == "must_exclude" else "Must exclude"
            raise SettingConflictError(
                f"{who} is already under {other}; a partner cannot be both required and ruled "
                f"out. Remove it from {other} first.",
                parameter=made,
            )
        for name in ("budget_one_off", "budget_annual", "avg_risk"):
            value = float(getattr(new, name))
            if not math.isfinite(value) or value < 0:
                raise SettingConflictError(
                    f"{name.replace('_', ' ')} must be 0 or more", parameter=name
                )

    def reset(self) -> Settings:
        """Put every setting back to the workspace's own (the "Reset" button)."""
        if self.workspace is None:
            return self.settings
        old, self.settings = self.settings, settings_for(self.workspace)
        self._notify(old, self.settings)
        return self.settings

    def switch(self, workspace: Workspace) -> Settings:
        """Show ``workspace``: its own budgets, partners and quarters, the PORTABLE settings kept.

        Listeners are not called (the app builds new tabs for the new workspace); ``generation``
        grows, so anything computed for the old workspace is known to be stale.
        """
        own = settings_for(workspace)
        keep = {f: getattr(self.settings, f) for f in PORTABLE} if self.workspace else {}
        if keep.get("weights") and {c for c, _ in keep["weights"]} != {c for c, _ in own.weights}:
            keep.pop("weights")
        if not workspace.alliances:
            keep.pop("apply_review", None)
        self.workspace = workspace
        self.settings = dataclasses.replace(own, **keep)
        self.generation += 1
        self._review_cache.clear()
        return self.settings

    # shared results ----------------------------------------------------------------------------
    def partner_names(self) -> dict[str, str]:
        """Candidate id -> name of the current workspace."""
        ws = self.workspace
        return {c.id: c.name for c in ws.candidates} if ws is not None else {}

    def review(self) -> Any:
        """The review at the current period and thresholds (None without alliances); cached."""
        from alliancekit.review import review_alliances

        ws = self.workspace
        if ws is None or not ws.alliances:
            return None
        key = (self.generation, self.settings.period, self.settings.thresholds)
        if key not in self._review_cache:
            self._review_cache.clear()
            self._review_cache[key] = review_alliances(
                ws, period=self.settings.period, policy=self.settings.policy()
            )
        return self._review_cache[key]

    def planning_workspace(self) -> Workspace:
        """The workspace with the session's budgets and coverage requirements in its profile
        (what the plan and ``budget_headroom`` read)."""
        ws = self.workspace
        required = dict(self.settings.coverage)
        gaps = tuple(
            g
            if g.gap_id not in required
            else dataclasses.replace(g, mandatory=False)
            if required[g.gap_id] <= 0
            else dataclasses.replace(g, required_coverage=float(required[g.gap_id]))
            for g in ws.organization.capability_gaps
        )
        org = dataclasses.replace(
            ws.organization,
            budget_one_off=float(self.settings.budget_one_off),
            budget_annual=float(self.settings.budget_annual),
            capability_gaps=gaps,
        )
        return ws.replace(organization=org)  # keeps the tables built from the workspace

    def headroom(self, plan: Any = None) -> Any:
        """``budget_headroom`` at the session's annual budget, review and (optional) plan."""
        from alliancekit.portfolio import budget_headroom

        return budget_headroom(self.planning_workspace(), self.review(), plan)


def ids_of(values: Iterable[str]) -> tuple[str, ...]:
    """Partner ids, deduplicated in order."""
    return tuple(dict.fromkeys(str(v) for v in values))
