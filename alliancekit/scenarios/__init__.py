"""Scenarios: named settings of every tab and overrides of the data, kept in the workspace.

``model`` (the frozen ``Scenario`` and its checks), ``store`` (``scenarios/<name>.yaml`` in a
folder, a ``scenarios`` sheet in a workbook; atomic saves under a lock, conflict detection by
revision), ``edit`` (``EditSession``: changes checked by the rules of file loading, undo / redo,
atomic saves with conflict detection, or overrides for a scenario), ``run`` (``apply_scenario``
and ``run_scenario``: the one way to run a scenario) and ``compare`` (``compare_scenarios``).
User guide: docs/scenarios.md.
"""

from alliancekit.scenarios.compare import ScenarioComparison, compare_scenarios, run_figures
from alliancekit.scenarios.edit import Edit, EditSession, WorkspaceConflictError, apply_changes
from alliancekit.scenarios.model import (
    PLAN_KEYS,
    Scenario,
    ScenarioConflictError,
    ScenarioNotFoundError,
)
from alliancekit.scenarios.run import (
    BASE,
    ScenarioRun,
    ScenarioSettings,
    apply_scenario,
    resolve_scenario,
    run_scenario,
)
from alliancekit.scenarios.store import (
    copy_sample,
    delete_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
    scenario_yaml,
    workspace_path,
)

__all__ = [
    "BASE",
    "PLAN_KEYS",
    "Edit",
    "EditSession",
    "Scenario",
    "ScenarioComparison",
    "ScenarioConflictError",
    "ScenarioNotFoundError",
    "ScenarioRun",
    "ScenarioSettings",
    "WorkspaceConflictError",
    "apply_changes",
    "apply_scenario",
    "compare_scenarios",
    "copy_sample",
    "delete_scenario",
    "list_scenarios",
    "load_scenario",
    "resolve_scenario",
    "run_figures",
    "run_scenario",
    "save_scenario",
    "scenario_yaml",
    "workspace_path",
]
