"""A guided session as a state machine over a plan, driven by times from a clock.

Every method takes ``at``, the clock's elapsed seconds, and nothing here reads a clock,
prints or writes: the runner asks what changed and records it. Step deadlines are
measured from where the previous step ended, not from when the runner woke up, so a
late wake-up never pushes the rest of the session back (no drift)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from acupress.protocol import Plan, PlannedStep
from acupress.records import StepLog, StopReason

if TYPE_CHECKING:
    import msgspec

CueKind = Literal["switch_side", "next_step", "end"]


@dataclass(frozen=True, kw_only=True)
class Cue:
    """A moment worth a bell: switch to the other side, move on, the session is over."""

    kind: CueKind
    words: str


@dataclass(frozen=True, kw_only=True)
class Status:
    """What the screen shows at a moment."""

    index: int
    step: PlannedStep
    next: PlannedStep | None
    step_elapsed: float
    step_remaining: float
    total_elapsed: float  # how far through the plan: earlier steps' time plus this one's
    paused: bool
    finished: bool
    total_seconds: int

    @property
    def step_fraction(self) -> float:
        return min(1.0, self.step_elapsed / self.step.seconds) if self.step.seconds else 1.0

    @property
    def total_fraction(self) -> float:
        return min(1.0, self.total_elapsed / self.total_seconds) if self.total_seconds else 1.0


def cue_words(done: PlannedStep, after: PlannedStep | None, partner: bool) -> Cue:
    """The words spoken when ``done`` ends and ``after`` begins."""
    if after is None:
        return Cue(kind="end", words="The session is over. Rest, and drink some water.")
    if after.id == done.id and after.side in ("left", "right"):
        whose = "your partner's" if partner else "the"
        return Cue(kind="switch_side", words=f"Switch to {whose} {after.side} side.")
    where = f", {after.side} side" if after.side in ("left", "right") else ""
    return Cue(kind="next_step", words=f"Now: {after.title}{where}.")


class Session:
    """The state of a session in progress: which step, how far into it, paused or not,
    and the log of what has been done."""

    def __init__(self, plan: Plan, started_at: dt.datetime, at: float = 0.0) -> None:
        if not plan.steps:
            raise ValueError("a session needs at least one step")
        self.plan = plan
        self.started_at = started_at
        self.origin = at  # clock reading that corresponds to started_at
        self.index = 0
        self.step_start = at  # when the current step began to run
        self.paused_at: float | None = None
        self.paused_for = 0.0  # paused seconds inside the current step
        self.done: list[StepLog] = []
        self.stop_reason: StopReason | None = None
        self.ended_at: float | None = None

    # --- reading ---

    @property
    def finished(self) -> bool:
        return self.ended_at is not None

    @property
    def complete(self) -> bool:
        """Every step was reached (skipped ones included) and nobody stopped it."""
        return self.finished and self.stop_reason is None

    @property
    def current(self) -> PlannedStep:
        return self.plan.steps[min(self.index, len(self.plan.steps) - 1)]

    def step_elapsed(self, at: float) -> float:
        if self.finished:
            return 0.0
        until = self.paused_at if self.paused_at is not None else at
        return max(0.0, until - self.step_start - self.paused_for)

    def deadline(self) -> float | None:
        """The clock reading at which the current step ends, unless paused or finished."""
        if self.finished or self.paused_at is not None:
            return None
        return self.step_start + self.paused_for + self.current.seconds

    def status(self, at: float) -> Status:
        steps = self.plan.steps
        elapsed = self.step_elapsed(at)
        before = sum(s.seconds for s in steps[: min(self.index, len(steps))])
        return Status(
            index=min(self.index, len(steps) - 1),
            step=self.current,
            next=steps[self.index + 1] if self.index + 1 < len(steps) else None,
            step_elapsed=elapsed,
            step_remaining=0.0 if self.finished else max(0.0, self.current.seconds - elapsed),
            total_elapsed=before + elapsed,
            paused=self.paused_at is not None,
            finished=self.finished,
            total_seconds=self.plan.total_seconds,
        )

    # --- changing ---

    def advance(self, at: float) -> tuple[list[StepLog], list[Cue]]:
        """Complete every step whose time is up by ``at``; returns what was completed and
        the cues to give."""
        logs: list[StepLog] = []
        cues: list[Cue] = []
        while (deadline := self.deadline()) is not None and at >= deadline:
            step = self.current
            logs.append(self._log(step, float(step.seconds), skipped=False, at=deadline))
            cues.append(self._move_on(deadline))
        return logs, cues

    def toggle_pause(self, at: float) -> None:
        if self.finished:
            return
        if self.paused_at is None:
            self.paused_at = at
        else:
            self.paused_for += at - self.paused_at
            self.paused_at = None

    def skip(self, at: float) -> tuple[list[StepLog], list[Cue]]:
        """Leave the current step now; it is recorded as skipped, with the time it had."""
        logs, cues = self.advance(at)
        if self.finished:
            return logs, cues
        step = self.current
        logs.append(self._log(step, self.step_elapsed(at), skipped=True, at=at))
        cues.append(self._move_on(at))
        return logs, cues

    def back(self, at: float) -> tuple[list[StepLog], list[Cue]]:
        """Go back to the previous step and do it again (the first step restarts). The
        unfinished current step is not recorded: it will come round again. A step whose
        time was already up counts as done, and is returned like ``advance`` does."""
        done = self.advance(at)
        if not self.finished:
            self.index = max(0, self.index - 1)
            self._restart(at)
        return done

    def stop(self, at: float, reason: StopReason) -> None:
        """Stop early: what is done stays done; the current step is not recorded."""
        if self.finished:
            return
        self.stop_reason = reason
        self.ended_at = at

    # --- saving ---

    def to_json(self) -> bytes:
        """The whole state as JSON: ``from_json`` gives back a session that behaves
        exactly like this one from here on (a running session kept in a database)."""
        import msgspec

        return msgspec.json.encode(_saved_type()(**{f: getattr(self, f) for f in SAVED}))

    @classmethod
    def from_json(cls, data: bytes | str) -> Session:
        import msgspec

        saved = msgspec.json.decode(data, type=_saved_type())
        session = cls.__new__(cls)
        for name in SAVED:
            setattr(session, name, getattr(saved, name))
        # records.py names its step's side and pressure types for type checkers only, so
        # a step is read as its fields and made again
        session.done = [StepLog(**msgspec.structs.asdict(log)) for log in saved.done]  # type: ignore[attr-defined]
        return session

    # --- internals ---

    def wall(self, at: float) -> dt.datetime:
        return self.started_at + dt.timedelta(seconds=at - self.origin)

    def _log(self, step: PlannedStep, seconds: float, *, skipped: bool, at: float) -> StepLog:
        log = StepLog(
            position=self.index,
            step=step.step,
            step_id=step.id,
            point=step.point,
            side=step.side,
            pressure=step.pressure,
            planned_seconds=step.seconds,
            seconds=round(seconds, 3),
            skipped=skipped,
            completed_at=self.wall(at),
        )
        self.done.append(log)
        return log

    def _move_on(self, at: float) -> Cue:
        done = self.current
        self.index += 1
        after = self.plan.steps[self.index] if self.index < len(self.plan.steps) else None
        if after is None:
            self.ended_at = at
        else:
            self._restart(at)
        return cue_words(done, after, self.plan.partner)

    def _restart(self, at: float) -> None:
        self.step_start = at
        self.paused_for = 0.0
        if self.paused_at is not None:
            self.paused_at = at  # a paused session stays paused on its new step


SAVED = (
    "plan",
    "started_at",
    "origin",
    "index",
    "step_start",
    "paused_at",
    "paused_for",
    "done",
    "stop_reason",
    "ended_at",
)
_SAVED: dict[str, Any] = {}


def _saved_type() -> type[msgspec.Struct]:
    """The shape of a saved session, made once (msgspec is loaded only when saving)."""
    if "type" not in _SAVED:
        import msgspec

        _SAVED["type"] = msgspec.defstruct(
            "SavedSession",
            [
                ("plan", Plan),
                ("started_at", dt.datetime),
                ("origin", float),
                ("index", int),
                ("step_start", float),
                ("paused_at", float | None),
                ("paused_for", float),
                ("done", list[_saved_step()]),  # type: ignore[misc]
                ("stop_reason", StopReason | None),
                ("ended_at", float | None),
            ],
            forbid_unknown_fields=True,
        )
    saved: type[msgspec.Struct] = _SAVED["type"]
    return saved


def _saved_step() -> type[msgspec.Struct]:
    import msgspec

    return msgspec.defstruct(
        "SavedStep",
        [
            ("position", int),
            ("step", int),
            ("step_id", str),
            ("point", str | None),
            ("side", str | None),
            ("pressure", str | None),
            ("planned_seconds", int),
            ("seconds", float),
            ("skipped", bool),
            ("completed_at", dt.datetime),
        ],
        forbid_unknown_fields=True,
    )
