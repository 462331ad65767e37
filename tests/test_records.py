"""Pain scores, sensations and whole sessions: any input is either accepted as what it
says or refused with one clear sentence, never a crash."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas
from acupress.actions import parse_sensations
from acupress.errors import AcupressError
from acupress.records import (
    SENSATIONS,
    InvalidSession,
    SessionLog,
    StepLog,
    check_pain,
    check_session,
)


@given(st.integers())
def test_a_pain_score_is_a_whole_number_from_0_to_10(value: int) -> None:
    if 0 <= value <= 10:
        assert check_pain(value) == value
    else:
        with pytest.raises(AcupressError, match="from 0 \\(none\\) to 10 \\(worst\\)"):
            check_pain(value)


@given(st.one_of(st.floats(), st.booleans(), st.text(), st.none()))
def test_anything_but_a_whole_number_is_refused_as_a_pain_score(value: object) -> None:
    with pytest.raises(AcupressError):
        check_pain(value)  # type: ignore[arg-type]


@given(st.text())
def test_any_sensations_text_is_parsed_or_refused_clearly(text: str) -> None:
    try:
        felt = parse_sensations(text)
    except AcupressError as e:
        assert str(e).endswith(".") and "\n" not in str(e)
        return
    assert felt and set(felt) <= set(SENSATIONS)
    assert "none" not in felt or felt == ("none",)


def test_sensations_are_read_as_a_list() -> None:
    assert parse_sensations("Warmth, ache ache") == ("warmth", "ache")
    assert parse_sensations("") == ("none",)
    with pytest.raises(AcupressError, match="Unknown sensation 'heat'"):
        parse_sensations("heat")


# --- a whole session --------------------------------------------------------------------

NOW = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
START = NOW - dt.timedelta(hours=2)
CODES = atlas.default().codes
STEP = StepLog(
    position=0,
    step=2,
    step_id="bl23",
    point="BL23",
    side="both",
    pressure="light",
    planned_seconds=60,
    seconds=60.0,
    skipped=False,
    completed_at=START + dt.timedelta(minutes=1),
)
GOOD = SessionLog(
    id=None,
    uid="3f2b8a5e-8c1d-4e6f-9a7b-0c1d2e3f4a5b",
    started_at=START,
    day=START.date(),
    protocol="low-back",
    source="guided",
    pain_before=6,
    pain_after=4,
    points=("BL23",),
    seconds=60,
    steps=(STEP,),
    note="fine",
    ended_at=START + dt.timedelta(minutes=20),
    complete=True,
)


def problem(**changes: Any) -> str:
    with pytest.raises(InvalidSession) as refused:
        check_session(replace(GOOD, **changes), now=NOW, codes=CODES)
    return f"{refused.value.field}: {refused.value.problem}"


def test_a_session_that_could_have_happened_passes() -> None:
    assert check_session(GOOD, now=NOW, codes=CODES) is GOOD
    edges = replace(
        GOOD,
        day=dt.date(2000, 1, 1),
        started_at=dt.datetime(2000, 1, 1, 8, tzinfo=dt.UTC),
        seconds=86_400,
        note="x" * 2000,
        pain_before=0,
        pain_after=10,
        ended_at=NOW + dt.timedelta(days=1),
    )
    assert check_session(edges, now=NOW, codes=CODES) is edges


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"pain_before": 11}, "pain_before: must be a pain score from 0 to 10, not 11"),
        ({"pain_after": -1}, "pain_after: must be a pain score from 0 to 10, not -1"),
        ({"pain_after": True}, "pain_after: must be a pain score from 0 to 10, not True"),
        ({"day": dt.date(1999, 12, 31)}, "day: must be from 2000-01-01 to today, not 1999-12-31"),
        ({"day": dt.date(2026, 3, 12)}, "day: must be from 2000-01-01 to today, not 2026-03-12"),
        ({"day": dt.date(2026, 3, 1)}, "day: must be the day it started"),
        (
            {"started_at": NOW + dt.timedelta(days=1, seconds=1)},
            "started_at: must not be in the future, not 2026-03-11T20:00:01+01:00",
        ),
        ({"ended_at": dt.datetime(1999, 1, 1, tzinfo=dt.UTC)}, "ended_at: must be from 2000"),
        ({"seconds": 86_401}, "seconds: must be from 0 to 86400 (a day), not 86401"),
        ({"seconds": -1}, "seconds: must be from 0 to 86400 (a day), not -1"),
        ({"points": ("BL23", "ZZ9")}, "points: must be points of the atlas, not 'ZZ9'"),
        ({"note": "x" * 2001}, "note: can be at most 2000 characters, not 2001"),
        ({"stop_note": "x" * 100_000}, "stop_note: can be at most 2000 characters, not 100000"),
        ({"protocol": ""}, "protocol: must be a name of 1 to 100 characters"),
        ({"uid": "12"}, "uid: must be a UUID, not '12'"),
        ({"sensations": ("heat",)}, "sensations: must be warmth, ache, tingling, none, not 'heat'"),
        ({"steps": (replace(STEP, point="ZZ9"),)}, "steps[0].point: must be a point of the atlas"),
        ({"steps": (replace(STEP, seconds=float("nan")),)}, "steps[0].seconds: must be from 0"),
        ({"steps": (replace(STEP, planned_seconds=2**63),)}, "steps[0].planned_seconds: must"),
        ({"steps": (STEP,) * 1001}, "steps: can be at most 1000, not 1001"),
    ],
)
def test_a_session_that_cannot_be_right_names_the_field(
    changes: dict[str, Any], expected: str
) -> None:
    assert problem(**changes).startswith(expected)


def test_the_sentence_says_which_field_in_words() -> None:
    with pytest.raises(AcupressError) as refused:
        check_session(replace(GOOD, pain_after=13), now=NOW, codes=CODES)
    assert (
        str(refused.value) == "The session's pain after must be a pain score from 0 to 10, not 13."
    )


MOMENTS = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)
)


@given(
    day=st.dates(),
    started_at=MOMENTS,
    ended_at=st.none() | MOMENTS,
    pain=st.none() | st.integers(),
    seconds=st.integers(),
    points=st.lists(st.text(max_size=5) | st.sampled_from(CODES), max_size=3),
    note=st.text(max_size=2100),
    step_seconds=st.floats(),
)
def test_any_session_is_passed_or_refused_with_its_field(
    day: dt.date,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    pain: int | None,
    seconds: int,
    points: list[str],
    note: str,
    step_seconds: float,
) -> None:
    log = replace(
        GOOD,
        day=day,
        started_at=started_at,
        ended_at=ended_at,
        pain_after=pain,
        seconds=seconds,
        points=tuple(points),
        note=note,
        steps=(replace(STEP, seconds=step_seconds),),
    )
    try:
        check_session(log, now=NOW, codes=CODES)
    except InvalidSession as e:
        assert e.field and str(e).startswith("The session's ") and str(e).endswith(".")


def test_a_step_made_from_its_values_is_the_step_made_from_its_fields() -> None:
    import dataclasses

    from acupress.records import StepLog

    at = dt.datetime(2026, 3, 2, 7, 31, tzinfo=dt.UTC)
    made = StepLog(
        position=1,
        step=2,
        step_id="bl23",
        point="BL23",
        side="left",
        pressure="firm",
        planned_seconds=60,
        seconds=58.5,
        skipped=False,
        completed_at=at,
    )
    values = (1, 2, "bl23", "BL23", "left", "firm", 60, 58.5, False, at)
    fast = StepLog.from_values(values)
    assert fast == made and hash(fast) == hash(made) and repr(fast) == repr(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.seconds = 0  # type: ignore[misc]
    with pytest.raises(ValueError):
        StepLog.from_values(values[:-1])
