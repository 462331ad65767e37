from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas
from acupress.errors import AcupressError


def test_five_points_of_the_routine(book: atlas.Atlas) -> None:
    assert book.codes == ("BL23", "BL25", "GV4", "BL40", "KI3")


def test_bl23_is_at_l2_not_t2(book: atlas.Atlas) -> None:
    p = book.get("BL23")
    assert (p.anchor.kind, p.anchor.vertebra, p.anchor.lateral_cun) == ("vertebral", "L2", 1.5)
    assert "second lumbar vertebra (L2)" in p.location
    assert "1.5 B-cun lateral to the posterior median line" in p.location
    assert "T2" in p.guide_differs and "L2" in p.guide_differs


def test_gv4_is_below_l2_on_the_midline(book: atlas.Atlas) -> None:
    p = book.get("GV4")
    assert (p.anchor.vertebra, p.anchor.lateral_cun, p.sides) == ("L2", 0.0, "midline")
    assert "inferior to the spinous process of the second lumbar vertebra (L2)" in p.location
    assert "posterior median line" in p.location
    assert p.max_pressure == "light"


def test_bl23_and_gv4_share_a_level_above_bl25(book: atlas.Atlas) -> None:
    order = atlas.VERTEBRAE
    bl23, gv4, bl25 = (book.get(c).anchor.vertebra for c in ("BL23", "GV4", "BL25"))
    assert bl23 == gv4
    assert order.index(str(bl25)) == order.index(str(bl23)) + 2


def test_bl25_is_at_l4_from_the_iliac_crest_line(book: atlas.Atlas) -> None:
    p = book.get("BL25")
    assert (p.anchor.vertebra, p.anchor.lateral_cun) == ("L4", 1.5)
    assert "fourth lumbar vertebra (L4)" in p.location
    assert "iliac crest" in " ".join(p.how_to_find)
    assert "dimples" in p.guide_differs


def test_bl40_is_the_midpoint_of_the_popliteal_crease(book: atlas.Atlas) -> None:
    p = book.get("BL40")
    assert p.anchor.kind == "popliteal"
    assert "midpoint of the popliteal crease" in p.location
    assert p.max_pressure == "moderate"
    assert any("artery" in c for c in p.cautions)


def test_ki3_lies_between_medial_malleolus_and_calcaneal_tendon(book: atlas.Atlas) -> None:
    p = book.get("KI3")
    assert p.anchor.kind == "ankle"
    assert "between the prominence of the medial malleolus and the calcaneal tendon" in p.location


def test_lumbosacral_points_are_avoided_in_pregnancy(book: atlas.Atlas) -> None:
    avoided = {p.code for p in book.points if p.avoid_in_pregnancy}
    assert avoided == {"BL23", "BL25", "GV4"}


def test_how_to_find_starts_from_a_landmark(book: atlas.Atlas) -> None:
    for code in ("BL23", "BL25", "GV4"):
        assert "iliac crest" in book.get(code).how_to_find[0]


def test_lookup_ignores_case_and_spaces(book: atlas.Atlas) -> None:
    assert book.get(" bl 23").code == "BL23"


def test_unknown_code_suggests_the_closest(book: atlas.Atlas) -> None:
    with pytest.raises(AcupressError, match=r"Unknown point 'BL24': did you mean BL23 or BL25"):
        book.get("BL24")


def test_one_and_a_half_cun_in_cm_for_a_21mm_thumb() -> None:
    text = atlas.personalise("move 1.5 cun to the side, 1.5 B-cun lateral", 2.1)
    assert text == (
        "move 1.5 cun (≈ 3.2 cm for you) to the side, 1.5 B-cun (≈ 3.2 cm for you) lateral"
    )


def test_text_is_unchanged_without_a_thumb_width() -> None:
    assert atlas.personalise("1.5 cun", None) == "1.5 cun"


@given(st.text(), st.floats(min_value=1.0, max_value=4.0))
def test_personalise_only_adds_cm_notes(text: str, thumb: float) -> None:
    added = re.sub(r" \(≈ \d+\.\d cm for you\)", "", atlas.personalise(text, thumb))
    assert added == text


def test_an_unknown_point_that_is_very_long_is_shortened_in_the_sentence() -> None:
    with pytest.raises(AcupressError) as e:
        atlas.default().get("X" * 300)
    assert len(str(e.value)) < 200 and "XXXXXXXXXXXXXXXXXXX…" in str(e.value)
