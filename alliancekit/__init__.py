"""alliancekit: decision support for strategic alliances.

Choose partners (multi-criteria scoring, knockouts, risk), select the best portfolio under budget
and risk limits (PuLP MILP), and review alliances periodically (GROW / MAINTAIN / RESTRUCTURE /
EXIT). ``import alliancekit`` stays light: names are imported from their modules on first use, so
pulp, matplotlib, ipywidgets and papermill load only when needed.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("alliancekit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "AllianceKitError": "errors",
    "DataValidationError": "errors",
    "InfeasiblePortfolioError": "errors",
    "ReportError": "errors",
    "Problem": "errors",
    "Relaxation": "errors",
    # model
    "Alliance": "model",
    "AllianceForm": "model",
    "AllianceStatus": "model",
    "Candidate": "model",
    "Decision": "model",
    "Direction": "model",
    "DiversificationRule": "model",
    "Gap": "model",
    "Goal": "model",
    "KPIDirection": "model",
    "Organization": "model",
    "Relation": "model",
    "RiskAppetite": "model",
    "RiskCaps": "model",
    "SolveStatus": "model",
    "Perspective": "model",
    "KPISource": "model",
    "Buyout": "model",
    "IPSensitivity": "model",
    "Workspace": "model",
    # workspace
    "load_workspace": "workspace",
    "save_workspace": "workspace",
    "sample_workspace": "workspace",
    "sample_names": "workspace",
    "validate_workspace": "workspace",
    "workspace_notes": "workspace",
    "data_dir": "workspace",
    # scoring
    "score": "scoring",
    "Preference": "scoring",
    "ScoreResult": "scoring",
    "AHPResult": "scoring",
    "ahp_weights": "scoring",
    "entropy_weights": "scoring",
    "critic_weights": "scoring",
    "rank_order_weights": "scoring",
    # sensitivity
    "smaa": "sensitivity",
    "SMAAResult": "sensitivity",
    "weight_stability": "sensitivity",
    # criteria and risk
    "score_partners": "criteria",
    "criteria_matrix": "criteria",
    "CRITERIA": "criteria",
    "WEIGHT_PRESETS": "criteria",
    "preset_weights": "criteria",
    "risk_table": "risk",
    "RiskPolicy": "risk",
    "simulate_scenarios": "risk",
    "ScenarioSet": "risk",
    "cvar": "risk",
    "ScreeningPolicy": "criteria",
    "knockouts": "criteria",
    "criteria_values": "criteria",
    "Criterion": "criteria",
    "CriterionGroup": "criteria",
    # portfolio
    "select_portfolio": "portfolio",
    "plan_portfolio": "portfolio",
    "efficient_frontier": "portfolio",
    "explain_selection": "portfolio",
    "portfolio_robustness": "portfolio",
    "GroupLimit": "portfolio",
    "PortfolioResult": "portfolio",
    "FrontierResult": "portfolio",
    "RobustnessResult": "portfolio",
    "diagnose_infeasibility": "portfolio",
    # review
    "review_alliances": "review",
    "ReviewPolicy": "review",
    "ReviewResult": "review",
    "decision_sensitivity": "review",
    # reports
    "run_report": "reporting",
    "ReportRun": "reporting",
    "run_reports": "reporting",
    "ReportBatch": "reporting",
    # teaching
    "new_case": "teaching",
    "carpool_workspace": "teaching",
    "student_notebook": "teaching",
    "what_if": "teaching",
    "Infeasible": "teaching",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'alliancekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"alliancekit.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
