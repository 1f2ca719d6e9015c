"""The app's scenarios: the scenario bar (save, save as, open, delete, reset to base) and the
compare view.

A scenario in the app is the session's ``Settings`` plus the edit overrides of the editing panel;
``settings_to_scenario`` and ``scenario_to_settings`` convert one way each (docs/scenarios.md).
Scenarios are stored in the workspace by ``alliancekit.scenarios`` (the same files a notebook,
the CLI and a report read). A bundled sample is read-only: the bar offers to copy it into a
folder the user names and to save there. A save that another session got in first is shown in
words with "Keep mine" and "Load theirs".
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from alliancekit.errors import AllianceKitError
from alliancekit.model import RiskAppetite, Workspace
from alliancekit.scenarios import (
    BASE,
    Scenario,
    ScenarioConflictError,
    compare_scenarios,
    copy_sample,
    delete_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
)
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.editing import button as _button
from alliancekit.widgets.markup import heading_html, info_html, table_html
from alliancekit.widgets.state import THRESHOLD_FIELDS, SessionState, Settings, settings_for

__all__ = [
    "CompareView",
    "ScenarioBar",
    "scenario_to_settings",
    "settings_to_scenario",
]

#: Words shown for the base (no scenario applied).
BASE_LABEL = "Base (the workspace's own settings)"
#: Settings that follow the workspace's own values when an edit changes them.
FOLLOWING = ("budget_one_off", "budget_annual", "avg_risk", "max_count")


# -- conversions ------------------------------------------------------------------------------
def settings_to_scenario(
    settings: Settings,
    name: str,
    *,
    description: str = "",
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    revision: int = 0,
    created: str = "",
) -> Scenario:
    """The ``Scenario`` holding the app's settings (and edit overrides).

    Parameters
    ----------
    settings : Settings
        Weights [0–1], method, budgets [money], [money/yr], caps [0–1], counts, picks,
        thresholds, period.
    name, description : str
    overrides : mapping, optional
        ``EditSession.as_overrides()``: ``{"organization": {...}, "candidates": {...}}``.
    revision, created : int, str
        Of the scenario this session opened (a save checks the revision).
    """
    weights = {c: float(w) for c, w in settings.weights}
    scoring: dict[str, Any] = {}
    if settings.weights_source == "preset" and settings.preset:
        scoring["preset"] = settings.preset
    elif weights:
        scoring["weights"] = weights
    plan = {
        "objective": settings.objective,
        "budget_one_off": float(settings.budget_one_off),
        "budget_annual": float(settings.budget_annual),
        "max_count": int(settings.max_count),
        "risk_appetite": RiskAppetite.parse(settings.risk_appetite).value,
        "caps": {"avg_total": float(settings.avg_risk), **dict(settings.per_partner_caps)},
        "must_include": list(settings.must_include),
        "must_exclude": list(settings.must_exclude),
    }
    over = overrides or {}
    return Scenario(
        name,
        description=description,
        created=created,
        revision=revision,
        method=settings.method,
        plan=plan,
        period=settings.period,
        review_policy=dict(settings.thresholds),
        organization=dict(over.get("organization") or {}),
        candidates={k: dict(v) for k, v in (over.get("candidates") or {}).items()},
        **scoring,
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def scenario_to_settings(scenario: Scenario, ws: Workspace) -> Settings:
    """The app's settings for a scenario, on ``ws`` (the workspace with its overrides applied).

    What the scenario does not set stays the workspace's own (``settings_for``).
    """
    from alliancekit.criteria import CRITERIA, preset_weights
    from alliancekit.scenarios.run import _weights

    own = settings_for(ws)
    changes: dict[str, Any] = {"method": scenario.method, "period": scenario.period}
    if scenario.preset:
        w = preset_weights(scenario.preset).reindex(list(CRITERIA), fill_value=0.0)
        changes.update(preset=scenario.preset, weights_source="preset")
    else:
        given = _weights(scenario)
        w = pd.Series(given if given is not None else dict(own.weights), dtype=float)
        w = (w / w.sum()).reindex(list(CRITERIA), fill_value=0.0)
        same = all(_close(w[c], v) for c, v in own.weights)
        if not same:
            changes.update(preset="", weights_source="ahp" if scenario.ahp else "sliders")
    weights = tuple((str(c), float(v)) for c, v in w.items())
    if not all(_close(a, b) for (_, a), (_, b) in zip(weights, own.weights, strict=False)):
        changes["weights"] = weights
    plan = dict(scenario.plan)
    for key in ("objective", "budget_one_off", "budget_annual", "max_count"):
        if plan.get(key) is not None:
            changes[key] = type(getattr(own, key))(plan[key])
    if plan.get("risk_appetite") is not None:
        changes["risk_appetite"] = RiskAppetite.parse(plan["risk_appetite"])
    for key in ("must_include", "must_exclude"):
        if key in plan:
            changes[key] = tuple(plan[key] or ())
    caps = dict(plan.get("caps") or {})
    if "avg_total" in caps:
        changes["avg_risk"] = float(caps.pop("avg_total"))
        changes["avg_risk_custom"] = not _close(changes["avg_risk"], own.avg_risk)
    changes["per_partner_caps"] = tuple((str(k), float(v)) for k, v in caps.items())
    policy = {**dict(own.thresholds), **dict(scenario.review_policy)}
    changes["thresholds"] = tuple((k, float(policy[k])) for k in THRESHOLD_FIELDS if k in policy)
    return dataclasses.replace(own, **changes)


# -- the bar ----------------------------------------------------------------------------------
#: Seconds between two looks at the workspace's stored scenarios (``ScenarioBar._watch``).
WATCH = 2.0


def _stored_signature(path: Path | None) -> tuple:
    """Names, sizes and times of the files holding a workspace's scenarios (cheap to take)."""
    from alliancekit.scenarios.store import SCENARIO_DIR

    if path is None:
        return ()
    files = sorted((path / SCENARIO_DIR).glob("*.yaml")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((f.name, st.st_size, st.st_mtime_ns))
    return (str(path), *out)


class ScenarioBar(widgets.VBox):
    """The scenario bar over the app's tabs: the active scenario's name; Save, Save as…, Open,
    Delete, Reset to base; a copy offer for a bundled sample; conflicts with "keep mine / load
    theirs".

    Parameters
    ----------
    app : Dashboard
        The app (its ``state``, ``picker`` and ``_build`` are used).

    Attributes
    ----------
    active : Scenario or None
        The scenario open (None: the base).
    editor : EditPanel
        The editing panel (its overrides are saved with the scenario).
    downloads : Downloads
        "Download workbook (.xlsx)" and "Download brief (HTML/PDF)".
    """

    def __init__(self, app: Any) -> None:
        from alliancekit.widgets.downloads import Downloads
        from alliancekit.widgets.editing import EditPanel

        super().__init__()
        self.add_class("ak-scenario-bar")
        self.app = app
        self.state: SessionState = app.state
        self.base: Workspace | None = None
        self.active: Scenario | None = None
        self._pending: Scenario | None = None
        self.name_html = widgets.HTML("")
        self.style_html = widgets.HTML(_CSS)
        self.name_html.add_class("ak-scenario-name")
        self.choice = widgets.Dropdown(
            options=[], description="Saved scenarios", layout=widgets.Layout(width="330px")
        )
        self.choice.style.description_width = "initial"
        self.choice.add_class("ak-scenario-choice")
        self.open_button = _button("Open", "ak-scenario-open", "Open the scenario picked")
        self.delete_button = _button("Delete", "ak-scenario-delete", "Delete the scenario picked")
        self.save_button = _button("Save", "ak-scenario-save", "Save the open scenario")
        self.new_name = widgets.Text(
            description="New name",
            placeholder="e.g. lean-budget",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="240px"),
        )
        self.new_name.add_class("ak-scenario-new-name")
        self.description = widgets.Text(
            description="Description",
            placeholder="what it tries (optional)",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="300px"),
        )
        self.save_as_button = _button(
            "Save as…", "ak-scenario-save-as", "Save the settings as a new scenario"
        )
        self.reset_button = _button(
            "Reset to base",
            "ak-scenario-reset",
            "Close the scenario: the workspace's own settings and data, edits dropped",
        )
        self.message = MessageArea()
        self.message.add_class("ak-scenario-message")
        self.keep_mine = _button("Keep mine", "ak-keep-mine", "Save over the other session's")
        self.load_theirs = _button("Load theirs", "ak-load-theirs", "Open what was saved")
        self.conflict_box = widgets.HBox([self.keep_mine, self.load_theirs])
        self.conflict_box.layout.display = "none"
        self.copy_to = widgets.Text(
            description="Copy to folder", layout=widgets.Layout(width="420px")
        )
        self.copy_to.style.description_width = "initial"
        self.copy_button = _button(
            "Make my own copy and save there",
            "ak-copy-sample",
            "Copy the sample into that folder, open it, and save the scenario in it",
        )
        self.copy_box = widgets.HBox([self.copy_to, self.copy_button])
        self.copy_box.layout.display = "none"
        self.editor = EditPanel(self)
        self.downloads = Downloads(self)
        self.open_button.on_click(lambda _: self.open_scenario(self.choice.value))
        self.delete_button.on_click(lambda _: self.delete(self.choice.value))
        self.save_button.on_click(lambda _: self.save())
        self.save_as_button.on_click(lambda _: self.save_as(self.new_name.value))
        self.reset_button.on_click(lambda _: self.reset())
        self.keep_mine.on_click(lambda _: self._resolve(keep_mine=True))
        self.load_theirs.on_click(lambda _: self._resolve(keep_mine=False))
        self.copy_button.on_click(lambda _: self.copy_and_save(self.copy_to.value))
        row = widgets.HBox(
            [
                self.name_html,
                self.choice,
                self.open_button,
                self.delete_button,
                self.save_button,
                self.new_name,
                self.description,
                self.save_as_button,
                self.reset_button,
            ],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )
        self._signature: tuple = ()
        self._watch()
        self.children = [
            self.style_html,
            row,
            self.message,
            self.conflict_box,
            self.copy_box,
            self.downloads,
            self.editor,
        ]

    # the workspace -----------------------------------------------------------------------------
    def _watch(self) -> None:
        """List the scenarios again whenever their files change (another session saved, or this
        kernel was pre-heated before the last save); every ``WATCH`` seconds while a kernel event
        loop runs (nothing without one)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        signature = _stored_signature(self.workspace_path)
        if signature != self._signature:
            self._signature = signature
            self.refresh()
        loop.call_later(WATCH, self._watch)

    def show(self, ws: Workspace) -> None:
        """A new workspace is shown: the base, no edits, its saved scenarios listed."""
        self.base = ws
        self.active = None
        self._hide_offers()
        self.message.info("")
        self.editor.start(ws)
        self.refresh()

    @property
    def workspace_path(self) -> Path | None:
        """The folder or workbook of the workspace shown (None for one without files)."""
        ws = self.base
        return Path(ws.source) if ws is not None and ws.source else None

    def refresh(self) -> None:
        """List the saved scenarios again and show the active one's name."""
        self.name_html.value = self._name_html()
        path = self.workspace_path
        try:
            saved = list_scenarios(path) if path is not None else []
        except AllianceKitError as exc:
            saved = []
            self.message.error(exc, context="A saved scenario cannot be read.")
        self._signature = _stored_signature(path)
        self.choice.options = [
            (f"{s.name} — {s.description}" if s.description else s.name, s.name) for s in saved
        ]
        if self.active is not None and self.active.name in {s.name for s in saved}:
            self.choice.value = self.active.name
        elif self.choice.value is None and saved:
            self.choice.value = saved[0].name
        if "compare" in getattr(self.app, "built", ()):  # a compare tab not built lists afresh
            self.app.views["compare"].refresh()

    def _name_html(self) -> str:
        name = BASE_LABEL if self.active is None else html.escape(self.active.name)
        edits = len(self.editor.session.edits) if self.editor.session is not None else 0
        extra = f" · {edits} unsaved data change(s)" if edits else ""
        return (
            f'<div class="ak-scenario-title" role="status">Scenario: <b>{name}</b>'
            f"{html.escape(extra)}</div>"
        )

    def _hide_offers(self) -> None:
        self.conflict_box.layout.display = "none"
        self.copy_box.layout.display = "none"

    # actions -----------------------------------------------------------------------------------
    def current(self, name: str, description: str | None = None) -> Scenario:
        """The session's settings and edit overrides as a scenario called ``name``."""
        same = self.active is not None and self.active.name == name
        return settings_to_scenario(
            self.state.settings,
            name,
            description=(
                description
                if description is not None
                else (self.active.description if same and self.active else "")
            ),
            overrides=self.editor.overrides(),
            revision=self.active.revision if same and self.active else 0,
            created=self.active.created if same and self.active else "",
        )

    def save(self) -> Scenario | None:
        """Save the open scenario (Save as… when the base is open)."""
        if self.active is None:
            self.message.info(
                "The base is the workspace itself: type a name and press “Save as…” to keep "
                "these settings as a scenario."
            )
            return None
        return self._save(self.current(self.active.name))

    def save_as(self, name: str) -> Scenario | None:
        """Save the settings as a new scenario ``name``."""
        name = str(name or "").strip()
        if not name:
            self.message.error("Type a name for the scenario first (letters, digits, - _ .).")
            return None
        try:
            scenario = self.current(name, self.description.value.strip())
        except AllianceKitError as exc:
            self.message.error(exc, context="The scenario was not saved.")
            return None
        if self.active is None or self.active.name != name:
            scenario = scenario.replace(revision=0, created="")
        return self._save(scenario)

    def _save(self, scenario: Scenario, *, overwrite: bool = False) -> Scenario | None:
        self._hide_offers()
        path = self.workspace_path
        if path is None:
            self.message.error("This workspace has no folder or workbook to keep scenarios in.")
            return None
        try:
            saved = save_scenario(path, scenario, overwrite=overwrite)
        except ScenarioConflictError as exc:
            self._pending = scenario
            self.message.error(
                exc, context="Someone else saved this scenario first. Nothing was overwritten."
            )
            self.conflict_box.layout.display = None
            return None
        except AllianceKitError as exc:
            if "read-only" in str(exc):
                return self._offer_copy(scenario)
            self.message.error(exc, context="The scenario was not saved.")
            return None
        self.active = saved
        self.new_name.value = ""
        self.message.info(f"Saved scenario “{saved.name}” in {path.name} (save {saved.revision}).")
        self.refresh()
        return saved

    def _offer_copy(self, scenario: Scenario) -> None:
        self._pending = scenario
        sample = self.workspace_path.name if self.workspace_path else "sample"
        self.copy_to.value = self.copy_to.value or str(Path.home() / "alliancekit" / f"my-{sample}")
        self.copy_box.layout.display = None
        self.message.error(
            f"“{sample}” is a bundled sample and cannot be changed. Make your own copy in a "
            "folder you choose below; the app opens the copy and saves the scenario there. "
            f"(From a terminal: python -c \"import alliancekit as ak; ak.copy_sample('{sample}', "
            f"'my-{sample}')\".)"
        )

    def _resolve(self, *, keep_mine: bool) -> None:
        """After a conflict: save over theirs, or open theirs."""
        pending, self._pending = self._pending, None
        self._hide_offers()
        if pending is None:
            return
        if keep_mine:
            self._save(pending, overwrite=True)
        else:
            self.open_scenario(pending.name)

    def copy_and_save(self, folder: str) -> Scenario | None:
        """Copy the bundled sample shown to ``folder``, open the copy with the current settings
        and edits, and save the pending scenario there."""
        pending, path = self._pending, self.workspace_path
        if path is None or not str(folder).strip():
            self.message.error("Type the folder to copy the sample into.")
            return None
        settings, edits = self.state.settings, self.editor.edits()
        try:
            target = copy_sample(path.name, str(folder).strip())
        except AllianceKitError as exc:
            self.message.error(exc, context="The sample was not copied.")
            return None
        picker = self.app.picker
        picker.options = [*picker.options, (f"{target.name} (your copy)", str(target))]
        picker.value = str(target)  # opens it (Dashboard.open_workspace -> show)
        self.editor.replay(edits)
        self._use(self.editor.workspace(), settings)
        self._hide_offers()
        if pending is None:
            return None
        return self._save(pending.replace(revision=0, created=""))

    def open_scenario(self, name: str | None) -> Scenario | None:
        """Open the saved scenario ``name``: its settings in every tab, its overrides as edits."""
        from alliancekit.scenarios import Edit

        path = self.workspace_path
        if not name or path is None or self.base is None:
            self.message.error("Pick a saved scenario first.")
            return None
        self._hide_offers()
        try:
            scenario = load_scenario(path, name)
            edits = [Edit("organization", None, k, v) for k, v in scenario.organization.items()]
            edits += [
                Edit("candidates", cid, col, v)
                for cid, cols in scenario.candidates.items()
                for col, v in cols.items()
            ]
            self.editor.start(self.base)
            self.editor.replay(edits)
            ws = self.editor.workspace()
            settings = scenario_to_settings(scenario, ws)
        except AllianceKitError as exc:
            self.message.error(exc, context=f"Scenario “{name}” could not be opened.")
            return None
        self.active = scenario
        self._use(ws, settings)
        self.message.info(f"Opened scenario “{scenario.name}” (save {scenario.revision}).")
        self.refresh()
        return scenario

    def delete(self, name: str | None) -> None:
        """Delete the saved scenario ``name`` (the settings shown stay)."""
        path = self.workspace_path
        if not name or path is None:
            self.message.error("Pick a saved scenario first.")
            return
        try:
            delete_scenario(path, name)
        except AllianceKitError as exc:
            self.message.error(exc, context=f"Scenario “{name}” was not deleted.")
            return
        if self.active is not None and self.active.name == name:
            self.active = None
        self.message.info(f"Deleted scenario “{name}”.")
        self.refresh()

    def reset(self) -> None:
        """Back to the base: the workspace's own settings, edits dropped."""
        if self.base is None:
            return
        self.active = None
        self._hide_offers()
        self.editor.start(self.base)
        self._use(self.base, settings_for(self.base))
        self.message.info("Back to the base: the workspace's own settings and data.")
        self.refresh()

    # the session -------------------------------------------------------------------------------
    def workspace_changed(self, ws: Workspace) -> None:
        """An edit changed the data: budgets and caps that were the workspace's own follow."""
        old_own, new_own = settings_for(self.state.workspace), settings_for(ws)
        follow = {
            f: getattr(new_own, f)
            for f in FOLLOWING
            if getattr(self.state.settings, f) == getattr(old_own, f)
        }
        self._use(ws, dataclasses.replace(self.state.settings, **follow))
        self.name_html.value = self._name_html()

    def _use(self, ws: Workspace, settings: Settings) -> None:
        """Show ``ws`` with ``settings`` in every tab (the tabs are built again)."""
        state = self.state
        state.workspace = ws
        state.settings = settings
        state.generation += 1
        state._review_cache.clear()
        self.app._build(ws)


# -- the compare view -------------------------------------------------------------------------
def _money_unit(key: str, money: str) -> str:
    if key.startswith("limit[cost_annual") or key.startswith("limit[budget_annual"):
        return f"{money}/yr"
    if key.startswith("limit["):
        return money
    if key.startswith("count") or ".max_count" in key or ".min_count" in key:
        return "partners"
    if key.startswith("coverage["):
        return "share of the gap"
    return "0–1"


def _figures(frame: pd.DataFrame, prefix: str, money: str) -> dict[str, pd.Series]:
    """Cost, value, risk and coverage columns (``prefix`` ``change_``: their changes), named."""
    words = {
        "cost_one_off": f"one-off cost [{money}]",
        "cost_annual": f"annual cost [{money}/yr]",
        "value_e_npv": f"expected NPV [{money}]",
        "mean_risk": "average total risk [0–1]",
        "coverage": "coverage of required gaps [0–1]",
    }
    lead = "Change in " if prefix else ""
    return {
        (lead + w if lead else w[:1].upper() + w[1:]): frame[prefix + k] for k, w in words.items()
    }


def comparison_tables(c: Any) -> list[tuple[str, str]]:
    """The comparison's overview, differences and totals against limits, in words with units."""
    money = c.money_label or "money"
    ov = c.overview
    overview = pd.DataFrame(
        {
            "Portfolio possible": ov["feasible"].map({True: "yes", False: "no"}),
            "Partners chosen": ov["partners"].fillna("—"),
            "Number chosen": ov["n_selected"],
            **_figures(ov, "", money),
            "Why not": ov["note"].fillna(""),
        }
    )
    overview.index.name = "Scenario"
    d = c.differences
    ins = d["partners_in"].map(
        lambda s: f'<span class="ak-in">+ {html.escape(s)}</span>' if s else "none"
    )
    outs = d["partners_out"].map(
        lambda s: f'<span class="ak-out">− {html.escape(s)}</span>' if s else "none"
    )
    diff = pd.DataFrame(
        {
            "Against": d["baseline"],
            "Partners in": ins,
            "Partners out": outs,
            **_figures(d, "change_", money),
            "Note": d["note"].fillna(""),
        }
    )
    diff.index.name = "Scenario"
    t = c.totals
    totals = pd.DataFrame(
        {
            "Scenario": t["scenario"],
            "Limit": [
                f"{lab} [{_money_unit(str(k), money)}]"
                for lab, k in zip(t["label"], t["key"], strict=True)
            ],
            "Used": t["used"],
            "Allowed": t["cap"],
            "Room left": t["slack"],
            "At its limit": t["binding"].map({True: "yes", False: ""}),
        }
    ).set_index("Scenario")
    return [
        ("Scenarios side by side", _table(overview, escape=True)),
        ("What changes against the first scenario", _table(diff, escape=False)),
        ("Totals against limits", _table(totals, escape=True)),
    ]


def _table(frame: pd.DataFrame, *, escape: bool) -> str:
    """A table; ``escape=False`` keeps the in / out highlights (their names escaped already)."""
    if escape:
        return table_html(frame)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name, *frame.columns])
    rows = []
    for idx, row in frame.iterrows():
        cells = [f"<th>{html.escape(str(idx))}</th>"]
        for v in row:
            text = f"{v:,.2f}" if isinstance(v, float) and not math.isnan(v) else v
            cells.append(f"<td>{'—' if isinstance(v, float) and math.isnan(v) else text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="ak-table"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


_CSS = (
    "<style>.ak-in{color:#05612b;font-weight:600}.ak-out{color:#9b1c1c;font-weight:600}"
    ".ak-scenario-title{font-size:1.05em;margin-right:1em}"
    # the editing panel's title meets WCAG AA contrast (the default collapsed header does not)
    ".ak-edit-panel .jupyter-widget-Collapse-header,.ak-edit-panel .p-Collapse-header,"
    ".ak-edit-panel .jupyter-widget-Collapse-header span{color:#1a1a1a;background:#eef1f4;"
    "opacity:1}</style>"
)


class CompareView(widgets.VBox):
    """The compare tab: pick 2–4 saved scenarios (and the base), see them side by side.

    Attributes
    ----------
    picks : SelectMultiple
    compare_button : Button
    result : ScenarioComparison or None
    """

    def __init__(self, ws: Workspace, state: SessionState) -> None:
        super().__init__()
        self.add_class("ak-explorer")
        self.add_class("ak-compare")
        self.ws, self.state, self.result = ws, state, None
        self.picks = widgets.SelectMultiple(
            options=[],
            rows=5,
            description="Scenarios (2–4)",
            layout=widgets.Layout(width="460px"),
        )
        self.picks.style.description_width = "initial"
        self.picks.add_class("ak-compare-picks")
        self.compare_button = _button("Compare", "ak-compare-button", "Put them side by side")
        self.compare_button.on_click(lambda _: self.compare())
        self.message = MessageArea()
        self.output = widgets.HTML("")
        self.output.add_class("ak-compare-output")
        self.children = [
            widgets.HTML(_CSS + heading_html("Compare scenarios")),
            widgets.HTML(
                info_html(
                    "Pick two to four saved scenarios (the base is the workspace's own "
                    "settings). Each runs as saved; unsaved changes are not included."
                )
            ),
            widgets.HBox([self.picks, self.compare_button]),
            self.message,
            self.output,
        ]
        self.refresh()

    def refresh(self) -> None:
        """List the scenarios saved in the workspace (keeping the picks still there)."""
        try:
            saved = list_scenarios(self.ws) if self.ws.source else []
        except AllianceKitError:
            saved = []
        options = [(BASE_LABEL, BASE)] + [
            (f"{s.name} — {s.description}" if s.description else s.name, s.name) for s in saved
        ]
        keep = tuple(v for v in self.picks.value if v in {o[1] for o in options})
        self.picks.options = options
        self.picks.value = keep

    def compare(self, names: list[str] | None = None) -> Any:
        """Compare the picked scenarios (or ``names``); the result is shown and returned."""
        names = list(names if names is not None else self.picks.value)
        if not 2 <= len(names) <= 4:
            self.message.error("Pick two to four scenarios to compare.")
            return None
        self.message.info("⏳ Working…")
        try:
            from alliancekit.workspace import load_workspace

            base = load_workspace(self.ws.source)
            c = compare_scenarios(base, names, thresholds=False)
        except AllianceKitError as exc:
            self.message.error(exc, context="The scenarios could not be compared.")
            return None
        self.result = c
        parts = [heading_html(title, level=4) + body for title, body in comparison_tables(c)]
        self.output.value = "".join(parts)
        self.message.info(f"Compared {', '.join(c.names)}; the first is the baseline.")
        return c


def scenario_bar(app: Any) -> ScenarioBar:
    """The app's scenario bar (its "Compare scenarios" tab is registered by ``widgets.compare``)."""
    return ScenarioBar(app)
