"""One glossary: the name, unit and one-sentence help of everything alliancekit shows people.

Every constraint kind, objective, weight preset, criterion, knockout, review rule, risk measure,
method, decision, threshold and budget-headroom moment has one :class:`Term` here, with the
section of docs/method.md that explains it. The app, the notebooks and the reports read their
labels from this module (``label``, ``term``, ``help_text``), so one concept has one name
everywhere; ids (``C1``, ``K3``, ``E1``, ``G6``) appear beside the name, never instead of it.

This module sits at the model level and imports nothing of alliancekit: the criteria and the
review rules keep their own definitions, and ``tests/test_glossary.py`` checks that the names
agree and that every docs anchor exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DOCS",
    "GLOSSARY",
    "GROUPS",
    "Term",
    "anchor",
    "gap_label",
    "help_text",
    "in_words",
    "label",
    "term",
]

#: The method document every help text links into (relative to the repository root).
DOCS = "docs/method.md"


def anchor(heading: str) -> str:
    """The GitHub-style anchor of a docs/method.md heading ("### 3.5 Portfolio risk limits" →
    ``35-portfolio-risk-limits``)."""
    text = heading.lstrip("#").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes
    ----------
    key : str
        The id the code uses (``C1``, ``expected_npv``, ``K3``, ``limit``).
    name : str
        What people read ("Capability complementarity", "Maximise expected NPV").
    unit : str
        Unit or scale of its values ("[0–100]", "money/yr", "" when it has none).
    help : str
        One sentence saying what it is (definition and scale).
    section : str
        The docs/method.md heading that explains it (without the leading ``#``).
    """

    key: str
    name: str
    unit: str = ""
    help: str = ""
    section: str = ""

    @property
    def link(self) -> str:
        """``docs/method.md#anchor`` of its section (``docs/method.md`` without a section)."""
        return f"{DOCS}#{anchor(self.section)}" if self.section else DOCS

    def label(self, *, with_id: bool = False, with_unit: bool = False) -> str:
        """The name, optionally followed by the id ("Cost (C7)") and the unit ("… [0–1]")."""
        text = self.name
        if with_id and self.key and self.key != self.name:
            text = f"{text} ({self.key})"
        if with_unit and self.unit:
            text = f"{text} {self.unit}" if self.unit.startswith("[") else f"{text} [{self.unit}]"
        return text


def _terms(section: str, rows: tuple[tuple[str, str, str, str], ...]) -> Mapping[str, Term]:
    return MappingProxyType({k: Term(k, n, u, h, section) for k, n, u, h in rows})


_CRITERIA_SECTION = "2. Criteria for scoring partners"
_LIKERT = "[1–5] answer, scored (x − 1)/4 on [0–1]"
CRITERIA = _terms(
    _CRITERIA_SECTION,
    (
        ("C1", "Capability complementarity", "[0–1]",
         "How much of your capability gaps the partner closes, weighted by importance (min–max over all candidates)."),  # noqa: E501
        ("C2", "Strategic value", "[0–1]",
         "Present value of the partner's annual value over the planning horizon, min–max over all candidates."),  # noqa: E501
        ("C3", "Goal compatibility", "[0–1]",
         f"Whether your goals converge and do not collide in the market ({_LIKERT})."),
        ("C4", "Cultural and managerial compatibility", "[0–1]",
         f"How well the two organizations' cultures and management styles fit ({_LIKERT})."),
        ("C5", "Commitment", "[0–1]",
         f"Resources, a sponsor and exclusive effort the partner brings ({_LIKERT})."),
        ("C6", "Trust and track record", "[0–1]",
         "Half reputation (1–5 answer) and half earlier joint work (up to 3 prior ties)."),
        ("C7", "Cost", "[0–1]",
         "Present value of one-off and annual costs; cheaper partners score higher (inverse min–max)."),  # noqa: E501
        ("C8", "Relational risk", "[0–1]",
         "One minus the relational risk: the risk that the partner does not cooperate in good faith."),  # noqa: E501
        ("C9", "Performance risk", "[0–1]",
         "One minus the performance risk: the risk that the alliance fails although both cooperate."),  # noqa: E501
        ("C10", "Learning and option value", "[0–1]",
         f"What you can learn and the future options the alliance opens ({_LIKERT})."),
        ("C11", "Governance fit and flexibility", "[0–1]",
         f"How easily the alliance can be adapted or left ({_LIKERT})."),
    ),
)  # fmt: skip

PRESETS = _terms(
    "Weight presets",
    (
        ("default", "Balanced", "", "The default weights, for no strong context."),
        ("capability_seeking", "Capability seeking", "",
         "Capability complementarity counts 1.5 times: you ally mainly to close capability gaps."),
        ("cost_sharing", "Cost sharing", "",
         "Cost counts 1.5 times and strategic value 1.2 times: you ally mainly to share costs."),
        ("exploration", "Exploration", "",
         "Learning counts twice and flexibility 1.5 times: you explore under high uncertainty."),
        ("coopetition", "Alliance with a competitor", "",
         "Relational risk counts twice and goal compatibility 1.3 times: the partner is also a rival."),  # noqa: E501
        ("public_partner", "Public partner", "",
         "Commitment counts 1.3 times and flexibility 0.7 times: the partner is a public body."),
        ("hard_risk_caps", "Hard risk caps", "",
         "The two risk criteria weigh less: you rely on the portfolio's hard risk caps instead."),
    ),
)  # fmt: skip

KNOCKOUTS = _terms(
    "Knockouts K1–K5",
    (
        ("K1", "Closes no gap", "", "The partner would close none of your capability gaps."),
        ("K2", "Goals clash", "", "The partner's goal compatibility is at the bottom of the 1–5 scale."),  # noqa: E501
        ("K3", "Too risky on its own", "[0–1]",
         "The partner's total or relational risk is above the per-partner cap of your risk appetite."),  # noqa: E501
        ("K4", "Scores too low", "[0–100]",
         "The partner's weighted-sum score is below the minimum (40 of 100)."),
        ("K5", "Ruled out by you", "", "You put the partner under Must exclude."),
    ),
)  # fmt: skip

RULES = _terms(
    "5.4 Decision rules",
    (
        ("E0", "Exit event", "", "An event that forces an exit (for example a breach) happened within the review window."),  # noqa: E501
        ("E1", "Health too low to continue", "[0–100]", "Health H is below the exit threshold."),
        ("E2", "Attainment too low and not improving", "[share of plan]",
         "Window attainment is below the exit threshold and the trend is not improving."),
        ("E3", "No strategic fit left", "[0–100]", "Strategic fit D1 is at or below the exit threshold."),  # noqa: E501
        ("E4", "Worth less than exiting", "money", "Continuing is worth less than exiting (economic check)."),  # noqa: E501
        ("R1", "Health needs restructuring", "[0–100]", "Health H is below the restructure threshold."),  # noqa: E501
        ("R2", "Attainment below plan", "[share of plan]",
         "Window attainment is below the restructure threshold."),
        ("R3", "Declining below plan", "[share of plan per quarter]",
         "The attainment trend declines while attainment is below plan."),
        ("R4", "Relationship or governance weak", "[0–100]",
         "Relationship (D3) or governance (D4) is below the minimum."),
        ("R5", "Agreed actions overdue", "",
         "An action agreed at an earlier review is overdue (only when the review counts it)."),
        ("GROW", "Ready to grow", "", "Healthy, above plan, not declining, with strategic fit and learning."),  # noqa: E501
    ),
)  # fmt: skip

DECISIONS = _terms(
    "1.5 Review decision",
    (
        ("GROW", "Grow", "", "Expand the alliance's scope or investment."),
        ("MAINTAIN", "Maintain", "", "Keep the alliance as it is."),
        ("RESTRUCTURE", "Restructure", "", "Change scope, governance or terms, then review again."),
        ("EXIT", "Exit", "", "End the alliance (its exit cost is charged to the one-off budget)."),
    ),
)  # fmt: skip

THRESHOLDS = _terms(
    "5.3 Thresholds",
    (
        ("h_exit", "Exit when health is below", "[0–100]", "Rule E1: health H below this exits the alliance."),  # noqa: E501
        ("h_restr", "Restructure when health is below", "[0–100]", "Rule R1: health H below this restructures it."),  # noqa: E501
        ("h_grow", "Grow needs health of at least", "[0–100]", "Health H an alliance needs to grow."),  # noqa: E501
        ("a_exit", "Exit when attainment is below", "[share of plan]",
         "Rule E2: window attainment below this share of plan, not improving, exits the alliance."),
        ("a_restr", "Restructure when attainment is below", "[share of plan]",
         "Rule R2: window attainment below this share of plan restructures it."),
        ("a_grow", "Grow needs attainment of at least", "[share of plan]",
         "Window attainment an alliance needs to grow."),
        ("d_min", "Restructure when relationship or governance is below", "[0–100]",
         "Rule R4: the lower of relationship D3 and governance D4 below this restructures it."),
        ("fit_exit", "Exit when strategic fit is at most", "[0–100]",
         "Rule E3: strategic fit D1 at or below this exits the alliance."),
    ),
)  # fmt: skip

OBJECTIVES = _terms(
    "Objectives",
    (
        ("expected_npv", "Maximise expected NPV", "money",
         "The largest total expected net present value of the new partners."),
        ("score", "Maximise the partners' scores", "[0–100] each",
         "The largest total score, with the weights of the Score partners tab."),
        ("blend", "Balance expected NPV and score", "",
         "Half expected NPV (scaled to its largest value) and half score (scaled to 0–1)."),
        ("mean_cvar", "Expected NPV minus tail loss (mean–CVaR)", "money",
         "Expected NPV minus a penalty on the average of the worst 5 % of simulated losses."),
        ("coverage", "Expected NPV plus closing gaps", "money",
         "Expected NPV plus a bonus for each important capability gap the portfolio closes."),
    ),
)  # fmt: skip

CONSTRAINTS = _terms(
    "Constraints",
    (
        ("limit", "Budget or capacity limit", "", "The new partners and kept alliances together may use at most this much."),  # noqa: E501
        ("count", "Number of new alliances", "", "How many new partners the portfolio may have."),
        ("average", "Average risk cap", "[0–1]", "The new partners' average risk may be at most this."),  # noqa: E501
        ("each", "Per-partner risk cap", "[0–1]", "A partner above this risk is left out before the choice."),  # noqa: E501
        ("coverage", "Gap coverage requirement", "[share of the gap]",
         "The chosen partners together must cover at least this share of the capability gap."),
        ("group_count", "Diversification rule", "partners", "How many partners of one kind the portfolio may (or must) have."),  # noqa: E501
        ("group_cost_share", "Cost share of a group", "[0–1]", "The largest share of cost partners of one kind may take."),  # noqa: E501
        ("cvar", "Tail-loss cap (CVaR)", "money", "The average of the worst simulated losses may be at most this."),  # noqa: E501
        ("must_include", "Must include", "", "A partner you require in the portfolio."),
        ("must_exclude", "Must exclude", "", "A partner you ruled out."),
        ("screen", "Knocked out", "", "Partners left out by the knockouts before the choice."),
        ("conflict", "At most one of", "", "Partners that exclude each other."),
        ("requires", "Requires", "", "A partner that needs one of the others."),
    ),
)  # fmt: skip

RISKS = _terms(
    "3.1 Relational and performance risk",
    (
        ("R", "Total risk", "[0–1]", "The combined chance that the alliance fails, relational or performance."),  # noqa: E501
        ("R_rel", "Relational risk", "[0–1]", "The risk that the partner does not cooperate in good faith."),  # noqa: E501
        ("R_perf", "Performance risk", "[0–1]", "The risk that the alliance fails although both sides cooperate."),  # noqa: E501
        ("CVaR", "Tail loss (CVaR 95 %)", "money",
         "The average loss in the worst 5 % of simulated outcomes of the portfolio."),
    ),
)  # fmt: skip

METHODS = _terms(
    "Other ways to set weights",
    (
        ("weighted_sum", "Weighted sum", "[0–100]", "Score = 100 × the weighted sum of the criterion values."),  # noqa: E501
        ("topsis", "TOPSIS", "[0–1]", "Closeness to the ideal partner: 1 is the ideal, 0 the worst on every criterion."),  # noqa: E501
        ("promethee_ii", "PROMETHEE II", "[−1 to 1]",
         "Net outranking flow: how much a partner beats the others minus how much they beat it."),
        ("smaa", "SMAA (rank acceptability)", "[0–1]",
         "How often each partner lands on each rank when the weights are drawn at random."),
        ("ahp", "AHP pairwise comparison", "", "Weights from judging pairs of criteria on Saaty's 1–9 scale; CR at most 0.10."),  # noqa: E501
        ("cvar", "Mean–CVaR", "money", "Trades expected NPV against the average of the worst simulated losses."),  # noqa: E501
    ),
)  # fmt: skip

HEADROOM = _terms(
    "10. Readings",
    (
        ("before_decisions", "Budget headroom before the decisions", "money/yr",
         "Annual budget minus the annual cost of every current alliance."),
        ("after_decisions", "Budget headroom after the decisions", "money/yr",
         "Annual budget minus the annual cost of the alliances the review keeps."),
        ("after_replan", "Budget headroom after the re-plan", "money/yr",
         "Annual budget of the plan minus the annual cost of the alliances kept and the new partners."),  # noqa: E501
    ),
)  # fmt: skip

#: Table columns and fields shown to people (unit in the name where it has one).
COLUMNS = _terms(
    "1.2 Candidate partner",
    (
        ("partner_id", "Id", "", "The partner's id in the workspace."),
        ("cost_one_off", "One-off cost", "money", "Cost to set the alliance up, paid once."),
        ("cost_annual", "Annual cost", "money/yr", "Running cost of the alliance per year."),
        ("value_annual", "Annual value", "money/yr", "Value the alliance brings per year."),
        ("expected_npv", "Expected NPV", "money",
         "Net present value over the horizon, weighted by the chance the alliance succeeds."),
        ("goal_compat", "goal compatibility", "[1–5]", "How far the partner's goals fit yours."),
        ("must_exclude", "Must exclude", "", "You ruled this partner out."),
        ("fte", "Management time", "FTE", "Staff time the alliance needs."),
        ("H", "Health", "[0–100]", "Weighted health of the alliance's six dimensions."),
        ("A_W", "Attainment", "[share of plan]", "KPI results against plan over the review window (1 = on plan)."),  # noqa: E501
        ("trend", "Trend", "[share of plan per quarter]", "The attainment trend over the last quarters."),  # noqa: E501
        ("D1", "Strategic fit", "[0–100]", "Health dimension D1."),
        ("D2", "Performance", "[0–100]", "Health dimension D2 (attainment and milestones)."),
        ("D3", "Relationship", "[0–100]", "Health dimension D3 (trust, both sides)."),
        ("D4", "Governance", "[0–100]", "Health dimension D4."),
        ("D5", "Learning", "[0–100]", "Health dimension D5."),
        ("D6", "Commitment", "[0–100]", "Health dimension D6."),
        ("decision", "Decision", "", "The review's decision for the alliance."),
    ),
)  # fmt: skip

#: Every group of terms, by name.
GLOSSARY: Mapping[str, Mapping[str, Term]] = MappingProxyType(
    {
        "criterion": CRITERIA,
        "preset": PRESETS,
        "knockout": KNOCKOUTS,
        "rule": RULES,
        "decision": DECISIONS,
        "threshold": THRESHOLDS,
        "objective": OBJECTIVES,
        "constraint": CONSTRAINTS,
        "risk": RISKS,
        "method": METHODS,
        "headroom": HEADROOM,
        "column": COLUMNS,
    }
)
#: The group names of ``GLOSSARY``.
GROUPS: tuple[str, ...] = tuple(GLOSSARY)


def term(group: str, key: str) -> Term:
    """The glossary entry ``key`` of ``group`` (``term("criterion", "C7")``).

    Raises
    ------
    KeyError
        An unknown group or key (the message lists the known ones).
    """
    terms = GLOSSARY.get(group)
    if terms is None:
        raise KeyError(f"no glossary group {group!r}; known: {', '.join(GROUPS)}")
    found = terms.get(str(key))
    if found is None:
        raise KeyError(f"no {group} {key!r} in the glossary; known: {', '.join(terms)}")
    return found


def label(group: str, key: str, *, with_id: bool = False, with_unit: bool = False) -> str:
    """The name people read for ``key`` (the key itself when the glossary does not know it)."""
    try:
        return term(group, key).label(with_id=with_id, with_unit=with_unit)
    except KeyError:
        return str(key)


def help_text(group: str, key: str) -> str:
    """The one-sentence help of ``key`` with its unit ("" when the glossary does not know it)."""
    try:
        t = term(group, key)
    except KeyError:
        return ""
    return f"{t.help} Scale: {t.unit}." if t.unit.startswith("[") else t.help


def gap_label(gap_id: str, name: str = "") -> str:
    """A capability gap by its name with the id beside it: "Trained gardener workforce (G6)"."""
    return f"{name} ({gap_id})" if name and name != gap_id else str(gap_id)


#: Field names that reach people inside generated sentences, and the words they stand for.
_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "R_rel": "relational risk",
        "R_perf": "performance risk",
        "goal_compat": "goal compatibility",
        "must_exclude is set": "you ruled it out",
        "must_exclude": "must exclude",
        "cost_one_off": "one-off cost",
        "cost_annual": "annual cost",
        "expected_npv": "expected NPV",
        "value_annual": "annual value",
        "A_W": "attainment",
    }
)
_WORD_RE = re.compile("|".join(re.escape(k) for k in sorted(_WORDS, key=len, reverse=True)))


def in_words(text: str) -> str:
    """``text`` with the data's field names replaced by words ("R_rel 0.72" → "relational risk
    0.72"): for sentences built from the data (knockout reasons, rationales)."""
    return _WORD_RE.sub(lambda m: _WORDS[m.group(0)], str(text))
