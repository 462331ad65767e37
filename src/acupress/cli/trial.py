"""acupress trial: a personal trial (N-of-1) of acupressure for you, started, followed,
stopped and read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import trial_actions
from acupress.cli import emit_json, pass_app
from acupress.options import Group, Whole, json_option
from acupress.terminal_session import unless_closed

if TYPE_CHECKING:
    from rich.console import RenderableType

    from acupress.app import App
    from acupress.trial import Schedule
    from acupress.trial_actions import Outcome, Status

NO_WEEKS = "No answer could be read: standard input is closed; give --weeks N."
NOT_CONFIRMED = (
    "Nothing could be confirmed: standard input is closed; give --yes to start the trial."
)


@click.group(cls=Group, no_args_is_help=True)
def trial() -> None:
    """A personal trial: does acupressure help you? Weeks with and without it.

    Pairs of weeks, one with your routine and one of usual care, in an order drawn at
    random; a rating every day (`acupress rate`); and at the end, how large the
    difference was and how sure it is, with the limits of what it can say.

    \b
    Example:
        acupress trial start --weeks 6
        acupress trial status
        acupress trial result
    """


@trial.command()
@click.option(
    "--weeks", type=Whole(1), help="How long: an even number of weeks (asked unless given)."
)
@click.option(
    "--seed", type=Whole(0), help="Draw the order of the weeks from this number (for tests)."
)
@click.option("--yes", is_flag=True, help="Start without asking to confirm.")
@json_option
@pass_app
def start(app: App, weeks: int | None, seed: int | None, yes: bool, as_json: bool) -> None:
    """Start a personal trial today: the schedule, what you agree to, and a confirmation.

    \b
    Example:
        acupress trial start
        acupress trial start --weeks 8 --yes
    """
    rules = trial_actions.rules()
    if weeks is None:
        from rich.prompt import IntPrompt

        from acupress import render

        with unless_closed(NO_WEEKS):
            weeks = IntPrompt.ask(
                f"How many weeks? An even number from {rules.min_weeks} to {rules.max_weeks}; "
                "6 or 8 suit most people",
                console=render.console(),
                default=6,
            )
    planned = trial_actions.propose(app, weeks, seed)
    if not as_json:
        from acupress import render

        render.show(schedule_table(planned), agreement())
    if not yes:
        with unless_closed(NOT_CONFIRMED):
            sure = click.confirm("Start this trial?", default=False)
        if not sure:
            click.echo("No trial started; your journal is as it was.")
            return
    record = trial_actions.start(app, planned)
    if as_json:
        from acupress.records import trial_record_json
        from acupress.trial import schedule_json

        emit_json(trial_record_json(record) | {"schedule": schedule_json(planned)})
        return
    click.echo(
        f"Your trial has started: {planned.weeks} weeks, {planned.start} to {planned.end}. "
        "Rate your day now with `acupress rate`."
    )


@trial.command()
@json_option
@pass_app
def status(app: App, as_json: bool) -> None:
    """Which week of your trial it is, what to do today, and whether today is rated.

    \b
    Example:
        acupress trial status
        acupress trial status --json
    """
    found = trial_actions.status(app)
    if as_json:
        emit_json(status_json(found))
        return
    if found is None:
        click.echo("No trial yet: start one with `acupress trial start`.")
        return
    lines = [found.stop_sentence] if found.stopped else [found.todo]
    if found.running:
        lines.append(
            "Today is rated." if found.rated_today else "Today is not rated yet: `acupress rate`."
        )
    else:
        lines.append("Its result: `acupress trial result`.")
    click.echo("\n".join(line for line in lines if line))


@trial.command()
@click.option("--reason", default="", help="Why you stop it, in a few words.")
@click.option("--yes", is_flag=True, help="Stop without asking to confirm.")
@pass_app
def stop(app: App, reason: str, yes: bool) -> None:
    """Stop your trial today; what it has so far stays in your journal.

    \b
    Example:
        acupress trial stop --reason "a busy month" --yes
    """
    trial_actions.running_trial(app)
    if not yes:
        with unless_closed("Nothing could be confirmed: standard input is closed; give --yes."):
            sure = click.confirm("Stop your trial today?", default=False)
        if not sure:
            click.echo("Your trial goes on.")
            return
    record = trial_actions.stop(app, reason)
    click.echo(
        f"Your trial is stopped ({record.stopped_on}). `acupress trial result` shows what it has."
    )


@trial.command()
@json_option
@pass_app
def result(app: App, as_json: bool) -> None:
    """The result of your trial: the verdict, how sure it is, and its limits.

    \b
    Example:
        acupress trial result
        acupress trial result --json
    """
    found = trial_actions.outcome(app)
    if as_json:
        emit_json(trial_actions.outcome_json(found))
        return
    from acupress import render

    render.show(*result_view(found))


# --- what the commands show -----------------------------------------------------------


def status_json(found: Status | None) -> dict[str, object] | None:
    if found is None:
        return None
    from acupress.records import trial_record_json
    from acupress.trial import schedule_json

    return {
        "trial": trial_record_json(found.record),
        "schedule": schedule_json(found.schedule),
        "today": found.today.isoformat(),
        "when": found.day.when,
        "week": found.day.week,
        "arm": found.day.arm,
        "todo": found.todo,
        "rated_today": found.rated_today,
        "running": found.running,
        "stopped": found.stop_sentence,
    }


def schedule_table(planned: Schedule) -> RenderableType:
    from rich import box
    from rich.table import Table

    rules = trial_actions.rules()
    table = Table(
        title=f"Your trial: {planned.weeks} weeks, {planned.start} to {planned.end}",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Week", justify="right")
    table.add_column("Dates", no_wrap=True)
    table.add_column("What to do")
    for p in planned.periods:
        title = rules.arm[p.arm].title
        todo = "your routine on your usual days" if p.arm == "acupressure" else "no acupressure"
        table.add_row(str(p.week), f"{p.start:%a %d %b} - {p.end:%a %d %b}", f"{title}: {todo}")
    return table


def agreement() -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    items = Table.grid(padding=(0, 1), pad_edge=True)
    items.add_column(no_wrap=True)
    items.add_column()
    for line in trial_actions.rules().agreement:
        items.add_row(" -", line)
    return Group(Text("What you agree to do:", style="bold"), items, Text())


def result_view(found: Outcome) -> list[RenderableType]:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    r = found.result
    shown: list[RenderableType] = [Text(r.title, style="bold"), Text(found.sentence + "\n")]
    table = Table(title="Pairs of weeks", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Pair", justify="right")
    table.add_column("Acupressure", justify="right")
    table.add_column("Usual care", justify="right")
    table.add_column("Lower with acupressure", justify="right")

    def score(mean: float | None, ratings: int) -> str:
        return "-" if mean is None else f"{mean:.1f} ({ratings} days)"

    for p in r.pairs:
        diff = p.difference
        table.add_row(
            str(p.number),
            score(p.acupressure, p.acupressure_ratings),
            score(p.usual_care, p.usual_care_ratings),
            "-" if diff is None else f"{diff:+.1f}",
        )
    shown.append(table)
    c = r.counts
    shown.append(
        Text(
            f"Ratings: {c.ratings} given, {c.used} analysed, {c.missing} missing of "
            f"{c.expected} that could be analysed.\n"
            f"{found.adherence}\n{found.deviations_sentence}"
        )
    )
    return shown
