"""Infeasibility as a finding: which constraint groups conflict, and how far each must move.

A deletion filter over constraint groups (Chinneck & Dravnieks 1991) finds a minimal
conflicting set; for each group in it the value it would need, every other group held, comes
from re-optimising its left-hand side or from bisection on its bound. The message speaks the
groups' labels ("raise the annual budget from 55 to at least 61").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

import numpy as np

from alliancekit.errors import InfeasiblePortfolioError, Relaxation
from alliancekit.model.glossary import knockout_words
from alliancekit.portfolio.constraints import Constraint, ConstraintKind, Sense, join_ids
from alliancekit.portfolio.evaluate import column, offset, partner, screened
from alliancekit.portfolio.milp import feasible, optimise
from alliancekit.portfolio.problem import PortfolioProblem

__all__ = ["deletion_filter", "diagnose_infeasibility", "remedies"]

K = ConstraintKind
Groups = Collection[Constraint]
T = TypeVar("T")


def diagnose_infeasibility(p: PortfolioProblem) -> InfeasiblePortfolioError:
    """Deletion filter over constraint groups: a minimal conflicting set plus relaxations.

    Each group is dropped in turn; if the rest stays infeasible the group is not needed for the
    conflict and is left out for good (Chinneck & Dravnieks 1991). What remains is irreducible at
    group level. For each remaining group the value it must take (all others held) is computed by
    re-optimising its left-hand side or by bisection on its cap.

    Returns
    -------
    InfeasiblePortfolioError
        ``conflicting`` (keys), ``constraints`` (typed), ``relaxations`` and a message in words.
    """
    groups = [c for c in p.constraints if not c.soft]
    if feasible(p, set(groups)):  # numerical disagreement: report plainly
        return InfeasiblePortfolioError(
            "the solver reported infeasibility, but a re-check "
            "found a feasible portfolio; retry with solver='cbc'"
        )
    active = deletion_filter(groups, lambda subset: feasible(p, subset))
    if not active:
        return InfeasiblePortfolioError("no portfolio satisfies the constraints", (), ())
    relaxations = [relaxation(p, c, set(groups) - {c}) for c in active]
    keys = tuple(c.key for c in active)
    message = _message(p, active, relaxations)
    return InfeasiblePortfolioError(message, keys, tuple(relaxations), tuple(active))


def deletion_filter(groups: Sequence[T], feasible_with: Callable[[set[T]], bool]) -> list[T]:
    """A minimal infeasible subset of ``groups`` (Chinneck & Dravnieks 1991): each group is
    dropped in turn and left out for good when the rest stays infeasible (``feasible_with``
    tells whether a set of groups can hold together)."""
    active = list(groups)
    for c in groups:
        if not feasible_with(set(active) - {c}):
            active.remove(c)
    return active


def relaxation(p: PortfolioProblem, c: Constraint, others: Groups) -> Relaxation:
    """How far group ``c`` must move, the ``others`` held, to restore feasibility."""
    fix = _MOVES.get(c.kind)
    found = fix(p, c, others) if fix is not None else None
    if found is not None:
        needed, text = found
        return Relaxation(c.key, c.bound if c.numeric else 1.0, needed, text, c.label)
    cap = c.bound if c.numeric else math.nan
    return Relaxation(c.key, cap, math.nan, _stuck(p, c), c.label)


# -- one move per kind: (needed bound, what to do) or None -----------------------------------
Move = tuple[float, str] | None


def _limit(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    need = optimise(p, others, "min", c)
    if need is None:
        return None
    need += offset(p, c)
    return need, f"raise the {c.phrase} from {c.amount(c.bound)} to at least {c.amount(need)}"


def _coverage(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    got = optimise(p, others, "max", c)
    if got is None:
        return None
    got = max(0.0, math.floor((got + offset(p, c)) * 1e6) / 1e6)
    return got, f"lower the required {c.phrase} from {c.bound:g} to {got:g}"


def _count(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    at_least = c.sense is Sense.GE
    got = optimise(p, others, "max" if at_least else "min", c)
    if got is None:
        return None
    got = round(got)
    verb = "lower the minimum" if at_least else "raise the maximum"
    members = "partners" if c.kind is K.COUNT else c.target.nouns(p.wording)[1]
    return float(got), f"{verb} number of {members} from {c.bound:g} to {got:g}"


def _average(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    hi = float(column(p, c.target).max())
    need = _bisect(p, others, c, c.bound, max(hi, c.bound))
    if need is None:
        return None
    return need, f"raise the {c.phrase} cap from {c.bound:.4g} to {need:.4g}"


def _cost_share(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    need = _bisect(p, others, c, c.bound, 1.0)
    if need is None:
        return None
    return need, f"raise the {c.phrase} from {c.bound:.0%} to {need:.1%}"


def _cvar(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    need = optimise(p, others, "min", c)
    if need is None:
        return None
    return need, f"raise the {c.phrase} limit from {c.amount(c.bound)} to {c.amount(need)}"


def _each(p: PortfolioProblem, c: Constraint, others: Groups) -> Move:
    """The smallest per-partner cap that admits enough partners (they are tried in order)."""
    values = column(p, c.target)
    over = values > c.bound + 1e-12
    for t in sorted(set(values[over])):
        if feasible(p, set(others) | {c}, {c: t}):
            admitted = join_ids([p.ids[k] for k in np.flatnonzero(over & (values <= t))])
            text = f"raise the {c.phrase} from {c.bound:.4g} to {t:.4g} (admits {admitted})"
            return float(t), text
    return None


def _bisect(
    p: PortfolioProblem, others: Groups, c: Constraint, lo: float, hi: float, tol: float = 1e-4
) -> float | None:
    """Smallest bound in [lo, hi] that makes the problem feasible (None if even hi fails)."""
    active = set(others) | {c}
    if not feasible(p, active, {c: hi}):
        return None
    for _ in range(40):
        if hi - lo <= tol:
            break
        mid = (lo + hi) / 2
        if feasible(p, active, {c: mid}):
            hi = mid
        else:
            lo = mid
    return hi


def _drop(text: str):
    """A move that drops a logical rule: needed 0 (from 1)."""
    return lambda p, c, others: (0.0, text.format(c=c, p=p, ids=join_ids(_members(c))))


def _members(c: Constraint) -> list[str]:
    return [c.target] if isinstance(c.target, str) else list(c.target or ())


_MOVES = {
    K.LIMIT: _limit,
    K.COVERAGE: _coverage,
    K.COUNT: _count,
    K.GROUP_COUNT: _count,
    K.AVERAGE: _average,
    K.GROUP_COST_SHARE: _cost_share,
    K.CVAR: _cvar,
    K.EACH: _each,
    K.MUST_INCLUDE: _drop("drop the must-include requirement on {c.target}"),
    K.MUST_EXCLUDE: _drop("allow must-exclude partner(s) {ids} back"),
    K.SCREEN: _drop("reconsider knocked-out partners"),
    K.CONFLICT: _drop("drop the exclusivity rule between {ids}"),
    K.REQUIRES: _drop("drop the dependency: {c.label}"),
}


def _stuck(p: PortfolioProblem, c: Constraint) -> str:
    if c.kind is K.EACH:
        values = column(p, c.target)
        over = [partner(p, p.ids[k]) for k in np.flatnonzero(values > c.bound + 1e-12)]
        return (
            f"Raising the {c.phrase} alone does not help: admitting "
            f"{', '.join(over) or 'nobody'} still breaks another limit."
        )
    return (
        f'Relaxing "{c.label}" alone does not restore feasibility; it must move with another group.'
    )


# -- the message ------------------------------------------------------------------------------
def describe(c: Constraint) -> str:
    """One group and its bound in words ("the annual budget is 55 PKR lakh/yr")."""
    if c.kind is K.COVERAGE:
        return f"{c.phrase} needs {c.bound:g}"
    if c.kind is K.LIMIT:
        return f"the {c.phrase} is {c.amount(c.bound)}"
    if c.kind in (K.AVERAGE, K.EACH):
        return f"the {c.phrase}{' cap' if c.kind is K.AVERAGE else ''} is {c.bound:.4g}"
    if c.kind is K.COUNT:
        if c.sense is Sense.GE:
            return f"at least {c.bound:g} partners are required"
        return f"at most {c.bound:g} partners are allowed"
    if c.kind is K.GROUP_COST_SHARE:
        return f"the {c.phrase} is capped at {c.bound:.0%}"
    if c.kind is K.MUST_INCLUDE:
        return f"{c.target} must be included"
    if c.kind is K.CVAR:
        return f"{c.phrase} is capped at {c.amount(c.bound)}"
    return c.phrase


def _coverage_findings(p: PortfolioProblem, active: list[Constraint]) -> list[str]:
    """The strategist's question for each gap: who could close it, and what keeps them out?"""
    if p.coverage is None:
        return []
    removed = screened(p)
    out = []
    for c in active:
        if c.kind is not K.COVERAGE:
            continue
        level = p.coverage[c.target]
        blocked = [i for i in p.ids if level[i] > 0 and i in removed]
        open_ = [i for i in p.ids if level[i] > 0 and i not in removed]
        need = describe(c)
        if blocked:
            reasons = ", ".join(
                f"{partner(p, i)} ({knockout_words('; '.join(removed[i]))})" for i in blocked
            )
            who = "the only remaining partners" if not open_ else "partners"
            out.append(f"{need} but {who} covering {c.target} are screened out: {reasons}")
        elif open_:
            names = ", ".join(partner(p, i) for i in open_)
            out.append(f"{need} but {names} cannot supply it within the other limits")
        else:
            out.append(f"{need} but no candidate covers {c.target}")
    return out


def _message(p: PortfolioProblem, active: list[Constraint], relaxations: list[Relaxation]) -> str:
    """Plain-words diagnosis: what conflicts, which screened partners matter, what to relax."""
    text = "No portfolio satisfies every constraint. "
    lead = "; ".join(_coverage_findings(p, active))
    if lead:
        text += lead[0].upper() + lead[1:] + ". "
    text += f"Conflicting constraint groups: {'; '.join(describe(c) for c in active)}."
    return text + remedies(relaxations)


def remedies(relaxations: Sequence[Relaxation]) -> str:
    """What to relax, in words: the moves that restore feasibility alone, then (in brackets)
    the groups that must move with another."""
    text = ""
    fixes = [r.message for r in relaxations if math.isfinite(r.needed)]
    if fixes:
        text += " To restore feasibility: " + ", or ".join(fixes) + ", or add a partner."
    stuck = [r.message for r in relaxations if not math.isfinite(r.needed)]
    if stuck:
        text += " (" + " ".join(stuck) + ")"
    return text
