"""AHP pairwise comparison grid: Saaty-scale judgements in, weights and consistency ratio out."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

__all__ = ["SAATY_SCALE", "AHPGrid"]

#: Saaty's 1–9 scale with reciprocals: (label, value) for the AHP pairwise dropdowns.
SAATY_SCALE: tuple[tuple[str, float], ...] = tuple(
    [(f"1/{k}", 1.0 / k) for k in range(9, 1, -1)] + [(str(k), float(k)) for k in range(1, 10)]
)


class AHPGrid(widgets.VBox):
    """Upper-triangle AHP pairwise entry grid on Saaty's scale with live consistency ratio.

    Attributes
    ----------
    criteria : list of str
    cells : dict (row, column) -> Dropdown
        ``a_ij``: how much more important ``row`` is than ``column`` (1/9 … 9).
    cr_label : HTML
        λmax, CI, CR and whether CR ≤ 0.10, refreshed on every change.
    apply_button : Button
        Copies the AHP weights into the explorer's weight sliders.
    result : AHPResult or None
    """

    def __init__(self, criteria: Sequence[str]) -> None:
        super().__init__()
        self.criteria = list(criteria)
        self.cells: dict[tuple[str, str], widgets.Dropdown] = {}
        n = len(self.criteria)
        children: list[widgets.Widget] = [widgets.Label("")]
        children += [widgets.Label(c) for c in self.criteria]
        for i, row in enumerate(self.criteria):
            children.append(widgets.Label(row))
            for j, col in enumerate(self.criteria):
                if j > i:
                    dd = widgets.Dropdown(
                        options=SAATY_SCALE, value=1.0, layout=widgets.Layout(width="62px")
                    )
                    dd.observe(self._refresh, names="value")
                    self.cells[(row, col)] = dd
                    children.append(dd)
                else:
                    children.append(widgets.Label("1" if i == j else "·"))
        self.grid = widgets.GridBox(
            children,
            layout=widgets.Layout(grid_template_columns=f"40px repeat({n}, 66px)"),
        )
        self.cr_label = widgets.HTML()
        self.apply_button = widgets.Button(description="Use AHP weights", icon="check")
        self.result: Any = None
        self.children = [
            widgets.HTML(
                "<b>AHP pairwise comparison</b>: row criterion vs column criterion "
                "(Saaty 1–9; 1 = equal, 9 = extremely more important)."
            ),
            self.grid,
            widgets.HBox([self.apply_button, self.cr_label]),
        ]
        self._refresh()

    def matrix(self) -> pd.DataFrame:
        """The full reciprocal pairwise matrix from the entered upper triangle."""
        a = pd.DataFrame(1.0, index=self.criteria, columns=self.criteria)
        for (row, col), dd in self.cells.items():
            a.loc[row, col] = float(dd.value)
            a.loc[col, row] = 1.0 / float(dd.value)
        return a

    def _refresh(self, *_: Any) -> None:
        from alliancekit.scoring import ahp_weights

        self.result = ahp_weights(self.matrix())
        r = self.result
        verdict = "consistent" if r.is_consistent else "inconsistent: revise the judgements"
        colour = "#009E73" if r.is_consistent else "#D55E00"
        self.cr_label.value = (
            f'<span style="color:{colour}">λmax {r.lambda_max:.3f}, CI {r.ci:.3f}, '
            f"<b>CR {r.cr:.3f}</b> ({html.escape(verdict)}; CR ≤ 0.10 is acceptable)</span>"
        )
