"""Body charts: dots placed from the atlas's anchors, mirrored, labelled, accessible."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas, charts, protocol
from acupress.charts import geometry, pain
from acupress.charts import svg as chart_svg
from acupress.errors import AcupressError
from acupress.progress import DayPain

NS = "{http://www.w3.org/2000/svg}"
VIEWS = ("back", "knee", "ankle", "body")


def moved(book: atlas.Atlas, code: str, **anchor: object) -> atlas.Atlas:
    """The atlas with one point's anchor changed, as a practitioner would edit the file."""
    points = tuple(
        replace(p, anchor=replace(p.anchor, **anchor)) if p.code == code else p for p in book.points
    )
    return replace(book, point=points)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{NS}text")]


def low_back(book: atlas.Atlas) -> protocol.Protocol:
    return protocol.load_file(protocol.BUILTIN / "low-back.toml", book)


# --- where the dots go --------------------------------------------------------------------


def test_bl23_and_gv4_are_level_and_bl25_is_lower(book: atlas.Atlas) -> None:
    bl23 = charts.marks(book.get("BL23"), "back")
    gv4 = charts.marks(book.get("GV4"), "back")
    bl25 = charts.marks(book.get("BL25"), "back")
    assert {m.y for m in bl23} == {gv4[0].y}
    assert all(m.y > bl23[0].y for m in bl25)


def test_the_two_lumbar_levels_are_two_vertebrae_apart(book: atlas.Atlas) -> None:
    view = charts.get_view("back")
    bl23 = charts.marks(book.get("BL23"), view)[0]
    bl25 = charts.marks(book.get("BL25"), view)[0]
    apart = geometry.level_y("L4") - geometry.level_y("L2")
    assert bl25.y - bl23.y == pytest.approx(apart * view.scale)


def test_bl25_sits_at_the_iliac_crest_line(book: atlas.Atlas) -> None:
    view = charts.get_view("back")
    bl25 = charts.marks(book.get("BL25"), view)[0]
    crest = view.chart_y(geometry.CREST_LINE_Y)
    assert abs(bl25.y - crest) < 1 * view.scale  # within a cun: "about L4"


def test_changing_an_anchor_in_the_atlas_moves_the_dot(book: atlas.Atlas) -> None:
    view = charts.get_view("back")
    before = charts.marks(book.get("BL23"), view)
    lower = moved(book, "BL23", vertebra="L3")
    after = charts.marks(lower.get("BL23"), view)
    step = (geometry.level_y("L3") - geometry.level_y("L2")) * view.scale
    assert [m.y - b.y for m, b in zip(after, before, strict=True)] == pytest.approx([step, step])
    wider = charts.marks(moved(book, "BL23", lateral_cun=3.0).get("BL23"), view)
    assert wider[1].x - view.centre_x == pytest.approx(3.0 * view.scale)
    assert charts.point_chart("BL23", lower) != charts.point_chart("BL23", book)


def test_a_point_far_up_the_back_is_drawn_on_the_whole_body(book: atlas.Atlas) -> None:
    upper = moved(book, "BL23", vertebra="T2").get("BL23")
    assert charts.default_view(upper) == "body"
    with pytest.raises(AcupressError, match="back view does not show BL23"):
        charts.marks(upper, "back")
    assert "<svg" in charts.point_chart(upper, book)


@pytest.mark.parametrize("view", VIEWS)
def test_bilateral_points_are_mirrored_about_the_midline(book: atlas.Atlas, view: str) -> None:
    v = charts.get_view(view)
    shown = [p for p in book.points if charts.shows(v, p)]
    assert shown
    for p in shown:
        marks = charts.marks(p, v)
        if p.bilateral:
            left, right = marks
            assert (left.side, right.side) == ("left", "right")
            assert left.x + right.x == pytest.approx(2 * v.centre_x)
            assert left.y == right.y
            assert left.x < right.x
        else:
            assert [m.x for m in marks] == pytest.approx([v.centre_x])


@given(
    vertebra=st.sampled_from([f"T{i}" for i in range(8, 13)] + [f"L{i}" for i in range(1, 6)]),
    lateral=st.floats(min_value=0.5, max_value=6.0),
)
def test_any_lumbar_anchor_gives_a_mirrored_pair_inside_the_chart(
    vertebra: str, lateral: float
) -> None:
    book = moved(atlas.default(), "BL23", vertebra=vertebra, lateral_cun=lateral)
    v = charts.get_view("back")
    left, right = charts.marks(book.get("BL23"), v)
    assert left.x + right.x == pytest.approx(2 * v.centre_x)
    assert 0 < left.x < right.x < v.width and 0 < left.y < v.height


def test_behind_the_knee_and_at_the_ankle(book: atlas.Atlas) -> None:
    knee = charts.get_view("knee")
    for m in charts.marks(book.get("BL40"), knee):
        sign = -1 if m.side == "left" else 1
        assert m.x == pytest.approx(knee.chart_x(sign * geometry.KNEE_X))
        assert m.y == pytest.approx(knee.chart_y(geometry.CREASE_Y))
    # KI3 lies between the malleolus and the tendon: behind the bone, in front of the tendon.
    u, v = geometry.ankle_uv(book.get("KI3"))
    assert geometry.TENDON_FRONT_U < u < geometry.MALLEOLUS_UV[0]
    assert v == geometry.MALLEOLUS_UV[1]


def test_default_views(book: atlas.Atlas) -> None:
    assert [charts.default_view(p) for p in book.points] == [
        "back",
        "back",
        "back",
        "knee",
        "ankle",
    ]


def test_a_view_that_does_not_show_the_point_is_an_error(book: atlas.Atlas) -> None:
    with pytest.raises(AcupressError, match=r"knee view does not show BL23; try --view back"):
        charts.point_chart("BL23", book, view="knee")
    with pytest.raises(AcupressError, match="Unknown view 'front'"):
        charts.point_chart("BL23", book, view="front")


# --- what the charts say ------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_every_chart_is_accessible_svg(book: atlas.Atlas, view: str) -> None:
    svg = charts.protocol_chart(low_back(book), book, view=view)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    ids = {e.get("id") for e in root.iter()}
    assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}
    assert set((root.get("aria-labelledby") or "").split()) <= ids
    assert len([i for i in ids if i]) == len({i for i in ids if i})  # ids are unique


def test_the_description_says_in_words_where_each_point_is(book: atlas.Atlas) -> None:
    desc = parse(charts.point_chart("BL23", book, thumb_cm=2.1)).find(f"{NS}desc")
    assert desc is not None and desc.text
    assert "BL23 Shenshu, 1.5 cun (about 3.2 cm for you) to each side of the spine" in desc.text
    assert "lower edge of the L2 bump" in desc.text
    assert "iliac crests" in desc.text and "about L4" in desc.text
    gv4 = parse(charts.point_chart("GV4", book)).find(f"{NS}desc")
    assert gv4 is not None and "just below the L2 bump" in (gv4.text or "")
    ki3 = parse(charts.point_chart("KI3", book)).find(f"{NS}desc")
    assert ki3 is not None and "Achilles tendon" in (ki3.text or "")


def test_points_and_landmarks_are_labelled(book: atlas.Atlas) -> None:
    words = texts(charts.point_chart("BL25", book))
    assert {"BL25", "Dachangshu", "L4", "L2", "T12"} <= set(words)
    knee = texts(charts.point_chart("BL40", book))
    assert {"BL40", "Weizhong", "(biceps femoris)", "(semitendinosus)"} <= set(knee)
    ankle = texts(charts.point_chart("KI3", book))
    assert {"KI3", "Taixi", "(medial malleolus)", "heel"} <= set(ankle)


def test_protocol_chart_numbers_points_in_session_order(book: atlas.Atlas) -> None:
    routine = low_back(book)
    entries = charts.session_entries(routine, book)
    assert [(e.point.code, e.numbers) for e in entries] == [
        ("BL23", (2,)),
        ("BL25", (3,)),
        ("GV4", (4,)),
        ("BL40", (5,)),
        ("KI3", (6,)),
    ]
    svg = charts.protocol_chart(routine, book)
    words = texts(svg)
    for e in entries:
        assert e.point.code in words and str(e.numbers[0]) in words
    desc = parse(svg).find(f"{NS}desc")
    assert desc is not None and desc.text
    found = [int(n) for n in re.findall(r"Step (\d+):", desc.text)]
    assert found == [2, 3, 4, 5, 6]


def test_scale_bar_in_cun_and_in_cm_for_the_user(book: atlas.Atlas) -> None:
    plain = texts(charts.point_chart("BL23", book))
    assert "3 cun" in plain and "= four fingers" in plain
    assert not any("cm for you" in t for t in plain)
    mine = texts(charts.point_chart("BL23", book, thumb_cm=2.1))
    assert "≈ 6.3 cm for you" in mine
    assert "1.5 cun ≈ 3.2 cm" in mine


def test_colour_is_not_the_only_sign(book: atlas.Atlas) -> None:
    """Line styles differ by dash pattern, and the legend names each in words."""
    root = parse(charts.point_chart("BL23", book))
    dashes = {e.get("stroke-dasharray") for e in root.iter(f"{NS}line")} - {None}
    assert len(dashes) >= 3
    words = texts(charts.point_chart("BL23", book))
    assert {"posterior midline", "1.5 cun from the midline"} <= set(words)


def test_charts_in_one_page_can_have_their_own_ids(book: atlas.Atlas) -> None:
    a = charts.point_chart("BL23", book, chart_id="chart-a")
    b = charts.point_chart("BL23", book, chart_id="chart-b")
    ids_a = {e.get("id") for e in parse(a).iter()} - {None}
    ids_b = {e.get("id") for e in parse(b).iter()} - {None}
    assert ids_a and not ids_a & ids_b


def test_text_from_the_content_is_escaped(book: atlas.Atlas) -> None:
    odd = replace(book.get("BL23"), pinyin="<Shen & shu>")
    svg = charts.point_chart(odd, book)
    assert "&lt;Shen &amp; shu&gt;" in svg
    assert "<Shen & shu>" in texts(svg)


# --- where the dots are drawn, against the WHO locations and the anatomy drawn ----------

XY = tuple[float, float]
CODES = ("BL23", "BL25", "GV4", "BL40", "KI3")


def who_location(code: str) -> list[XY]:
    """Where WHO 2008 puts each point, in body coordinates (B-cun, from behind), left side
    first: the lumbar points at the inferior border of a spinous process, BL40 at the
    middle of the knee crease, KI3 in the hollow between the medial malleolus and the
    calcaneal tendon, level with the malleolus."""
    l2, l4 = geometry.level_y("L2"), geometry.level_y("L4")
    tendon = geometry.ANKLE_X - geometry.TENDON_HALF  # the tendon's inner border
    ki3 = (geometry.MEDIAL_MALLEOLUS_X + tendon) / 2
    knee, crease = geometry.KNEE_X, geometry.CREASE_Y
    return {
        "BL23": [(-1.5, l2), (1.5, l2)],
        "BL25": [(-1.5, l4), (1.5, l4)],
        "GV4": [(0.0, l2)],
        "BL40": [(-knee, crease), (knee, crease)],
        "KI3": [(-ki3, geometry.MALLEOLUS_Y), (ki3, geometry.MALLEOLUS_Y)],
    }[code]


def on_chart(code: str, view: geometry.View) -> list[XY]:
    """The WHO location in the view's chart coordinates."""
    if isinstance(view, geometry.AnkleView):  # the side view: halfway from bone to tendon
        u = (geometry.MALLEOLUS_UV[0] + geometry.TENDON_FRONT_U) / 2
        return [view.foot(side, u, geometry.MALLEOLUS_UV[1]) for side in ("left", "right")]
    return [view.chart(x, y) for x, y in who_location(code)]


def layer(svg: str, label: str) -> ET.Element:
    return next(g for g in parse(svg).iter(f"{NS}g") if g.get("data-label") == label)


def number(e: ET.Element, name: str) -> float:
    return float(e.get(name) or "nan")


def drawn_dots(svg: str, view: geometry.View) -> list[XY]:
    """The centres of the dots drawn for points, left to right: the circles in the point
    colour on the body (a step-number badge beside a label sits in the margin)."""
    dots = []
    for c in layer(svg, "points").iter(f"{NS}circle"):
        x, y = number(c, "cx"), number(c, "cy")
        on_body = isinstance(view, geometry.AnkleView) or (
            view.chart_x(view.x_min) <= x <= view.chart_x(view.x_max)
        )
        if c.get("fill") == chart_svg.POINT and on_body:
            dots.append((x, y))
    return sorted(dots)


def flat(points: list[XY]) -> list[float]:
    return [v for p in sorted(points) for v in p]


def path_points(d: str) -> list[XY]:
    """The points a drawn path passes through: where it starts, and the end of each segment."""
    out = []
    for args in re.findall(r"[MLC]([^MLCZ]*)", d):
        values = [float(v) for v in args.split()]
        if values:
            out.append((values[-2], values[-1]))
    return out


CLOSE_UPS = [
    ("BL23", "back"),
    ("BL25", "back"),
    ("GV4", "back"),
    ("BL40", "knee"),
    ("KI3", "ankle"),
]


@pytest.mark.parametrize(("code", "view"), [*CLOSE_UPS, *((code, "body") for code in CODES)])
def test_each_dot_is_drawn_at_the_who_location_of_its_point(
    book: atlas.Atlas, code: str, view: str
) -> None:
    v = charts.get_view(view)
    drawn = drawn_dots(charts.point_chart(code, book, view=view), v)
    assert flat(drawn) == pytest.approx(flat(on_chart(code, v)), abs=0.01)


def test_the_routine_chart_puts_each_step_number_on_its_points(book: atlas.Atlas) -> None:
    steps = {"BL23": "2", "BL25": "3", "GV4": "4", "BL40": "5", "KI3": "6"}
    for view in ("back", "knee", "ankle"):
        v = charts.get_view(view)
        svg = charts.protocol_chart(low_back(book), book, view=view)
        points = layer(svg, "points")
        labels = [(number(t, "x"), number(t, "y"), t.text) for t in points.iter(f"{NS}text")]
        found: dict[str, list[XY]] = {}
        for x, y in drawn_dots(svg, v):
            # the step's number is written inside its dot
            (inside,) = [n for tx, ty, n in labels if abs(tx - x) < 1 and abs(ty - y) < 6]
            found.setdefault(inside or "", []).append((x, y))
        expected = {steps[c]: on_chart(c, v) for c in CODES if charts.shows(v, book.get(c))}
        assert found.keys() == expected.keys()
        for n, dots in found.items():
            assert flat(dots) == pytest.approx(flat(expected[n]), abs=0.01)
    body = charts.get_view("body")
    every = [xy for c in CODES for xy in on_chart(c, body)]
    drawn = drawn_dots(charts.protocol_chart(low_back(book), book), body)
    assert flat(drawn) == pytest.approx(flat(every), abs=0.01)


def test_bl23_and_gv4_are_at_the_lower_edge_of_the_l2_bump_drawn_and_bl25_at_l4(
    book: atlas.Atlas,
) -> None:
    v = charts.get_view("back")
    svg = charts.point_chart("BL23", book)
    body = next(g for g in parse(svg).iter(f"{NS}g") if g.get("clip-path"))
    bumps = sorted(
        (number(r, "y"), number(r, "y") + number(r, "height"))
        for r in body.iter(f"{NS}rect")
        if r.get("rx")
    )  # T8 to L5, from the top
    names = [t.text for t in parse(svg).iter(f"{NS}text") if t.text in geometry.SEGMENT]
    assert names == ["T12", "L1", "L2", "L3", "L4", "L5"]
    named = dict(zip(names, bumps[-6:], strict=True))
    for name in names:  # each name is written beside its own bump
        (label,) = [t for t in parse(svg).iter(f"{NS}text") if t.text == name]
        top, bottom = named[name]
        assert top < number(label, "y") < bottom
    one_and_a_half = sorted(
        number(line, "x1")
        for line in body.iter(f"{NS}line")
        if line.get("stroke-dasharray") == "6 4"
    )
    (midline,) = [
        number(line, "x1")
        for line in body.iter(f"{NS}line")
        if line.get("stroke-dasharray") == "9 3 2 3"
    ]
    bl23 = drawn_dots(svg, v)
    assert [x for x, _ in bl23] == pytest.approx(one_and_a_half, abs=0.01)
    assert [y for _, y in bl23] == pytest.approx([named["L2"][1]] * 2, abs=0.01)
    (gv4,) = drawn_dots(charts.point_chart("GV4", book), v)
    assert gv4 == pytest.approx((midline, named["L2"][1]), abs=0.01)
    bl25 = drawn_dots(charts.point_chart("BL25", book), v)
    assert [x for x, _ in bl25] == pytest.approx(one_and_a_half, abs=0.01)
    assert [y for _, y in bl25] == pytest.approx([named["L4"][1]] * 2, abs=0.01)


def test_bl40_is_on_the_knee_crease_drawn_halfway_between_the_tendons(book: atlas.Atlas) -> None:
    v = charts.get_view("knee")
    svg = charts.point_chart("BL40", book)
    paths = list(parse(svg).iter(f"{NS}path"))
    creases = [path_points(p.get("d") or "") for p in paths if p.get("stroke-width") == "2.4"]
    tendons = [path_points(p.get("d") or "") for p in paths if p.get("stroke") == chart_svg.TENDON]
    middles = sorted(points[1] for points in creases)  # each crease is drawn through 3 points
    at_crease = sorted(points[2] for points in tendons)  # each tendon passes the crease third
    assert len(middles) == 2 and len(at_crease) == 4
    halfway = [((a[0] + b[0]) / 2, a[1]) for a, b in (at_crease[:2], at_crease[2:])]
    dots = drawn_dots(svg, v)
    assert flat(dots) == pytest.approx(flat(middles), abs=0.01)
    assert flat(dots) == pytest.approx(flat(halfway), abs=0.01)


def test_ki3_is_level_with_the_inner_ankle_bone_drawn_between_it_and_the_tendon(
    book: atlas.Atlas,
) -> None:
    ankle = charts.get_view("ankle")
    svg = charts.point_chart("KI3", book)
    bones = sorted(
        (number(e, "cx"), number(e, "cy")) for e in parse(svg).iter(f"{NS}ellipse")
    )  # the medial malleolus of each foot
    borders = sorted(
        path_points(p.get("d") or "")[2]  # the tendon's front border, level with the bone
        for p in parse(svg).iter(f"{NS}path")
        if p.get("stroke") == chart_svg.BONE_LINE and p.get("stroke-width") == "1.6"
    )
    dots = drawn_dots(svg, ankle)
    assert len(bones) == len(borders) == len(dots) == 2
    for (x, y), (bx, by), (tx, ty) in zip(dots, bones, borders, strict=True):
        assert y == pytest.approx(by, abs=0.01) == pytest.approx(ty, abs=0.01)
        assert x == pytest.approx((bx + tx) / 2, abs=0.01)
    # From behind, on the whole body: level with each inner ankle bone, on its outer side
    # (towards the tendon in the middle of the leg).
    body = charts.get_view("body")
    svg = charts.point_chart("KI3", book, view="body")
    r = 0.35 * body.scale
    bones = sorted(
        (number(c, "cx"), number(c, "cy"))
        for c in parse(svg).iter(f"{NS}circle")
        if c.get("fill") == "none" and number(c, "r") == pytest.approx(r, abs=0.01)
    )
    dots = drawn_dots(svg, body)
    assert len(bones) == len(dots) == 2
    for (x, y), (bx, by), side in zip(dots, bones, (-1, 1), strict=True):
        assert y == pytest.approx(by, abs=0.01)
        beyond = (x - bx) * side
        assert r < beyond < (geometry.ANKLE_X - geometry.MEDIAL_MALLEOLUS_X) * body.scale


# --- the pain plot's scale ----------------------------------------------------------------


def test_the_pain_plot_runs_from_0_at_the_foot_of_its_axis_to_10_at_the_top() -> None:
    first = dt.date(2026, 3, 2)
    series = [
        DayPain(day=first, sessions=1, before=0, after=10),
        DayPain(day=first + dt.timedelta(days=5), sessions=1, before=5, after=5),
        DayPain(day=first + dt.timedelta(days=10), sessions=1, before=10, after=0),
    ]
    svg = pain.pain_chart(series)
    grid = layer(svg, "grid")
    lines = list(grid.iter(f"{NS}line"))
    scores = [t.text for t in grid.iter(f"{NS}text") if (t.text or "").isdigit()]
    assert scores == ["0", "2", "4", "6", "8", "10"]
    ys = [number(line, "y1") for line in lines]
    foot, top = pain.HEIGHT - pain.BOTTOM, pain.TOP  # the plot's area, bottom and top
    assert ys == pytest.approx([foot + (top - foot) * s / 10 for s in range(0, 11, 2)])
    left, right = number(lines[0], "x1"), number(lines[0], "x2")

    def marks(label: str) -> list[XY]:
        return [(number(c, "cx"), number(c, "cy")) for c in layer(svg, label).iter(f"{NS}circle")]

    middle = (foot + top) / 2
    across = [left, (left + right) / 2, right]
    before = zip(across, [foot, middle, top], strict=True)
    after = zip(across, [top, middle, foot], strict=True)
    assert flat(marks("before")) == pytest.approx(flat(list(before)))
    assert flat(marks("after")) == pytest.approx(flat(list(after)))


def test_a_weeks_mark_is_the_mean_of_its_days_at_the_middle_of_them() -> None:
    monday = dt.date(2026, 1, 5)
    days = [
        DayPain(day=monday + dt.timedelta(days=n), sessions=1, before=n % 7, after=None)
        for n in range(7 * 40)
        if n % 7 not in (0, 6)  # Tuesdays to Saturdays: 200 days
    ]
    marks, period = pain.downsampled(days)
    assert period == "week" and len(marks) == 40
    first = marks[0]
    assert first.day == monday + dt.timedelta(days=3)  # Tuesday to Saturday: Thursday
    assert (first.sessions, first.before, first.after) == (5, 3, None)
    assert pain.downsampled(days[: pain.MARKS_SHOWN]) == (days[: pain.MARKS_SHOWN], None)


def test_however_long_the_journal_the_plot_has_marks_it_can_show() -> None:
    first = dt.date(2000, 1, 1)
    days = [
        DayPain(day=first + dt.timedelta(days=n), sessions=1, before=5, after=3)
        for n in range(40_000)
    ]
    marks, period = pain.downsampled(days)
    assert period == "year" and len(marks) == 110
    svg = pain.pain_chart(days)
    assert len(layer(svg, "before").findall(f"{NS}circle")) == 110


def test_the_dates_of_a_plot_longer_than_a_year_say_their_year() -> None:
    first = dt.date(2024, 1, 1)

    def dates(days: int) -> list[str]:
        series = [
            DayPain(day=first + dt.timedelta(days=n), sessions=1, before=5, after=3)
            for n in range(0, days, 3)
        ]
        return [t.text or "" for t in layer(pain.pain_chart(series), "grid").iter(f"{NS}text")]

    assert "01 Jan" in dates(300)
    assert "Jan 2024" in dates(800) and "01 Jan" not in dates(800)


def test_the_trial_chart_shades_acupressure_weeks_and_breaks_at_a_missing_day() -> None:
    from acupress import trial
    from acupress.charts.trial import trial_chart

    planned = trial.schedule(dt.date(2026, 3, 2), 4, 2)  # acupressure, usual care, ...
    scores = [(planned.start + dt.timedelta(days=n), 5.0) for n in range(28) if n != 10]
    drawn = ET.fromstring(trial_chart(planned, scores, chart_id="t"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    hatched = drawn.findall(".//s:g[@data-label='weeks']/s:rect", ns)
    assert len(hatched) == 2  # the two acupressure weeks
    assert len(drawn.findall(".//s:g[@data-label='scores']/s:path", ns)) == 2
    assert len(drawn.findall(".//s:g[@data-label='scores']/s:circle", ns)) == 27
    desc = drawn.find("s:desc", ns)
    assert desc is not None and "27 of 28 days rated" in (desc.text or "")
