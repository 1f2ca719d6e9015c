"""Exports for meetings, from the same result objects as everything else: a formatted Excel
workbook (``export_xlsx``) and a printable one-page brief, HTML and PDF (``export_brief``)."""

from alliancekit.exports.brief import brief_html, export_brief
from alliancekit.exports.xlsx import export_xlsx, workbook_tables

__all__ = ["brief_html", "export_brief", "export_xlsx", "workbook_tables"]
