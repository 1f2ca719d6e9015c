"""Resource limits on workspace input: every one explicit, documented, and checked early.

A file, cell or setting over a limit is a problem like any other (file, row or line, column and
what the limit is), found before the work it would cost is done: a file's size before it is
read, a workbook's declared unpacked size before it is unpacked, YAML aliases and nesting
while the file is parsed. ``data/README.md`` ("Limits") and ``alliancekit validate --help``
list them; the app's upload limit is ``alliancekit.widgets.MAX_UPLOAD_BYTES``.
"""

from __future__ import annotations

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_FIELD_CHARS",
    "MAX_MAGNITUDE",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_MEMBERS",
    "MAX_WORKBOOK_UNPACKED_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "limits_text",
]

#: Largest CSV table file [bytes] (a workspace with 60,000 KPI rows is about 5 MB).
MAX_CSV_BYTES = 100 * 2**20
#: Largest ``organization.yaml`` [bytes] (the samples' are about 4 kB).
MAX_YAML_BYTES = 1 * 2**20
#: Deepest nesting of ``organization.yaml`` (the settings need 3 levels: key, list, item).
MAX_YAML_DEPTH = 20
#: Largest ``.xlsx`` workbook on disk [bytes] and what it may declare unpacked [bytes] and hold
#: [zip entries]; a workbook is a zip archive, checked before anything is unpacked.
MAX_WORKBOOK_BYTES = 50 * 2**20
MAX_WORKBOOK_UNPACKED_BYTES = 500 * 2**20
MAX_WORKBOOK_MEMBERS = 1000
#: Longest text of one cell or setting [characters].
MAX_FIELD_CHARS = 10_000
#: Largest magnitude of any number in a workspace (money, KPI values, ratings) [its unit]:
#: beyond it sums and present values lose meaning (1e308 would make E[NPV] infinite).
MAX_MAGNITUDE = 1e12


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"


def limits_text() -> str:
    """The limits as lines for ``--help`` and messages."""
    return "\n".join(
        [
            f"  CSV table file         {_mib(MAX_CSV_BYTES)}",
            f"  organization.yaml      {_mib(MAX_YAML_BYTES)}, nesting depth {MAX_YAML_DEPTH}, "
            "no aliases (*name)",
            f"  .xlsx workbook         {_mib(MAX_WORKBOOK_BYTES)} on disk, "
            f"{_mib(MAX_WORKBOOK_UNPACKED_BYTES)} unpacked, {MAX_WORKBOOK_MEMBERS} zip entries",
            f"  one cell or setting    {MAX_FIELD_CHARS:,} characters",
            f"  any number             magnitude at most {MAX_MAGNITUDE:g}",
        ]
    )
