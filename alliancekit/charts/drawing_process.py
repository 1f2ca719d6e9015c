"""A drawing process: Vega-Lite specs or chart calls in on standard input, static SVG out.

Run by path (``python -P drawing_process.py VL_VERSION [--build]``), not as a module, so that
it starts by importing vl-convert alone and warms its engine at once (≈ 0.5 s). Used by
``alliancekit.reporting.deferred`` (and ``charts.render`` uses its :func:`draw`, so both draw
alike). With ``--build`` it then imports the chart layer, to build the charts of report
kernels' chart calls (``ChartCall``): the same ``*_view`` function on the same inputs the
kernel would have called, with Altair's validation of each object as it is built off in this
process (the tests validate every chart's spec).

Protocol, one request at a time, answered in order: the request is an 8-byte big-endian length
and that many bytes, either UTF-8 JSON (a Vega-Lite spec, starting with ``{``) or the pickle of
a chart call ``(ChartCall, title or None)`` whose signature the process that started this one
has checked. The answer is one status byte (0 done, 1 failed), an 8-byte big-endian length and
that many bytes of UTF-8: the SVG document for a spec, JSON ``{"svg": …, "title": …}`` for a
call, or the error message. End of input ends the process.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from typing import BinaryIO

_LENGTH = struct.Struct(">Q")


_IDS = re.compile(r"\b(gradient_|clip)(\d+)\b")


def stable_ids(svg: str) -> str:
    """The SVG with its gradient and clip ids numbered from 0 in order of appearance.

    Vega numbers them with a counter that runs for the whole drawing process, so the same chart
    would otherwise come out differently after other charts; each SVG is a standalone image.
    """
    seen: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        kind = match.group(1)
        key = match.group(0)
        if key not in seen:
            seen[key] = f"{kind}{sum(k.startswith(kind) for k in seen)}"
        return seen[key]

    return _IDS.sub(renumber, svg)


def draw(spec: dict, vl_version: str) -> str:
    """The spec as an SVG document; inline data only (no URL is fetched)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version, allowed_base_urls=[])
    return stable_ids(svg)


def prepare_building() -> None:
    """Import the chart layer, jsonschema's IRI grammar deferred (``alliancekit.startup``);
    Altair's validation of each object as it is built is off in this process (the tests
    validate every chart's spec)."""
    from alliancekit.startup import defer_costly_imports

    defer_costly_imports()
    from alliancekit.charts import render

    render.skip_eager_validation()


def build(call_pickle: bytes) -> tuple[dict, str]:
    """A signed chart call (checked by the process that started this one) as its static spec
    and the image's title: the one the kernel gave, else the chart's own, else "figure"."""
    import pickle

    from alliancekit.charts import render

    call, title = pickle.loads(call_pickle)  # signed by the run's own kernel
    spec = render.chart_spec(call())
    return render.static_spec(spec), (render.chart_title(spec) if title is None else title) or (
        "figure"
    )


def answer(request: bytes, vl_version: str) -> str:
    """A spec's SVG document, or a chart call's JSON ``{"svg": …, "title": …}``."""
    if request[:1] == b"{":
        return draw(json.loads(request), vl_version)
    spec, title = build(request)
    return json.dumps({"svg": draw(spec, vl_version), "title": title})


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(vl_version: str, stdin: BinaryIO, stdout: BinaryIO, *, calls: bool = False) -> None:
    """Answer drawing requests from ``stdin`` on ``stdout`` until ``stdin`` ends (``calls``:
    chart calls too, the chart layer imported first)."""
    draw({"mark": "point", "data": {"values": [{}]}}, vl_version)
    if calls:
        prepare_building()
    while (head := _read(stdin, _LENGTH.size)) is not None:
        body = _read(stdin, _LENGTH.unpack(head)[0])
        if body is None:
            break
        try:
            if not calls and body[:1] != b"{":
                raise ValueError("a chart call, but this drawing process builds none")
            status, out = 0, answer(body, vl_version)
        except Exception as exc:  # the message goes back to the report that asked
            status, out = 1, str(exc) or type(exc).__name__
        payload = out.encode("utf-8")
        stdout.write(bytes([status]) + _LENGTH.pack(len(payload)) + payload)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer, calls="--build" in sys.argv[2:])
