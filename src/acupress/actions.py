"""What a person does with acupress, as functions every front end calls: the command line
and the web app both parse their input, call these, and show the result.

Each function takes the moment it acts at (``today``, ``now``) as an argument, opens the
journal or the profile only when it must, and raises AcupressError with one sentence
when the request cannot be done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from acupress.errors import AcupressError
from acupress.records import EARLIEST_DAY
from acupress.records import NOTE_MAX as NOTE_MAX  # the web forms read it from here

if TYPE_CHECKING:
    from acupress.atlas import Atlas, Pressure
    from acupress.journal import Journal
    from acupress.profile import Profile
    from acupress.progress import Progress
    from acupress.protocol import Adjustment, Plan, Protocol
    from acupress.records import Event, Sensation, SessionLog
    from acupress.reminders import Schedule, Weekday
    from acupress.safety import Answers, Decision

ExportFormat = Literal["csv", "json", "fhir"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "fhir")


# --- protocols, today's check and the plan --------------------------------------------


def load_protocol(name_or_path: str, book: Atlas) -> Protocol:
    from acupress import paths, protocol

    return protocol.load_file(protocol.resolve(name_or_path, paths.protocols_dir()), book)


def saved_answers(book: Atlas, today: dt.date) -> Answers | None:
    """The safety answers saved today, or None (no check today, or the questions changed
    since and it must be done again)."""
    from acupress import profile, safety

    saved = profile.todays_answers(today)
    if saved is None:
        return None
    try:
        return safety.parse_answers(saved, safety.default_screening(), book)
    except AcupressError:
        return None


def decide(answers: Answers, book: Atlas) -> Decision:
    from acupress import safety

    return safety.decide(answers, safety.default_screening(), book)


def combined(check: Decision | None, found: Progress) -> Decision | None:
    """Today's decision: the check's (None when not done today) together with the
    journal's standing flags (a professional to see, a session stopped today)."""
    from acupress import safety, today

    return today.decide(check, found.flags, safety.default_screening())


def todays_decision(book: Atlas, today: dt.date, found: Progress | None = None) -> Decision | None:
    """Today's decision from the check done today and the journal; None when the check
    has not been done today and nothing in the journal stops a session."""
    answers = saved_answers(book, today)
    check = None if answers is None else decide(answers, book)
    return combined(check, found if found is not None else progress_now(today))


def record_check(answers: Answers, book: Atlas, today: dt.date) -> Decision:
    """Decide on today's answers and keep them (and what they found) for the day; returns
    the check's own decision (``combined`` adds the journal's)."""
    from acupress import profile, safety

    decision = decide(answers, book)
    profile.save_check(safety.answers_to_json(answers), today, decision.rules)
    return decision


def check_answers(answers: Answers, book: Atlas, today: dt.date) -> Decision:
    """Keep today's answers, and return today's decision: the check's, with the journal's
    standing flags."""
    decision = combined(record_check(answers, book, today), progress_now(today))
    assert decision is not None
    return decision


def check(raw: Any, book: Atlas, today: dt.date) -> tuple[Answers, Decision]:
    """The safety check from raw answers (a mapping of question id to answer)."""
    from acupress import safety

    answers = safety.parse_answers(raw, safety.default_screening(), book)
    return answers, check_answers(answers, book, today)


def journal_exists() -> bool:
    """Whether there is a journal to read, without creating one (or importing SQL)."""
    from acupress import paths, settings

    return bool(settings.given("database_url")) or (paths.home() / "journal.db").exists()


def open_journal() -> Journal:
    from acupress import settings
    from acupress.journal import Journal

    return Journal(settings.database_url())


def scratch_journal() -> Journal:
    """A journal in memory, gone when closed: where a demonstration session is run."""
    from acupress.journal import Journal

    return Journal("sqlite://")


def progress_now(today: dt.date, db: Journal | None = None) -> Progress:
    """The journal's progress today (a new person, with no journal yet, has none)."""
    from acupress import progress

    if db is not None:
        return progress.from_journal(db, today)
    if not journal_exists():
        return progress.analyse([], today, progress.default_rules())
    with open_journal() as db:
        return progress.from_journal(db, today)


def adjustment(today: dt.date, db: Journal | None = None) -> Adjustment:
    """How the journal changes the next session (a new person starts gentle)."""
    return progress_now(today, db).adjustment


def seen_professional(note: str, now: dt.datetime, db: Journal | None = None) -> Event:
    """Record that a professional has seen the person and told them to go on: the
    see-a-professional rules start counting again from now."""
    import uuid

    from acupress.records import Event

    at = now.astimezone()
    event = Event(
        id=None,
        uid=str(uuid.uuid4()),
        kind="seen_professional",
        at=at,
        day=at.date(),
        note=check_note(note),
    )
    if db is not None:
        return db.add_event(event)
    with open_journal() as opened:
        return opened.add_event(event)


def fitted_plan(
    chosen: Protocol,
    book: Atlas,
    me: Profile,
    minutes: int | None,
    partner: bool | None,
    decision: Decision | None,
    adjusted: Adjustment,
) -> Plan:
    """The plan for now: the options given, else the profile's, else the protocol's."""
    import math

    from acupress import protocol

    with_partner = me.partner if partner is None else partner
    if minutes is None and me.minutes is not None:
        shortest = math.ceil(protocol.minimum_seconds(chosen, book, with_partner) / 60)
        if me.minutes < shortest:
            raise AcupressError(
                f"Your usual session length in your profile ({me.minutes} minutes) is shorter "
                f"than the shortest {chosen.name} session ({shortest} minutes): change it to "
                f"{shortest} or more (acupress profile --minutes {shortest}, or Settings)."
            )
    return protocol.plan(
        chosen,
        book,
        minutes or me.minutes or chosen.default_minutes,
        decision,
        partner=with_partner,
        adjustment=adjusted,
    )


# --- the journal ----------------------------------------------------------------------


def parse_day(text: str, what: str = "--date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AcupressError(f"{what} must be a date like 2026-03-01, not '{text}'.") from None


def parse_clock_time(text: str, what: str = "--time") -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise AcupressError(f"{what} must be a time like 07:30, not '{text}'.") from None


def parse_points(text: str) -> tuple[str, ...]:
    from acupress import atlas

    book = atlas.default()
    codes = [c for c in text.replace(" ", ",").split(",") if c]
    return tuple(dict.fromkeys(book.get(c).code for c in codes))


def parse_sensations(text: str) -> tuple[Sensation, ...]:
    from acupress.records import SENSATIONS

    words = [w.strip().lower() for w in text.replace(",", " ").split() if w.strip()]
    for w in words:
        if w not in SENSATIONS:
            raise AcupressError(
                f"Unknown sensation '{w}': choose from {', '.join(SENSATIONS)}, comma-separated."
            )
    chosen = tuple(dict.fromkeys(words)) or ("none",)
    if "none" in chosen and len(chosen) > 1:
        raise AcupressError("'none' cannot go with other sensations.")
    return chosen  # type: ignore[return-value]


def day_range(
    since: dt.date | None, until: dt.date | None, names: tuple[str, str] = ("--from", "--to")
) -> tuple[dt.date | None, dt.date | None]:
    if since and until and since > until:
        raise AcupressError(f"{names[0]} {since} is after {names[1]} {until}: nothing could match.")
    return since, until


def local_start(day: dt.date, at: dt.time | None, now: dt.datetime) -> dt.datetime:
    """The moment a hand-logged session started: at the given time, else now if it was
    today, else noon; in the local time zone."""
    if at is None:
        at = now.time() if day == now.date() else dt.time(12, 0)
    return dt.datetime.combine(day, at).astimezone()


def manual_session(
    *,
    day: dt.date,
    at: dt.time | None,
    pain_before: int,
    pain_after: int,
    points: tuple[str, ...],
    minutes: int | None,
    note: str,
    protocol: str,
    now: dt.datetime,
    pressure: Pressure | None = None,
) -> SessionLog:
    """A session done without acupress guiding it, checked and ready to store. The
    pressure used (the most at any point) tells how to lighten the next session if this
    one left more pain."""
    from acupress import atlas
    from acupress.records import SessionLog, check_pain, check_session

    check_day(day)
    started = local_start(day, at, now)
    if started > now:
        raise AcupressError(
            f"{started:%Y-%m-%d %H:%M} is in the future; log sessions already done."
        )
    check_minutes(minutes)
    log = SessionLog(
        id=None,
        started_at=started,
        day=started.date(),
        protocol=protocol,
        source="manual",
        pain_before=check_pain(pain_before, "Pain before"),
        pain_after=check_pain(pain_after, "Pain after"),
        points=points,
        seconds=(minutes or 0) * 60,
        note=check_note(note),
        complete=True,
        ended_at=started + dt.timedelta(minutes=minutes or 0),
        pressure=check_pressure(pressure),
    )
    return check_session(log, now=now, codes=atlas.default().codes)


def check_pressure(pressure: str | None) -> Pressure | None:
    from acupress.atlas import PRESSURES

    if pressure is not None and pressure not in PRESSURES:
        raise AcupressError(
            f"The pressure must be light, moderate or firm, not '{str(pressure)[:20]}'."
        )
    return pressure


def check_day(day: dt.date) -> dt.date:
    """A session's day: a year before 2000 is surely a typing slip."""
    if day < EARLIEST_DAY:
        raise AcupressError(f"{day} is too long ago for a session; check the year.")
    return day


def check_note(note: str, what: str = "A note") -> str:
    if len(note) > NOTE_MAX:
        raise AcupressError(f"{what} can be at most {NOTE_MAX} characters, not {len(note)}.")
    return note


def check_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= 240:
        raise AcupressError(f"Minutes must be a whole number from 1 to 240, not {minutes}.")
    return minutes


def shortest_minutes(chosen: Protocol, book: Atlas) -> int:
    """A protocol's shortest session in whole minutes, alone or with a partner."""
    import math

    from acupress import protocol

    low = max(protocol.minimum_seconds(chosen, book, partner) for partner in (False, True))
    return math.ceil(low / 60)


def check_usual_minutes(minutes: int | None, protocol_name: str = "low-back") -> int | None:
    """A usual session length to keep in the profile: 1-240 minutes, and never shorter than
    the protocol's shortest session, so every plan made from it can be done."""
    from acupress import atlas

    if check_minutes(minutes) is None:
        return None
    assert minutes is not None
    book = atlas.default()
    chosen = load_protocol(protocol_name, book)
    shortest = shortest_minutes(chosen, book)
    if minutes < shortest:
        raise AcupressError(
            f"The shortest {chosen.name} session is {shortest} minutes: give a usual session "
            f"length of {shortest} minutes or more, not {minutes}."
        )
    return minutes


@dataclass(frozen=True, kw_only=True)
class Edit:
    """What to change in a journal entry; None leaves a field as it is."""

    day: dt.date | None = None
    at: dt.time | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    points: tuple[str, ...] | None = None
    minutes: int | None = None
    note: str | None = None
    pressure: Pressure | None = None


def edit_session(db: Journal, session_id: int, edit: Edit, now: dt.datetime) -> SessionLog:
    """Correct a session in the journal; returns it as stored. The session as it would
    be is checked like a new one before anything is written."""
    from dataclasses import replace

    from acupress import atlas
    from acupress.records import check_pain, check_session

    changes: dict[str, Any] = {}
    if edit.pain_before is not None:
        changes["pain_before"] = check_pain(edit.pain_before, "Pain before")
    if edit.pain_after is not None:
        changes["pain_after"] = check_pain(edit.pain_after, "Pain after")
    if edit.points is not None:
        changes["points"] = edit.points
    if edit.minutes is not None:
        changes["seconds"] = (check_minutes(edit.minutes) or 0) * 60
    if edit.note is not None:
        changes["note"] = check_note(edit.note)
    if edit.pressure is not None:
        changes["pressure"] = check_pressure(edit.pressure)
    current = db.get(session_id)
    if edit.day is not None or edit.at is not None:
        if edit.day is not None:
            check_day(edit.day)
        local = current.started_at.astimezone()
        started = dt.datetime.combine(edit.day or local.date(), edit.at or local.time())
        started = started.astimezone()
        if started > now:
            raise AcupressError(f"{started:%Y-%m-%d %H:%M} is in the future.")
        changes |= {"started_at": started, "day": started.date()}
    if not changes:
        raise AcupressError("Nothing to change: give at least one field, e.g. the pain after.")
    check_session(replace(current, **changes), now=now, codes=atlas.default().codes)
    db.update(session_id, **changes)
    return db.get(session_id)


# --- take away: exports, import, documents --------------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True, kw_only=True)
class Export:
    data: bytes
    sessions: int
    what: str  # e.g. "CSV", "FHIR R4 Bundle of 12 pain observations"


def export_journal(
    fmt: ExportFormat, since: dt.date | None, until: dt.date | None, now: dt.datetime
) -> Export:
    """The journal as CSV, a complete JSON backup, or a FHIR R4 Bundle."""
    import json

    from acupress import exports, profile

    if fmt not in EXPORT_FORMATS:
        raise AcupressError(f"The export format must be csv, json or fhir, not '{fmt}'.")
    day_range(since, until)
    with open_journal() as db:
        logs = db.sessions(since, until, with_steps=fmt == "json")
        answers = (
            db.answers_by_session([s.id for s in logs if s.id is not None]) if fmt == "json" else {}
        )
        happened = db.events(since, until) if fmt == "json" else []
    if fmt == "csv":
        text, what = exports.csv_text(logs), "CSV"
    elif fmt == "json":
        me = profile.load() if profile.profile_path().exists() else None
        entries = [exports.Entry(session=s, answers=answers.get(s.id or 0)) for s in logs]
        text = exports.journal_json(entries, me, now, events=happened)
        what = "JSON, for acupress import"
    else:
        bundle = exports.fhir_bundle(logs)
        count = len(bundle.get("entry", []))
        text = json.dumps(bundle, indent=2, ensure_ascii=False)
        what = f"FHIR R4 Bundle of {plural(count, 'pain observation')}"
    return Export(data=text.encode("utf-8"), sessions=len(logs), what=what)


@dataclass(frozen=True, kw_only=True)
class Imported:
    added: int
    present: int
    profile: Literal["none_in_file", "restored", "kept"]


def import_journal(data: bytes, name: str, restore_profile: bool, *, now: dt.datetime) -> Imported:
    """Restore a JSON export; sessions already in the journal (by their uid) are skipped.
    A bad file, or one bad session in it, is refused whole, before anything is written."""
    from acupress import atlas, exports, profile

    backup = exports.read_journal(data, name, now=now, codes=atlas.default().codes)
    with open_journal() as db:
        added, present = db.import_sessions(
            [(e.session, e.answers) for e in backup.entries],
            backup.events,
            # A file from before sessions had uids may come from this very journal, whose
            # sessions were given new uids since: such a session is known by its content.
            by_content=backup.version < 3,
        )
    if backup.profile is None:
        outcome: Literal["none_in_file", "restored", "kept"] = "none_in_file"
    elif restore_profile or not profile.profile_path().exists():
        profile.save(backup.profile)
        outcome = "restored"
    else:
        outcome = "kept"
    return Imported(added=added, present=present, profile=outcome)


def guide_html(protocol_name: str, thumb_cm: float | None) -> str:
    """The printable guide of a protocol, as HTML (print it, or turn it into a PDF)."""
    from acupress import atlas, equipment, safety
    from acupress.docs import guide as guides

    book = atlas.default()
    chosen = load_protocol(protocol_name, book)
    handout = guides.build(chosen, book, safety.default_screening(), equipment.default(), thumb_cm)
    return guides.render_html(handout)


def report_html(since: dt.date | None, until: dt.date | None, now: dt.datetime) -> tuple[str, int]:
    """The one-page progress report for a clinician, as HTML, and how many sessions it
    covers."""
    from acupress import progress
    from acupress.docs import report as reports

    day_range(since, until)
    if until is not None and until < EARLIEST_DAY:
        raise AcupressError(f"The report cannot end on {until}, before 2000: check the year.")
    today = min(until, now.date()) if until else now.date()
    with open_journal() as db:
        logs = db.sessions(since, until, with_steps=True)
    result = progress.analyse(logs, today, progress.default_rules())
    return reports.render_html(reports.build(logs, result, now)), len(logs)


def to_pdf(html: str) -> bytes:
    from acupress.docs.pdf import print_pdf

    return print_pdf(html)


def reminders_calendar(
    *,
    at: dt.time,
    days: tuple[Weekday, ...],
    start: dt.date | None,
    minutes: int | None,
    zone: dt.tzinfo | None,
    protocol_name: str,
    rest_day: bool,
    now: dt.datetime,
) -> tuple[bytes, Schedule]:
    """Calendar reminders (.ics) for sessions on the chosen days; returns the file and
    its schedule. Without a zone, this computer's (or the current UTC offset)."""
    from acupress import atlas, profile, reminders

    chosen_zone: dt.tzinfo = zone or reminders.system_zone() or now.tzinfo or dt.UTC
    if start is not None:
        reminders.check_start(start, now.astimezone(chosen_zone).date())
    book = atlas.default()
    chosen = load_protocol(protocol_name, book)
    plan = reminders.schedule(
        at=at,
        days=days,
        start=start or reminders.next_start(days, at, now, chosen_zone),
        minutes=minutes or profile.load().minutes or chosen.default_minutes,
        zone=chosen_zone,
        rest_day=rest_day,
    )
    points = [f"{code} {book.get(code).pinyin}" for code in chosen.points]
    return reminders.calendar(plan, now=now, title=chosen.title, points=points), plan
