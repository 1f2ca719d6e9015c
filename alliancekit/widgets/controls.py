"""Controls shared by the explorers: sliders, weight sliders, pickers, the message area, layouts.

Every slider reports only when released (``continuous_update=False``): a drag is one
recomputation, not dozens. CSS classes (``ak-…``) are the hooks the browser tests use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import Enum

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from alliancekit.model import Workspace
from alliancekit.widgets.markup import error_html, info_html

__all__ = [
    "STYLE",
    "WIDE",
    "MessageArea",
    "PartnerPicker",
    "WeightSliders",
    "enum_dropdown",
    "fixed",
    "flex",
    "partner_options",
    "partner_picker",
    "slider",
]

#: Width of the description column of labelled controls.
STYLE = {"description_width": "150px"}
#: Width of a control in the settings column of the portfolio and review explorers.
WIDE = "480px"


def fixed(width: str) -> widgets.Layout:
    """Layout of a control column that keeps its width next to a flexible result column."""
    return widgets.Layout(width=width, min_width=width, flex="0 0 auto")


def flex() -> widgets.Layout:
    """Layout of the result column: takes the room the control column leaves."""
    return widgets.Layout(flex="1 1 360px", min_width="0")


def slider(
    description: str,
    value: float,
    lo: float,
    hi: float,
    step: float | None = None,
    *,
    css_class: str,
    integer: bool = False,
    label_width: str = "150px",
    width: str = WIDE,
) -> widgets.FloatSlider | widgets.IntSlider:
    """A labelled, ``WIDE`` slider over [``lo``, ``hi``] that reports on release.

    Parameters
    ----------
    description : str
        The label on its left.
    value, lo, hi, step : float
        Start value, range and step, in the units of the setting (``step`` None: the default).
    css_class : str
        ``ak-…`` class, the hook for styles and browser tests.
    integer : bool
        An ``IntSlider`` (counts) instead of a ``FloatSlider``.
    """
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    steps = {} if step is None else {"step": step}
    control = kind(
        value=value,
        min=lo,
        max=hi,
        description=description,
        continuous_update=False,
        style={"description_width": label_width},
        layout=widgets.Layout(width=width),
        **steps,
    )
    control.add_class(css_class)
    return control


def enum_dropdown(members: type[Enum], value: Enum, description: str) -> widgets.Dropdown:
    """A dropdown over a closed vocabulary: shows each member's ``label``, holds the member."""
    return widgets.Dropdown(
        options=[(getattr(m, "label", str(m)), m) for m in members],
        value=value,
        description=description,
        style=STYLE,
    )


def partner_options(workspace: Workspace) -> list[tuple[str, str]]:
    """(``"Name (B01)"``, ``"B01"``) for every candidate: the options of the partner pickers."""
    return [(f"{c.name} ({c.id})", c.id) for c in workspace.candidates]


class PartnerPicker(widgets.VBox):
    """A searchable partner picker: type part of a name or id, pick, see the picks, clear.

    ``value`` is the tuple of picked partner ids (set it from code as on a ``SelectMultiple``);
    ``check(new_ids)`` may refuse a pick by raising (the message is shown under the picker and
    the pick is undone), so contradictory settings are caught where they are made.

    Attributes
    ----------
    search : Combobox
        The type-ahead box over the full names ("Gulshan Nurseries (B04)").
    chosen : HTML
        The picked partners, by name.
    clear_button : Button
    note : HTML
        Why the last pick was refused ("" otherwise).
    """

    value = traitlets.Tuple()

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        description: str,
        *,
        check: Callable[[tuple[str, ...]], None] | None = None,
        css_class: str = "",
    ) -> None:
        super().__init__()
        self.options = list(options)
        self._by_label = {label: pid for label, pid in self.options}
        self._names = {pid: label for label, pid in self.options}
        self._check = check
        self.search = widgets.Combobox(
            options=[label for label, _ in self.options],
            placeholder="type a name or id, then pick",
            ensure_option=True,
            description=description,
            tooltip=f"{description}: search the candidates by name or id",
            style=STYLE,
            layout=widgets.Layout(width="400px"),
        )
        self.search.observe(self._picked, names="value")
        self.clear_button = widgets.Button(
            description="Clear", tooltip=f"Clear {description}", layout=widgets.Layout(width="70px")
        )
        self.clear_button.on_click(lambda _: self._set(()))
        self.chosen = widgets.HTML()
        self.note = widgets.HTML()
        if css_class:
            self.add_class(css_class)
        self.children = [widgets.HBox([self.search, self.clear_button]), self.chosen, self.note]
        self._show()

    def _picked(self, change: dict) -> None:
        pid = self._by_label.get(change["new"])
        if pid is None:
            return
        self.search.value = ""
        if pid not in self.value:
            self._set((*self.value, pid))

    def _set(self, ids: tuple[str, ...]) -> None:
        try:
            if self._check is not None:
                self._check(tuple(ids))
        except Exception as exc:  # refused where it is made: say why, keep the old picks
            self.note.value = error_html(exc)
            return
        self.note.value = ""
        self.value = tuple(ids)

    @traitlets.observe("value")
    def _value_changed(self, change: dict) -> None:
        self._show()

    def _show(self) -> None:
        import html

        names = [html.escape(self._names.get(p, p)) for p in self.value]
        self.chosen.value = (
            f'<div class="ak-small" style="margin-left:150px">{"; ".join(names)}</div>'
            if names
            else '<div class="ak-small" style="margin-left:150px">none</div>'
        )


def partner_picker(options: Sequence[tuple[str, str]], description: str) -> widgets.SelectMultiple:
    """A list of candidates to pick several from (must include / must exclude)."""
    return widgets.SelectMultiple(
        options=list(options),
        description=description,
        rows=min(6, max(len(options), 1)),
        style=STYLE,
        layout=widgets.Layout(width=WIDE),
    )


class MessageArea(widgets.HTML):
    """The line under an explorer's controls: what was computed, or what went wrong."""

    def info(self, text: str) -> None:
        """Show a plain message."""
        self.value = info_html(text)

    def error(self, problem: BaseException | str, *, context: str = "") -> None:
        """Show an error (it renders itself; see ``markup.error_html``)."""
        self.value = error_html(problem, context=context)


class WeightSliders(widgets.VBox):
    """One slider per criterion [0–1] whose values always sum to 1.

    Moving one slider rescales the others in proportion, so they keep their ratios and the sum
    stays 1; ``on_change`` is called after every change (a user's or ``set``).

    Attributes
    ----------
    sliders : dict criterion -> FloatSlider
    weights : Series
        Current weights by criterion (sum 1).
    """

    def __init__(
        self,
        weights: pd.Series,
        tooltips: Mapping[str, str],
        on_change: Callable[[], None],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        labels = labels or {}
        self._weights = weights.astype(float).copy()
        self._on_change = on_change
        self._syncing = False
        self.sliders: dict[str, widgets.FloatSlider] = {}
        for c in self._weights.index:
            s = widgets.FloatSlider(
                value=float(self._weights[c]),
                min=0.0,
                max=1.0,
                step=0.01,
                description=labels.get(c, c),
                tooltip=tooltips.get(c, c),
                readout_format=".2f",
                continuous_update=False,
                style={"description_width": "250px"},
                layout=widgets.Layout(width="440px"),
            )
            s.add_class(f"ak-weight-{c}")
            s.observe(self._moved, names="value")
            self.sliders[c] = s
        self.children = list(self.sliders.values())

    @property
    def weights(self) -> pd.Series:
        """Current weights by criterion (sum 1)."""
        return self._weights.copy()

    def set(self, weights: pd.Series) -> None:
        """Show ``weights`` (by criterion, summing to 1) on the sliders, then ``on_change``."""
        self.show(weights)
        self._on_change()

    def show(self, weights: pd.Series) -> None:
        """Show ``weights`` on the sliders without calling ``on_change`` (a change made
        elsewhere, e.g. in the session state)."""
        self._weights = weights.reindex(self._weights.index, fill_value=0.0).astype(float)
        self._push()

    def _push(self) -> None:
        self._syncing = True
        try:
            for c, s in self.sliders.items():
                s.value = float(self._weights[c])
        finally:
            self._syncing = False

    def _moved(self, change: dict) -> None:
        if self._syncing:
            return
        changed = next(c for c, s in self.sliders.items() if s is change["owner"])
        new = float(np.clip(change["new"], 0.0, 1.0))
        others = self._weights.drop(changed)
        rest = 1.0 - new
        total = float(others.sum())
        if total > 1e-12:
            others = others * (rest / total)
        else:
            others = pd.Series(rest / len(others), index=others.index)
        w = others.copy()
        w[changed] = new
        self.set(w)
