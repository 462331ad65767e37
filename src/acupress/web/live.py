"""Guided sessions running in the browser: the core's state machine, kept in the journal
while it runs, driven by what the page asks for (go on, pause, skip, back, stop) and
timed by the app's clock.

The page only shows a countdown towards the deadline it was given and asks to go on when
it passes; which step comes next, what counts as done, and what is written to the journal
are decided here, by ``Session`` and the runner's journal functions, exactly as in the
terminal. A step whose time is up is written the moment the page (or any later request)
reaches it, with the moment it really ended, so a tab throttled in the background or
closed loses nothing that was done.

A running session lives in the journal's ``live_sessions`` table, not in a process: its
plan and state as JSON, with the moments it started, paused and was last heard from, and
a version raised at every change. Any app on the same journal (another worker, the app
started again) serves the next request of a session another began: a change is saved
only if nobody changed the session meanwhile, else it is read again and made again.
Every step is written with a key (``<session uid>:<index in the plan>:<time round>``)
that the journal keeps once, so two tabs, a retry or a page sending its steps again
never record a step twice.

The rule, from the stored moments (so it holds across restarts and workers): a step
counts as done when its time is up while the page is there, or within GRACE seconds
after its last request. A request that comes within GONE seconds of the previous one
goes on as if nothing happened (a restart of the app included). After GONE seconds of
silence the page is taken to be gone, and whichever app notices first (at its start, or
at any session request) interrupts the session at its last completed step. Steps a page
ran while offline, sent when the network is back, are written all the same."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from acupress import runner
from acupress.errors import AcupressError, Conflict, NotFound
from acupress.records import StepLog, StopReason
from acupress.runner import Action
from acupress.session import Cue, Session, Status

if TYPE_CHECKING:
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.protocol import Plan, Protocol
    from acupress.web.models import StepDone as Done
    from acupress.web.models import StepNow as Current

T = TypeVar("T")


class Stored(msgspec.Struct, forbid_unknown_fields=True):
    """A running session as the journal keeps it."""

    uid: str
    session: msgspec.Raw
    seen: dt.datetime  # when the page was last heard from
    message: str = ""
    closed: bool = False  # its end is written to the journal


@dataclass(kw_only=True)
class Live:
    """A session in progress and what the page needs to show it."""

    id: int
    uid: str
    session: Session
    protocol: Protocol
    seen: dt.datetime
    message: str = ""
    closed: bool = False
    version: int = 0

    @property
    def plan(self) -> Plan:
        return self.session.plan

    def at(self, moment: dt.datetime) -> float:
        """The session's clock reading at a wall-clock moment."""
        return self.session.origin + (moment - self.session.started_at).total_seconds()

    def dump(self) -> str:
        stored = Stored(
            uid=self.uid,
            session=msgspec.Raw(self.session.to_json()),
            seen=self.seen,
            message=self.message,
            closed=self.closed,
        )
        return msgspec.json.encode(stored).decode()

    def next_key(self) -> str:
        """The key the step the session is at will have when it is done."""
        position = self.session.index
        return step_key(
            self.uid, position, sum(1 for d in self.session.done if d.position == position)
        )

    def key(self, i: int) -> str:
        """The key of the ``i``-th step done: the same whichever app writes it."""
        done = self.session.done
        position = done[i].position
        return step_key(self.uid, position, sum(1 for d in done[:i] if d.position == position))


def step_key(uid: str, position: int, attempt: int) -> str:
    """A step's key: the session, the step's index in the plan, and how many times that
    step was done before (going back does one again)."""
    return f"{uid}:{position}:{attempt}"


@dataclass(frozen=True, kw_only=True)
class Moment:
    """The answer to a request: where the session is now and the cues it brought."""

    live: Live
    status: Status
    cues: tuple[Cue, ...]
    stop_advice: str | None = None
    now: dt.datetime | None = None
    with_plan: bool = False  # the whole plan, for a page that may run it offline


# The page asks for the session's state at least every HEARTBEAT seconds while it is
# open; a browser may slow a hidden tab's timers to once a minute, hence the grace.
HEARTBEAT = 10.0
GRACE = 70.0  # wall seconds after the last request during which the page may still live
GONE = 300.0  # wall seconds of silence after which the page is taken to be closed
KEPT = 86400.0  # wall seconds an ended session's state is kept, for steps sent late
TRIES = 5  # times a change is made again when another request changed the session first


class LiveSessions:
    """The sessions running in browsers, kept in the journal and timed by ``clock``."""

    def __init__(
        self,
        clock: Clock,
        stop_advice: dict[str, str],
        speed: float = 1.0,
        protocols: Callable[[str], Protocol] | None = None,
    ) -> None:
        self.clock = clock
        self.stop_advice = stop_advice
        self.speed = speed
        self.protocols = protocols

    # --- reading ---

    def get(self, db: Journal, session_id: int) -> Live:
        found = db.live_get(session_id)
        if found is None:
            raise NotFound(
                f"Session {session_id} is not running (it ended, or its page was closed); "
                "the steps it completed are in the journal."
            )
        state, version = found
        stored = msgspec.json.decode(state, type=Stored)
        session = Session.from_json(stored.session)
        return Live(
            id=session_id,
            uid=stored.uid,
            session=session,
            protocol=self._protocol(session.plan.protocol),
            seen=stored.seen,
            message=stored.message,
            closed=stored.closed,
            version=version,
        )

    def peek(self, db: Journal, session_id: int) -> Moment:
        """Where a session is at this moment: the steps whose time is up are passed on
        the state as read, which is not saved, so reading writes nothing."""
        self.interrupt_gone(db)
        live = self.get(db, session_id)
        now = self.clock.now()
        at = live.at(now)
        live.session.advance(at)
        return Moment(live=live, status=live.session.status(at), cues=(), now=now, with_plan=True)

    # --- changing ---

    def start(
        self,
        db: Journal,
        plan: Plan,
        protocol: Protocol,
        *,
        pain_before: int,
        answers: dict[str, Any] | None,
    ) -> Moment:
        """Open the session's record in the journal (incomplete until it ends), keep its
        state, and start its first step now. Sessions whose page has gone quiet are
        closed first."""
        self.interrupt_gone(db)
        session, session_id = runner.begin(
            db, plan, self.clock, pain_before=pain_before, answers=answers, front_end="web"
        )
        uid = db.get(session_id).uid
        assert uid is not None
        now = session.started_at
        live = Live(id=session_id, uid=uid, session=session, protocol=protocol, seen=now)
        db.live_add(session_id, live.dump(), now)
        live.version = 1
        at = live.at(now)
        return Moment(live=live, status=session.status(at), cues=(), now=now, with_plan=True)

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
        self.interrupt_gone(db)

        def change(live: Live, at: float) -> Moment:
            s = live.session
            if s.finished and action not in ("advance", "stop"):
                raise AcupressError("This session is over: nothing more can be done in it.")
            _logs, cues, said = runner.apply(s, action, at, reason or "other")
            stopped = action == "stop" and s.stop_reason is not None
            advice = self.stop_advice.get(reason or "other") if stopped else None
            if said is not None:
                live.message = said
            elif cues:
                live.message = cues[-1].words
            return Moment(
                live=live,
                status=s.status(at),
                cues=tuple(cues),
                stop_advice=advice,
                now=live.session.wall(at),
            )

        return self._change(db, session_id, change, note=note)

    def record(
        self,
        db: Journal,
        session_id: int,
        steps: Sequence[Done],
        current: Current | None = None,
    ) -> Moment:
        """Steps a page ran on its own while offline, sent when the network is back:
        each is checked (a step of the plan, with its key, ended within the session and
        not in the future, seconds it could have taken), written once per key with the
        moment it really ended, and the session goes on from where the page is. A
        session closed meanwhile for its page's silence is opened again: it goes on
        when the page says where it is now (it was there all along), else it ends again
        at the last of the steps sent, unless they finish it."""
        self.interrupt_gone(db)
        checked = self._checked(self.get(db, session_id), steps)
        reopened = False

        def change(live: Live, at: float) -> Moment:
            nonlocal reopened
            s = live.session
            reopened = live.closed and s.stop_reason == "interrupted"
            reopened = reopened and (bool(checked) or current is not None)
            if reopened:
                s.ended_at, s.stop_reason, live.closed = None, None, False
            for done, log in checked:
                self._replay(live, done, log)
            if not s.finished and current is not None and current.index == s.index:
                then = at if current.at is None else min(at, live.at(current.at))
                s.step_start, s.paused_for = then - current.elapsed, 0.0
                s.paused_at = then if current.paused else None
            elif reopened and not s.finished:
                ends = [live.at(d.completed_at) for d in s.done]
                s.stop(max(ends, default=s.origin), "interrupted")
            return Moment(live=live, status=s.status(at), cues=(), now=s.wall(at), with_plan=True)

        def written(live: Live) -> list[tuple[str, StepLog]]:
            return [(done.key, log) for done, log in checked]

        moment = self._change(db, session_id, change, steps=written)
        if reopened and not moment.live.session.finished:
            # the page was there all along: the session runs again
            db.update(session_id, ended_at=None, stop_reason=None, complete=False)
        return moment

    def _checked(self, live: Live, steps: Sequence[Done]) -> list[tuple[Done, StepLog]]:
        """The steps sent, as the journal keeps them; the first wrong one refuses all."""
        plan = live.plan.steps
        now = self.clock.now()
        late = dt.timedelta(seconds=5 * self.speed)  # the page's clock may run a little ahead
        found: list[tuple[Done, StepLog]] = []
        previous = live.session.started_at
        for done in sorted(steps, key=lambda d: d.completed_at):
            which = f"Step {done.index + 1} sent from the page"
            if done.index >= len(plan):
                raise AcupressError(
                    f"{which} is not in this session's plan of {len(plan)} steps; "
                    "nothing was written."
                )
            head, _, attempt = done.key.rpartition(":")
            if head != f"{live.uid}:{done.index}" or not attempt.isdigit():
                raise AcupressError(
                    f"{which} has the key '{done.key[:64]}', not one of this session's "
                    f'("{live.uid}:{done.index}:N"); nothing was written.'
                )
            end = done.completed_at
            if end < previous or end > now + late:
                raise AcupressError(
                    f"{which} ended at {end.isoformat()}, outside the session (from "
                    f"{live.session.started_at.isoformat()} to now); nothing was written."
                )
            step = plan[done.index]
            if done.seconds > step.seconds + 1 or (
                not done.skipped and done.seconds < step.seconds - 1
            ):
                raise AcupressError(
                    f"{which} took {done.seconds:g} seconds, which its {step.seconds} "
                    "planned seconds do not allow; nothing was written."
                )
            previous = end
            found.append(
                (
                    done,
                    StepLog(
                        position=done.index,
                        step=step.step,
                        step_id=step.id,
                        point=step.point,
                        side=step.side,
                        pressure=step.pressure,
                        planned_seconds=step.seconds,
                        seconds=round(done.seconds, 3),
                        skipped=done.skipped,
                        completed_at=end,
                    ),
                )
            )
        return found

    def _replay(self, live: Live, done: Done, log: StepLog) -> None:
        """Bring the state to the end of a step the page ran: when it is the step the
        state is at, it ends when the page says (a pause on the page moves it later)."""
        s = live.session
        if s.finished or s.index != done.index:
            return
        if done.key != live.next_key():
            return
        if s.paused_at is not None:
            s.toggle_pause(s.paused_at)
        at = live.at(log.completed_at)
        # the step took, on the page, the seconds it says up to its end: the rest of the
        # time since it began was a pause there (or, when negative, the page's clock ran
        # a little ahead)
        s.paused_for = at - s.step_start - (log.seconds if done.skipped else log.planned_seconds)
        if done.skipped:
            s.skip(at)
            return
        s.advance(at)

    def leave(self, db: Journal, session_id: int) -> None:
        """The page is going away (closed, reloaded, navigated off): the steps done up
        to now are kept and the session is interrupted."""

        def change(live: Live, at: float) -> None:
            live.session.advance(at)
            live.session.stop(at, "interrupted")

        self._change(db, session_id, change)
        db.live_drop(session_id)

    def forget(self, db: Journal, session_id: int) -> None:
        """The session is over and its closing recorded: its state is no longer kept."""
        db.live_drop(session_id)

    def interrupt_gone(self, db: Journal) -> None:
        """Close the sessions whose page has not been heard from for GONE seconds, at
        their last completed step, and forget ended ones after a day. Whichever app
        comes here first does it; the others find it done."""
        now = self.clock.now()
        for session_id in db.live_quiet(now - dt.timedelta(seconds=GONE * self.speed)):
            # One session that cannot be closed (deleted meanwhile, a busy journal) must
            # not keep the others from being closed: they are all tried.
            with contextlib.suppress(AcupressError):
                live = self.get(db, session_id)
                if live.closed:
                    if (now - live.seen).total_seconds() > KEPT * self.speed:
                        db.live_drop(session_id)
                    continue
                self._change(db, session_id, self._silenced, heard=False)

    def _silenced(self, live: Live, at: float) -> None:
        """The page went quiet: steps count up to GRACE after its last request, and the
        session ends at the last of them. A page heard from meanwhile (the state was
        read again after another request changed it) keeps its session."""
        s = live.session
        if at - live.at(live.seen) <= GONE * self.speed:
            return
        s.advance(min(at, live.at(live.seen) + GRACE * self.speed))
        if s.finished:
            return
        ends = [live.at(d.completed_at) for d in s.done]
        s.stop(max(ends, default=s.origin), "interrupted")
        live.message = "The session was interrupted: its page was not heard from for a while."

    def _change(
        self,
        db: Journal,
        session_id: int,
        change: Callable[[Live, float], T],
        *,
        heard: bool = True,
        note: str = "",
        steps: Callable[[Live], Sequence[tuple[str, StepLog]]] | None = None,
    ) -> T:
        """Read the session, change it, and save it with the steps it completed, unless
        another request changed it meanwhile: then read it again and change that. Once it
        is over, its end is written to the journal."""
        for _ in range(TRIES):
            live = self.get(db, session_id)
            now = self.clock.now()
            before = len(live.session.done)
            result = change(live, live.at(now))
            written = list(steps(live)) if steps is not None else []
            written += [
                (live.key(i), live.session.done[i]) for i in range(before, len(live.session.done))
            ]
            if heard:
                live.seen = now
            if db.live_save(session_id, live.dump(), live.version, live.seen, written):
                live.version += 1
                self._close(db, live, note)
                return result
        raise Conflict(
            f"Session {session_id} was changed from another page at the same moment: try again."
        )

    def _close(self, db: Journal, live: Live, note: str) -> None:
        if not live.session.finished or live.closed:
            return
        runner.close(db, live.id, live.session, stop_note=note)
        live.closed = True
        if db.live_save(live.id, live.dump(), live.version, live.seen):
            live.version += 1

    def _protocol(self, name: str) -> Protocol:
        if self.protocols is None:
            raise NotFound(f"Unknown protocol '{name}'.")
        return self.protocols(name)
