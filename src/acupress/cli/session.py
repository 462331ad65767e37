"""acupress session: a guided session, step by step with a timer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import pass_app
from acupress.errors import AcupressError
from acupress.options import Command, Number, Whole, protocol_option

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.safety import Answers


@click.command(cls=Command)
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
@pass_app
def session(
    app: App,
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
    """Do a session now, guided step by step with a timer.

    \b
    Example:
        acupress session --minutes 20
        acupress session --auto --answers answers.json --pain-before 6 --pain-after 4
        acupress session --speed 60 --quiet
    """
    from acupress import terminal_session
    from acupress.cli.check import ask_answers, read_answers
    from acupress.records import check_pain

    if auto and (pain_before is None or pain_after is None):
        raise AcupressError("With --auto, give --pain-before N and --pain-after N (0-10).")

    def ask() -> Answers:
        if auto:
            raise AcupressError(
                "With --auto, give the safety answers with --answers FILE "
                "(or run `acupress check` first today)."
            )
        return ask_answers(app)

    asked = terminal_session.Request(
        protocol=protocol_name,
        minutes=minutes,
        partner=partner,
        answers=lambda: read_answers(app, answers_file) if answers_file is not None else None,
        ask=ask,
        quiet=quiet,
        speed=speed,
        keep=keep,
        auto=auto,
        on_rest_day=on_rest_day,
        before=None if pain_before is None else check_pain(pain_before, "Pain before"),
        after=None if pain_after is None else check_pain(pain_after, "Pain after"),
        felt=None if sensations_text is None else actions.parse_sensations(sensations_text),
        note=None if note is None else actions.check_note(note),
    )
    done = terminal_session.run(app, asked)
    if done.stored is None:
        click.echo("The demonstration is over; your journal is as it was.")
        return
    from acupress import render

    render.show(render.progress_line(done.progress, done.stored))
