"""Body charts: dots placed from the atlas's anchors, mirrored, labelled, accessible."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas, charts, protocol
from acupress.charts import geometry
from acupress.errors import AcupressError

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
