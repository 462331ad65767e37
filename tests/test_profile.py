from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from acupress import profile
from acupress.errors import AcupressError


@pytest.mark.parametrize("width", [0.0, 0.5, 4.5, -2.0])
def test_implausible_thumb_width_is_refused(width: float) -> None:
    with pytest.raises(AcupressError, match="not plausible"):
        profile.check_thumb_cm(width)


def test_a_new_user_has_an_empty_profile() -> None:
    assert profile.load() == profile.Profile()


def test_profile_round_trip() -> None:
    me = profile.Profile(thumb_cm=2.3, minutes=18, partner=True)
    profile.save(me)
    assert profile.load() == me


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"thumb_cm": "wide"}', "thumb_cm must be a number"),
        ('{"thumb_cm": 12}', "thumb_cm must be a number"),
        ('{"minutes": 2.5}', "minutes must be a whole number"),
        ('{"partner": "yes"}', "partner must be true or false"),
        ('{"thumbcm": 2}', "unknown field 'thumbcm'"),
        ("[1, 2]", "expected a JSON object"),
        ('{"thumb_cm": 2', "Expecting"),
    ],
)
def test_a_damaged_profile_names_the_file_and_the_problem(
    home: Path, content: str, problem: str
) -> None:
    home.mkdir(parents=True)
    (home / "profile.json").write_text(content)
    with pytest.raises(AcupressError, match=rf"profile\.json is damaged \({problem}"):
        profile.load()


def test_todays_answers_expire_at_midnight() -> None:
    answers: dict[str, Any] = {"pregnant": False}
    profile.save_check(answers, dt.date(2026, 3, 1))
    assert profile.todays_answers(dt.date(2026, 3, 1)) == answers
    assert profile.todays_answers(dt.date(2026, 3, 2)) is None


def test_the_check_keeps_its_conditions_in_the_profile() -> None:
    profile.save(profile.Profile(thumb_cm=2.1))
    profile.save_check({"pregnant": True}, dt.date(2026, 3, 2), ("pregnancy", "bleeding_risk"))
    me = profile.load()
    assert me.conditions == ("pregnancy", "bleeding_risk")
    assert me.checked_on == "2026-03-02"
    assert me.thumb_cm == 2.1  # the rest of the profile is untouched
