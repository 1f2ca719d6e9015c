"""The participant page of a live workshop: one person's judgements, given in a browser.

``alliancekit survey live WORKSPACE`` serves ``notebooks/participant.ipynb`` with Voilà and
prints one personal link per person in ``people.csv``: the app's URL and token, the
participant id and a per-participant key, HMAC-SHA256 of the id under the app's token
(:func:`participant_key`), so nobody can answer in someone else's name by editing the link.
The page shows the criteria with their full names and what each means, takes verbal AHP
judgements (or direct points) with the consistency ratio and a repair hint updated live, and
stores the answer as ``responses/<participant_id>.json`` (:func:`alliancekit.group.live.
submit_response`: a file lock, then :func:`alliancekit.group.save_response`, which writes a
temporary file and renames it), so several people submitting at once lose nothing. A bundled
sample workspace is never written into: copy it first. The links, keys and the locked submit
live in :mod:`alliancekit.group.live` (no widgets), re-exported here.
"""

from __future__ import annotations

import hmac
import html
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets
import pandas as pd

from alliancekit.errors import AllianceKitError, DataValidationError
from alliancekit.group.live import (
    WORKSPACE_ENV,
    check_writable,
    participant_key,
    participant_links,
    submit_response,
)
from alliancekit.widgets.markup import error_html, heading_html, info_html

__all__ = [
    "PARTICIPANT_NOTEBOOK",
    "WORKSPACE_ENV",
    "ParticipantPage",
    "check_writable",
    "participant_key",
    "participant_links",
    "participant_page",
    "submit_response",
]

#: The Voilà page of a participant (``alliancekit/data/notebooks/``).
PARTICIPANT_NOTEBOOK = "participant.ipynb"
_CSS = """
<style>
.ak-pair {align-items: center;}
.ak-pair .widget-label {width: 520px; min-width: 520px;}
.ak-judgement select {min-width: 420px;}
.ak-footer {position: sticky; bottom: 0; background: white; border-top: 1px solid #ccc;
            padding: 4px 0; z-index: 10;}
.ak-consistency-ok {color: #00795a;}
.ak-consistency-bad {color: #b34700;}
.ak-criteria td, .ak-criteria th {text-align: left; padding: 2px 8px; vertical-align: top;}
</style>
"""


def _criteria_table(criteria: list[str]) -> str:
    from alliancekit.criteria import CRITERIA
    from alliancekit.group.survey import CRITERION_QUESTIONS

    rows = "".join(
        f"<tr><th>{html.escape(CRITERIA[c].name)}</th>"
        f"<td>{html.escape(CRITERION_QUESTIONS.get(c, CRITERIA[c].definition))}</td></tr>"
        for c in criteria
    )
    return (
        "<details open><summary><b>The criteria</b></summary>"
        f'<table class="ak-criteria">{rows}</table></details>'
    )


def _options(a: str, b: str) -> list[tuple[str, float]]:
    """Dropdown options of the pair (a, b): a more important … equal … b more important."""
    from alliancekit.group import SCALE_PHRASES

    more_a = [(f"{a} is {SCALE_PHRASES[k]}", float(k)) for k in range(9, 1, -1)]
    more_b = [(f"{b} is {SCALE_PHRASES[k]}", 1.0 / k) for k in range(2, 10)]
    return [*more_a, ("both are equally important", 1.0), *more_b]


class ParticipantPage(widgets.VBox):
    """One participant's answers: pairwise judgements or points, live CR, submit.

    Attributes
    ----------
    participant : Participant
    folder : Path
        The workspace folder the answer goes into.
    criteria : list of str
        Criterion codes judged (C1–C11).
    mode : ToggleButtons
        ``pairwise`` (compare pairs) or ``direct`` (give points).
    pairs : dict (a, b) -> Dropdown
        a_ab on Saaty's scale (how much more important a is than b).
    points : dict code -> IntSlider
        Direct points 0–100 per criterion.
    consistency : HTML
        CR and, above 0.10, the one judgement to revisit; refreshed on every change.
    weights_view : HTML
        The weights the current answers give [%].
    submit : Button
    status : HTML
        What happened to the last submission.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        participant: Any,
        criteria: Iterable[str] | None = None,
        previous: Any = None,
    ) -> None:
        from alliancekit.criteria import CRITERIA, CRITERION_CODES

        super().__init__()
        self.folder = Path(folder)
        self.participant = participant
        self.criteria = [str(c) for c in (criteria or CRITERION_CODES)]
        self._names = {c: CRITERIA[c].name if c in CRITERIA else c for c in self.criteria}
        self._ratings = getattr(previous, "ratings", None)
        self.pairs: dict[tuple[str, str], widgets.Dropdown] = {}
        rows = []
        for i, a in enumerate(self.criteria):
            for b in self.criteria[i + 1 :]:
                dd = widgets.Dropdown(options=_options(self._names[a], self._names[b]), value=1.0)
                dd.add_class("ak-judgement")
                dd.observe(self._refresh, names="value")
                self.pairs[(a, b)] = dd
                text = f"{len(rows) + 1}. {self._names[a]} vs {self._names[b]}"
                rows.append(widgets.HBox([widgets.Label(text), dd]).add_class("ak-pair"))
        self.points = {
            c: widgets.IntSlider(value=50, min=0, max=100, description="", readout=True)
            for c in self.criteria
        }
        for slider in self.points.values():
            slider.observe(self._refresh, names="value")
        self.mode = widgets.ToggleButtons(
            options=[("Compare pairs", "pairwise"), ("Give points", "direct")], value="pairwise"
        )
        self.mode.observe(self._switch, names="value")
        self._pairwise_box = widgets.VBox(
            [
                widgets.HTML(
                    "<p>For each pair: which matters more for choosing a partner, and by "
                    "how much?</p>"
                ),
                *rows,
            ]
        )
        self._direct_box = widgets.VBox(
            [
                widgets.HTML(
                    "<p>Give each criterion points from 0 to 100 (they need not add up to 100).</p>"
                ),
                *[
                    widgets.HBox([widgets.Label(self._names[c]), s]).add_class("ak-pair")
                    for c, s in self.points.items()
                ],
            ]
        )
        self.consistency = widgets.HTML().add_class("ak-consistency")
        self.weights_view = widgets.HTML().add_class("ak-weights")
        self.submit = widgets.Button(
            description="Submit my answers",
            button_style="primary",
            layout=widgets.Layout(width="auto", min_width="180px"),
        )
        self.submit.add_class("ak-submit")
        self.submit.on_click(self._submit)
        self.status = widgets.HTML().add_class("ak-status")
        self._prefill(previous)
        self._answers = widgets.VBox([self._pairwise_box])
        self.children = [
            widgets.HTML(_CSS + self._greeting()),
            widgets.HTML(_criteria_table(self.criteria)),
            self.mode,
            self._answers,
            widgets.VBox(
                [self.consistency, self.weights_view, widgets.HBox([self.submit, self.status])]
            ).add_class("ak-footer"),
        ]
        self._switch()

    def _greeting(self) -> str:
        p = self.participant
        org = {"own": "own organisation", "partner": "partner organisation"}.get(
            str(getattr(p.organisation, "value", p.organisation)), "other"
        )
        role = f"{p.role}, " if p.role else ""
        return heading_html(f"Your judgements, {p.name}") + info_html(
            f"({role}{org}.) Tell us how much each criterion matters when choosing a partner. "
            "Your answer is saved only when you press Submit; you can change it and submit "
            "again until the facilitator closes the round."
        )

    def _prefill(self, previous: Any) -> None:
        """Start from the participant's earlier answer, if there is one."""
        if previous is None:
            return
        if previous.pairwise is not None:
            for (a, b), dd in self.pairs.items():
                if a in previous.pairwise.index and b in previous.pairwise.columns:
                    value = float(previous.pairwise.at[a, b])
                    nearest = min(dd.options, key=lambda o: abs(o[1] - value))
                    dd.value = nearest[1]
        if previous.weights is not None:
            for c, slider in self.points.items():
                if c in previous.weights.index:
                    slider.value = round(min(100.0, float(previous.weights[c])))
            self.mode.value = "direct"

    def matrix(self) -> pd.DataFrame:
        """The full reciprocal matrix of the current judgements."""
        a = pd.DataFrame(1.0, index=self.criteria, columns=self.criteria)
        for (r, c), dd in self.pairs.items():
            a.loc[r, c], a.loc[c, r] = float(dd.value), 1.0 / float(dd.value)
        return a

    def judgements(self) -> dict[str, Any]:
        """What :func:`submit_response` stores: ``pairwise`` or ``weights`` (and ratings)."""
        if self.mode.value == "pairwise":
            out: dict[str, Any] = {"pairwise": self.matrix()}
        else:
            out = {"weights": pd.Series({c: float(s.value) for c, s in self.points.items()})}
        if self._ratings is not None:
            out["ratings"] = self._ratings
        return out

    def _switch(self, *_: Any) -> None:
        pairwise = self.mode.value == "pairwise"
        self._answers.children = [self._pairwise_box if pairwise else self._direct_box]
        self._refresh()

    def _refresh(self, *_: Any) -> None:
        """Weights and consistency of the current answers (never raises into the page)."""
        try:
            if self.mode.value == "pairwise":
                self._show_pairwise()
            else:
                self._show_direct()
        except AllianceKitError as exc:
            self.consistency.value = error_html(exc)

    def _show_weights(self, weights: pd.Series) -> None:
        shown = weights.sort_values(ascending=False)
        rows = "".join(
            f"<tr><th>{html.escape(self._names[c])}</th><td>{100 * w:.1f} %</td></tr>"
            for c, w in shown.items()
        )
        self.weights_view.value = (
            "<details><summary>The weights your answers give [% of the total]</summary>"
            f'<table class="ak-criteria">{rows}</table></details>'
        )

    def _show_pairwise(self) -> None:
        from alliancekit.group import repair_hints
        from alliancekit.group.vocab import judgement_text
        from alliancekit.scoring import ahp_weights

        matrix = self.matrix()
        result = ahp_weights(matrix)
        self._show_weights(result.weights)
        if result.cr <= 0.10:
            self.consistency.value = (
                f'<div class="ak-consistency-ok">Consistency ratio CR = {result.cr:.2f}: your '
                "answers fit together (0.10 or less is consistent).</div>"
            )
            return
        hint = repair_hints({"you": matrix})
        text = ""
        if not hint.empty:
            h = hint.iloc[0]
            a, b = self._names[str(h["row"])], self._names[str(h["column"])]
            text = (
                f" Revisit “{a} vs {b}”: you said {judgement_text(a, b, h['given'])}; your "
                f"other answers suggest {judgement_text(a, b, h['suggested'])}, which would "
                f"bring CR to {h['cr_after']:.2f}."
            )
        self.consistency.value = (
            f'<div class="ak-consistency-bad">Consistency ratio CR = {result.cr:.2f}: some of '
            f"your answers contradict each other (above 0.10).{html.escape(text)}</div>"
        )

    def _show_direct(self) -> None:
        points = pd.Series({c: float(s.value) for c, s in self.points.items()})
        total = float(points.sum())
        if total <= 0:
            self.consistency.value = error_html("Give at least one criterion some points.")
            self.weights_view.value = ""
            return
        self._show_weights(points / total)
        self.consistency.value = (
            '<div class="ak-consistency-ok">Points are always consistent; they are turned '
            "into shares of the total.</div>"
        )

    def _submit(self, *_: Any) -> None:
        try:
            path = submit_response(self.folder, self.participant.participant_id, self.judgements())
        except AllianceKitError as exc:
            self.status.value = error_html(exc, context="Your answer was NOT saved.")
            return
        stamp = datetime.now(UTC).strftime("%H:%M:%S UTC")
        self.status.value = info_html(
            f"Saved at {stamp} ({path.name}). Thank you, {self.participant.name}."
        )


def _previous_answer(folder: Path, participant_id: str) -> Any:
    """The participant's stored answer, or None (an unreadable one is ignored here)."""
    from alliancekit.group import load_responses

    try:
        answers = load_responses(folder)
    except (DataValidationError, OSError):
        return None
    return next((r for r in answers.responses if r.participant_id == participant_id), None)


def participant_page(
    workspace: str | os.PathLike[str] = "", query: str = "", secret: str = ""
) -> widgets.Widget:
    """The page a personal link opens, or a short message saying why it cannot open.

    Parameters
    ----------
    workspace : path
        The workspace folder (``people.csv`` beside ``responses/``); default
        ``$ALLIANCEKIT_WORKSPACE``.
    query : str
        The link's query string (Voilà's ``QUERY_STRING``): ``participant`` and ``key``.
    secret : str
        The app's token the keys were made with (the server's ``JUPYTER_TOKEN``).

    Returns
    -------
    ParticipantPage or HTML
    """
    from alliancekit.group import PEOPLE_FILE, load_participants

    folder = Path(workspace or os.environ.get(WORKSPACE_ENV, ""))
    params = parse_qs(query or "")
    pid = (params.get("participant") or [""])[0]
    key = (params.get("key") or [""])[0]
    invalid = "This link is not valid: ask the facilitator for your personal link."
    if not secret or not pid or not hmac.compare_digest(participant_key(secret, pid), key):
        return widgets.HTML(heading_html("Personal link needed") + error_html(invalid))
    try:
        people = {p.participant_id: p for p in load_participants(folder / PEOPLE_FILE)}
    except (AllianceKitError, OSError) as exc:
        return widgets.HTML(heading_html("The workshop is not set up") + error_html(str(exc)))
    if pid not in people:
        return widgets.HTML(heading_html("Personal link needed") + error_html(invalid))
    page = ParticipantPage(folder, people[pid], previous=_previous_answer(folder, pid))
    try:
        check_writable(folder)
    except DataValidationError as exc:
        page.status.value = error_html(exc, context="Answers cannot be saved here.")
    return page
