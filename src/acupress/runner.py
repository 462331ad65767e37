"""Runs a guided session: the state machine, a clock, the keys pressed, the cues, and the
journal, which receives each step the moment it is done.

The same loop serves the terminal (keys from the keyboard, a live screen), ``--auto``
(nobody at the keyboard) and the tests (a fake clock and scripted keys), so what a test
drives is what a person does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from acupress.records import Sensation, SessionLog, StepLog, StopReason, points_pressed
from acupress.session import Cue, Session, Status

if TYPE_CHECKING:
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.protocol import Plan

Key = str  # "space" (pause/resume), "n" (skip), "b" (back), "q" (stop)
FrontEnd = Literal["terminal", "web"]


class Keys(Protocol):
    def wait(self, timeout: float) -> Key | None:
        """Wait up to ``timeout`` session seconds for a key; None when none came."""
        ...


class NoKeys:
    """Nobody at the keyboard (``--auto``): waiting is just the clock moving on."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def wait(self, timeout: float) -> Key | None:
        self.clock.sleep(timeout)
        return None


@dataclass(frozen=True, kw_only=True)
class Hooks:
    """What the loop tells the outside world: a step done, a cue to give, a screen to draw."""

    step: Callable[[StepLog], None]
    cue: Callable[[Cue], None] = lambda cue: None
    draw: Callable[[Status, str], None] | None = None


def drive(
    session: Session,
    clock: Clock,
    keys: Keys,
    hooks: Hooks,
    refresh: float | None = None,
) -> bool:
    """Run until the session ends or ``q`` is pressed; returns True when ``q`` stopped it
    (the caller then asks why). ``refresh`` is how often (session seconds) the screen is
    redrawn; without it the loop only wakes at step deadlines and key presses."""
    message = ""

    def record(logs: list[StepLog], cues: list[Cue]) -> None:
        nonlocal message
        for log in logs:
            hooks.step(log)
        for cue in cues:
            hooks.cue(cue)
            message = cue.words

    while True:
        record(*session.advance(clock.elapsed()))
        if session.finished:
            return False
        now = clock.elapsed()
        if hooks.draw is not None:
            hooks.draw(session.status(now), message)
        deadline = session.deadline()
        wait = refresh if deadline is None else max(0.0, deadline - now)
        if refresh is not None and wait is not None:
            wait = min(wait, refresh)
        key = keys.wait(1.0 if wait is None else wait)
        if key not in KEYS:
            continue
        action = KEYS[key]
        if action == "pause" and session.paused_at is not None:
            action = "resume"
        logs, cues, said = apply(session, action, clock.elapsed())
        record(logs, cues)
        if said is not None:
            message = "Paused: press space to go on." if action == "pause" else said
        if session.finished:
            return session.stop_reason is not None


Action = Literal["advance", "pause", "resume", "skip", "back", "stop"]
KEYS: dict[Key, Action] = {"space": "pause", "n": "skip", "b": "back", "q": "stop"}


def apply(
    session: Session, action: Action, at: float, reason: StopReason = "other"
) -> tuple[list[StepLog], list[Cue], str | None]:
    """What the person asked for, at ``at``: first the steps whose time is up are done,
    then the action. Returns the steps completed, the cues, and the words for the screen
    (None when the cues say it). The terminal's keys and the web page's buttons both
    come here."""
    logs, cues = session.advance(at)
    said: str | None = None

    def take(done: tuple[list[StepLog], list[Cue]]) -> None:
        logs.extend(done[0])
        cues.extend(done[1])

    if session.finished:
        return logs, cues, said
    if action == "pause" and session.paused_at is None:
        session.toggle_pause(at)
        said = "Paused."
    elif action == "resume" and session.paused_at is not None:
        session.toggle_pause(at)
        said = ""
    elif action == "skip":
        take(session.skip(at))
    elif action == "back":
        take(session.back(at))
        if not session.finished:
            said = f"Again: {session.current.title}."
    elif action == "stop":
        session.stop(at, reason)
    return logs, cues, said


# --- the journal side -----------------------------------------------------------------


def begin(
    journal: Journal,
    plan: Plan,
    clock: Clock,
    *,
    pain_before: int,
    answers: dict[str, Any] | None,
    front_end: FrontEnd = "terminal",
) -> tuple[Session, int]:
    """Start a session now and open its record in the journal (marked incomplete until it
    is finished, so a killed process leaves an honest record), noting which front end
    runs it."""
    started = clock.now()
    session = Session(plan, started, clock.elapsed())
    log = SessionLog(
        id=None,
        started_at=started,
        day=started.astimezone().date(),
        protocol=plan.protocol,
        source="guided",
        decision=plan.decision,
        pain_before=pain_before,
    )
    return session, journal.add(log, answers, front_end=front_end)


def recorder(journal: Journal, session_id: int) -> Callable[[StepLog], None]:
    def step(log: StepLog) -> None:
        journal.add_step(session_id, log)

    return step


def interrupt(journal: Journal, session_id: int, session: Session, at: float) -> None:
    """Ctrl-C, a closed terminal, a termination signal: keep what was done, say so."""
    session.stop(at, "interrupted")
    close(journal, session_id, session)


def close(
    journal: Journal,
    session_id: int,
    session: Session,
    *,
    pain_after: int | None = None,
    sensations: tuple[Sensation, ...] = (),
    note: str = "",
    stop_reason: StopReason | None = None,
    stop_note: str = "",
) -> None:
    """Write the end of a session: when it ended, how it went, why it stopped. A session
    in which no point was pressed (every one skipped) is not complete: it was not done."""
    assert session.ended_at is not None
    ended = session.wall(session.ended_at)
    closing = {
        "ended_at": ended,
        "pain_after": pain_after,
        "sensations": sensations,
        "note": note,
        "stop_reason": stop_reason or session.stop_reason,
        "stop_note": stop_note,
        "complete": session.complete and bool(points_pressed(session.done)),
    }
    _checked(journal, session_id, closing, ended)
    journal.finish(session_id, **closing)


def record_closing(
    journal: Journal,
    session_id: int,
    *,
    pain_after: int | None,
    sensations: tuple[Sensation, ...],
    note: str,
    now: dt.datetime,
) -> None:
    """What the person says once a session has ended (the web asks afterwards): pain
    now, what was felt, a note; checked like any session before it is written."""
    closing = {"pain_after": pain_after, "sensations": sensations, "note": note}
    _checked(journal, session_id, closing, now)
    journal.update(session_id, **closing)


def _checked(journal: Journal, session_id: int, closing: dict[str, Any], now: dt.datetime) -> None:
    """Refuse, before anything is written, a closing that would make the session wrong."""
    from acupress import atlas
    from acupress.records import check_session

    check_session(replace(journal.get(session_id), **closing), now=now, codes=atlas.default().codes)
