"""The MILP itself: the only module that imports ``pulp`` or ``highspy``.

``build`` turns a ``PortfolioProblem`` into a PuLP model, one row per active constraint group
(read from its ``Constraint``), plus the coverage reward, CVaR (Rockafellar & Uryasev 2000) and
synergy linearisations of docs/method.md §4. ``solve`` runs HiGHS in-process or the CBC binary
bundled with PuLP 3 and maps the outcome to ``SolveStatus``: a solve stopped by the time limit
is ``TIME_LIMIT`` with its relative gap, never optimal (bundled CBC writes "Optimal"-like
statuses after a time limit, so its log is read). ``feasible`` and ``optimise`` are the re-solves
the diagnosis and the frontier ask for.

Models given as matrices (the roadmap of docs/method.md §12) are built by ``build_matrix`` from
a ``MatrixModel``; ``add_terms_row``, ``add_objective_floor`` and ``set_objective_terms`` add the
rows and objectives that near-optimal alternatives and limit values re-solve with, on either kind
of model. All of them end in the same ``solve``.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pulp

from alliancekit.errors import DataValidationError, InfeasiblePortfolioError
from alliancekit.model import SolveStatus
from alliancekit.parallel import in_worker
from alliancekit.portfolio.constraints import Constraint, ConstraintKind, Sense
from alliancekit.portfolio.evaluate import lhs, row, screened
from alliancekit.portfolio.problem import PortfolioProblem, Solver

__all__ = [
    "SOLVER_LOG",
    "MatrixModel",
    "Model",
    "Outcome",
    "add_objective_floor",
    "add_terms_row",
    "build",
    "build_matrix",
    "feasible",
    "optimise",
    "race",
    "set_objective_terms",
    "set_solver_log",
    "solve",
]

K = ConstraintKind
#: When True the solvers write their own logs to the process's output (``alliancekit
#: --verbose``); otherwise no solver text reaches anything a person or a program reads.
SOLVER_LOG = False
#: Groups that are rows of the model (the others are bounds x_i = 0 set before it is built).
_ROW_KINDS = frozenset(K) - {K.EACH, K.MUST_EXCLUDE, K.SCREEN, K.CVAR}
_SOLVED = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


def set_solver_log(on: bool) -> None:
    """Let the solvers write their own logs to stdout (``True``) or keep them silent."""
    global SOLVER_LOG
    SOLVER_LOG = bool(on)


# -- building --------------------------------------------------------------------------------
@dataclass
class Model:
    """A PuLP model of a problem: binaries ``x`` by partner position, rows by group."""

    prob: pulp.LpProblem
    x: dict[int, pulp.LpVariable]
    rows: dict[Constraint, pulp.LpConstraint] = field(default_factory=dict)
    aux: dict[str, Any] = field(default_factory=dict)

    def add(self, c: Constraint, constraint: pulp.LpConstraint) -> None:
        """Add the row of constraint group ``c``."""
        self.rows[c] = constraint
        self.prob.addConstraint(constraint, name=f"c{len(self.rows)}")


def _expr(x: Mapping[int, pulp.LpVariable], coef: np.ndarray, extra=()) -> pulp.LpAffineExpression:
    terms = [(var, float(coef[k])) for k, var in x.items() if coef[k] != 0.0]
    terms.extend(extra)
    return pulp.LpAffineExpression(terms)


def _compare(expr: pulp.LpAffineExpression, sense: Sense, rhs: float) -> pulp.LpConstraint:
    if sense is Sense.LE:
        return expr <= rhs
    if sense is Sense.GE:
        return expr >= rhs
    return expr == rhs


def build(
    p: PortfolioProblem,
    active: Collection[Constraint] | None = None,
    *,
    objective: str | tuple[str, np.ndarray | Constraint] = "main",
    bounds: Mapping[Constraint, float] | None = None,
    fix: Mapping[str, int] | None = None,
) -> Model:
    """Build the PuLP model with the ``active`` constraint groups (all when None).

    ``objective``: "main" (the problem's objective), "none" (feasibility), or ``(direction,
    target)`` with direction "min"/"max" and target a coefficient vector over partners or a
    constraint group whose left-hand side to optimise. ``bounds`` replace groups' bounds;
    ``fix`` fixes partners to 0/1 (used by explanations).
    """
    bounds = dict(bounds or {})
    removed = screened(p, active, bounds)
    fixed = dict(fix or {})
    allowed = [k for k, i in enumerate(p.ids) if i not in removed or fixed.get(i) == 1]
    prob = pulp.LpProblem("portfolio", pulp.LpMaximize)
    x = {k: prob.add_variable(f"x_{k:07d}", 0, 1, cat=pulp.LpBinary) for k in allowed}
    for i, v in fixed.items():
        k = p.position[i]
        if k in x:
            x[k].lowBound = x[k].upBound = int(v)
    model = Model(prob, x)
    for c in p.constraints:
        if c.kind in _ROW_KINDS and (active is None or c in active or c.soft):
            _add_row(model, p, c, bounds.get(c, c.bound))
    _add_reward(model, p)
    _add_cvar(model, p, active, bounds, needed=objective != "main")
    _add_synergy(model, p)
    _set_objective(model, p, objective)
    return model


def _add_row(model: Model, p: PortfolioProblem, c: Constraint, bound: float) -> None:
    """The row of one group: partner rules by their members, the rest by ``evaluate.row``."""
    x, pos = model.x, p.position
    if c.kind is K.MUST_INCLUDE:
        k = pos[c.target]
        terms = [(x[k], 1.0)] if k in x else []  # screened: cannot be included
        model.add(c, pulp.LpAffineExpression(terms) >= 1)
    elif c.kind is K.REQUIRES:
        a, *needs = (pos[i] for i in c.target)
        if a in x:
            terms = [(x[a], 1.0)] + [(x[b], -1.0) for b in needs if b in x]
            model.add(c, pulp.LpAffineExpression(terms) <= 0)
    elif c.kind is K.CONFLICT:
        members = [x[pos[i]] for i in c.target if pos[i] in x]
        if len(members) >= 2:
            model.add(c, pulp.LpAffineExpression([(v, 1.0) for v in members]) <= 1)
    elif c.soft:  # coverage with a penalty per unit of shortfall s ≥ 0
        coef, need = row(p, c, bound)
        soft = model.aux.setdefault("soft", [])
        s = model.prob.add_variable(f"short_{len(soft)}", 0)
        soft.append((s, -p.coverage_soft))
        model.aux[f"short[{c.target}]"] = s
        model.add(c, _expr(x, coef) + s >= need)
    else:
        coef, rhs = row(p, c, bound)
        model.add(c, _compare(_expr(x, coef), c.sense, rhs))


def _add_reward(model: Model, p: PortfolioProblem) -> None:
    """Coverage reward z_g ≤ min(1, coverage_g): no credit for over-coverage (objective e)."""
    if p.coverage is None:
        return
    model.aux.setdefault("soft", [])
    reward = model.aux["reward"] = []
    for gap, importance in p.coverage_reward.items():
        z = model.prob.add_variable(f"z_{len(reward)}", 0, 1)
        base = p.coverage_base.get(gap, 0.0)
        model.prob.addConstraint(_expr(model.x, p.coverage[gap].to_numpy()) - z >= -base)
        reward.append((z, float(importance)))
        model.aux[f"z[{gap}]"] = z


def _add_cvar(
    model: Model,
    p: PortfolioProblem,
    active: Collection[Constraint] | None,
    bounds: Mapping[Constraint, float],
    *,
    needed: bool,
) -> None:
    """CVaR_β = η + Σ_s u_s / ((1 − β)·S) with u_s ≥ loss_s·x − η (Rockafellar–Uryasev)."""
    cap = p.find(K.CVAR)
    capped = cap is not None and (active is None or cap in active)
    if p.scenario_loss is None or not (p.cvar_lambda or capped or needed):
        return
    prob, x = model.prob, model.x
    S = p.scenario_loss.shape[0]
    eta = prob.add_variable("eta")
    scale = 1.0 / ((1.0 - p.cvar_beta) * S)
    us = []
    idx = list(x)
    L = p.scenario_loss[:, idx] if idx else np.zeros((S, 0))
    for s in range(S):
        u = prob.add_variable(f"u_{s}", 0)
        us.append(u)
        terms = [(x[k], float(L[s, j])) for j, k in enumerate(idx) if L[s, j] != 0.0]
        terms += [(u, -1.0), (eta, -1.0)]
        prob.addConstraint(pulp.LpAffineExpression(terms) <= 0)
    expr = model.aux["cvar"] = pulp.LpAffineExpression([(eta, 1.0)] + [(u, scale) for u in us])
    if capped:
        model.add(cap, expr <= bounds.get(cap, cap.bound))


def _add_synergy(model: Model, p: PortfolioProblem) -> None:
    """Pair bonus σ·w_ab with w_ab = x_a·x_b linearised (docs/method.md §4)."""
    if not p.synergy:
        return
    x, pos, terms = model.x, p.position, []
    for (a, b), sigma in p.synergy.items():
        ka, kb = pos[a], pos[b]
        if ka not in x or kb not in x:
            continue
        w = model.prob.add_variable(f"w_{ka}_{kb}", 0, 1)
        model.prob.addConstraint(w - x[ka] <= 0)
        model.prob.addConstraint(w - x[kb] <= 0)
        model.prob.addConstraint(w - x[ka] - x[kb] >= -1)
        terms.append((w, float(sigma)))
    model.aux["synergy"] = terms


def _set_objective(model: Model, p: PortfolioProblem, objective: Any) -> None:
    x, aux = model.x, model.aux
    if objective == "main":
        terms = [(v, float(p.objective.iloc[k])) for k, v in x.items()]
        terms += aux.get("synergy", []) + aux.get("soft", []) + aux.get("reward", [])
        expr = pulp.LpAffineExpression(terms)
        if p.cvar_lambda and "cvar" in aux:
            expr = expr - p.cvar_lambda * aux["cvar"]
        model.prob.setObjective(expr)
    elif objective == "none":
        model.prob.setObjective(pulp.LpAffineExpression([]))
    else:
        direction, target = objective
        if isinstance(target, Constraint):
            expr = aux["cvar"] if target.kind is K.CVAR else _expr(x, lhs(p, target))
        else:
            expr = _expr(x, np.asarray(target, dtype=float))
        model.prob.setObjective(expr if direction == "max" else -expr)


# -- solving ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What a solve returned: status, relative gap, seconds, x values by position, objective."""

    status: SolveStatus
    gap: float
    seconds: float
    values: dict[int, float]
    objective: float | None
    solver: str = ""  # the solver whose answer this is ("highs"/"cbc"; both raced: the winner)


_HIGHS_STARTED = False


def _start_highs_quietly() -> None:
    """Build the process's first ``highspy.Highs`` object with file descriptors 1 and 2 muted.

    highspy >= 1.16 prints a two-line copyright banner from C++ straight to file descriptor 1 the
    first time a ``Highs`` object is built, before any option can silence it. Python's
    ``sys.stdout`` never sees it, so it would land in CLI output, notebook outputs (ipykernel
    forwards descriptor-level output), review.html and the web app. The banner is printed once
    per process, so one throwaway object built with the descriptors pointed at ``/dev/null``
    (and C's stdio buffers flushed before they are restored) keeps every later solve quiet,
    whatever the highspy version.
    """
    global _HIGHS_STARTED
    if _HIGHS_STARTED:
        return
    import ctypes

    import highspy

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    libc = ctypes.CDLL(None)
    saved: list[tuple[int, int]] = []
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                saved.append((fd, os.dup(fd)))
                os.dup2(devnull, fd)
        highspy.Highs()
        libc.fflush(None)  # the banner may sit in C's stdout buffer when fd 1 is a pipe
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)
    _HIGHS_STARTED = True


class _WarmHiGHS(pulp.HiGHS):
    """In-process HiGHS that hands a start selection (incumbent) to the MIP solver."""

    def __init__(
        self, start: Mapping[str, float] | None = None, race: _Race | None = None, **kwargs: Any
    ) -> None:
        _start_highs_quietly()
        super().__init__(**kwargs)
        self._start = dict(start or {})
        self._race = race

    def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 - PuLP's hook name
        if self._race is not None:  # a race: the other leg may cancel this solve
            lp.solverModel.HandleUserInterrupt = True
            self._race.highs = lp.solverModel
            if self._race.done.is_set():
                lp.solverModel.cancelSolve()
        if self._start:
            import highspy

            variables = lp.variables()
            sol = highspy.HighsSolution()
            values = [0.0] * len(variables)
            for var in variables:
                values[var.index] = self._start.get(var.name, 0.0)
            sol.col_value = values
            sol.value_valid = True
            lp.solverModel.setSolution(sol)  # rejected by HiGHS if infeasible: harmless
        lp.solverModel.run()


def solve(
    model: Model,
    solver: Solver,
    time_limit: float,
    mip_gap: float,
    start: Iterable[int] | None = None,
    _race: _Race | None = None,
) -> Outcome:
    """Solve with HiGHS (in-process) or bundled CBC; map the outcome to ``SolveStatus``.

    ``start``: positions of partners in a known selection, passed as the initial incumbent
    (a warm start for frontier points and robustness draws). With the default HiGHS, a large
    model with several dense knapsack-like rows is raced against CBC (:func:`race`).
    """
    prob = model.prob
    t0 = time.perf_counter()
    if not model.x and not model.rows:
        return Outcome(SolveStatus.OPTIMAL, 0.0, 0.0, {}, 0.0, solver.value)
    if _race is None and solver is Solver.HIGHS and _should_race(model):
        return race(model, time_limit, mip_gap, start)
    warm = None
    if start is not None:
        chosen = set(start)
        warm = {v.name: (1.0 if k in chosen else 0.0) for k, v in model.x.items()}
    log_path = None
    if solver is Solver.HIGHS:
        engine = _WarmHiGHS(warm, _race, msg=SOLVER_LOG, timeLimit=time_limit, gapRel=mip_gap)
    else:
        fd, log_path = tempfile.mkstemp(prefix="alliancekit-cbc-", suffix=".log")
        os.close(fd)
        engine = _cbc(model, warm, time_limit, mip_gap, log_path)
        if _race is not None:
            _race.cbc_thread = threading.get_native_id()
    try:
        prob.solve(engine)
        seconds = time.perf_counter() - t0
        if log_path is None:
            status, gap = _highs_status(prob)
        else:
            status, gap = _cbc_status(prob, _read(log_path), seconds, time_limit)
    finally:
        if log_path is not None and os.path.exists(log_path):
            os.remove(log_path)
    if status not in _SOLVED:
        return Outcome(status, gap, seconds, {}, None, solver.value)
    values = {k: float(v.varValue or 0.0) for k, v in model.x.items()}
    objective = pulp.value(prob.objective)
    objective = 0.0 if objective is None else float(objective)
    return Outcome(status, gap, seconds, values, objective, solver.value)


def _cbc(
    model: Model, warm: Mapping[str, float] | None, time_limit: float, gap: float, log: str
) -> pulp.COIN_CMD:
    """The bundled CBC binary, single-threaded, logging to ``log`` (read for the status)."""
    if warm:
        for v in model.x.values():
            v.setInitialValue(warm[v.name])
    settings = {"timeLimit": time_limit, "gapRel": gap, "logPath": log, "threads": 1}
    return pulp.COIN_CMD(path=_cbc_path(), msg=SOLVER_LOG, warmStart=bool(warm), **settings)


def _cbc_path() -> str:
    """The CBC binary bundled with PuLP 3 (PuLP 4 drops it: then ``cbc`` on PATH)."""
    bundled = getattr(getattr(pulp, "PULP_CBC_CMD", None), "pulp_cbc_path", None)
    if bundled and os.path.exists(bundled):
        return bundled
    found = shutil.which("cbc")
    if found is None:
        raise DataValidationError.single("solver='cbc' needs a CBC binary (bundled with PuLP 3)")
    return found


def _read(path: str) -> str:
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def _highs_status(prob: pulp.LpProblem) -> tuple[SolveStatus, float]:
    import highspy

    status = highspy.HighsModelStatus
    h = prob.solverModel
    ms = h.getModelStatus()
    info = h.getInfo()
    gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else math.inf
    if ms == status.kOptimal:
        return SolveStatus.OPTIMAL, (gap if prob.isMIP() else 0.0)
    if ms in (status.kInfeasible, status.kUnboundedOrInfeasible):
        return SolveStatus.INFEASIBLE, math.nan
    if ms == status.kUnbounded:
        return SolveStatus.UNBOUNDED, math.nan
    if ms in (status.kTimeLimit, status.kIterationLimit, status.kInterrupt):
        if prob.sol_status in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionOptimal):
            return SolveStatus.TIME_LIMIT, gap
        return SolveStatus.NOT_SOLVED, math.nan
    return SolveStatus.ERROR, math.nan


def _cbc_status(
    prob: pulp.LpProblem, log: str, seconds: float, time_limit: float
) -> tuple[SolveStatus, float]:
    sol = prob.sol_status
    result = ""
    for line in log.splitlines():
        if line.startswith("Result - "):
            result = line.lower()
    stopped = any(f"stopped on {why}" in result for why in ("time", "iterations", "ctrl-c"))
    if not result and seconds >= 0.98 * time_limit:
        stopped = True  # no summary line but the clock ran out: never claim optimality
    gap = _cbc_gap(log)
    if "infeasible" in result or prob.status == pulp.LpStatusInfeasible:
        return SolveStatus.INFEASIBLE, math.nan
    if "unbounded" in result or prob.status == pulp.LpStatusUnbounded:
        return SolveStatus.UNBOUNDED, math.nan
    if stopped or sol == pulp.LpSolutionIntegerFeasible:
        if sol in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionOptimal):
            return SolveStatus.TIME_LIMIT, gap
        return SolveStatus.NOT_SOLVED, math.nan
    if prob.status == pulp.LpStatusOptimal and sol == pulp.LpSolutionOptimal:
        return SolveStatus.OPTIMAL, (0.0 if not math.isfinite(gap) else gap)
    if prob.status == pulp.LpStatusNotSolved:
        return SolveStatus.NOT_SOLVED, math.nan
    return SolveStatus.ERROR, math.nan


def _cbc_gap(text: str) -> float:
    """Relative gap |bound − incumbent| / |incumbent| from a CBC log (its own "Gap:" is signed)."""
    obj = bound = None
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) != 2:
            continue
        key, val = parts[0].strip().lower(), parts[1].strip()
        try:
            num = float(val.split()[0])
        except (ValueError, IndexError):
            continue
        if key == "objective value":
            obj = num
        elif key in ("upper bound", "lower bound"):
            bound = num
    if obj is None:
        return math.inf
    if bound is None:
        return 0.0
    return abs(bound - obj) / max(abs(obj), 1e-10)


# -- racing HiGHS against CBC on hard models ---------------------------------------------------
#: binaries from which a model with ``RACE_MIN_DENSE_ROWS`` dense rows is raced (measured:
#: benchmarks/RESULTS.md, "Scale"); smaller models solve in milliseconds with HiGHS alone
RACE_MIN_BINARIES = 300
#: rows with nonzeros on at least half of the binaries (budgets, averages, counts)
RACE_MIN_DENSE_ROWS = 4


@dataclass
class _Race:
    """What the two legs of a race share: who finished, and how to stop the other."""

    done: threading.Event = field(default_factory=threading.Event)
    winner: str | None = None  # the first leg to finish with a proof
    highs: Any = None  # the running highspy.Highs, for cancelSolve
    cbc_thread: int | None = None  # native id of the thread that starts CBC (its parent)
    signalled: dict[int, float] = field(default_factory=dict)  # CBC pid -> when interrupted


def _should_race(model: Model) -> bool:
    """Race when the model is large with several dense knapsack-like rows, two cores are free
    and this is not already a task of a parallel sweep."""
    n = len(model.x)
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; elsewhere every core counts
    cores = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    if n < RACE_MIN_BINARIES or in_worker() or cores < 2:
        return False
    names = {v.name for v in model.x.values()}
    dense = sum(
        1
        for row in model.prob.constraints.values()
        if sum(1 for v in row if v.name in names) >= n / 2
    )
    return dense >= RACE_MIN_DENSE_ROWS


def race(
    model: Model, time_limit: float, mip_gap: float, start: Iterable[int] | None = None
) -> Outcome:
    """Solve with HiGHS and CBC at once (two threads; CBC runs as its own process).

    Multi-dimensional knapsack structure (many dense budget rows plus an average cap) makes
    HiGHS restart at the root and spend its time in sub-MIP heuristics without branching,
    while CBC branches and closes the gap (docs/scaling.md); on other models HiGHS is faster.
    The first leg to finish with a proof (optimal within ``mip_gap``, or infeasible) wins and
    the other is stopped; if both run out of time, the better selection is returned, still
    labelled ``TIME_LIMIT`` with its own gap. Both legs see the same warm start.
    """
    shared = _Race()
    models = {"highs": model}
    results: dict[str, Outcome] = {}

    def leg(name: str, solver: Solver) -> None:
        try:
            if name == "cbc":  # the copy is built here, while HiGHS already runs
                models[name] = _twin(model)
            if shared.done.is_set():  # the other leg already decided
                results[name] = Outcome(SolveStatus.NOT_SOLVED, math.nan, 0.0, {}, None, name)
                return
            results[name] = solve(models[name], solver, time_limit, mip_gap, start, _race=shared)
        except Exception:  # a leg stopped mid-write, or a solver failure: the other leg decides
            results[name] = Outcome(SolveStatus.ERROR, math.nan, 0.0, {}, None, solver.value)
        finally:
            decisive = name in results and results[name].status not in _UNDECIDED
            if decisive and not shared.done.is_set():
                shared.winner = name
            if decisive or len(results) == 2:
                shared.done.set()

    _start_highs_quietly()  # descriptor juggling happens once, before any thread starts
    threads = {
        "highs": threading.Thread(target=leg, args=("highs", Solver.HIGHS), daemon=True),
        "cbc": threading.Thread(target=leg, args=("cbc", Solver.CBC), daemon=True),
    }
    for t in threads.values():
        t.start()
    shared.done.wait()
    if shared.winner is not None:  # stop the loser (retry: its process may start late)
        loser = "cbc" if shared.winner == "highs" else "highs"
        while threads[loser].is_alive():
            _stop_other(shared, stop_highs=loser == "highs")
            threads[loser].join(0.05)
    for t in threads.values():
        t.join()
    return _winner(models, results, shared.winner)


_UNDECIDED = (SolveStatus.TIME_LIMIT, SolveStatus.NOT_SOLVED, SolveStatus.ERROR)


def _twin(model: Model) -> Model:
    """An independent copy of the model (its own variables) for the CBC leg."""
    names, twin_prob = pulp.LpProblem.from_dict(model.prob.to_dict())
    return Model(twin_prob, {k: names[v.name] for k, v in model.x.items()})


def _stop_other(shared: _Race, *, stop_highs: bool) -> None:
    """Stop the losing leg: cancel HiGHS, or interrupt the CBC process (it keeps its best)."""
    if stop_highs:
        if shared.highs is not None:
            shared.highs.cancelSolve()
        return
    if shared.cbc_thread is None:
        return
    children = f"/proc/self/task/{shared.cbc_thread}/children"
    with contextlib.suppress(OSError, ValueError), open(children, encoding="ascii") as fh:
        for pid in map(int, fh.read().split()):
            if pid not in shared.signalled:  # CBC stops and reports "stopped on ctrl-c"
                shared.signalled[pid] = time.monotonic()
                os.kill(pid, signal.SIGINT)
            elif time.monotonic() - shared.signalled[pid] > 2.0:
                os.kill(pid, signal.SIGKILL)


def _winner(
    models: Mapping[str, Model], results: Mapping[str, Outcome], winner: str | None
) -> Outcome:
    """The decisive outcome, else the better incumbent (values of the original variables)."""
    if winner is not None:
        pick = results[winner]
    else:
        found = [r for r in results.values() if r.status is SolveStatus.TIME_LIMIT]
        pick = max(found, key=lambda r: r.objective) if found else results["highs"]
    if pick.solver == Solver.CBC.value and pick.status in _SOLVED:
        for k, v in models["highs"].x.items():  # callers may read the original variables
            v.varValue = models["cbc"].x[k].varValue
    return pick


# -- re-solves for the diagnosis and the frontier ----------------------------------------------
def feasible(
    p: PortfolioProblem,
    active: Collection[Constraint],
    bounds: Mapping[Constraint, float] | None = None,
) -> bool:
    """Whether some selection satisfies the ``active`` groups (at ``bounds``)."""
    model = build(p, active, objective="none", bounds=bounds)
    res = solve(model, p.solver, p.time_limit, 0)
    if res.status == SolveStatus.NOT_SOLVED:
        raise InfeasiblePortfolioError(
            "the solver could not decide feasibility within the time limit", (), ()
        )
    return res.status in _SOLVED


def optimise(
    p: PortfolioProblem, active: Collection[Constraint], direction: str, target: Constraint
) -> float | None:
    """The least ("min") or largest ("max") left-hand side of ``target`` under ``active``."""
    model = build(p, active, objective=(direction, target))
    res = solve(model, p.solver, p.time_limit, 1e-9)
    if res.status not in _SOLVED:
        return None
    return float(res.objective if direction == "max" else -res.objective)


# -- matrix models and extra rows (roadmap, alternatives, limit values) ------------------------
@dataclass(frozen=True, eq=False)
class MatrixModel:
    """A MILP as arrays: maximise ``c·v`` subject to ``A·v (sense) rhs`` and bounds on ``v``.

    ``A`` is a sparse matrix (rows × variables, CSR); ``sense`` holds one ``Sense`` per row;
    ``lower``/``upper`` bound each variable (``math.inf``: none); ``integer`` marks the integer
    variables (0/1 when bounded by 0 and 1). Nothing here knows what the rows mean.
    """

    c: np.ndarray
    A: Any  # scipy.sparse.csr_matrix
    sense: tuple[Sense, ...]
    rhs: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray

    @property
    def n(self) -> int:
        """Number of variables."""
        return len(self.c)


def build_matrix(
    m: MatrixModel,
    rows: Collection[int] | None = None,
    *,
    objective: np.ndarray | None = None,
    rhs: Mapping[int, float] | None = None,
) -> Model:
    """A PuLP model of ``m`` with the given ``rows`` (all when None).

    ``objective`` replaces ``m.c`` (zeros: a feasibility problem); ``rhs`` replaces the
    right-hand side of some rows. Variables are ``Model.x`` by column position.
    """
    prob = pulp.LpProblem("matrix", pulp.LpMaximize)
    x = {}
    for k in range(m.n):
        up = None if not math.isfinite(m.upper[k]) else float(m.upper[k])
        lo = None if not math.isfinite(m.lower[k]) else float(m.lower[k])
        cat = pulp.LpInteger if m.integer[k] else pulp.LpContinuous
        if m.integer[k] and lo == 0 and up == 1:
            cat = pulp.LpBinary
        x[k] = prob.add_variable(f"v_{k:07d}", lo, up, cat=cat)
    model = Model(prob, x)
    A, given = m.A.tocsr(), dict(rhs or {})
    variables = list(x.values())
    for r in range(A.shape[0]) if rows is None else sorted(rows):
        lo, hi = A.indptr[r], A.indptr[r + 1]
        terms = zip([variables[j] for j in A.indices[lo:hi]], A.data[lo:hi].tolist(), strict=True)
        row = _compare(pulp.LpAffineExpression(terms), m.sense[r], float(given.get(r, m.rhs[r])))
        prob.addConstraint(row, name=f"r{r}")
    c = m.c if objective is None else np.asarray(objective, dtype=float)
    prob.setObjective(_expr(x, c))
    return model


def add_terms_row(model: Model, terms: Mapping[int, float], sense: Sense, rhs: float) -> None:
    """Add the row ``Σ terms[k]·x_k (sense) rhs`` over the model's variables by position."""
    expr = pulp.LpAffineExpression([(model.x[k], float(v)) for k, v in terms.items() if v])
    extra = model.aux.setdefault("extra_rows", [])
    extra.append(_compare(expr, sense, float(rhs)))
    model.prob.addConstraint(extra[-1], name=f"extra{len(extra)}")


def add_objective_floor(model: Model, floor: float) -> None:
    """Keep the model's current objective (as ``solve`` reports it) at or above ``floor``."""
    expr = model.prob.objective.copy()
    model.prob.addConstraint(expr >= float(floor), name="objective_floor")


def set_objective_terms(model: Model, terms: Mapping[int, float], direction: str) -> None:
    """Replace the objective by ``Σ terms[k]·x_k``, maximised ("max") or minimised ("min")."""
    expr = pulp.LpAffineExpression([(model.x[k], float(v)) for k, v in terms.items() if v])
    model.prob.setObjective(expr if direction == "max" else -expr)
