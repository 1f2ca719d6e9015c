"""Raw tables → checked records → ``Workspace``, in named stages.

``parse_workspace`` is the whole pipeline a folder, a workbook and an in-memory workspace go
through: parse the organization; parse every table; check candidates and alliances; build the
history frames and check them; then (only when nothing was wrong) make conflicts symmetric,
record the notes and build the ``Workspace``.
"""

from __future__ import annotations

from collections.abc import Mapping

from alliancekit.model import AllianceStatus, Workspace
from alliancekit.workspace.cells import fmt
from alliancekit.workspace.checks import check_entities, check_history
from alliancekit.workspace.columns import HISTORY_TABLES, TABLE_COLUMNS, TABLES
from alliancekit.workspace.frames import Located
from alliancekit.workspace.organization import ok, parse_org
from alliancekit.workspace.problems import Problems
from alliancekit.workspace.readers import RawOrg, RawTable
from alliancekit.workspace.tables import (
    Parsed,
    build_alliances,
    build_candidates,
    history_frame,
    parse_rows,
)

__all__ = ["parse_workspace"]

#: Alliances that need no KPI rows (no note when they have none).
_WITHOUT_KPIS = (AllianceStatus.PROPOSED, AllianceStatus.CLOSED)
#: Tables whose unknown columns are ignored (noted) rather than kept: entities have fixed fields.
_ENTITY_TABLES = ("candidates", "alliances")


def _parse_tables(tables: Mapping[str, RawTable | None], P: Problems) -> dict[str, Parsed]:
    """Every table's records; an absent table has none (and the label its file would have)."""
    parsed: dict[str, Parsed] = {}
    for name in TABLES:
        table = tables.get(name)
        if table is None:
            parsed[name] = Parsed(f"{name}.csv", [], [])
            continue
        keep = name not in _ENTITY_TABLES
        parsed[name] = parse_rows(table, TABLE_COLUMNS[name], P, keep_extra=keep)
    return parsed


def _usable(tables: Mapping[str, RawTable | None], name: str, id_column: str) -> bool:
    """Ids of this table can be trusted for reference checks (absent, or read with its ids)."""
    t = tables.get(name)
    return t is None or (t.readable and id_column in t.header)


def _symmetric_conflicts(cands: Parsed, alls: Parsed, P: Problems) -> dict[str, list[str]]:
    """Conflicts apply both ways: A01 → A02 given once also makes A02 → A01 (noted)."""
    conflicts: dict[str, list[str]] = {}
    for r in cands.records:
        conflicts[r["id"]] = list(r["conflicts_with"])
    for r in alls.records:
        conflicts[r["alliance_id"]] = list(r["conflicts_with"])
    cand_ids = {r["id"] for r in cands.records}
    for a in list(conflicts):
        for b in list(conflicts[a]):
            if a not in conflicts[b]:
                conflicts[b].append(a)
                label = cands.label if b in cand_ids else alls.label
                P.note(label, None, "conflicts_with", f"conflict {a}–{b} applied both ways")
    return conflicts


def _notes(cands: Parsed, alls: Parsed, kpis: Parsed, P: Problems) -> None:
    """Valid but worth a look: partner shares outside 0.2–0.8, active alliances without KPIs."""
    for r in cands.records:
        share = r["partner_benefit_share"]
        if share is not None and not 0.2 <= share <= 0.8:
            message = (
                f"{r['id']}: partner share {fmt(share)} is outside 0.2–0.8 "
                "(benefits and risks should be commensurate)"
            )
            P.note(cands.label, r["_row"], "partner_benefit_share", message)
    with_kpis = {r["alliance_id"] for r in kpis.records}
    for r in alls.records:
        if r["alliance_id"] not in with_kpis and r["status"] not in _WITHOUT_KPIS:
            P.note(alls.label, r["_row"], "alliance_id", f"{r['alliance_id']} has no KPI rows")


def parse_workspace(
    name: str,
    source: str | None,
    org_raw: RawOrg | None,
    tables: Mapping[str, RawTable | None],
    P: Problems,
) -> Workspace | None:
    """Parse and cross-check everything; the Workspace, or None when there were problems."""
    org, gap_ids = parse_org(org_raw, P) if org_raw is not None else (None, None)
    parsed = _parse_tables(tables, P)
    cands, alls = parsed["candidates"], parsed["alliances"]
    cand_table = tables.get("candidates")
    if cand_table is not None and cand_table.readable and cand_table.header and not cands.records:
        P.add(cands.label, None, None, "no candidates: add at least one row below the header")
    ids_usable = _usable(tables, "alliances", "alliance_id")
    refs_usable = ids_usable and _usable(tables, "candidates", "id")
    labels = (cands.label, alls.label)
    check_entities(cands.records, alls.records, labels, gap_ids, refs_usable, P)
    history = {
        t: Located(parsed[t].label, history_frame(parsed[t], TABLE_COLUMNS[t]), parsed[t].rows)
        for t in HISTORY_TABLES
    }
    alliance_ids = {r["alliance_id"] for r in alls.records if ok(r["alliance_id"])}
    has_alliances = tables.get("alliances") is not None
    check_history(history, alliance_ids if ids_usable else None, has_alliances, P)
    if P or org is None:
        return None
    conflicts = _symmetric_conflicts(cands, alls, P)
    _notes(cands, alls, parsed["kpis"], P)
    return Workspace(
        name=name,
        organization=org,
        candidates=build_candidates(cands.records, conflicts),
        alliances=build_alliances(alls.records, conflicts),
        **{t: history[t].frame for t in HISTORY_TABLES},
        source=source,
    )
