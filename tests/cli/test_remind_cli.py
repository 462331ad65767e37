"""`acupress remind`: a calendar file of morning sessions, and bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest

from tests.conftest import Result

Run = Callable[..., Result]


def event_in(path: Path) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    return event


def test_remind_writes_a_weekly_calendar_in_the_given_zone(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "acupressure.ics"
    r = run(
        "remind",
        "--out",
        str(out),
        "--time",
        "06:45",
        "--days",
        "mon,wed,fri",
        "--start",
        "2026-03-03",
        "--tz",
        "Europe/Paris",
    )
    assert r.code == 0, r.err
    assert "06:45-07:05 (Europe/Paris) on Mon, Wed, Fri, from Wed 4 Mar 2026" in r.out
    assert "rest: Tue, Thu, Sat, Sun" in r.out
    event = event_in(out)
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2026, 3, 4, 6, 45)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    assert event["DURATION"].dt == dt.timedelta(minutes=20)  # the protocol's default


def test_the_session_length_comes_from_the_profile_unless_given(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.ics"
    assert run("profile", "--minutes", "25").code == 0
    assert run("remind", "--out", str(out)).code == 0
    assert event_in(out)["DURATION"].dt == dt.timedelta(minutes=25)
    assert run("remind", "--out", str(out), "--minutes", "15").code == 0
    assert event_in(out)["DURATION"].dt == dt.timedelta(minutes=15)


def test_the_default_is_six_mornings_a_week_from_the_next_one(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.ics"
    assert run("remind", "--out", str(out)).code == 0
    event = event_in(out)
    assert event["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA"]
    start = event["DTSTART"].dt
    assert start.time() == dt.time(7, 30)
    assert start > dt.datetime.now(dt.UTC)
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_seven_days_a_week_is_refused_unless_insisted(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.ics"
    every_day = ("--days", "mon,tue,wed,thu,fri,sat,sun")
    r = run("remind", "--out", str(out), *every_day)
    assert r.code == 2
    assert r.err.startswith("Error: Keep at least one rest day a week")
    assert len(r.err.strip().splitlines()) == 1
    assert not out.exists()
    r = run("remind", "--out", str(out), *every_day, "--no-rest-day")
    assert r.code == 0, r.err
    assert event_in(out)["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--days", "mon,funday"), "'funday' is not one"),
        (("--time", "25:00"), "--time must be a time like 07:30 (24-hour clock), not '25:00'"),
        (("--start", "2026-02-30"), "--start must be a date like 2026-03-01, not '2026-02-30'"),
        (("--tz", "Mars/Olympus"), "not 'Mars/Olympus'"),
        (("--minutes", "0"), "--minutes must be a whole number from 1 to 240, not '0'."),
    ],
)
def test_bad_input_is_one_clear_error_and_writes_nothing(
    run: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "r.ics"
    r = run("remind", "--out", str(out), *args)
    assert r.code == 2
    assert message in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert not out.exists()


def test_an_unwritable_place_is_one_clear_error(run: Run, tmp_path: Path) -> None:
    r = run("remind", "--out", str(tmp_path / "missing" / "r.ics"))
    assert r.code == 2
    assert "Cannot write" in r.err


@pytest.fixture
def unnamed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's clock at UTC+9 by a POSIX rule, a zone with no name."""
    monkeypatch.setenv("TZ", "<+09>-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("unnamed_zone")
def test_a_zone_without_a_name_falls_back_to_utc(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.ics"
    r = run("remind", "--out", str(out), "--days", "mon,wed", "--start", "2026-03-02")
    assert r.code == 0, r.err
    assert "(UTC+09:00)" in r.out
    event = event_in(out)
    assert event["DTSTART"].dt == dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
    assert "TZID" not in event["DTSTART"].params
    assert event["RRULE"]["BYDAY"] == ["TU", "SU"]
