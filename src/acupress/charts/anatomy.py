"""The anatomy under the points: one drawing per view, from the body model in
``geometry`` (the same outline, spine and landmarks at every scale)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from acupress.charts import geometry as g
from acupress.charts import svg
from acupress.charts.svg import el

Corner = tuple[float, float, bool]


def mirror(points: list[Corner]) -> list[Corner]:
    return [(-x, y, c) for x, y, c in points]


def body_outline() -> list[Corner]:
    """The whole outline seen from behind: the right half down, the left half back up."""
    right = list(g.SILHOUETTE)
    left = mirror(right[:-1])[::-1]  # the crotch is shared
    return right + left


def clip(root: ET.Element, view: g.View, clip_id: str) -> ET.Element:
    """A group clipped to the view's window, so a close-up shows only its part of the body."""
    defs = el(root, "defs")
    cp = el(defs, "clipPath", id=clip_id)
    x0, y0 = view.chart(view.x_min, view.y_min)
    x1, y1 = view.chart(view.x_max, view.y_max)
    el(cp, "rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0)
    return el(root, "g", clip_path=f"url(#{clip_id})")


def mapped(view: g.View, points: list[Corner]) -> list[Corner]:
    return [(*view.chart(x, y), c) for x, y, c in points]


def line(parent: ET.Element, view: g.View, a: g.XY, b: g.XY, **attrs: svg.Attr) -> None:
    (x1, y1), (x2, y2) = view.chart(*a), view.chart(*b)
    el(parent, "line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)


def curve(parent: ET.Element, view: g.View, points: list[g.XY], **attrs: svg.Attr) -> None:
    attrs = {"fill": "none", **attrs}
    el(parent, "path", d=svg.smooth([view.chart(x, y) for x, y in points]), **attrs)


# --- the lower back -----------------------------------------------------------------------


BONE: dict[str, svg.Attr] = {"fill": svg.BONE, "stroke": svg.BONE_LINE, "stroke_width": 1.5}
SKIN: dict[str, svg.Attr] = {
    "fill": svg.SKIN,
    "stroke": svg.INK,
    "stroke_width": 2.2,
    "stroke_linejoin": "round",
}
GUIDE: dict[str, svg.Attr] = {"stroke": svg.GUIDE_LINE, "stroke_width": 1.3}


def back(root: ET.Element, view: g.View, chart_id: str) -> None:
    """Torso, lower shoulder blades, T8-L5 spinous processes, sacrum, iliac crests and the
    dimples, with the midline, the 1.5-cun lines and the line across the crests."""
    s = view.scale
    area = clip(root, view, f"{chart_id}-clip")
    torso = list(g.SILHOUETTE[g.TORSO])
    shape = [(x, y, i in (0, len(torso) - 1)) for i, (x, y, _) in enumerate(torso)]
    el(area, "path", d=svg.outline(mapped(view, shape + mirror(shape)[::-1])), **SKIN)
    for sign in (-1, 1):
        ax, ay = g.SCAPULA_ANGLE
        blade = [(2.9, 13.5, True), (3.0, 17.0, False), (ax, ay, True), (5.0, 17.6, False)]
        blade += [(6.3, 14.6, True)]
        el(
            area,
            "path",
            d=svg.outline(mapped(view, [(sign * x, y, c) for x, y, c in blade])),
            fill="none",
            stroke=svg.BONE_LINE,
            stroke_width=1.3,
            stroke_linejoin="round",
        )
        rib = [(sign * 0.5, g.level_y("T12") + 0.2), (sign * 2.6, 24.9), (sign * 4.6, 26.1)]
        curve(area, view, rib, stroke=svg.FAINT, stroke_width=1.2)
        wing = svg.outline(mapped(view, ilium(sign)))
        el(area, "path", d=wing, fill=svg.BONE_TINT, stroke=svg.FAINT, stroke_width=1.2)
        crest = [(sign * (g.PSIS[0] - 0.05), g.PSIS[1] - 0.3), (sign * 3.6, g.CREST_LINE_Y + 0.7)]
        crest += [(sign * g.CREST_TOP_X, g.CREST_LINE_Y), (sign * 6.1, g.CREST_LINE_Y + 0.65)]
        crest += [(sign * 6.75, g.CREST_LINE_Y + 2.0)]
        curve(area, view, crest, stroke=svg.BONE_LINE, stroke_width=2.8, stroke_linecap="round")
    # Reference lines under the spine: the midline shows between the spinous processes.
    top, bottom = view.chart_y(view.y_min), view.chart_y(view.y_max)
    x0 = view.chart_x(0)
    el(area, "line", x1=x0, y1=top, x2=x0, y2=bottom, stroke_dasharray="9 3 2 3", **GUIDE)
    for sign in (-1, 1):
        x = view.chart_x(sign * 1.5)
        el(area, "line", x1=x, y1=top, x2=x, y2=bottom, stroke_dasharray="6 4", **GUIDE)
    sacrum(area, view)
    for v in ("T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"):
        half = 0.28 if v.startswith("T") else 0.4
        y0, y1 = view.chart_y(g.spinous_top(v)), view.chart_y(g.level_y(v))
        el(
            area,
            "rect",
            x=x0 - half * s,
            y=y0,
            width=2 * half * s,
            height=y1 - y0,
            rx=0.16 * s,
            **BONE,
        )
    for sign in (-1, 1):
        cx, cy = view.chart(sign * g.PSIS[0], g.PSIS[1])
        el(area, "circle", cx=cx, cy=cy, r=0.22 * s, **BONE)
    # The line across the highest points of the iliac crests: at about L4.
    reach = g.CREST_TOP_X + 1.2
    line(
        area,
        view,
        (-reach, g.CREST_LINE_Y),
        (reach, g.CREST_LINE_Y),
        stroke=svg.INK,
        stroke_width=1.8,
        stroke_dasharray="1 4",
        stroke_linecap="round",
    )
    line(
        area, view, (0, g.SACRUM_TIP_Y - 0.2), (0, view.y_max + 1), stroke=svg.INK, stroke_width=1.6
    )
    # Names of the levels, left of the left 1.5-cun line, on a ground hiding the lines.
    for v in ("T12", "L1", "L2", "L3", "L4", "L5"):
        x, y = view.chart(-2.1, g.spinous_middle(v))
        el(root, "rect", x=x - 22, y=y - 7.5, width=23, height=14, rx=3, fill=svg.SKIN)
        svg.text(root, x - 1, y + 4.5, v, size=12, anchor="end", weight="bold", fill=svg.BONE_LINE)
    note: dict[str, Any] = {"size": 11.5, "fill": svg.BONE_LINE}
    svg.text(root, *view.chart(g.PSIS[0] + 0.45, g.PSIS[1] - 0.1), "dimple (PSIS)", **note)
    svg.text(root, *view.chart(g.PSIS[0] + 0.45, g.PSIS[1] + 0.65), "≈ S2", **note)
    svg.text(root, *view.chart(0, g.spinous_middle("S3") + 0.3), "sacrum", anchor="middle", **note)
    svg.text(
        root, *view.chart(4.7, g.SCAPULA_ANGLE[1] + 0.1), "shoulder blade", anchor="middle", **note
    )
    svg.text(root, *view.chart(-4.6, g.CREST_LINE_Y + 2.1), "iliac crest", anchor="middle", **note)


def ilium(sign: int) -> list[Corner]:
    """The wing of the hip bone on one side, seen from behind, up to its crest."""
    px, py = g.PSIS
    right = [
        (px, py - 0.1, True),
        (3.6, g.CREST_LINE_Y + 0.7, False),
        (g.CREST_TOP_X, g.CREST_LINE_Y, False),
        (6.1, g.CREST_LINE_Y + 0.65, False),
        (6.75, g.CREST_LINE_Y + 2.0, False),
        (6.6, 33.8, False),
        (5.6, 35.6, False),
        (3.6, 35.3, False),
        (1.6, g.level_y("S3"), True),
    ]
    return [(sign * x, y, c) for x, y, c in right]


def sacrum(parent: ET.Element, view: g.View) -> None:
    top = g.spinous_top("S1") - 0.25
    right = [
        (2.2, top, True),
        (2.0, g.PSIS[1], False),
        (1.2, g.level_y("S4"), False),
        (0.35, g.SACRUM_TIP_Y - 0.15, False),
    ]
    shape = [*right, (0.0, g.SACRUM_TIP_Y, True), *mirror(right)[::-1]]
    el(
        parent,
        "path",
        d=svg.outline(mapped(view, shape)),
        fill=svg.BONE,
        stroke=svg.BONE_LINE,
        stroke_width=1.6,
        stroke_linejoin="round",
    )
    s = view.scale
    for v in ("S1", "S2"):
        x, y = view.chart(0, g.spinous_middle(v))
        el(
            parent,
            "ellipse",
            cx=x,
            cy=y,
            rx=0.22 * s,
            ry=0.26 * s,
            fill="none",
            stroke=svg.BONE_LINE,
            stroke_width=1.2,
        )


# --- the back of the knees ----------------------------------------------------------------


def leg(sign: int) -> list[Corner]:
    """The outline of one leg from mid-thigh to mid-calf, from the body outline."""
    outer = [(x, y) for x, y, _ in g.SILHOUETTE if 40 <= y <= 66 and g.KNEE_X < x < 8]
    inner = [(x, y) for x, y, _ in g.SILHOUETTE if 40 <= y <= 66 and x < g.KNEE_X]
    pts = outer + inner
    return [
        (sign * x, y, i in (0, len(outer) - 1, len(outer), len(pts) - 1))
        for i, (x, y) in enumerate(pts)
    ]


def knee(root: ET.Element, view: g.View, chart_id: str) -> None:
    """Both knees from behind: the popliteal crease between the hamstring tendons, biceps
    femoris on the outer side and semitendinosus on the inner side, which part above the
    crease as the calf's two heads part below it."""
    s = view.scale
    area = clip(root, view, f"{chart_id}-clip")
    for sign in (-1, 1):
        kx = sign * g.KNEE_X
        el(area, "path", d=svg.outline(mapped(view, leg(sign))), **SKIN)
        for dx in (-1, 1):
            heads = [(kx + dx * 1.3, g.CREASE_Y + 0.6), (kx + dx * 0.9, 58.5), (kx + dx * 0.15, 61)]
            curve(area, view, heads, stroke=svg.FAINT, stroke_width=1.2)
        for dx, high, low in ((sign, 0.95, 1.85), (-sign, 0.45, 1.75)):
            tendon = [(kx + dx * high, view.y_min - 0.5), (kx + dx * (high + 0.55), 52.0)]
            tendon += [(kx + dx * g.HAMSTRING_X, g.CREASE_Y), (kx + dx * low, 57.2)]
            for colour, width in ((svg.BONE_LINE, 0.42), (svg.TENDON, 0.3)):
                curve(
                    area,
                    view,
                    tendon,
                    stroke=colour,
                    stroke_width=width * s,
                    stroke_linecap="round",
                )
        crease = [(kx - g.CREASE_HALF, g.CREASE_Y - 0.12), (kx, g.CREASE_Y)]
        crease.append((kx + g.CREASE_HALF, g.CREASE_Y - 0.12))
        curve(area, view, crease, stroke=svg.INK, stroke_width=2.4, stroke_linecap="round")
    # The landmarks named once, across the top: they are the same on both knees.
    left, right = -g.KNEE_X, g.KNEE_X
    y = view.chart_y(view.y_min) - 40
    callout(
        root,
        view.chart(left - 1.55, 51.0),
        (view.width * 0.17, y),
        ["outer tendon", "(biceps femoris)"],
        "middle",
    )
    callout(
        root,
        view.chart(left + 1.05, 51.5),
        (view.width * 0.5, y),
        ["inner tendon", "(semitendinosus)"],
        "middle",
    )
    callout(
        root,
        view.chart(right + 1.2, g.CREASE_Y - 0.05),
        (view.width * 0.84, y),
        ["knee crease", "(popliteal)"],
        "middle",
    )


def callout(parent: ET.Element, at: g.XY, label: g.XY, lines: list[str], anchor: str) -> None:
    """A landmark's name, with a thin leader line to it."""
    lx, ly = label
    el(
        parent,
        "line",
        x1=at[0],
        y1=at[1],
        x2=lx,
        y2=ly + 6 + 14 * (len(lines) - 1),
        stroke=svg.BONE_LINE,
        stroke_width=1,
    )
    el(parent, "circle", cx=at[0], cy=at[1], r=1.8, fill=svg.BONE_LINE)
    for i, t in enumerate(lines):
        svg.text(parent, lx, ly - 4 + 14 * i, t, size=12, anchor=anchor, fill=svg.INK)


# --- the inner ankle ----------------------------------------------------------------------


def ankle(root: ET.Element, view: g.AnkleView, chart_id: str) -> None:
    """Both ankles from the inner side: the medial malleolus, the calcaneal tendon behind it,
    and the heel."""
    s = view.scale
    # The legs run on above the window: clip them there, so no cut edge is drawn.
    defs = el(root, "defs")
    cp = el(defs, "clipPath", id=f"{chart_id}-clip")
    y0 = view.chart_y(view.y_min)
    el(cp, "rect", x=0, y=y0, width=view.width, height=view.chart_y(view.y_max) - y0 + 10)
    area = el(root, "g", clip_path=f"url(#{chart_id}-clip)")
    for side in ("left", "right"):

        def at(u: float, v: float, side: g.Side = side) -> g.XY:
            return view.foot(side, u, v)

        foot = [(*at(u, v), c) for u, v, c in g.FOOT]
        el(
            area,
            "path",
            d=svg.outline(foot),
            fill=svg.SKIN,
            stroke=svg.INK,
            stroke_width=2.2,
            stroke_linejoin="round",
        )
        back_line = [(u, v) for u, v, _ in g.FOOT[:4]]
        band = [at(u, v) for u, v in back_line] + [at(u, v) for u, v in g.TENDON_BORDER[::-1]]
        el(area, "path", d=svg.polyline(band) + " Z", fill=svg.TENDON, stroke="none")
        el(
            area,
            "path",
            d=svg.smooth([at(u, v) for u, v in g.TENDON_BORDER]),
            fill="none",
            stroke=svg.BONE_LINE,
            stroke_width=1.6,
        )
        # Redraw the back of the leg over the band's edge.
        el(
            area,
            "path",
            d=svg.smooth([at(u, v) for u, v in back_line]),
            fill="none",
            stroke=svg.INK,
            stroke_width=2.2,
        )
        mx, my = at(*g.MALLEOLUS_UV)
        el(
            area,
            "ellipse",
            cx=mx,
            cy=my,
            rx=0.55 * s,
            ry=0.62 * s,
            fill=svg.BONE,
            stroke=svg.BONE_LINE,
            stroke_width=1.6,
        )
        el(area, "circle", cx=mx, cy=my, r=1.6, fill=svg.BONE_LINE)
        shin = [at(0.45, -0.45), at(0.7, -3.0), at(0.75, -6.2)]
        el(area, "path", d=svg.smooth(shin), fill="none", stroke=svg.FAINT, stroke_width=1.2)
        heel = [at(-1.7, 1.4), at(-0.9, 2.5), at(0.4, 2.95)]
        el(area, "path", d=svg.smooth(heel), fill="none", stroke=svg.FAINT, stroke_width=1.2)
        cap_x = view.foot(side, 3.0, 0)[0]
        caption = "left foot, inner side" if side == "left" else "right foot, inner side"
        svg.text(
            root,
            cap_x,
            view.chart_y(view.y_max) + 20,
            caption,
            size=12,
            anchor="middle",
            weight="bold",
        )

    def left(u: float, v: float) -> g.XY:
        return view.foot("left", u, v)

    top = view.chart_y(view.y_min) - 38
    callout(
        root,
        left(0.0, -0.62),
        (left(3.6, 0)[0], top),
        ["inner ankle bone", "(medial malleolus)"],
        "middle",
    )
    callout(root, left(-1.8, -4.0), (left(-1.6, 0)[0], top), ["Achilles", "tendon"], "middle")
    sides: tuple[g.Side, ...] = ("left", "right")
    for side in sides:
        hx, hy = view.foot(side, -1.0, 2.25)
        svg.text(root, hx, hy, "heel", size=12, anchor="middle", italic=True, fill=svg.BONE_LINE)


# --- the whole body -----------------------------------------------------------------------


def body(root: ET.Element, view: g.View, chart_id: str) -> None:
    """The whole body from behind: outline, head, shoulder blades, spine, the line across
    the iliac crests, gluteal folds and inner ankle bones."""
    s = view.scale
    thin: dict[str, svg.Attr] = {"stroke": svg.BONE_LINE, "stroke_width": 1.1, "fill": "none"}
    skin = {**SKIN, "stroke_width": 1.8}
    el(root, "path", d=svg.outline(mapped(view, body_outline())), **skin)
    hx, hy, rx, ry = g.HEAD
    cx, cy = view.chart(hx, hy)
    el(root, "ellipse", cx=cx, cy=cy, rx=rx * s, ry=ry * s, **skin)
    line(
        root,
        view,
        (0, 11.0),
        (0, g.SACRUM_TIP_Y),
        stroke=svg.GUIDE_LINE,
        stroke_width=1.1,
        stroke_dasharray="5 2 1.5 2",
    )
    for sign in (-1, 1):
        ax, ay = g.SCAPULA_ANGLE
        blade = [(sign * 3.0, 13.6), (sign * ax, ay), (sign * 5.0, 17.6), (sign * 6.3, 14.6)]
        el(
            root,
            "path",
            d=svg.polyline([view.chart(x, y) for x, y in blade]) + " Z",
            stroke_linejoin="round",
            **thin,
        )
        curve(root, view, [(sign * 0.5, 40.6), (sign * 3.5, 41.4), (sign * 6.0, 40.2)], **thin)
        mx, my = view.chart(sign * g.MEDIAL_MALLEOLUS_X, g.MALLEOLUS_Y)
        el(root, "circle", cx=mx, cy=my, r=0.35 * s, **thin)
    line(
        root,
        view,
        (-g.CREST_TOP_X, g.CREST_LINE_Y),
        (g.CREST_TOP_X, g.CREST_LINE_Y),
        stroke=svg.INK,
        stroke_width=1.3,
        stroke_dasharray="1 3",
        stroke_linecap="round",
    )
    line(root, view, (0, g.SACRUM_TIP_Y - 0.3), (0, 39.0), **thin)


DRAW: dict[str, Callable[..., None]] = {"back": back, "knee": knee, "ankle": ankle, "body": body}
