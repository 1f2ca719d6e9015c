"""Participants' ratings of candidates, combined by the same rule as direct weights."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.group.responses import RATED_CRITERIA, GroupResponses
from alliancekit.model import Workspace

__all__ = ["aggregate_ratings", "apply_ratings"]


def aggregate_ratings(
    responses: GroupResponses, participant_weights: Mapping[Any, float] | None = None
) -> pd.DataFrame:
    """Group rating of each candidate on each rated criterion [1–5].

    The (weighted) arithmetic mean over the participants who rated that candidate on that
    criterion (blank ratings do not count), as for direct weights.

    Parameters
    ----------
    responses : GroupResponses
    participant_weights : Mapping, optional
        Participant -> weight ≥ 0; default people.csv's weights, else equal.

    Returns
    -------
    DataFrame
        Index ``partner_id``, columns the rated criteria; NaN where nobody rated. Column
        ``raters`` counts the participants who rated the candidate on anything.
    """
    given = participant_weights
    if given is None:
        given = responses.participant_weights()
    frames = []
    for r in responses.responses:
        if r.ratings is None or r.ratings.empty:
            continue
        weight = 1.0 if given is None else float(dict(given.items()).get(r.participant_id, 0.0))
        long = r.ratings.stack().rename("rating").reset_index()
        long.columns = ["partner_id", "criterion", "rating"]
        long = long.dropna(subset=["rating"])
        long["weight"] = weight
        long["participant"] = r.participant_id
        frames.append(long)
    columns = [c for c in RATED_CRITERIA]
    if not frames:
        return pd.DataFrame(columns=[*columns, "raters"]).rename_axis("partner_id")
    data = pd.concat(frames, ignore_index=True)
    data = data[data["weight"] > 0]
    data["product"] = data["rating"] * data["weight"]
    sums = data.groupby(["partner_id", "criterion"])[["product", "weight"]].sum()
    mean = (sums["product"] / sums["weight"]).unstack("criterion")
    mean = mean.reindex(columns=[c for c in columns if c in mean.columns])
    mean["raters"] = data.groupby("partner_id")["participant"].nunique()
    return mean


def apply_ratings(ws: Workspace, ratings: pd.DataFrame) -> Workspace:
    """A copy of the workspace whose candidates carry the group ratings [1–5].

    Each rated criterion replaces its candidate field (C3 ``goal_compat``, C4
    ``culture_compat``, C5 ``commitment``, C10 ``learning``, C11 ``flexibility``) where the group
    gave a rating; everything else is kept. The original workspace is not changed.
    """
    unknown = [str(i) for i in ratings.index if i not in set(ws.candidate_ids)]
    if unknown:
        raise DataValidationError.single(
            f"ratings name unknown candidate(s) {', '.join(unknown)}", column="partner_id"
        )
    out = []
    for cand in ws.candidates:
        changes = {}
        if cand.id in ratings.index:
            for code, attr in RATED_CRITERIA.items():
                value = ratings.at[cand.id, code] if code in ratings.columns else np.nan
                if pd.notna(value):
                    changes[attr] = float(value)
        out.append(dataclasses.replace(cand, **changes) if changes else cand)
    return ws.replace(candidates=tuple(out))
