"""The command line: parse, call the core, render. Heavy imports (rich) stay inside the
commands that draw, so start-up stays fast."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acupress import __version__
from acupress.errors import AcupressError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from acupress.atlas import Atlas
    from acupress.protocol import Protocol
    from acupress.safety import Answers, Decision, Screening


def main() -> None:
    """Run the command line; user errors become one sentence and an exit code."""
    sys.exit(run())


def run(args: list[str] | None = None) -> int:
    try:
        cli.main(args, standalone_mode=False, prog_name="acupress")
    except AcupressError as e:
        return fail(str(e), e.exit_code)
    except click.exceptions.Abort:
        return fail("Stopped; nothing was saved.", 130)
    except click.ClickException as e:
        return fail(e.format_message(), e.exit_code)
    except click.exceptions.Exit as e:
        return e.exit_code
    except KeyboardInterrupt:
        return fail("Stopped; nothing was saved.", 130)
    except BrokenPipeError:
        return 0
    except Exception as e:
        if os.environ.get("ACUPRESS_DEBUG"):
            raise
        return fail(
            f"Unexpected error ({type(e).__name__}: {e}); set ACUPRESS_DEBUG=1 for details.", 1
        )
    return 0


def fail(message: str, code: int) -> int:
    click.echo(f"Error: {message}", err=True)
    return code


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--thumb-cm", type=float, help="Your thumb width in cm, to show distances in cm.")
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
    """List the protocols, built in and your own."""
    from acupress import atlas, paths, protocol

    book = atlas.default()
    rows: list[dict[str, str]] = []
    for name, path in protocol.available(paths.protocols_dir()).items():
        p = protocol.load_file(path, book)
        low = protocol.minimum_seconds(p, book)
        rows.append(
            {"name": name, "title": p.title, "min_minutes": str(-(-low // 60)), "file": str(path)}
        )
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(
        title=f"Protocols (add your own in {paths.protocols_dir()})", title_justify="left"
    )
    for col in ("name", "title", "from (min)", "file"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["title"], r["min_minutes"], r["file"])
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
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def check(answers_file: str | None, questions: bool, as_json: bool) -> None:
    """Is it safe to do a session today? The screening questions."""
    from acupress import atlas, profile, safety

    book = atlas.default()
    screening = safety.default_screening()
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
    decision = safety.decide(answers, screening, book)
    profile.save_check(safety.answers_to_json(answers), dt.date.today())
    if as_json:
        emit_json(safety.decision_json(decision))
        return
    from acupress import render

    show(render.decision_panel(decision))


# --- plan -----------------------------------------------------------------------------


def load_protocol(name_or_path: str, book: Atlas) -> Protocol:
    from acupress import paths, protocol

    return protocol.load_file(protocol.resolve(name_or_path, paths.protocols_dir()), book)


def todays_decision(answers_file: str | None, book: Atlas) -> Decision | None:
    """The decision from --answers, else from the answers saved today, else None."""
    from acupress import profile, safety

    screening = safety.default_screening()
    if answers_file is not None:
        answers = load_answers(answers_file, screening, book)
    else:
        saved = profile.todays_answers(dt.date.today())
        if saved is None:
            return None
        try:
            answers = safety.parse_answers(saved, screening, book)
        except AcupressError:
            return None  # the questions changed since: the check must be done again
    return safety.decide(answers, screening, book)


@cli.command()
@click.option("--minutes", type=click.IntRange(1, 240), help="Time you have, in minutes.")
@click.option("--answers", "answers_file", metavar="FILE", help="Safety answers (JSON) to apply.")
@click.option("--partner/--solo", default=None, help="A partner presses the points.")
@click.option(
    "--protocol",
    "protocol_name",
    default="low-back",
    show_default=True,
    metavar="NAME|PATH",
    help="A protocol name or a protocol file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def plan(
    minutes: int | None,
    answers_file: str | None,
    partner: bool | None,
    protocol_name: str,
    as_json: bool,
) -> None:
    """The session to do now, fitted to your time and today's check."""
    from acupress import atlas, profile, protocol

    book = atlas.default()
    chosen = load_protocol(protocol_name, book)
    me = profile.load()
    decision = todays_decision(answers_file, book)
    if decision is not None and not decision.session_allowed and not as_json:
        from acupress import render

        show(render.decision_panel(decision))
    result = protocol.plan(
        chosen,
        book,
        minutes or me.minutes or chosen.default_minutes,
        decision,
        partner=me.partner if partner is None else partner,
    )
    if as_json:
        import msgspec

        emit_json(msgspec.to_builtins(result))
        return
    from acupress import render

    show(render.plan_view(result))


# --- profile --------------------------------------------------------------------------


@cli.command("profile")
@click.option("--thumb-cm", type=float, help="Width of your thumb at its middle joint, in cm.")
@click.option("--minutes", type=click.IntRange(1, 240), help="Your usual session length.")
@click.option("--partner/--solo", default=None, help="Whether a partner usually presses.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def profile_cmd(
    thumb_cm: float | None, minutes: int | None, partner: bool | None, as_json: bool
) -> None:
    """Show your profile, or change it with the options."""
    from dataclasses import replace

    from acupress import profile

    me = profile.load()
    changes: dict[str, Any] = {}
    if thumb_cm is not None:
        changes["thumb_cm"] = profile.check_thumb_cm(thumb_cm)
    if minutes is not None:
        changes["minutes"] = minutes
    if partner is not None:
        changes["partner"] = partner
    if changes:
        me = replace(me, **changes)
        profile.save(me)
    if as_json:
        emit_json(me)
        return
    thumb = f"{me.thumb_cm:g} cm" if me.thumb_cm else "not set (acupress profile --thumb-cm 2.1)"
    click.echo(f"Thumb width:     {thumb}")
    click.echo(
        f"Session length:  {me.minutes or 'the protocol default'}" + (" min" if me.minutes else "")
    )
    click.echo(f"Partner mode:    {'on' if me.partner else 'off'}")
    click.echo(f"Saved in:        {profile.profile_path()}")
