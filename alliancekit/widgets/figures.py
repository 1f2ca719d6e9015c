"""Matplotlib figures → PNG bytes for ``Image`` widgets, fast enough for a slider.

``figure_png`` renders one figure; ``LayoutCache`` reuses the constrained-layout positions of an
earlier figure with the same labels (a slider redraws the same chart with new bar lengths);
``MarkerCanvas`` keeps a drawn figure and moves only its "current setting" marker (blitting).
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["LayoutCache", "MarkerCanvas", "figure_png", "layout_key"]


def figure_png(fig: Any, dpi: int = 96) -> bytes:
    """Render a matplotlib Figure to PNG bytes (the figure is not kept in pyplot state).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int
        Resolution [dots per inch].
    """
    buf = io.BytesIO()
    # zlib level 1: a third of the default level's encoding time, for somewhat larger PNGs
    # that only travel over the kernel's local websocket
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def layout_key(fig: Any) -> tuple:
    """What decides a figure's constrained layout: size, titles, labels, tick labels, legends.

    Two figures with the same key get the same axes positions from constrained layout. The
    x tick labels and legend entries enter by count and length (their width only moves the
    right edge by half a label; the legends sit inside the axes), so a slider that only rescales
    the x axis or moves a marker still reuses the layout.
    """
    parts: list[Any] = [tuple(fig.get_size_inches().round(3))]
    for ax in fig.axes:
        xt = [t.get_text() for t in ax.get_xticklabels()]
        legend = ax.get_legend()
        parts.append(
            (
                ax.get_title(),
                ax.get_xlabel(),
                ax.get_ylabel(),
                tuple(t.get_text() for t in ax.get_yticklabels()),
                len(xt),
                max((len(t) for t in xt), default=0),
                tuple(len(t.get_text()) for t in legend.get_texts()) if legend else (),
            )
        )
    return tuple(parts)


class LayoutCache:
    """Reuse constrained-layout results between redraws of the same kind of figure.

    Constrained layout measures every text of a figure in an extra pass before drawing it,
    about 40 % of a widget figure's rendering time. A slider change redraws the same chart with
    new bar lengths but the same labels, so the axes positions from the first (constrained)
    render are stored under :func:`layout_key` and later figures with the same key are drawn
    with those positions and no layout engine: the same picture, one pass.
    """

    def __init__(self, size: int = 32) -> None:
        self._positions: dict[tuple, list[Any]] = {}
        self._size = size

    def png(self, fig: Any, dpi: int = 96) -> bytes:
        """PNG bytes of ``fig``, laid out from the cache when an identical layout is known."""
        engine = fig.get_layout_engine()
        if engine is None or type(engine).__name__ != "ConstrainedLayoutEngine":
            return figure_png(fig, dpi)
        key = layout_key(fig)
        known = self._positions.get(key)
        if known is not None and len(known) == len(fig.axes):
            fig.set_layout_engine("none")
            for ax, pos in zip(fig.axes, known, strict=True):
                ax.set_position(pos)
            return figure_png(fig, dpi)
        png = figure_png(fig, dpi)
        if len(self._positions) >= self._size:
            self._positions.pop(next(iter(self._positions)))
        self._positions[key] = [ax.get_position().frozen() for ax in fig.axes]
        return png


class MarkerCanvas:
    """A rendered figure whose "current setting" marker moves without a full redraw.

    The figure is drawn once with the marker line and the legend left out (``animated``); the
    pixels are kept, and each new current value restores them and draws only the moved marker
    and the legend on top (matplotlib blitting), then encodes the PNG.
    """

    PREFIX = "current setting"

    def __init__(self, fig: Any, *, money: str = "", dpi: int = 96) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.money = money
        self.fig = fig
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self.ax = fig.axes[0]
        self.marker = next(
            (ln for ln in self.ax.lines if ln.get_label().startswith(self.PREFIX)), None
        )
        self.legend = self.ax.get_legend()
        for artist in (self.marker, self.legend):
            if artist is not None:
                artist.set_animated(True)
        self.canvas.draw()  # runs constrained layout once, without the animated artists
        fig.set_layout_engine("none")
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def covers(self, current: float) -> bool:
        """Whether ``current`` lies inside the drawn x range (else the axes must grow)."""
        lo, hi = sorted(self.ax.get_xlim())
        return lo <= current <= hi

    def png(self, current: float) -> bytes:
        """PNG bytes with the marker at ``current`` (x-axis units)."""
        from PIL import Image

        if self.marker is not None:
            label = f"{self.PREFIX} {current:,.2f}"
            self.marker.set_xdata([current, current])
            self.marker.set_label(label)
            if self.legend is not None:
                for text in self.legend.get_texts():
                    if text.get_text().startswith(self.PREFIX):
                        text.set_text(label)
        self.canvas.restore_region(self.background)
        for artist in (self.marker, self.legend):
            if artist is not None:
                self.ax.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw")
        buf = io.BytesIO()
        image.save(buf, format="png", dpi=(self.fig.dpi, self.fig.dpi), compress_level=1)
        return buf.getvalue()
