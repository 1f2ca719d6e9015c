"""What every report section is made of: escaped HTML blocks, embedded figures, tables, numbers.

Every section function returns a display object whose HTML escapes all workspace text (partner,
KPI and milestone names, comments), so untrusted text shows as text, never as markup. Tables are
drawn by ``alliancekit.results.html_table``, the package's one table renderer.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from alliancekit.errors import DataValidationError
from alliancekit.results import html_table

if TYPE_CHECKING:
    from alliancekit.portfolio import PortfolioResult
    from alliancekit.review import ReviewResult

__all__ = [
    "ReportFigure",
    "ReportSection",
    "as_figure",
    "counts_text",
    "decision_span",
    "escape",
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
    figure (partner and KPI names) stays text even if it looks like HTML.
    """

    title: str
    data_base64: str
    mime: str = "image/svg+xml"

    def _repr_html_(self) -> str:
        alt = html.escape(self.title, quote=True)
        mime = html.escape(self.mime, quote=True)
        return (
            f'<figure class="ak-figure"><img alt="{alt}" '
            f'src="data:{mime};base64,{self.data_base64}"></figure>'
        )

    def __repr__(self) -> str:
        return f"<ReportFigure {self.title!r}>"


def _matplotlib_figure(fig: Any, title: str | None, dpi: int, fmt: str) -> ReportFigure:
    """A matplotlib ``Figure`` as SVG (text kept as text) or PNG at ``dpi``."""
    import base64
    import io

    import matplotlib

    buf = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "alliancekit"}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        mime = "image/svg+xml"
    elif fmt == "png":
        fig.savefig(buf, format="png", dpi=dpi)
        mime = "image/png"
    else:
        raise DataValidationError.single(
            f"as_figure: fmt must be 'svg' or 'png', got {fmt!r}", column="fmt"
        )
    if title is None:
        suptitle = getattr(fig, "_suptitle", None)
        axes = fig.get_axes()
        title = (suptitle.get_text() if suptitle is not None else "") or (
            axes[0].get_title() if axes else "figure"
        )
    return ReportFigure(
        title=title, data_base64=base64.b64encode(buf.getvalue()).decode("ascii"), mime=mime
    )


def as_figure(fig: Any, title: str | None = None, dpi: int = 80, fmt: str = "svg") -> ReportFigure:
    """Embed a chart in the report as a ``data:`` image.

    ``fig`` is an ``svgcharts.SvgChart`` (what the report draws: its SVG document is embedded
    as is) or a matplotlib ``Figure`` (for charts added to a custom report notebook).
    A matplotlib figure is rendered as SVG with text as ``<text>`` elements (``svg.fonttype``
    "none": half the size of outlined glyphs, sharp at any zoom and in print; the page names
    its font stack, DejaVu Sans first, so nothing is fetched), or with ``fmt="png"`` as a PNG
    at ``dpi`` [dots per inch].

    Raises
    ------
    DataValidationError
        If ``fmt`` is neither ``"svg"`` nor ``"png"`` (matplotlib figures only).
    """
    import base64

    from alliancekit.svgcharts import SvgChart

    if isinstance(fig, SvgChart):
        return ReportFigure(
            title=fig.title if title is None else title,
            data_base64=base64.b64encode(fig.svg.encode("utf-8")).decode("ascii"),
        )
    return _matplotlib_figure(fig, title, dpi, fmt)


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


def section(title: str, *parts: str) -> ReportSection:
    """A section from already escaped HTML parts."""
    return ReportSection(title=title, html="".join(parts))


def objective_value(plan: PortfolioResult) -> str:
    """The plan's reported objective with its unit: money, or points for a score objective."""
    unit = plan.money_label or "points (Σ partner score [0–100])"
    return f"{plan.objective_value:,.1f} {unit}"


def new_partners(plan: PortfolioResult) -> list[str]:
    """The partners a plan selects that are not existing alliances it keeps."""
    kept = set(plan.kept)
    return [p for p in plan.selected if p not in kept]


def counts_text(review: ReviewResult) -> str:
    """``2 GROW, 1 EXIT``: the review's decisions that occur."""
    counts = review.counts()
    return ", ".join(f"{n} {d}" for d, n in counts.items() if n) or "no alliances"
