"""History in reports/index.html (issue 17): per workspace, each alliance's health, attainment
and decision quarter by quarter, as a chart and a table, with readable dates."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from alliancekit.reporting import refresh_index
from alliancekit.reporting.files import write_csv
from alliancekit.reporting.history import history_frame
from alliancekit.reporting.publish import DECISION_LOG_COLUMNS


def _log(root: Path, rows: list[dict], columns=DECISION_LOG_COLUMNS) -> None:
    ws = root / "acme"
    for period in {r["period"] for r in rows}:
        (ws / period).mkdir(parents=True, exist_ok=True)
        (ws / period / "review.html").write_text("<p>report</p>", "utf-8")
    write_csv(ws / "decisions.csv", list(columns), rows)


def _row(period: str, aid: str, decision: str, h: float, a: float) -> dict:
    return {
        "period": period, "alliance_id": aid, "partner_name": f"Partner {aid}",
        "decision": decision, "H": h, "A_W": a, "trend": -0.01, "rules_fired": "",
        "rationale": "", "report": f"{period}/review.html",
        "generated_at": "2026-12-01T21:15:50Z",
    }  # fmt: skip


def test_the_index_shows_each_alliances_trend_and_decisions_by_quarter(tmp_path: Path) -> None:
    _log(
        tmp_path,
        [
            _row("2025-Q1", "AL-1", "MAINTAIN", 66.9, 0.99),
            _row("2025-Q2", "AL-1", "RESTRUCTURE", 55.2, 0.81),
            _row("2024-Q4", "AL-2", "GROW", 80.0, 1.2),
            _row("2025-Q2", "AL-2", "GROW", 86.0, 1.21),
        ],
    )
    page = refresh_index(tmp_path).read_text("utf-8")
    assert "History: acme" in page
    # the chart: a static SVG from the chart layer, both measures, every alliance
    uri = re.search(r'alt="Health and attainment by quarter" src="data:image/svg\+xml;base64,'
                    r'([^"]+)"', page)  # fmt: skip
    assert uri
    svg = base64.b64decode(uri[1]).decode("utf-8")
    for text in ("Health [points of 100]", "Partner AL-1 (AL-1)", "2024-Q4", "2025-Q2"):
        assert text in svg
    assert "<script" not in svg
    # the table: quarters in order, the decision with health and attainment per quarter
    assert page.index("<th>2024-Q4</th>") < page.index("<th>2025-Q1</th>")
    assert "RESTRUCTURE</span><br>" in page and "health 55, attainment 81 %" in page
    assert "2026-12-01T" not in page and re.search(r"\d{1,2} Dec 2026, \d\d:\d\d UTC", page)


def test_an_old_or_broken_log_gives_no_history_and_the_index_still_lists_reports(
    tmp_path: Path,
) -> None:
    old = ("period", "alliance_id", "decision", "report", "generated_at")
    _log(tmp_path, [_row("2025-Q1", "AL-1", "MAINTAIN", 60, 1.0)], columns=old)
    assert history_frame(tmp_path / "acme" / "decisions.csv").empty
    page = refresh_index(tmp_path).read_text("utf-8")
    assert "acme/2025-Q1/review.html" in page and "History:" not in page
