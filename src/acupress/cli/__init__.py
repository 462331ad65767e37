"""The command line: each command parses its options, makes one call into the core and
shows the result. Commands live one group to a module (``acupress.cli.points``, ...),
imported only when that command runs, so a command pays at start-up only for what it
uses; every error a person can fix is handled here, once, as one sentence."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import click

from acupress import __version__
from acupress.errors import AcupressError
from acupress.options import Group, in_our_words

if TYPE_CHECKING:
    import datetime as dt

    from acupress.app import App

# Every command: its module under acupress.cli, and the first line of its help (the
# list that `acupress --help` shows without importing every command).
COMMANDS: dict[str, tuple[str, str]] = {
    "accounts": ("accounts", "The accounts of the server mode (acupress serve --accounts): list "
                 "them, or add, invite, remove one, or set its password. Each account has its "
                 "own journal."),
    "chart": ("documents", "Draw where a point lies (or all of a protocol's): acupress chart "
              "BL23 --out bl23.svg."),
    "check": ("check", "Is it safe to do a session today? The screening questions."),
    "db": ("db", "The journal's database: where its schema is, and migrating it."),
    "export": ("backup", "Export the journal: CSV, a complete JSON backup, or FHIR Observations."),
    "guide": ("documents", "The whole routine as a printable handout, with its charts (HTML, "
              "PDF or Markdown)."),
    "import": ("backup", "Restore a JSON export; sessions already in the journal are skipped."),
    "journal": ("journal", "Your sessions: list them, or add, edit or delete one."),
    "plan": ("plan", "The session to do now, fitted to your time and today's check."),
    "points": ("points", "List the points, or show one in full: acupress points BL23."),
    "profile": ("profile", "Show your profile, or change it with the options."),
    "progress": ("progress", "How it is going: pain over time, and the guide's rules applied "
                 "to your journal."),
    "protocols": ("protocols", "List the protocols, built in and your own; a file that cannot "
                  "be used is listed with what is wrong with it."),
    "rate": ("rate", "Rate your day (PEG: pain, enjoyment of life, general activity, each "
             "0-10)."),
    "remind": ("remind", "Reminders for your calendar (.ics): a morning session on the days "
               "you choose."),
    "report": ("documents", "A one-page progress report for a clinician (PDF or HTML)."),
    "seen-professional": ("progress", "Record that a professional has seen you and told you "
                          "to go on with the routine."),
    "serve": ("serve", "The web app: the whole routine in your browser, served from this "
              "computer."),
    "session": ("session", "Do a session now, guided step by step with a timer."),
    "settings": ("settings", "The settings acupress reads from its environment, and their "
                 "values now."),
    "trial": ("trial", "A personal trial: does acupressure help you? Weeks with and without it."),
}  # fmt: skip


class LazyGroup(Group):
    """The top-level group: a command's module is imported when that command is asked for
    (click's lazy-loading pattern); the list of commands comes from ``COMMANDS``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        import importlib

        module = importlib.import_module(f"acupress.cli.{COMMANDS[cmd_name][0]}")
        command = getattr(module, function_name(cmd_name))
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, each with its first line, as click writes it, from the
        table rather than from every command's module."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def function_name(command: str) -> str:
    """The function of a command is named after it (``import_`` for ``import``)."""
    import keyword

    name = command.replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # click.version_option would do, but it looks up translations at import time,
    # which costs every command a couple of milliseconds of start-up.
    if value and not ctx.resilient_parsing:
        click.echo(f"acupress {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """acupress: a self-care coach for low back pain through acupressure.

    Start with `acupress check` (is it safe today?), then `acupress plan`.
    """


def main() -> None:
    """Run the command line; user errors become one sentence and an exit code."""
    sys.exit(run())


def run(args: list[str] | None = None, app: App | None = None) -> int:
    """Run one command (``args``, else the process's own) with ``app`` (by default one
    on the real clock), and return its exit code."""
    if app is None:
        from acupress.app import App

        app = App()
    try:
        cli.main(args, standalone_mode=False, prog_name="acupress", obj=app)
    except AcupressError as e:
        return fail(str(e), e.exit_code)
    except click.exceptions.Abort as e:
        if isinstance(e.__cause__ or e.__context__, EOFError):
            return fail(NOTHING_READ, 2)
        return fail("Stopped; nothing was saved.", 130)
    except click.ClickException as e:
        return fail(in_our_words(e), e.exit_code)
    except click.exceptions.Exit as e:
        return e.exit_code
    except KeyboardInterrupt:
        return fail("Stopped; nothing was saved.", 130)
    except BrokenPipeError:
        return 0
    except Exception as e:
        from acupress import settings

        if settings.given("debug"):
            raise
        return fail(
            f"Unexpected error ({type(e).__name__}: {e}); set ACUPRESS_DEBUG=1 for details.", 1
        )
    finally:
        app.close()
    return 0


def fail(message: str, code: int) -> int:
    click.echo(f"Error: {message}", err=True)
    return code


NOTHING_READ = (
    "Nothing could be read: standard input is closed; give the answer as an option (see --help)."
)

P = ParamSpec("P")
R = TypeVar("R")


def pass_app(command: Callable[Concatenate[App, P], R]) -> Callable[P, R]:
    """Give a command the App of this run as its first argument."""

    def with_app(*args: P.args, **kwargs: P.kwargs) -> R:
        return command(app_of(click.get_current_context()), *args, **kwargs)

    return functools.update_wrapper(with_app, command)


def app_of(ctx: click.Context) -> App:
    """The App ``run`` gave this run; a caller of ``cli`` that gave none gets one on the
    real clock, closed with the command."""
    if ctx.obj is None:
        from acupress.app import App

        ctx.obj = App()
        ctx.call_on_close(ctx.obj.close)
    app: App = ctx.obj
    return app


def day_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """--from and --to as days (each optional), the first not after the second."""
    from acupress import actions

    return actions.day_range(
        actions.parse_day(since, "--from") if since else None,
        actions.parse_day(until, "--to") if until else None,
        ("--from", "--to"),
    )


def emit_json(value: Any) -> None:
    """Print ``value`` (plain values and dataclasses) as JSON indented by two spaces."""
    import json

    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=_fields, allow_nan=False)
    except (TypeError, ValueError):
        text = ""
    if not text or _unusual_floats(text):
        # A value json cannot write, or a float it writes unlike msgspec (1e-05 for
        # 0.00001): msgspec, which the output has always followed, writes it instead.
        import msgspec

        text = msgspec.json.format(msgspec.json.encode(value), indent=2).decode()
    click.echo(text)


def _fields(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # As msgspec writes it: the fields the object has (content left at a default
        # by its file has none).
        given = vars(value)
        return {f.name: given[f.name] for f in dataclasses.fields(value) if f.name in given}
    raise TypeError(f"{type(value).__name__} is not plain JSON")


def _unusual_floats(text: str) -> bool:
    """Whether the JSON ``text`` has a float in exponent form (json's, not msgspec's)."""
    import re

    # In indented JSON a number is alone on its line, after its key in an object.
    number = r'^ *(?:"(?:[^"\\\n]|\\.)*": )?-?\d+(?:\.\d+)?[eE]'
    return re.search(number, text, re.MULTILINE) is not None
