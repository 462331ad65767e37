"""Reminders as an iCalendar file (RFC 5545): a weekly morning session on chosen days,
with at least one rest day a week unless the person insists.

The guide's two rules behind it: morning sessions may help prevent flare-ups
(traditional advice), and daily pressure without a break leads to bruising.
icalendar is imported inside ``calendar`` only, so the command line starts fast."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from acupress.errors import AcupressError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import icalendar

    from acupress.trial import Schedule as TrialSchedule

Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEK: tuple[Weekday, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAYS = "mon,tue,wed,thu,fri,sat"
DEFAULT_TIME = "07:30"
PRODID = "-//acupress//acupress reminders//EN"
# UIDs are derived from the schedule, so importing the same schedule twice does not
# give two reminders.
ZONE_YEARS = 20  # the time zone rules written into the calendar
UID_NAMESPACE = uuid.UUID("6f1d0c55-2b7e-4f38-9a43-2c8d5e0b7a19")


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """When the sessions happen: a local time on some days of the week, from a first day
    (always one of those days), each session lasting ``minutes``."""

    at: dt.time
    days: tuple[Weekday, ...]
    start: dt.date
    minutes: int
    zone: dt.tzinfo

    @property
    def rest_days(self) -> tuple[Weekday, ...]:
        return tuple(d for d in WEEK if d not in self.days)


# --- parsing what a person types ------------------------------------------------------


def parse_days(text: str, what: str = "The days") -> tuple[Weekday, ...]:
    """'mon,tue,sat' (or 'mo', 'monday', any case) as weekdays in week order; ``what``
    names the field in the message."""
    chosen: set[Weekday] = set()
    for word in (w.strip().lower() for w in text.replace(" ", ",").split(",")):
        if not word:
            continue
        matches = [WEEK[i] for i, name in enumerate(DAY_NAMES) if _names_day(word, name)]
        if len(matches) != 1:
            raise AcupressError(
                f"{what} takes days of the week like mon,wed,fri; '{word}' is not one."
            )
        chosen.add(matches[0])
    if not chosen:
        raise AcupressError(f"{what} needs at least one day of the week, e.g. mon,wed,fri.")
    return tuple(d for d in WEEK if d in chosen)


def _names_day(word: str, name: str) -> bool:
    # "mo", "mon", "tues", "monday": a prefix of at least two letters.
    return len(word) >= 2 and name.startswith(word)


def parse_time(text: str, what: str = "The time") -> dt.time:
    """'07:30' or '7:30' (24-hour clock); ``what`` names the field in the message."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise AcupressError(f"{what} must be a time like 07:30 (24-hour clock), not '{text}'.")
    return dt.time(int(match[1]), int(match[2]))


def parse_zone(name: str, what: str = "The time zone") -> ZoneInfo:
    """A time zone by its IANA name; ``what`` names the field in the message."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise AcupressError(
            f"{what} must be a time zone name like Europe/Paris, not '{name}'."
        ) from None


def system_zone() -> ZoneInfo | None:
    """The computer's time zone by its IANA name (TZ, then /etc/localtime, then
    /etc/timezone), or None when it has no name that zoneinfo knows."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    candidates: list[str] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        # TZ rules the local time when set; a POSIX rule like '<+09>-9' has no name.
        candidates.append(env.split("zoneinfo/", 1)[-1])
    else:
        candidates.extend(_system_zone_names())
    for name in candidates:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def _system_zone_names() -> list[str]:
    names: list[str] = []
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    with contextlib.suppress(OSError, UnicodeDecodeError):
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    return names


# --- the schedule ---------------------------------------------------------------------

EARLIEST_START = dt.date(2000, 1, 1)  # before it, surely a typing slip
AHEAD = dt.timedelta(days=366)  # reminders start within a year


def check_start(start: dt.date, today: dt.date) -> dt.date:
    """A first day the calendar can use: not before 2000, not more than a year ahead."""
    if start < EARLIEST_START:
        raise AcupressError(f"The reminders cannot start on {start}, before 2000: check the year.")
    if start > today + AHEAD:
        raise AcupressError(
            f"The reminders cannot start on {start}, more than a year from now: "
            "choose a day within the next year."
        )
    return start


def first_day(days: Sequence[Weekday], on_or_after: dt.date) -> dt.date:
    """The first of the chosen weekdays on or after a date."""
    for offset in range(7):
        day = on_or_after + dt.timedelta(days=offset)
        if WEEK[day.weekday()] in days:
            return day
    raise ValueError("no days chosen")


def next_start(days: Sequence[Weekday], at: dt.time, now: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The first chosen day whose session is still to come: today if its time is later."""
    local = now.astimezone(zone)
    today_still = local.time() < at and WEEK[local.weekday()] in days
    return local.date() if today_still else first_day(days, local.date() + dt.timedelta(days=1))


def schedule(
    *,
    at: dt.time,
    days: Sequence[Weekday],
    start: dt.date,
    minutes: int,
    zone: dt.tzinfo,
    rest_day: bool = True,
) -> Schedule:
    """A checked schedule; the start moves on to the first chosen day.

    Without a rest day it is refused unless ``rest_day`` is False: the guide warns that
    daily pressure without a break leads to bruising."""
    chosen = tuple(d for d in WEEK if d in days)
    if not chosen:
        raise AcupressError("Choose at least one day of the week for the reminders.")
    if rest_day and len(chosen) == len(WEEK):
        raise AcupressError(
            "Keep at least one rest day a week: daily pressure without a break leads to "
            "bruising. Leave out a day with --days, or give --no-rest-day to insist."
        )
    if not 1 <= minutes <= 240:
        raise AcupressError(f"A session lasts 1 to 240 minutes, not {minutes}.")
    return Schedule(at=at, days=chosen, start=first_day(chosen, start), minutes=minutes, zone=zone)


def summary(s: Schedule, where: str) -> str:
    """One sentence saying what was written."""
    end = (dt.datetime.combine(s.start, s.at) + dt.timedelta(minutes=s.minutes)).time()
    days = ", ".join(DAY_NAMES[WEEK.index(d)][:3].capitalize() for d in s.days)
    rest = ", ".join(DAY_NAMES[WEEK.index(d)][:3].capitalize() for d in s.rest_days)
    zone = _zone_name(s.zone) or _offset(dt.datetime.combine(s.start, s.at, tzinfo=s.zone))
    return (
        f"Wrote {where}: {s.at:%H:%M}-{end:%H:%M} ({zone}) on {days}, from "
        f"{s.start:%a} {s.start.day} {s.start:%b %Y}; "
        + (f"rest: {rest}." if rest else "no rest day.")
        + " Open it with your calendar to add the reminders."
    )


# --- the calendar ---------------------------------------------------------------------


def description(s: Schedule, points: Sequence[str]) -> str:
    """What to do when the reminder comes, in plain words."""
    lines = [
        f"Your acupressure session for low back pain ({s.minutes} min).",
        "",
        "1. Safety check first: run 'acupress check'. If it sends you to a clinician or to "
        "emergency care, do that instead of the session.",
        "2. Then the session: 'acupress session' guides you point by point, with the side, "
        "pressure and time of each ('acupress plan' shows the plan).",
        "",
        *([f"The points: {', '.join(points)}."] if points else []),
        "Start gently; pressure should feel like a deep, dull ache, never sharp pain. "
        "Stop if you feel dizzy.",
        "",
        "Morning sessions may help prevent flare-ups during the day (traditional advice, "
        "not a tested effect).",
    ]
    if s.rest_days:
        rest = ", ".join(DAY_NAMES[WEEK.index(d)].capitalize() for d in s.rest_days)
        lines.append(f"Rest day{'s' if len(s.rest_days) > 1 else ''}: {rest}.")
    else:
        lines.append(
            "This schedule has no rest day: daily pressure without a break can bruise. "
            "Check the points each day and rest when they are tender."
        )
    return "\n".join(lines)


def calendar(
    s: Schedule,
    *,
    now: dt.datetime,
    title: str = "Acupressure",
    points: Sequence[str] = (),
    trial: TrialSchedule | None = None,
    rate_at: dt.time = dt.time(20, 0),
) -> bytes:
    """The schedule as an RFC 5545 calendar: one weekly recurring event with an alarm.
    With a personal ``trial``: no session reminder on its usual-care days, an all-day
    event for each of its weeks saying which kind it is, and a daily rating reminder.

    DTSTART carries the zone's name (TZID, with its VTIMEZONE) when it has one; a zone
    without a name (a bare UTC offset) is written in UTC, days shifted if need be."""
    import icalendar

    local_start = dt.datetime.combine(s.start, s.at, tzinfo=s.zone)
    days = s.days
    if _zone_name(s.zone) is None:
        utc_start = local_start.astimezone(dt.UTC)
        shift = (utc_start.date() - s.start).days
        days = tuple(WEEK[(WEEK.index(d) + shift) % 7] for d in s.days)
        days = tuple(d for d in WEEK if d in days)
        start: dt.datetime = utc_start
    else:
        start = local_start

    zone_id = _zone_name(s.zone) or str(local_start.utcoffset())
    key = f"{s.start} {s.at} {','.join(s.days)} {s.minutes} {zone_id}"
    text = description(s, points)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "acupress")

    event = icalendar.Event()
    event.add("uid", f"{uuid.uuid5(UID_NAMESPACE, key)}@acupress")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("duration", dt.timedelta(minutes=s.minutes))
    event.add("rrule", {"freq": "weekly", "byday": list(days)})
    event.add("summary", f"{title}: morning session")
    event.add("description", text)
    event.add("categories", ["Health"])

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(0))
    alarm.add(
        "description", "Time for your acupressure session: safety check first (acupress check)."
    )
    event.add_component(alarm)
    if trial is not None:
        _add_trial(cal, event, s, trial, rate_at, now)
    cal.add_component(event)
    if _zone_name(s.zone) is not None:
        # The zone's rules for the years the reminders will run, not its whole history.
        cal.add_missing_timezones(
            first_date=s.start - dt.timedelta(days=1),
            last_date=dt.date(s.start.year + ZONE_YEARS, 1, 1),
        )
    ics: bytes = cal.to_ical()
    return ics


def _add_trial(
    cal: icalendar.Calendar,
    sessions: icalendar.Event,
    s: Schedule,
    trial: TrialSchedule,
    rate_at: dt.time,
    now: dt.datetime,
) -> None:
    import icalendar

    named = _zone_name(s.zone) is not None

    def moment(day: dt.date, at: dt.time) -> dt.datetime:
        local = dt.datetime.combine(day, at, tzinfo=s.zone)
        return local if named else local.astimezone(dt.UTC)

    skipped = [
        moment(p.start + dt.timedelta(days=n), s.at)
        for p in trial.periods
        if p.arm == "usual_care"
        for n in range(7)
        if WEEK[(p.start + dt.timedelta(days=n)).weekday()] in s.days
        and p.start + dt.timedelta(days=n) >= s.start
    ]
    if skipped:
        sessions.add("exdate", skipped)
    for p in trial.periods:
        week = icalendar.Event()
        week.add(
            "uid",
            f"{uuid.uuid5(UID_NAMESPACE, f'trial {trial.start} {trial.seed} {p.week}')}@acupress",
        )
        week.add("dtstamp", now.astimezone(dt.UTC))
        week.add("dtstart", p.start)
        week.add("dtend", p.end + dt.timedelta(days=1))
        if p.arm == "acupressure":
            what = "acupressure week: your routine on your usual days"
        else:
            what = "usual-care week: no acupressure"
        week.add("summary", f"Trial week {p.week} of {trial.weeks}: {what}")
        week.add("description", "Rate your day every day: 'acupress rate'.")
        week.add("transp", "TRANSPARENT")
        cal.add_component(week)
    rating = icalendar.Event()
    rating.add("uid", f"{uuid.uuid5(UID_NAMESPACE, f'rating {trial.start} {trial.seed}')}@acupress")
    rating.add("dtstamp", now.astimezone(dt.UTC))
    rating.add("dtstart", moment(trial.start, rate_at))
    rating.add("duration", dt.timedelta(minutes=2))
    rating.add("rrule", {"freq": "daily", "count": trial.weeks * 7})
    rating.add("summary", "Rate your day (PEG): acupress rate")
    rating.add(
        "description",
        "Three questions, 0-10: pain today, and how much it interfered with enjoying life "
        "and with general activity. Every day of your trial, whether or not you practised.",
    )
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(0))
    alarm.add("description", "Rate your day: acupress rate")
    rating.add_component(alarm)
    cal.add_component(rating)


def _offset(moment: dt.datetime) -> str:
    """'UTC+09:00'."""
    minutes = round((moment.utcoffset() or dt.timedelta(0)).total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_name(zone: dt.tzinfo) -> str | None:
    from zoneinfo import ZoneInfo

    return zone.key if isinstance(zone, ZoneInfo) and zone.key else None
