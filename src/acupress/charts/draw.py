"""Body charts: one point, or every point of a protocol numbered in session order, drawn on
the anatomy of a view, with labels, a scale in cun (and in cm for the user), a legend, and
a description in words for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acupress.atlas import Atlas, Point, cun_to_cm
from acupress.charts import anatomy, svg
from acupress.charts import geometry as g
from acupress.charts.svg import el

if TYPE_CHECKING:
    from acupress.protocol import Protocol


@dataclass(frozen=True)
class Entry:
    """A point to draw, with the numbers of the steps that press it (none on a point chart)."""

    point: Point
    numbers: tuple[int, ...] = ()

    @property
    def number_text(self) -> str:
        return "/".join(str(n) for n in self.numbers)


@dataclass(frozen=True)
class Placed:
    """A label block: its anchor, which way its text runs from there, and its leader's end."""

    entry: Entry
    mark: g.Mark
    x: float
    y: float  # the middle of the block
    align: str  # "start" (text runs right), "end" (left) or "middle" (centred, below/above)
    lines: tuple[str, ...]
    badge: bool = (
        False  # the step number beside the label (on the whole body, where dots are small)
    )


LINE = 16.0  # height of a label line
POINT_R = 7.0  # a point's dot in a close-up
NUMBER_R = 9.5  # a numbered dot, or a number badge in a label
BODY_DOT_R = 3.6  # a point's dot on the whole body


# --- the public functions -----------------------------------------------------------------


def point_chart(
    point: Point | str,
    atlas: Atlas,
    view: str | None = None,
    thumb_cm: float | None = None,
    *,
    number: int | None = None,
    chart_id: str | None = None,
) -> str:
    """The SVG chart of one point, in the view it belongs to unless another is asked for."""
    p = atlas.get(point) if isinstance(point, str) else point
    v = g.get_view(view or g.default_view(p))
    g.marks(p, v)  # an error now if the view does not show the point
    entry = Entry(point=p, numbers=(number,) if number is not None else ())
    title = f"{p.code} {p.pinyin} ({p.english}): {v.title.lower()}"
    return draw(v, [entry], thumb_cm, title, chart_id or f"chart-{p.code.lower()}-{v.name}")


def protocol_chart(
    protocol: Protocol,
    atlas: Atlas,
    view: str = "body",
    thumb_cm: float | None = None,
    *,
    chart_id: str | None = None,
) -> str:
    """Every point of a protocol the view shows, numbered by the steps that press them,
    in session order; an error if the view shows none of them."""
    from acupress.errors import AcupressError

    v = g.get_view(view)
    entries = [e for e in session_entries(protocol, atlas) if g.shows(v, e.point)]
    if not entries:
        raise AcupressError(f"The {v.name} view shows none of the points of {protocol.name}.")
    title = f"{protocol.title}: the points in session order, {v.title.lower()}"
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", protocol.name)
    return draw(v, entries, thumb_cm, title, chart_id or f"chart-{safe}-{v.name}")


def session_entries(protocol: Protocol, atlas: Atlas) -> list[Entry]:
    """The protocol's points in the order a session presses them, each with its step numbers."""
    from acupress.protocol import order_by_posture, posture_chooser

    steps = order_by_posture(list(protocol.steps), posture_chooser(protocol, partner=False))
    numbers: dict[str, list[int]] = {}
    for s in steps:
        if s.point is not None:
            numbers.setdefault(s.point, []).append(s.number)
    return [Entry(point=atlas.get(code), numbers=tuple(ns)) for code, ns in numbers.items()]


# --- drawing ------------------------------------------------------------------------------


def draw(
    view: g.View, entries: list[Entry], thumb_cm: float | None, title: str, chart_id: str
) -> str:
    root = svg.svg_root(view.width, view.height, chart_id, title, describe(view, entries, thumb_cm))
    svg.text(root, 12, 22, view.title, size=15, weight="bold")
    anatomy.DRAW[view.name](root, view, chart_id)
    header(root, view, thumb_cm)
    placed = place_labels(view, entries)
    points = svg.group(root, "points")
    for p in placed:
        leader(points, view, p)
    for e in entries:
        for m in g.marks(e.point, view):
            dot(points, view, m, e)
    for p in placed:
        label(points, p)
    footer(root, view, entries, thumb_cm)
    return svg.to_string(root)


def header(root: ET.Element, view: g.View, thumb_cm: float | None) -> None:
    """Which side is which (the back views), and the 1.5-cun distance on the lower back."""
    y = view.top - 10
    if view.name in ("back", "knee", "body"):
        svg.text(root, view.chart_x(view.x_min), y, "◂ LEFT", size=12, weight="bold")
        svg.text(root, view.chart_x(view.x_max), y, "RIGHT ▸", size=12, weight="bold", anchor="end")
    if view.name == "back":
        x0, x1 = view.chart_x(0), view.chart_x(1.5)
        yy = view.top - 6
        el(
            root,
            "path",
            d=f"M{x0} {yy - 4} V{yy + 4} M{x0} {yy} H{x1} M{x1} {yy - 4} V{yy + 4}",
            stroke=svg.GUIDE_LINE,
            stroke_width=1.5,
            fill="none",
        )
        text = "1.5 cun" + (f" ≈ {cun_to_cm(1.5, thumb_cm):.1f} cm" if thumb_cm else "")
        svg.text(root, x1 + 4, yy + 4, text, size=12, fill=svg.GUIDE_LINE, weight="bold")


def dot(parent: ET.Element, view: g.View, m: g.Mark, e: Entry) -> None:
    if view.name == "body":
        el(
            parent,
            "circle",
            cx=m.x,
            cy=m.y,
            r=BODY_DOT_R,
            fill=svg.POINT,
            stroke=svg.INK,
            stroke_width=1,
        )
        return
    small = view.name == "ankle"  # the hollow behind the ankle bone is narrow
    if e.numbers:
        r = NUMBER_R - (1.5 if small else 0)
        el(parent, "circle", cx=m.x, cy=m.y, r=r, fill=svg.POINT, stroke=svg.INK, stroke_width=1.3)
        svg.text(
            parent,
            m.x,
            m.y + 4,
            e.number_text,
            size=11.5,
            anchor="middle",
            weight="bold",
            fill="#ffffff",
        )
        return
    r = POINT_R - (1.5 if small else 0)
    el(parent, "circle", cx=m.x, cy=m.y, r=r, fill=svg.POINT, stroke=svg.INK, stroke_width=1.3)
    el(parent, "circle", cx=m.x, cy=m.y, r=1.8, fill="#ffffff")


# --- labels -------------------------------------------------------------------------------


def place_labels(view: g.View, entries: list[Entry]) -> list[Placed]:
    """Where each dot's label goes: in the side margins, spread so none overlap (the back and
    the whole body), or below the knees, or beside the feet."""
    out: list[Placed] = []
    if view.name in ("knee", "ankle"):
        for e in entries:
            for m in g.marks(e.point, view):
                lines = (e.point.code, e.point.pinyin)
                if isinstance(view, g.AnkleView):
                    x, y = view.foot(m.side, 4.6, -2.6)
                else:
                    x, y = m.x, view.chart_y(view.y_max) + 22
                out.append(Placed(e, m, x, y, "middle", lines))
        return out
    sides: dict[str, list[tuple[Entry, g.Mark]]] = {"left": [], "right": []}
    for e in entries:
        for m in g.marks(e.point, view):
            sides["left" if m.side == "left" else "right"].append((e, m))
    top, bottom = view.chart_y(view.y_min) + 8, view.chart_y(view.y_max) - 8
    for side, items in sides.items():
        items.sort(key=lambda em: em[1].y)
        blocks = [label_lines(e, view, side) for e, _ in items]
        ys = spread([m.y for _, m in items], [len(b) * LINE + 6 for b in blocks], top, bottom)
        if side == "left":
            x, align = view.chart_x(view.x_min) - 4, "end"
        else:
            x, align = view.chart_x(view.x_max) + 4, "start"
        badge = view.name == "body"
        out += [
            Placed(e, m, x, y, align, b, badge and bool(e.numbers))
            for (e, m), y, b in zip(items, ys, blocks, strict=True)
        ]
    return out


def label_lines(e: Entry, view: g.View, side: str) -> tuple[str, ...]:
    """Code and name on the right; the code alone on the left, where the margin is narrow."""
    return (e.point.code,) if side == "left" else (e.point.code, e.point.pinyin)


def spread(targets: list[float], heights: list[float], top: float, bottom: float) -> list[float]:
    """Centres as near their targets as possible without overlapping, within [top, bottom]."""
    ys: list[float] = []
    for i, (t, h) in enumerate(zip(targets, heights, strict=True)):
        lowest = ys[-1] + (heights[i - 1] + h) / 2 if ys else top + h / 2
        ys.append(max(t, lowest))
    for i in range(len(ys) - 1, -1, -1):
        if i == len(ys) - 1:
            ys[i] = min(ys[i], bottom - heights[i] / 2)
        else:
            ys[i] = min(ys[i], ys[i + 1] - (heights[i] + heights[i + 1]) / 2)
    return ys


def badge_offset(p: Placed) -> float:
    return 2 * NUMBER_R + 4 if p.badge else 0.0


def leader(parent: ET.Element, view: g.View, p: Placed) -> None:
    if p.align == "middle":
        below = p.y > p.mark.y
        end_y = p.y - LINE * len(p.lines) / 2 - 2 if below else p.y + LINE * len(p.lines) / 2
        end = (p.x, end_y)
    else:
        end = (p.x + (-2 if p.align == "start" else 2), p.y)
    el(
        parent,
        "line",
        x1=p.mark.x,
        y1=p.mark.y,
        x2=end[0],
        y2=end[1],
        stroke=svg.INK,
        stroke_width=1.1,
    )


def label(parent: ET.Element, p: Placed) -> None:
    x = p.x
    if p.badge:
        bx = x + NUMBER_R + 1 if p.align == "start" else x - NUMBER_R - 1
        el(
            parent,
            "circle",
            cx=bx,
            cy=p.y - (len(p.lines) - 1) * LINE / 2,
            r=NUMBER_R,
            fill=svg.POINT,
            stroke=svg.INK,
            stroke_width=1.2,
        )
        svg.text(
            parent,
            bx,
            p.y - (len(p.lines) - 1) * LINE / 2 + 4,
            p.entry.number_text,
            size=11.5,
            anchor="middle",
            weight="bold",
            fill="#ffffff",
        )
        x += badge_offset(p) if p.align == "start" else -badge_offset(p)
    first = p.y - (len(p.lines) - 1) * LINE / 2 + 5
    for i, line_text in enumerate(p.lines):
        svg.text(
            parent,
            x,
            first + i * LINE,
            line_text,
            size=15 if i == 0 else 13.5,
            anchor=p.align,
            weight="bold" if i == 0 else "normal",
        )


# --- the scale bar and the legend ---------------------------------------------------------


SCALE_CUN = {"back": 3, "knee": 3, "ankle": 3, "body": 6}
FINGERS = {1: "thumb", 3: "four fingers"}


def footer(root: ET.Element, view: g.View, entries: list[Entry], thumb_cm: float | None) -> None:
    base = view.height - view.bottom + (48 if view.name == "knee" else 24)
    if view.name == "ankle":
        base += 14
    n = SCALE_CUN[view.name]
    x0, s = 14.0, view.scale
    bar = svg.group(root, "scale")
    for i in range(n):
        el(
            bar,
            "rect",
            x=x0 + i * s,
            y=base + 16,
            width=s,
            height=6,
            fill=svg.INK if i % 2 == 0 else "#ffffff",
            stroke=svg.INK,
            stroke_width=1,
        )
    svg.text(bar, x0, base + 11, f"{n} cun", size=12.5, weight="bold")
    below = [f"= {FINGERS[n]}"] if n in FINGERS else []
    if thumb_cm:
        below.append(f"≈ {cun_to_cm(n, thumb_cm):.1f} cm for you")
    for i, words in enumerate(below):
        svg.text(bar, x0, base + 36 + 16 * i, words, size=12.5)
    legend(root, view, entries, x=max(x0 + n * s, 104) + 24, y=base + 2)


def legend(root: ET.Element, view: g.View, entries: list[Entry], x: float, y: float) -> None:
    """What each mark means, in shapes and words (colour is never the only sign)."""
    items: list[tuple[str, str]] = [("point", "acupressure point")]
    if any(e.numbers for e in entries):
        items[0] = ("number", "point, numbered by step")
    if view.name == "back":
        items += [
            ("dashdot", "posterior midline"),
            ("dash", "1.5 cun from the midline"),
            ("dots", "line across the iliac crests ≈ L4"),
        ]
    elif view.name == "body":
        items += [("dashdot", "spine (midline)"), ("dots", "iliac crest line ≈ L4")]
    elif view.name == "knee":
        items += [("tendon", "hamstring tendon")]
    elif view.name == "ankle":
        items += [("tendon", "Achilles (calcaneal) tendon")]
    g_ = svg.group(root, "legend")
    for i, (kind, words) in enumerate(items):
        yy = y + i * 17
        sym = x + 10
        if kind == "point":
            el(g_, "circle", cx=sym, cy=yy, r=5, fill=svg.POINT, stroke=svg.INK, stroke_width=1.2)
        elif kind == "number":
            el(g_, "circle", cx=sym, cy=yy, r=7, fill=svg.POINT, stroke=svg.INK, stroke_width=1.2)
            example = next(e.number_text for e in entries if e.numbers)
            svg.text(
                g_, sym, yy + 3.5, example, size=9.5, anchor="middle", weight="bold", fill="#ffffff"
            )
        elif kind == "tendon":  # drawn like the tendons themselves: an outline, then the band
            for colour, width in ((svg.BONE_LINE, 7), (svg.TENDON, 4.5)):
                el(
                    g_,
                    "line",
                    x1=sym - 9,
                    y1=yy,
                    x2=sym + 9,
                    y2=yy,
                    stroke=colour,
                    stroke_width=width,
                    stroke_linecap="round",
                )
        else:
            dash = {"dash": "6 4", "dashdot": "9 3 2 3", "dots": "1 4"}[kind]
            colour = svg.INK if kind == "dots" else svg.GUIDE_LINE
            el(
                g_,
                "line",
                x1=sym - 10,
                y1=yy,
                x2=sym + 12,
                y2=yy,
                stroke=colour,
                stroke_width=1.8,
                stroke_dasharray=dash,
                stroke_linecap="round" if kind == "dots" else "butt",
            )
        svg.text(g_, x + 28, yy + 4.5, words, size=12.5)


# --- the description in words -------------------------------------------------------------


def where(point: Point, thumb_cm: float | None) -> str:
    """Where a point lies, in words a person can follow without the picture."""
    a = point.anchor
    if a.kind == "vertebral":
        if a.lateral_cun == 0:
            return f"on the midline of the back, in the hollow just below the {a.vertebra} bump"
        cm = f" (about {cun_to_cm(a.lateral_cun, thumb_cm):.1f} cm for you)" if thumb_cm else ""
        return (
            f"{a.lateral_cun:g} cun{cm} to each side of the spine, level with the lower edge "
            f"of the {a.vertebra} bump (spinous process)"
        )
    if a.kind == "popliteal":
        return (
            "behind each knee, at the middle of the knee crease, halfway between the two "
            "hamstring tendons"
        )
    return (
        "on the inner side of each ankle, in the hollow halfway between the inner ankle bone "
        "(medial malleolus) and the Achilles tendon"
    )


LANDMARKS = {
    "back": (
        "The chart shows the lower back from behind, from below the shoulder blades to the "
        "sacrum, with the bumps of the spine from T12 to L5. The line across the highest "
        "points of the hip bones (iliac crests) crosses the spine at about L4; the dimples "
        "above the buttocks are lower, at about S2. Dashed lines run 1.5 cun either side of "
        "the midline."
    ),
    "knee": (
        "The chart shows the back of both knees: the knee crease (popliteal crease) between "
        "the outer hamstring tendon (biceps femoris) and the inner one (semitendinosus)."
    ),
    "ankle": (
        "The chart shows the inner side of both ankles: the inner ankle bone (medial "
        "malleolus), the Achilles (calcaneal) tendon behind it, and the heel."
    ),
    "body": "The chart shows the whole body from behind.",
}


def describe(view: g.View, entries: list[Entry], thumb_cm: float | None) -> str:
    parts = [LANDMARKS[view.name]]
    if view.name != "ankle":
        parts.append("Seen from behind, the person's left is on the left.")
    for e in entries:
        step = f"Step {e.number_text}: " if e.numbers else ""
        parts.append(f"{step}{e.point.code} {e.point.pinyin}, {where(e.point, thumb_cm)}.")
    n = SCALE_CUN[view.name]
    cm = f", about {cun_to_cm(n, thumb_cm):.1f} cm for you" if thumb_cm else ""
    parts.append(f"The scale bar is {n} cun{cm}.")
    return " ".join(parts)
