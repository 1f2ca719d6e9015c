"""A drawing process: Vega-Lite specs in on standard input, static SVG out on standard output.

Run by path (``python -P drawing_process.py VL_VERSION``), not as a module, so that it
imports vl-convert only — not pandas, not alliancekit — and is drawing within ≈ 0.5 s. Used by
``alliancekit.reporting.deferred``; it imports nothing of the package, on purpose (and
``charts.render`` uses its :func:`draw`, so both draw alike).

Protocol, one request at a time, answered in order: the request is an 8-byte big-endian length
and that many bytes of UTF-8 JSON (a Vega-Lite spec); the answer is one status byte (0 drawn,
1 failed), an 8-byte big-endian length and that many bytes of UTF-8 (the SVG document, or the
engine's error message). End of input ends the process.
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


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(vl_version: str, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Answer drawing requests from ``stdin`` on ``stdout`` until ``stdin`` ends."""
    draw({"mark": "point", "data": {"values": [{}]}}, vl_version)
    while (head := _read(stdin, _LENGTH.size)) is not None:
        body = _read(stdin, _LENGTH.unpack(head)[0])
        if body is None:
            break
        try:
            status, out = 0, draw(json.loads(body), vl_version)
        except Exception as exc:  # the message goes back to the report that asked
            status, out = 1, str(exc) or type(exc).__name__
        payload = out.encode("utf-8")
        stdout.write(bytes([status]) + _LENGTH.pack(len(payload)) + payload)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)
