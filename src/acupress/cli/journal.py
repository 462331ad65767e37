"""acupress journal: your sessions, listed, and one added, corrected or deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import app_of, day_range, emit_json, pass_app
from acupress.options import (
    Group,
    OneOf,
    Whole,
    day_range_options,
    json_option,
    protocol_option,
)
from acupress.terminal_session import unless_closed

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.atlas import Pressure
    from acupress.records import SessionLog


@click.group(cls=Group, invoke_without_command=True)
@click.option(
    "--last",
    type=Whole(1),
    default=20,
    show_default=True,
    help="How many of the newest sessions to show.",
)
@day_range_options
@json_option
@click.pass_context
def journal(
    ctx: click.Context, last: int, since: str | None, until: str | None, as_json: bool
) -> None:
    """Your sessions: list them, or add, edit or delete one.

    \b
    Example:
        acupress journal --last 5
        acupress journal --from 2026-03-01 --json
    """
    if ctx.invoked_subcommand is not None:
        return
    app = app_of(ctx)
    first, end = day_range(since, until)
    logs = app.journal().sessions(first, end, last=last, with_steps=as_json)
    if as_json:
        from acupress.records import session_json

        emit_json([session_json(s) for s in logs])
        return
    from acupress import render

    render.show(render.journal_table(logs))


@journal.command()
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
@pass_app
def add(
    app: App,
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
    """Log a session done without acupress guiding it.

    \b
    Example:
        acupress journal add --date 2026-03-01 --time 07:30 --pain-before 6 \\
            --pain-after 4 --points BL23,BL25 --minutes 15
    """
    log = actions.manual_session(
        pressure=pressure,
        day=actions.parse_day(day, "--date"),
        at=actions.parse_clock_time(at, "--time") if at else None,
        pain_before=pain_before,
        pain_after=pain_after,
        points=actions.parse_points(points),
        minutes=minutes,
        note=note,
        protocol=protocol_name,
        now=app.now(),
    )
    show_stored(actions.store_session(app.journal(), log), as_json, "Logged")


@journal.command()
@click.argument("session_id", type=Whole(1), metavar="SESSION_ID")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Move it to this day.")
@click.option("--time", "at", metavar="HH:MM", help="Change when it started.")
@click.option("--pain-before", type=Whole(), help="Pain before, 0-10.")
@click.option("--pain-after", type=Whole(), help="Pain after, 0-10.")
@click.option("--points", metavar="BL23,...", help="The points pressed.")
@click.option("--minutes", type=Whole(1, 240), help="How long it took.")
@click.option("--pressure", type=OneOf("light", "moderate", "firm"), help="The most pressure used.")
@click.option("--note", help="Replace the note.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored session as JSON.")
@pass_app
def edit(
    app: App,
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
    """Correct a session in the journal: give only what changes.

    SESSION_ID is the session's number, as `acupress journal` lists it.

    \b
    Example:
        acupress journal edit 12 --pain-after 3 --note "slept well"
    """
    change = actions.Edit(
        pressure=pressure,
        day=actions.parse_day(day, "--date") if day else None,
        at=actions.parse_clock_time(at, "--time") if at else None,
        pain_before=pain_before,
        pain_after=pain_after,
        points=actions.parse_points(points) if points is not None else None,
        minutes=minutes,
        note=note,
    )
    stored = actions.edit_session(app.journal(), session_id, change, app.now())
    show_stored(stored, as_json, "Updated")


@journal.command()
@click.argument("session_id", type=Whole(1), metavar="SESSION_ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete(app: App, session_id: int, yes: bool) -> None:
    """Delete a session from the journal (asks first).

    SESSION_ID is the session's number, as `acupress journal` lists it.

    \b
    Example:
        acupress journal delete 12 --yes
    """
    db = app.journal()
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


def show_stored(log: SessionLog, as_json: bool, verb: str) -> None:
    if as_json:
        from acupress.records import session_json

        emit_json(session_json(log))
        return
    from acupress import render

    render.show(render.journal_table([log], title=f"{verb} session {log.id}"))
