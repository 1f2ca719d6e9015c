"""``<out_dir>/index.html``: every published report, newest first, with its decisions."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alliancekit.reporting.files import atomic_write_text, readable_time, utc_now
from alliancekit.reporting.locks import exclusive_lock
from alliancekit.reporting.outcome import decision_order
from alliancekit.reporting.page import page
from alliancekit.reporting.publish import period_sort_key

__all__ = ["refresh_index"]


#: Optional files of a published report, with the link text the index shows.
_EXTRA_FILES = {"brief.html": "brief", "review.pdf": "report PDF", "brief.pdf": "brief PDF"}


@dataclass(frozen=True)
class _Entry:
    """One published report as the index lists it."""

    saved: str  # when results.json was saved (UTC, ISO 8601), else the HTML file's time
    workspace: str
    period: str
    organization: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # decision -> number of alliances
    files: tuple[str, ...] = ()  # brief.html, review.pdf, brief.pdf where published

    @classmethod
    def read(cls, html_path: Path) -> _Entry:
        """The entry of ``<workspace>/<period>/review.html`` from its ``results.json``."""
        folder = html_path.parent
        try:
            payload = json.loads((folder / "results.json").read_text("utf-8"))
            results = payload.get("results", {})
            counts: dict[str, int] = {}
            for row in results.get("review", {}).get("table", []):
                d = str(row.get("decision"))
                counts[d] = counts.get(d, 0) + 1
            org = str(results.get("organization", "") or "")
            saved = str(payload.get("saved_at", ""))
        except (OSError, ValueError, AttributeError):
            saved = datetime.fromtimestamp(html_path.stat().st_mtime, UTC).isoformat()
            return cls(saved, folder.parent.name, folder.name)
        files = tuple(n for n in _EXTRA_FILES if (folder / n).is_file())
        return cls(saved, folder.parent.name, folder.name, org, counts, files)

    def row(self) -> str:
        """The entry's table row; every name escaped."""
        href = f"{self.workspace}/{self.period}/review.html"
        tally = ", ".join(
            f'<span class="ak-decision-{html.escape(d)}">{n}&nbsp;{html.escape(d)}</span>'
            for d, n in decision_order(self.counts)
        )
        return (
            "<tr>"
            f'<td><a href="{html.escape(href, quote=True)}">{html.escape(self.workspace)}</a></td>'
            f"<td>{html.escape(self.organization)}</td><td>{html.escape(self.period)}</td>"
            f"<td>{tally}</td><td>{html.escape(readable_time(self.saved))}</td>"
            f'<td><a href="{html.escape(self.workspace, quote=True)}/decisions.csv">'
            f"decisions.csv</a></td><td>{self._extras()}</td></tr>"
        )

    def _extras(self) -> str:
        """Links to the executive brief and the PDFs of the report, where they exist."""
        base = f"{self.workspace}/{self.period}/"
        links = [
            f'<a href="{html.escape(base + n, quote=True)}">{_EXTRA_FILES[n]}</a>'
            for n in self.files
        ]
        return ", ".join(links) or "–"


def _published(root: Path) -> list[_Entry]:
    """Every ``<workspace>/<period>/review.html`` (hidden and ``_failed`` folders left out)."""
    entries = []
    for html_path in root.glob("*/*/review.html"):
        folder = html_path.parent
        if folder.name.startswith((".", "_")) or folder.parent.name.startswith((".", "_")):
            continue
        entries.append(_Entry.read(html_path))
    return entries


def _histories(root: Path, entries: list[_Entry]) -> str:
    """Per workspace (by name): its alliances' health, attainment and decisions by quarter."""
    from alliancekit.reporting.history import workspace_history

    parts = []
    names = {e.workspace: e.organization for e in entries}
    for workspace in sorted(names):
        block = workspace_history(root / workspace)
        if block:
            org = f" ({html.escape(names[workspace])})" if names[workspace] else ""
            parts.append(f"<h2>History: {html.escape(workspace)}{org}</h2>{block}")
    return "".join(parts)


def refresh_index(
    out_dir: str | os.PathLike[str] = "reports", *, lock_timeout: float = 60.0
) -> Path:
    """Rewrite ``<out_dir>/index.html`` listing every published report, newest first, and per
    workspace the history of its alliances (``reporting.history``: health, attainment and
    decisions quarter by quarter, a chart and a table).

    Newest means the most recently generated (``results.json``'s save time), so a re-run of
    an old period moves to the top. Every name is HTML-escaped.

    Parameters
    ----------
    out_dir : path
        Reports root.
    lock_timeout : float
        How long to wait for another run rewriting the index [s].

    Returns
    -------
    Path
        The index file.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    # the histories are drawn under the lock too: concurrent runs would otherwise race on the
    # cached chart beside a workspace's decision log
    with exclusive_lock(root / ".index.lock", lock_timeout, "report index"):
        entries = _published(root)
        entries.sort(key=lambda e: (e.saved, period_sort_key(e.period)), reverse=True)
        body = (
            "<h1>Alliance review reports</h1>"
            f'<p class="ak-report-meta">{len(entries)} report(s), newest first.</p>'
            "<table><thead><tr><th>Workspace</th><th>Organization</th><th>Period</th>"
            "<th>Decisions</th><th>Generated</th><th>Decision log</th><th>Brief and PDF</th>"
            "</tr></thead><tbody>"
            + "".join(e.row() for e in entries)
            + "</tbody></table>"
            + _histories(root, entries)
        )
        refreshed = html.escape(readable_time(utc_now()))
        text = page("Alliance review reports", body, f"Index refreshed {refreshed}.")
        atomic_write_text(target, text)
    return target
