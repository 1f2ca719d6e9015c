"""The group view of the review report: how the people asked weigh the criteria, where they
disagree, which partners every one of them would choose (docs/group.md §3–§4).

Shown only when the workspace has a ``responses/`` folder. Written for managers: names and
criteria in words, the consensus in Goepel's words, the one answer each inconsistent person
should revisit; participant ids, the aggregation method and the indicators' names only in the
analysts' small print at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliancekit.errors import DataValidationError
from alliancekit.reporting.sections.base import (
    ReportSection,
    as_figure,
    chart_call,
    charts_module,
    escape,
)
from alliancekit.reporting.sections.base import section as _section

if TYPE_CHECKING:
    from alliancekit.model import Workspace

__all__ = ["group_view"]

_SIDE_WORDS = {"own": "own organisation", "partner": "partner organisation", "other": "others"}


def _criterion(code: str) -> str:
    from alliancekit.criteria import CRITERIA

    return CRITERIA[code].name if code in CRITERIA else code


def _names(people: list[str], names: dict[str, str]) -> str:
    """``A, B and C`` from participant ids, in names."""
    words = [names.get(p, p) for p in people]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _who_answered(answers: Any, names: dict[str, str], org: str) -> str:
    sides = answers.organisation().value_counts()
    words = {**_SIDE_WORDS, "own": escape(org)}
    parts = [
        f"{n} from {words[side] if side == 'own' else 'the ' + words.get(side, 'unlisted')}"
        for side, n in sides.items()
    ]
    return (
        f"<p>{len(answers.responses)} people compared the criteria pairwise "
        f"({', '.join(parts)}).</p>"
        if parts
        else ""
    )


def _consensus(analysis: Any, names: dict[str, str]) -> str:
    level = analysis.consensus_level
    text = (
        f"Their consensus is <strong>{escape(level.label)}</strong> "
        f"({100 * analysis.group.consensus:.0f} % on a 0–100 % scale)."
        if level is not None
        else "Only one person answered, so there is no consensus to measure."
    )
    k = int(analysis.clusters.max()) if len(analysis.clusters) else 0
    if k > 1:
        camps = []
        for c in range(1, k + 1):
            members = [str(p) for p in analysis.clusters.index[analysis.clusters == c]]
            lean = analysis.cluster_weights[f"cluster {c}"] - analysis.group.weights
            top = [_criterion(str(x)) for x in lean.sort_values(ascending=False).index[:2]]
            camps.append(
                f"<li>{escape(_names(members, names))} weigh {escape(top[0])} and "
                f"{escape(top[1])} more than the group as a whole.</li>"
            )
        lines = {
            True: "The camps follow the organisations' lines.",
            False: "The camps cut across the two organisations.",
            None: "",
        }
        text += (
            f" The group splits into {k} camps of like-minded people. "
            f"{lines[analysis.follows_organisations]}</p><ul>{''.join(camps)}</ul>"
        )
        return f"<p>{text}"
    return f"<p>{text} There are no clear camps.</p>"


def _differences(analysis: Any, answers: Any, names: dict[str, str]) -> str:
    from alliancekit.group.vocab import judgement_text

    if analysis.spread.empty or answers.mode is None or answers.mode.value != "pairwise":
        return ""
    matrices = answers.matrices()
    items = []
    for rec in analysis.spread.head(3).itertuples():
        a, b = (s.strip() for s in str(rec.Index).split(" vs "))
        hi, lo = str(rec.highest_by), str(rec.lowest_by)
        said_hi = judgement_text(_criterion(a), _criterion(b), matrices[hi].at[a, b])
        said_lo = judgement_text(_criterion(a), _criterion(b), matrices[lo].at[a, b])
        items.append(
            f"<li><strong>{escape(_criterion(a))} vs {escape(_criterion(b))}</strong>: "
            f"{escape(names.get(hi, hi))} says {escape(said_hi)}; {escape(names.get(lo, lo))} "
            f"says {escape(said_lo)}.</li>"
        )
    return "<h3>Who disagrees on what</h3><ul>" + "".join(items) + "</ul>"


def _partners(decision: Any) -> str:
    sel = decision.selection
    weights = decision.disagreement.group.participant_weights
    people = int((weights > 0).sum())
    lines = []
    for cls, words in (
        ("core", "Every participant's portfolio holds"),
        ("borderline", "Some participants' portfolios hold"),
    ):
        rows = sel[[str(getattr(s, "value", s)) == cls for s in sel["selection"]]]
        if cls == "core":
            listed = ", ".join(escape(n) for n in rows["name"])
        else:
            listed = ", ".join(
                f"{escape(n)} ({int(k)} of {people})"
                for n, k in zip(rows["name"], rows["chosen_by"], strict=True)
            )
        lines.append(f"<li>{words}: {listed or 'none'}.</li>")
    out = len(sel) - sum(str(getattr(s, "value", s)) != "exterior" for s in sel["selection"])
    lines.append(f"<li>{out} candidates are in nobody's portfolio.</li>")
    return (
        "<h3>Which partners the group backs</h3>"
        "<p>Each participant's weights were used to score the candidates and plan the "
        "portfolio. Partners every portfolio holds are a safe choice whatever weights the group "
        "settles on (core); partners only some hold are where the discussion should go "
        "(borderline).</p><ul>" + "".join(lines) + "</ul>"
    )


def _consistency(analysis: Any, names: dict[str, str]) -> str:
    bad = analysis.consistency[~analysis.consistency["consistent"].astype(bool)]
    if bad.empty:
        return (
            "<h3>Consistency of the answers</h3><p>Everyone answered consistently "
            "(consistency ratio 0.10 or less).</p>"
        )
    items = []
    for pid, rec in bad.iterrows():
        who = escape(names.get(str(pid), str(pid)))
        repair = analysis.repairs.loc[pid] if pid in analysis.repairs.index else None
        advice = (
            f" Revisit {escape(_criterion(str(repair['row'])))} vs "
            f"{escape(_criterion(str(repair['column'])))}: the other answers imply a different "
            f"judgement, which would bring the ratio to {repair['cr_after']:.2f}."
            if repair is not None
            else ""
        )
        items.append(
            f"<li>{who}'s answers contradict each other (consistency ratio {rec['cr']:.2f}, "
            f"above 0.10).{advice}</li>"
        )
    return (
        f"<h3>Consistency of the answers</h3><p>{len(analysis.consistency) - len(bad)} of "
        f"{len(analysis.consistency)} people answered consistently.</p><ul>"
        + "".join(items)
        + "</ul>"
    )


def _small_print(analysis: Any, decision: Any, names: dict[str, str]) -> str:
    ids = ", ".join(f"{escape(p)} {escape(n)}" for p, n in names.items())
    w = decision.concordance
    return (
        "<p><small>For analysts: group weights by "
        f"{escape(analysis.group.method.label.upper())} (Forman &amp; Peniwati 1998); consensus "
        f"= Goepel's S* {analysis.group.consensus:.3f}; camps by average-linkage clustering on "
        f"1 − pairwise S* (mean silhouette {analysis.silhouette:.2f}); agreement on the partner "
        f"ranking Kendall's W = {w.w:.2f}. Participants: {ids}. Method: docs/group.md."
        "</small></p>"
    )


def _weights_view(analysis: Any, names: dict[str, str]) -> Any:
    """Each participant's weight of each criterion [%], and the group's (by name)."""
    charts_module()  # the chart layer, without jsonschema's slowest format checkers (see there)
    from alliancekit.charts import group as group_charts

    return group_charts.participant_weights(analysis, names=names, show_ids=False)


def _support_view(decision: Any, names: dict[str, str]) -> Any:
    """Share of the participants [%] whose portfolio holds each partner."""
    charts_module()
    from alliancekit.charts import group as group_charts

    return group_charts.partner_support(decision, names=names, show_ids=False)


#: What the section says when nobody has answered the criteria survey.
_NO_ANSWERS = (
    "<p>Nobody has answered the criteria survey for this workspace yet. When people from both "
    "organisations do (<code>alliancekit survey make</code> writes a workbook per person, "
    "<code>alliancekit survey live</code> serves a page for a workshop), this section shows how "
    "far they agree on what matters in a partner, where they differ, and which partners each "
    "view would choose.</p>"
)


def group_view(ws: Workspace, method: str = "aij") -> ReportSection:
    """The group's view of the criteria and partners (how to collect it when nobody answered).

    Parameters
    ----------
    ws : Workspace
        Loaded from a folder (or workbook) beside ``responses/`` and ``people.csv``.
    method : {"aij", "aip", "aip_arithmetic"}
        Aggregation of the group's judgements.

    Returns
    -------
    ReportSection
        Without a ``responses/`` folder, a paragraph on how to collect the answers. Otherwise
        consensus in words, camps, who disagrees on what, core and borderline partners, each
        person's consistency, two static charts and the analysts' small print. Unreadable
        answers give a short section naming the file and cell instead of failing the report.
    """
    from alliancekit.group import group_decision, load_responses, participants_frame
    from alliancekit.group.responses import responses_folder

    try:
        folder = responses_folder(ws)
    except DataValidationError:
        folder = None
    if folder is None or not folder.is_dir():
        return _section("group view", _NO_ANSWERS)
    heading = ""  # the notebook's heading: "12. The group's view"
    try:
        answers = load_responses(folder)
    except DataValidationError as exc:
        return _section(
            "group view",
            heading,
            "<p>The participants' answers could not be read, so this section is left out "
            f"until they are fixed:</p><pre>{escape(str(exc))}</pre>",
        )
    names = (
        participants_frame(answers.participants)["name"].astype(str).to_dict()
        if answers.participants
        else {}
    )
    names = {p: names.get(p, p) for p in answers.ids}
    decision = group_decision(ws, answers, method)
    analysis = decision.disagreement
    weights_fig = as_figure(chart_call(_weights_view, analysis, names))
    support_fig = as_figure(chart_call(_support_view, decision, names))
    return _section(
        "group view",
        heading,
        _who_answered(answers, names, ws.organization.name),
        _consensus(analysis, names),
        weights_fig._repr_html_(),
        _differences(analysis, answers, names),
        _partners(decision),
        support_fig._repr_html_(),
        _consistency(analysis, names),
        _small_print(analysis, decision, names),
    )
