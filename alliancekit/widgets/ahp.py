"""AHP a person can do: one sentence per pair of criteria, in words, with live consistency.

Each pair reads "Capability complementarity (C1) is [moderately more important] than Strategic
value (C2)"; the dropdowns hold Saaty's values (1/9 … 9) and show the verbal scale. The
consistency ratio CR is recomputed on every change; when it is above 0.10 the most inconsistent
judgement is highlighted with the value the other judgements imply
(:func:`alliancekit.group.repair_hints`), and applying such weights asks for confirmation.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

# VERBAL_SCALE is made at first use (the module's __getattr__)
__all__ = ["CR_LIMIT", "SAATY_SCALE", "VERBAL_SCALE", "AHPGrid", "verbal_scale"]  # noqa: F822

#: Saaty's 1–9 scale with reciprocals: (label, value) for the AHP pairwise dropdowns.
SAATY_SCALE: tuple[tuple[str, float], ...] = tuple(
    [(f"1/{k}", 1.0 / k) for k in range(9, 1, -1)] + [(str(k), float(k)) for k in range(1, 10)]
)
#: The largest acceptable consistency ratio (Saaty).
CR_LIMIT = 0.10


def _verbal(value: float) -> str:
    from alliancekit.group.vocab import scale_phrase

    fraction = f"{value:g}" if value >= 1 else f"1/{round(1 / value)}"
    return f"{scale_phrase(value)} ({fraction})"


@functools.cache
def verbal_scale() -> tuple[tuple[str, float], ...]:
    """The scale in words, ``VERBAL_SCALE`` (made at first use: its words come from
    ``alliancekit.group``, a second's import the app's first page does not need)."""
    return tuple((_verbal(v), v) for _, v in reversed(SAATY_SCALE))


def __getattr__(name: str) -> Any:
    """``VERBAL_SCALE``: the same scale in words, ``(“moderately more important (3)”, 3.0)`` …"""
    if name == "VERBAL_SCALE":
        return verbal_scale()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AHPGrid(widgets.VBox):
    """Pairwise judgements in words with live consistency ratio and a repair hint.

    Attributes
    ----------
    criteria : list of str
    cells : dict (row, column) -> Dropdown
        ``a_ij``: how much more important ``row`` is than ``column`` (1/9 … 9).
    rows : dict (row, column) -> HBox
        The sentence of each judgement (the most inconsistent one carries ``ak-ahp-worst``).
    cr_label : HTML
        CR and whether it is acceptable (≤ 0.10), refreshed on every change.
    hint : HTML
        The judgement to revisit and the value that would repair it ("" when consistent).
    repair_button : Button
        Sets the most inconsistent judgement to the suggested value.
    apply_button : Button
        Asks to use the AHP weights; with CR > 0.10 the explorer asks for confirmation first.
    result : AHPResult or None
    worst : tuple or None
        ``(row, column, suggested value, CR after)`` of the judgement to revisit.
    """

    def __init__(self, criteria: Sequence[str], names: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.criteria = list(criteria)
        names = dict(names or {})
        self.names = {c: f"{names[c]} ({c})" if c in names else c for c in self.criteria}
        self.cells: dict[tuple[str, str], widgets.Dropdown] = {}
        self.rows: dict[tuple[str, str], widgets.HBox] = {}
        for i, row in enumerate(self.criteria):
            for col in self.criteria[i + 1 :]:
                dd = widgets.Dropdown(
                    options=verbal_scale(),
                    value=1.0,
                    tooltip=f"How much more important is {self.names[row]} than {self.names[col]}?",
                    layout=widgets.Layout(width="330px"),
                )
                dd.add_class("ak-ahp-cell")
                dd.observe(self._refresh, names="value")
                self.cells[(row, col)] = dd
                self.rows[(row, col)] = widgets.HBox(
                    [
                        widgets.HTML(
                            f"{html.escape(self.names[row])} is",
                            layout=widgets.Layout(width="300px"),
                        ),
                        dd,
                        widgets.HTML(f"than {html.escape(self.names[col])}"),
                    ],
                    layout=widgets.Layout(flex="0 0 auto", min_height="34px"),
                )
        self.cr_label = widgets.HTML()
        self.cr_label.add_class("ak-ahp-cr")
        self.hint = widgets.HTML()
        self.hint.add_class("ak-ahp-hint")
        self.repair_button = widgets.Button(
            description="Use the suggested value", layout=widgets.Layout(width="220px")
        )
        self.repair_button.add_class("ak-ahp-repair")
        self.repair_button.on_click(lambda _: self.repair())
        self.apply_button = widgets.Button(
            description="Use AHP weights", layout=widgets.Layout(width="180px")
        )
        self.apply_button.add_class("ak-ahp-apply")
        self.result: Any = None
        self.worst: tuple[str, str, float, float] | None = None
        pairs = widgets.VBox(list(self.rows.values()), layout=widgets.Layout(max_height="420px"))
        pairs.layout.overflow = "auto"
        self.children = [
            widgets.HTML(
                "<b>Compare the criteria two at a time</b> (AHP, Saaty's 1–9 scale). For each "
                "pair say how much more important the first is than the second; "
                "“less important” reverses it. The consistency ratio CR must be at most 0.10."
            ),
            pairs,
            self.cr_label,
            widgets.HBox([self.hint, self.repair_button]),
            self.apply_button,
        ]
        self._refresh()

    def matrix(self) -> pd.DataFrame:
        """The full reciprocal pairwise matrix from the entered judgements."""
        a = pd.DataFrame(1.0, index=self.criteria, columns=self.criteria)
        for (row, col), dd in self.cells.items():
            a.loc[row, col] = float(dd.value)
            a.loc[col, row] = 1.0 / float(dd.value)
        return a

    def repair(self) -> None:
        """Set the most inconsistent judgement to the value the others imply."""
        if self.worst is not None:
            row, col, suggested, _ = self.worst
            if (row, col) in self.cells:
                self.cells[(row, col)].value = min(
                    (v for _, v in verbal_scale()), key=lambda v: abs(v - suggested)
                )
            else:  # the hint names the pair the other way round
                self.cells[(col, row)].value = min(
                    (v for _, v in verbal_scale()), key=lambda v: abs(v - 1.0 / suggested)
                )

    def _refresh(self, *_: Any) -> None:
        from alliancekit.scoring import ahp_weights

        self.result = ahp_weights(self.matrix())
        r = self.result
        ok = r.cr <= CR_LIMIT + 1e-12
        verdict = "consistent" if ok else "too inconsistent: revise the highlighted judgement"
        css = "ak-ok" if ok else "ak-bad"
        self.cr_label.value = (
            f'<span class="{css}"><b>Consistency ratio CR {r.cr:.3f}</b> '
            f"({html.escape(verdict)}; at most {CR_LIMIT:.2f} is acceptable)</span>"
        )
        self._show_worst(None if ok else self._worst())

    def _worst(self) -> tuple[str, str, float, float] | None:
        from alliancekit.group import repair_hints

        hints = repair_hints({"you": self.matrix()}, threshold=CR_LIMIT)
        if hints.empty:
            return None
        h = hints.iloc[0]
        return str(h["row"]), str(h["column"]), float(h["suggested"]), float(h["cr_after"])

    def _show_worst(self, worst: tuple[str, str, float, float] | None) -> None:
        self.worst = worst
        for box in self.rows.values():
            box.remove_class("ak-ahp-worst")
        self.repair_button.layout.display = "none" if worst is None else ""
        if worst is None:
            self.hint.value = ""
            return
        row, col, suggested, after = worst
        pair = (row, col) if (row, col) in self.rows else (col, row)
        self.rows[pair].add_class("ak-ahp-worst")
        value = suggested if pair == (row, col) else 1.0 / suggested
        self.hint.value = (
            f'<div class="ak-bad">Most inconsistent: <b>{html.escape(self.names[pair[0]])}</b> '
            f"vs <b>{html.escape(self.names[pair[1]])}</b> (highlighted). Your other answers "
            f"imply “{html.escape(_verbal(value))}”, which brings CR to {after:.2f}.</div>"
        )
