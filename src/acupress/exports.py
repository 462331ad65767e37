"""The journal taken elsewhere: a CSV for a spreadsheet, a complete JSON dump that
``acupress import`` restores, and FHIR R4 Observations of the pain scores for a
clinician.

Pure functions over lists of sessions (and the profile): no SQL, no clock, no files.
fhir.resources is imported inside the FHIR functions only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal

import msgspec

from acupress.atlas import Pressure
from acupress.errors import AcupressError
from acupress.profile import Profile
from acupress.protocol import Side
from acupress.records import (
    PAIN_MAX,
    PAIN_MIN,
    Event,
    EventKind,
    Sensation,
    SessionLog,
    Source,
    StepLog,
    StopReason,
)
from acupress.safety import Level

FORMAT = "acupress-journal"
VERSION = 2  # 2: the pressure of a session logged by hand, and events

Format = Literal["csv", "json", "fhir"]
FORMATS: tuple[Format, ...] = ("csv", "json", "fhir")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A session with the safety answers its decision came from (if any)."""

    session: SessionLog
    answers: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class Backup:
    """What a JSON export holds, checked and ready to restore."""

    version: int
    exported_at: dt.datetime
    profile: Profile | None
    entries: tuple[Entry, ...]
    events: tuple[Event, ...] = ()


def format_for(filename: str) -> Format | None:
    """The format a file name implies: .csv, .fhir.json (or .fhir), .json."""
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".fhir.json", ".fhir")):
        return "fhir"
    if name.endswith(".json"):
        return "json"
    return None


# --- CSV ------------------------------------------------------------------------------

CSV_HEADER = (
    "date",
    "time",
    "weekday",
    "protocol",
    "source",
    "minutes",
    "points",
    "pain before",
    "pain after",
    "relief",
    "sensations",
    "outcome",
    "note",
)


def csv_text(sessions: Sequence[SessionLog], tz: dt.tzinfo | None = None) -> str:
    """One row per session, dates and times in the local zone (``tz``, else the
    computer's), for a spreadsheet."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for s in sessions:
        local = s.started_at.astimezone(tz)
        writer.writerow(
            (
                local.date().isoformat(),
                local.strftime("%H:%M"),
                local.strftime("%A"),
                s.protocol,
                "guided" if s.source == "guided" else "by hand",
                _minutes(s.seconds),
                ", ".join(s.points),
                _blank(s.pain_before),
                _blank(s.pain_after),
                _blank(s.relief),
                ", ".join(s.sensations),
                outcome(s),
                s.note,
            )
        )
    return out.getvalue()


def outcome(s: SessionLog) -> str:
    """'completed', 'stopped: dizziness (felt faint)' or 'not finished'."""
    if s.stop_reason is not None:
        reason = s.stop_reason.replace("_", " ")
        return f"stopped: {reason}" + (f" ({s.stop_note})" if s.stop_note else "")
    return "completed" if s.complete else "not finished"


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.1f}".removesuffix(".0")


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


# --- JSON: the complete journal -------------------------------------------------------


def journal_document(
    entries: Sequence[Entry],
    profile: Profile | None,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    events: Sequence[Event] = (),
) -> dict[str, Any]:
    """The journal and profile as one versioned JSON value; times keep their full
    precision and carry the local offset."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(tz).isoformat(timespec="seconds"),
        "profile": None if profile is None else asdict(profile),
        "sessions": [_session_document(e, tz) for e in entries],
        "events": [
            {
                "uid": e.uid,
                "kind": e.kind,
                "at": e.at.astimezone(tz).isoformat(),
                "day": e.day.isoformat(),
                "note": e.note,
            }
            for e in events
        ],
    }


def journal_json(
    entries: Sequence[Entry],
    profile: Profile | None,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    events: Sequence[Event] = (),
) -> str:
    document = journal_document(entries, profile, now, tz, events)
    return json.dumps(document, indent=2, ensure_ascii=False)


def _session_document(e: Entry, tz: dt.tzinfo | None) -> dict[str, Any]:
    s = e.session

    def iso(t: dt.datetime | None) -> str | None:
        return None if t is None else t.astimezone(tz).isoformat()

    return {
        "id": s.id,
        "started_at": iso(s.started_at),
        "day": s.day.isoformat(),
        "protocol": s.protocol,
        "source": s.source,
        "decision": s.decision,
        "answers": e.answers,
        "pain_before": s.pain_before,
        "pain_after": s.pain_after,
        "points": list(s.points),
        "seconds": s.seconds,
        "sensations": list(s.sensations),
        "stop_reason": s.stop_reason,
        "stop_note": s.stop_note,
        "note": s.note,
        "ended_at": iso(s.ended_at),
        "complete": s.complete,
        "pressure": s.pressure,
        "steps": [
            {
                "position": t.position,
                "step": t.step,
                "step_id": t.step_id,
                "point": t.point,
                "side": t.side,
                "pressure": t.pressure,
                "planned_seconds": t.planned_seconds,
                "seconds": t.seconds,
                "skipped": t.skipped,
                "completed_at": iso(t.completed_at),
            }
            for t in s.steps
        ],
    }


# The file as it must be: every field present and of its type. msgspec reports the
# first problem with its place ($.sessions[3].pain_after).
Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
PointCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9.-]{1,20}$")]


class _Header(msgspec.Struct):
    format: str
    version: int


class _StepFile(msgspec.Struct, forbid_unknown_fields=True):
    position: int
    step: int
    step_id: Name
    point: PointCode | None
    side: Side | None
    pressure: Pressure | None
    planned_seconds: int
    seconds: float
    skipped: bool
    completed_at: Moment


class _SessionFile(msgspec.Struct, forbid_unknown_fields=True):
    id: int | None
    started_at: Moment
    day: dt.date
    protocol: Name
    source: Source
    decision: Level | None
    answers: dict[str, Any] | None
    pain_before: int | None
    pain_after: int | None
    points: list[PointCode]
    seconds: int
    sensations: list[Sensation]
    stop_reason: StopReason | None
    stop_note: str
    note: str
    ended_at: Moment | None
    complete: bool
    steps: list[_StepFile]
    pressure: Pressure | None = None  # from version 2


class _EventFile(msgspec.Struct, forbid_unknown_fields=True):
    uid: Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
    kind: EventKind
    at: Moment
    day: dt.date
    note: Annotated[str, msgspec.Meta(max_length=2000)]


class _JournalFile(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    version: int
    exported_at: Moment
    profile: dict[str, Any] | None
    sessions: list[_SessionFile]
    events: list[_EventFile] = []  # from version 2


def read_journal(data: bytes, name: str) -> Backup:
    """A JSON export, checked completely before anything is restored; any problem is
    one AcupressError naming the file and what is wrong."""

    def bad(problem: str) -> AcupressError:
        return AcupressError(f"{name} cannot be imported: {problem}; nothing was imported.")

    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError as e:
        raise bad(f"it is not JSON ({str(e).removeprefix('JSON is malformed: ')})") from None
    except RecursionError:
        raise bad("it is nested too deeply to be a journal export") from None
    try:
        header = msgspec.convert(raw, _Header)
    except msgspec.ValidationError as e:
        raise bad(f"it is not an acupress journal export ({_where(e)})") from None
    if header.format != FORMAT:
        raise bad(f"its format is {header.format[:60]!r}, not an acupress journal ({FORMAT!r})")
    if header.version > VERSION:
        raise bad(
            f"it was made by a newer acupress (journal version {header.version}; this one "
            f"reads up to version {VERSION}): update acupress first"
        )
    if header.version < 1:
        raise bad(f"its version {header.version} is not a journal version")
    try:
        doc = msgspec.json.decode(data, type=_JournalFile)
    except msgspec.ValidationError as e:
        raise bad(_where(e)) from None

    profile = None
    if doc.profile is not None:
        try:
            profile = Profile.from_json(doc.profile)
        except ValueError as e:
            raise bad(f"the profile is wrong ({e})") from None
    entries = []
    for i, s in enumerate(doc.sessions):
        for field, value in (("pain_before", s.pain_before), ("pain_after", s.pain_after)):
            if value is not None and not PAIN_MIN <= value <= PAIN_MAX:
                raise bad(
                    f"sessions[{i}].{field} must be a pain score from {PAIN_MIN} to "
                    f"{PAIN_MAX}, not {value}"
                )
        if s.seconds < 0:
            raise bad(f"sessions[{i}].seconds must not be negative, not {s.seconds}")
        entries.append(Entry(session=_session_log(s), answers=s.answers))
    events = tuple(
        Event(id=None, uid=e.uid, kind=e.kind, at=e.at, day=e.day, note=e.note) for e in doc.events
    )
    return Backup(
        version=doc.version,
        exported_at=doc.exported_at,
        profile=profile,
        entries=tuple(entries),
        events=events,
    )


def _session_log(s: _SessionFile) -> SessionLog:
    return SessionLog(
        id=None,
        started_at=s.started_at,
        day=s.day,
        protocol=s.protocol,
        source=s.source,
        decision=s.decision,
        pain_before=s.pain_before,
        pain_after=s.pain_after,
        points=tuple(s.points),
        seconds=s.seconds,
        steps=tuple(
            StepLog(
                position=t.position,
                step=t.step,
                step_id=t.step_id,
                point=t.point,
                side=t.side,
                pressure=t.pressure,
                planned_seconds=t.planned_seconds,
                seconds=t.seconds,
                skipped=t.skipped,
                completed_at=t.completed_at,
            )
            for t in s.steps
        ),
        sensations=tuple(s.sensations),
        stop_reason=s.stop_reason,
        stop_note=s.stop_note,
        note=s.note,
        ended_at=s.ended_at,
        complete=s.complete,
        pressure=s.pressure,
    )


def _where(e: msgspec.ValidationError) -> str:
    """msgspec's 'Expected `int`, got `str` - at `$.sessions[0].pain_before`' as
    'sessions[0].pain_before: expected `int`, got `str`'."""
    what, _, where = str(e).partition(" - at `$")
    where = where.rstrip("`").lstrip(".")
    return f"{where}: {_lower(what)}" if where else _lower(what)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- FHIR R4: the pain scores for a clinician -----------------------------------------

LOINC_PAIN = "72514-3"
LOINC_PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
# Observation ids are uuid5 of the session and the moment, so exporting the same
# journal twice gives the same bundle, and a clinician's system can tell a resent
# score from a new one.
OBSERVATION_NAMESPACE = uuid.UUID("0e4c7c1a-5d0b-4f0e-8a3b-7f5b2a9c61d4")
When = Literal["before", "after"]


def observation_id(s: SessionLog, moment: When) -> uuid.UUID:
    start = s.started_at.astimezone(dt.UTC).isoformat()
    return uuid.uuid5(OBSERVATION_NAMESPACE, f"{start}|{s.protocol}|{s.source}|{moment}")


def fhir_bundle(sessions: Sequence[SessionLog], tz: dt.tzinfo | None = None) -> dict[str, Any]:
    """A FHIR R4 Bundle (type collection) of pain Observations: one before and one after
    each session, for the scores it has; validated with fhir.resources (R4B, whose
    Bundle and Observation are R4's)."""
    from fhir.resources.R4B.bundle import Bundle

    entries = []
    for s in sessions:
        scores: tuple[tuple[When, int | None, dt.datetime], ...] = (
            ("before", s.pain_before, s.started_at),
            ("after", s.pain_after, _ended(s)),
        )
        for moment, score, at in scores:
            if score is None:
                continue
            ident = observation_id(s, moment)
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{ident}",
                    "resource": _observation(s, moment, score, at, ident, tz),
                }
            )
    bundle = Bundle.model_validate(
        {"resourceType": "Bundle", "type": "collection", "entry": entries}
    )
    dumped: dict[str, Any] = json.loads(bundle.model_dump_json(exclude_none=True))
    return dumped


def fhir_json(sessions: Sequence[SessionLog], tz: dt.tzinfo | None = None) -> str:
    return json.dumps(fhir_bundle(sessions, tz), indent=2, ensure_ascii=False)


def _ended(s: SessionLog) -> dt.datetime:
    return s.ended_at or s.started_at + dt.timedelta(seconds=s.seconds)


def _observation(
    s: SessionLog,
    moment: When,
    score: int,
    at: dt.datetime,
    ident: uuid.UUID,
    tz: dt.tzinfo | None,
) -> dict[str, Any]:
    how = "guided by acupress" if s.source == "guided" else "logged by hand"
    done = f"; points {', '.join(s.points)}" if s.points else ""
    return {
        "resourceType": "Observation",
        "id": str(ident),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ident}"}],
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "code": {
            "coding": [
                {"system": "http://loinc.org", "code": LOINC_PAIN, "display": LOINC_PAIN_DISPLAY}
            ],
            "text": f"Low back pain (0-10), {moment} a self-acupressure session",
        },
        "effectiveDateTime": at.astimezone(tz).isoformat(timespec="seconds"),
        "valueInteger": score,
        "note": [
            {
                "text": f"Pain {moment} a self-acupressure session for low back pain "
                f"(protocol {s.protocol}, {how}{done})."
            }
        ],
    }
