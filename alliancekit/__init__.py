"""alliancekit: decision support for strategic alliances.

Choose partners (multi-criteria scoring, knockouts, risk), select the best portfolio under budget
and risk limits (PuLP MILP), and review alliances periodically (GROW / MAINTAIN / RESTRUCTURE /
EXIT). ``import alliancekit`` stays light: names are imported from their modules on first use, so
pulp, altair, ipywidgets and papermill load only when needed.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from alliancekit.lazy import lazy_exports

try:
    __version__ = version("alliancekit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

#: The public API: "module: names" (each name is imported from its module on first use).
_PUBLIC = """
errors: AllianceKitError DataValidationError InfeasiblePortfolioError ReportError Problem
        Relaxation PackagedFileMissingError ArgumentTypeError
model: Alliance AllianceForm AllianceStatus Candidate Decision Direction DiversificationRule Gap
       Goal KPIDirection Organization Relation RiskAppetite RiskCaps SolveStatus Perspective
       KPISource Buyout IPSensitivity Workspace
workspace: load_workspace save_workspace sample_workspace sample_names validate_workspace
           workspace_notes data_dir
scoring: score Preference ScoreResult AHPResult ahp_weights entropy_weights critic_weights
         rank_order_weights
sensitivity: smaa SMAAResult weight_stability
criteria: score_partners criteria_matrix CRITERIA WEIGHT_PRESETS preset_weights ScreeningPolicy
          knockouts criteria_values Criterion CriterionGroup
risk: risk_table RiskPolicy simulate_scenarios ScenarioSet cvar
portfolio: select_portfolio plan_portfolio efficient_frontier explain_selection
           portfolio_robustness GroupLimit PortfolioResult FrontierResult RobustnessResult
           diagnose_infeasibility Constraint ConstraintKind Sense PlanOptions set_solver_log
           alternative_portfolios AlternativesResult limit_values LimitValuesResult
           budget_headroom BudgetHeadroom
review: review_alliances ReviewPolicy ReviewResult decision_sensitivity
roadmap: plan_roadmap RoadmapResult explain_roadmap
scenarios: Scenario ScenarioComparison ScenarioConflictError ScenarioRun list_scenarios
           load_scenario save_scenario delete_scenario compare_scenarios apply_scenario
           run_scenario EditSession WorkspaceConflictError copy_sample
exports: export_xlsx export_brief
reporting: run_report ReportRun run_reports ReportBatch
teaching: new_case carpool_workspace student_notebook what_if Infeasible
group: group_ahp GroupAHPResult kendall_w ConcordanceResult aggregate_weights repair_hints
       make_survey_workbooks load_responses save_response load_participants
       analyse_disagreement DisagreementResult group_decision GroupDecisionResult
       joint_objectives JointObjectivesResult objective_benchmarks ParticipantOrganisation
"""
#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    name: module
    for module, names in re.findall(r"^(\w+): (.*(?:\n +.*)*)", _PUBLIC, re.M)
    for name in names.split()
}

__all__ = ["__version__", *sorted(_EXPORTS)]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
