"""acupress progress and seen-professional: how it is going, by the guide's rules, and
the visit that lets sessions go on after a flag."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import emit_json, pass_app
from acupress.options import Command, Whole, json_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@click.option(
    "--days",
    type=Whole(1),
    default=90,
    show_default=True,
    help="How many days the plot shows.",
)
@json_option
@pass_app
def progress(app: App, days: int, as_json: bool) -> None:
    """How it is going: pain over time, and the guide's rules applied to your journal.

    \b
    Example:
        acupress progress --days 30
        acupress progress --json
    """
    result = actions.journal_progress(app)
    if as_json:
        from acupress.progress import progress_json

        emit_json(progress_json(result))
        return
    from acupress import render

    render.show(render.progress_view(result, days, render.console().width))


@click.command(cls=Command)
@click.option("--note", default="", help="Who you saw and what they said.")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@pass_app
def seen_professional(app: App, note: str, as_json: bool) -> None:
    """Record that a professional has seen you and told you to go on with the routine.

    A flag that sent you to a professional (no relief on three days, pain up after two
    sessions in a row, four weeks without improvement) stops sessions until then; its
    count starts again from now.

    \b
    Example:
        acupress seen-professional --note "Dr Lee: carry on, gently"
    """
    # The note is checked before the journal is opened (and made, for someone new).
    event = actions.seen_professional(actions.check_note(note), app.now(), app.journal())
    if as_json:
        from acupress.records import event_json

        emit_json(event_json(event))
        return
    click.echo(
        f"Recorded in your journal: on {event.day} a professional told you to go on. "
        "The rules that sent you to one start counting again from now."
    )
