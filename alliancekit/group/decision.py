"""Carry the group's judgements into the partner decision (docs/group.md §4).

:func:`group_decision` scores the candidates under the group's weights and under each
participant's, each cluster's and each side's (:func:`alliancekit.score_partners`), plans the
portfolio under each (:func:`alliancekit.plan_portfolio` with ``objective="score"``), sorts the
partners into core / borderline / exterior by how many participants' portfolios hold them, and
gives the rank acceptability of each partner with the participants' weight vectors as the weight
distribution (SMAA-2 on a given weight sample).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliancekit.criteria import CRITERION_CODES, criteria_matrix, weighted_scores
from alliancekit.errors import AllianceKitError, DataValidationError
from alliancekit.group.ahp import GroupAHPResult
from alliancekit.group.concordance import ConcordanceResult, kendall_w
from alliancekit.group.disagreement import DisagreementResult, analyse_disagreement
from alliancekit.group.kernels import rank_acceptability_kernel
from alliancekit.group.ratings import aggregate_ratings, apply_ratings
from alliancekit.group.responses import GroupResponses
from alliancekit.group.vocab import AggregationMethod, SelectionClass, for_people
from alliancekit.model import Workspace
from alliancekit.parallel import get_executor
from alliancekit.results import Result, html_table

if TYPE_CHECKING:
    from alliancekit.portfolio import PlanOptions

__all__ = ["GroupDecisionResult", "group_decision", "rank_acceptability"]


@dataclass(frozen=True)
class GroupDecisionResult(Result):
    """The partner decision under everyone's weights, side by side.

    Views are ``group``, each participant id, ``cluster 1`` … (when the group splits) and
    ``own side`` / ``partner side`` (when both answered).

    Attributes
    ----------
    weights : DataFrame
        Criteria C1–C11 × view [0–1] (criteria nobody judged weigh 0).
    scores : DataFrame
        Partner × view: weighted-sum score S [0–100] of :func:`alliancekit.score_partners`.
    ranks : DataFrame
        Partner × view: rank by S (1 = best).
    portfolios : DataFrame
        Partner × view: selected (True/False) by :func:`alliancekit.plan_portfolio` with
        ``objective="score"``; a view whose plan is infeasible selects nobody.
    portfolio_status : Series
        View -> solver status, or the reason no portfolio exists.
    selection : DataFrame
        By partner: ``name``, ``chosen_by`` (participants whose portfolio holds it), ``share``
        of the participants [0–1] and ``selection`` (core, borderline, exterior).
    acceptability : DataFrame
        Partner × rank 1..m: share of the participants' weight vectors (weighted by the
        participant weights) under which the partner takes that rank [0–1].
    concordance : ConcordanceResult
        Kendall's W of the participants' partner rankings.
    disagreement : DisagreementResult
        Consistency, clusters, sides, consensus.
    notes : tuple of str
    """

    weights: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    portfolios: pd.DataFrame
    portfolio_status: pd.Series
    selection: pd.DataFrame
    acceptability: pd.DataFrame
    concordance: ConcordanceResult
    disagreement: DisagreementResult
    notes: tuple[str, ...] = field(default_factory=tuple)

    title = "Group decision"

    @property
    def group(self) -> GroupAHPResult:
        """The group weights and consensus."""
        return self.disagreement.group

    def to_frame(self) -> pd.DataFrame:
        """One row per partner: group score and rank, in the group portfolio, selection class,
        how many participants choose it, first-rank acceptability; best first."""
        frame = self.selection[["name"]].copy()
        frame["score"] = self.scores["group"]
        frame["rank"] = self.ranks["group"]
        frame["in_group_portfolio"] = self.portfolios["group"]
        frame = frame.join(self.selection[["chosen_by", "share", "selection"]])
        frame["first_rank"] = self.acceptability.iloc[:, 0]
        return frame.sort_values(["rank", "score"], ascending=[True, False], kind="stable")

    def summary(self) -> str:
        """Core, borderline and exterior partners, agreement on the ranking, consensus."""
        sel = self.selection["selection"]
        lines = [self.group.summary().splitlines()[1]]
        for cls in SelectionClass:
            ids = list(sel.index[sel == cls])
            lines.append(f"{cls.label}: {', '.join(ids) if ids else 'none'}")
        lines.append(self.concordance.summary().replace("raters", "participants"))
        bad = self.portfolio_status[~self.portfolio_status.isin(["optimal", "time_limit"])]
        if len(bad):
            lines.append("no feasible portfolio under: " + ", ".join(bad.index))
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """Partners, then the weights of each view."""
        weights = for_people(self.weights)
        return [
            ("Partners", html_table(for_people(self.to_frame()), formats={"share": ".0%"})),
            ("Weights by view", html_table(weights, formats=dict.fromkeys(weights, ".3f"))),
        ]


def rank_acceptability(
    matrix: pd.DataFrame,
    weight_sample: pd.DataFrame,
    sample_weights: Mapping[Any, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Rank acceptability of alternatives under a given sample of weight vectors.

    :func:`alliancekit.smaa` draws its weight vectors itself; here the draws are given (the
    participants' weights), scored with the weighted-sum kernel and ranked with the scoring
    kernels' tie rule.

    Parameters
    ----------
    matrix : DataFrame
        Alternatives × criteria, normalised benefit values [0–1] (e.g.
        :func:`alliancekit.criteria_matrix`).
    weight_sample : DataFrame
        Draws × criteria weights (each row is normalised to sum 1; missing criteria weigh 0).
    sample_weights : Mapping, optional
        Weight of each draw (normalised); equal when None.

    Returns
    -------
    DataFrame
        Alternatives × ranks 1..m, shares [0–1]; rows and columns sum to 1.
    """
    w = weight_sample.reindex(columns=matrix.columns, fill_value=0.0).to_numpy(dtype=float)
    if len(w) == 0 or (w < 0).any() or not (w.sum(axis=1) > 0).all():
        raise DataValidationError.single(
            "weight_sample needs one or more rows of weights >= 0, each with a positive sum",
            column="weight_sample",
        )
    w = w / w.sum(axis=1, keepdims=True)
    if sample_weights is None:
        pw = np.full(len(w), 1.0 / len(w))
    else:
        pw = pd.Series(sample_weights).reindex(weight_sample.index).fillna(0.0).to_numpy(float)
        pw = pw / pw.sum()
    scores = w @ matrix.to_numpy(dtype=float).T
    table = rank_acceptability_kernel(scores, pw)
    return pd.DataFrame(
        table,
        index=matrix.index.rename("partner_id"),
        columns=pd.RangeIndex(1, len(matrix) + 1, name="rank"),
    )


def _views(analysis: DisagreementResult) -> pd.DataFrame:
    group = analysis.group
    criteria = list(group.weights.index)
    keep = group.participant_weights.index[group.participant_weights > 0]
    views = {"group": group.weights}
    views.update({str(p): group.individual.loc[p, criteria].astype(float) for p in keep})
    if analysis.cluster_weights.shape[1] > 1:
        views.update({str(c): analysis.cluster_weights[c] for c in analysis.cluster_weights})
    sides = [s for s in ("own", "partner") if s in analysis.sides]
    if len(sides) == 2:
        views.update({f"{s} side": analysis.sides[s] for s in sides})
    frame = pd.DataFrame(views).reindex(list(CRITERION_CODES), fill_value=0.0)
    return frame.fillna(0.0).rename_axis("criterion")


def _plan_settings(options: Mapping[str, Any] | None) -> tuple[PlanOptions, bool]:
    """``portfolio_options`` as the score-objective plan every view shares, and ``diagnose``.

    Checked once, before any view is planned: an unknown setting, or an ``objective`` or
    ``weights`` (each view sets its own), is the caller's error, raised.
    """
    from alliancekit.portfolio import PlanOptions

    given = dict(options or {})
    fixed = sorted({"objective", "weights"} & set(given))
    if fixed:
        raise DataValidationError.single(
            f"portfolio_options cannot set {' or '.join(fixed)}: every view is planned with the "
            "score objective under its own weights",
            column="portfolio_options",
        )
    diagnose = bool(given.pop("diagnose", True))
    return PlanOptions.from_kwargs({**given, "objective": "score"}), diagnose


def _view_plans(
    weights: list[pd.Series], ws: Workspace, settings: PlanOptions, diagnose: bool
) -> list[tuple[list, str]]:
    """Task of the executor: for each view's weights, the new partners
    ``plan_portfolio(objective="score", weights=…)`` selects and the plan's status (or why
    there is no plan). The views of one task share the work (``plan_selections``)."""
    from alliancekit.portfolio.plan import plan_selections

    plans = plan_selections(ws, settings, [w.to_dict() for w in weights], diagnose=diagnose)
    return [
        ([], f"{p.kind}: {p.headline}") if isinstance(p, AllianceKitError) else (p[0], str(p[1]))
        for p in plans
    ]


def _selection(ws: Workspace, portfolios: pd.DataFrame, people: list[str]) -> pd.DataFrame:
    """Core (in every participant's portfolio), borderline (some) or exterior (none)."""
    chosen_by = portfolios[people].sum(axis=1).astype(int)
    selection = pd.DataFrame(
        {
            "name": [ws.candidate(c).name for c in portfolios.index],
            "chosen_by": chosen_by,
            "share": chosen_by / len(people),
        },
        index=portfolios.index,
    )
    classes = {len(people): SelectionClass.CORE, 0: SelectionClass.EXTERIOR}
    selection["selection"] = [classes.get(n, SelectionClass.BORDERLINE) for n in chosen_by]
    return selection


def group_decision(
    ws: Workspace,
    responses: GroupResponses,
    method: str | AggregationMethod = "aij",
    *,
    participant_weights: Mapping[Any, float] | pd.Series | None = None,
    use_ratings: bool = False,
    portfolio_options: Mapping[str, Any] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> GroupDecisionResult:
    """Partner ranking and portfolio under the group's and everyone's weights.

    Parameters
    ----------
    ws : Workspace
        Candidates and organization (budgets, caps, counts) as for ``plan_portfolio``.
    responses : GroupResponses
        From :func:`~alliancekit.group.responses.load_responses` (criterion codes C1–C11).
    method : {"aij", "aip", "aip_arithmetic"}
        Aggregation of the group, each cluster and each side.
    participant_weights : Mapping, optional
        Default people.csv's ``weight`` (equal without it).
    use_ratings : bool
        Replace the candidates' Likert items by the group's ratings first
        (:func:`~alliancekit.group.ratings.apply_ratings`).
    portfolio_options : Mapping, optional
        Extra keyword arguments of ``plan_portfolio`` (e.g. ``budget_annual``, ``solver``,
        ``diagnose``); not ``objective`` or ``weights``, which each view sets (score objective).
    jobs : int
        Local worker processes planning the views' portfolios (1: this process).
    scheduler : str, optional
        A Dask scheduler address (default: ``ALLIANCEKIT_SCHEDULER``, else local).

    Returns
    -------
    GroupDecisionResult
    """
    unknown = [c for c in responses.criteria if c not in CRITERION_CODES]
    if unknown:
        raise DataValidationError.single(
            f"the responses judge {', '.join(unknown)}, which are not criteria C1–C11 of "
            "score_partners",
            column="criteria",
        )
    settings, diagnose = _plan_settings(portfolio_options)
    analysis = analyse_disagreement(responses, method, participant_weights=participant_weights)
    notes = []
    if use_ratings:
        rated = aggregate_ratings(responses, participant_weights)
        ws = apply_ratings(ws, rated.drop(columns="raters"))
        notes.append(f"group ratings used for {len(rated)} candidate(s)")
    views = _views(analysis)
    scores, portfolios, status = {}, {}, {}
    # one task per worker, each planning its share of the views (one after another in this
    # process: every view after the first re-uses its problem when only the scores differ)
    executor = get_executor(jobs, scheduler)
    names = list(views)
    shares = len(names) if executor.kind == "dask" else executor.workers
    chunks = [c for c in np.array_split(np.arange(len(names)), max(1, shares)) if len(c)]
    found = executor.map(
        _view_plans, [[views[names[k]] for k in c] for c in chunks], common=(ws, settings, diagnose)
    )
    plans = [plan for chunk in found for plan in chunk]
    for view, (chosen, status[view]) in zip(views, plans, strict=True):
        scores[view] = weighted_scores(ws, views[view].to_dict())  # score_partners' S
        portfolios[view] = pd.Series(scores[view].index.isin(chosen), index=scores[view].index)
    scores_frame = pd.DataFrame(scores).rename_axis("partner_id")
    ranks = scores_frame.rank(ascending=False, method="min").astype(int)
    portfolio_frame = pd.DataFrame(portfolios).rename_axis("partner_id")
    pw = analysis.group.participant_weights
    people = [str(p) for p in pw.index[pw > 0]]
    selection = _selection(ws, portfolio_frame, people)
    acceptability = rank_acceptability(criteria_matrix(ws), views[people].T, pw[pw > 0])
    return GroupDecisionResult(
        weights=views,
        scores=scores_frame,
        ranks=ranks,
        portfolios=portfolio_frame,
        portfolio_status=pd.Series(status, name="status").rename_axis("view"),
        selection=selection,
        acceptability=acceptability.reindex(scores_frame.index),
        concordance=kendall_w(scores_frame[people]),
        disagreement=analysis,
        notes=tuple(notes),
    )
