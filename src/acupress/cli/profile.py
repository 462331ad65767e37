"""acupress profile: your thumb width, usual session length and other preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import emit_json, pass_app
from acupress.options import Command, Number, Whole, json_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@click.option("--thumb-cm", type=Number(), help="Width of your thumb at its middle joint, in cm.")
@click.option("--minutes", type=Whole(1, 240), help="Your usual session length.")
@click.option("--partner/--solo", default=None, help="Whether a partner usually presses.")
@click.option("--sound/--no-sound", default=None, help="The web session's tone at each change.")
@click.option("--speech/--no-speech", default=None, help="The web session speaks the steps.")
@json_option
@pass_app
def profile(
    app: App,
    thumb_cm: float | None,
    minutes: int | None,
    partner: bool | None,
    sound: bool | None,
    speech: bool | None,
    as_json: bool,
) -> None:
    """Show your profile, or change it with the options.

    \b
    Example:
        acupress profile --thumb-cm 2.1 --minutes 20
        acupress profile --json
    """
    saved = actions.change_profile(
        app, thumb_cm=thumb_cm, minutes=minutes, partner=partner, sound=sound, speech=speech
    )
    if as_json:
        emit_json(saved)
        return
    from acupress import profile as profiles

    thumb = (
        f"{saved.thumb_cm:g} cm" if saved.thumb_cm else "not set (acupress profile --thumb-cm 2.1)"
    )
    usual = f"{saved.minutes} min" if saved.minutes else "the protocol default"
    click.echo(f"Thumb width:     {thumb}")
    click.echo(f"Session length:  {usual}")
    click.echo(f"Partner mode:    {'on' if saved.partner else 'off'}")
    spoken = ", spoken steps" if saved.speech else ""
    click.echo(f"Web cues:        {'tone' if saved.sound else 'no tone'}{spoken}")
    if saved.checked_on:
        found = ", ".join(c.replace("_", " ") for c in saved.conditions) or "none"
        click.echo(f"From the check:  {found} (on {saved.checked_on})")
    click.echo(f"Saved in:        {profiles.profile_path()}")
