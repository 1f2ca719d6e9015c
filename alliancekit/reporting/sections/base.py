"""What every report section is made of: escaped HTML blocks, embedded figures, tables, numbers.

Every section function returns a display object whose HTML escapes all workspace text (partner,
KPI and milestone names, comments), so untrusted text shows as text, never as markup. Tables are
drawn by ``alliancekit.results.html_table``, the package's one table renderer.
"""

from __future__ import annotations

import base64
import html
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.results import html_table

#: The type of a figure whose spec the process running the report draws.
_VEGALITE = "application/vnd.vegalite.v5+json"
#: The type of a figure the process running the report has built from its call and drawn.
_CHART_CALL = "application/vnd.alliancekit.chart-call"

if TYPE_CHECKING:
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = [
    "ChartCall",
    "ReportFigure",
    "ReportSection",
    "as_figure",
    "chart_call",
    "charts_module",
    "counts_text",
    "decision_span",
    "escape",
    "ids_note",
    "new_partners",
    "number",
    "objective_value",
    "section",
    "table",
]


@dataclass(frozen=True)
class ReportSection:
    """A block of report HTML (already escaped) with a plain-text title."""

    title: str
    html: str

    def _repr_html_(self) -> str:
        return f'<div class="ak-section">{self.html}</div>'

    def __repr__(self) -> str:
        return f"<ReportSection {self.title!r}>"


@dataclass(frozen=True)
class ReportFigure:
    """A chart rendered once and shown as an embedded ``data:`` image.

    SVG by default, base64-encoded inside an ``<img>`` (never inline SVG markup): an image
    document cannot run scripts or inject markup into the page, so workspace text drawn in a
    figure (partner and KPI names) stays text even if it looks like HTML. In a report kernel
    whose charts the running process draws, ``mime`` is the Vega-Lite type and the data is the
    spec, or (for a :class:`ChartCall`) the signed call the running process has the chart built
    from; see ``alliancekit.reporting.deferred``.
    """

    title: str
    data_base64: str
    mime: str = "image/svg+xml"

    def _repr_html_(self) -> str:
        if self.mime in (_VEGALITE, _CHART_CALL):  # the process running the report draws it
            from alliancekit.reporting.deferred import placeholder_html

            image = placeholder_html(self.data_base64, self.title)
            return f'<figure class="ak-figure">{image}</figure>'
        alt = html.escape(self.title, quote=True)
        mime = html.escape(self.mime, quote=True)
        return (
            f'<figure class="ak-figure"><img alt="{alt}" '
            f'src="data:{mime};base64,{self.data_base64}"></figure>'
        )

    def __repr__(self) -> str:
        return f"<ReportFigure {self.title!r}>"


#: Libraries of two of jsonschema's optional format checkers, slow to import and never used by
#: a Vega-Lite spec: the IRI syntax (a grammar built at import, ≈ 1.3 s) and ISO 8601 durations
#: (with ``arrow``, ≈ 50 ms).
_SLOW_FORMAT_CHECKERS = ("rfc3987_syntax", "isoduration")


def charts_module() -> ModuleType:
    """``alliancekit.charts``, imported without jsonschema's two slowest format checkers.

    Altair validates specs with jsonschema, whose first import loads every format checker
    whose library is installed (jupyter-events brings them). The libraries named in
    ``_SLOW_FORMAT_CHECKERS`` are hidden while jsonschema is first imported, so it skips those
    two checkers, and importable again afterwards. In this process a jsonschema
    ``FormatChecker`` then leaves "iri" and "duration" strings unchecked; Altair uses none.
    """
    hidden = [m for m in _SLOW_FORMAT_CHECKERS if m not in sys.modules]
    if "jsonschema" not in sys.modules:
        sys.modules.update(dict.fromkeys(hidden))  # type: ignore[arg-type]  # -> ImportError
        try:
            import jsonschema  # noqa: F401
        finally:
            for name in hidden:
                del sys.modules[name]
    from alliancekit import charts
    from alliancekit.reporting.deferred import charts_deferred

    if charts_deferred():  # a report kernel run by alliancekit: specs validated by the tests
        charts.render.skip_eager_validation()
    return charts


@dataclass(frozen=True)
class ChartCall:
    """A chart of the report not built yet: ``build(*args, **kwargs)`` gives it.

    ``as_figure`` calls it in a notebook or the app. In a report kernel whose charts the running
    process draws, it is handed over as it is (pickled and signed): the running process's
    drawing process builds the chart, with the same function on the same inputs, and draws it
    while the kernel goes on, so the kernel never imports the chart layer (Altair, ≈ 0.3 s). A
    function or input a notebook defined itself (in ``__main__``) cannot be handed over: such a
    chart is built in the kernel.

    Parameters
    ----------
    build : callable
        A module-level function returning a chart of ``alliancekit.charts`` (a ``*_view``).
    args, kwargs
        Its inputs (workspace, review, …): anything ``pickle`` can copy.
    """

    build: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __call__(self) -> Any:
        """The chart."""
        return self.build(*self.args, **self.kwargs)

    @property
    def label(self) -> str:
        """What the chart shows, in words (its function's first docstring line), until it is
        built and has its title."""
        build = getattr(self.build, "func", self.build)  # a functools.partial's function
        doc = (getattr(build, "__doc__", None) or "").strip().splitlines()
        line = doc[0].strip().replace("``", "") if doc else ""
        return line or str(getattr(build, "__name__", "chart")).replace("_", " ")


def chart_call(build: Callable[..., Any], *args: Any, **kwargs: Any) -> ChartCall:
    """``build(*args, **kwargs)`` as a :class:`ChartCall` (built when and where it is drawn)."""
    return ChartCall(build, args, MappingProxyType(dict(kwargs)))


def as_figure(fig: Any, title: str | None = None) -> ReportFigure:
    """Embed a chart in the report as a ``data:`` image (never inline markup, never a script).

    Parameters
    ----------
    fig : ChartCall, altair chart, dict, str or bytes
        A chart of ``alliancekit.charts`` (or the call that builds it) or a Vega-Lite spec
        (drawn as static SVG by ``charts.to_svg``: text stays text, in the page's offline font
        stack, sharp in print), an SVG document as text, or PNG bytes (e.g. a custom notebook's
        own figure).
    title : str, optional
        The image's alternative text (default: the chart's title).

    Raises
    ------
    DataValidationError
        If ``fig`` is none of these.
    """
    if isinstance(fig, ChartCall):
        from alliancekit.reporting.deferred import pack_call

        packed = pack_call(fig, title)  # None: this kernel draws its own charts
        if packed is not None:
            return ReportFigure(
                title=fig.label if title is None else title,
                data_base64=base64.b64encode(packed).decode("ascii"),
                mime=_CHART_CALL,
            )
        fig = fig()
    if isinstance(fig, bytes) and fig.startswith(b"\x89PNG"):
        data, mime = fig, "image/png"
    elif isinstance(fig, str) and "<svg" in fig[:1000]:
        data, mime = fig.encode("utf-8"), "image/svg+xml"
    elif isinstance(fig, dict) or hasattr(fig, "to_dict"):
        charts = charts_module()
        # the chart tests validate every chart's spec against the Vega-Lite schema; doing it
        # again here would cost a report 30–70 ms per chart
        spec = charts.chart_spec(fig)
        title = charts.chart_title(spec) if title is None else title
        from alliancekit.reporting.deferred import charts_deferred

        if charts_deferred():  # the process running the report draws it, meanwhile
            static = charts.static_spec(spec)
            data, mime = json.dumps(static, separators=(",", ":")).encode("utf-8"), _VEGALITE
        else:
            data, mime = charts.to_svg(spec).encode("utf-8"), "image/svg+xml"
    else:
        raise DataValidationError.single(
            "as_figure: give a chart of alliancekit.charts, a Vega-Lite spec, an SVG document "
            f"or PNG bytes, not {type(fig).__name__}",
            column="fig",
        )
    return ReportFigure(
        title=title or "figure", data_base64=base64.b64encode(data).decode("ascii"), mime=mime
    )


def escape(value: Any) -> str:
    """``value`` as escaped text (``None`` as nothing)."""
    return html.escape("" if value is None else str(value))


def number(value: Any, spec: str = ",.1f", missing: str = "–") -> str:
    """``value`` formatted with ``spec``, or ``missing`` when it is no number or NaN."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return missing
    if x != x:  # NaN
        return missing
    return format(x, spec)


def table(frame: pd.DataFrame, *, index: bool = True, floats: str = ",.2f") -> str:
    """An escaped HTML table; float columns formatted with ``floats``, missing values as "–"."""
    formats = {str(c): floats for c in frame.columns if pd.api.types.is_float_dtype(frame[c])}
    return html_table(frame, formats=formats, index=index)


def decision_span(decision: Any) -> str:
    """A decision as text styled by its class (``ak-decision-EXIT`` …)."""
    d = escape(decision)
    return f'<span class="ak-decision-{d}">{d}</span>'


def ids_note(pairs: Any) -> str:
    """The analysts' small print: ``label = internal id`` pairs (CSS class ``ak-ids``).

    ``pairs`` is a mapping or an iterable of ``(label, id)``; pairs whose id equals the label
    are left out. Returns "" when nothing is left.
    """
    items = pairs.items() if hasattr(pairs, "items") else pairs
    shown = [f"{escape(k)} = {escape(v)}" for k, v in items if str(k) != str(v) and str(v)]
    if not shown:
        return ""
    return '<p class="ak-ids">Ids for analysts: ' + "; ".join(shown) + ".</p>"


def section(title: str, *parts: str) -> ReportSection:
    """A section from already escaped HTML parts."""
    return ReportSection(title=title, html="".join(parts))


#: The portfolio objectives in words (docs/method.md §4 (a)–(e)).
OBJECTIVE_WORDS = {
    "expected_npv": "expected net present value of the new partners",
    "score": "total partner score",
    "blend": "blend of value and score",
    "mean_cvar": "value net of tail risk",
    "coverage": "coverage of the capability gaps",
}


def objective_value(plan: PortfolioResult) -> str:
    """The plan's objective in words with its value and unit (money, or score points)."""
    unit = plan.money_label or "points (sum of partner scores, each 0–100)"
    name = OBJECTIVE_WORDS.get(str(plan.objective_name), str(plan.objective_name).replace("_", " "))
    return f"{name} {plan.objective_value:,.1f} {unit}"


def new_partners(plan: PortfolioResult) -> list[str]:
    """The partners a plan selects that are not existing alliances it keeps."""
    kept = set(plan.kept)
    return [p for p in plan.selected if p not in kept]


def counts_text(review: ReviewResult) -> str:
    """``2 GROW, 1 EXIT``: the review's decisions that occur."""
    counts = review.counts()
    return ", ".join(f"{n} {d}" for d, n in counts.items() if n) or "no alliances"
