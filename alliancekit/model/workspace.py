"""``Workspace``: everything one organization's analysis needs, with its tables as frames."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from types import MappingProxyType
from typing import Any

import pandas as pd

from alliancekit.model.entities import (
    RELATIONAL_DEFAULTS,
    Alliance,
    Candidate,
    Organization,
    find,
)
from alliancekit.model.periods import period_key
from alliancekit.model.vocab import Relation

__all__ = ["Workspace"]


def _records(items: tuple, key: str) -> pd.DataFrame:
    rows = []
    for item in items:
        row = {}
        for f in fields(item):
            v = getattr(item, f.name)
            if isinstance(v, Enum):
                v = v.value
            elif isinstance(v, MappingProxyType):
                v = dict(v)
            row[f.name] = v
        rows.append(row)
    cols = [f.name for f in fields(type(items[0]))] if items else [key]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.set_index(key, drop=True)


@dataclass(frozen=True)
class Workspace:
    """Everything one organization's analysis needs: organization, candidates, alliances, history.

    Tables (long format, data/README.md):

    - ``kpis``: alliance_id, kpi_id, period, planned, actual, unit, direction, weight
      (+ optional name, perspective, source, confidence, comment);
    - ``health``: alliance_id, period, side, strategic_fit, trust, governance, commitment,
      learning [1–5, blanks allowed];
    - ``events``: alliance_id, period, trigger, description;
    - ``milestones``: alliance_id, milestone_id, text, due_period, status, turning_point;
    - ``actions`` (optional): alliance_id, action, owner, due_period, status, closed_on — the
      actions reviews assigned, followed up by the next review.
    """

    name: str
    organization: Organization
    candidates: tuple[Candidate, ...]
    alliances: tuple[Alliance, ...] = ()
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)
    health: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str | None = None
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)

    #: Tables a workspace keeps once built (``candidates_frame``, ``derived``), not its data.
    _CACHES = ("_candidates_frame", "_derived")

    def __getstate__(self) -> dict[str, Any]:
        """Its fields without the tables it built (a copy or a pickle rebuilds them on use)."""
        return {k: v for k, v in self.__dict__.items() if k not in self._CACHES}

    # -- lookups ---------------------------------------------------------------------------
    def candidate(self, candidate_id: str) -> Candidate:
        """The candidate with this id (KeyError if unknown)."""
        return find(self.candidates, "id", candidate_id, "candidate")

    def alliance(self, alliance_id: str) -> Alliance:
        """The existing alliance with this id (KeyError if unknown)."""
        return find(self.alliances, "alliance_id", alliance_id, "alliance")

    @property
    def candidate_ids(self) -> tuple[str, ...]:
        """Candidate ids in file order."""
        return tuple(c.id for c in self.candidates)

    @property
    def alliance_ids(self) -> tuple[str, ...]:
        """Existing alliance ids in file order."""
        return tuple(a.alliance_id for a in self.alliances)

    # -- frames ----------------------------------------------------------------------------
    def candidates_frame(self) -> pd.DataFrame:
        """Candidates as a DataFrame indexed by ``id`` with every documented default applied.

        Relational-risk items missing on a candidate take the defaults of its relation
        (docs/method.md §3.1); ``duration_years`` defaults to the planning horizon. Enums become
        their string values; ``coverage`` stays a dict column (see ``coverage_frame``).

        Built once per workspace (it is immutable) and returned as a new shallow copy each
        time: with pandas copy-on-write, changing the returned frame never changes the cache.
        """
        cached = self.__dict__.get("_candidates_frame")
        if cached is None:
            cached = self._build_candidates_frame()
            object.__setattr__(self, "_candidates_frame", cached)
        return cached.copy(deep=False)

    def _build_candidates_frame(self) -> pd.DataFrame:
        frame = _records(self.candidates, "id")
        if frame.empty:
            return frame
        for item, pos in (("opportunism", 0), ("leakage", 1), ("dependence", 2)):
            defaults = frame["relation"].map(lambda r, p=pos: RELATIONAL_DEFAULTS[Relation(r)][p])
            frame[item] = frame[item].where(frame[item].notna(), defaults).astype(float)
        horizon = self.organization.planning_horizon_years
        frame["duration_years"] = frame["duration_years"].where(
            frame["duration_years"].notna(), horizon
        )
        return frame

    def coverage_frame(self) -> pd.DataFrame:
        """Candidate × gap coverage [0–1], zeros where a candidate does not cover a gap."""
        return self.derived(
            ("coverage",), lambda: _coverage(self.candidates, "id", self.organization.gap_ids)
        )

    def derived(self, key: Hashable, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table derived from this workspace alone, built once and then served from memory.

        A workspace is immutable, so a table computed from it (its coverage, its risk table
        under one risk policy, its criteria) is the same every time it is asked for: a group
        decision or a sweep re-planning the same workspace a dozen times builds it once. Each
        call returns a new shallow copy (pandas copy-on-write: changing it never changes the
        stored table).

        Parameters
        ----------
        key : hashable
            What the table is, with every setting it depends on (e.g. the policy's ``repr``).
        build : callable
            Builds the table the first time (its errors propagate; nothing is stored then).
        """
        store = self.__dict__.get("_derived")
        if store is None:
            store = {}
            object.__setattr__(self, "_derived", store)
        table = store.get(key)
        if table is None:
            table = store[key] = build()
        return table.copy(deep=False)

    def alliances_frame(self) -> pd.DataFrame:
        """Existing alliances as a DataFrame indexed by ``alliance_id``."""
        return _records(self.alliances, "alliance_id")

    def alliance_coverage_frame(self) -> pd.DataFrame:
        """Existing alliance × gap coverage [0–1]."""
        return self.derived(
            ("alliance_coverage",),
            lambda: _coverage(self.alliances, "alliance_id", self.organization.gap_ids),
        )

    def periods(self) -> list[str]:
        """Sorted distinct periods with KPI data."""
        if self.kpis.empty:
            return []
        return sorted(self.kpis["period"].unique(), key=period_key)

    def latest_period(self) -> str | None:
        """The latest period with KPI data, or None."""
        p = self.periods()
        return p[-1] if p else None

    def replace(self, **changes: Any) -> Workspace:
        """A copy with some fields replaced (the original is never mutated).

        A copy whose organization differs only in what no derived table reads (budgets, caps,
        counts, appetite, required coverage: the plan's limits) keeps the tables already built
        (:meth:`derived`, the candidates frame): a budget slider re-plans without rebuilding
        the risk table and the criteria.
        """
        new = replace(self, **changes)
        if set(changes) == {"organization"} and _table_inputs(changes["organization"]) == (
            _table_inputs(self.organization)
        ):
            for name in ("_derived", "_candidates_frame"):
                if name in self.__dict__:
                    object.__setattr__(new, name, self.__dict__[name])
        return new

    def without_candidates(self, *ids: str) -> Workspace:
        """A copy without the given candidates (references to them are dropped)."""
        drop = set(ids)
        kept = []
        for c in self.candidates:
            if c.id in drop:
                continue
            kept.append(
                replace(
                    c,
                    conflicts_with=tuple(x for x in c.conflicts_with if x not in drop),
                    requires_any=tuple(x for x in c.requires_any if x not in drop),
                )
            )
        return self.replace(candidates=tuple(kept))


def _table_inputs(org: Organization) -> tuple:
    """What of an organization the derived tables read: gaps (ids, importance), horizon, rate."""
    gaps = tuple((g.gap_id, g.importance) for g in org.capability_gaps)
    return gaps, org.planning_horizon_years, org.discount_rate


def _coverage(items: tuple, key: str, gap_ids: tuple[str, ...]) -> pd.DataFrame:
    ids = [getattr(i, key) for i in items]
    frame = pd.DataFrame(0.0, index=pd.Index(ids, name=key), columns=list(gap_ids))
    for item in items:
        for gap_id, level in item.coverage.items():
            frame.loc[getattr(item, key), gap_id] = float(level)
    frame.columns.name = "gap_id"
    return frame
