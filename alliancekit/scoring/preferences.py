"""PROMETHEE preference functions: the :class:`Preference` value and its per-criterion check."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.scoring.checks import check_names
from alliancekit.scoring.vocab import Method, PreferenceKind

__all__ = ["Preference", "check_preferences"]

#: thresholds each kind needs (``linear`` needs p; its q defaults to 0)
_NEEDS: dict[PreferenceKind, tuple[str, ...]] = {
    PreferenceKind.U_SHAPE: ("q",),
    PreferenceKind.V_SHAPE: ("p",),
    PreferenceKind.LEVEL: ("q", "p"),
    PreferenceKind.LINEAR: ("p",),
    PreferenceKind.GAUSSIAN: ("s",),
}


@dataclass(frozen=True)
class Preference:
    """PROMETHEE preference function for one criterion.

    Parameters
    ----------
    kind : PreferenceKind or str
        ``usual``, ``u_shape`` (needs q), ``v_shape`` (needs p), ``level`` (q < p), ``linear``
        (q < p; q defaults to 0), ``gaussian`` (needs s).
    q, p, s : float, optional
        Indifference threshold, preference threshold and Gaussian inflection point, in the units
        the differences are taken in (raw criterion units unless a normalisation is chosen).
    """

    kind: PreferenceKind | str = PreferenceKind.USUAL
    q: float | None = None
    p: float | None = None
    s: float | None = None

    def __post_init__(self) -> None:
        kind = PreferenceKind.parse(self.kind, what="preference kind")
        object.__setattr__(self, "kind", kind)
        for name in ("q", "p", "s"):
            value = getattr(self, name)
            if value is not None:
                value = float(value)
                if not math.isfinite(value) or value < 0:
                    raise DataValidationError(
                        f"Preference({kind.value}): {name} must be a finite number >= 0, "
                        f"got {value!r}"
                    )
                object.__setattr__(self, name, value)
        missing = [n for n in _NEEDS.get(kind, ()) if getattr(self, n) is None]
        if missing:
            raise DataValidationError(
                f"Preference({kind.value}) needs {' and '.join(missing)} "
                f"(thresholds in the units of the compared values)"
            )
        if kind is PreferenceKind.LINEAR and self.q is None:
            object.__setattr__(self, "q", 0.0)
        self._check_thresholds(kind)

    def _check_thresholds(self, kind: PreferenceKind) -> None:
        q, p, s = self.q, self.p, self.s
        if kind in (PreferenceKind.LEVEL, PreferenceKind.LINEAR) and not q < p:  # type: ignore[operator]
            raise DataValidationError(f"Preference({kind.value}) needs q < p, got q={q}, p={p}")
        if kind is PreferenceKind.V_SHAPE and p == 0:
            raise DataValidationError("Preference(v_shape) needs p > 0")
        if kind is PreferenceKind.GAUSSIAN and s == 0:
            raise DataValidationError("Preference(gaussian) needs s > 0")


def check_preferences(
    preferences: Mapping[Any, Preference | str] | None, criteria: pd.Index, method: Method
) -> tuple[Preference, ...]:
    """One :class:`Preference` per criterion (``usual`` where not given); () unless PROMETHEE.

    Raises
    ------
    DataValidationError
        Preferences for another method, an unknown criterion, or a value that is not a
        Preference (a kind name is accepted).
    """
    if method is not Method.PROMETHEE_II:
        if preferences:
            raise DataValidationError("preferences apply to method='promethee_ii' only")
        return ()
    given = dict(preferences or {})
    check_names(given, criteria, "preferences")
    out = []
    for c in criteria:
        pref = given.get(c, Preference())
        if isinstance(pref, (str, PreferenceKind)):
            pref = Preference(pref)
        if not isinstance(pref, Preference):
            raise DataValidationError(
                f"preferences: {c!r} must be an alliancekit.Preference, got {pref!r}"
            )
        out.append(pref)
    return tuple(out)
