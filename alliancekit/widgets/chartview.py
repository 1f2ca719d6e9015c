"""A chart in the app: an ``Output`` holding one Vega-Lite v5 spec, drawn by the browser.

The kernel only builds the spec (``alliancekit.charts``) and sends it; JupyterLab's and Voila's
bundled Vega-Lite renderer draws it offline, with tooltips. A new chart replaces the old one in a
single widget update (no empty frame in between), and an unchanged chart is not sent again.

Each chart comes with a one-pixel transparent PNG (:data:`PNG_STAND_IN`). Given no PNG, that
renderer draws every chart a second time into a PNG copy for the notebook file, and the
``Output`` widget then sends the copy back to the kernel: in the app that took as long as
drawing the chart (measured in ``benchmarks/bench_app.py``: the annual-budget chart redrawn
147–183 ms after the key without it, 102–103 ms with it, 2 Dec 2026). The renderer still draws
the chart from its spec (it ranks above PNG); the app never saves its outputs, and a notebook
re-opened with its widgets draws the chart from the spec again.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

__all__ = ["PNG_STAND_IN", "ChartView"]

#: A 1 × 1 transparent PNG (base64), sent with every chart so the browser makes no PNG copy.
PNG_STAND_IN = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)


class ChartView(widgets.Output):
    """One chart of an explorer, shown through the ``application/vnd.vegalite.v5+json`` output.

    Attributes
    ----------
    spec : dict or None
        The Vega-Lite spec shown now (None while empty): what the browser draws, and what a
        static snapshot draws as SVG.
    sent : int
        How many specs were sent to the browser (an unchanged chart is not sent again).
    """

    def __init__(self, **kwargs: Any) -> None:
        # a chart wider than its column scrolls instead of running under its neighbour
        kwargs.setdefault("layout", widgets.Layout(max_width="100%", overflow="auto"))
        super().__init__(**kwargs)
        self.spec: dict[str, Any] | None = None
        self.sent = 0
        self.add_class("ak-chart")

    def show(self, chart: Any) -> None:
        """Show ``chart`` (an ``alliancekit.charts`` chart or a Vega-Lite spec) instead.

        Setting the widget's ``outputs`` sends the new display in one message, as
        ``clear_output(wait=True)`` and ``display(mimebundle(chart), raw=True)`` inside the
        Output would, but from any callback (debounced timers included) and without a kernel.
        """
        from alliancekit.charts import VEGALITE_MIMETYPE, mimebundle

        bundle = mimebundle(chart)
        spec = bundle[VEGALITE_MIMETYPE]
        if spec is self.spec or spec == self.spec:
            return
        self.spec = spec
        data = {**bundle, "image/png": PNG_STAND_IN}  # no PNG copy made and sent back
        self.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
        self.sent += 1

    def clear(self) -> None:
        """Show nothing (e.g. while the settings are infeasible)."""
        if self.spec is None and not self.outputs:
            return
        self.spec = None
        self.outputs = ()
