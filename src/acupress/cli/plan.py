"""acupress plan: the session to do now, as today's check and the journal allow."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import emit_json, pass_app
from acupress.options import Command, Whole, json_option, protocol_option

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.safety import Answers


@click.command(cls=Command)
@click.option("--minutes", type=Whole(1, 240), help="Time you have, in minutes.")
@click.option("--answers", "answers_file", metavar="FILE", help="Safety answers (JSON) to apply.")
@click.option("--partner/--solo", default=None, help="A partner presses the points.")
@protocol_option
@json_option
@pass_app
def plan(
    app: App,
    minutes: int | None,
    answers_file: str | None,
    partner: bool | None,
    protocol_name: str,
    as_json: bool,
) -> None:
    """The session to do now, fitted to your time and today's check.

    \b
    Example:
        acupress plan --minutes 15
        acupress plan --answers answers.json --partner --json
    """

    def given() -> Answers | None:
        if answers_file is None:
            return None
        from acupress.cli.check import read_answers

        return read_answers(app, answers_file)

    now = actions.plan_now(app, protocol_name, minutes=minutes, partner=partner, answers=given)
    if now.refused and not as_json:
        from acupress import render

        render.show(render.decision_panel(now.refused))
    result = now.plan()
    if as_json:
        emit_json(result)
        return
    from acupress import render

    render.show(render.plan_view(result))
