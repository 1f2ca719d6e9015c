"""The report as a web page: an executed notebook to self-contained HTML (no code, no script).

``notebook_to_html`` converts with nbconvert's ``basic`` template and wraps the body in
``page`` — the one HTML page of the package's reports (the index uses it too), with its own
screen and print stylesheet.
"""

from __future__ import annotations

import html
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from alliancekit.reporting.files import readable_time, utc_now

__all__ = ["BRIEF_TAG", "notebook_to_html", "page", "sanitize_html"]

_DROP_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell"}
#: Cells tagged ``brief`` make the executive brief (``brief.html``), not the report.
BRIEF_TAG = "brief"

_CSS = """
:root { --ink: #1d2327; --muted: #5f6b73; --rule: #d5dadd; --accent: #1f5f8b; }
html { font-size: 15px; }
body { font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); line-height: 1.45; max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.7rem; border-bottom: 3px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.35rem; color: var(--accent); border-bottom: 1px solid var(--rule);
  margin-top: 2.2rem; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
h4 { font-size: 1rem; margin: .8rem 0 .3rem; }
a.anchor-link { display: none; }
p, li { max-width: 75ch; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f5f7; }
table.dataframe td { white-space: normal; }
.ak-section { overflow-x: auto; }
img { max-width: 100%; height: auto; display: block; margin: .5rem 0 1rem; }
pre { white-space: pre-wrap; font-size: .85rem; background: #f7f9fa; padding: .5rem;
  border: 1px solid var(--rule); }
.ak-report-meta { color: var(--muted); font-size: .85rem; }
.ak-ids { color: var(--muted); font-size: .72rem; font-weight: normal; }
p.ak-ids { margin: -.6rem 0 1rem; }
table.ak-headline th { width: 16rem; }
.ak-brief h2 { margin-top: 1.2rem; }
.ak-decision-GROW { color: #1b7f3a; font-weight: bold; }
.ak-decision-MAINTAIN { color: #35586f; font-weight: bold; }
.ak-decision-RESTRUCTURE { color: #a86400; font-weight: bold; }
.ak-decision-EXIT { color: #b3261e; font-weight: bold; }
.ak-callout { border-left: 4px solid var(--accent); background: #f2f7fb; padding: .4rem .8rem;
  margin: .6rem 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html { font-size: 10pt; }
  table { font-size: 8pt; }
  .ak-section { overflow: visible; }
  body { max-width: none; padding: 0; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  h2 { break-before: auto; }
  table, img, figure, .ak-callout, .alliancekit-result { break-inside: avoid;
    page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .ak-no-print { display: none; }
  .ak-brief { font-size: 9pt; }
  .ak-brief h1 { font-size: 15pt; margin: 0 0 .2rem; }
  .ak-brief h2 { font-size: 12pt; margin: .6rem 0 .2rem; }
  .ak-brief table { font-size: 8pt; margin: .2rem 0 .4rem; }
  .ak-brief li { margin-bottom: .15rem; }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="alliancekit {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<hr>
<p class="ak-report-meta">{footer}</p>
</body>
</html>
"""


def page(title: str, body: str, footer: str) -> str:
    """A complete HTML document: ``title`` (escaped here), ``body`` and ``footer`` as markup."""
    from alliancekit import __version__

    return _PAGE.format(
        version=html.escape(__version__),
        title=html.escape(title),
        css=_CSS,
        body=body,
        footer=footer,
    )


def notebook_to_html(
    notebook: str | os.PathLike[str] | Any, *, title: str | None = None, brief: bool = False
) -> str:
    """Convert an executed notebook to a self-contained HTML page without code.

    Uses nbconvert's ``basic`` template (body only; no require.js, MathJax or widget CDN) with
    code inputs and prompts excluded, drops the parameter cells and stderr streams, embeds every
    figure as a ``data:`` URI (nbconvert's default for image outputs), sanitises the body with
    an allow-list (``sanitize_html``: no script, no event handler, nothing loaded from elsewhere;
    the report needs no JavaScript and must open offline), and wraps it in a page with its own
    screen and print stylesheet.

    Parameters
    ----------
    notebook : path or NotebookNode
        Executed notebook.
    title : str, optional
        Page title (HTML-escaped); default: the notebook file name.
    brief : bool
        False (default): the report, without the cells tagged ``brief``; True: the executive
        brief, only the cells tagged ``brief``.

    Returns
    -------
    str
        The HTML document.
    """
    from alliancekit import __version__

    nb, default_title = _read_notebook(notebook)
    nb.cells = [_shown(cell) for cell in nb.cells if not _hidden(cell) and _in_brief(cell) == brief]
    body, _ = _html_exporter().from_notebook_node(nb)
    when = readable_time(utc_now())
    footer = f"Generated {html.escape(when)} by alliancekit {html.escape(__version__)}."
    return page(title or default_title, sanitize_html(body), footer)


def _read_notebook(notebook: str | os.PathLike[str] | Any) -> tuple[Any, str]:
    """The notebook (a copy when given a node) and its default title (file name or "report")."""
    import nbformat

    if not isinstance(notebook, (str, os.PathLike)):
        return nbformat.from_dict(json.loads(json.dumps(notebook))), "report"
    text = Path(notebook).read_text(encoding="utf-8")
    # a v4 notebook (what papermill writes) is parsed without nbformat.read's schema
    # validation (~30 ms for a report); anything else goes through nbformat.reads
    data = json.loads(text)
    if isinstance(data, dict) and data.get("nbformat") == 4:
        return nbformat.v4.to_notebook_json(data), Path(notebook).stem
    return nbformat.reads(text, as_version=4), Path(notebook).stem


def _hidden(cell: Any) -> bool:
    """Parameter cells and cells tagged to be removed are left out of the page."""
    return bool(set(cell.get("metadata", {}).get("tags", [])) & _DROP_TAGS)


def _in_brief(cell: Any) -> bool:
    """True for the cells of the executive brief (tagged ``brief``)."""
    return BRIEF_TAG in cell.get("metadata", {}).get("tags", [])


def _shown(cell: Any) -> Any:
    """The cell without its stderr streams (warnings, progress bars)."""
    if cell.get("cell_type") == "code":
        cell["outputs"] = [
            o
            for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
    return cell


@cache
def _html_exporter() -> Any:
    """The report's nbconvert exporter, made once per process (its Jinja templates compile once).

    nbconvert's ``HTMLExporter`` (``basic`` template: body only, no require.js, MathJax or widget
    CDN; code inputs and prompts excluded). Its ``from_notebook_node`` ends by re-parsing the
    whole page with BeautifulSoup only to add ``alt`` text to images that lack it and
    ``tabindex`` to JupyterLab-template cells (the ``basic`` template has none): that pass took
    longer than the conversion itself. This subclass skips it and adds the missing ``alt``
    text with a regular expression. If a future nbconvert renames the internals it relies on,
    it falls back to the unmodified exporter.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class _ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            try:
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                langinfo = nb.metadata.get("language_info", {})
                lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
                highlight = self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                )
                resources = self._init_resources(resources)
                data_type = WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                )
            except (ImportError, AttributeError):  # pragma: no cover - other nbconvert versions
                return super().from_notebook_node(nb, resources, **kw)
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_NO_ALT_RE.sub('<img alt="figure" ', body), resources

    return _ReportHTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


_IMG_NO_ALT_RE = re.compile(r"<img\b(?![^>]*\balt\s*=)\s*", re.IGNORECASE)


# -- sanitising --------------------------------------------------------------------------------
#: Elements a report body may hold: text, tables, figures, and inline SVG charts. Anything else
#: (script, style, iframe, object, embed, form, link, meta, foreignObject …) is removed, and the
#: content of script and style elements with it.
_HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
_SVG_TAGS = {
    "svg", "g", "path", "line", "polyline", "polygon", "rect", "circle", "ellipse", "text",
    "tspan", "title", "desc", "defs", "clipPath", "linearGradient", "radialGradient", "stop",
}  # fmt: skip
_SVG_ATTRIBUTES = {
    "width", "height", "viewBox", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry",
    "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-dasharray", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "alignment-baseline", "dx", "dy", "clip-path",
    "clipPathUnits", "gradientUnits", "offset", "stop-color", "stop-opacity", "display",
    "visibility", "pointer-events", "preserveAspectRatio", "version", "xmlns",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {
        "class", "id", "title", "role", "lang", "aria-label", "aria-hidden", "aria-describedby",
        "aria-labelledby", "aria-roledescription", "style",
    },
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "table": {"border"},
    "col": {"span"},
    "ol": {"start"},
    **dict.fromkeys(_SVG_TAGS, _SVG_ATTRIBUTES),
}  # fmt: skip
#: CSS properties kept in ``style`` attributes (none of them can load anything).
_STYLE_PROPERTIES = {
    "text-align", "vertical-align", "white-space", "font-weight", "font-style", "font-size",
    "font-family", "color", "background-color", "width", "height", "max-width", "min-width",
    "padding", "margin", "border", "border-collapse", "display", "opacity", "fill", "stroke",
    "stroke-width", "text-anchor",
}  # fmt: skip
_LOCAL_URL_RE = re.compile(r"url\(\s*['\"]?#", re.IGNORECASE)


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Keep only what cannot load or run anything: images from ``data:image/`` URIs, links to
    http(s), mail or within the page, and ``url(…)`` references to the page's own elements."""
    if element == "img" and attribute == "src":
        return value if value.lower().startswith("data:image/") else None
    if attribute == "href":
        return value if value.lower().startswith(("https:", "http:", "mailto:", "#")) else None
    if "url(" in value.lower() and len(_LOCAL_URL_RE.findall(value)) != value.lower().count("url("):
        return None
    return value


def sanitize_html(body: str) -> str:
    """``body`` with everything that could run code or load anything removed (nh3, Ammonia).

    An allow-list of elements (text, tables, figures, inline SVG), attributes and CSS properties:
    no script (whatever the markup tricks: ``<scr<script></script>ipt>`` stays text), no event
    handler attributes (``onerror=``), no ``javascript:`` links, no external images, style
    sheets or frames, no comments. Images stay as ``data:`` URIs, so the page works offline.
    """
    import nh3

    return nh3.clean(
        body,
        tags=_HTML_TAGS | _SVG_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
