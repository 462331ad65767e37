"""acupress points: the atlas, and everything about one point."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress.cli import emit_json, pass_app
from acupress.options import Command, Number, json_option

if TYPE_CHECKING:
    from acupress.app import App


@click.command(cls=Command)
@click.argument("code", required=False)
@click.option("--thumb-cm", type=Number(), help="Your thumb width in cm, to show distances in cm.")
@json_option
@pass_app
def points(app: App, code: str | None, thumb_cm: float | None, as_json: bool) -> None:
    """List the points, or show one in full: acupress points BL23.

    \b
    Example:
        acupress points
        acupress points BL23 --thumb-cm 2.1
        acupress points KI3 --json
    """
    thumb = app.thumb_cm(thumb_cm)
    point = app.atlas.get(code) if code else None
    if as_json:
        from acupress.atlas import point_json

        chosen = [point] if point else app.atlas.points
        found = [point_json(p, thumb) for p in chosen]
        emit_json(found[0] if point else found)
        return
    from acupress import render

    render.show(
        render.point_panel(point, thumb) if point else render.points_table(app.atlas, thumb)
    )
