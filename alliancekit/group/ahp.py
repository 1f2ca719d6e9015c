"""Group AHP: aggregate several people's pairwise judgements, openly (docs/group.md §2).

:func:`group_ahp` validates each participant's matrix with :func:`alliancekit.ahp_weights`,
aggregates by AIJ, AIP or arithmetic AIP (Forman & Peniwati 1998, "Aggregating individual
judgments and priorities with the Analytic Hierarchy Process", EJOR 108: 165–169) and measures
the agreement with Goepel's AHP consensus indicator S* (Goepel 2018, "Implementation of an online
software tool for the Analytic Hierarchy Process (AHP-OS)", IJAHP 10(3): 469–487).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError, Problem
from alliancekit.group.kernels import (
    aij_kernel,
    aip_kernel,
    consensus_kernel,
    consistency_kernel,
    repair_kernel,
)
from alliancekit.group.vocab import AggregationMethod, ConsensusLevel, judgement_text
from alliancekit.results import Result, html_table
from alliancekit.scoring import RANDOM_INDEX, ahp_weights

__all__ = [
    "GroupAHPResult",
    "aggregate_weights",
    "check_participant_weights",
    "group_ahp",
    "repair_hints",
]


@dataclass(frozen=True)
class GroupAHPResult(Result):
    """Group weights from several participants' judgements, with their agreement.

    Attributes
    ----------
    weights : Series
        Group weight by criterion [0–1], summing to 1.
    matrix : DataFrame or None
        The aggregated judgement matrix (AIJ only, else None).
    cr : float or None
        Consistency ratio of the aggregated matrix (AIJ only, else None).
    individual : DataFrame
        By participant: each criterion's weight, ``cr`` and ``consistent`` (CR ≤ 0.10).
    consensus : float
        Goepel's AHP consensus indicator S* [0–1]; NaN with one participant.
    homogeneity : float
        Relative homogeneity S [0–1] (Goepel 2018, Eq. 19, without the AHP-scale correction).
    method : AggregationMethod
    participant_weights : Series
        Weight of each participant [0–1], summing to 1 (0 drops a participant).
    notes : tuple of str
    """

    weights: pd.Series
    matrix: pd.DataFrame | None
    cr: float | None
    individual: pd.DataFrame
    consensus: float
    homogeneity: float = math.nan
    method: AggregationMethod = AggregationMethod.AIJ
    participant_weights: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    notes: tuple[str, ...] = ()

    title = "Group AHP weights"

    @property
    def consensus_level(self) -> ConsensusLevel | None:
        """Goepel's words for S* (very low … very high)."""
        return ConsensusLevel.of(self.consensus)

    def to_frame(self) -> pd.DataFrame:
        """Criteria × (group, each participant): the weights side by side [0–1]."""
        criteria = list(self.weights.index)
        frame = self.individual[criteria].T.copy()
        frame.insert(0, "group", self.weights)
        frame.index.name = "criterion"
        return frame

    def summary(self) -> str:
        """Method, group weights, consensus in words, inconsistent participants."""
        level = self.consensus_level
        words = f" ({level.label})" if level is not None else ""
        lines = [
            f"{self.method.label.upper()} over {int((self.participant_weights > 0).sum())} "
            f"participants: " + ", ".join(f"{c} {w:.3f}" for c, w in self.weights.items()),
            f"consensus S* = {self.consensus:.1%}{words}"
            if not math.isnan(self.consensus)
            else "consensus: one participant only",
        ]
        if self.cr is not None:
            lines.append(f"CR of the aggregated matrix = {self.cr:.3f}")
        bad = self.individual.index[~self.individual["consistent"].astype(bool)]
        if len(bad):
            lines.append("inconsistent (CR > 0.10): " + ", ".join(map(str, bad)))
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """The weights side by side, then each participant's consistency."""
        consistency = self.individual[["cr", "consistent"]]
        return [
            ("Weights", html_table(self.to_frame(), formats={"group": ".3f"})),
            ("Consistency of each participant", html_table(consistency)),
        ]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------
def check_participant_weights(
    participant_weights: Mapping[Any, float] | pd.Series | None, participants: list[Any]
) -> np.ndarray:
    """Participant weights in participant order, ≥ 0 and finite, normalised to sum 1.

    ``None`` weighs everyone equally. Every participant must be named; 0 drops one.
    """
    k = len(participants)
    if participant_weights is None:
        return np.full(k, 1.0 / k)
    if not isinstance(participant_weights, (Mapping, pd.Series)):
        raise DataValidationError.single(
            "participant_weights must map each participant to a weight >= 0",
            column="participant_weights",
        )
    given = dict(participant_weights.items())
    unknown = [str(p) for p in given if p not in set(participants)]
    missing = [str(p) for p in participants if p not in given]
    if unknown or missing:
        parts = ([f"unknown participant(s) {', '.join(unknown)}"] if unknown else []) + (
            [f"no weight for {', '.join(missing)}"] if missing else []
        )
        raise DataValidationError.single(
            "participant_weights: " + "; ".join(parts), column="participant_weights"
        )
    w = np.empty(k)
    for pos, p in enumerate(participants):
        try:
            w[pos] = float(given[p])
        except (TypeError, ValueError):
            w[pos] = math.nan
        if not math.isfinite(w[pos]) or w[pos] < 0:
            raise DataValidationError.single(
                f"participant_weights: weight of {p!r} must be a finite number >= 0, "
                f"got {given[p]!r}",
                column="participant_weights",
            )
    if not w.sum() > 0:
        raise DataValidationError.single(
            "participant_weights: at least one participant needs a weight > 0",
            column="participant_weights",
        )
    return w / w.sum()


def _individual(
    matrices: Mapping[Any, Any],
) -> tuple[list[Any], list[Any], np.ndarray]:
    """Validated, reciprocal-completed matrices (k, n, n) with participants and criteria."""
    if not isinstance(matrices, Mapping) or not matrices:
        raise DataValidationError.single(
            "matrices must map each participant to a pairwise comparison matrix (at least one)",
            column="matrices",
        )
    participants = list(matrices)
    problems: list[Problem] = []
    labels: list[Any] | None = None
    stack = []
    for p in participants:
        try:
            res = ahp_weights(matrices[p])
        except DataValidationError as exc:
            problems += [
                Problem(f"participant {p}", q.row, q.column, q.message) for q in exc.problems
            ]
            continue
        these = list(res.pairwise.index)
        if labels is None:
            labels = these
        elif these != labels:
            problems.append(
                Problem(
                    f"participant {p}",
                    None,
                    None,
                    f"criteria {these} differ from {labels} (every matrix needs the same "
                    "criteria in the same order)",
                )
            )
            continue
        stack.append(res.pairwise.to_numpy(dtype=float))
    if problems:
        raise DataValidationError(problems)
    assert labels is not None
    return participants, labels, np.stack(stack)


def _random_index(n: int, random_index: Mapping[int, float] | None) -> float:
    table = RANDOM_INDEX if random_index is None else random_index
    if n not in table:
        raise DataValidationError.single(
            f"random_index has no value for {n} criteria", column="random_index"
        )
    return float(table[n])


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------
def group_ahp(
    matrices: Mapping[Any, pd.DataFrame | np.ndarray],
    method: str | AggregationMethod = "aij",
    participant_weights: Mapping[Any, float] | pd.Series | None = None,
    random_index: Mapping[int, float] | None = None,
) -> GroupAHPResult:
    """Group criterion weights from several participants' pairwise comparison matrices.

    Parameters
    ----------
    matrices : Mapping
        Participant -> square DataFrame (the same criteria labels for everyone) or ndarray on
        Saaty's 1–9 scale; the upper triangle is enough (reciprocals are filled in).
    method : {"aij", "aip", "aip_arithmetic"}
        ``aij``: weighted geometric mean of the judgements, then the principal eigenvector;
        ``aip``: weighted geometric mean of the individual priorities, renormalised;
        ``aip_arithmetic``: their weighted arithmetic mean (Forman & Peniwati 1998).
    participant_weights : Mapping, optional
        Participant -> weight ≥ 0 (normalised; 0 drops a participant); equal when None.
    random_index : Mapping, optional
        Matrix order n -> random index RI for the consistency ratio; Saaty's
        :data:`alliancekit.RANDOM_INDEX` by default.

    Returns
    -------
    GroupAHPResult
        ``weights`` [0–1], ``matrix``/``cr`` (AIJ), ``individual``, ``consensus`` S* [0–1].

    Raises
    ------
    DataValidationError
        Naming the participant whose matrix is not a valid reciprocal matrix.
    """
    method = AggregationMethod.parse(method, what="method")
    participants, labels, a = _individual(matrices)
    pw = check_participant_weights(participant_weights, participants)
    n = len(labels)
    ri = _random_index(n, random_index)
    rows = []
    priorities = np.empty((len(participants), n))
    for pos in range(len(participants)):
        w, cr = consistency_kernel(a[pos], ri)
        priorities[pos] = w
        rows.append({**dict(zip(labels, w, strict=True)), "cr": cr, "consistent": cr <= 0.10})
    individual = pd.DataFrame(rows, index=pd.Index(participants, name="participant"))
    keep = pw > 0
    matrix, cr_group = None, None
    if method is AggregationMethod.AIJ:
        agg = aij_kernel(a[keep], pw[keep] / pw[keep].sum())
        weights, cr_group = consistency_kernel(agg, ri)
        matrix = pd.DataFrame(agg, index=labels, columns=labels)
    else:
        geometric = method is AggregationMethod.AIP
        weights = aip_kernel(priorities[keep], pw[keep] / pw[keep].sum(), geometric)
    star, homogeneity = consensus_kernel(priorities[keep], pw[keep] / pw[keep].sum())
    notes = []
    if keep.sum() < len(participants):
        dropped = [str(p) for p, k in zip(participants, keep, strict=True) if not k]
        notes.append("weight 0, left out: " + ", ".join(dropped))
    return GroupAHPResult(
        weights=pd.Series(weights, index=pd.Index(labels, name="criterion"), name="weight"),
        matrix=matrix,
        cr=cr_group,
        individual=individual,
        consensus=star,
        homogeneity=homogeneity,
        method=method,
        participant_weights=pd.Series(pw, index=individual.index, name="participant_weight"),
        notes=tuple(notes),
    )


def aggregate_weights(
    table: pd.DataFrame,
    participant_weights: Mapping[Any, float] | pd.Series | None = None,
) -> GroupAHPResult:
    """Group weights from direct weights: the (weighted) arithmetic mean of normalised rows.

    Parameters
    ----------
    table : DataFrame
        Rows = participants, columns = criteria; points or weights ≥ 0 (each row is normalised
        to sum 1 first).
    participant_weights : Mapping, optional
        As for :func:`group_ahp`.

    Returns
    -------
    GroupAHPResult
        ``method`` ``aip_arithmetic``; no matrix or CR (``cr`` per participant is 0);
        ``consensus`` is the relative homogeneity S (no AHP scale bound applies).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise DataValidationError.single(
            "direct weights must be a non-empty DataFrame (participants × criteria)",
            column="weights",
        )
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        i, j = bad[0]
        raise DataValidationError.single(
            f"participant {table.index[i]}: weight of {table.columns[j]} must be a number >= 0",
            column=str(table.columns[j]),
        )
    totals = values.sum(axis=1)
    if (totals <= 0).any():
        who = table.index[int(np.argmax(totals <= 0))]
        raise DataValidationError.single(f"participant {who}: every weight is 0")
    p = values / totals[:, None]
    participants = list(table.index)
    pw = check_participant_weights(participant_weights, participants)
    keep = pw > 0
    star, homogeneity = consensus_kernel(p[keep], pw[keep] / pw[keep].sum(), scale_max=None)
    individual = pd.DataFrame(
        p, index=pd.Index(participants, name="participant"), columns=table.columns
    )
    individual["cr"] = 0.0
    individual["consistent"] = True
    labels = pd.Index(table.columns, name="criterion")
    return GroupAHPResult(
        weights=pd.Series(aip_kernel(p, pw, geometric=False), index=labels, name="weight"),
        matrix=None,
        cr=None,
        individual=individual,
        consensus=star,
        homogeneity=homogeneity,
        method=AggregationMethod.AIP_ARITHMETIC,
        participant_weights=pd.Series(pw, index=individual.index, name="participant_weight"),
        notes=("direct weights: arithmetic mean; consensus is the relative homogeneity S",),
    )


def repair_hints(
    matrices: Mapping[Any, pd.DataFrame | np.ndarray],
    random_index: Mapping[int, float] | None = None,
    threshold: float = 0.10,
) -> pd.DataFrame:
    """For each participant whose CR exceeds ``threshold``, the judgement to revisit.

    Saaty's repair (see :func:`alliancekit.group.kernels.repair_kernel`): the value w_i/w_j
    the other judgements imply, rounded to the 1–9 scale, for the one judgement whose change
    lowers CR most.

    Returns
    -------
    DataFrame
        Index participant; columns ``cr``, ``row``, ``column``, ``given``, ``suggested``,
        ``cr_after`` and ``hint`` (a sentence for people). Empty when everyone is consistent.
    """
    participants, labels, a = _individual(matrices)
    ri = _random_index(len(labels), random_index)
    rows = {}
    for pos, p in enumerate(participants):
        _, cr = consistency_kernel(a[pos], ri)
        if cr <= threshold:
            continue
        i, j, given, suggested, after = repair_kernel(a[pos], ri)
        hint = (
            f"{p}: CR {cr:.2f}. Revisit {labels[i]} vs {labels[j]}: you said "
            f"{judgement_text(labels[i], labels[j], given)} ({_fraction(given)}); your other "
            f"answers imply {_fraction(suggested)}, which brings CR to {after:.2f}"
        )
        rows[p] = {
            "cr": cr,
            "row": labels[i],
            "column": labels[j],
            "given": given,
            "suggested": suggested,
            "cr_after": after,
            "hint": hint,
        }
    columns = ["cr", "row", "column", "given", "suggested", "cr_after", "hint"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("participant")


def _fraction(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"1/{round(1 / value):g}"
