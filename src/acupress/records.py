"""What a session leaves behind: the records the journal stores and progress reads.

Times are timezone-aware datetimes; ``day`` is the person's local calendar date when the
session started (what "three days" or "a rest day" counts in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, Protocol

from acupress.errors import AcupressError

if TYPE_CHECKING:  # kept light: the command line reads the limits below as it starts
    from acupress.atlas import Pressure
    from acupress.protocol import Side

PAIN_MIN, PAIN_MAX = 0, 10
Sensation = Literal["warmth", "ache", "tingling", "none"]
SENSATIONS: tuple[Sensation, ...] = ("warmth", "ache", "tingling", "none")
StopReason = Literal["dizziness", "pain_increased", "no_time", "interrupted", "other"]
STOP_REASONS: tuple[StopReason, ...] = (
    "dizziness",
    "pain_increased",
    "no_time",
    "interrupted",
    "other",
)
Source = Literal["guided", "manual"]
SOURCES: tuple[Source, ...] = ("guided", "manual")


class Step(Protocol):
    """A step of a session as it is read: a StepLog, or a step as a JSON export holds it
    (restored without being copied into a StepLog first)."""

    @property
    def position(self) -> int: ...
    @property
    def step(self) -> int: ...
    @property
    def step_id(self) -> str: ...
    @property
    def point(self) -> str | None: ...
    @property
    def side(self) -> Side | None: ...
    @property
    def pressure(self) -> Pressure | None: ...
    @property
    def planned_seconds(self) -> int: ...
    @property
    def seconds(self) -> float: ...
    @property
    def skipped(self) -> bool: ...
    @property
    def completed_at(self) -> dt.datetime: ...


@dataclass(frozen=True, kw_only=True)
class StepLog:
    """One timed item of a session as it was done (or skipped)."""

    position: int  # index in the plan, 0-based
    step: int  # the protocol's step number
    step_id: str
    point: str | None
    side: Side | None
    pressure: Pressure | None
    planned_seconds: int
    seconds: float  # actually spent on it
    skipped: bool
    completed_at: dt.datetime

    @staticmethod
    def from_values(values: Sequence[object]) -> StepLog:
        """A StepLog from the values of its fields, in their order, made without
        ``__init__``: a frozen dataclass sets each field with object.__setattr__, which
        makes a step cost over twice as much, and a thirty-year journal reads a hundred
        thousand of them. For values of the fields' types (the journal's rows)."""
        step = object.__new__(StepLog)
        step.__dict__.update(zip(STEP_FIELDS, values, strict=True))
        return step


STEP_FIELDS = tuple(f.name for f in fields(StepLog))  # in order, as from_values takes them


@dataclass(frozen=True, kw_only=True)
class SessionLog:
    """A session in the journal: guided by acupress, or logged by hand afterwards."""

    id: int | None
    started_at: dt.datetime
    day: dt.date
    protocol: str
    source: Source
    # The session's identity, the same in every journal it is restored into; the journal
    # gives a new session one when it stores it.
    uid: str | None = None
    decision: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    points: tuple[str, ...] = ()  # points pressed (for a guided session, from its steps)
    seconds: int = 0  # time spent (for a guided session, the sum of its steps)
    steps: tuple[Step, ...] = ()
    sensations: tuple[Sensation, ...] = ()
    stop_reason: StopReason | None = None
    stop_note: str = ""
    note: str = ""
    ended_at: dt.datetime | None = None
    complete: bool = False
    pressure: Pressure | None = None  # the most pressure used, as told for one logged by hand

    @property
    def relief(self) -> int | None:
        """Immediate relief: pain before minus pain after (negative: pain increased)."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_before - self.pain_after

    @property
    def pressed(self) -> bool:
        """Whether it is a session done: one logged by hand (whichever points were
        given), or a guided one in which at least one point was pressed. A guided
        session whose every point was skipped (or that stopped before the first) is
        kept in the journal but counts in no figure."""
        return self.source == "manual" or bool(self.points)


def outcome(s: SessionLog) -> str:
    """'completed', 'stopped: dizziness (felt faint)', 'no point pressed' (every one
    skipped) or 'not finished'."""
    if s.stop_reason is not None:
        reason = s.stop_reason.replace("_", " ")
        return f"stopped: {reason}" + (f" ({s.stop_note})" if s.stop_note else "")
    if s.complete:
        return "completed"
    return "no point pressed" if s.ended_at is not None and not s.pressed else "not finished"


def points_pressed(steps: Sequence[Step]) -> tuple[str, ...]:
    """The points of the steps done (not skipped), each once, in order."""
    return tuple(dict.fromkeys(s.point for s in steps if s.point and not s.skipped))


def new_uid() -> str:
    import uuid

    return str(uuid.uuid4())


EventKind = Literal["seen_professional"]
EVENT_KINDS: tuple[EventKind, ...] = ("seen_professional",)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened besides a session: a professional saw the person and told
    them to go on with the routine."""

    id: int | None
    uid: str  # stays the same through export and import
    kind: EventKind
    at: dt.datetime
    day: dt.date  # the local day of ``at``
    note: str = ""


def event_json(e: Event) -> dict[str, object]:
    return {
        "id": e.id,
        "uid": e.uid,
        "kind": e.kind,
        "at": e.at.astimezone().isoformat(timespec="seconds"),
        "day": e.day.isoformat(),
        "note": e.note,
    }


@dataclass(frozen=True, kw_only=True)
class DailyRating:
    """A day's PEG rating, taken every day of a personal trial whether or not the person
    practised: average pain, and how much pain interfered with enjoyment of life and
    with general activity, each 0-10 (Krebs EE et al., J Gen Intern Med 2009)."""

    id: int | None
    uid: str
    day: dt.date
    pain: int
    enjoyment: int
    activity: int
    rated_at: dt.datetime

    @property
    def score(self) -> float:
        """The PEG score: the mean of the three answers (0-10, lower is better)."""
        return (self.pain + self.enjoyment + self.activity) / 3


PEG_ITEMS = ("pain", "enjoyment", "activity")


def check_rating(rating: DailyRating, today: dt.date) -> DailyRating:
    """A rating that can be right: each answer a whole number 0-10, a day from 2000 and
    not after today."""
    for name in PEG_ITEMS:
        value = getattr(rating, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise AcupressError(
                f"The {name} answer must be a whole number from 0 to 10, not {value!r}."
            )
    if rating.day > today:
        raise AcupressError(f"{rating.day} is in the future: rate a day that has come.")
    if rating.day < dt.date(2000, 1, 1):
        raise AcupressError(f"{rating.day} is too long ago for a rating; check the year.")
    return rating


def rating_json(r: DailyRating) -> dict[str, object]:
    return {
        "id": r.id,
        "uid": r.uid,
        "day": r.day.isoformat(),
        "pain": r.pain,
        "enjoyment": r.enjoyment,
        "activity": r.activity,
        "score": round(r.score, 2),
        "rated_at": r.rated_at.astimezone().isoformat(timespec="seconds"),
    }


@dataclass(frozen=True, kw_only=True)
class TrialRecord:
    """A personal trial as the journal keeps it: its schedule is drawn again from its
    start, length and seed; it ends on its last day, or when it was stopped."""

    id: int | None
    uid: str
    start: dt.date
    weeks: int
    seed: int
    created_at: dt.datetime
    stopped_on: dt.date | None = None
    stop_reason: str | None = None


def trial_record_json(t: TrialRecord) -> dict[str, object]:
    return {
        "id": t.id,
        "uid": t.uid,
        "start": t.start.isoformat(),
        "weeks": t.weeks,
        "seed": t.seed,
        "created_at": t.created_at.astimezone().isoformat(timespec="seconds"),
        "stopped_on": t.stopped_on.isoformat() if t.stopped_on else None,
        "stop_reason": t.stop_reason,
    }


def check_pain(value: int, what: str = "Pain") -> int:
    """A pain score on the 0-10 numeric rating scale."""
    if isinstance(value, bool) or not isinstance(value, int) or not PAIN_MIN <= value <= PAIN_MAX:
        raise AcupressError(
            f"{what} must be a whole number from {PAIN_MIN} (none) to {PAIN_MAX} (worst), "
            f"not {value!r}."
        )
    return value


def session_json(log: SessionLog) -> dict[str, object]:
    """A session as plain JSON values, times in ISO 8601 with the local offset."""

    def iso(t: dt.datetime | None) -> str | None:
        return None if t is None else t.astimezone().isoformat(timespec="seconds")

    return {
        "id": log.id,
        "uid": log.uid,
        "started_at": iso(log.started_at),
        "day": log.day.isoformat(),
        "protocol": log.protocol,
        "source": log.source,
        "decision": log.decision,
        "pain_before": log.pain_before,
        "pain_after": log.pain_after,
        "relief": log.relief,
        "points": list(log.points),
        "seconds": log.seconds,
        "sensations": list(log.sensations),
        "stop_reason": log.stop_reason,
        "stop_note": log.stop_note,
        "note": log.note,
        "ended_at": iso(log.ended_at),
        "complete": log.complete,
        "pressure": log.pressure,
        "steps": [
            {
                "position": s.position,
                "step": s.step,
                "step_id": s.step_id,
                "point": s.point,
                "side": s.side,
                "pressure": s.pressure,
                "planned_seconds": s.planned_seconds,
                "seconds": round(s.seconds, 1),
                "skipped": s.skipped,
                "completed_at": iso(s.completed_at),
            }
            for s in log.steps
        ],
    }


# --- what a session can be ------------------------------------------------------------

NOTE_MAX = 2000
EARLIEST_DAY = dt.date(2000, 1, 1)
DAY_SECONDS = 86_400
STEPS_MAX = 1000
NAME_MAX = 100
# A session may be dated a little after "now": a journal exported in a time zone ahead of
# this computer's, or on a clock running a little fast.
LEEWAY = dt.timedelta(days=1)


class InvalidSession(AcupressError):
    """A session that cannot be right; ``field`` names what is wrong (``pain_after``,
    ``steps[2].seconds``) and ``problem`` says how."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"The session's {field.replace('_', ' ')} {problem}.")
        self.field = field
        self.problem = problem


def check_session(log: SessionLog, *, now: dt.datetime, codes: Collection[str]) -> SessionLog:
    """The one check every session passes before it is stored, however it comes in (logged
    by hand, edited, imported, closed at the end of a guided session): pain scores 0-10,
    points of the atlas (``codes``), days from 2000 to today, lengths from 0 to a day,
    notes of at most NOTE_MAX characters, steps that could have happened. Raises
    InvalidSession on the first problem."""
    from acupress.atlas import PRESSURES

    for name, score in (("pain_before", log.pain_before), ("pain_after", log.pain_after)):
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10
        ):
            raise InvalidSession(
                name, f"must be a pain score from {PAIN_MIN} to {PAIN_MAX}, not {score!r}"
            )
    latest = now + LEEWAY
    if not EARLIEST_DAY <= log.day <= latest.date():
        raise InvalidSession("day", f"must be from {EARLIEST_DAY} to today, not {log.day}")
    _check_moment("started_at", log.started_at, latest)
    if abs((log.day - log.started_at.astimezone(dt.UTC).date()).days) > 1:
        raise InvalidSession(
            "day", f"must be the day it started ({log.started_at.isoformat()}), not {log.day}"
        )
    if log.ended_at is not None:
        _check_moment("ended_at", log.ended_at, latest)
    if not 1 <= len(log.protocol) <= NAME_MAX:
        raise InvalidSession("protocol", f"must be a name of 1 to {NAME_MAX} characters")
    if log.source not in SOURCES:
        raise InvalidSession("source", f"must be guided or manual, not {log.source!r}")
    _check_seconds("seconds", log.seconds)
    for code in log.points:
        if code not in codes:
            raise InvalidSession("points", f"must be points of the atlas, not {code[:20]!r}")
    for name, text in (("note", log.note), ("stop_note", log.stop_note)):
        if len(text) > NOTE_MAX:
            raise InvalidSession(name, f"can be at most {NOTE_MAX} characters, not {len(text)}")
    for felt in log.sensations:
        if felt not in SENSATIONS:
            raise InvalidSession("sensations", f"must be {', '.join(SENSATIONS)}, not {felt!r}")
    if log.stop_reason is not None and log.stop_reason not in STOP_REASONS:
        raise InvalidSession("stop_reason", f"must be one of {', '.join(STOP_REASONS)}")
    if log.pressure is not None and log.pressure not in PRESSURES:
        raise InvalidSession("pressure", f"must be {', '.join(PRESSURES)}")
    if log.uid is not None:
        import uuid

        try:
            uuid.UUID(log.uid)
        except ValueError:
            raise InvalidSession("uid", f"must be a UUID, not {log.uid[:40]!r}") from None
    if len(log.steps) > STEPS_MAX:
        raise InvalidSession("steps", f"can be at most {STEPS_MAX}, not {len(log.steps)}")
    for i, step in enumerate(log.steps):
        _check_step(i, step, latest, codes, PRESSURES)
    return log


def _check_step(
    i: int, step: Step, latest: dt.datetime, codes: Collection[str], pressures: Sequence[str]
) -> None:
    # Run for every step of every session restored: what names the field is made only
    # for a step that is wrong.
    if not 0 <= step.position < STEPS_MAX:
        raise InvalidSession(f"steps[{i}].position", f"must be from 0 to {STEPS_MAX - 1}")
    if not 0 <= step.step < STEPS_MAX:
        raise InvalidSession(f"steps[{i}].step", f"must be from 0 to {STEPS_MAX - 1}")
    if not 1 <= len(step.step_id) <= NAME_MAX:
        raise InvalidSession(f"steps[{i}].step_id", f"must be 1 to {NAME_MAX} characters")
    if step.point is not None and step.point not in codes:
        raise InvalidSession(
            f"steps[{i}].point", f"must be a point of the atlas, not {step.point[:20]!r}"
        )
    if step.pressure is not None and step.pressure not in pressures:
        raise InvalidSession(f"steps[{i}].pressure", f"must be {', '.join(pressures)}")
    # The checks of _check_seconds and _check_moment, written out: calling them for each
    # step would cost more than the checks.
    planned, seconds, done = step.planned_seconds, step.seconds, step.completed_at
    if isinstance(planned, bool) or not 0 <= planned <= DAY_SECONDS:
        _check_seconds(f"steps[{i}].planned_seconds", planned)
    if isinstance(seconds, bool) or not 0 <= seconds <= DAY_SECONDS:
        _check_seconds(f"steps[{i}].seconds", seconds)
    if done.tzinfo is None or done.date() < EARLIEST_DAY or done > latest:
        _check_moment(f"steps[{i}].completed_at", done, latest)


def _check_seconds(field: str, value: float) -> None:
    if isinstance(value, bool) or not 0 <= value <= DAY_SECONDS:  # NaN is not in range either
        raise InvalidSession(field, f"must be from 0 to {DAY_SECONDS} (a day), not {value!r}")


def _check_moment(field: str, moment: dt.datetime, latest: dt.datetime) -> None:
    if moment.tzinfo is None:
        raise InvalidSession(field, "must say its time zone")
    if moment.date() < EARLIEST_DAY:
        raise InvalidSession(field, f"must be from {EARLIEST_DAY} on, not {moment.isoformat()}")
    if moment > latest:
        raise InvalidSession(field, f"must not be in the future, not {moment.isoformat()}")


# What an import stores: a session with its safety answers, an event, a rating, a trial.
Restored = tuple[SessionLog, dict[str, Any] | None] | Event | DailyRating | TrialRecord
