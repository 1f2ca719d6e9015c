"""Weights of the alliance criteria: context presets, and where ``score_partners`` finds them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from alliancekit.criteria.definitions import CRITERIA, CRITERION_CODES, WEIGHT_PRESETS
from alliancekit.errors import DataValidationError
from alliancekit.model import Workspace
from alliancekit.scoring import check_weights

__all__ = ["code_weights", "preset_weights", "resolve_weights"]


def preset_weights(name: str = "default") -> pd.Series:
    """Weights of a context preset: default weights × the preset's multipliers, renormalised.

    Parameters
    ----------
    name : str
        One of ``WEIGHT_PRESETS`` (default, capability_seeking, cost_sharing, exploration,
        coopetition, public_partner, hard_risk_caps); any case, ``-`` for ``_``.

    Returns
    -------
    Series
        Index C1..C11, sums to 1.

    Raises
    ------
    DataValidationError
        (a ``ValueError``) for an unknown preset; the message lists the presets.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in WEIGHT_PRESETS:
        raise DataValidationError(
            f"unknown weight preset {name!r}; choose one of: {', '.join(WEIGHT_PRESETS)}"
        )
    w = pd.Series({c: CRITERIA[c].default_weight for c in CRITERION_CODES}, name="weight")
    for code, factor in WEIGHT_PRESETS[key].items():
        w.loc[code] = w.loc[code] * factor
    return w / w.sum()


def code_weights(weights: Mapping[str, float] | pd.Series, origin: str) -> pd.Series:
    """Weights by criterion code → Series over C1..C11 summing to 1 (missing codes weigh 0).

    The check is :func:`alliancekit.scoring.check_weights` (finite, >= 0, one positive); codes
    are compared as text.
    """
    if isinstance(weights, (Mapping, pd.Series)):
        weights = {str(k): v for k, v in weights.items()}
    w = check_weights(weights, CRITERION_CODES, origin, require_all=False, noun="code")
    return pd.Series(w, index=list(CRITERION_CODES), name="weight")


def resolve_weights(
    ws: Workspace,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    preset: str | None = None,
) -> tuple[pd.Series, str]:
    """The weights ``score_partners`` uses, and where they came from.

    Order: explicit ``weights`` (a mapping by criterion code, missing codes weigh 0, or a preset
    name); else ``preset``; else the organization's ``criteria_weights``; else its
    ``weights_preset``; else ``"default"``. Always renormalised to sum 1.

    Returns
    -------
    weights : Series
        Index C1..C11 [0–1], sums to 1.
    origin : str
        Where they came from, for notes (``preset 'default'``, ``given weights`` …).
    """
    if weights is not None and preset is not None:
        raise DataValidationError("give either weights or preset, not both")
    if isinstance(weights, str):
        weights, preset = None, weights
    if weights is not None:
        w = code_weights(weights, "weights")
        given = {str(k) for k in (weights.index if isinstance(weights, pd.Series) else weights)}
        missing = [c for c in CRITERION_CODES if c not in given]
        return w, "given weights" + (
            f" ({', '.join(missing)} not given: weight 0)" if missing else ""
        )
    if preset is not None:
        return preset_weights(preset), f"preset '{preset}'"
    org = ws.organization
    if org.criteria_weights:
        return code_weights(org.criteria_weights, "organization criteria_weights"), (
            "organization criteria_weights"
        )
    name = org.weights_preset or "default"
    return preset_weights(name), f"preset '{name}'"
