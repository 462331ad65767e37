"""acupress db: the journal's database schema, said and migrated (the server mode's
database is migrated only here)."""

from __future__ import annotations

import click

from acupress.cli import emit_json
from acupress.options import Command, Group, json_option


@click.group(cls=Group)
def db() -> None:
    """The journal's database: where its schema is, and migrating it.

    A SQLite journal migrates itself when a newer acupress first opens it. A database
    server (ACUPRESS_DATABASE_URL=postgresql+psycopg://...) is migrated only by
    acupress db upgrade: until then acupress refuses to use it.

    \b
    Example:
        acupress db status
        acupress db upgrade
    """


@db.command(cls=Command)
@json_option
def status(as_json: bool) -> None:
    """Where the journal's schema is, and whether it needs acupress db upgrade.

    \b
    Example:
        acupress db status
        acupress db status --json
    """
    from acupress import actions

    where, at, head = actions.database_schema(upgrade=False)
    if as_json:
        emit_json({"database": where, "revision": at, "head": head, "up_to_date": at == head})
        return
    if at == head:
        click.echo(f"The journal {where} is up to date (schema {head}).")
    elif at is None:
        click.echo(f"The journal {where} has no acupress tables yet: run acupress db upgrade.")
    else:
        click.echo(
            f"The journal {where} is at schema {at}; this acupress needs {head}: run "
            "acupress db upgrade."
        )


@db.command(cls=Command)
@json_option
def upgrade(as_json: bool) -> None:
    """Migrate the journal's database to this acupress's schema.

    \b
    Example:
        acupress db upgrade
        acupress db upgrade --json
    """
    from acupress import actions

    where, before, head = actions.database_schema(upgrade=True)
    if as_json:
        emit_json({"database": where, "from": before, "to": head})
    elif before == head:
        click.echo(f"The journal {where} is already up to date (schema {head}).")
    else:
        click.echo(f"Migrated the journal {where} from schema {before or 'none'} to {head}.")
