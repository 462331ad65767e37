"""The command line: parse, call the core, render. Heavy imports (rich) stay inside the
commands that draw, so start-up stays fast."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from acupress import __version__, actions
from acupress.errors import AcupressError, NoSessionToday
from acupress.options import Group, Number, OneOf, Whole, either, in_our_words

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from acupress.actions import ExportFormat
    from acupress.atlas import Atlas, Pressure
    from acupress.clock import Clock
    from acupress.progress import Progress
    from acupress.protocol import Protocol
    from acupress.records import Sensation, SessionLog, StepLog, StopReason
    from acupress.safety import Answers, Decision, Screening
    from acupress.session import Session, Status


def main() -> None:
    """Run the command line; user errors become one sentence and an exit code."""
    sys.exit(run())


def run(args: list[str] | None = None) -> int:
    try:
        cli.main(args, standalone_mode=False, prog_name="acupress")
    except AcupressError as e:
        return fail(str(e), e.exit_code)
    except click.exceptions.Abort as e:
        if isinstance(e.__cause__ or e.__context__, EOFError):
            return fail(NOTHING_READ, 2)
        return fail("Stopped; nothing was saved.", 130)
    except click.ClickException as e:
        return fail(in_our_words(e), e.exit_code)
    except click.exceptions.Exit as e:
        return e.exit_code
    except KeyboardInterrupt:
        return fail("Stopped; nothing was saved.", 130)
    except BrokenPipeError:
        return 0
    except Exception as e:
        from acupress import settings

        if settings.given("debug"):
            raise
        return fail(
            f"Unexpected error ({type(e).__name__}: {e}); set ACUPRESS_DEBUG=1 for details.", 1
        )
    return 0


def fail(message: str, code: int) -> int:
    click.echo(f"Error: {message}", err=True)
    return code


NOTHING_READ = (
    "Nothing could be read: standard input is closed; give the answer as an option (see --help)."
)


def emit_json(value: Any) -> None:
    import msgspec

    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def console() -> Console:
    from rich.console import Console

    # Content is shown as written: no markup or emoji codes are read from it.
    return Console(highlight=False, markup=False, emoji=False)


def show(*renderables: RenderableType) -> None:
    out = console()
    for r in renderables:
        out.print(r)


def thumb_width(given: float | None) -> float | None:
    from acupress import profile

    if given is not None:
        return profile.check_thumb_cm(given)
    return profile.load().thumb_cm


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # click.version_option would do, but it looks up translations at import time,
    # which costs every command a couple of milliseconds of start-up.
    if value and not ctx.resilient_parsing:
        click.echo(f"acupress {__version__}")
        ctx.exit()


protocol_option = click.option(
    "--protocol",
    "protocol_name",
    default="low-back",
    show_default=True,
    metavar="NAME|PATH",
    help="A protocol name or a protocol file.",
)


def day_range_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from and --to: only the sessions between two days (each optional)."""
    command = click.option(
        "--to", "until", metavar="DATE", help="Only sessions on or before this day."
    )(command)
    return click.option(
        "--from", "since", metavar="DATE", help="Only sessions on or after this day."
    )(command)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """acupress: a self-care coach for low back pain through acupressure.

    Start with `acupress check` (is it safe today?), then `acupress plan`.
    """


# --- points ---------------------------------------------------------------------------


@cli.command()
@click.argument("code", required=False)
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, to show distances in cm.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def points(code: str | None, thumb_cm: float | None, as_json: bool) -> None:
    """List the points, or show one in full: acupress points BL23."""
    from acupress import atlas

    thumb = thumb_width(thumb_cm)
    book = atlas.default()
    chosen = [book.get(code)] if code else list(book.points)
    if as_json:
        import msgspec

        def with_cm(p: atlas.Point) -> dict[str, Any]:
            d: dict[str, Any] = msgspec.to_builtins(p)
            if thumb is not None:
                d["personal"] = {
                    "thumb_cm": thumb,
                    "lateral_cm": round(atlas.cun_to_cm(p.anchor.lateral_cun, thumb), 1),
                }
            return d

        emit_json(with_cm(chosen[0]) if code else [with_cm(p) for p in chosen])
        return
    from acupress import render

    show(render.point_panel(chosen[0], thumb) if code else render.points_table(book, thumb))


# --- protocols ------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def protocols(as_json: bool) -> None:
    """List the protocols, built in and your own; a file that cannot be used is listed
    with what is wrong with it."""
    from acupress import atlas, paths, protocol

    book = atlas.default()
    rows: list[dict[str, Any]] = []
    for name, path in protocol.available(paths.protocols_dir()).items():
        row: dict[str, Any] = {"name": name, "title": None, "min_minutes": None}
        try:
            p = protocol.load_file(path, book)
            row |= {"title": p.title, "min_minutes": -(-protocol.minimum_seconds(p, book) // 60)}
        except AcupressError as e:
            row["error"] = str(e)
        rows.append(row | {"file": str(path), "error": row.get("error")})
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"Protocols (add your own in {paths.protocols_dir()})", title_justify="left"
    )
    for col in ("name", "title", "from (min)", "file"):
        table.add_column(col)
    for r in rows:
        title = Text(f"cannot be used: {r['error']}", style="red") if r["error"] else r["title"]
        table.add_row(r["name"], title, str(r["min_minutes"] or "—"), r["file"])
    show(table)


# --- check ----------------------------------------------------------------------------


def read_answers_file(path: str) -> Any:
    import json

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AcupressError(f"Answers file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise AcupressError(f"Cannot read answers file {path} ({e}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise AcupressError(f"Answers file {path} is not valid JSON ({e}).") from None
    except RecursionError:
        raise AcupressError(
            f"Answers file {path} is nested too deeply to be answers: give a JSON object of "
            "answers by question id (acupress check --template writes one)."
        ) from None


NO_ANSWERS = (
    "No answers could be read: standard input is closed; give them in a file with "
    "--answers FILE (acupress check --template writes one to fill in)."
)


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


def load_answers(path: str, screening: Screening, book: Atlas) -> Answers:
    from acupress import safety

    return safety.parse_answers(read_answers_file(path), screening, book)


def ask_answers(screening: Screening, book: Atlas) -> Answers:
    """Ask every question in the terminal; re-ask until each answer is valid."""
    from rich.prompt import Confirm, FloatPrompt, Prompt
    from rich.text import Text

    from acupress import safety

    out = console()
    out.print(
        Text.assemble(
            ("Safety check", "bold"), " — answer each question (y/n unless asked otherwise)."
        )
    )
    answers: Answers = {}
    with unless_closed(NO_ANSWERS):
        for i, q in enumerate(screening.questions, 1):
            prompt = Text.assemble((f"{i}/{len(screening.questions)} ", "dim"), q.text)
            while True:
                raw: Any
                if q.type == "yes_no":
                    raw = Confirm.ask(prompt, console=out)
                elif q.type == "number":
                    raw = FloatPrompt.ask(prompt, console=out)
                else:
                    codes = Text(f" ({', '.join(book.codes)})", style="dim")
                    text = Prompt.ask(prompt + codes, console=out, default="none")
                    none = text.strip().lower() in ("", "none", "no", "n")
                    raw = [] if none else [c for c in text.replace(",", " ").split() if c]
                try:
                    answers[q.id] = safety.parse_answer(q, raw, book)
                    break
                except AcupressError as e:
                    out.print(Text(str(e), style="red"))
    return answers


@cli.command()
@click.option(
    "--answers", "answers_file", metavar="FILE", help="JSON answers by question id (- for stdin)."
)
@click.option("--questions", is_flag=True, help="List the questions instead of asking them.")
@click.option(
    "--template", is_flag=True, help="Write an answers file to fill in, every answer empty."
)
@click.option("--out", "out_path", metavar="FILE", help="With --template: the file to write.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def check(
    answers_file: str | None, questions: bool, template: bool, out_path: str | None, as_json: bool
) -> None:
    """Is it safe to do a session today? The screening questions.

    They are asked one by one, or read from a JSON file of answers by question id
    (--answers FILE). To write that file, start from the template:

    \b
        acupress check --template --out answers.json

    \b
    It has every question with an empty answer, e.g.
        "pregnant": {"question": "Are you pregnant, or could you be?",
                     "type": "yes_no", "allowed": "true or false",
                     "answer": null}
    Fill in each "answer" (true or false, a number, a list of point codes), then run
    acupress check --answers answers.json. An answer left null is refused, naming its
    question: a missing answer is never taken as no. Plain answers work too:
    {"pregnant": false, "age": 40, "skin_problem_at": [], ...}.
    """
    from acupress import atlas, safety

    book = atlas.default()
    screening = safety.default_screening()
    if out_path is not None and not template:
        raise AcupressError("--out goes with --template: acupress check --template --out FILE.")
    if template:
        if answers_file is not None:
            raise AcupressError("Give --template or --answers, not both.")
        form = safety.answers_template(screening, book)
        if out_path is None:
            emit_json(form)
            return
        import json

        write_output(out_path, json.dumps(form, indent=2, ensure_ascii=False).encode() + b"\n")
        click.echo(
            f"Wrote {out_path}: the {len(form)} safety questions, every answer empty (null). "
            f'Fill in each "answer", then run acupress check --answers {out_path}'
        )
        return
    if questions:
        if as_json:
            emit_json([{"id": q.id, "type": q.type, "text": q.text} for q in screening.questions])
        else:
            from acupress import render

            show(render.questions_table(screening.questions))
        return
    if answers_file is not None:
        answers = load_answers(answers_file, screening, book)
    elif as_json:
        raise AcupressError("With --json, give the answers with --answers FILE.")
    else:
        answers = ask_answers(screening, book)
    decision = actions.check_answers(answers, book, dt.date.today())
    if as_json:
        emit_json(safety.decision_json(decision))
        return
    from acupress import render

    show(render.decision_panel(decision))


# --- plan -----------------------------------------------------------------------------


def todays_decision(answers_file: str | None, book: Atlas, found: Progress) -> Decision | None:
    """Today's decision: from --answers (kept as today's check, as a session keeps them),
    else from the answers saved today, with the journal's standing flags; None when there
    is no check and nothing stands."""
    answers = todays_answers(answers_file, book)
    if answers is None:
        return actions.combined(None, found)
    if answers_file is not None:
        return actions.combined(actions.record_check(answers, book, dt.date.today()), found)
    return actions.combined(actions.decide(answers, book), found)


def todays_answers(answers_file: str | None, book: Atlas) -> Answers | None:
    """The answers from --answers, else those saved today, else None."""
    from acupress import safety

    if answers_file is not None:
        return load_answers(answers_file, safety.default_screening(), book)
    return actions.saved_answers(book, dt.date.today())


@cli.command()
@click.option("--minutes", type=Whole(1, 240), help="Time you have, in minutes.")
@click.option("--answers", "answers_file", metavar="FILE", help="Safety answers (JSON) to apply.")
@click.option("--partner/--solo", default=None, help="A partner presses the points.")
@protocol_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def plan(
    minutes: int | None,
    answers_file: str | None,
    partner: bool | None,
    protocol_name: str,
    as_json: bool,
) -> None:
    """The session to do now, fitted to your time and today's check."""
    from acupress import atlas, profile

    book = atlas.default()
    chosen = actions.load_protocol(protocol_name, book)
    me = profile.load()
    found = actions.progress_now(dt.date.today())
    decision = todays_decision(answers_file, book, found)
    if decision is not None and not decision.session_allowed and not as_json:
        from acupress import render

        show(render.decision_panel(decision))
    result = actions.fitted_plan(chosen, book, me, minutes, partner, decision, found.adjustment)
    if as_json:
        import msgspec

        emit_json(msgspec.to_builtins(result))
        return
    from acupress import render

    show(render.plan_view(result))


# --- profile --------------------------------------------------------------------------


@cli.command("profile")
@click.option("--thumb-cm", type=Number(), help="Width of your thumb at its middle joint, in cm.")
@click.option("--minutes", type=Whole(1, 240), help="Your usual session length.")
@click.option("--partner/--solo", default=None, help="Whether a partner usually presses.")
@click.option("--sound/--no-sound", default=None, help="The web session's tone at each change.")
@click.option("--speech/--no-speech", default=None, help="The web session speaks the steps.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def profile_cmd(
    thumb_cm: float | None,
    minutes: int | None,
    partner: bool | None,
    sound: bool | None,
    speech: bool | None,
    as_json: bool,
) -> None:
    """Show your profile, or change it with the options."""
    from dataclasses import replace

    from acupress import profile

    me = profile.load()
    changes: dict[str, Any] = {}
    if thumb_cm is not None:
        changes["thumb_cm"] = profile.check_thumb_cm(thumb_cm)
    if minutes is not None:
        changes["minutes"] = actions.check_usual_minutes(minutes)
    for name, value in (("partner", partner), ("sound", sound), ("speech", speech)):
        if value is not None:
            changes[name] = value
    if changes:
        me = profile.update(lambda saved: replace(saved, **changes))
    if as_json:
        emit_json(me)
        return
    thumb = f"{me.thumb_cm:g} cm" if me.thumb_cm else "not set (acupress profile --thumb-cm 2.1)"
    click.echo(f"Thumb width:     {thumb}")
    click.echo(
        f"Session length:  {me.minutes or 'the protocol default'}" + (" min" if me.minutes else "")
    )
    click.echo(f"Partner mode:    {'on' if me.partner else 'off'}")
    spoken = ", spoken steps" if me.speech else ""
    click.echo(f"Web cues:        {'tone' if me.sound else 'no tone'}{spoken}")
    if me.checked_on:
        found = ", ".join(c.replace("_", " ") for c in me.conditions) or "none"
        click.echo(f"From the check:  {found} (on {me.checked_on})")
    click.echo(f"Saved in:        {profile.profile_path()}")


# --- the guided session and progress --------------------------------------------------


def ask_pain(question: str) -> int:
    from rich.prompt import IntPrompt

    from acupress.records import check_pain

    while True:
        value = IntPrompt.ask(f"{question} (0 none - 10 worst)", console=console())
        try:
            return check_pain(value, "Pain")
        except AcupressError as e:
            console().print(str(e), style="red")


def ask_sensations() -> tuple[Sensation, ...]:
    from rich.prompt import Prompt

    while True:
        text = Prompt.ask(
            "What did you feel at the points? (warmth, ache, tingling or none; several "
            "with commas)",
            console=console(),
            default="none",
        )
        try:
            return actions.parse_sensations(text)
        except AcupressError as e:
            console().print(str(e), style="red")


STOP_CHOICES: dict[str, StopReason] = {
    "1": "dizziness",
    "2": "pain_increased",
    "3": "no_time",
    "4": "other",
}


def ask_stop_reason() -> tuple[StopReason, str]:
    from rich.prompt import Prompt

    console().print("Why did you stop? 1 dizziness · 2 pain increased · 3 no time · 4 other")
    choice = Prompt.ask("Choose", choices=list(STOP_CHOICES), default="4", console=console())
    reason = STOP_CHOICES[choice]
    note = ask_note("In a few words (optional)") if (reason == "other") else ""
    return reason, note


def ask_note(question: str) -> str:
    from rich.prompt import Prompt

    while True:
        text = Prompt.ask(question, default="", console=console())
        try:
            return actions.check_note(text)
        except AcupressError as e:
            console().print(str(e), style="red")


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


def session_answers(
    answers_file: str | None, auto: bool, book: Atlas, found: Progress
) -> tuple[Answers, Decision]:
    """Today's safety answers (from --answers, else the check already done today, else
    asked now; --auto cannot ask), kept for the day, and today's decision with the
    journal's standing flags. A flag that stops sessions is shown before any question."""
    from acupress import safety

    stands = actions.combined(None, found)
    if stands is not None and not stands.session_allowed:
        return {}, stands
    answers = todays_answers(answers_file, book)
    if answers is None:
        if auto:
            raise AcupressError(
                "With --auto, give the safety answers with --answers FILE "
                "(or run `acupress check` first today)."
            )
        answers = ask_answers(safety.default_screening(), book)
    return answers, actions.check_answers(answers, book, dt.date.today())


@cli.command()
@click.option("--minutes", type=Whole(1, 240), help="Time you have, in minutes.")
@click.option("--answers", "answers_file", metavar="FILE", help="Safety answers (JSON) to apply.")
@click.option("--partner/--solo", default=None, help="A partner presses the points.")
@protocol_option
@click.option("--quiet", is_flag=True, help="No bell and no spoken cues.")
@click.option(
    "--speed",
    type=Number(0.1, 1000),
    default=1.0,
    help="Run N times faster: a demonstration, kept out of the journal unless --keep.",
)
@click.option(
    "--keep", is_flag=True, help="Keep a --speed demonstration in the journal, marked as one."
)
@click.option("--auto", is_flag=True, help="No keyboard and no questions (for scripts).")
@click.option("--pain-before", type=Whole(), help="Pain now, 0-10 (asked unless given).")
@click.option("--pain-after", type=Whole(), help="Pain after, 0-10 (with --auto).")
@click.option("--sensations", "sensations_text", help="With --auto: warmth,ache,tingling or none.")
@click.option("--note", help="A note for the journal (with --auto).")
@click.option("--on-rest-day", is_flag=True, help="Do the session even though today is a rest day.")
def session(
    minutes: int | None,
    answers_file: str | None,
    partner: bool | None,
    protocol_name: str,
    quiet: bool,
    speed: float,
    keep: bool,
    auto: bool,
    pain_before: int | None,
    pain_after: int | None,
    sensations_text: str | None,
    note: str | None,
    on_rest_day: bool,
) -> None:
    """Do a session now, guided step by step with a timer."""
    from acupress import atlas, profile, render, runner
    from acupress.clock import RealClock
    from acupress.records import check_pain

    if auto and (pain_before is None or pain_after is None):
        raise AcupressError("With --auto, give --pain-before N and --pain-after N (0-10).")
    before = None if pain_before is None else check_pain(pain_before, "Pain before")
    after = None if pain_after is None else check_pain(pain_after, "Pain after")
    felt = actions.parse_sensations(sensations_text) if sensations_text is not None else None
    note = None if note is None else actions.check_note(note)
    book = atlas.default()
    chosen = actions.load_protocol(protocol_name, book)
    me = profile.load()
    today = dt.date.today()
    found = actions.progress_now(today)
    answers, decision = session_answers(answers_file, auto, book, found)
    if not decision.session_allowed:
        show(render.decision_panel(decision))
    # A session the check rules out is refused here, before the journal is touched.
    plan_now = actions.fitted_plan(chosen, book, me, minutes, partner, decision, found.adjustment)
    if plan_now.rest_day and not on_rest_day:
        show(render.rest_day_panel(plan_now.rest_day))
        with unless_closed(REST_DAY_UNASKED):
            anyway = not auto and click.confirm("Do a session anyway?", default=False)
        if not anyway:
            raise NoSessionToday(
                "Today is a rest day: no session (give --on-rest-day to do one anyway)."
            )
    from acupress import progress, safety

    if decision.decision == "modified" and not auto:
        show(render.decision_panel(decision))
    if before is None:
        with unless_closed(NO_PAIN):
            before = ask_pain("How bad is your back pain right now?")
    if not auto:
        show(render.plan_view(plan_now))
        with unless_closed(NO_KEYBOARD):
            click.prompt(
                "Press Enter to start (space pauses, n skips, b goes back, q stops)",
                default="",
                show_default=False,
                prompt_suffix=" ",
            )
    demo = speed != 1
    if demo:
        click.echo(
            f"A demonstration at {speed:g} times the real speed: "
            + ("kept in your journal, marked as one." if keep else "not kept in your journal.")
        )
    with actions.open_journal() if keep or not demo else actions.scratch_journal() as db:
        clock = RealClock(speed)
        guided, session_id = runner.begin(
            db, plan_now, clock, pain_before=before, answers=safety.answers_to_json(answers)
        )
        mark = demo_note(speed) if demo else ""
        if mark:
            db.update(session_id, note=mark)
        record = runner.recorder(db, session_id)
        with signals_interrupt():
            try:
                if auto:
                    stopped = drive_auto(guided, clock, record)
                else:
                    stopped = drive_terminal(guided, clock, record, chosen, book, quiet, speed)
            except KeyboardInterrupt:
                runner.interrupt(db, session_id, guided, clock.elapsed())
                kept = sum(1 for s in guided.done if not s.skipped)
                raise AcupressError(
                    f"Stopped: session {session_id} is kept in the journal with the {kept} "
                    "step(s) done, marked as interrupted."
                ) from None
            closing = ask_closing(stopped, auto, after, felt, note)
            closing["note"] = " ".join(n for n in (mark, closing["note"]) if n)
            runner.close(db, session_id, guided, **closing)
        stored = db.get(session_id)
        summary = progress.from_journal(db, today)
    if demo and not keep:
        click.echo("The demonstration is over; your journal is as it was.")
        return
    show(render.progress_line(summary, stored))


NO_PAIN = (
    "No pain score could be read: standard input is closed; give --pain-before N "
    "(and --auto --pain-after N to run without questions)."
)
NO_KEYBOARD = (
    "The guided session needs a keyboard, but standard input is closed; run it with --auto "
    "(with --pain-before N and --pain-after N)."
)
REST_DAY_UNASKED = (
    "Today is a rest day and standard input is closed, so nobody can choose a session "
    "anyway; give --on-rest-day to do one."
)


def demo_note(speed: float) -> str:
    """What marks a sped-up session kept in the journal: its times are not real ones."""
    return f"Demonstration at {speed:g} times the real speed: its times are compressed."


def ask_closing(
    stopped: bool,
    auto: bool,
    after: int | None,
    felt: tuple[Sensation, ...] | None,
    note: str | None,
) -> dict[str, Any]:
    """The end of a session: why it stopped (with the guide's advice), pain after, what
    was felt, a note. Questions left unanswered (Ctrl-C, a closed terminal) stay empty;
    the session itself is kept either way."""
    from acupress import progress, render

    reason: StopReason | None = None
    stop_note = ""
    try:
        if stopped:
            reason = "other"
            if not auto:
                reason, stop_note = ask_stop_reason()
            advice = progress.default_rules().stop_advice.get(reason)
            if advice:
                show(render.stop_advice(reason, advice))
        else:
            click.echo("\nThe session is over. Rest quietly for a few minutes, then drink water.")
        if after is None:
            after = ask_pain("How bad is your back pain now?")
        if felt is None and not auto:
            felt = ask_sensations()
        if note is None and not auto:
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
    book: Atlas,
    quiet: bool,
    speed: float,
) -> bool:
    """The live screen: countdowns, progress bars, cues, and the keys."""
    from rich.live import Live

    from acupress import profile, render, runner
    from acupress.terminal import Cues, TerminalKeys

    keys = TerminalKeys(clock, speed)
    cues = Cues(quiet)
    thumb = profile.load().thumb_cm
    out = console()
    try:
        with keys.cbreak(), Live(console=out, screen=True, auto_refresh=False) as live:

            def draw(status: Status, message: str) -> None:
                screen = render.session_screen(status, guided.plan, chosen, book, thumb, message)
                live.update(screen, refresh=True)

            hooks = runner.Hooks(step=record, cue=lambda cue: cues(cue.words), draw=draw)
            return runner.drive(guided, clock, keys, hooks, refresh=0.25 * speed)
    finally:
        cues.close()


@cli.command("progress")
@click.option(
    "--days",
    type=Whole(1),
    default=90,
    show_default=True,
    help="How many days the plot shows.",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def progress_cmd(days: int, as_json: bool) -> None:
    """How it is going: pain over time, and the guide's rules applied to your journal."""
    from acupress import progress

    with actions.open_journal() as db:
        result = progress.from_journal(db, dt.date.today())
    if as_json:
        emit_json(progress.progress_json(result))
        return
    from acupress import render

    show(render.progress_view(result, days, console().width))


@cli.command()
@click.option("--out", "out_path", required=True, metavar="FILE.pdf|FILE.html")
@click.option("--format", "fmt", type=OneOf("pdf", "html"), help="Default: from --out.")
@day_range_options
def report(out_path: str, fmt: str | None, since: str | None, until: str | None) -> None:
    """A one-page progress report for a clinician (PDF or HTML)."""
    suffix = Path(out_path).suffix.lower().lstrip(".")
    chosen = fmt or suffix
    if chosen not in ("pdf", "html"):
        raise AcupressError(
            f"Cannot tell the format from '{out_path}': use a .pdf or .html file, or --format."
        )
    first, end = day_range(since, until)
    html, count = actions.report_html(first, end, dt.datetime.now().astimezone())
    data = actions.to_pdf(html) if chosen == "pdf" else html.encode("utf-8")
    write_output(out_path, data, private=True)
    click.echo(f"Wrote the progress report ({count} sessions) to {out_path}.", err=out_path == "-")


# --- journal --------------------------------------------------------------------------


def day_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    return actions.day_range(
        actions.parse_day(since, "--from") if since else None,
        actions.parse_day(until, "--to") if until else None,
    )


@cli.group(invoke_without_command=True)
@click.option(
    "--last",
    type=Whole(1),
    default=20,
    show_default=True,
    help="How many of the newest sessions to show.",
)
@day_range_options
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def journal(
    ctx: click.Context, last: int, since: str | None, until: str | None, as_json: bool
) -> None:
    """Your sessions: list them, or add, edit or delete one."""
    if ctx.invoked_subcommand is not None:
        return
    first, end = day_range(since, until)
    with actions.open_journal() as db:
        logs = db.sessions(first, end, last=last, with_steps=as_json)
    if as_json:
        from acupress.records import session_json

        emit_json([session_json(s) for s in logs])
        return
    from acupress import render

    show(render.journal_table(logs))


@journal.command("add")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="The day of the session.")
@click.option("--time", "at", metavar="HH:MM", help="When it started (default: noon).")
@click.option("--pain-before", type=Whole(), required=True, help="Pain before, 0-10.")
@click.option("--pain-after", type=Whole(), required=True, help="Pain after, 0-10.")
@click.option("--points", default="", metavar="BL23,...", help="The points you pressed.")
@click.option("--minutes", type=Whole(1, 240), help="How long it took.")
@click.option(
    "--pressure",
    type=OneOf("light", "moderate", "firm"),
    help="The most pressure you used at any point (light if not given).",
)
@click.option("--note", default="", help="Anything worth remembering.")
@protocol_option
@click.option("--json", "as_json", is_flag=True, help="Print the stored session as JSON.")
def journal_add(
    day: str,
    at: str | None,
    pain_before: int,
    pain_after: int,
    points: str,
    minutes: int | None,
    pressure: Pressure | None,
    note: str,
    protocol_name: str,
    as_json: bool,
) -> None:
    """Log a session done without acupress guiding it."""
    log = actions.manual_session(
        pressure=pressure,
        day=actions.parse_day(day),
        at=actions.parse_clock_time(at) if at else None,
        pain_before=pain_before,
        pain_after=pain_after,
        points=actions.parse_points(points),
        minutes=minutes,
        note=note,
        protocol=protocol_name,
        now=dt.datetime.now().astimezone(),
    )
    with actions.open_journal() as db:
        session_id = db.add(log)
        stored = db.get(session_id)
    report_stored(stored, as_json, "Logged")


def report_stored(log: SessionLog, as_json: bool, verb: str) -> None:
    if as_json:
        from acupress.records import session_json

        emit_json(session_json(log))
        return
    from acupress import render

    show(render.journal_table([log], title=f"{verb} session {log.id}"))


@journal.command("edit")
@click.argument("session_id", type=Whole(1))
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Move it to this day.")
@click.option("--time", "at", metavar="HH:MM", help="Change when it started.")
@click.option("--pain-before", type=Whole(), help="Pain before, 0-10.")
@click.option("--pain-after", type=Whole(), help="Pain after, 0-10.")
@click.option("--points", metavar="BL23,...", help="The points pressed.")
@click.option("--minutes", type=Whole(1, 240), help="How long it took.")
@click.option("--pressure", type=OneOf("light", "moderate", "firm"), help="The most pressure used.")
@click.option("--note", help="Replace the note.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored session as JSON.")
def journal_edit(
    session_id: int,
    day: str | None,
    at: str | None,
    pain_before: int | None,
    pain_after: int | None,
    points: str | None,
    minutes: int | None,
    pressure: Pressure | None,
    note: str | None,
    as_json: bool,
) -> None:
    """Correct a session in the journal: give only what changes."""
    edit = actions.Edit(
        pressure=pressure,
        day=actions.parse_day(day) if day else None,
        at=actions.parse_clock_time(at) if at else None,
        pain_before=pain_before,
        pain_after=pain_after,
        points=actions.parse_points(points) if points is not None else None,
        minutes=minutes,
        note=note,
    )
    with actions.open_journal() as db:
        stored = actions.edit_session(db, session_id, edit, dt.datetime.now().astimezone())
    report_stored(stored, as_json, "Updated")


@journal.command("delete")
@click.argument("session_id", type=Whole(1))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def journal_delete(session_id: int, yes: bool) -> None:
    """Delete a session from the journal (asks first)."""
    with actions.open_journal() as db:
        log = db.get(session_id)
        when = log.started_at.astimezone()
        question = f"Delete session {session_id} of {when:%Y-%m-%d %H:%M} ({log.protocol})?"
        with unless_closed(
            f"Cannot ask before deleting: standard input is closed; give --yes to delete "
            f"session {session_id}."
        ):
            sure = yes or click.confirm(question, default=False)
        if not sure:
            click.echo("Kept.")
            return
        db.delete(session_id)
    click.echo(f"Deleted session {session_id}.")


@cli.command("seen-professional")
@click.option("--note", default="", help="Who you saw and what they said.")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def seen_professional(note: str, as_json: bool) -> None:
    """Record that a professional has seen you and told you to go on with the routine.

    A flag that sent you to a professional (no relief on three days, pain up after two
    sessions in a row, four weeks without improvement) stops sessions until then; its
    count starts again from now.
    """
    from acupress.records import event_json

    event = actions.seen_professional(note, dt.datetime.now().astimezone())
    if as_json:
        emit_json(event_json(event))
        return
    click.echo(
        f"Recorded in your journal: on {event.day} a professional told you to go on. "
        "The rules that sent you to one start counting again from now."
    )


# --- reminders, export and import -----------------------------------------------------


def write_output(path: str, data: bytes, *, private: bool = False) -> None:
    """Write what --out names (see ``files.write_out``), or standard output for '-'; a
    journal export is readable only by its owner."""
    if path == "-":
        click.echo(data, nl=False)  # bytes as they are: a PDF is not text
        return
    from acupress import files

    files.write_out(path, data, private=private)


@cli.command()
@click.option(
    "--out", "out_path", required=True, metavar="FILE.ics", help="Calendar file to write."
)
@click.option("--time", "at", default="07:30", show_default=True, metavar="HH:MM")
@click.option(
    "--days",
    default="mon,tue,wed,thu,fri,sat",
    show_default=True,
    metavar="mon,tue,...",
    help="Days with a session; keep at least one rest day.",
)
@click.option("--start", metavar="YYYY-MM-DD", help="First day (default: the next one to come).")
@click.option(
    "--minutes",
    type=Whole(1, 240),
    help="Session length (default: your profile's, else the protocol's).",
)
@click.option(
    "--tz", "zone_name", metavar="ZONE", help="e.g. Europe/Paris (default: this computer's)."
)
@protocol_option
@click.option("--no-rest-day", is_flag=True, help="Allow a session every day of the week.")
def remind(
    out_path: str,
    at: str,
    days: str,
    start: str | None,
    minutes: int | None,
    zone_name: str | None,
    protocol_name: str,
    no_rest_day: bool,
) -> None:
    """Reminders for your calendar (.ics): a morning session on the days you choose."""
    from acupress import reminders

    data, plan = actions.reminders_calendar(
        at=reminders.parse_time(at),
        days=reminders.parse_days(days),
        start=actions.parse_day(start, "--start") if start else None,
        minutes=minutes,
        zone=reminders.parse_zone(zone_name) if zone_name else None,
        protocol_name=protocol_name,
        rest_day=not no_rest_day,
        now=dt.datetime.now().astimezone(),
    )
    write_output(out_path, data)
    click.echo(reminders.summary(plan, out_path), err=out_path == "-")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=OneOf("csv", "json", "fhir"),
    help="csv (a spreadsheet), json (everything, for import) or fhir (pain scores, FHIR R4).",
)
@click.option(
    "--out", "out_path", required=True, metavar="FILE", help="File to write (- for stdout)."
)
@day_range_options
def export_cmd(fmt: str | None, out_path: str, since: str | None, until: str | None) -> None:
    """Export the journal: CSV, a complete JSON backup, or FHIR Observations."""
    from acupress import exports

    chosen = fmt or exports.format_for(out_path)
    if chosen is None:
        raise AcupressError(
            f"Cannot tell the format from '{out_path}': give --format csv, json or fhir."
        )
    first, end = day_range(since, until)
    done = actions.export_journal(
        cast("ExportFormat", chosen), first, end, dt.datetime.now().astimezone()
    )
    write_output(out_path, done.data, private=True)
    where = "standard output" if out_path == "-" else out_path
    click.echo(
        f"Exported {actions.plural(done.sessions, 'session')} to {where} ({done.what}).",
        err=out_path == "-",
    )


@cli.command("import")
@click.argument("file", metavar="FILE")
@click.option(
    "--profile", "restore_profile", is_flag=True, help="Replace your profile with the file's."
)
def import_cmd(file: str, restore_profile: bool) -> None:
    """Restore a JSON export; sessions already in the journal are skipped."""
    from acupress import profile

    try:
        if file == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            data = stdin.read() if stdin else sys.stdin.read().encode("utf-8")
        else:
            data = Path(file).read_bytes()
    except FileNotFoundError:
        raise AcupressError(f"{file} does not exist.") from None
    except OSError as e:
        raise AcupressError(f"Cannot read {file} ({e.strerror}).") from None
    done = actions.import_journal(data, file, restore_profile, now=dt.datetime.now().astimezone())
    click.echo(
        f"Imported {file}: {actions.plural(done.added, 'session')} added, "
        f"{done.present} already in the journal."
    )
    if done.profile == "none_in_file":
        click.echo("The file has no profile; yours is unchanged.")
    elif done.profile == "restored":
        click.echo(f"Profile restored from the file into {profile.profile_path()}.")
    else:
        click.echo("Your own profile is kept (give --profile to replace it with the file's).")


# --- charts and the printable guide ---------------------------------------------------


def format_of(out_path: str, given: str | None, formats: dict[str, str], option: bool) -> str:
    """The output format: as given with --format, else from the file's extension
    (``formats`` maps extensions to formats, the preferred extension of each first)."""
    choices = list(dict.fromkeys(formats.values()))
    if given is not None:
        if given.lower() not in choices:
            raise AcupressError(f"--format must be {either(choices)}, not '{given}'.")
        return given.lower()
    suffix = Path(out_path).suffix.lower()
    if suffix not in formats:
        preferred = [next(e for e, f in formats.items() if f == c) for c in choices]
        raise AcupressError(
            f"Cannot tell the format from '{out_path}': use a {either(preferred)} file"
            + (", or --format." if option else ".")
        )
    return formats[suffix]


@cli.command()
@click.argument("code", required=False)
@click.option(
    "--protocol",
    "protocol_name",
    metavar="NAME|PATH",
    help="Chart every point of a protocol, numbered by step.",
)
@click.option("--view", metavar="back|knee|ankle|body", help="Default: the point's own view.")
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, for a scale in cm.")
@click.option("--out", "out_path", required=True, metavar="FILE.svg|FILE.png")
def chart(
    code: str | None,
    protocol_name: str | None,
    view: str | None,
    thumb_cm: float | None,
    out_path: str,
) -> None:
    """Draw where a point lies (or all of a protocol's): acupress chart BL23 --out bl23.svg."""
    fmt = format_of(out_path, None, {".svg": "svg", ".png": "png"}, option=False)
    if code is None and protocol_name is None:
        raise AcupressError("Give a point code (acupress chart BL23) or --protocol NAME.")
    if code is not None and protocol_name is not None:
        raise AcupressError("Give a point code or --protocol, not both.")
    from acupress import atlas, charts

    book = atlas.default()
    thumb = thumb_width(thumb_cm)
    if view is not None:
        charts.get_view(view)  # an unknown view is an error before anything is drawn
    if code is not None:
        point = book.get(code)
        name = charts.get_view(view or charts.default_view(point)).title.lower()
        subject = f"{point.code} {point.pinyin}, {name}"
        drawing = charts.point_chart(point, book, view, thumb)
    else:
        chosen = actions.load_protocol(str(protocol_name), book)
        subject = f"the points of {chosen.name}, {charts.get_view(view or 'body').title.lower()}"
        drawing = charts.protocol_chart(chosen, book, view or "body", thumb)
    data = drawing.encode("utf-8")
    if fmt == "png":
        import cairosvg

        data = cairosvg.svg2png(bytestring=data, scale=2)
    write_output(out_path, data)
    cm = f", scale in cm for a {thumb:g} cm thumb" if thumb else ""
    click.echo(f"Wrote {out_path}: {subject} ({fmt.upper()}{cm}).")


@cli.command()
@protocol_option
@click.option("--format", "fmt", metavar="html|pdf|md", help="Default: from --out.")
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, to show distances in cm.")
@click.option("--out", "out_path", required=True, metavar="FILE.html|FILE.pdf|FILE.md")
def guide(protocol_name: str, fmt: str | None, thumb_cm: float | None, out_path: str) -> None:
    """The whole routine as a printable handout, with its charts (HTML, PDF or Markdown)."""
    chosen_format = format_of(
        out_path, fmt, {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md"}, option=True
    )
    from acupress import atlas, equipment, safety
    from acupress.docs import guide as guides

    book = atlas.default()
    chosen = actions.load_protocol(protocol_name, book)
    thumb = thumb_width(thumb_cm)
    handout = guides.build(chosen, book, safety.default_screening(), equipment.default(), thumb)
    extra = ""
    if chosen_format == "md":
        links: dict[str, str] = {}
        if out_path != "-":
            from acupress import files

            folder = files.folder_beside(out_path, "-charts")
            drawings = {"overview": handout.overview}
            drawings |= {s.id: s.chart for s in handout.steps if s.chart}
            for key, drawing in drawings.items():
                write_output(str(folder / f"{key}.svg"), drawing.encode("utf-8"))
                links[key] = f"{folder.name}/{key}.svg"
            extra = f", charts in {folder}"
        data = guides.render_markdown(handout, links).encode("utf-8")
    else:
        html = guides.render_html(handout)
        data = guides.render_pdf(html) if chosen_format == "pdf" else html.encode("utf-8")
    write_output(out_path, data)
    where = "standard output" if out_path == "-" else out_path
    click.echo(
        f"Wrote {where}: {handout.title}, {len({s.number for s in handout.steps})} steps "
        f"({chosen_format.upper()}{extra}).",
        err=out_path == "-",
    )


# --- the web app ----------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def an_address(_ctx: click.Context, _param: click.Parameter, host: str) -> str:
    if not host.strip():
        raise click.BadParameter(
            "an empty address would listen on every network interface: give one, such as "
            "127.0.0.1 (this computer only)."
        )
    return host


def a_number(_ctx: click.Context, _param: click.Parameter, speed: float) -> float:
    import math

    if math.isnan(speed):  # FloatRange lets NaN through: it compares false with both ends
        raise click.BadParameter("nan is not a number: give one from 0.1 to 1000.")
    return speed


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=an_address,
    help="Address to listen on.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8321,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--speed",
    type=click.FloatRange(0.1, 1000),
    default=1.0,
    callback=a_number,
    help="Run sessions N times faster.",
)
def serve(host: str, port: int, speed: float) -> None:
    """The web app: the whole routine in your browser, served from this computer. Ctrl-C
    (or the system's stop signal) stops it; sessions still running keep their steps."""
    import signal
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, so the server turns Nagle's algorithm off: without it every answer
    # on a kept-alive connection waits for the browser's delayed acknowledgement (~40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == 98:
            raise AcupressError(
                f"Port {port} is already in use: choose another with --port (0 picks a free one)."
            ) from None
        raise AcupressError(f"Cannot listen on {host}:{port} ({e.strerror}).") from None
    sock.listen(2048)  # from the moment the address is shown, connections wait their turn
    bound = sock.getsockname()[1]
    import uvicorn

    from acupress.web.app import create_app
    from acupress.web.context import Options

    local = host in LOOPBACK
    hosts = Options().allowed_hosts if local else ("*",)
    app = create_app(Options(speed=speed, allowed_hosts=hosts))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    # The server takes Ctrl-C and SIGTERM as a graceful stop, and raises the signal again
    # once it has stopped; before it starts, and after, the signal goes to the same stop,
    # so stopping is a normal end rather than an interruption (or a signal lost).
    stops = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, server.handle_exit) for s in stops}
    try:
        address = f"[{host}]" if ":" in host else host
        click.echo(f"acupress is running at http://{address}:{bound}/ (Ctrl-C to stop)")
        if not local:
            click.echo("It listens beyond this computer: anyone on your network can open it.")
        if speed != 1:
            click.echo(f"Sessions run {speed:g} times faster than real time.")
        server.run(sockets=[sock])
    finally:
        sock.close()
        for s, handler in before.items():
            signal.signal(s, handler)
    click.echo("acupress stopped.")
