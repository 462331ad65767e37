"""acupress protocols: the protocols there are, built in and your own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress import actions
from acupress.cli import emit_json, pass_app
from acupress.options import Command, json_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@json_option
@pass_app
def protocols(app: App, as_json: bool) -> None:
    """List the protocols, built in and your own; a file that cannot be used is listed
    with what is wrong with it.

    \b
    Example:
        acupress protocols
        acupress protocols --json
    """
    found = actions.list_protocols(app)
    if as_json:
        emit_json(found.rows)
        return
    from acupress import render

    render.show(render.protocols_table(found.rows, found.folder))
