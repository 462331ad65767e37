"""A guided session in the terminal, from its first question to its last: today's
decision shown, the rest-day question, pain before, the plan, the live screen (or a line
per step with ``auto``), a stop or the end, and the closing questions. The journal is
written as the session goes (``runner``); a closed terminal or a polite kill stops it
like Ctrl-C, keeping the steps done."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from acupress.errors import AcupressError, NoSessionToday

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.atlas import Atlas
    from acupress.clock import Clock
    from acupress.progress import Progress
    from acupress.protocol import Protocol
    from acupress.records import Sensation, SessionLog, StepLog, StopReason
    from acupress.safety import Answers
    from acupress.session import Session, Status

NO_PAIN = (
    "No pain score could be read: standard input is closed; give --pain-before N "
    "(and --auto --pain-after N to run without questions)."
)
NO_KEYBOARD = (
    "The guided session needs a keyboard, but standard input is closed; run it with --auto "
    "(with --pain-before N and --pain-after N)."
)
USUAL_CARE_UNASKED = (
    "Today is in a usual-care week of your trial and standard input is closed, so nobody "
    "can choose a session anyway; run it with --auto to do one (it is recorded as a deviation)."
)
REST_DAY_UNASKED = (
    "Today is a rest day and standard input is closed, so nobody can choose a session "
    "anyway; give --on-rest-day to do one."
)


@dataclass(frozen=True, kw_only=True)
class Request:
    """A session as asked for: the plan's options, how it runs, and what is known already
    (anything None is asked, unless ``auto``)."""

    protocol: str
    minutes: int | None
    partner: bool | None
    answers: Callable[[], Answers | None]  # today's answers given (read when needed)
    ask: Callable[[], Answers]  # and asked, when neither given nor saved today
    quiet: bool = False
    speed: float = 1.0
    keep: bool = False
    auto: bool = False
    on_rest_day: bool = False
    before: int | None = None
    after: int | None = None
    felt: tuple[Sensation, ...] | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Done:
    """A session over: as stored (None for a demonstration not kept), and the progress."""

    stored: SessionLog | None
    progress: Progress


def run(app: App, asked: Request) -> Done:
    """Run a guided session in this terminal, from today's decision to the last question."""
    from acupress import actions, render, runner
    from acupress.clock import RealClock
    from acupress.safety import answers_to_json

    ready = actions.session_now(
        app,
        asked.protocol,
        minutes=asked.minutes,
        partner=asked.partner,
        answers=asked.answers,
        ask=asked.ask,
    )
    if ready.refused:
        render.show(render.decision_panel(ready.refused))
    # A session the check rules out is refused here, before the journal is touched.
    plan = ready.plan()
    if plan.rest_day and not asked.on_rest_day:
        render.show(render.rest_day_panel(plan.rest_day))
        with unless_closed(REST_DAY_UNASKED):
            anyway = not asked.auto and click.confirm("Do a session anyway?", default=False)
        if not anyway:
            raise NoSessionToday(
                "Today is a rest day: no session (give --on-rest-day to do one anyway)."
            )
    if asked.keep or asked.speed == 1:
        usual_care_week(app, asked.auto)
    if ready.decision is not None and ready.decision.decision == "modified" and not asked.auto:
        render.show(render.decision_panel(ready.decision))
    before = asked.before
    if before is None:
        with unless_closed(NO_PAIN):
            before = ask_pain("How bad is your back pain right now?")
    if not asked.auto:
        render.show(render.plan_view(plan))
        with unless_closed(NO_KEYBOARD):
            click.prompt(
                "Press Enter to start (space pauses, n skips, b goes back, q stops)",
                default="",
                show_default=False,
                prompt_suffix=" ",
            )
    demo = asked.speed != 1
    if demo:
        click.echo(
            f"A demonstration at {asked.speed:g} times the real speed: "
            + (
                "kept in your journal, marked as one."
                if asked.keep
                else "not kept in your journal."
            )
        )
    with actions.session_journal(app, kept=asked.keep or not demo) as db:
        clock = RealClock(asked.speed)
        guided, session_id = runner.begin(
            db, plan, clock, pain_before=before, answers=answers_to_json(ready.answers)
        )
        mark = actions.demonstration_note(asked.speed) if demo else ""
        if mark:
            db.update(session_id, note=mark)
        record = runner.recorder(db, session_id)
        with signals_interrupt():
            try:
                if asked.auto:
                    stopped = drive_auto(guided, clock, record)
                else:
                    thumb = app.thumb_cm(None)
                    stopped = drive_terminal(
                        guided,
                        clock,
                        record,
                        ready.protocol,
                        app.atlas,
                        thumb,
                        asked.quiet,
                        asked.speed,
                    )
            except KeyboardInterrupt:
                runner.interrupt(db, session_id, guided, clock.elapsed())
                kept = sum(1 for s in guided.done if not s.skipped)
                raise AcupressError(
                    f"Stopped: session {session_id} is kept in the journal with the {kept} "
                    "step(s) done, marked as interrupted."
                ) from None
            closing = ask_closing(stopped, asked)
            closing["note"] = " ".join(n for n in (mark, closing["note"]) if n)
            runner.close(db, session_id, guided, **closing)
        stored = db.get(session_id)
        found = actions.progress_now(app.today(), db)
    return Done(stored=None if demo and not asked.keep else stored, progress=found)


def usual_care_week(app: App, auto: bool) -> None:
    """In a usual-care week of a personal trial, say that a session is a deviation; go on
    only when the person chooses to (or runs without questions)."""
    from acupress import trial_actions

    notice = trial_actions.usual_care_notice(app)
    if notice is None:
        return
    click.echo(notice)
    if auto:
        return
    with unless_closed(USUAL_CARE_UNASKED):
        anyway = click.confirm("Do a session anyway?", default=False)
    if not anyway:
        raise NoSessionToday("A usual-care week of your trial: no session today.")


# --- questions ------------------------------------------------------------------------


@contextlib.contextmanager
def unless_closed(message: str) -> Iterator[None]:
    """Questions asked where nobody can answer (standard input closed or at its end)
    stop with ``message``, which says which option gives the answer instead."""
    try:
        yield
    except EOFError:
        raise AcupressError(message) from None
    except click.exceptions.Abort as e:
        # click's own prompts turn the end of input into Abort; Ctrl-C stays Abort.
        if isinstance(e.__cause__ or e.__context__, EOFError):
            raise AcupressError(message) from None
        raise
    except RuntimeError:
        if sys.stdin is None or sys.stdin.closed:  # input(): lost sys.stdin
            raise AcupressError(message) from None
        raise


def ask_pain(question: str) -> int:
    from rich.prompt import IntPrompt

    from acupress import render
    from acupress.records import check_pain

    while True:
        value = IntPrompt.ask(f"{question} (0 none - 10 worst)", console=render.console())
        try:
            return check_pain(value, "Pain")
        except AcupressError as e:
            render.console().print(str(e), style="red")


def ask_sensations() -> tuple[Sensation, ...]:
    from rich.prompt import Prompt

    from acupress import actions, render

    while True:
        text = Prompt.ask(
            "What did you feel at the points? (warmth, ache, tingling or none; several "
            "with commas)",
            console=render.console(),
            default="none",
        )
        try:
            return actions.parse_sensations(text)
        except AcupressError as e:
            render.console().print(str(e), style="red")


STOP_CHOICES: dict[str, StopReason] = {
    "1": "dizziness",
    "2": "pain_increased",
    "3": "no_time",
    "4": "other",
}


def ask_stop_reason() -> tuple[StopReason, str]:
    from rich.prompt import Prompt

    from acupress import render

    out = render.console()
    out.print("Why did you stop? 1 dizziness · 2 pain increased · 3 no time · 4 other")
    choice = Prompt.ask("Choose", choices=list(STOP_CHOICES), default="4", console=out)
    reason = STOP_CHOICES[choice]
    note = ask_note("In a few words (optional)") if (reason == "other") else ""
    return reason, note


def ask_note(question: str) -> str:
    from rich.prompt import Prompt

    from acupress import actions, render

    while True:
        text = Prompt.ask(question, default="", console=render.console())
        try:
            return actions.check_note(text)
        except AcupressError as e:
            render.console().print(str(e), style="red")


def ask_closing(stopped: bool, asked: Request) -> dict[str, Any]:
    """The end of a session: why it stopped (with the guide's advice), pain after, what
    was felt, a note. Questions left unanswered (Ctrl-C, a closed terminal) stay empty;
    the session itself is kept either way."""
    from acupress import progress, render

    after, felt, note = asked.after, asked.felt, asked.note
    reason: StopReason | None = None
    stop_note = ""
    try:
        if stopped:
            reason = "other"
            if not asked.auto:
                reason, stop_note = ask_stop_reason()
            advice = progress.default_rules().stop_advice.get(reason)
            if advice:
                render.show(render.stop_advice(reason, advice))
        else:
            click.echo("\nThe session is over. Rest quietly for a few minutes, then drink water.")
        if after is None:
            after = ask_pain("How bad is your back pain now?")
        if felt is None and not asked.auto:
            felt = ask_sensations()
        if note is None and not asked.auto:
            note = ask_note("A note for your journal (optional)")
    except (KeyboardInterrupt, EOFError, click.exceptions.Abort):
        pass
    return {
        "pain_after": after,
        "sensations": felt or (),
        "note": note or "",
        "stop_reason": reason,
        "stop_note": stop_note,
    }


# --- running it -----------------------------------------------------------------------


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """A closed terminal (SIGHUP) or a polite kill (SIGTERM) stops a session like Ctrl-C,
    so the steps done are kept and the session is marked as interrupted."""
    import signal

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def drive_auto(guided: Session, clock: Clock, record: Callable[[StepLog], None]) -> bool:
    """A session nobody watches: a line per step, the journal written as it goes."""
    from acupress import runner
    from acupress.protocol import minutes_seconds

    total = len(guided.plan.steps)
    click.echo(
        f"Session started: {total} steps, {minutes_seconds(guided.plan.total_seconds)}.",
    )

    def step(log: StepLog) -> None:
        record(log)
        side = f" ({log.side})" if log.side in ("left", "right", "both") else ""
        click.echo(f"  {log.position + 1}/{total} done: {log.step_id}{side}, {log.seconds:.0f} s")

    hooks = runner.Hooks(step=step, cue=lambda cue: click.echo(f"  {cue.words}"))
    return runner.drive(guided, clock, runner.NoKeys(clock), hooks)


def drive_terminal(
    guided: Session,
    clock: Clock,
    record: Callable[[StepLog], None],
    chosen: Protocol,
    atlas: Atlas,
    thumb_cm: float | None,
    quiet: bool,
    speed: float,
) -> bool:
    """The live screen: countdowns, progress bars, cues, and the keys."""
    from rich.live import Live

    from acupress import render, runner
    from acupress.terminal import Cues, TerminalKeys

    keys = TerminalKeys(clock, speed)
    cues = Cues(quiet)
    out = render.console()
    try:
        with keys.cbreak(), Live(console=out, screen=True, auto_refresh=False) as live:

            def draw(status: Status, message: str) -> None:
                screen = render.session_screen(
                    status, guided.plan, chosen, atlas, thumb_cm, message
                )
                live.update(screen, refresh=True)

            hooks = runner.Hooks(step=record, cue=lambda cue: cues(cue.words), draw=draw)
            return runner.drive(guided, clock, keys, hooks, refresh=0.25 * speed)
    finally:
        cues.close()
