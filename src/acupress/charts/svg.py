"""A small SVG writer over ElementTree: elements with presentation attributes (no style
sheet, so many charts can share one HTML page), numbers rounded, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence

NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

# One line style for every chart: dark ink on light fills, so it prints in black and white.
INK = "#111111"
BONE_LINE = "#4d4d4d"
GUIDE_LINE = "#1d4f91"
FAINT = "#8c8c8c"
SKIN = "#f2e9df"
BONE = "#ffffff"
BONE_TINT = "#fbf7f2"
TENDON = "#dfd3c4"
POINT = "#b3001b"
PAPER = "#ffffff"

Attr = str | float | int
XY = tuple[float, float]


def num(v: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attrs(attrs: dict[str, Attr]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        out[name] = num(value) if isinstance(value, float) else str(value)
    return out


def el(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: Attr) -> ET.Element:
    e = ET.SubElement(parent, tag, _attrs(attrs))
    if text is not None:
        e.text = text
    return e


def group(parent: ET.Element, label: str | None = None, **attrs: Attr) -> ET.Element:
    g = el(parent, "g", **attrs)
    if label:
        g.set("data-label", label)
    return g


def text(
    parent: ET.Element,
    x: float,
    y: float,
    content: str,
    size: float = 13,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
    italic: bool = False,
) -> ET.Element:
    attrs: dict[str, Attr] = {"x": x, "y": y, "font_size": size, "fill": fill}
    if anchor != "start":
        attrs["text_anchor"] = anchor
    if weight != "normal":
        attrs["font_weight"] = weight
    if italic:
        attrs["font_style"] = "italic"
    return el(parent, "text", content, **attrs)


def score_grid(
    parent: ET.Element, left: float, right: float, y: Callable[[float], float]
) -> ET.Element:
    """The grid of a chart of 0-10 scores: a faint line from ``left`` to ``right`` and its
    number every 2 points, in a group "grid" (returned, for the chart's own labels)."""
    grid = group(parent, "grid")
    for score in range(0, 11, 2):
        el(
            grid,
            "line",
            x1=left,
            y1=y(score),
            x2=right,
            y2=y(score),
            stroke="#d9d9d9",
            stroke_width=1,
        )
        text(grid, left - 8, y(score) + 4, str(score), size=11, anchor="end")
    return grid


def text_width(content: str, size: float) -> float:
    """An estimate of the width of a line of text (DejaVu Sans is about 0.6 em per letter)."""
    return len(content) * size * 0.6


def polyline(points: Iterable[XY]) -> str:
    pts = list(points)
    return "M" + " L".join(f"{num(x)} {num(y)}" for x, y in pts)


def smooth(points: Sequence[XY], closed: bool = False) -> str:
    """A path through the points, smoothed as a Catmull-Rom spline (cubic Béziers)."""
    pts = list(points)
    if len(pts) < 3:
        return polyline(pts) + (" Z" if closed else "")
    d = [f"M{num(pts[0][0])} {num(pts[0][1])}"]
    n = len(pts)
    last = n if closed else n - 1
    for i in range(last):
        p0 = pts[(i - 1) % n] if closed or i > 0 else pts[i]
        p1 = pts[i]
        p2 = pts[(i + 1) % n]
        p3 = pts[(i + 2) % n] if closed or i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{num(c1[0])} {num(c1[1])} {num(c2[0])} {num(c2[1])} {num(p2[0])} {num(p2[1])}")
    return " ".join(d) + (" Z" if closed else "")


def outline(points: Sequence[tuple[float, float, bool]]) -> str:
    """A closed path through (x, y, corner) points: smooth between corners, sharp at them."""
    corners = [i for i, p in enumerate(points) if p[2]] or [0]
    n = len(points)
    parts: list[str] = []
    for k, start in enumerate(corners):
        end = corners[(k + 1) % len(corners)]
        run = [points[(start + j) % n][:2] for j in range(((end - start) % n or n) + 1)]
        piece = smooth(run)
        # Every run but the first starts where the previous one ended: drop its move.
        parts.append(piece if not parts else piece.split(" ", 2)[2])
    return " ".join(parts) + " Z"


def to_string(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode")


def svg_root(width: float, height: float, chart_id: str, title: str, desc: str) -> ET.Element:
    """An accessible SVG: role img, labelled by its title and described in words."""
    root = ET.Element(
        "svg",
        _attrs(
            {
                "xmlns": NS,
                "viewBox": f"0 0 {num(width)} {num(height)}",
                "width": width,
                "height": height,
                "role": "img",
                "aria_labelledby": f"{chart_id}-title {chart_id}-desc",
                "font_family": FONT,
                "id": chart_id,
            }
        ),
    )
    el(root, "title", title, id=f"{chart_id}-title")
    el(root, "desc", desc, id=f"{chart_id}-desc")
    el(root, "rect", x=0, y=0, width=width, height=height, fill=PAPER)
    return root
