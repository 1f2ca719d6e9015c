"""What the roadmap plans: its calendar, each candidate's stages and each alliance's exit terms.

``Calendar`` counts the roadmap's periods (years or quarters) and names them; ``stages`` turns
each unscreened candidate into one stage (``FULL``) or a pilot and its scale-up (``PILOT``,
``SCALE``) with a start window, a life, costs and values per year and their ramps;
``existing`` places every existing alliance: kept, exited in a fixed period (the review's EXIT
after its notice, a planned ``exit_year``) or free (the optimiser chooses the exit period).
Everything is read from a ``Plan`` of ``plan_portfolio`` and its ``Workspace``
(docs/method.md §12).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from alliancekit.model import Alliance, Candidate, PlanningStep, Workspace
from alliancekit.model.vocab import Vocabulary
from alliancekit.portfolio.evaluate import screened
from alliancekit.portfolio.inputs import bad
from alliancekit.portfolio.plan import Plan

__all__ = [
    "Calendar",
    "ExistingTerms",
    "Stage",
    "StageKind",
    "discount_factors",
    "existing",
    "stages",
]


class StageKind(Vocabulary):
    """What a stage of a candidate is: the whole alliance, or a pilot and its scale-up."""

    FULL = "full"
    PILOT = "pilot"
    SCALE = "scale"


@dataclass(frozen=True)
class Calendar:
    """The roadmap's periods: ``years`` years by year or by quarter, from ``start_year``.

    Periods are counted from 0; ``fraction`` is the length of a period [years].
    """

    years: int
    step: PlanningStep = PlanningStep.YEAR
    start_year: int | None = None

    @property
    def per_year(self) -> int:
        """Periods per year (1 or 4)."""
        return 4 if self.step is PlanningStep.QUARTER else 1

    @property
    def periods(self) -> int:
        """Number of periods."""
        return self.years * self.per_year

    @property
    def fraction(self) -> float:
        """Length of one period [years]."""
        return 1.0 / self.per_year

    def label(self, t: int) -> str:
        """Period ``t`` in words: "2026", "2026-Q2", "Year 1" or "Year 1 Q2"."""
        year, quarter = divmod(int(t), self.per_year)
        if self.start_year is not None:
            text = str(self.start_year + year)
            return f"{text}-Q{quarter + 1}" if self.per_year > 1 else text
        text = f"Year {year + 1}"
        return f"{text} Q{quarter + 1}" if self.per_year > 1 else text

    def year_label(self, y: int) -> str:
        """Roadmap year ``y`` (0-based) in words: "2026" or "Year 1"."""
        return str(self.start_year + y) if self.start_year is not None else f"Year {y + 1}"

    def periods_in_year(self, y: int) -> range:
        """The periods of roadmap year ``y`` (0-based)."""
        return range(y * self.per_year, (y + 1) * self.per_year)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every period's label, in order."""
        return tuple(self.label(t) for t in range(self.periods))

    def first_period(self, year: int) -> int:
        """The first period of roadmap year ``year`` (1-based), clipped to the roadmap."""
        return min(max(int(year) - 1, 0) * self.per_year, self.periods - 1)

    def last_period(self, year: int) -> int:
        """The last period of roadmap year ``year`` (1-based), clipped to the roadmap."""
        return min(max(int(year), 1) * self.per_year - 1, self.periods - 1)

    def periods_of(self, years: float) -> int:
        """A length in years as whole periods (at least one)."""
        return max(1, round(float(years) * self.per_year))

    def year_of(self, t: int) -> int:
        """The roadmap year (1-based) that period ``t`` falls in."""
        return int(t) // self.per_year + 1


def discount_factors(rate: float, calendar: Calendar, n: int) -> np.ndarray:
    """``(1 + r)^−k·f`` for k = 0 … n−1 periods of ``f`` years [0–1]."""
    return (1.0 + float(rate)) ** (-np.arange(n) * calendar.fraction)


def _ramp(shares: tuple[float, ...], k: int) -> float:
    """The ramp's share for the k-th year of activity (1-based); 1 without a ramp."""
    if not shares:
        return 1.0
    return float(shares[min(k, len(shares)) - 1])


@dataclass(frozen=True)
class Stage:
    """One stage of a candidate: when it may start, how long it runs and what it costs.

    Money per year [money/yr] except ``one_off`` and ``exit_cost`` [money]; ``life`` and the
    start window in periods; ``fte`` [FTE] while active; ``extra`` holds its value of every
    other limit column (e.g. expected loss [money]) while active.
    """

    partner: str
    name: str
    kind: StageKind
    first: int
    last: int
    life: int
    one_off: float
    annual: float
    value: float
    exit_cost: float
    p_fail: float
    fte: float
    coverage: bool
    score: float
    cost_ramp: tuple[float, ...] = ()
    value_ramp: tuple[float, ...] = ()
    after: int | None = None  # position of the stage that must run first (the pilot)
    lag: int = 0  # periods from the pilot's start to the earliest scale start
    extra: Mapping[str, float] = field(default_factory=dict)

    def cost_share(self, k: int, calendar: Calendar) -> float:
        """Share of ``annual`` spent in the k-th period of activity (0-based)."""
        return _ramp(self.cost_ramp, int(k * calendar.fraction) + 1)

    def value_share(self, k: int, calendar: Calendar) -> float:
        """Share of ``value`` earned in the k-th period of activity (0-based)."""
        return _ramp(self.value_ramp, int(k * calendar.fraction) + 1)

    def expected_npv(self, calendar: Calendar, rate: float) -> float:
        """E[NPV] of the stage at its start [money] (docs/method.md §3.3 with ramps, §12).

        ``−C0 + (1 − p/2)·Σ_k (ρv_k·V − ρc_k·Ca)·f·(1+r)^−(k+1)·f − p·X`` over its life.
        """
        f = calendar.fraction
        flows = [
            (
                self.value_share(k, calendar) * self.value
                - self.cost_share(k, calendar) * self.annual
            )
            * f
            * (1.0 + rate) ** (-(k + 1) * f)
            for k in range(self.life)
        ]
        return -self.one_off + (1 - self.p_fail / 2) * sum(flows) - self.p_fail * self.exit_cost

    @property
    def plain(self) -> bool:
        """A one-stage alliance without ramps (valued exactly as ``plan_portfolio`` values it)."""
        return self.kind is StageKind.FULL and not self.cost_ramp and not self.value_ramp


def _fte(row: pd.Series | Candidate | Alliance, ws: Workspace) -> float:
    """Alliance-manager load [FTE]: the tier's, else the form's, else the row's own."""
    settings = ws.organization.roadmap
    tier = getattr(row, "tier", None)
    given = tier is not None and not (isinstance(tier, float) and math.isnan(tier))
    if given and int(tier) in settings.fte_by_tier:
        return float(settings.fte_by_tier[int(tier)])
    form = str(getattr(row.form, "value", row.form))
    if form in settings.fte_by_form:
        return float(settings.fte_by_form[form])
    return float(row.mgmt_load_fte or 0.0)


def _window(c: Candidate, calendar: Calendar, fixed: bool) -> tuple[int, int]:
    """First and last start period of a candidate (roadmap years in the workspace)."""
    if fixed:
        return 0, 0
    first = calendar.first_period(c.earliest_start or 1)
    last = calendar.last_period(c.latest_start or calendar.years)
    if c.earliest_start is not None and c.earliest_start > calendar.years:
        return calendar.periods, calendar.periods - 1  # outside the roadmap: cannot start
    return first, max(first, last) if c.latest_start is None else last


def stages(
    plan: Plan, ws: Workspace, calendar: Calendar, *, fixed: bool
) -> tuple[tuple[Stage, ...], Mapping[str, tuple[str, ...]]]:
    """The stages of every candidate the plan does not screen, and the screened ones' reasons.

    ``fixed`` (fixed starts): one full stage per candidate, starting in the first period or
    never, valued as ``plan_portfolio`` values it (no ramp, no pilot, the plan's FTE).
    """
    p = plan.problem
    removed = screened(p)
    table = p.table
    out: list[Stage] = []
    horizon = ws.organization.planning_horizon_years
    for cand in ws.candidates:
        i = cand.id
        if i in removed or i not in p.position:
            continue
        row = table.loc[i]
        first, last = _window(cand, calendar, fixed)
        life = calendar.periods_of(horizon if fixed else (cand.duration_years or horizon))
        extra = {
            col: float(row[col])
            for col in p.limits
            if col not in ("cost_one_off", "cost_annual", "mgmt_load_fte")
        }
        full = Stage(
            partner=i,
            name=cand.name,
            kind=StageKind.FULL,
            first=first,
            last=last,
            life=life,
            one_off=float(row["cost_one_off"]),
            annual=float(row["cost_annual"]),
            value=float(row["value_annual"]),
            exit_cost=float(row.get("exit_cost", 0.0) or 0.0),
            p_fail=float(row["p_fail"]),
            fte=float(row["mgmt_load_fte"]) if fixed else _fte(cand, ws),
            coverage=True,
            score=float(row["score"]),
            cost_ramp=() if fixed else cand.cost_ramp,
            value_ramp=() if fixed else cand.value_ramp,
            extra=MappingProxyType(extra),
        )
        if fixed or cand.pilot_years is None:
            out.append(full)
            continue
        out += _pilot_and_scale(full, cand, calendar, len(out))
    return tuple(out), MappingProxyType({i: _in_words(plan, i, r) for i, r in removed.items()})


def _in_words(plan: Plan, pid: str, raw: list[str]) -> tuple[str, ...]:
    """Why a candidate is screened, as the plan says it: knockouts K1–K5 with their caps and
    source, then other reasons (a conflict with a kept alliance, an unmet dependency)."""
    words = [*plan.knockouts.get(pid, ())]
    words += [r for r in plan.screen.get(pid, ()) if r not in words]
    if pid in plan.problem.must_exclude:
        words.append("must exclude")
    return tuple(words) or tuple(raw)


def _pilot_and_scale(
    full: Stage, cand: Candidate, calendar: Calendar, position: int
) -> tuple[Stage, Stage]:
    """A pilot (its own terms, no coverage, no score) and the scale-up after it."""
    lag = calendar.periods_of(cand.pilot_years)
    one_off = float(cand.pilot_cost_one_off or 0.0)
    extra = {
        col: (full.p_fail * one_off if col == "expected_loss" else v)
        for col, v in full.extra.items()
    }
    pilot = replace(
        full,
        kind=StageKind.PILOT,
        life=lag,
        one_off=one_off,
        annual=float(cand.pilot_cost_annual or 0.0),
        value=float(cand.pilot_value_annual or 0.0),
        exit_cost=0.0,
        fte=full.fte if cand.pilot_fte is None else float(cand.pilot_fte),
        coverage=False,
        score=0.0,
        cost_ramp=(),
        value_ramp=(),
        extra=MappingProxyType(extra),
    )
    first = min(full.first + lag, calendar.periods)
    scale = replace(full, kind=StageKind.SCALE, first=first, last=calendar.periods - 1)
    scale = replace(scale, after=position, lag=lag)
    return pilot, scale


@dataclass(frozen=True)
class ExistingTerms:
    """An existing alliance in the roadmap.

    ``exit`` is the fixed exit period (``None``: kept through the roadmap, or free when
    ``free``); ``earliest`` the first period it may be exited (after its notice). Money as in
    ``Alliance``; ``fte`` [FTE]; ``coverage`` gap → level [0–1].
    """

    alliance_id: str
    name: str
    annual: float
    exit_cost: float
    value: float
    fte: float
    coverage: Mapping[str, float]
    earliest: int
    exit: int | None
    free: bool
    why: str  # kept / exit by review / planned exit / free


def _notice_periods(a: Alliance, calendar: Calendar) -> int:
    """Whole periods of notice: an exit takes effect at the first period boundary after it."""
    months = a.notice_months or 0
    return math.ceil(months / (12 * calendar.fraction)) if months > 0 else 0


def existing(
    plan: Plan, ws: Workspace, calendar: Calendar, *, fixed: bool
) -> tuple[ExistingTerms, ...]:
    """Every existing alliance that is not closed: kept, exited in a fixed period, or free.

    A review EXIT takes effect after the notice period (``notice_months``), at once with fixed
    starts; ``exit_year`` plans the exit in that roadmap year (ignored with fixed starts).
    """
    kept, exited, free = set(plan.kept), set(plan.exited), set(plan.free)
    out = []
    for a in ws.alliances:
        aid = a.alliance_id
        if aid not in kept | exited | free:
            continue  # closed
        notice = 0 if fixed else _notice_periods(a, calendar)
        planned = None
        if not fixed and a.exit_year is not None:
            planned = max(calendar.first_period(a.exit_year), notice)
        if aid in exited:
            exit_at, why = notice, "exit by review"
        elif planned is not None:
            exit_at, why = planned, "planned exit"
        else:
            exit_at, why = None, ("free" if aid in free else "kept")
        out.append(
            ExistingTerms(
                alliance_id=aid,
                name=a.partner_name,
                annual=float(a.cost_annual),
                exit_cost=float(a.exit_cost),
                value=float(a.value_plan_annual),
                fte=float(a.mgmt_load_fte or 0.0) if fixed else _fte(a, ws),
                coverage=MappingProxyType(dict(a.coverage)),
                earliest=notice,
                exit=exit_at,
                free=aid in free and exit_at is None,
                why=why,
            )
        )
    return tuple(out)


def calendar_of(ws: Workspace, years: int | None, step: str | None) -> Calendar:
    """The roadmap's calendar: ``years`` (default: the settings', else the planning horizon)."""
    settings = ws.organization.roadmap
    n = years if years is not None else (settings.years or ws.organization.planning_horizon_years)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= int(n) <= 10:
        raise bad(f"years must be a whole number of years from 1 to 10, got {n!r}")
    kind = PlanningStep.parse(step, what="step") if step is not None else settings.step
    return Calendar(int(n), kind, settings.start_year)
