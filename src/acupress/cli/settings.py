"""acupress settings: what acupress reads from its environment, and the values now."""

from __future__ import annotations

import click

from acupress.cli import emit_json
from acupress.options import Command, json_option


@click.command(cls=Command)
@json_option
def settings(as_json: bool) -> None:
    """The settings acupress reads from its environment, and their values now.

    Each is set by its environment variable, e.g. ACUPRESS_HOME=~/acupress-data; the
    value shown says where it came from: that variable, or the default.

    \b
    Example:
        acupress settings
        ACUPRESS_HOME=/tmp/trial acupress settings --json
    """
    from acupress import settings as settings_list

    found = settings_list.current()
    if as_json:
        emit_json(settings_list.settings_json(found))
        return
    from acupress import render

    render.show(render.settings_table(found))
