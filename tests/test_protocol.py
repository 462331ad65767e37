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
    with pytest.raises(NoSessionToday, match="Not today"):
        plan(20, decision=decision(dizziness_or_fainting_today=True))


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"saddle_numbness": True},
            "No session today: get emergency care now. Call your local emergency number",
        ),
        ({"major_trauma": True}, "See a doctor today: no session. These signs need"),
        (
            {"fever_or_chills": True},
            "See a doctor in the next few days: no session until then. These signs need",
        ),
        ({"dizziness_or_fainting_today": True}, "Not today. Skip today's session"),
    ],
)
def test_no_session_says_so_once(answers: dict[str, Any], message: str) -> None:
    with pytest.raises(NoSessionToday) as e:
        plan(20, decision=decision(**answers))
    assert str(e.value).startswith(message)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        (
            "See a professional before your next session",
            "No session today: see a professional before your next session. Why.",
        ),
        ("Not today: you stopped for dizziness", "Not today: you stopped for dizziness. Why."),
        ("See your GP first", "No session today: see your GP first. Why."),
    ],
)
def test_a_journal_flag_refusing_the_session_says_so_once(title: str, message: str) -> None:
    from dataclasses import replace

    stops = replace(decision(), decision="not_today", title=title, text="Why.")
    with pytest.raises(NoSessionToday) as e:
        plan(20, decision=stops)
    assert str(e.value) == message


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


# --- the plan, step by step -----------------------------------------------------------------

SOLO_20 = [
    # id, point, side, posture, pressure, seconds
    ("prepare", None, None, "prone", None, 120),
    ("bl23", "BL23", "both", "prone", "firm", 105),
    ("bl25", "BL25", "left", "prone", "moderate", 80),
    ("bl25", "BL25", "right", "prone", "moderate", 80),
    ("gv4", "GV4", "midline", "prone", "light", 105),
    ("bl40", "BL40", "left", "sitting", "moderate", 60),
    ("bl40", "BL40", "right", "sitting", "moderate", 60),
    ("ki3", "KI3", "left", "sitting", "light", 70),
    ("ki3", "KI3", "right", "sitting", "light", 70),
    ("sweep", None, None, "sitting", None, 60),
    ("rest", None, None, "supine", None, 365),
]
PARTNER_20 = [
    ("prepare", None, None, "prone", None, 130),
    ("bl23", "BL23", "both", "prone", "firm", 115),
    ("bl25", "BL25", "both", "prone", "moderate", 85),
    ("gv4", "GV4", "midline", "prone", "light", 115),
    ("bl40", "BL40", "left", "prone", "moderate", 65),
    ("bl40", "BL40", "right", "prone", "moderate", 65),
    ("ki3", "KI3", "left", "prone", "light", 80),
    ("ki3", "KI3", "right", "prone", "light", 80),
    ("sweep", None, None, "prone", None, 70),
    ("rest", None, None, "supine", None, 380),
]


@pytest.mark.parametrize(("partner", "expected"), [(False, SOLO_20), (True, PARTNER_20)])
def test_twenty_minutes_step_by_step(
    low_back: protocol.Protocol, partner: bool, expected: list[tuple[Any, ...]]
) -> None:
    p = plan(20, partner=partner)
    assert [(s.id, s.point, s.side, s.posture, s.pressure, s.seconds) for s in p.steps] == expected
    written = {s.id: s for s in low_back.steps}
    for s in p.steps:
        step, posture = written[s.id], low_back.posture[s.posture]
        assert (s.step, s.title, s.pressure_note) == (step.number, step.title, None)
        if partner:
            assert s.technique == (step.partner_technique or step.technique)
            assert s.posture_text == posture.partner
        else:
            assert s.technique == step.technique
            assert s.posture_text == posture.text
    assert p == protocol.Plan(
        protocol="low-back",
        title="Acupressure for low back pain",
        partner=partner,
        budget_seconds=1200,
        steps=p.steps,
        total_seconds=sum(seconds for *_, seconds in expected),
        decision=None,
    )


def test_the_plan_carries_the_decision_its_omissions_and_the_rest_day() -> None:
    d = decision(pregnant=True)
    rest = "You have pressed the points on 6 days in a row."
    p = plan(20, decision=d, adjustment=protocol.Adjustment(rest_day=rest))
    (why,) = d.reasons
    assert p.decision == "modified"
    assert p.omitted == tuple(
        protocol.Omission(point=code, reasons=(why,)) for code in ("BL23", "BL25", "GV4")
    )
    assert p.notes == (f"Pressure is kept light at every point. {why}",)
    assert p.rest_day == rest


def test_two_safety_reasons_for_light_pressure_are_both_given() -> None:
    d = decision(osteoporosis=True, anticoagulants_or_bleeding_disorder=True)
    both = " ".join(d.pressure_reasons)
    assert len(d.pressure_reasons) == 2
    p = plan(20, decision=d)
    assert p.notes == (f"Pressure is kept light at every point. {both}",)
    bl23 = next(s for s in p.steps if s.point == "BL23")
    assert bl23.pressure_note == f"limited to light: {both}"


def test_two_journal_reasons_for_light_pressure_are_both_given() -> None:
    adjust = protocol.Adjustment(pressure_cap="light", reasons=("Pain rose.", "You are new."))
    p = plan(20, adjustment=adjust)
    bl23 = next(s for s in p.steps if s.point == "BL23")
    assert bl23.pressure_note == "limited to light: Pain rose. You are new."
    assert p.notes == ("Pain rose.", "You are new.")


@pytest.mark.parametrize("minutes", [30, 45, 240])
def test_a_budget_beyond_the_longest_session_gives_every_step_its_longest_time(
    low_back: protocol.Protocol, minutes: int
) -> None:
    p = plan(minutes)
    longest = {s.id: s.max_seconds for s in low_back.steps}
    assert [s.seconds for s in p.steps] == [longest[s.id] for s in p.steps]
    assert (p.budget_seconds, p.total_seconds) == (minutes * 60, 30 * 60)


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "Session length must be 1-240 minutes, not 0."),
        (1, "The low-back session needs at least 14 minutes; 1 is too short."),
        (241, "Session length must be 1-240 minutes, not 241."),
    ],
)
def test_a_budget_out_of_range_is_refused_in_one_sentence(minutes: int, message: str) -> None:
    with pytest.raises(AcupressError) as e:
        plan(minutes)
    assert str(e.value) == message


def test_the_minimum_with_points_left_out_says_so() -> None:
    with pytest.raises(AcupressError) as e:
        plan(9, decision=decision(pregnant=True))
    assert str(e.value) == (
        "The low-back session needs at least 10 minutes with the points left out today; "
        "9 is too short."
    )


def test_the_minimum_is_rounded_up_to_a_whole_minute(tmp_path: Path, book: atlas.Atlas) -> None:
    path = tmp_path / "zigzag.toml"
    path.write_text(CUSTOM.replace("min_seconds = 30", "min_seconds = 31", 1))  # 181 s in all
    with pytest.raises(AcupressError) as e:
        protocol.plan(protocol.load_file(path, book), book, 3)
    assert str(e.value) == "The zigzag session needs at least 4 minutes; 3 is too short."


def test_every_point_left_out_gives_every_reason() -> None:
    d = decision(pregnant=True, varicose_veins_or_clot_history=True, skin_problem_at=["KI3"])
    with pytest.raises(NoSessionToday) as e:
        plan(20, decision=d)
    assert str(e.value) == (
        f"No session today: every point of low-back is left out ({' '.join(d.reasons)})"
    )


def test_the_minimum_length_solo_and_with_a_partner(low_back: protocol.Protocol) -> None:
    book = atlas.default()
    assert protocol.minimum_seconds(low_back, book) == 14 * 60
    assert protocol.minimum_seconds(low_back, book, partner=True) == 13 * 60  # BL25 together


# --- postures ruled out ---------------------------------------------------------------------


def avoiding(*postures: str) -> safety.Decision:
    from dataclasses import replace

    return replace(decision(), decision="modified", avoid_postures=postures)


@pytest.mark.parametrize(
    ("avoid", "message"),
    [
        (
            ("sitting",),  # sitting has no replacement
            "No session today: step 'Close: back sweep' needs the posture 'sitting', "
            "which today's safety check rules out.",
        ),
        (
            ("prone", "sitting"),  # lying face down becomes sitting, ruled out too
            "No session today: step 'Prepare your space and body' needs the posture 'prone', "
            "which today's safety check rules out.",
        ),
    ],
)
def test_a_posture_ruled_out_without_a_replacement_means_no_session(
    avoid: tuple[str, ...], message: str
) -> None:
    with pytest.raises(NoSessionToday) as e:
        plan(20, decision=avoiding(*avoid))
    assert str(e.value) == message


# --- protocols written by a practitioner ------------------------------------------------------


def routine(
    tmp_path: Path, *steps: tuple[str, str | None, str], max_seconds: int = 60
) -> protocol.Protocol:
    """A protocol of the given steps (id, point or None, posture), each from 30 s."""
    lines = ['name = "routine"', 'title = "A routine"', 'summary = "For testing."']
    lines += ["default_minutes = 10", ""]
    for name in ("sitting", "prone", "supine"):
        lines += [f"[posture.{name}]", f'text = "{name}"', ""]
    for n, (step_id, point, posture) in enumerate(steps, 1):
        lines += ["[[step]]", f"number = {n}", f'id = "{step_id}"', f'title = "{step_id}"']
        lines += [f'posture = "{posture}"', 'technique = "Press."', "min_seconds = 30"]
        lines += [f"max_seconds = {max_seconds}"]
        lines += [f'point = "{point}"', 'pressure = "light"', ""] if point else [""]
    path = tmp_path / "routine.toml"
    path.write_text("\n".join(lines))
    return protocol.load_file(path, atlas.default())


def test_a_run_of_points_ends_in_the_posture_the_next_fixed_step_needs(tmp_path: Path) -> None:
    r = routine(
        tmp_path,
        ("start", None, "sitting"),
        ("knee", "BL40", "prone"),
        ("back", "BL23", "supine"),
        ("ankle", "KI3", "sitting"),
        ("end", None, "prone"),
    )
    steps = protocol.plan(r, atlas.default(), 10).steps
    assert [s.posture for s in steps] == ["sitting", "sitting", "sitting", "supine"] + ["prone"] * 3
    assert [s.id for s in steps] == ["start", "ankle", "ankle", "back", "knee", "knee", "end"]


def test_a_protocol_may_start_with_a_point(tmp_path: Path) -> None:
    r = routine(
        tmp_path,
        ("knee", "BL40", "prone"),
        ("ankle", "KI3", "sitting"),
        ("back", "BL23", "prone"),
        ("end", None, "sitting"),
    )
    steps = protocol.plan(r, atlas.default(), 10).steps
    assert [s.id for s in steps] == ["knee", "knee", "back", "ankle", "ankle", "end"]


def test_a_protocol_of_fixed_times_is_planned_as_written(tmp_path: Path) -> None:
    r = routine(tmp_path, ("breathe", None, "sitting"), ("back", "BL23", "prone"), max_seconds=30)
    p = protocol.plan(r, atlas.default(), 10)
    assert [s.seconds for s in p.steps] == [30, 30]


def test_a_protocol_without_points_is_refused_in_one_sentence(tmp_path: Path) -> None:
    r = routine(tmp_path, ("breathe", None, "sitting"))
    with pytest.raises(NoSessionToday, match=r"^No session today: every point of routine is left"):
        protocol.plan(r, atlas.default(), 10)


@pytest.mark.parametrize(
    ("given", "found"),
    [
        ("low-back", "builtin"),
        ("zigzag", "own"),
        ("routine", "cwd"),  # a file here, named without .toml
        ("elsewhere/zigzag.toml", "path"),
    ],
)
def test_a_protocol_is_found_by_name_or_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, found: str
) -> None:
    own = tmp_path / "protocols"
    own.mkdir()
    (own / "zigzag.toml").write_text(CUSTOM)
    (tmp_path / "routine").write_text(CUSTOM)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "zigzag.toml").write_text(CUSTOM)
    monkeypatch.chdir(tmp_path)
    expected = {
        "builtin": protocol.BUILTIN / "low-back.toml",
        "own": own / "zigzag.toml",
        "cwd": Path("routine"),
        "path": Path("elsewhere/zigzag.toml"),
    }[found]
    assert protocol.resolve(given, own) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("mine.toml", "Protocol file mine.toml does not exist."),
        ("nowhere/mine", "Protocol file nowhere/mine does not exist."),
        ("zigzog", "Unknown protocol 'zigzog': known protocols are low-back, zigzag."),
    ],
)
def test_a_protocol_not_found_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, message: str
) -> None:
    own = tmp_path / "protocols"
    own.mkdir()
    (own / "zigzag.toml").write_text(CUSTOM)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AcupressError) as e:
        protocol.resolve(given, own)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("a" * 300, f"Protocol file {'a' * 300} cannot be read (File name too long)."),
        (
            "~nobody-of-that-name/protocols/mine.toml",
            "Protocol file ~nobody-of-that-name/protocols/mine.toml cannot be read "
            "(there is no user ~nobody-of-that-name here).",
        ),
    ],
)
def test_a_protocol_name_that_cannot_be_a_file_is_named(
    tmp_path: Path, given: str, message: str
) -> None:
    with pytest.raises(AcupressError) as e:
        protocol.resolve(given, tmp_path)
    assert str(e.value) == message


def test_without_a_protocols_directory_the_built_in_ones_are_available(tmp_path: Path) -> None:
    builtin = {"low-back": protocol.BUILTIN / "low-back.toml"}
    assert protocol.available(None) == builtin
    assert protocol.available(tmp_path / "missing") == builtin


# --- what the session screen and the guide show --------------------------------------------


def test_a_steps_warnings_come_with_its_points_cautions_said_once(
    low_back: protocol.Protocol, book: atlas.Atlas
) -> None:
    from dataclasses import replace

    prepare, bl23 = low_back.steps[0], low_back.steps[1]
    assert protocol.warnings(prepare, None) == prepare.warnings
    assert protocol.warnings(bl23, book.get("BL23")) == book.get("BL23").cautions
    warned = replace(bl23, warnings=("abcdefghij",))
    point = replace(
        book.get("BL23"),
        cautions=(
            "ABCDEFGklm",  # 70 % like the step's warning: already said
            "abcdefklmn",  # 60 % alike: a caution of its own
            "abcdefghij",  # the step's warning itself
            "Press gently.",
            "Press gently.",
        ),
    )
    assert protocol.warnings(warned, point) == ("abcdefghij", "abcdefklmn", "Press gently.")


@pytest.mark.parametrize(
    ("side", "partner", "words"),
    [
        ("left", False, "left side"),
        ("right", False, "right side"),
        ("left", True, "your partner's left side"),
        ("right", True, "your partner's right side"),
        ("both", False, "both sides together"),
        ("both", True, "both sides together"),
        ("midline", False, "on the midline"),
        (None, False, ""),
        (None, True, ""),
    ],
)
def test_the_side_in_words(side: str | None, partner: bool, words: str) -> None:
    assert protocol.side_words(side, partner) == words


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0:00"),
        (-3, "0:00"),
        (0.4, "0:00"),
        (59.4, "0:59"),
        (59.6, "1:00"),
        (61, "1:01"),
        (870, "14:30"),
        (3600, "60:00"),
    ],
)
def test_a_duration_as_minutes_and_seconds(seconds: float, shown: str) -> None:
    assert protocol.minutes_seconds(seconds) == shown
