"""Reminders: the schedule rules, and a calendar that other programs read back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from acupress import reminders
from acupress.errors import AcupressError
from acupress.reminders import Schedule

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 2, 27, 12, 0, tzinfo=dt.UTC)
POINTS = ["BL23 Shenshu", "BL25 Dachangshu", "GV4 Mingmen", "BL40 Weizhong", "KI3 Taixi"]


def weekly(
    days: str = "mon,tue,wed,thu,fri,sat",
    at: str = "07:30",
    start: dt.date = dt.date(2026, 3, 1),
    zone: dt.tzinfo = PARIS,
    minutes: int = 20,
    rest_day: bool = True,
) -> Schedule:
    return reminders.schedule(
        at=reminders.parse_time(at),
        days=reminders.parse_days(days),
        start=start,
        minutes=minutes,
        zone=zone,
        rest_day=rest_day,
    )


def event_of(ics: bytes) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return event


# --- parsing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon,wed,fri", ("MO", "WE", "FR")),
        ("Friday, mo,TUES", ("MO", "TU", "FR")),
        ("sun sat sat", ("SA", "SU")),
    ],
)
def test_days_are_read_in_any_spelling_and_kept_in_week_order(
    text: str, days: tuple[str, ...]
) -> None:
    assert reminders.parse_days(text) == days


@pytest.mark.parametrize("text", ["mon,funday", "t", "mon,,x", ""])
def test_a_bad_day_name_is_one_error_naming_it(text: str) -> None:
    with pytest.raises(AcupressError, match="--days"):
        reminders.parse_days(text, "--days")


def test_a_day_name_is_named_in_the_error() -> None:
    with pytest.raises(AcupressError, match="'funday' is not one"):
        reminders.parse_days("mon,funday")


@pytest.mark.parametrize("text", ["25:00", "7h30", "07:60", "", "noon"])
def test_a_bad_time_is_one_error_naming_it(text: str) -> None:
    with pytest.raises(AcupressError, match=f"--time must be a time like 07:30.*'{text}'"):
        reminders.parse_time(text, "--time")


def test_times_with_or_without_a_leading_zero() -> None:
    assert reminders.parse_time("7:05") == reminders.parse_time("07:05") == dt.time(7, 5)


@pytest.mark.parametrize("name", ["Mars/Olympus", "a" * 300, "../../etc/passwd", ""])
def test_an_unknown_zone_is_one_error(name: str) -> None:
    with pytest.raises(AcupressError) as e:
        reminders.parse_zone(name, "--tz")
    assert str(e.value) == f"--tz must be a time zone name like Europe/Paris, not '{name}'."


# --- the schedule ---------------------------------------------------------------------


def test_every_day_is_refused_for_want_of_a_rest_day() -> None:
    with pytest.raises(AcupressError, match=r"at least one rest day.*--no-rest-day"):
        weekly("mon,tue,wed,thu,fri,sat,sun")


def test_every_day_is_allowed_when_the_person_insists() -> None:
    s = weekly("mon,tue,wed,thu,fri,sat,sun", rest_day=False)
    assert s.rest_days == ()
    assert "no rest day" in reminders.description(s, POINTS)


def test_the_start_moves_on_to_the_first_chosen_day() -> None:
    # 2026-03-01 is a Sunday: the first session is on the Monday.
    assert weekly(start=dt.date(2026, 3, 1)).start == dt.date(2026, 3, 2)
    assert weekly("wed", start=dt.date(2026, 3, 2)).start == dt.date(2026, 3, 4)


def test_the_next_start_is_today_only_if_the_time_is_still_to_come() -> None:
    days = reminders.parse_days("mon,tue,wed,thu,fri,sat")
    at = dt.time(7, 30)
    monday_early = dt.datetime(2026, 3, 2, 6, 0, tzinfo=PARIS)
    monday_late = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
    saturday_late = dt.datetime(2026, 3, 7, 9, 0, tzinfo=PARIS)
    assert reminders.next_start(days, at, monday_early, PARIS) == dt.date(2026, 3, 2)
    assert reminders.next_start(days, at, monday_late, PARIS) == dt.date(2026, 3, 3)
    assert reminders.next_start(days, at, saturday_late, PARIS) == dt.date(2026, 3, 9)


# --- the calendar ---------------------------------------------------------------------


def test_the_calendar_reads_back_with_a_weekly_rule_and_an_alarm() -> None:
    ics = reminders.calendar(weekly(), now=NOW, title="Acupressure", points=POINTS)
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0"
    assert "acupress" in str(cal["PRODID"])
    event = event_of(ics)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA"]
    start = event["DTSTART"].dt
    assert start == dt.datetime(2026, 3, 2, 7, 30, tzinfo=PARIS)
    assert start.tzinfo.key == "Europe/Paris"  # type: ignore[union-attr]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DURATION"].dt == dt.timedelta(minutes=20)
    assert event["DTSTAMP"].dt == NOW
    assert str(event["UID"]).endswith("@acupress")
    assert "morning session" in str(event["SUMMARY"])
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert "safety check" in str(alarm["DESCRIPTION"])
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"


def test_the_description_says_what_to_do() -> None:
    text = str(event_of(reminders.calendar(weekly(), now=NOW, points=POINTS))["DESCRIPTION"])
    assert text.index("acupress check") < text.index("acupress session")
    assert "BL23 Shenshu, BL25 Dachangshu, GV4 Mingmen, BL40 Weizhong, KI3 Taixi" in text
    assert "traditional" in text
    assert "Rest day: Sunday." in text


def test_the_same_schedule_gives_the_same_calendar() -> None:
    one = reminders.calendar(weekly(), now=NOW, points=POINTS)
    assert one == reminders.calendar(weekly(), now=NOW, points=POINTS)
    other = reminders.calendar(weekly(at="08:00"), now=NOW, points=POINTS)
    assert event_of(one)["UID"] != event_of(other)["UID"]


def test_occurrences_fall_on_the_chosen_days_at_the_local_time_across_summer_time() -> None:
    ics = reminders.calendar(weekly("mon,wed,fri"), now=NOW)
    cal = icalendar.Calendar.from_ical(ics)
    found = recurring_ical_events.of(cal).between(dt.date(2026, 3, 20), dt.date(2026, 4, 4))
    starts = [e["DTSTART"].dt for e in found]
    assert [s.strftime("%a %d") for s in starts] == [
        "Fri 20",
        "Mon 23",
        "Wed 25",
        "Fri 27",
        "Mon 30",
        "Wed 01",
        "Fri 03",
    ]
    assert {s.astimezone(PARIS).time() for s in starts} == {dt.time(7, 30)}
    # Paris moves to summer time on 29 March: the UTC hour changes, the local one not.
    assert {s.utcoffset() for s in starts} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def test_a_zone_without_a_name_is_written_in_utc_with_the_days_shifted() -> None:
    tokyo_offset = dt.timezone(dt.timedelta(hours=9))
    s = weekly("mon,wed", zone=tokyo_offset, start=dt.date(2026, 3, 2))
    ics = reminders.calendar(s, now=NOW)
    assert b"VTIMEZONE" not in ics and b"TZID" not in ics
    event = event_of(ics)
    # 07:30 on Monday at +09:00 is 22:30 on Sunday in UTC.
    assert event["DTSTART"].dt == dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
    assert event["RRULE"]["BYDAY"] == ["TU", "SU"]  # Wednesday's session is Tuesday in UTC
    cal = icalendar.Calendar.from_ical(ics)
    found = recurring_ical_events.of(cal).between(dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    local = [e["DTSTART"].dt.astimezone(tokyo_offset) for e in found]
    assert {t.strftime("%a %H:%M") for t in local} == {"Mon 07:30", "Wed 07:30"}


def test_a_second_independent_parser_reads_the_calendar() -> None:
    import ics as ics_library

    text = reminders.calendar(weekly(), now=NOW, title="Acupressure", points=POINTS).decode()
    (event,) = ics_library.Calendar(text).events
    assert event.name == "Acupressure: morning session"
    assert event.begin.datetime == dt.datetime(2026, 3, 2, 7, 30, tzinfo=PARIS)
    assert event.duration == dt.timedelta(minutes=20)
    (alarm,) = event.alarms
    assert type(alarm).__name__ == "DisplayAlarm"
    assert "acupress check" in (event.description or "")


def test_the_system_zone_is_found_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    assert reminders.system_zone() == PARIS
    monkeypatch.setenv("TZ", ":America/New_York")
    assert reminders.system_zone() == ZoneInfo("America/New_York")
    monkeypatch.setenv("TZ", "<+09>-9")  # a POSIX rule: an offset without a name
    assert reminders.system_zone() is None


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (dt.date(2000, 1, 1), None),
        (
            dt.date(1999, 12, 31),
            "The reminders cannot start on 1999-12-31, before 2000: check the year.",
        ),
        (dt.date(2027, 3, 2), None),  # a year and a day after 2026-03-01
        (
            dt.date(2027, 3, 3),
            "The reminders cannot start on 2027-03-03, more than a year from now: "
            "choose a day within the next year.",
        ),
    ],
)
def test_reminders_start_no_earlier_than_2000_and_within_a_year(
    start: dt.date, message: str | None
) -> None:
    today = dt.date(2026, 3, 1)
    if message is None:
        assert reminders.check_start(start, today) == start
    else:
        with pytest.raises(AcupressError) as e:
            reminders.check_start(start, today)
        assert str(e.value) == message
