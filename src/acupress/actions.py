"""What a person does with acupress, as functions every front end calls: the command line
and the web app both parse their input, call these, and show the result.

Each function takes the moment it acts at (``today``, ``now``) as an argument, or the
``App`` that has the clock, the content and the journal; it opens the journal or the
profile only when it must, and raises AcupressError with one sentence when the request
cannot be done. Nothing here knows the command line's flags: a caller names its own
fields (``parse_day(text, "--date")``)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

from acupress.errors import AcupressError
from acupress.records import EARLIEST_DAY
from acupress.records import NOTE_MAX as NOTE_MAX  # the web forms read it from here

if TYPE_CHECKING:
    from collections.abc import Iterator

    from acupress.app import App
    from acupress.atlas import Atlas, Pressure
    from acupress.journal import Journal
    from acupress.profile import Profile
    from acupress.progress import Progress
    from acupress.protocol import Adjustment, Plan, Protocol
    from acupress.records import Event, Sensation, SessionLog
    from acupress.reminders import Schedule, Weekday
    from acupress.safety import Answers, Decision
    from acupress.trial import Schedule as TrialSchedule

T = TypeVar("T")
ExportFormat = Literal["csv", "json", "fhir"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "fhir")


# --- protocols, today's check and the plan --------------------------------------------


def load_protocol(name_or_path: str, atlas: Atlas) -> Protocol:
    from acupress import paths, protocol

    return protocol.load_file(protocol.resolve(name_or_path, paths.protocols_dir()), atlas)


# The records this module defines are read, never compared or printed: no generated
# equality or repr, whose making is most of what defining a dataclass costs at start-up.
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Protocols:
    """Every protocol there is, and the folder where a person adds their own."""

    folder: Path  # where a person's own protocols go
    rows: list[dict[str, Any]]  # name, title, min_minutes, file, error (None when usable)


def list_protocols(app: App) -> Protocols:
    """Every protocol there is, with its title and shortest session, or, for a file
    that cannot be used, what is wrong with it."""
    from acupress import paths, protocol

    rows: list[dict[str, Any]] = []
    for name, path in app.protocols().items():
        row: dict[str, Any] = {"name": name, "title": None, "min_minutes": None}
        try:
            p = protocol.load_file(path, app.atlas)
            row |= {
                "title": p.title,
                "min_minutes": -(-protocol.minimum_seconds(p, app.atlas) // 60),
            }
        except AcupressError as e:
            row["error"] = str(e)
        rows.append(row | {"file": str(path), "error": row.get("error")})
    return Protocols(folder=paths.protocols_dir(), rows=rows)


def saved_answers(app: App) -> Answers | None:
    """The safety answers saved today, or None (no check today, or the questions changed
    since and it must be done again)."""
    from acupress import safety

    saved = app.todays_answers()
    if saved is None:
        return None
    try:
        return safety.parse_answers(saved, app.screening, app.atlas)
    except AcupressError:
        return None


def decide(answers: Answers, atlas: Atlas) -> Decision:
    from acupress import safety

    return safety.decide(answers, safety.default_screening(), atlas)


def combined(check: Decision | None, found: Progress) -> Decision | None:
    """Today's decision: the check's (None when not done today) together with the
    journal's standing flags (a professional to see, a session stopped today)."""
    if not found.standing:
        return check  # as today.decide has it, without loading the questions for it
    from acupress import safety, today

    return today.decide(check, found.flags, safety.default_screening())


def todays_decision(app: App, found: Progress | None = None) -> Decision | None:
    """Today's decision from the check done today and the journal; None when the check
    has not been done today and nothing in the journal stops a session."""
    answers = saved_answers(app)
    check = None if answers is None else decide(answers, app.atlas)
    return combined(check, found if found is not None else app.progress())


def record_check(app: App, answers: Answers) -> Decision:
    """Decide on today's answers and keep them (and what they found) for the day; returns
    the check's own decision (``combined`` adds the journal's)."""
    from acupress import safety

    decision = decide(answers, app.atlas)
    app.save_check(safety.answers_to_json(answers), decision.rules)
    return decision


def check_now(app: App, answers: Answers) -> Decision:
    """Keep today's answers, and return today's decision: the check's, with the journal's
    standing flags."""
    decision = combined(record_check(app, answers), app.progress())
    assert decision is not None
    return decision


def parse_answers(app: App, raw: Any) -> Answers:
    """Answers by question id, each checked against its question."""
    from acupress import safety

    return safety.parse_answers(raw, app.screening, app.atlas)


def answers_template(app: App) -> dict[str, dict[str, Any]]:
    """An answers file to fill in: every question with its type and an empty answer."""
    from acupress import safety

    return safety.answers_template(app.screening, app.atlas)


def check(app: App, raw: Any) -> tuple[Answers, Decision]:
    """The safety check from raw answers (a mapping of question id to answer)."""
    answers = parse_answers(app, raw)
    return answers, check_now(app, answers)


def journal_exists() -> bool:
    """Whether there is a journal to read, without creating one (or importing SQL)."""
    from acupress import paths, settings

    return bool(settings.given("database_url")) or paths.journal_file().exists()


def open_journal(owner: int = 1) -> Journal:
    """The journal of ``owner``: a SQLite file migrates itself; a database server must
    have been migrated with `acupress db upgrade`."""
    from acupress import settings
    from acupress.journal import Journal

    return Journal(
        settings.database_url(),
        owner=owner,
        schema="check" if settings.server_mode() else "migrate",
    )


def database_schema(upgrade: bool) -> tuple[str, str | None, str]:
    """The journal's database (its address without a password), the schema revision it
    is at (before the upgrade, when ``upgrade``: it is then at this acupress's), and this
    acupress's."""
    from acupress import journal, settings

    url = settings.database_url()
    with journal.Journal(url, schema="leave") as db:
        at = db.upgrade()[0] if upgrade else db.revision()
    return journal.shown(url), at, journal.SCHEMA_HEAD


def scratch_journal() -> Journal:
    """A journal in memory, gone when closed: where a demonstration session is run."""
    from acupress.journal import Journal

    return Journal("sqlite://")


@contextlib.contextmanager
def session_journal(app: App, kept: bool) -> Iterator[Journal]:
    """Where a guided session is written: the journal when it is ``kept``, else a
    journal in memory (a demonstration) gone at the end of the block."""
    if kept:
        yield app.journal()
        return
    with scratch_journal() as db:
        yield db


def demonstration_note(speed: float) -> str:
    """What marks a sped-up session kept in the journal: its times are not real ones."""
    return f"Demonstration at {speed:g} times the real speed: its times are compressed."


@contextlib.contextmanager
def _journal(opened: Callable[[], Journal] | None) -> Iterator[Journal]:
    """The journal ``opened`` gives (kept open), else one opened for the block."""
    if opened is not None:
        yield opened()
        return
    with open_journal() as db:
        yield db


def progress_now(today: dt.date, db: Journal | None = None) -> Progress:
    """The journal's progress today (a new person, with no journal yet, has none)."""
    from acupress import progress

    if db is not None:
        return progress.from_journal(db, today)
    if not journal_exists():
        return progress.analyse([], today, progress.default_rules())
    with open_journal() as db:
        return progress.from_journal(db, today)


def journal_progress(app: App) -> Progress:
    """The journal's progress today, the journal opened (and created) to read it."""
    app.journal()
    return app.progress()


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
    atlas: Atlas,
    profile: Profile,
    minutes: int | None,
    partner: bool | None,
    decision: Decision | None,
    adjusted: Adjustment,
) -> Plan:
    """The plan for now: the options given, else the profile's, else the protocol's."""
    import math

    from acupress import protocol

    with_partner = profile.partner if partner is None else partner
    if minutes is None and profile.minutes is not None:
        shortest = math.ceil(protocol.minimum_seconds(chosen, atlas, with_partner) / 60)
        if profile.minutes < shortest:
            too_short = (
                f"Your usual session length ({profile.minutes} minutes) is shorter than the "
                f"shortest {chosen.name} session ({shortest} minutes): change it to {shortest} "
                "or more"
            )
            raise AcupressError(
                f"{too_short} (acupress profile --minutes {shortest}).",
                web=f"{too_short} in Settings.",
            )
    return protocol.plan(
        chosen,
        atlas,
        minutes or profile.minutes or chosen.default_minutes,
        decision,
        partner=with_partner,
        adjustment=adjusted,
    )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class PlanNow:
    """The plan for now, or why there is none, with today's decision."""

    protocol: Protocol
    decision: Decision | None
    fitted: Plan | AcupressError

    @property
    def refused(self) -> Decision | None:
        """Today's decision when it rules a session out: shown before the refusal."""
        d = self.decision
        return d if d is not None and not d.session_allowed else None

    def plan(self) -> Plan:
        """The plan; raises why there is none."""
        if isinstance(self.fitted, AcupressError):
            raise self.fitted
        return self.fitted


def plan_now(
    app: App,
    protocol_name: str,
    *,
    minutes: int | None,
    partner: bool | None,
    answers: Callable[[], Answers | None],
) -> PlanNow:
    """The session to do now: the protocol fitted to the time (given, else the
    profile's) and to today's decision, from the ``answers`` given (kept as today's
    check) or those saved today, with the journal's flags and adjustment."""
    chosen = app.protocol(protocol_name)
    profile = app.profile()
    found = app.progress()
    given = answers()
    if given is not None:
        decision = combined(record_check(app, given), found)
    else:
        decision = todays_decision(app, found)
    return _fitted(app, chosen, profile, minutes, partner, decision)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SessionNow(PlanNow):
    """What a guided session starts from: the plan for now, and the answers it keeps."""

    answers: Answers  # today's, kept with the session


def session_now(
    app: App,
    protocol_name: str,
    *,
    minutes: int | None,
    partner: bool | None,
    answers: Callable[[], Answers | None],
    ask: Callable[[], Answers],
) -> SessionNow:
    """What a guided session starts from. A standing flag of the journal that stops
    sessions refuses it before any question; otherwise today's answers (given, else
    saved today, else asked through ``ask``) are kept for the day, and the plan is
    fitted to the decision they make with the journal."""
    chosen = app.protocol(protocol_name)
    profile = app.profile()
    found = app.progress()
    stands = combined(None, found)
    given: Answers | None = {}
    decision = stands
    if stands is None or stands.session_allowed:
        given = answers()
        if given is None:
            given = saved_answers(app)
        if given is None:
            given = ask()
        decision = combined(record_check(app, given), found)
    now = _fitted(app, chosen, profile, minutes, partner, decision)
    return SessionNow(
        protocol=now.protocol, decision=now.decision, fitted=now.fitted, answers=given or {}
    )


def _fitted(
    app: App,
    chosen: Protocol,
    profile: Profile,
    minutes: int | None,
    partner: bool | None,
    decision: Decision | None,
) -> PlanNow:
    try:
        fitted: Plan | AcupressError = fitted_plan(
            chosen, app.atlas, profile, minutes, partner, decision, app.progress().adjustment
        )
    except AcupressError as e:
        fitted = e
    return PlanNow(protocol=chosen, decision=decision, fitted=fitted)


# --- the journal ----------------------------------------------------------------------


def parse_day(text: str, what: str) -> dt.date:
    """A day written as 2026-03-01; ``what`` names the field in the message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AcupressError(f"{what} must be a date like 2026-03-01, not '{text}'.") from None


def parse_clock_time(text: str, what: str) -> dt.time:
    """A time written as 07:30; ``what`` names the field in the message."""
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise AcupressError(f"{what} must be a time like 07:30, not '{text}'.") from None


def parse_points(text: str) -> tuple[str, ...]:
    from acupress import atlas

    points = atlas.default()
    codes = [c for c in text.replace(" ", ",").split(",") if c]
    return tuple(dict.fromkeys(points.get(c).code for c in codes))


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
    since: dt.date | None, until: dt.date | None, names: tuple[str, str] = ("from", "to")
) -> tuple[dt.date | None, dt.date | None]:
    """The days from ``since`` to ``until`` (each optional), refused when reversed;
    ``names`` are how the caller calls the two."""
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


def shortest_minutes(chosen: Protocol, atlas: Atlas) -> int:
    """A protocol's shortest session in whole minutes, alone or with a partner."""
    import math

    from acupress import protocol

    low = max(protocol.minimum_seconds(chosen, atlas, partner) for partner in (False, True))
    return math.ceil(low / 60)


def check_usual_minutes(minutes: int | None, protocol_name: str = "low-back") -> int | None:
    """A usual session length to keep in the profile: 1-240 minutes, and never shorter than
    the protocol's shortest session, so every plan made from it can be done."""
    from acupress import atlas

    if check_minutes(minutes) is None:
        return None
    assert minutes is not None
    points = atlas.default()
    chosen = load_protocol(protocol_name, points)
    shortest = shortest_minutes(chosen, points)
    if minutes < shortest:
        raise AcupressError(
            f"The shortest {chosen.name} session is {shortest} minutes: give a usual session "
            f"length of {shortest} minutes or more, not {minutes}."
        )
    return minutes


def store_session(db: Journal, log: SessionLog) -> SessionLog:
    """Add a checked session to the journal; returns it as stored."""
    return db.get(db.add(log))


def change_profile(
    app: App,
    *,
    thumb_cm: float | None = None,
    minutes: int | None = None,
    partner: bool | None = None,
    sound: bool | None = None,
    speech: bool | None = None,
) -> Profile:
    """The profile, with the changes given checked and saved (None leaves a field as
    it is); returns it as saved."""
    from dataclasses import replace

    from acupress import profile

    saved = app.profile()
    changes: dict[str, Any] = {}
    if thumb_cm is not None:
        changes["thumb_cm"] = profile.check_thumb_cm(thumb_cm)
    if minutes is not None:
        changes["minutes"] = check_usual_minutes(minutes)
    for name, value in (("partner", partner), ("sound", sound), ("speech", speech)):
        if value is not None:
            changes[name] = value
    if changes:
        saved = app.update_profile(lambda current: replace(current, **changes))
    return saved


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
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


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Export:
    """The journal exported: the file's bytes (none when they were given to ``write``),
    how many sessions, and what it is."""

    data: bytes
    sessions: int
    what: str  # e.g. "CSV", "FHIR R4 Bundle of 12 pain observations"


def export_journal(
    fmt: ExportFormat,
    since: dt.date | None,
    until: dt.date | None,
    app: App,
    *,
    write: Callable[[Iterable[bytes]], None] | None = None,
) -> Export:
    """The journal of ``app``'s person as CSV, a complete JSON backup (with their saved
    profile), or a FHIR R4 Bundle. With ``write``, the file is handed to it a part at a
    time, a session at a time from the journal, so that a long journal is never in memory
    whole; without, the bytes are returned."""
    from acupress import exports, reminders

    if fmt not in EXPORT_FORMATS:
        raise AcupressError(f"The export format must be csv, json or fhir, not '{fmt}'.")
    day_range(since, until)
    everything = fmt == "json"
    saved = app.saved_profile() if everything else None
    now = app.now()
    count = observations = 0
    kept: list[bytes] = []
    with _journal(app.journal) as db:
        happened = db.events(since, until) if everything else []
        rated = db.ratings(since, until) if fmt != "csv" else []
        tried = db.trials() if everything else []

        def logs() -> Iterator[exports.Entry]:
            # One session at a time, from the journal to the file.
            nonlocal count, observations
            for s, answers in db.entries(
                since, until, with_steps=everything, with_answers=everything
            ):
                count += 1
                observations += (s.pain_before is not None) + (s.pain_after is not None)
                yield exports.Entry(session=s, answers=answers)

        # Times are written in this computer's zone: by its name when it has one, which
        # converts three times as fast as asking the C library each time (tz None).
        zone = reminders.system_zone()
        if fmt == "csv":
            parts = exports.csv_parts((e.session for e in logs()), zone)
        elif fmt == "json":
            from acupress import trial_actions

            analyses = {t.uid: trial_actions.analysis_json(db, t, now.date()) for t in tried}
            parts = exports.journal_json_parts(
                logs(),
                saved,
                now,
                zone,
                events=happened,
                ratings=rated,
                trials=tried,
                trial_analyses=analyses,
            )
        else:
            parts = exports.fhir_parts((e.session for e in logs()), zone, ratings=rated)
        (write or kept.extend)(parts)
    if fmt == "csv":
        what = "CSV"
    elif fmt == "json":
        what = "JSON, for acupress import"
    else:
        what = f"FHIR R4 Bundle of {plural(observations, 'pain observation')}"
        what += f" and {plural(len(rated), 'daily rating')}" if rated else ""
    return Export(data=b"".join(kept), sessions=count, what=what)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Imported:
    """What an import did: sessions added, sessions already there, and the profile."""

    added: int
    present: int
    profile: Literal["none_in_file", "restored", "kept"]


def import_journal(
    file: IO[bytes],
    name: str,
    restore_profile: bool,
    app: App,
) -> Imported:
    """Restore a JSON export (an open binary file) into the journal of ``app``'s person;
    sessions already in it (by their uid) are skipped. A bad file, or one bad session in
    it, is refused whole: nothing is kept.

    A file laid out as acupress writes it is read and stored one session at a time,
    memory staying the same whatever its length; any other file, or one that turns out
    wrong on the way, is read again whole (when it can be read again), which imports it
    or says what is wrong with it (``exports.JournalStream``)."""
    from acupress import exports

    codes = app.atlas.codes
    if file.seekable():
        stream = exports.JournalStream(file, now=app.now(), codes=codes)
        try:
            stream.start()
            added, present = _into_journal(
                app,
                lambda db: db.import_records(stream.records()),
            )
            return _restored_profile(stream.profile, added, present, restore_profile, app)
        except exports.NotStreamable:
            file.seek(0)
    with exports.uncollected():
        backup = exports.read_journal(file.read(), name, now=app.now(), codes=codes)
        added, present = _into_journal(
            app,
            lambda db: db.import_sessions(
                ((e.session, e.answers) for e in backup.entries),
                backup.events,
                # A file from before sessions had uids may come from this very journal,
                # whose sessions were given new uids since: such a session is known by
                # its content.
                by_content=backup.version < 3,
                new_ratings=backup.ratings,
                new_trials=backup.trials,
            ),
        )
    return _restored_profile(backup.profile, added, present, restore_profile, app)


def _into_journal(app: App, store: Callable[[Journal], T]) -> T:
    """``store`` run on the journal of ``app``'s person; a person with no journal yet has
    one only once ``store`` returns (nothing appears when it raises)."""
    from acupress import journal, paths

    if not journal_exists() and app.owner == journal.LOCAL:
        return journal.filled(paths.journal_file(), store)
    with _journal(app.journal) as db:
        return store(db)


def _restored_profile(
    profile: Profile | None, added: int, present: int, restore_profile: bool, app: App
) -> Imported:
    if profile is None:
        outcome: Literal["none_in_file", "restored", "kept"] = "none_in_file"
    elif restore_profile or app.saved_profile() is None:
        app.update_profile(lambda _saved: profile)
        outcome = "restored"
    else:
        outcome = "kept"
    return Imported(added=added, present=present, profile=outcome)


def guide_html(protocol_name: str, thumb_cm: float | None, *, for_web: bool = False) -> str:
    """The printable guide of a protocol, as HTML (print it, or turn it into a PDF);
    ``for_web`` when the web app serves it."""
    from acupress import atlas, equipment, safety
    from acupress.docs import guide as guides

    points = atlas.default()
    chosen = load_protocol(protocol_name, points)
    handout = guides.build(
        chosen, points, safety.default_screening(), equipment.default(), thumb_cm, for_web=for_web
    )
    return guides.render_html(handout)


def report_html(
    since: dt.date | None,
    until: dt.date | None,
    app: App,
) -> tuple[str, int]:
    """The one-page progress report for a clinician on ``app``'s person, as HTML, and how
    many sessions it covers."""
    from acupress import progress, trial_actions
    from acupress.docs import report as reports

    day_range(since, until)
    if until is not None and until < EARLIEST_DAY:
        raise AcupressError(f"The report cannot end on {until}, before 2000: check the year.")
    now = app.now()
    today = min(until, now.date()) if until else now.date()
    with _journal(app.journal) as db:
        logs = db.sessions(since, until)
        # Of steps, the progress needs those of the newest session with an outcome, and
        # the report how many were done at each pressure.
        known = [
            i
            for i, s in enumerate(logs)
            if progress.counts(s, today) and (s.relief is not None or s.stop_reason)
        ]
        if known:
            logs[known[-1]] = db.get(logs[known[-1]].id or 0)
        pressures = db.pressures(since, until)
        found = trial_actions.report_outcome(db, today)
    result = progress.analyse(logs, today, progress.default_rules())
    return reports.render_html(reports.build(logs, result, now, pressures, found)), len(logs)


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
    usual_minutes: int | None,
    trial: TrialSchedule | None = None,
    rate_at: dt.time = dt.time(20, 0),
) -> tuple[bytes, Schedule]:
    """Calendar reminders (.ics) for sessions on the chosen days; returns the file and
    its schedule. Without a zone, this computer's (or the current UTC offset). With a
    personal trial, its weeks and a daily rating reminder too."""
    from acupress import atlas, reminders

    chosen_zone: dt.tzinfo = zone or reminders.system_zone() or now.tzinfo or dt.UTC
    if start is not None:
        reminders.check_start(start, now.astimezone(chosen_zone).date())
    points = atlas.default()
    chosen = load_protocol(protocol_name, points)
    plan = reminders.schedule(
        at=at,
        days=days,
        start=start or reminders.next_start(days, at, now, chosen_zone),
        minutes=minutes or usual_minutes or chosen.default_minutes,
        zone=chosen_zone,
        rest_day=rest_day,
    )
    named = [f"{code} {points.get(code).pinyin}" for code in chosen.points]
    data = reminders.calendar(
        plan, now=now, title=chosen.title, points=named, trial=trial, rate_at=rate_at
    )
    return data, plan
