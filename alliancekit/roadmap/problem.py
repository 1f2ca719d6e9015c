"""The roadmap as a MILP in matrix form (docs/method.md §12).

Variables: ``s_v ∈ {0, 1}`` starts stage ``v``'s stage in period ``τ_v``; ``y_je ∈ {0, 1}``
exits free alliance ``j`` in period ``e``; ``c_t ≥ 0`` one-off budget carried out of period t;
``z_gt ∈ [0, 1]`` the coverage reward (objective e); ``η``, ``u_s`` the CVaR terms. Every
constraint group of the plan (``plan_portfolio``'s typed ``Constraint``s) becomes one row per
period (``YearConstraint``), measured the same way the plan measures it; structural rows (a
stage starts at most once, a scale-up only after its pilot) belong to no group.

``assemble`` builds a ``RoadmapProblem`` from ``RoadmapInputs`` and optional bounds by group
key, so a re-solve with another bound (limit values, diagnosis) is a rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from alliancekit.portfolio.constraints import Constraint, ConstraintKind, Sense
from alliancekit.portfolio.evaluate import counted, group_mask
from alliancekit.portfolio.milp import MatrixModel
from alliancekit.portfolio.options import Objective, PlanOptions
from alliancekit.portfolio.plan import Plan
from alliancekit.roadmap.timing import Calendar, ExistingTerms, Stage, StageKind, discount_factors

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["MEASURED", "RATIO", "RoadmapInputs", "RoadmapProblem", "YearConstraint", "assemble"]

K = ConstraintKind
#: Kinds whose rows repeat every period; the others hold once over the roadmap.
_PER_PERIOD = frozenset(
    {K.LIMIT, K.COUNT, K.AVERAGE, K.COVERAGE, K.GROUP_COUNT, K.GROUP_COST_SHARE}
    | {K.CONFLICT, K.REQUIRES}
)
#: Kinds measured as a ratio (numerator / denominator) and bounded inside the row.
RATIO = frozenset({K.AVERAGE, K.GROUP_COST_SHARE})
#: Kinds reported with used / cap and able to bind (as in ``PortfolioResult.totals``).
MEASURED = frozenset(
    {K.LIMIT, K.COUNT, K.AVERAGE, K.COVERAGE, K.GROUP_COUNT, K.GROUP_COST_SHARE, K.CVAR}
)


@dataclass(frozen=True)
class YearConstraint:
    """One constraint group of the plan in one period (or over the whole roadmap).

    ``constraint`` is the plan's typed group (its label, unit, kind); ``bound`` the value it
    takes in this period (per-year budgets and capacity differ by year).
    """

    constraint: Constraint
    period: int | None
    period_label: str
    bound: float

    @property
    def key(self) -> str:
        """``limit[cost_annual]@2027``: the group's key and the period (none for once-only)."""
        base = self.constraint.key
        return base if self.period is None else f"{base}@{self.period_label}"

    @property
    def label(self) -> str:
        """The group in words with its period: "Annual budget in 2027"."""
        if self.period is None:
            return self.constraint.label
        return f"{self.constraint.label} in {self.period_label}"

    @property
    def kind(self) -> ConstraintKind:
        """The group's kind."""
        return self.constraint.kind

    @property
    def sense(self) -> Sense:
        """``≤`` caps, ``≥`` requirements."""
        return self.constraint.sense

    @property
    def unit(self) -> str:
        """Unit of the bound and of the used amount."""
        return self.constraint.unit

    def typed(self) -> Constraint:
        """A ``Constraint`` with this period's bound, label and key (for errors and tables)."""
        return replace(self.constraint, bound=self.bound, label=self.label, key=self.key)


@dataclass(frozen=True, eq=False)
class RoadmapInputs:
    """Everything ``assemble`` needs: the plan, the calendar, the stages and the limits.

    ``caps`` holds per-period bounds of the limit columns (``cost_annual`` per period is the
    annual budget times the period's length); ``fixed`` marks fixed starts.
    """

    plan: Plan
    options: PlanOptions
    calendar: Calendar
    stages: tuple[Stage, ...]
    existing: tuple[ExistingTerms, ...]
    screened: Mapping[str, tuple[str, ...]]
    caps: Mapping[str, np.ndarray]
    capacity: Constraint | None  # the management-capacity group the roadmap adds, if any
    rate: float
    horizon: int
    carry_over: float
    coverage_from: int
    fixed: bool
    names: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Vars:
    """The columns of the matrix: what each variable is."""

    kind: list[str] = field(default_factory=list)  # start | exit | carry | reward | eta | u
    stage: list[int] = field(default_factory=list)  # stage position (start), else −1
    period: list[int] = field(default_factory=list)
    item: list[str] = field(default_factory=list)  # partner or alliance id, gap id, ""
    upper: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)

    def add(self, kind: str, stage: int, period: int, item: str, *, binary: bool = True) -> int:
        self.kind.append(kind)
        self.stage.append(stage)
        self.period.append(period)
        self.item.append(item)
        self.upper.append(1.0 if binary or kind == "reward" else math.inf)
        self.lower.append(-math.inf if kind == "eta" else 0.0)
        self.integer.append(binary)
        return len(self.kind) - 1


class _Rows:
    """Sparse rows collected as triplets, each with its sense, right-hand side and group."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.sense: list[Sense] = []
        self.rhs: list[float] = []

    def add(self, cols: np.ndarray, coefs: np.ndarray, sense: Sense, rhs: float) -> int:
        n = len(self.sense)
        cols, coefs = np.asarray(cols, dtype=np.int64), np.asarray(coefs, dtype=float)
        self.r.append(np.full(len(cols), n, dtype=np.int64))
        self.c.append(cols)
        self.v.append(coefs)
        self.sense.append(sense)
        self.rhs.append(float(rhs))
        return n

    def matrix(self, n_cols: int) -> sp.csr_matrix:
        import scipy.sparse as sp  # when a roadmap is built: a report without one skips it

        if not self.sense:
            return sp.csr_matrix((0, n_cols))
        rows, cols, vals = (np.concatenate(a) for a in (self.r, self.c, self.v))
        shape = (len(self.sense), n_cols)
        return sp.csr_matrix((vals, (rows, cols)), shape=shape)


@dataclass(frozen=True, eq=False)
class RoadmapProblem:
    """A roadmap MILP: the matrix, its groups, what each variable is, and the objective parts.

    ``usage`` (groups × variables), ``denominator`` (ratio groups), ``cap_terms`` (carried
    budget added to a cap) and ``offset`` (fixed use by kept alliances) measure each group at a
    solution exactly as it is reported; ``reported`` holds each variable's share of the reported
    objective (Σ discounted E[NPV], or Σ discounted score, of new partners).
    """

    inputs: RoadmapInputs
    matrix: MatrixModel
    groups: tuple[YearConstraint, ...]
    group_row: np.ndarray
    usage: sp.csr_matrix
    denominator: sp.csr_matrix
    cap_terms: sp.csr_matrix
    offset: np.ndarray
    var_kind: np.ndarray
    var_stage: np.ndarray
    var_period: np.ndarray
    var_item: np.ndarray
    reported: np.ndarray
    constant: float
    bounds: Mapping[str, float] = field(default_factory=dict)

    @property
    def calendar(self) -> Calendar:
        """The roadmap's periods."""
        return self.inputs.calendar

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The candidates' stages."""
        return self.inputs.stages

    @cached_property
    def by_key(self) -> Mapping[str, int]:
        """Group key → its position in ``groups``."""
        return {g.key: k for k, g in enumerate(self.groups)}

    @cached_property
    def items(self) -> tuple[str, ...]:
        """The partners and free alliances a plan chooses among (alternatives differ on them)."""
        starts = [s.partner for s in self.stages if s.kind is not StageKind.SCALE]
        return tuple(dict.fromkeys([*starts, *(e.alliance_id for e in self.free)]))

    @cached_property
    def free(self) -> tuple[ExistingTerms, ...]:
        """Existing alliances whose exit period the optimiser chooses."""
        return tuple(e for e in self.inputs.existing if e.free)

    def indicator(self, item: str) -> dict[int, float]:
        """Variables whose sum is 1 when ``item`` is chosen (a partner started, an alliance
        exited)."""
        out = {}
        for v in np.flatnonzero(self.var_item == item):
            kind = self.var_kind[v]
            if kind == "exit" or (
                kind == "start" and self.stages[self.var_stage[v]].kind is not StageKind.SCALE
            ):
                out[int(v)] = 1.0
        return out

    def measure(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Used amount and cap of every group at the variable ``values``."""
        num = self.usage @ values + self.offset
        den = self.denominator @ values
        ratio = np.array([g.kind in RATIO for g in self.groups], dtype=bool)
        used = np.where(ratio, np.divide(num, den, out=np.zeros_like(num), where=den > 1e-12), num)
        cap = np.array([g.bound for g in self.groups]) + self.cap_terms @ values
        return used, cap

    def objective_at(self, values: np.ndarray) -> float:
        """The model objective at ``values`` (with its constant)."""
        return float(self.matrix.c @ values) + self.constant

    def reported_at(self, values: np.ndarray) -> float:
        """The reported objective at ``values``: Σ over new partners' stages."""
        return float(self.reported @ values)


# -- assembly ---------------------------------------------------------------------------------
def assemble(inp: RoadmapInputs, bounds: Mapping[str, float] | None = None) -> RoadmapProblem:
    """The roadmap MILP of ``inp``, with the bounds of some groups (by key) replaced."""
    bounds = dict(bounds or {})
    V = _Vars()
    for k, s in enumerate(inp.stages):
        for t in range(s.first, min(s.last, inp.calendar.periods - 1) + 1):
            V.add("start", k, t, s.partner)
    for e in inp.existing:
        if e.free:
            for t in range(e.earliest, inp.calendar.periods):
                V.add("exit", -1, t, e.alliance_id)
    if inp.carry_over > 0 and "cost_one_off" in inp.caps:
        for y in range(inp.calendar.years - 1):  # carried out of year y (one-off pots are yearly)
            V.add("carry", -1, y, "", binary=False)
    b = _Builder(inp, V)
    b.structural()
    b.coverage_reward()
    b.cvar_terms()
    for c in _plan_groups(inp):
        b.group(c, bounds)
    return b.finish(bounds)


def _plan_groups(inp: RoadmapInputs) -> list[Constraint]:
    """The plan's groups that become rows (screening kinds are bounds), plus capacity."""
    p = inp.plan.problem
    skip = {K.EACH, K.MUST_EXCLUDE, K.SCREEN}
    out = [c for c in p.constraints if c.kind not in skip and not c.soft]
    if inp.capacity is not None:
        out.append(inp.capacity)
    return out


class _Builder:
    """Rows, usage rows and the objective of one assembly (one method per part)."""

    def __init__(self, inp: RoadmapInputs, V: _Vars) -> None:
        self.inp, self.V = inp, V
        self.cal = inp.calendar
        self.P = self.cal.periods
        self.rows = _Rows()
        self.groups: list[YearConstraint] = []
        self.group_row: list[int] = []
        self.use = _Rows()  # one usage row per group (same row numbers as groups)
        self.den = _Rows()
        self.cap = _Rows()
        self.offset: list[float] = []
        self.kind = np.array(V.kind)
        self.stage = np.array(V.stage, dtype=np.int64)
        self.period = np.array(V.period, dtype=np.int64)
        self.item = np.array(V.item, dtype=object)
        self.starts = np.flatnonzero(self.kind == "start")
        self.exits = np.flatnonzero(self.kind == "exit")
        self.extra_c: dict[int, float] = {}  # objective terms of reward and CVaR variables
        self._activity()
        self._existing()

    # -- who is active when ----------------------------------------------------------------
    def _activity(self) -> None:
        """``act`` (start variables × periods): 1 while the stage runs; ``cost``: its annual
        cost in the period [money per period]; ``value_at``: discounted value of each start."""
        stages, f = self.inp.stages, self.cal.fraction
        r, c, a, cost = [], [], [], []
        for v in self.starts:
            s = stages[self.stage[v]]
            t0 = self.period[v]
            for k in range(min(s.life, self.P - t0)):
                r.append(v)
                c.append(t0 + k)
                a.append(1.0)
                cost.append(s.annual * f * s.cost_share(k, self.cal))
        shape = (len(self.V.kind), self.P)
        import scipy.sparse as sp

        self.act = sp.csc_matrix((a, (r, c)), shape=shape)
        self.cost = sp.csc_matrix((cost, (r, c)), shape=shape)

    def _existing(self) -> None:
        """Fixed use by kept and fixed-exit alliances per period; free ones' run expressions."""
        P, f = self.P, self.cal.fraction
        self.fixed_annual = np.zeros(P)
        self.fixed_fte = np.zeros(P)
        self.fixed_one_off = np.zeros(P)
        self.fixed_cov: dict[str, np.ndarray] = {}
        for e in self.inp.existing:
            if e.free:
                continue
            until = P if e.exit is None else min(e.exit, P)
            self.fixed_annual[:until] += e.annual * f
            self.fixed_fte[:until] += e.fte
            for g, level in e.coverage.items():
                self.fixed_cov.setdefault(g, np.zeros(P))[:until] += float(level)
            if e.exit is not None and e.exit < P:
                self.fixed_one_off[e.exit] += e.exit_cost

    def run_terms(self, alliance: str, t: int) -> tuple[np.ndarray, np.ndarray]:
        """``run_jt = 1 − Σ_{e≤t} y_je`` of a free alliance: the variable terms (the 1 apart)."""
        cols = self.exits[(self.item[self.exits] == alliance) & (self.period[self.exits] <= t)]
        return cols, -np.ones(len(cols))

    def active(self, t: int, weight: Mapping[str, float] | None = None) -> tuple[Any, Any]:
        """Start variables running in period t, each weighted by its partner's ``weight``."""
        col = self.act[:, [t]]
        idx = col.indices
        vals = col.data.copy()
        if weight is not None:
            vals = vals * np.array([weight.get(self.item[v], 0.0) for v in idx])
        return idx, vals

    # -- structural rows ---------------------------------------------------------------------
    def structural(self) -> None:
        """A stage starts at most once; a scale-up starts only after its pilot ran."""
        by_stage: dict[int, list[int]] = {}
        for v in self.starts:
            by_stage.setdefault(int(self.stage[v]), []).append(int(v))
        self._at_most_once(by_stage.values())
        for k, s in enumerate(self.inp.stages):
            if s.after is None:
                continue
            scale, pilot = by_stage.get(k, []), by_stage.get(s.after, [])
            for t in range(self.P):
                now = [v for v in scale if self.period[v] <= t]
                before = [v for v in pilot if self.period[v] <= t - s.lag]
                if now:
                    cols = np.array(now + before)
                    coefs = np.r_[np.ones(len(now)), -np.ones(len(before))]
                    self.rows.add(cols, coefs, Sense.LE, 0.0)
        by_alliance: dict[str, list[int]] = {}
        for v in self.exits:
            by_alliance.setdefault(str(self.item[v]), []).append(int(v))
        self._at_most_once(by_alliance.values())

    def _at_most_once(self, groups: Any) -> None:
        """``Σ v ≤ 1`` over each group of variables (a stage starts, an alliance exits, once)."""
        for cols in groups:
            if len(cols) > 1:
                self.rows.add(np.array(cols), np.ones(len(cols)), Sense.LE, 1.0)

    def coverage_reward(self) -> None:
        """Objective (e): ``z_gt ≤ min(1, coverage_gt)``, weighted by discounted period."""
        p = self.inp.plan.problem
        if not p.coverage_reward:
            return
        w = discount_factors(self.inp.rate, self.cal, self.P)
        w = w / w.sum()
        for gap, reward in p.coverage_reward.items():
            level = self._coverage_levels(gap)
            for t in range(self.P):
                z = self.V.add("reward", -1, t, gap, binary=False)
                cols, coefs, const = self._coverage_row(gap, level, t)
                self.extra_c[z] = float(reward) * w[t]
                self.rows.add(np.r_[z, cols], np.r_[1.0, -coefs], Sense.LE, const)

    def cvar_terms(self) -> None:
        """``u_s ≥ Σ_i ℓ_is·x_i − η`` over partners ever started (Rockafellar & Uryasev)."""
        p = self.inp.plan.problem
        capped = p.cvar_limit is not None
        if p.scenario_loss is None or not (p.cvar_lambda or capped):
            return
        S = p.scenario_loss.shape[0]
        firsts = [v for v in self.starts if self.inp.stages[self.stage[v]].after is None]
        pos = p.position
        L = p.scenario_loss[:, [pos[self.item[v]] for v in firsts]]
        self.eta = self.V.add("eta", -1, -1, "", binary=False)
        scale = 1.0 / ((1.0 - p.cvar_beta) * S)
        self.cvar_cols = [self.eta]
        self.cvar_coefs = [1.0]
        for s in range(S):
            u = self.V.add("u", -1, -1, "", binary=False)
            cols = np.r_[np.array(firsts, dtype=np.int64), u, self.eta]
            self.rows.add(cols, np.r_[L[s], -1.0, -1.0], Sense.LE, 0.0)
            self.cvar_cols.append(u)
            self.cvar_coefs.append(scale)
        if p.cvar_lambda:
            for col, coef in zip(self.cvar_cols, self.cvar_coefs, strict=True):
                self.extra_c[col] = self.extra_c.get(col, 0.0) - p.cvar_lambda * coef

    # -- the plan's groups, period by period -------------------------------------------------
    def group(self, c: Constraint, bounds: Mapping[str, float]) -> None:
        """The rows of group ``c``: one per period (or one over the roadmap)."""
        periods: list[int | None] = list(range(self.P)) if c.kind in _PER_PERIOD else [None]
        if c.kind is K.COVERAGE:
            periods = list(range(self.cal.first_period(self.inp.coverage_from), self.P))
        if self.cal.per_year > 1 and c.unit.endswith("/yr"):  # amounts per quarter
            c = replace(c, unit=c.unit[: -len("/yr")] + "/quarter")
        yearly = c.kind is K.LIMIT and c.target == "cost_one_off"
        if yearly:  # a one-off budget is a pot per year, whatever the step
            periods = list(range(self.cal.years))
        for t in periods:
            label = "" if t is None else (self.cal.year_label(t) if yearly else self.cal.label(t))
            bound = self._bound(c, t)
            yc = YearConstraint(c, t, label, bound)
            yc = replace(yc, bound=float(bounds.get(yc.key, bound)))
            built = _ROWS[c.kind](self, c, t, yc.bound)
            if built is not None:
                self._add_group(yc, *built)

    def _bound(self, c: Constraint, t: int | None) -> float:
        if c.kind is K.LIMIT and c.target in self.inp.caps and t is not None:
            return float(self.inp.caps[c.target][t])
        return float(c.bound)

    def _add_group(self, yc: YearConstraint, parts: _Parts) -> None:
        """Record the group: its constraint row, its usage and denominator rows, its offset."""
        b = yc.bound
        if yc.kind in RATIO:
            cols = np.r_[parts.cols, parts.den_cols]
            coefs = np.r_[parts.coefs, -b * parts.den_coefs]
            rhs = 0.0
        else:
            cols = np.r_[parts.cols, parts.row_cols]
            coefs = np.r_[parts.coefs, parts.row_coefs]
            rhs = b - parts.offset
        row = self.rows.add(cols, coefs, yc.sense, rhs)
        self.groups.append(yc)
        self.group_row.append(row)
        self.use.add(parts.cols, parts.coefs, Sense.LE, 0.0)
        self.den.add(parts.den_cols, parts.den_coefs, Sense.LE, 0.0)
        self.cap.add(parts.cap_cols, parts.cap_coefs, Sense.LE, 0.0)
        self.offset.append(parts.offset)

    def _coverage_levels(self, gap: str) -> Mapping[str, float]:
        p = self.inp.plan.problem
        return {i: float(p.coverage.loc[i, gap]) for i in p.ids} if p.coverage is not None else {}

    def _coverage_row(
        self, gap: str, level: Mapping[str, float], t: int
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Coverage of ``gap`` in period t: variable terms and the fixed level (kept alliances
        and the free ones' constant 1·level)."""
        stages = self.inp.stages
        idx, vals = self.active(t, level)
        keep = np.array([stages[self.stage[v]].coverage for v in idx], dtype=bool)
        cols, coefs = [idx[keep]], [vals[keep]]
        const = float(self.fixed_cov.get(gap, np.zeros(self.P))[t])
        for e in self.inp.existing:
            lv = float(e.coverage.get(gap, 0.0))
            if e.free and lv:
                rc, rv = self.run_terms(e.alliance_id, t)
                cols.append(rc)
                coefs.append(lv * rv)
                const += lv
        return np.concatenate(cols), np.concatenate(coefs), const

    # -- finishing -----------------------------------------------------------------------------
    def finish(self, bounds: Mapping[str, float]) -> RoadmapProblem:
        """The matrix model, the groups and the objective vectors."""
        n = len(self.V.kind)
        c, reported, constant = _objective(self.inp, self.V, n)
        for col, coef in self.extra_c.items():
            c[col] += coef
        A = self.rows.matrix(n)
        model = MatrixModel(
            c=c,
            A=A,
            sense=tuple(self.rows.sense),
            rhs=np.array(self.rows.rhs),
            lower=np.array(self.V.lower),
            upper=np.array(self.V.upper),
            integer=np.array(self.V.integer, dtype=bool),
        )
        return RoadmapProblem(
            inputs=self.inp,
            matrix=model,
            groups=tuple(self.groups),
            group_row=np.array(self.group_row, dtype=np.int64),
            usage=self.use.matrix(n),
            denominator=self.den.matrix(n),
            cap_terms=self.cap.matrix(n),
            offset=np.array(self.offset),
            var_kind=np.array(self.V.kind),
            var_stage=np.array(self.V.stage, dtype=np.int64),
            var_period=np.array(self.V.period, dtype=np.int64),
            var_item=np.array(self.V.item, dtype=object),
            reported=reported,
            constant=constant,
            bounds=dict(bounds),
        )


@dataclass
class _Parts:
    """A group's row in parts: usage terms (what is reported as used), the fixed offset, extra
    row-only terms (carry-over), the denominator of ratios and the cap's variable terms."""

    cols: np.ndarray
    coefs: np.ndarray
    offset: float = 0.0
    row_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    row_coefs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    den_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    den_coefs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cap_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cap_coefs: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _cat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cols = np.concatenate([np.asarray(c, dtype=np.int64) for c, _ in parts])
    return cols, np.concatenate([np.asarray(v, dtype=float) for _, v in parts])


def _counted(b: _Builder) -> dict[str, float]:
    """1 for each new partner (the plan's counted rows)."""
    p = b.inp.plan.problem
    return {i: w for i, w in zip(p.ids, counted(p), strict=True) if w}


def _limit_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts] | None:
    """A limit column in period t: one-off at start, annual cost while running (ramped), FTE or
    another column (expected loss) while running; kept alliances as the offset."""
    col, f = c.target, b.cal.fraction
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    stages = b.inp.stages
    out = _Parts(np.zeros(0, dtype=np.int64), np.zeros(0))
    if col == "cost_one_off":  # t is a year: its periods' formation, pilot and exit costs
        year = np.isin(b.period, list(b.cal.periods_in_year(t)))
        starts = b.starts[year[b.starts]]
        parts.append((starts, np.array([stages[b.stage[v]].one_off for v in starts])))
        exits = b.exits[year[b.exits]]
        costs = {e.alliance_id: e.exit_cost for e in b.inp.existing}
        parts.append((exits, np.array([costs[b.item[v]] for v in exits])))
        out.offset = float(b.fixed_one_off[list(b.cal.periods_in_year(t))].sum())
        carry = np.flatnonzero(b.kind == "carry")
        if len(carry):
            this = carry[b.period[carry] == t]
            before = carry[b.period[carry] == t - 1]
            phi = b.inp.carry_over
            out.row_cols = np.r_[this, before].astype(np.int64)
            out.row_coefs = np.r_[np.ones(len(this)), -phi * np.ones(len(before))]
            out.cap_cols, out.cap_coefs = before.astype(np.int64), phi * np.ones(len(before))
    else:
        if col == "cost_annual":
            column = b.cost[:, [t]]
            parts.append((column.indices, column.data))
            per = {e.alliance_id: e.annual * f for e in b.inp.existing}
            out.offset = float(b.fixed_annual[t])
        else:
            per_stage = [_stage_amount(s, col) for s in stages]
            idx, _ = b.active(t)
            parts.append((idx, np.array([per_stage[b.stage[v]] for v in idx])))
            per = {e.alliance_id: e.fte for e in b.inp.existing} if col == "mgmt_load_fte" else {}
            out.offset = float(b.fixed_fte[t]) if col == "mgmt_load_fte" else 0.0
        for e in b.inp.existing:
            if e.free and per.get(e.alliance_id):
                rc, rv = b.run_terms(e.alliance_id, t)
                parts.append((rc, per[e.alliance_id] * rv))
                out.offset += per[e.alliance_id]
    out.cols, out.coefs = _cat(parts)
    return (out,)


def _stage_amount(s: Stage, column: str) -> float:
    if column == "mgmt_load_fte":
        return s.fte
    return float(s.extra.get(column, 0.0))


def _count_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts]:
    """New partners running in period t (all, or those of a group)."""
    weight = _counted(b)
    if c.kind is K.GROUP_COUNT:
        p = b.inp.plan.problem
        mask = group_mask(p, c.target)
        weight = {i: 1.0 for i, m in zip(p.ids, mask, strict=True) if m}
    idx, vals = b.active(t, weight)
    return (_Parts(idx, vals),)


def _average_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts]:
    """Average of a column over new partners running in t: ``Σ c_i·a_it / Σ a_it``."""
    p = b.inp.plan.problem
    values = dict(zip(p.ids, p.table[c.target].astype(float), strict=True))
    weight = _counted(b)
    idx, vals = b.active(t, {i: values[i] for i in weight})
    didx, dvals = b.active(t, weight)
    return (_Parts(idx, vals, den_cols=didx, den_coefs=dvals),)


def _cost_share_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts]:
    """A group's share of the new partners' annual cost in period t."""
    p = b.inp.plan.problem
    g = c.target
    members = {i for i, m in zip(p.ids, group_mask(p, g), strict=True) if m}
    weight = _counted(b)
    column = b.cost[:, [t]]
    keep = np.array([b.item[v] in weight for v in column.indices], dtype=bool)
    idx, vals = column.indices[keep], column.data[keep]
    inside = np.array([b.item[v] in members for v in idx], dtype=bool)
    return (_Parts(idx[inside], vals[inside], den_cols=idx, den_coefs=vals),)


def _coverage_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts]:
    cols, coefs, const = b._coverage_row(c.target, b._coverage_levels(c.target), t)
    return (_Parts(cols, coefs, offset=const),)


def _conflict_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts] | None:
    """At most one of the clique running in period t (a free alliance runs until it exits)."""
    members = set(c.target)
    idx, vals = b.active(t, dict.fromkeys(members, 1.0))
    parts, offset = [(idx, vals)], 0.0
    for e in b.inp.existing:
        if e.free and e.alliance_id in members:
            parts.append(b.run_terms(e.alliance_id, t))
            offset += 1.0
    cols, coefs = _cat(parts)
    if len(cols) + offset < 2:
        return None
    return (_Parts(cols, coefs, offset=offset),)


def _requires_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts] | None:
    """``a_it ≤ Σ_k a_kt``: the partner runs only while one it needs runs."""
    a, *needs = c.target
    idx, vals = b.active(t, {a: 1.0})
    if not len(idx):
        return None
    nidx, nvals = b.active(t, dict.fromkeys(needs, 1.0))
    parts, offset = [(idx, vals), (nidx, -nvals)], 0.0
    for e in b.inp.existing:
        if e.free and e.alliance_id in needs:
            rc, rv = b.run_terms(e.alliance_id, t)
            parts.append((rc, -rv))
            offset -= 1.0
    cols, coefs = _cat(parts)
    return (_Parts(cols, coefs, offset=offset),)


def _include_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts]:
    """The partner starts (its first stage) in some period of the roadmap."""
    first = [
        v for v in b.starts if b.item[v] == c.target and b.inp.stages[b.stage[v]].after is None
    ]
    return (_Parts(np.array(first, dtype=np.int64), np.ones(len(first))),)


def _cvar_row(b: _Builder, c: Constraint, t: int | None, bound: float) -> tuple[_Parts] | None:
    if not hasattr(b, "eta"):
        return None
    return (_Parts(np.array(b.cvar_cols, dtype=np.int64), np.array(b.cvar_coefs)),)


_ROWS = {
    K.LIMIT: _limit_row,
    K.COUNT: _count_row,
    K.GROUP_COUNT: _count_row,
    K.AVERAGE: _average_row,
    K.GROUP_COST_SHARE: _cost_share_row,
    K.COVERAGE: _coverage_row,
    K.CONFLICT: _conflict_row,
    K.REQUIRES: _requires_row,
    K.MUST_INCLUDE: _include_row,
    K.CVAR: _cvar_row,
}


# -- the objective ----------------------------------------------------------------------------
def _objective(inp: RoadmapInputs, V: _Vars, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Model coefficients, reported coefficients and the model constant (docs/method.md §12).

    A stage started in period τ is worth ``(1 + r)^−τ·f`` times its value at its start: the
    plan's own coefficient for a plain stage, else its E[NPV] with ramps (objectives a, d, e),
    its score (b, scale-ups only) or the blend of both (c). A free alliance kept all along earns
    ``NPV_j = Σ_k (V_j − Ca_j)·f·(1+r)^−k·f`` over the horizon; exiting in period e gives up the
    flows from e on and pays ``X_j`` then.
    """
    p = inp.plan.problem
    objective = inp.options.objective
    d = discount_factors(inp.rate, inp.calendar, max(inp.calendar.periods, 1) + 1)
    npv_scale = float(p.table["e_npv"].astype(float).abs().max()) or 1.0
    value = [_stage_value(inp, s, npv_scale) for s in inp.stages]
    c, reported = np.zeros(n), np.zeros(n)
    constant = 0.0
    for v, kind in enumerate(V.kind):
        if kind == "start":
            model_value, shown = value[V.stage[v]]
            c[v] = d[V.period[v]] * model_value
            reported[v] = d[V.period[v]] * shown
    f = inp.calendar.fraction
    life = inp.calendar.periods_of(inp.horizon)
    weight = {Objective.SCORE: 0.0, Objective.BLEND: inp.options.blend / npv_scale}
    w = weight.get(objective, 1.0)
    terms = {e.alliance_id: e for e in inp.existing if e.free}
    for v, kind in enumerate(V.kind):
        if kind != "exit":
            continue
        e, t = terms[V.item[v]], V.period[v]
        lost = sum(
            (e.value - e.annual) * f * (1 + inp.rate) ** (-k * f) for k in range(t + 1, life + 1)
        )
        c[v] = -w * (lost + e.exit_cost * (1 + inp.rate) ** (-t * f))
    for e in terms.values():
        flows = sum(
            (e.value - e.annual) * f * (1 + inp.rate) ** (-k * f) for k in range(1, life + 1)
        )
        constant += w * flows
    return c, reported, constant


def _stage_value(inp: RoadmapInputs, s: Stage, npv_scale: float) -> tuple[float, float]:
    """(model value, reported value) of a stage at its start."""
    p = inp.plan.problem
    objective = inp.options.objective
    if s.plain and s.life == inp.calendar.periods_of(inp.horizon) and inp.calendar.per_year == 1:
        return float(p.objective[s.partner]), float(inp.plan.reported[s.partner])
    npv = s.expected_npv(inp.calendar, inp.rate)
    if objective is Objective.SCORE:
        return s.score, s.score
    if objective is Objective.BLEND:
        b = inp.options.blend
        return b * npv / npv_scale + (1 - b) * s.score / 100.0, npv
    return npv, npv
