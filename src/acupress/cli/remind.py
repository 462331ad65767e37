"""acupress remind: calendar reminders (.ics) for the days you choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions, files
from acupress.cli import pass_app
from acupress.options import Command, Whole, protocol_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@click.option(
    "--out", "out_path", required=True, metavar="FILE.ics", help="Calendar file to write."
)
@click.option(
    "--time",
    "at",
    default="07:30",
    show_default=True,
    metavar="HH:MM",
    help="When each session starts.",
)
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
@click.option(
    "--trial",
    "with_trial",
    is_flag=True,
    help="Add your personal trial: its weeks, and no session in usual-care weeks.",
)
@click.option(
    "--rate-time",
    default="20:00",
    show_default=True,
    metavar="HH:MM",
    help="With --trial: when to rate your day.",
)
@pass_app
def remind(
    app: App,
    out_path: str,
    at: str,
    days: str,
    start: str | None,
    minutes: int | None,
    zone_name: str | None,
    protocol_name: str,
    no_rest_day: bool,
    with_trial: bool,
    rate_time: str,
) -> None:
    """Reminders for your calendar (.ics): a morning session on the days you choose.

    \b
    Example:
        acupress remind --out acupress.ics --time 07:00 --days mon,wed,fri
        acupress remind --out trial.ics --trial --rate-time 21:00
    """
    from acupress import reminders, trial_actions

    rate_at = reminders.parse_time(rate_time, "--rate-time")
    trial = None
    if with_trial:
        running = trial_actions.running_trial(app, "to add: start one with `acupress trial start`")
        trial = trial_actions.schedule_of(running)

    data, schedule = actions.reminders_calendar(
        at=reminders.parse_time(at, "--time"),
        days=reminders.parse_days(days, "--days"),
        start=actions.parse_day(start, "--start") if start else None,
        minutes=minutes,
        zone=reminders.parse_zone(zone_name, "--tz") if zone_name else None,
        protocol_name=protocol_name,
        rest_day=not no_rest_day,
        now=app.now(),
        usual_minutes=app.profile().minutes,
        trial=trial,
        rate_at=rate_at,
    )
    files.write_output(out_path, data)
    said = reminders.summary(schedule, out_path)
    if trial is not None:
        said += (
            f" With your trial's {trial.weeks} weeks (no session reminder in usual-care "
            f"weeks) and a rating reminder at {rate_at:%H:%M} every day until {trial.end}."
        )
    click.echo(said, err=out_path == "-")
