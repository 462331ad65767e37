"""acupress accounts: the people and practitioners of the server mode, each with their own
journal: added with an invitation link, listed, given a password, removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress.cli import app_of, emit_json, pass_app
from acupress.options import Group, OneOf, json_option

if TYPE_CHECKING:
    from acupress.accounts import Accounts, Invitation
    from acupress.app import App


def accounts_of(app: App) -> Accounts:
    from acupress.accounts import Accounts

    return Accounts(app.journal())


def show_invitation(invitation: Invitation) -> None:
    from acupress import settings

    link = f"{settings.base_url()}/invitation/{invitation.token}"
    click.echo(f"Give {invitation.account.name} this link to set a password (it works once):")
    click.echo(link)
    click.echo(f"It expires on {invitation.expires_at.astimezone():%Y-%m-%d at %H:%M}.")


@click.group(cls=Group, invoke_without_command=True)
@json_option
@click.pass_context
def accounts(ctx: click.Context, as_json: bool) -> None:
    """The accounts of the server mode (acupress serve --accounts): list them, or add,
    invite, remove one, or set its password. Each account has its own journal.

    \b
    Example:
        acupress accounts
        acupress accounts add sam --role person
    """
    if ctx.invoked_subcommand is not None:
        return
    found = accounts_of(app_of(ctx)).list()
    if as_json:
        emit_json(
            [
                {
                    "name": a.name,
                    "role": a.role,
                    "created_at": a.created_at.isoformat(),
                    "has_password": a.has_password,
                }
                for a in found
            ]
        )
        return
    if not found:
        click.echo("No accounts yet: add one with acupress accounts add NAME --role person.")
        return
    for a in found:
        state = "" if a.has_password else " (invited, no password yet)"
        click.echo(f"{a.name}  {a.role}  since {a.created_at.astimezone():%Y-%m-%d}{state}")


@accounts.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the accounts: name, role, since when, and whether a password is set.

    \b
    Example:
        acupress accounts list
        acupress accounts list --json
    """
    ctx.invoke(accounts, as_json=as_json)


@accounts.command()
@click.argument("name")
@click.option(
    "--role",
    type=OneOf("person", "practitioner"),
    default="person",
    show_default=True,
    help="A person keeps their own journal; a practitioner sees those people share.",
)
@pass_app
def add(app: App, name: str, role: str) -> None:
    """Add an account, and print the one-time link where its person sets a password
    (ACUPRESS_BASE_URL says where the web app is).

    \b
    Example:
        acupress accounts add sam --role person
    """
    show_invitation(accounts_of(app).add(name, role, app.now()))


@accounts.command()
@click.argument("name")
@pass_app
def invite(app: App, name: str) -> None:
    """A new invitation link for an account (a lost or expired one stops working).

    \b
    Example:
        acupress accounts invite sam
    """
    show_invitation(accounts_of(app).invite(name, app.now()))


@accounts.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Remove without asking first.")
@pass_app
def remove(app: App, name: str, yes: bool) -> None:
    """Remove an account with its whole journal; it is signed out at once.

    \b
    Example:
        acupress accounts remove sam
        acupress accounts remove sam --yes
    """
    found = accounts_of(app)
    found.get(name)  # an unknown name is said before anything is asked
    if not yes and not click.confirm(
        f"Remove the account '{name}' and its whole journal? This cannot be undone"
    ):
        click.echo("Nothing was removed.")
        return
    found.remove(name)
    click.echo(f"Removed the account '{name}' and its journal.")


@accounts.command()
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from standard input's first line (for scripts).",
)
@pass_app
def password(app: App, name: str, password_stdin: bool) -> None:
    """Set an account's password (asked without echo, or read with --password-stdin); its
    browsers are signed out.

    \b
    Example:
        acupress accounts password sam
        printf '%s\\n' "$PASSWORD" | acupress accounts password sam --password-stdin
    """
    found = accounts_of(app)
    found.get(name)
    if password_stdin:
        import sys

        given = sys.stdin.readline().rstrip("\r\n")
    else:
        given = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    found.set_password(name, given)
    click.echo(f"The password of '{name}' is set; it signs in with it from now on.")
