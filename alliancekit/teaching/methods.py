"""Classroom mode: WSM, TOPSIS and PROMETHEE II side by side on the same case.

:func:`compare_methods` scores the same partners with the same weights three ways and says
where the rankings differ and why, in words a class can discuss:

- the **weighted sum** (WSM) adds weight × normalised value: a large margin on a heavy criterion
  makes up for weakness elsewhere (fully compensatory);
- **TOPSIS** ranks by closeness to the ideal and distance from the worst partner: a partner
  close to the worst on one heavy criterion is pulled down more than in the sum;
- **PROMETHEE II** compares partners pair by pair, criterion by criterion: it counts how often
  and by how much each one is preferred, so being ahead on many criteria counts more than a
  large lead on one (less compensatory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alliancekit.model import Workspace
from alliancekit.results import Result, html_table

__all__ = ["METHOD_NAMES", "MethodComparison", "compare_methods"]

#: The three methods compared, in order, with their names for people.
METHOD_NAMES: dict[str, str] = {
    "weighted_sum": "Weighted sum (WSM)",
    "topsis": "TOPSIS",
    "promethee_ii": "PROMETHEE II",
}

#: Why a method ranks a partner higher (``up``) or lower (``down``) than another method does.
_WHY = {
    "weighted_sum": {
        "up": "the weighted sum rewards its large lead on {strong}",
        "down": "the weighted sum adds up its shortfall on {weak}",
    },
    "topsis": {
        "up": "TOPSIS rewards staying away from the worst partner on every criterion",
        "down": "TOPSIS pulls it down for being close to the worst partner on {weak}",
    },
    "promethee_ii": {
        "up": "PROMETHEE II counts pairwise wins, and it beats the median partner on {wins} of "
        "{n} criteria",
        "down": "PROMETHEE II counts pairwise wins, and it beats the median partner on only "
        "{wins} of {n} criteria",
    },
}


@dataclass(frozen=True)
class MethodComparison(Result):
    """Ranks of the same partners under WSM, TOPSIS and PROMETHEE II, and why they differ.

    Attributes
    ----------
    ranks : DataFrame
        One row per partner (``partner_id``): ``name``, a rank column per method (1 = best),
        ``spread`` (best rank − worst rank, in places).
    differences : tuple of str
        One sentence per partner whose rank differs by two places or more: where and why.
    top : dict
        The best partner under each method.
    """

    ranks: pd.DataFrame
    differences: tuple[str, ...] = ()
    top: dict[str, str] = field(default_factory=dict)

    title = "WSM, TOPSIS and PROMETHEE II side by side"

    def to_frame(self) -> pd.DataFrame:
        """The rank table (partners × methods)."""
        return self.ranks

    def summary(self) -> str:
        """The best partner per method and where the rankings differ."""
        best = "; ".join(f"{METHOD_NAMES[m]}: {p}" for m, p in self.top.items())
        lines = [f"Best partner — {best}."]
        lines += list(self.differences) or ["The three methods rank every partner alike."]
        return "\n".join(lines)

    def html_tables(self) -> list[tuple[str, str]]:
        """The rank table."""
        return [("Rank under each method (1 = best)", html_table(self.ranks))]


def _criterion_name(code: str) -> str:
    from alliancekit.criteria import CRITERIA

    return f"{code} {CRITERIA[code].name.lower()}" if code in CRITERIA else code


def _why(partner: str, wsm: pd.DataFrame, ranks: pd.Series) -> str:
    """Why ``partner``'s ranks differ: its lead and shortfall against the median partner (in
    weighted points of the sum) and on how many criteria it beats the median partner."""
    peers = wsm.filter(like="contribution_").astype(float)
    peers.columns = [c.removeprefix("contribution_") for c in peers.columns]
    relative = peers.loc[partner] - peers.median()
    words = {
        "strong": _criterion_name(str(relative.idxmax())),
        "weak": _criterion_name(str(relative.idxmin())),
        "wins": int((relative > 0).sum()),
        "n": len(relative),
    }
    best, worst = ranks.idxmin(), ranks.idxmax()
    return (
        f"ranks {ranks[best]} under {METHOD_NAMES[best]} but {ranks[worst]} under "
        f"{METHOD_NAMES[worst]}: {_WHY[best]['up'].format(**words)}, while "
        f"{_WHY[worst]['down'].format(**words)}."
    )


def compare_methods(ws: Workspace, weights: Any = None, *, min_spread: int = 2) -> MethodComparison:
    """Score ``ws``'s candidates with WSM, TOPSIS and PROMETHEE II and compare the rankings.

    Parameters
    ----------
    ws : Workspace
        The case (its candidates are scored).
    weights : optional
        Criterion weights or a preset name, as for ``score_partners`` (the same for all three).
    min_spread : int
        Explain partners whose best and worst ranks are at least this many places apart.

    Returns
    -------
    MethodComparison
    """
    from alliancekit.criteria import score_partners

    frames = {m: score_partners(ws, weights, method=m).to_frame() for m in METHOD_NAMES}
    wsm = frames["weighted_sum"]
    ranks = pd.DataFrame(index=pd.Index(wsm.index, name="partner_id"))
    ranks["name"] = wsm["name"]
    for method, frame in frames.items():
        ranks[METHOD_NAMES[method]] = frame["rank"].reindex(ranks.index).astype(int)
    columns = list(METHOD_NAMES.values())
    ranks["spread"] = ranks[columns].max(axis=1) - ranks[columns].min(axis=1)
    ranks = ranks.sort_values(METHOD_NAMES["weighted_sum"])
    differences = []
    for partner in ranks.index[ranks["spread"] >= min_spread]:
        by_method = pd.Series({m: int(ranks.loc[partner, METHOD_NAMES[m]]) for m in METHOD_NAMES})
        differences.append(
            f"{ranks.loc[partner, 'name']} ({partner}) {_why(partner, wsm, by_method)}"
        )
    top = {m: str(f["rank"].idxmin()) for m, f in frames.items()}
    return MethodComparison(ranks=ranks, differences=tuple(differences), top=top)
