from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas, protocol, safety
from acupress.errors import AcupressError, NoSessionToday
from tests.conftest import all_clear


@pytest.fixture
def low_back(book: atlas.Atlas) -> protocol.Protocol:
    return protocol.load_file(protocol.BUILTIN / "low-back.toml", book)


def decision(**changes: Any) -> safety.Decision:
    book, screening = atlas.default(), safety.default_screening()
    return safety.decide(
        safety.parse_answers(all_clear() | changes, screening, book), screening, book
    )


def plan(minutes: int, **kw: Any) -> protocol.Plan:
    book = atlas.default()
    return protocol.plan(
        protocol.load_file(protocol.BUILTIN / "low-back.toml", book), book, minutes, **kw
    )


@pytest.mark.parametrize("minutes", [15, 20, 30])
def test_the_guides_whole_range_fits(minutes: int) -> None:
    p = plan(minutes)
    assert p.total_seconds <= minutes * 60
    assert p.total_seconds >= minutes * 60 - 90  # the budget is used, not wasted
    assert p.total_seconds == sum(s.seconds for s in p.steps)


def test_thirty_minutes_gives_every_step_its_longest_time(low_back: protocol.Protocol) -> None:
    p = plan(30)
    longest = {s.id: s.max_seconds for s in low_back.steps}
    assert all(s.seconds == longest[s.id] for s in p.steps)
    assert p.total_seconds == 30 * 60


@given(st.integers(min_value=14, max_value=60))
def test_a_longer_budget_never_gives_a_shorter_session(minutes: int) -> None:
    shorter, longer = plan(minutes), plan(minutes + 1)
    assert longer.total_seconds >= shorter.total_seconds
    assert all(b.seconds >= a.seconds for a, b in zip(shorter.steps, longer.steps, strict=True))
    assert longer.total_seconds <= (minutes + 1) * 60


def test_a_budget_below_the_minimum_states_the_minimum() -> None:
    with pytest.raises(AcupressError, match="needs at least 14 minutes; 13 is too short"):
        plan(13)


def test_bilateral_points_follow_the_content(low_back: protocol.Protocol) -> None:
    sides = [(s.point, s.side) for s in plan(20).steps if s.point]
    assert sides == [
        ("BL23", "both"),
        ("BL25", "left"),
        ("BL25", "right"),
        ("GV4", "midline"),
        ("BL40", "left"),
        ("BL40", "right"),
        ("KI3", "left"),
        ("KI3", "right"),
    ]


def test_both_sides_of_a_point_get_the_same_time() -> None:
    for minutes in (15, 22, 30):
        bl25 = [s.seconds for s in plan(minutes).steps if s.point == "BL25"]
        assert bl25[0] == bl25[1]


def test_the_session_opens_with_preparation_and_ends_with_rest() -> None:
    ids = [s.id for s in plan(20).steps]
    assert ids[0] == "prepare"
    assert ids[-2:] == ["sweep", "rest"]
    rest = plan(15).steps[-1]
    assert rest.seconds >= 300  # the guide's five minutes of rest


def test_pregnancy_plan_leaves_out_lumbosacral_points_and_lying_face_down() -> None:
    p = plan(20, decision=decision(pregnant=True))
    assert {s.point for s in p.steps if s.point} == {"BL40", "KI3"}
    assert "prone" not in {s.posture for s in p.steps}
    assert [o.point for o in p.omitted] == ["BL23", "BL25", "GV4"]
    assert p.total_seconds <= 20 * 60


def test_pressure_limit_shows_on_every_affected_step() -> None:
    p = plan(20, decision=decision(osteoporosis=True))
    pressed = [s for s in p.steps if s.point]
    assert {s.pressure for s in pressed} == {"light"}
    limited = [s for s in pressed if s.pressure_note]
    assert {s.point for s in limited} == {"BL23", "BL25", "BL40"}  # GV4, KI3 were light already
    assert all("osteoporosis" in str(s.pressure_note) for s in limited)
    assert any("light" in n for n in p.notes)


def test_no_session_when_the_decision_stops_it() -> None:
    with pytest.raises(NoSessionToday, match="emergency") as e:
        plan(20, decision=decision(saddle_numbness=True))
    assert e.value.exit_code == 1
    with pytest.raises(NoSessionToday, match="not today"):
        plan(20, decision=decision(dizziness_or_fainting_today=True))


def test_every_point_left_out_means_no_session() -> None:
    d = decision(pregnant=True, varicose_veins_or_clot_history=True, skin_problem_at=["KI3"])
    with pytest.raises(NoSessionToday, match="every point of low-back is left out"):
        plan(20, decision=d)


def test_omissions_lower_the_minimum() -> None:
    p = plan(12, decision=decision(pregnant=True))
    assert p.total_seconds <= 12 * 60


def test_partner_mode_addresses_the_partner_and_presses_both_sides() -> None:
    p = plan(20, partner=True)
    bl25 = [s for s in p.steps if s.point == "BL25"]
    assert [s.side for s in bl25] == ["both"]
    assert "both thumbs" in bl25[0].technique
    assert all(s.posture == "prone" for s in p.steps if s.point)
    assert p.partner


CUSTOM = """
name = "zigzag"
title = "A routine written in an awkward order"
summary = "For testing posture grouping."
default_minutes = 10

[posture.sitting]
text = "Sit."
[posture.prone]
text = "Lie face down."

[[step]]
number = 1
id = "start"
title = "Start"
posture = "sitting"
technique = "Breathe."
min_seconds = 30
max_seconds = 60

[[step]]
number = 2
id = "knee"
title = "Knee"
point = "BL40"
pressure = "moderate"
posture = "prone"
technique = "Press."
min_seconds = 30
max_seconds = 60

[[step]]
number = 3
id = "ankle"
title = "Ankle"
point = "KI3"
pressure = "light"
posture = "sitting"
technique = "Press."
min_seconds = 30
max_seconds = 60

[[step]]
number = 4
id = "back"
title = "Back"
point = "BL23"
pressure = "moderate"
posture = "prone"
technique = "Press."
min_seconds = 30
max_seconds = 60
"""


def test_steps_are_grouped_to_avoid_needless_posture_changes(
    tmp_path: Path, book: atlas.Atlas
) -> None:
    path = tmp_path / "zigzag.toml"
    path.write_text(CUSTOM)
    p = protocol.plan(protocol.load_file(path, book), book, 10)
    assert [s.id for s in p.steps] == ["start", "ankle", "ankle", "knee", "knee", "back"]
    changes = sum(a.posture != b.posture for a, b in zip(p.steps, p.steps[1:], strict=False))
    assert changes == 1


def test_a_protocol_in_the_users_directory_is_found(tmp_path: Path) -> None:
    own = tmp_path / "protocols"
    own.mkdir()
    (own / "zigzag.toml").write_text(CUSTOM)
    assert set(protocol.available(own)) == {"low-back", "zigzag"}
    assert protocol.resolve("zigzag", own) == own / "zigzag.toml"
    with pytest.raises(AcupressError, match="Unknown protocol 'zigzog'"):
        protocol.resolve("zigzog", own)


def test_an_adjustment_shortens_and_lightens_the_session() -> None:
    adjust = protocol.Adjustment(
        pressure_cap="light", time_factor=0.75, reasons=("Pain rose after the last session.",)
    )
    normal, adjusted = plan(24), plan(24, adjustment=adjust)
    assert adjusted.total_seconds < normal.total_seconds
    assert adjusted.total_seconds >= protocol.minimum_seconds(
        protocol.load_file(protocol.BUILTIN / "low-back.toml", atlas.default()), atlas.default()
    )
    assert {s.pressure for s in adjusted.steps if s.point} == {"light"}
    assert "Pain rose after the last session." in adjusted.notes


def test_an_adjustment_never_goes_below_the_protocols_minimum() -> None:
    adjusted = plan(15, adjustment=protocol.Adjustment(time_factor=0.5))
    assert adjusted.total_seconds == plan(14).total_seconds


def test_pregnancy_caps_every_point_at_light_and_rests_on_the_side() -> None:
    for partner in (False, True):
        p = plan(30, decision=decision(pregnant=True), partner=partner)
        assert {s.pressure for s in p.steps if s.point} == {"light"}
        rest = p.steps[-1]
        assert (rest.id, rest.posture) == ("rest", "side_lying")
        assert "side" in rest.posture_text
        assert not {"prone", "supine"} & {s.posture for s in p.steps}


def test_a_partners_bl40_moved_to_sitting_in_pregnancy_reads_for_sitting() -> None:
    usual = next(s for s in plan(20, partner=True).steps if s.point == "BL40")
    assert usual.posture == "prone" and "pillow under the ankle" in usual.technique
    moved = next(
        s
        for s in plan(20, partner=True, decision=decision(pregnant=True)).steps
        if s.point == "BL40"
    )
    assert moved.posture == "sitting"
    assert "pillow" not in moved.technique and "sits" in moved.technique


def test_osteoporosis_plans_no_pressure_on_the_spine() -> None:
    p = plan(20, decision=decision(osteoporosis=True))
    assert "GV4" not in {s.point for s in p.steps}
    assert [o.point for o in p.omitted] == ["GV4"]


def limited(safety_limit: str | None, cap: str | None) -> tuple[protocol.Plan, safety.Decision]:
    from dataclasses import replace

    d = replace(
        decision(),
        decision="modified",
        pressure_limit=safety_limit,
        pressure_reasons=("Safety says so.",) if safety_limit else (),
    )
    adjust = protocol.Adjustment(pressure_cap=cap, reasons=("The journal says so.",))
    return plan(30, decision=d, adjustment=adjust), d


@pytest.mark.parametrize(
    ("safety_limit", "cap", "bl23", "why"),
    [
        ("light", "moderate", "light", "Safety says so."),  # the safety limit is lower
        ("moderate", "moderate", "moderate", "Safety says so."),  # the same: safety's reason
        ("moderate", "light", "light", "The journal says so."),  # the build-up cap is lower
        (None, "moderate", "moderate", "The journal says so."),
        ("moderate", None, "moderate", "Safety says so."),
    ],
)
def test_the_safety_limit_and_the_build_up_cap_both_hold(
    safety_limit: str | None, cap: str | None, bl23: str, why: str
) -> None:
    p, _d = limited(safety_limit, cap)
    step = next(s for s in p.steps if s.point == "BL23")
    assert step.pressure == bl23
    assert step.pressure_note == f"limited to {bl23}: {why}"
    assert all(s.pressure in ("light", bl23) for s in p.steps if s.point)
