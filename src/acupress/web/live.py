"""Guided sessions running in the browser: the core's state machine, one per session,
driven by what the page asks for (go on, pause, skip, back, stop) and timed by the
server's clock.

The page only shows a countdown towards the deadline it was given and asks to go on when
it passes; which step comes next, what counts as done, and what is written to the journal
are decided here, by ``Session`` and the runner's journal functions, exactly as in the
terminal. A step whose time is up is written the moment the page (or any later request)
reaches it, with the moment it really ended, so a tab throttled in the background or
closed loses nothing that was done."""

from __future__ import annotations

import contextlib
import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from acupress import runner
from acupress.errors import AcupressError, NotFound
from acupress.records import StopReason
from acupress.runner import Action
from acupress.session import Cue, Session, Status

if TYPE_CHECKING:
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.protocol import Plan, Protocol


@dataclass(kw_only=True)
class Live:
    """A session in progress and what the page needs to show it."""

    id: int
    session: Session
    clock: Clock
    protocol: Protocol
    lock: threading.Lock = field(default_factory=threading.Lock)
    message: str = ""
    closed: bool = False  # its end is written to the journal
    seen_at: float = 0.0  # session clock when the page last asked anything
    seen_wall: float = field(default_factory=time.monotonic)  # and the monotonic time then

    @property
    def plan(self) -> Plan:
        return self.session.plan

    def status(self) -> Status:
        return self.session.status(self.clock.elapsed())


@dataclass(frozen=True, kw_only=True)
class Moment:
    """The answer to a request: where the session is now and the cues it brought."""

    live: Live
    status: Status
    cues: tuple[Cue, ...]
    stop_advice: str | None = None


# The page asks for the session's state at least every HEARTBEAT seconds while it is
# open; a browser may slow a hidden tab's timers to once a minute, hence the grace.
HEARTBEAT = 10.0
GRACE = 70.0  # wall seconds after the last request during which the page may still live
GONE = 300.0  # wall seconds of silence after which the page is taken to be closed


class LiveSessions:
    """The sessions this server is guiding, by journal id.

    A step counts as done when its time is up while the page is there: any request from
    the page writes the steps whose time passed (a throttled background tab included).
    When the page goes away (closed tab, lost connection, the app stopping) the session
    is interrupted, and only steps that ended while the page was still there, or within
    the grace after its last request, are kept: nothing is recorded as done that nobody
    was guided through."""

    def __init__(
        self,
        clock_factory: Callable[[], Clock],
        stop_advice: dict[str, str],
        speed: float = 1.0,
    ) -> None:
        self.clock_factory = clock_factory
        self.stop_advice = stop_advice
        self.speed = speed
        self._by_id: dict[int, Live] = {}
        self._lock = threading.Lock()

    def start(
        self,
        db: Journal,
        plan: Plan,
        protocol: Protocol,
        *,
        pain_before: int,
        answers: dict[str, Any] | None,
    ) -> Moment:
        """Open the session's record in the journal (incomplete until it ends) and start
        its first step now. Sessions whose page has gone quiet are closed first."""
        self.interrupt_gone(db)
        clock = self.clock_factory()
        session, session_id = runner.begin(
            db, plan, clock, pain_before=pain_before, answers=answers, front_end="web"
        )
        live = Live(
            id=session_id, session=session, clock=clock, protocol=protocol, seen_at=clock.elapsed()
        )
        with self._lock:
            self._by_id[session_id] = live
        return Moment(live=live, status=live.status(), cues=())

    def interrupt_left_behind(self, db: Journal) -> int:
        """When the app starts: the sessions a web app began and never closed were cut off
        by its process ending (killed, restarted), so they are marked as interrupted at
        their last completed step. Sessions run in a terminal are left alone. This assumes
        one web app per journal: a second one starting would close the first one's
        running sessions."""
        return db.interrupt_unfinished("web")

    def get(self, session_id: int) -> Live:
        with self._lock:
            live = self._by_id.get(session_id)
        if live is None:
            raise NotFound(
                f"Session {session_id} is not running here (it ended, or the app was "
                "restarted); the steps it completed are in the journal."
            )
        return live

    def peek(self, session_id: int) -> Moment:
        """Where a session is at this moment, worked out on a copy of it: the steps whose
        time is up are passed on the copy only, so reading writes nothing."""
        live = self.get(session_id)
        with live.lock:
            at = live.clock.elapsed()
            session = copy.deepcopy(live.session)
        session.advance(at)
        shown = replace(live, session=session)
        return Moment(live=shown, status=session.status(at), cues=())

    def act(
        self,
        db: Journal,
        session_id: int,
        action: Action,
        reason: StopReason | None = None,
        note: str = "",
    ) -> Moment:
        """Apply what the page asked for, write the steps it completed, and when the
        session ends, write its end."""
        live = self.get(session_id)
        with live.lock:
            s = live.session
            at = live.clock.elapsed()
            if s.finished and action not in ("advance", "stop"):
                raise AcupressError("This session is over: nothing more can be done in it.")
            logs, cues, said = runner.apply(s, action, at, reason or "other")
            stopped = action == "stop" and s.stop_reason is not None
            advice = self.stop_advice.get(reason or "other") if stopped else None
            for log in logs:
                db.add_step(live.id, log)
            if said is not None:
                live.message = said
            elif cues:
                live.message = cues[-1].words
            if s.finished and not live.closed:
                runner.close(db, live.id, s, stop_note=note)
                live.closed = True
            live.seen_at, live.seen_wall = at, time.monotonic()
            return Moment(live=live, status=s.status(at), cues=tuple(cues), stop_advice=advice)

    def forget(self, session_id: int) -> None:
        with self._lock:
            self._by_id.pop(session_id, None)

    def leave(self, db: Journal, session_id: int) -> None:
        """The page is going away (closed, reloaded, navigated off): the steps done up
        to now are kept and the session is interrupted."""
        live = self.get(session_id)
        self._interrupt(db, live, live.clock.elapsed())
        self.forget(session_id)

    def interrupt_gone(self, db: Journal) -> None:
        """Close the sessions whose page has not been heard from for a while."""
        now = time.monotonic()
        with self._lock:
            gone = [lv for lv in self._by_id.values() if now - lv.seen_wall > GONE]
        for live in gone:
            self._interrupt(db, live, self._last_alive(live))
            self.forget(live.id)

    def interrupt_all(self, db: Journal) -> None:
        """The app is shutting down: sessions still running keep what was done while
        their page was there, and are marked as interrupted."""
        with self._lock:
            running = list(self._by_id.values())
            self._by_id.clear()
        for live in running:
            # One session that cannot be written (deleted meanwhile, a busy journal) must
            # not keep the others from being closed: they are all tried.
            with contextlib.suppress(AcupressError):
                self._interrupt(db, live, self._last_alive(live))

    def _last_alive(self, live: Live) -> float:
        """The latest session time at which the page may still have been there."""
        return min(live.clock.elapsed(), live.seen_at + GRACE * self.speed)

    def _interrupt(self, db: Journal, live: Live, at: float) -> None:
        with live.lock:
            if live.closed:
                return
            for log in live.session.advance(at)[0]:
                db.add_step(live.id, log)
            if live.session.finished:
                runner.close(db, live.id, live.session)
            else:
                runner.interrupt(db, live.id, live.session, at)
            live.closed = True
