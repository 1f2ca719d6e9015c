"""Show the disagreement, don't bury it (docs/group.md §3).

:func:`analyse_disagreement` reports each participant's consistency with a repair hint, the
judgements on which people differ most, clusters of like-minded participants (and whether they
follow organisation lines), the own organisation's and the partner's weights side by side and
the consensus in Goepel's words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.group.ahp import GroupAHPResult, aggregate_weights, group_ahp, repair_hints
from alliancekit.group.concordance import ConcordanceResult, kendall_w
from alliancekit.group.kernels import (
    average_linkage_kernel,
    pairwise_consensus_kernel,
    silhouette_kernel,
)
from alliancekit.group.responses import GroupResponses
from alliancekit.group.vocab import (
    AggregationMethod,
    ConsensusLevel,
    SurveyMode,
    for_people,
    judgement_text,
)
from alliancekit.results import Result, html_table

__all__ = ["DisagreementResult", "analyse_disagreement", "group_weights"]


def group_weights(
    responses: GroupResponses,
    method: str | AggregationMethod = "aij",
    participant_weights: Mapping[Any, float] | pd.Series | None = None,
    only: list[str] | None = None,
) -> GroupAHPResult:
    """Group criterion weights from the responses (pairwise: :func:`group_ahp`; direct:
    :func:`aggregate_weights`), for everyone or the participants listed in ``only``.

    ``participant_weights`` default to people.csv's ``weight`` column (equal without it).
    """
    ids = responses.ids if only is None else list(only)
    given = (
        responses.participant_weights()
        if participant_weights is None
        else pd.Series(participant_weights)
    )
    pw = None if given is None else {p: float(given.get(p, 0.0)) for p in ids}
    mode = responses.mode
    if mode is None:
        raise DataValidationError.single(
            "the answers mix pairwise comparisons and direct weights; aggregate each kind "
            "separately (survey everyone in one mode)",
            column="mode",
        )
    if mode is SurveyMode.PAIRWISE:
        matrices = responses.matrices()
        return group_ahp({p: matrices[p] for p in ids}, method, pw)
    return aggregate_weights(responses.direct_weights().loc[ids], pw)


@dataclass(frozen=True)
class DisagreementResult(Result):
    """Where and how strongly the participants disagree.

    Attributes
    ----------
    group : GroupAHPResult
        The group weights, individual priorities and consensus S*.
    consistency : DataFrame
        By participant: organisation, ``cr``, ``consistent`` and a repair ``hint`` ("" if none).
    repairs : DataFrame
        :func:`~alliancekit.group.ahp.repair_hints` for the inconsistent participants.
    spread : DataFrame
        The judgements (pairs of criteria, or criteria for direct weights) with the widest
        spread across participants, widest first: ``spread`` (standard deviation of ln a_ij, or
        of the weight), ``lowest``/``lowest_by``, ``highest``/``highest_by`` and ``reading``.
    clusters : Series
        Participant -> cluster number (1, 2, …; everyone 1 when no clear sub-groups).
    cluster_weights : DataFrame
        Criteria × cluster (``cluster 1`` …): each cluster's group weights [0–1].
    cluster_summary : DataFrame
        By cluster: members, organisations, consensus S* within, leaning (criteria it weighs
        more than the whole group).
    silhouette : float
        Mean silhouette width of the chosen clustering [−1–1] (NaN with fewer than 3 people).
    follows_organisations : bool or None
        True when every cluster holds one organisation only (and there are 2+ clusters); None
        without organisations or without clusters.
    sides : DataFrame
        Criteria × (``all``, ``own``, ``partner``, ``other``): weights of each side [0–1].
    side_consensus : Series
        Consensus S* within each side.
    concordance : ConcordanceResult or None
        Kendall's W of the participants' criterion priorities.
    notes : tuple of str
    """

    group: GroupAHPResult
    consistency: pd.DataFrame
    repairs: pd.DataFrame
    spread: pd.DataFrame
    clusters: pd.Series
    cluster_weights: pd.DataFrame
    cluster_summary: pd.DataFrame
    silhouette: float
    follows_organisations: bool | None
    sides: pd.DataFrame
    side_consensus: pd.Series
    concordance: ConcordanceResult | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    title = "Where the group disagrees"

    @property
    def consensus_level(self) -> ConsensusLevel | None:
        """Goepel's words for the group consensus S*."""
        return self.group.consensus_level

    def to_frame(self) -> pd.DataFrame:
        """One row per participant: organisation, cluster, CR, consistent, repair hint."""
        frame = self.consistency.copy()
        frame.insert(1, "cluster", self.clusters.reindex(frame.index))
        return frame

    def summary(self) -> str:
        """Consensus in words, clusters and sides, the widest judgements, repair hints."""
        level = self.consensus_level
        lines = [
            f"consensus S* = {self.group.consensus:.1%} ({level.label})"
            if level
            else "consensus: one participant only",
        ]
        k = int(self.clusters.max()) if len(self.clusters) else 0
        if k > 1:
            follow = {
                True: "they follow organisation lines",
                False: "they cut across organisations",
                None: "",
            }[self.follows_organisations]
            lines.append(
                f"{k} clusters of like-minded participants" + (f"; {follow}" if follow else "")
            )
            for label, rec in self.cluster_summary.iterrows():
                lines.append(
                    f"  {label}: {rec['members']} ({rec['organisations']}); "
                    f"S* {rec['consensus']:.0%}; leans to {rec['leaning']}"
                )
        else:
            lines.append("no clear sub-groups")
        for rec in self.spread.head(3).itertuples():
            lines.append(f"wide spread on {rec.Index}: {rec.reading}")
        lines += [f"repair: {h}" for h in self.repairs.get("hint", pd.Series(dtype=str))]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """Participants, clusters, sides and the widest judgements."""
        sides = for_people(self.sides)
        return [
            ("Participants", html_table(for_people(self.to_frame()))),
            ("Clusters", html_table(for_people(self.cluster_summary))),
            ("Weights by side", html_table(sides, formats=dict.fromkeys(sides, ".3f"))),
            ("Widest spread", html_table(self.spread[["reading"]])),
        ]


# ---------------------------------------------------------------------------------------------
# parts
# ---------------------------------------------------------------------------------------------
def _spread(responses: GroupResponses, ids: list[str], top: int) -> pd.DataFrame:
    columns = ["spread", "lowest", "lowest_by", "highest", "highest_by", "reading"]
    rows = {}
    if responses.mode is SurveyMode.PAIRWISE:
        mats = responses.matrices()
        crit = list(responses.criteria)
        # person × criterion × criterion, in the criteria's order
        cube = np.stack([mats[p].loc[crit, crit].to_numpy(dtype=float) for p in ids])
        for i, a in enumerate(crit):
            for j in range(i + 1, len(crit)):
                b, v = crit[j], cube[:, i, j]
                lo, hi = int(np.argmin(v)), int(np.argmax(v))  # the first, as idxmin/idxmax
                rows[f"{a} vs {b}"] = {
                    "spread": float(np.log(v).std(ddof=1)) if len(v) > 1 else 0.0,
                    "lowest": float(v[lo]),
                    "lowest_by": ids[lo],
                    "highest": float(v[hi]),
                    "highest_by": ids[hi],
                    "reading": f"{ids[hi]}: {judgement_text(a, b, v[hi])}; "
                    f"{ids[lo]}: {judgement_text(a, b, v[lo])}",
                }
    else:
        table = responses.direct_weights().loc[ids]
        table = table.div(table.sum(axis=1), axis=0)
        for c in table.columns:
            v = table[c]
            lo, hi = v.idxmin(), v.idxmax()
            rows[str(c)] = {
                "spread": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                "lowest": v[lo],
                "lowest_by": lo,
                "highest": v[hi],
                "highest_by": hi,
                "reading": f"from {v[lo]:.0%} ({lo}) to {v[hi]:.0%} ({hi})",
            }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return frame.sort_values("spread", ascending=False, kind="stable").head(top)


def _clusters(
    p: np.ndarray,
    ids: list[str],
    scale_max: float | None,
    max_clusters: int,
    min_silhouette: float,
) -> tuple[np.ndarray, float]:
    """Average-linkage clusters on 1 − pairwise S*, k chosen by the best silhouette."""
    k = len(ids)
    if k < 3:
        return np.ones(k, dtype=int), math.nan
    distance = 1.0 - pairwise_consensus_kernel(p, scale_max)
    best, best_s = np.ones(k, dtype=int), -1.0
    for n_clusters in range(2, min(max_clusters, k - 1) + 1):
        labels = average_linkage_kernel(distance, n_clusters)
        s = silhouette_kernel(distance, labels)
        if len(np.unique(labels)) == n_clusters and s > best_s + 1e-12:
            best, best_s = labels, s
    if best_s < min_silhouette:
        return np.ones(k, dtype=int), best_s
    order = {lab: pos + 1 for pos, lab in enumerate(dict.fromkeys(best))}
    return np.array([order[lab] for lab in best]), best_s


def _cluster_tables(
    responses: GroupResponses,
    labels: pd.Series,
    method: AggregationMethod,
    group: GroupAHPResult,
) -> tuple[pd.DataFrame, pd.DataFrame, bool | None]:
    orgs = responses.organisation()
    weights, summary = {}, {}
    for c in sorted(labels.unique()):
        members = list(labels.index[labels == c])
        res = group_weights(responses, method, only=members)
        weights[f"cluster {c}"] = res.weights
        diff = (res.weights - group.weights).sort_values(ascending=False)
        summary[f"cluster {c}"] = {
            "members": ", ".join(members),
            "organisations": ", ".join(sorted({orgs[m] or "unlisted" for m in members})),
            "consensus": res.consensus if len(members) > 1 else 1.0,
            "leaning": ", ".join(f"{k} (+{v:.2f})" for k, v in diff.head(3).items() if v > 0),
        }
    follows = None
    if labels.nunique() > 1 and (orgs != "").all():
        per_cluster = orgs.groupby(labels).nunique()
        follows = bool((per_cluster == 1).all() and orgs.nunique() > 1)
    return pd.DataFrame(weights), pd.DataFrame.from_dict(summary, orient="index"), follows


def _sides(
    responses: GroupResponses, method: AggregationMethod, group: GroupAHPResult
) -> tuple[pd.DataFrame, pd.Series]:
    orgs = responses.organisation()
    sides, consensus = {"all": group.weights}, {"all": group.consensus}
    for side in ("own", "partner", "other"):
        members = list(orgs.index[orgs == side])
        if members:
            res = group_weights(responses, method, only=members)
            sides[side], consensus[side] = res.weights, res.consensus
    return pd.DataFrame(sides), pd.Series(consensus, name="consensus")


def analyse_disagreement(
    responses: GroupResponses,
    method: str | AggregationMethod = "aij",
    *,
    participant_weights: Mapping[Any, float] | pd.Series | None = None,
    max_clusters: int = 4,
    min_silhouette: float = 0.25,
    top: int = 5,
) -> DisagreementResult:
    """Consistency, widest judgements, clusters, sides and consensus of a group's answers.

    Parameters
    ----------
    responses : GroupResponses
        From :func:`~alliancekit.group.responses.load_responses`.
    method : {"aij", "aip", "aip_arithmetic"}
        Aggregation for the group, each cluster and each side (direct weights: arithmetic).
    participant_weights : Mapping, optional
        Default people.csv's ``weight`` (equal without it).
    max_clusters : int
        Largest number of clusters tried [count].
    min_silhouette : float
        Below this mean silhouette width [−1–1] the group is reported as one cluster.
    top : int
        How many of the widest-spread judgements to list.

    Returns
    -------
    DisagreementResult
    """
    method = AggregationMethod.parse(method, what="method")
    group = group_weights(responses, method, participant_weights)
    keep = list(group.participant_weights.index[group.participant_weights > 0])
    pairwise = responses.mode is SurveyMode.PAIRWISE
    repairs = (
        repair_hints(responses.matrices())
        if pairwise
        else pd.DataFrame(columns=["cr", "row", "column", "given", "suggested", "cr_after", "hint"])
    )
    consistency = pd.DataFrame(
        {
            "organisation": responses.organisation(),
            "cr": group.individual["cr"],
            "consistent": group.individual["consistent"].astype(bool),
        }
    )
    consistency["hint"] = repairs["hint"].reindex(consistency.index).fillna("")
    priorities = group.individual.loc[keep, list(group.weights.index)].to_numpy(dtype=float)
    labels, silhouette = _clusters(
        priorities, keep, 9.0 if pairwise else None, max_clusters, min_silhouette
    )
    clusters = pd.Series(labels, index=pd.Index(keep, name="participant"), name="cluster")
    cluster_weights, cluster_summary, follows = _cluster_tables(responses, clusters, method, group)
    sides, side_consensus = _sides(responses, method, group)
    concordance = (
        kendall_w(group.individual.loc[keep, list(group.weights.index)].T)
        if len(keep) > 1
        else None
    )
    notes = list(group.notes)
    if math.isnan(silhouette) and len(keep) < 3:
        notes.append("clusters need 3 or more participants")
    return DisagreementResult(
        group,
        consistency,
        repairs,
        _spread(responses, keep, top),
        clusters,
        cluster_weights,
        cluster_summary,
        silhouette,
        follows,
        sides,
        side_consensus,
        concordance,
        tuple(notes),
    )
