"""The appendix: every parameter and threshold, data quality, method and versions (§5.7 item 12)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.reporting.sections.base import ReportSection, escape, section, table

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


def _policy(review: ReviewResult, overrides: Mapping[str, Any] | None) -> pd.DataFrame:
    """Every field of the review policy, marking the overridden ones."""
    pol = review.policy
    return pd.DataFrame(
        [
            {
                "parameter": f.name,
                "value": str(getattr(pol, f.name)),
                "overridden": "yes" if overrides and f.name in overrides else "",
            }
            for f in fields(pol)
        ]
    ).set_index("parameter")


def _settings(ws: Workspace, plan: PortfolioResult | None) -> pd.DataFrame:
    """The organization's money, budgets, appetite, horizon, caps; the plan's objective."""
    org = ws.organization
    caps = org.caps()
    settings = {
        "currency / money unit": org.money_label,
        "annual budget [money/yr]": org.budget_annual,
        "one-off budget [money]": org.budget_one_off,
        "risk appetite": str(org.risk_appetite),
        "planning horizon [years]": org.planning_horizon_years,
        "discount rate [/yr]": org.discount_rate,
        "min / max new alliances": f"{org.min_alliances} / {org.max_alliances}",
        **{f"risk cap {f.name}": getattr(caps, f.name) for f in fields(caps)},
    }
    if plan is not None:
        settings["portfolio objective"] = plan.objective_name
        settings["solver / status"] = f"{plan.solver} / {plan.status}"
    frame = pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))
    frame.index.name = "organization setting"
    return frame


def _data_quality(ws: Workspace, review: ReviewResult) -> list[str]:
    """Review notes, KPI observations not ``ok``, and partner-reported KPI rows (escaped)."""
    notes = [(aid, n) for aid, ns in review.table["notes"].items() for n in ns]
    detail = review.kpi_detail.reset_index()
    status = detail["status"].value_counts() if "status" in detail.columns else pd.Series()
    dq = [f"{escape(a)}: {escape(n)}" for a, n in notes]
    for s, n in status.items():
        if s != "ok":
            dq.append(f"{n} KPI observation(s) with status “{escape(s)}”")
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
    return section(
        "appendix",
        "<h3>Review policy (every threshold and weight)</h3>",
        table(_policy(review, overrides)),
        "<h3>Organization and portfolio settings</h3>",
        table(_settings(ws, plan)),
        "<h3>Data quality</h3>",
        "<ul>" + "".join(f"<li>{d}</li>" for d in dq) + "</ul>"
        if dq
        else "<p>No missing, skipped or partner-reported KPI data.</p>",
        "<h3>Method</h3>",
        "<p>Attainment, health, decision rules and rationale follow docs/method.md §5 "
        "(alliancekit.review); the re-planned portfolio is the MILP of §4 with the review's "
        "EXIT decisions applied (alliancekit.portfolio.plan_portfolio).</p>",
        "<h3>Versions</h3>",
        table(_versions()),
    )
