"""What a session leaves behind: the records the journal stores and progress reads.

Times are timezone-aware datetimes; ``day`` is the person's local calendar date when the
session started (what "three days" or "a rest day" counts in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True, kw_only=True)
class SessionLog:
    """A session in the journal: guided by acupress, or logged by hand afterwards."""

    id: int | None
    started_at: dt.datetime
    day: dt.date
    protocol: str
    source: Source
    decision: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    points: tuple[str, ...] = ()  # points pressed (for a guided session, from its steps)
    seconds: int = 0  # time spent (for a guided session, the sum of its steps)
    steps: tuple[StepLog, ...] = ()
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


def check_pain(value: int, what: str = "Pain") -> int:
    """A pain score on the 0-10 numeric rating scale."""
    from acupress.errors import AcupressError

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
