"""Where things are on the charts: a body measured in B-cun, the heights of the vertebral
levels, and each view's window onto it. A point's dot is computed from its anchor in the
atlas, never typed in by hand, so moving an anchor in the data moves the dot.

Body coordinates are in B-cun (proportional cun): seen from behind, ``x`` grows to the
person's right (the viewer's right) from the posterior median line, and ``y`` grows
downwards from the top of the head. The body is 75 B-cun tall, which puts the popliteal
crease 19 B-cun below the greater trochanter and the medial malleolus about 16 below the
crease, as in the WHO proportional measurements.

The ankle view is a side view of the inner ankle and has its own frame: ``u`` forward
(towards the toes) from the prominence of the medial malleolus, ``v`` downwards from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from acupress.atlas import VERTEBRAE, Point
from acupress.errors import AcupressError

ViewName = Literal["back", "knee", "ankle", "body"]
VIEW_NAMES: tuple[ViewName, ...] = ("back", "knee", "ankle", "body")
Side = Literal["left", "right", "midline"]
XY = tuple[float, float]

BODY_HEIGHT = 75.0

# --- the spine --------------------------------------------------------------------------

# Height of each vertebra with its disc, in B-cun: lumbar vertebrae are about 3.5 cm apart,
# lower thoracic ones about 2.5 cm, and a B-cun of an adult's back is about 2.3 cm.
SEGMENT = {
    **{f"T{i}": 0.95 for i in range(1, 7)},
    **{f"T{i}": 1.05 for i in range(7, 13)},
    **{f"L{i}": 1.5 for i in range(1, 6)},
    **{f"S{i}": 1.1 for i in range(1, 5)},
}
C7_INFERIOR = 12.0  # the inferior border of the spinous process of C7, below the vertex
SPINOUS_SHARE = 0.6  # the part of a segment its spinous process covers, from below


def level_y(vertebra: str) -> float:
    """The height of the inferior border of a vertebra's spinous process.

    Both "at the level of the inferior border of the spinous process of L2" (BL23) and
    "in the depression inferior to the spinous process of L2" (GV4) are at this height.
    """
    if vertebra not in SEGMENT:
        raise AcupressError(f"'{vertebra}' is not a vertebra from T1 to S4.")
    y = C7_INFERIOR
    for v in VERTEBRAE:
        y += SEGMENT[v]
        if v == vertebra:
            break
    return y


def spinous_top(vertebra: str) -> float:
    return level_y(vertebra) - SEGMENT[vertebra] * SPINOUS_SHARE


def spinous_middle(vertebra: str) -> float:
    return level_y(vertebra) - SEGMENT[vertebra] * SPINOUS_SHARE / 2


# --- landmarks --------------------------------------------------------------------------

# The line across the highest points of the iliac crests passes the spine at about L4.
CREST_LINE_Y = spinous_middle("L4")
CREST_TOP_X = 5.0  # the highest point of each iliac crest, from the midline
PSIS = (2.3, spinous_middle("S2"))  # the dimples above the buttocks, at about S2
SCAPULA_MEDIAL_X = 3.0  # the medial borders of the scapulae are 6 B-cun apart
SCAPULA_ANGLE = (3.6, level_y("T7") + 0.3)  # the inferior angle, at about T7
SACRUM_TIP_Y = level_y("S4") + 1.2

# Behind the knee (both legs, seen from behind).
KNEE_X = 2.8  # the middle of each knee, from the midline
CREASE_Y = 55.0  # the popliteal crease
CREASE_HALF = 1.7  # half the length of the crease
HAMSTRING_X = 1.45  # the tendons either side of the popliteal fossa at the crease

# At the ankle, seen from behind.
ANKLE_X = 2.45  # the calcaneal tendon, from the midline
MALLEOLUS_Y = 70.6
MEDIAL_MALLEOLUS_X = 1.3  # the prominence of the medial malleolus, from the midline
TENDON_HALF = 0.3  # half the width of the calcaneal tendon

# The inner ankle, seen from the side (u forward, v down, from the malleolus).
MALLEOLUS_UV = (0.0, 0.0)
TENDON_FRONT_U = -1.55  # the anterior border of the calcaneal tendon at the malleolus

# The outline of the body's right half, seen from behind, from the neck down to the crotch
# (mirrored for the left). ``True`` marks a corner, where the outline is not smoothed.
SILHOUETTE: tuple[tuple[float, float, bool], ...] = (
    (1.7, 7.6, True),
    (1.9, 11.0, False),
    (4.5, 12.2, False),
    (7.3, 13.0, False),
    (8.5, 14.6, False),
    (8.9, 18.5, False),
    (9.2, 23.5, False),
    (9.7, 29.5, False),
    (10.0, 35.0, False),
    (10.3, 38.2, False),
    (9.9, 41.2, False),
    (9.1, 41.7, False),
    (8.6, 40.3, False),
    (8.5, 36.5, False),
    (8.0, 30.0, False),
    (7.5, 24.0, False),
    (7.0, 19.5, False),
    (6.7, 17.2, True),  # armpit
    (6.3, 20.0, False),
    (5.6, 25.5, False),
    (6.2, 29.5, False),
    (6.9, 33.5, False),
    (7.05, 37.0, False),
    (6.7, 42.0, False),
    (5.6, 49.0, False),
    (5.0, 54.0, False),
    (5.1, 58.0, False),
    (4.6, 63.0, False),
    (3.6, 68.5, False),
    (3.5, 71.0, False),
    (3.75, 73.4, False),
    (3.3, 75.0, True),
    (1.6, 75.0, True),
    (1.25, 73.4, False),
    (1.3, 71.5, False),
    (1.3, 68.0, False),
    (0.7, 61.0, False),
    (0.6, 56.0, False),
    (0.55, 50.0, False),
    (0.35, 42.0, False),
    (0.0, 39.0, True),  # crotch
)
HEAD = (0.0, 4.4, 3.1, 4.2)  # centre x, centre y, radius across, radius down
TORSO = slice(17, 24)  # the part of the outline from the armpit to the thigh

# The inner ankle from the side: the outline from the back of the leg round the heel and
# sole to the toes and up the shin, as (u, v, corner).
FOOT: tuple[tuple[float, float, bool], ...] = (
    (-2.4, -7.5, True),
    (-2.05, -3.0, False),
    (-1.95, -1.0, False),
    (-2.4, 1.2, False),
    (-2.35, 2.8, False),
    (-1.6, 3.42, False),
    (2.0, 3.45, False),
    (5.9, 3.4, False),
    (7.5, 3.2, False),
    (7.75, 2.7, False),
    (7.3, 2.25, False),
    (5.0, 1.5, False),
    (3.0, 0.4, False),
    (1.8, -0.8, False),
    (1.5, -3.0, False),
    (1.7, -7.5, True),
)
TENDON_BORDER: tuple[XY, ...] = ((-1.2, -7.5), (-1.4, -3.0), (TENDON_FRONT_U, 0.0), (-1.6, 1.5))


# --- where a point lies -------------------------------------------------------------------


def side_sign(side: Side) -> int:
    return {"left": -1, "right": 1, "midline": 0}[side]


def sides_of(point: Point) -> tuple[Side, ...]:
    return ("left", "right") if point.bilateral else ("midline",)


def body_xy(point: Point, side: Side) -> XY:
    """A point in body coordinates (B-cun, seen from behind), on the given side."""
    a = point.anchor
    sign = side_sign(side)
    if a.kind == "vertebral":
        assert a.vertebra is not None  # the atlas checks vertebral anchors on load
        return sign * a.lateral_cun, level_y(a.vertebra)
    if a.kind == "popliteal":
        # The midpoint of the popliteal crease.
        return sign * KNEE_X, CREASE_Y
    # In the depression between the medial malleolus and the calcaneal tendon; from
    # behind, halfway between the malleolus and the tendon's medial border.
    return sign * ((ANKLE_X - TENDON_HALF) + MEDIAL_MALLEOLUS_X) / 2, MALLEOLUS_Y


def ankle_uv(point: Point) -> XY:
    """An ankle point in the side view of the inner ankle: halfway between the prominence
    of the medial malleolus and the calcaneal tendon, level with the prominence."""
    if point.anchor.kind != "ankle":
        raise ValueError(f"{point.code} is not at the ankle")
    mu, mv = MALLEOLUS_UV
    return (mu + TENDON_FRONT_U) / 2, mv


# --- views --------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A window onto the body (in B-cun), its scale, and room around it for labels."""

    name: ViewName
    title: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float
    scale: float  # chart units per B-cun
    left: float  # margins, in chart units
    right: float
    top: float
    bottom: float
    kinds: tuple[str, ...]  # the anchor kinds this view shows

    @property
    def width(self) -> float:
        return self.left + (self.x_max - self.x_min) * self.scale + self.right

    @property
    def height(self) -> float:
        return self.top + (self.y_max - self.y_min) * self.scale + self.bottom

    @property
    def centre_x(self) -> float:
        return self.chart_x(0.0)

    def chart_x(self, x: float) -> float:
        return self.left + (x - self.x_min) * self.scale

    def chart_y(self, y: float) -> float:
        return self.top + (y - self.y_min) * self.scale

    def chart(self, x: float, y: float) -> XY:
        return self.chart_x(x), self.chart_y(y)

    def contains(self, x: float, y: float) -> bool:
        return self.x_min <= x <= self.x_max and self.y_min <= y <= self.y_max


@dataclass(frozen=True)
class AnkleView(View):
    """Two side views of the inner ankle, mirrored about the chart's middle: the left foot
    on the left with its toes to the right, the right foot on the right, toes to the left."""

    gap: float = 0.0  # between the two feet, in chart units

    @property
    def width(self) -> float:
        return self.left + 2 * (self.x_max - self.x_min) * self.scale + self.gap + self.right

    def foot(self, side: Side, u: float, v: float) -> XY:
        """Chart coordinates of (u, v) on the inner side of the given foot."""
        from_middle = self.gap / 2 + (self.x_max - u) * self.scale
        sign = -1 if side == "left" else 1
        return self.centre_x + sign * from_middle, self.chart_y(v)

    @property
    def centre_x(self) -> float:
        return self.left + (self.x_max - self.x_min) * self.scale + self.gap / 2


VIEWS: dict[ViewName, View] = {
    "back": View(
        name="back",
        title="The lower back, from behind",
        x_min=-7.4,
        x_max=7.4,
        y_min=16.8,
        y_max=37.6,
        scale=18.0,
        left=62.0,
        right=96.0,
        top=64.0,
        bottom=104.0,
        kinds=("vertebral",),
    ),
    "knee": View(
        name="knee",
        title="The back of both knees",
        x_min=-6.3,
        x_max=6.3,
        y_min=48.6,
        y_max=60.6,
        scale=24.0,
        left=16.0,
        right=16.0,
        top=100.0,
        bottom=106.0,
        kinds=("popliteal",),
    ),
    "ankle": AnkleView(
        name="ankle",
        title="The inner side of both ankles",
        x_min=-3.0,
        x_max=8.0,
        y_min=-6.2,
        y_max=3.7,
        scale=18.0,
        left=10.0,
        right=10.0,
        top=92.0,
        bottom=98.0,
        kinds=("ankle",),
        gap=16.0,
    ),
    "body": View(
        name="body",
        title="The whole body, from behind",
        x_min=-10.6,
        x_max=10.6,
        y_min=-0.5,
        y_max=75.5,
        scale=7.0,
        left=92.0,
        right=122.0,
        top=46.0,
        bottom=86.0,
        kinds=("vertebral", "popliteal", "ankle"),
    ),
}


def get_view(name: str) -> View:
    for known in VIEW_NAMES:
        if known == name:
            return VIEWS[known]
    raise AcupressError(f"Unknown view '{name}': choose one of {', '.join(VIEW_NAMES)}.")


def shows(view: View, point: Point) -> bool:
    """Whether the view shows where the point lies."""
    if point.anchor.kind not in view.kinds:
        return False
    if view.name == "ankle":
        return True
    return all(view.contains(*body_xy(point, side)) for side in sides_of(point))


def default_view(point: Point) -> ViewName:
    """The close-up a point belongs to, or the whole body when no close-up shows it."""
    for name in ("back", "knee", "ankle"):
        if shows(VIEWS[name], point):
            return name
    return "body"


@dataclass(frozen=True)
class Mark:
    """Where a point's dot goes on a chart, on one side of the body."""

    code: str
    side: Side
    x: float
    y: float


def marks(point: Point, view: View | str) -> tuple[Mark, ...]:
    """The dot(s) of a point in chart coordinates: one on the midline, or one on each side
    of a bilateral point, mirrored about the midline. An error if the view does not show it."""
    v = get_view(view) if isinstance(view, str) else view
    if not shows(v, point):
        raise AcupressError(
            f"The {v.name} view does not show {point.code}; try --view {default_view(point)}."
        )
    out: list[Mark] = []
    for side in sides_of(point):
        if isinstance(v, AnkleView):
            x, y = v.foot(side, *ankle_uv(point))
        else:
            x, y = v.chart(*body_xy(point, side))
        out.append(Mark(code=point.code, side=side, x=x, y=y))
    return tuple(out)
