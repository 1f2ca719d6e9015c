"""The appendix: every parameter and threshold, data quality, method and versions (§5.7 item 12)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.reporting.sections.base import (
    OBJECTIVE_WORDS,
    ReportSection,
    escape,
    ids_note,
    section,
    table,
)
from alliancekit.reporting.words import kpi_names, kpi_status, plain, policy_table

if TYPE_CHECKING:
    from alliancekit.model import Workspace
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = ["appendix"]

#: Packages whose versions the appendix lists (after Python's).
_PACKAGES = (
    "alliancekit",
    "numpy",
    "pandas",
    "scipy",
    "pulp",
    "highspy",
    "altair",
    "vl-convert-python",
)


#: The organization's risk caps in words (``RiskCaps`` fields).
_CAP_WORDS = {
    "avg_total": "Average total risk of new partners, at most [0–1]",
    "max_total_per_partner": "Total risk of any one new partner, at most [0–1]",
    "max_relational_per_partner": "Relational risk of any one new partner, at most [0–1]",
    "cvar_limit": "Tail loss (CVaR) of the new partners, at most [money]",
    "avg_relational": "Average relational risk of new partners, at most [0–1]",
    "avg_performance": "Average performance risk of new partners, at most [0–1]",
    "expected_loss_limit": "Expected loss of the new partners, at most [money]",
}


def _settings(ws: Workspace, plan: PortfolioResult | None) -> tuple[pd.DataFrame, dict]:
    """The organization's money, budgets, appetite, horizon, caps; the plan's objective.

    Returns the table and ``{label: id}`` of the caps for the analysts' small print.
    """
    org = ws.organization
    money = org.money_label
    caps = org.caps()
    cap_ids = {}
    settings: dict[str, Any] = {
        "Money unit": money,
        f"Annual budget [{money}/yr]": f"{org.budget_annual:,.1f}",
        f"One-off budget for new alliances [{money}]": f"{org.budget_one_off:,.1f}",
        "Risk appetite": plain(org.risk_appetite),
        "Planning horizon [years]": org.planning_horizon_years,
        "Discount rate [% per year]": f"{100 * float(org.discount_rate):g}",
        "New alliances, at least / at most": f"{org.min_alliances} / {org.max_alliances}",
    }
    for f in fields(caps):
        label = _CAP_WORDS.get(f.name, f.name.replace("_", " ")).replace("[money]", f"[{money}]")
        value = getattr(caps, f.name)
        settings[label] = "no cap" if value is None else f"{value:g}"
        cap_ids[label] = f.name
    if plan is not None:
        settings["Portfolio objective"] = OBJECTIVE_WORDS.get(
            str(plan.objective_name), plain(plan.objective_name)
        )
        settings["Optimisation result"] = f"{plain(plan.status)} (solver {plan.solver})"
    frame = pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))
    frame.index.name = "organization setting"
    return frame, cap_ids


def _data_quality(ws: Workspace, review: ReviewResult) -> list[str]:
    """Review notes, KPI observations not ``ok``, and partner-reported KPI rows (escaped)."""
    notes = [(aid, n) for aid, ns in review.table["notes"].items() for n in ns]
    detail = review.kpi_detail.reset_index()
    status = detail["status"].value_counts() if "status" in detail.columns else pd.Series()
    names = kpi_names(ws)

    def named(note: str) -> str:  # "KPI partner_sales …" → "KPI “Partner sales” …"
        return re.sub(r"\bKPI (\S+)", lambda m: f"KPI “{names.get(m[1], plain(m[1]))}”", note)

    dq = [f"{escape(a)}: {escape(named(n))}" for a, n in notes]
    for s, n in status.items():
        if s != "ok":
            dq.append(f"{n} KPI observation(s) {escape(kpi_status(s, None))}")
    kp = ws.kpis
    if "source" in kp.columns:
        partner_rows = kp[kp["source"].astype(str) == "partner"]
        if len(partner_rows):
            ids = ", ".join(sorted(partner_rows["alliance_id"].astype(str).unique()))
            dq.append(
                f"{len(partner_rows)} KPI row(s) are partner-reported (alliances {escape(ids)})"
            )
    return dq


def _versions() -> pd.DataFrame:
    """Python's and the main packages' versions."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": sys.version.split()[0]}
    for pkg in _PACKAGES:
        # a loaded module knows its version; the metadata lookup scans site-packages (~2 ms)
        loaded = getattr(sys.modules.get(pkg), "__version__", None)
        try:
            versions[pkg] = str(loaded) if isinstance(loaded, str) else version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "not installed"
    frame = pd.DataFrame({"version": list(versions.values())}, index=list(versions))
    frame.index.name = "package"
    return frame


def appendix(
    ws: Workspace,
    review: ReviewResult,
    plan: PortfolioResult | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ReportSection:
    """§5.7 item 12: every parameter and threshold, data-quality notes, method, versions."""
    dq = _data_quality(ws, review)
    policy = policy_table(review.policy, overrides)
    settings, cap_ids = _settings(ws, plan)
    return section(
        "appendix",
        "<h3>Review policy (every threshold and weight)</h3>",
        table(policy.drop(columns="id")),
        ids_note(policy["id"].to_dict()),
        "<h3>Organization and portfolio settings</h3>",
        table(settings),
        ids_note(cap_ids),
        "<h3>Data quality</h3>",
        "<ul>" + "".join(f"<li>{d}</li>" for d in dq) + "</ul>"
        if dq
        else "<p>No missing, skipped or partner-reported KPI data.</p>",
        "<h3>Method</h3>",
        "<p>Attainment, health, decision rules and rationale follow the method's section 5; the "
        "re-planned portfolio is the optimisation of section 4 with this review's exits "
        "applied.</p>",
        ids_note(
            {"method": "docs/method.md", "review": "alliancekit.review", "plan": "plan_portfolio"}
        ),
        "<h3>Versions</h3>",
        table(_versions()),
    )
