"""Write ``alliancekit/data/fonts/alliancekit-sans*.ttf``: DejaVu Sans cut down for drawing charts.

The static charts of reports are drawn by vl-convert, which measures every label with the font
the chart names. Measuring with a system font file costs it about 0.2 ms per character (it opens
the file again for each measurement); a small file of the same glyphs halves a chart's drawing
time. The cut keeps DejaVu Sans's outlines, advance widths and kerning for the scripts a partner
name is likely to use (Latin with its extensions, Greek, punctuation, currency, arrows, maths
operators, shapes), so the picture is laid out exactly as DejaVu Sans draws it; the family is
renamed "alliancekit Sans", as the Bitstream Vera licence asks of modified fonts.

Run: ``python tools/make_chart_font.py [folder of DejaVuSans.ttf and DejaVuSans-Bold.ttf]``
(needs fontTools, in the dev extra). The output is committed; rerun only to change the cut.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "alliancekit" / "data" / "fonts"
SOURCE = Path("/usr/share/fonts/truetype/dejavu")
#: source file -> file written (regular and bold: chart titles are bold)
FACES = {
    "DejaVuSans.ttf": "alliancekit-sans.ttf",
    "DejaVuSans-Bold.ttf": "alliancekit-sans-bold.ttf",
}
FAMILY = "alliancekit Sans"
UNICODES = (
    "U+0020-007E,U+00A0-024F,"  # Latin, Latin-1, Latin Extended-A and -B
    "U+0370-03FF,"  # Greek
    "U+2000-206F,U+20A0-20CF,U+2100-214F,"  # punctuation, currency, letter-like symbols
    "U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2713-2717"  # arrows, maths, shapes, ticks
)


def cut(source: Path, out: Path) -> None:
    """Cut ``source`` to the ranges above and rename its family; write ``out`` atomically."""
    options = subset.Options()
    options.layout_features = ["kern"]
    options.hinting = False
    options.drop_tables += ["FFTM", "MATH"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + ("-Bold" if "Bold" in source.name else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    font.save(tmp)
    tmp.replace(out)
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size:,} bytes")


def main(folder: Path = SOURCE) -> None:
    """Write the regular and the bold face from DejaVu Sans in ``folder``."""
    for source, out in FACES.items():
        cut(folder / source, OUT / out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
