"""The app's editing panel: candidates' costs, values and ratings and the organization's budgets
and caps in a grid, each change checked by the rules of the workspace's files.

Every change goes through ``EditSession.set``: an invalid one shows the message naming the cell
and changes nothing (the cell shows its value again). Undo and redo; "Save to the workspace"
writes the files atomically (a conflict with another session is shown), "Keep as scenario
overrides" saves the open scenario with the changes. A change updates the session's workspace,
so every tab (scores, portfolio, review) shows its effect.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from alliancekit.errors import AllianceKitError
from alliancekit.model import Workspace, glossary
from alliancekit.scenarios import Edit, EditSession, WorkspaceConflictError
from alliancekit.widgets.controls import MessageArea
from alliancekit.widgets.markup import info_html

__all__ = ["CANDIDATE_COLUMNS", "ORGANIZATION_KEYS", "EditPanel"]

#: Candidate columns always in the grid (money in the workspace's unit).
CANDIDATE_COLUMNS = ("cost_one_off", "cost_annual", "value_annual", "exit_cost")
#: Rating columns of candidates.csv one of which the grid shows (picked by the user).
RATINGS = (
    "goal_compat",
    "culture_compat",
    "commitment",
    "reputation",
    "prior_ties",
    "learning",
    "flexibility",
    "opportunism",
    "leakage",
    "dependence",
    "competence_unc",
    "market_unc",
    "complexity",
    "fin_fragility",
    "regulatory",
)
#: Organization settings in the grid: key path -> (name, unit).
ORGANIZATION_KEYS = {
    "budget_one_off": ("One-off budget", "money"),
    "budget_annual": ("Annual budget", "money/yr"),
    "max_alliances": ("Most new alliances", "partners"),
    "risk_caps.avg_total": ("Cap on average total risk", "0–1"),
}
_WORDS = {
    "cost_one_off": ("One-off cost", "money"),
    "cost_annual": ("Annual cost", "money/yr"),
    "value_annual": ("Annual value", "money/yr"),
    "exit_cost": ("Exit cost", "money"),
}


def button(text: str, css: str, tooltip: str) -> widgets.Button:
    """A button sized to its text, with a CSS class for tests and the stylesheet."""
    b = widgets.Button(description=text, tooltip=tooltip, layout=widgets.Layout(width="auto"))
    b.add_class(css)
    return b


def _words(column: str, money: str) -> str:
    name, unit = _WORDS.get(column) or ORGANIZATION_KEYS.get(column) or (_rating(column), "1–5")
    return f"{name} [{unit.replace('money', money)}]"


def _rating(column: str) -> str:
    try:
        text = glossary.label("column", column)
    except (KeyError, LookupError):
        text = glossary.in_words(column)
    return text[:1].upper() + text[1:]


def _texts(ws: Workspace) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """The organization's settings and the candidates' cells as the files hold them."""
    from alliancekit.workspace.load import _raw_from_workspace

    org, tables = _raw_from_workspace(ws)
    cells: dict[tuple[str, str], str] = {}
    table = tables.get("candidates")
    if table is not None:
        key = table.header.index("id")
        for _, row in table.rows:
            for j, col in enumerate(table.header):
                cells[(row[key], col)] = row[j]
    return dict(org.data), cells


def _org_text(org: dict[str, Any], path: str) -> str:
    node: Any = org
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


class EditPanel(widgets.Accordion):
    """The data, editable: candidates (money columns and one rating) and the organization.

    Parameters
    ----------
    bar : ScenarioBar
        Told of every change (``workspace_changed``), saves scenarios with the overrides.

    Attributes
    ----------
    session : EditSession or None
    cells : dict (table, row id, column) -> Text
        The grid's cells (``("organization", None, "budget_annual")`` for the organization).
        The grid is built when the panel is first opened or ``cells`` is first read (it is a
        quarter of the first page's widgets, and the panel starts closed).
    """

    def __init__(self, bar: Any) -> None:
        super().__init__()
        self.add_class("ak-edit-panel")
        self.bar = bar
        self.session: EditSession | None = None
        self._cells: dict[tuple[str, str | None, str], widgets.Text] = {}
        self._grid_pending = False
        self._quiet = False
        self.rating = widgets.Dropdown(
            options=[(_rating(c), c) for c in RATINGS],
            value="goal_compat",
            description="Rating shown",
            style={"description_width": "initial"},
        )
        self.rating.add_class("ak-edit-rating")
        self.rating.observe(lambda _: self._draw(), names="value")
        self.undo_button = button("Undo", "ak-edit-undo", "Undo the last change")
        self.redo_button = button("Redo", "ak-edit-redo", "Redo the change undone")
        self.save_button = button(
            "Save to the workspace", "ak-edit-save", "Write the changes into the workspace's files"
        )
        self.keep_button = button(
            "Keep as scenario overrides",
            "ak-edit-keep",
            "Save the open scenario with these changes; the workspace's files stay as they are",
        )
        self.undo_button.on_click(lambda _: self.undo())
        self.redo_button.on_click(lambda _: self.redo())
        self.save_button.on_click(lambda _: self.save())
        self.keep_button.on_click(lambda _: self.keep())
        self.message = MessageArea()
        self.message.add_class("ak-edit-message")
        self.grid = widgets.VBox()
        self.children = [
            widgets.VBox(
                [
                    widgets.HTML(
                        info_html(
                            "Change a value and press Enter (or leave the cell): it is checked "
                            "like the workspace's files, and every tab follows."
                        )
                    ),
                    widgets.HBox(
                        [
                            self.undo_button,
                            self.redo_button,
                            self.save_button,
                            self.keep_button,
                            self.rating,
                        ],
                        layout=widgets.Layout(flex_flow="row wrap"),
                    ),
                    self.message,
                    self.grid,
                ]
            )
        ]
        self.set_title(0, "Edit the data: costs, values, ratings, budgets and caps")
        self.selected_index = None
        self.observe(lambda _: self._draw_if_open(), names="selected_index")

    @property
    def cells(self) -> dict[tuple[str, str | None, str], widgets.Text]:
        """The grid's cells (the grid is built now if it was not yet)."""
        if self._grid_pending:
            self._draw_grid()
        return self._cells

    # the session -------------------------------------------------------------------------------
    def start(self, ws: Workspace) -> None:
        """Edit ``ws`` afresh (no changes)."""
        try:
            self.session = EditSession(ws) if ws.source else None
        except AllianceKitError as exc:
            self.session = None
            self.message.error(exc)
        self._draw()

    def workspace(self) -> Workspace:
        """The workspace with every change so far."""
        assert self.session is not None
        return self.session.workspace

    def edits(self) -> tuple[Edit, ...]:
        """The changes in force, oldest first."""
        return self.session.edits if self.session is not None else ()

    def overrides(self) -> dict[str, dict[str, Any]]:
        """The changes as a scenario's overrides (empty without changes)."""
        return self.session.as_overrides() if self.session is not None else {}

    def replay(self, edits: Iterable[Edit]) -> None:
        """Apply ``edits`` (a scenario's overrides) as changes (checked)."""
        for e in edits:
            assert self.session is not None
            self.session.set(e.table, e.row_id, e.column, e.value)
        self._draw()

    def set(self, table: str, row_id: str | None, column: str, value: Any) -> bool:
        """One change from the grid; True when it was accepted (else the message names the cell
        and nothing changes)."""
        if self.session is None:
            self.message.error("This workspace has no files to edit.")
            return False
        try:
            ws = self.session.set(table, row_id, column, value)
        except AllianceKitError as exc:
            where = self._where(table, row_id, column)
            self.message.error(exc, context=f"Not changed: {where} breaks a rule of the data.")
            self._draw_values()
            return False
        self.message.info(f"Changed {self._where(table, row_id, column)}.")
        self.bar.workspace_changed(ws)
        self._draw_values()
        return True

    def _where(self, table: str, row_id: str | None, column: str) -> str:
        money = self.session.workspace.organization.money_label if self.session else "money"
        words = _words(column, money)
        if table == "organization":
            return words
        names = {c.id: c.name for c in self.session.workspace.candidates} if self.session else {}
        return f"{words} of {names.get(str(row_id), row_id)}"

    def undo(self) -> None:
        """Undo the last change (every tab follows)."""
        if self.session is not None and self.session.can_undo:
            self.bar.workspace_changed(self.session.undo())
            self.message.info("Undone.")
            self._draw_values()

    def redo(self) -> None:
        """Redo the change undone last."""
        if self.session is not None and self.session.can_redo:
            self.bar.workspace_changed(self.session.redo())
            self.message.info("Redone.")
            self._draw_values()

    def save(self) -> None:
        """Write the changes into the workspace's files (refused for a sample, or when another
        session saved the workspace since it was opened)."""
        if self.session is None or not self.session.edits:
            self.message.info("No changes to save.")
            return
        try:
            path = self.session.save()
        except WorkspaceConflictError as exc:
            self.message.error(exc, context="Another session saved this workspace first.")
            return
        except AllianceKitError as exc:
            self.message.error(exc, context="The changes were not saved to the workspace.")
            return
        self.bar.base = self.session.workspace
        self.message.info(f"Saved the changes into {path.name}.")
        self._draw_values()

    def keep(self) -> None:
        """Save the open scenario with the changes as its overrides."""
        if self.bar.active is None:
            self.message.info(
                "Type a scenario name above and press “Save as…”: the changes are saved with "
                "it as its overrides (the workspace's files stay as they are)."
            )
            return
        self.bar.save()

    # the grid ----------------------------------------------------------------------------------
    def _cell(self, key: tuple[str, str | None, str], label: str) -> widgets.Text:
        cell = widgets.Text(
            continuous_update=False,
            layout=widgets.Layout(width="110px"),
            tooltip=label,
            placeholder="not set" if key[0] == "organization" else "",
        )
        cell.add_class("ak-edit-cell")
        cell.add_class(f"ak-cell-{key[1] or 'org'}-{key[2].replace('.', '-')}")
        cell.observe(lambda ch, key=key: self._changed(key, ch["new"]), names="value")
        self._cells[key] = cell
        return cell

    def _changed(self, key: tuple[str, str | None, str], text: str) -> None:
        if self._quiet:
            return
        table, row_id, column = key
        self.set(table, row_id, column, text.strip() or None)

    def _draw(self) -> None:
        """Build the grid for the session's workspace now if the panel is open, else when it is
        opened or its cells are read (buttons and the bar's name follow at once)."""
        self._cells = {}
        self.grid.children = []
        self._grid_pending = self.session is not None
        self._draw_if_open()
        self._draw_values()

    def _draw_if_open(self) -> None:
        if self._grid_pending and self.selected_index is not None:
            self._draw_grid()

    def _draw_grid(self) -> None:
        """Build the grid for the session's workspace."""
        self._grid_pending = False
        self._cells = {}
        if self.session is None:
            self.grid.children = []
            return
        ws = self.session.workspace
        money = ws.organization.money_label
        org_rows = [
            widgets.HBox(
                [
                    widgets.HTML(f"<b>{html.escape(_words(k, money))}</b>"),
                    self._cell(("organization", None, k), _words(k, money)),
                ]
            )
            for k in ORGANIZATION_KEYS
        ]
        columns = [*CANDIDATE_COLUMNS, self.rating.value]
        head = [widgets.HTML("<b>Partner</b>")] + [
            widgets.HTML(f"<b>{html.escape(_words(c, money))}</b>") for c in columns
        ]
        body: list[widgets.Widget] = list(head)
        for cand in ws.candidates:
            body.append(widgets.HTML(html.escape(cand.name)))
            for c in columns:
                body.append(self._cell(("candidates", cand.id, c), f"{_words(c, money)}"))
        grid = widgets.GridBox(
            body,
            layout=widgets.Layout(
                grid_template_columns=f"minmax(220px, 2fr) repeat({len(columns)}, 120px)",
                grid_gap="2px 6px",
                align_items="center",
            ),
        )
        grid.add_class("ak-edit-grid")
        self._draw_values()  # before the cells are shown: the page never draws them empty
        self.grid.children = [
            widgets.HTML("<h4>The organization</h4>"),
            widgets.VBox(org_rows),
            widgets.HTML(f"<h4>Candidates (money in {html.escape(money)})</h4>"),
            grid,
        ]

    def _draw_values(self) -> None:
        """Show the session's values in the cells (without treating them as changes)."""
        if self.session is None:
            return
        org, cells = _texts(self.session.workspace)
        self._quiet = True
        try:
            for (table, row_id, column), cell in self._cells.items():
                if table == "organization":
                    cell.value = _org_text(org, column)
                else:
                    cell.value = cells.get((str(row_id), column), "")
        finally:
            self._quiet = False
        self.undo_button.disabled = not self.session.can_undo
        self.redo_button.disabled = not self.session.can_redo
        bar = self.bar
        if hasattr(bar, "name_html"):
            bar.name_html.value = bar._name_html()
