"""Periodic alliance review: planned vs actual, health, and GROW / MAINTAIN / RESTRUCTURE / EXIT.

Implements docs/method.md §5 with the readings of §10 (readings 11–17):

- **KPI attainment** ``a_kt`` (§5.1): higher-is-better ``clip(actual/planned, 0, cap)``,
  lower-is-better ``clip(2 − actual/planned, 0, cap)``; ``planned = 0`` skips the KPI in that
  period unless ``actual = 0`` too (then ``a = 1``); a missing actual means "not reported" and
  the KPI is left out of that period (disclosed in ``notes``, never treated as zero).
- **Period attainment** ``A_t = Σ w·a / Σ w`` over the KPIs with data; **window attainment**
  ``A_W`` = mean of the *unrounded* ``A_t`` over the W calendar quarters ``T−W+1..T`` that have
  data (or exponentially weighted); **trend** ``b`` = OLS slope of the unrounded ``A_t`` on
  ``t = 0..N−1`` over the last N quarters [attainment points per quarter].
- **VRR** = Σ actual / Σ planned over the *money KPIs* of an alliance, cumulative over every
  period up to T. A money KPI is a higher-is-better KPI whose unit names money: the workspace
  money unit in any usual spelling (``PKR lakh``, ``lakh PKR``, ``kEUR``, ``EUR k``, ``EUR``…)
  or another currency code (EUR, PKR, INR, USD, GBP, CHF) alone or with a scale word
  (k, thousand, lakh, crore, m, million). Lower-is-better money KPIs (prices, unit costs) are
  costs, not benefits, and are left out.
- **Milestone score** ``M``: ``(Σ w·[met] + 0.5·Σ w·[late]) / Σ w`` over milestones due in the
  last 4 quarters up to T, ``w = 2`` for turning points; a milestone still ``pending`` (or
  ``missed``) counts as due and not met; ``M = 1`` if none is due. An alliance
  ``milestone_score`` input overrides (§10 reading 13).
- **Health** D1–D6 (§5.2) from the latest survey at or before T. Each item is the mean of the
  sides present; D3 = ``100·L(mean(own, partner)) − 10·|own − partner|`` floored at 0 (reading
  14). A missing side or item is disclosed in ``notes``; H renormalises the dimension weights
  over the dimensions available (never a silent zero). Without any survey H is not computed
  (NaN: a "health" of D2 alone would only repeat attainment), so E1/E3/R1/R4 cannot fire and
  GROW is impossible; KPI rules still apply. Partner-reported and low-confidence KPI rows in
  the window are disclosed too (§5.7 data-quality appendix).
- **Rules** (§5.4) are all evaluated and **every rule that fired is logged**, in the order
  E0–E4, R1–R4; the first block with a rule that fired decides (EXIT, then RESTRUCTURE), else
  GROW when all GROW conditions hold, else MAINTAIN. Comparisons with a missing value are false.
- **E0** (hard trigger): any row of ``ws.events`` for the alliance whose period lies in the
  review window ``T−E+1..T`` (``E = policy.event_window``, default W). Hard triggers override
  the scores and act at once even under the confirmation rule.
- **Economic check** (§5.6) is always computed when the alliance has money data (a positive
  ``value_plan_annual``): ``PV_continue = Σ_{k=1..n} (V̂ − C)/4 · (1+r_q)^−k`` with
  ``V̂ = value_plan_annual·A_W``, ``C = cost_annual``, ``r_q = (1+r)^{1/4} − 1`` (or ``r/4``),
  n = quarters until ``end_period`` or the planning horizon; ``exit_value = salvage −
  exit_cost``. Rule **E4** (``PV_continue < exit_value``) fires only when
  ``policy.economic_check`` is true. It is **off by default**: §5.6 calls the check optional and
  §10 reading 17 / §11 are computed without it (with the bundled samples' ``value_plan_annual``
  E4 would add itself to AL-A4's rules, which is EXIT anyway). With the check off, an alliance
  whose continuation is worth less than exiting carries the flag ``exit-value-exceeds-continue``.
- **GROW budget flag**: headroom = ``budget_annual − Σ cost_annual`` of the alliances kept
  (decision not EXIT); when headroom ≤ 0 every GROW alliance carries ``budget-constrained``.
- **Confirmation rule** (optional): a decision that rests only on E1/E2 or R-rules takes
  effect only as far as the previous review (``previous``, or a re-review of T−1) agrees: the
  decision is the better of the two raw decisions, flagged ``awaiting-confirmation`` when that
  holds it up. E0, E3 and E4 act at once; so do improvements.

Money is in the workspace ``currency``/``money_unit`` (``[money]``), per year unless noted.

Modules, one job each: ``policy`` (ReviewPolicy, the dimensions), ``measures`` (pure kernels),
``inputs`` (a checked workspace → the measurements, in named stages), ``rules`` (which rules
fire, the decision), ``rationale`` (the texts), ``result`` (ReviewResult), ``api``
(review_alliances, decision_sensitivity, the confirmation rule). The review's input checks are
``alliancekit.workspace.checks.check_review_inputs``, the same checks ``validate_workspace`` runs.
"""

from alliancekit.review.api import decision_sensitivity, review_alliances
from alliancekit.review.inputs import ReviewInputs, measure
from alliancekit.review.measures import (
    continuation_value,
    health_index,
    kpi_attainment,
    milestone_score,
    ols_trend,
    trust_dimension,
    value_dimension,
    window_attainment,
)
from alliancekit.review.policy import (
    DIMENSION_NAMES,
    DIMENSIONS,
    SURVEY_ITEMS,
    QuarterlyRate,
    ReviewPolicy,
    WindowWeighting,
    as_policy,
)
from alliancekit.review.result import ReviewResult
from alliancekit.review.rules import EXIT_RULES, RESTRUCTURE_RULES, RULES

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "EXIT_RULES",
    "RESTRUCTURE_RULES",
    "RULES",
    "SURVEY_ITEMS",
    "QuarterlyRate",
    "ReviewInputs",
    "ReviewPolicy",
    "ReviewResult",
    "WindowWeighting",
    "as_policy",
    "continuation_value",
    "decision_sensitivity",
    "health_index",
    "kpi_attainment",
    "measure",
    "milestone_score",
    "ols_trend",
    "review_alliances",
    "trust_dimension",
    "value_dimension",
    "window_attainment",
]
