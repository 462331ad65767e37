"""Rebuild the web font for the Chinese point names: a subset of Noto Sans CJK SC holding
only the hanzi of src/acupress/content/points.toml, as WOFF2 (a few KB), so the names
show on devices without a CJK font.

The font: Noto Sans CJK SC Regular (Google and Adobe), under the SIL Open Font License
1.1; the licence travels with the subset as src/acupress/web/static/fonts/OFL.txt, and
the subset keeps the font's copyright and licence names. On Debian it comes with
`apt-get install fonts-noto-cjk` (or unpack the package: `apt-get download
fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb DIR`, then give --font).

    python scripts/build_hanzi_font.py [--font PATH/NotoSansCJK-Regular.ttc]

Run it again whenever a point's hanzi change: the output is the same for the same input.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
POINTS = ROOT / "src" / "acupress" / "content" / "points.toml"
OUT = ROOT / "src" / "acupress" / "web" / "static" / "fonts" / "noto-sans-sc-points.woff2"
DEBIAN_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"  # the simplified-Chinese face of the collection


def hanzi(points: Path = POINTS) -> str:
    """Every character of the points' Chinese names, once each, in code-point order."""
    with points.open("rb") as f:
        names = [p["hanzi"] for p in tomllib.load(f)["point"]]
    return "".join(sorted(set("".join(names))))


def face_number(collection: Path) -> int:
    """The index of the simplified-Chinese face in the font collection."""
    fonts = TTCollection(str(collection), lazy=True).fonts
    for number, font in enumerate(fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return number
    raise SystemExit(f"{collection} has no {FAMILY} face.")


def build(collection: Path, out: Path = OUT, text: str | None = None) -> Path:
    text = hanzi() if text is None else text
    options = subset.Options()
    options.flavor = "woff2"
    options.font_number = face_number(collection)
    options.layout_features = []  # the names are single characters: no shaping needed
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # copyright and licence kept
    options.hinting = False
    options.desubroutinize = True
    font = subset.load_font(str(collection), options)
    font.recalcTimestamp = False  # the same input gives the same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--font", type=Path, default=DEBIAN_FONT, help="NotoSansCJK-Regular.ttc")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.font.exists():
        print(f"{args.font} is missing: apt-get install fonts-noto-cjk, or give --font.")
        return 2
    text = hanzi()
    out = build(args.font, args.out, text)
    print(f"Wrote {out} ({out.stat().st_size} bytes): {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
