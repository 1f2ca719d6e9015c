"""Relational and performance risk, failure probability, E[NPV] and loss scenarios.

The model is described in docs/method.md §3.

Pure numpy kernels (``kernels``: :func:`relational_risk`, :func:`performance_risk`,
:func:`total_risk`, :func:`failure_probability`, :func:`npv`, :func:`expected_npv`,
:func:`expected_loss`; ``scenarios``: :func:`scenario_npv`, :func:`cvar`) sit behind two
validating wrappers that read a :class:`~alliancekit.model.Workspace`:

- :func:`risk_table` (``table``): one row per candidate with ``R_rel, R_perf, R, p_fail,
  pv_benefit, pv_cost, npv, e_npv, expected_loss, sigma`` (all unrounded, docs/method.md §10.3);
- :func:`simulate_scenarios` (``scenarios``): seeded, vectorised NPV scenarios for CVaR (§3.4).

Every coefficient is a named field of the frozen :class:`RiskPolicy` (``policy``), defaulted from
docs/method.md §3. The §3.2 form/governance adjustment is **off by default** (§10 reading 2): all
§6 oracle values use the unadjusted indices.

Money is in the organization's ``currency``/``money_unit`` (``[money]``, e.g. PKR lakh or kEUR);
``cost_annual`` and ``value_annual`` are per year, discounted with the organization's annuity
factor ``AF = (1 − (1+r)^−H)/r`` over the planning horizon ``H`` (candidates' ``duration_years``
is not used in the valuation: §3.3 values every candidate over the same horizon).
"""

import sys

from alliancekit.risk.kernels import *  # noqa: F403
from alliancekit.risk.policy import *  # noqa: F403
from alliancekit.risk.scenarios import *  # noqa: F403
from alliancekit.risk.table import *  # noqa: F403

#: every public name of the modules above
__all__ = [
    n
    for m in ("kernels", "policy", "scenarios", "table")
    for n in sys.modules[f"{__name__}.{m}"].__all__
]

# annuity_factor is the model's (docs/method.md §3.3); risk offered it before the model did
from alliancekit.model import annuity_factor

__all__ += ["annuity_factor"]
