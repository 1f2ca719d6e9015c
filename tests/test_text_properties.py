"""Random text through names into every output format (issue 14).

Markup, formula prefixes, control and invisible characters in a partner's, an alliance's and the
organization's name: the workspace either refuses them with located problems or keeps them
exactly; and then no CSV cell starts a formula, no HTML (report or app) gains an element or an
event handler, ``results.json`` holds the text exactly, and the CLI prints no control character.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import tempfile
from contextlib import redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliancekit as ak
from alliancekit import cli, reporting
from alliancekit.errors import DataValidationError
from alliancekit.reporting.files import read_csv, write_csv
from alliancekit.widgets.markup import error_html, info_html, table_html
from alliancekit.workspace.cells import CONTROL_RE

HOSTILE = [
    "<script>alert(1)</script>", "<scr<script></script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">', "\"'><svg onload=alert(1)>", "=HYPERLINK(\"http://x\")",
    "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", "\r=1", "\x00", "\x1b[31m", "\x07",
    "\u200b", "\u00a0", "\u202e", "\u2066", "&amp;", "&lt;b&gt;", "javascript:alert(1)",
    "{{7*7}}", "${x}", "%s%n", "'", '"', ";", ",", ":", "\\", "é", "日本", "🙂",
]  # fmt: skip
names = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=6)), min_size=1, max_size=4
).map("".join)

BASE = ak.sample_workspace("greenscape")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.attrs.update(a for a, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def _named(text: str) -> ak.Workspace:
    cands = (dataclasses.replace(BASE.candidates[0], name=text), *BASE.candidates[1:])
    alls = (dataclasses.replace(BASE.alliances[0], partner_name=text), *BASE.alliances[1:])
    org = dataclasses.replace(BASE.organization, name=text)
    return dataclasses.replace(BASE, candidates=cands, alliances=alls, organization=org)


def _assert_no_formula_cells(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            for cell in row[1:] if path.name == "candidates.csv" else row:
                try:
                    float(cell)
                    continue  # a number stays a number
                except ValueError:
                    assert not cell.startswith(FORMULA), (path.name, cell)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(text=names)
def test_names_reach_every_output_safely(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = ak.save_workspace(_named(text), Path(tmp) / "ws")
        for f in folder.glob("*.csv"):
            _assert_no_formula_cells(f)
        try:
            ws = ak.load_workspace(folder)
        except DataValidationError as exc:  # refused: every problem located
            assert all(p.file and p.message for p in exc.problems)
            assert any(p.column in ("name", "partner_name") for p in exc.problems)
            return
        assert ws.candidates[0].name == text.strip()
        assert ws.organization.name == text.strip()
        shown = ws.candidates[0].name
        # CSV written by the report runner
        write_csv(Path(tmp) / "s.csv", ["partner_name"], [{"partner_name": shown}])
        _assert_no_formula_cells(Path(tmp) / "s.csv")
        assert read_csv(Path(tmp) / "s.csv")[0]["partner_name"] == shown
        # results.json
        saved = reporting.save_results(Path(tmp) / "r.json", organization=shown)
        assert json.loads(saved.read_text("utf-8"))["results"]["organization"] == shown
        # the report page: a section's table through nbconvert and the sanitiser
        frame = pd.DataFrame({"partner": [shown]}, index=pd.Index(["B01"], name="id"))
        section = reporting.sections.base.section("t", reporting.sections.base.table(frame))
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("display_data", data=section._repr_mimebundle_()
                                               if hasattr(section, "_repr_mimebundle_") else
                                               {"text/html": section._repr_html_()})]  # fmt: skip
        page = reporting.notebook_to_html(nbformat.v4.new_notebook(cells=[cell]), title=shown)
        parsed = _parse(page)
        assert "script" not in parsed.tags and "svg" not in parsed.tags and "img" not in parsed.tags
        assert not any(a.startswith("on") for a in parsed.attrs)
        # the app's page text
        for html in (table_html(frame), info_html(shown), error_html(ValueError(shown))):
            app = _parse(html)
            assert set(app.tags) <= {"div", "table", "thead", "tbody", "tr", "th", "td", "span"}
            assert not any(a.startswith("on") for a in app.attrs)
        # the command line
        out = io.StringIO()
        with redirect_stdout(out):
            assert cli.main(["score", str(folder)]) == 0
        assert not CONTROL_RE.search(out.getvalue())
