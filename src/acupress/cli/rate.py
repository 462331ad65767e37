"""acupress rate: the day's PEG rating, taken every day of a personal trial whether or
not you practised."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions, trial_actions
from acupress.cli import emit_json, pass_app
from acupress.options import Command, Whole, json_option

if TYPE_CHECKING:
    from acupress.app import App

NO_ANSWER = (
    "No rating could be read: standard input is closed; give --pain N --enjoyment N "
    "--activity N (each 0-10)."
)


@click.command(cls=Command)
@click.option("--pain", type=Whole(0, 10), help="Your pain on average today, 0-10.")
@click.option(
    "--enjoyment", type=Whole(0, 10), help="How much pain got in the way of enjoying life, 0-10."
)
@click.option(
    "--activity", type=Whole(0, 10), help="How much pain got in the way of your activity, 0-10."
)
@click.option(
    "--date", "day", metavar="YYYY-MM-DD", help="Yesterday's date, to rate it when you missed it."
)
@json_option
@pass_app
def rate(
    app: App,
    pain: int | None,
    enjoyment: int | None,
    activity: int | None,
    day: str | None,
    as_json: bool,
) -> None:
    """Rate your day (PEG: pain, enjoyment of life, general activity, each 0-10).

    Once a day, at about the same time, whether or not you practised: the outcome of a
    personal trial (`acupress trial`). The three questions are asked one line each,
    unless given as options. One rating a day; --date rates yesterday when you missed it.

    \b
    Example:
        acupress rate
        acupress rate --pain 5 --enjoyment 4 --activity 6
        acupress rate --date 2026-03-01 --pain 6 --enjoyment 5 --activity 5
    """
    when = actions.parse_day(day, "--date") if day else None
    answers = ask({"pain": pain, "enjoyment": enjoyment, "activity": activity})
    kept = trial_actions.rate(app, answers["pain"], answers["enjoyment"], answers["activity"], when)
    if as_json:
        from acupress.records import rating_json

        emit_json(rating_json(kept))
        return
    found = trial_actions.status(app)
    click.echo(f"Rated {kept.day}: PEG score {kept.score:.1f} (0-10, lower is better).")
    if found is not None and found.running:
        click.echo(found.todo)


def ask(given: dict[str, int | None]) -> dict[str, int]:
    """The answers given, and those not given asked one line each."""
    answers = {name: value for name, value in given.items() if value is not None}
    if len(answers) == len(given):
        return answers
    from rich.prompt import IntPrompt

    from acupress import render
    from acupress.terminal_session import unless_closed

    questions = trial_actions.rules().questions
    out = render.console()
    for name, value in given.items():
        while value is None:
            with unless_closed(NO_ANSWER):
                value = IntPrompt.ask(questions[name], console=out)
            if not 0 <= value <= 10:
                out.print("A whole number from 0 to 10, please.", style="red")
                value = None
        answers[name] = value
    return answers
