"""The command line's own words: option types that refuse a value in one sentence that
says what to do, and click's complaints (a missing value, an unknown option or command,
a stray argument) said the same way; and the options several commands share. The
commands in ``acupress.cli`` are built from these."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import click


def either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def in_our_words(e: click.ClickException) -> str:
    """click's complaints (a missing value, an unknown option) as one sentence that says
    what to do; the types below already word their own."""
    where = e.ctx.command_path if isinstance(e, click.UsageError) and e.ctx else "acupress"
    if isinstance(e, click.NoSuchOption):
        if e.possibilities:
            return f"{where} has no option {e.option_name}: did you mean {either(e.possibilities)}?"
        return f"{where} has no option {e.option_name}: see {where} --help."
    if isinstance(e, click.BadOptionUsage):
        name = e.option_name
        params = e.ctx.command.params if e.ctx else []
        option = next((p for p in params if name in getattr(p, "opts", ())), None)
        if isinstance(option, click.Option) and option.is_flag:
            return f"{name} takes no value: give {name} alone."
        return f"{name} needs a value, e.g. {name} {metavar(option)}."
    if isinstance(e, click.MissingParameter) and e.param is not None:
        if isinstance(e.param, click.Option):
            return f"Give {param_name(e.param)} {metavar(e.param)}: {where} needs it."
        return f"Give {param_name(e.param)}: {where} needs it."
    return e.format_message()


def param_name(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name if param is not None else "The value"


def metavar(param: click.Parameter | None) -> str:
    if param is None:
        return "VALUE"
    if param.metavar:
        return param.metavar
    return str(getattr(param.type, "metavar", None) or param.type.name.upper())


def shown(value: object, limit: int = 40) -> str:
    """Something a person typed, quoted in a message: cut short when long."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Refused(click.BadParameter):
    """A value refused with a whole sentence of ours (no "Invalid value for ...")."""

    def format_message(self) -> str:
        return self.message


class Whole(click.ParamType[int]):
    """A whole number, within bounds when given."""

    name = "whole number"
    metavar = "N"

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = None
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if number is None or not low <= number <= high:
            if self.low is not None and self.high is not None:
                what = f"a whole number from {self.low} to {self.high}"
            elif self.low is not None:
                what = f"a whole number of at least {self.low}"
            else:
                what = "a whole number"
            raise Refused(f"{param_name(param)} must be {what}, not '{shown(value)}'.", ctx, param)
        return number


class Number(click.ParamType[float]):
    """A finite number (nan and inf are not numbers a person means), within bounds."""

    name = "number"
    metavar = "N"

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low, self.high = low, high

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if not (math.isfinite(number) and low <= number <= high):
            bounds = (
                f" from {self.low:g} to {self.high:g}"
                if self.low is not None and self.high is not None
                else ""
            )
            raise Refused(
                f"{param_name(param)} must be a number{bounds}, not '{shown(value)}'.", ctx, param
            )
        return number


class OneOf(click.ParamType[str]):
    """One of a few words."""

    name = "choice"

    def __init__(self, *choices: str) -> None:
        self.choices = choices
        self.metavar = "|".join(choices)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value not in self.choices:
            raise Refused(
                f"{param_name(param)} must be {either(list(self.choices))}, not '{shown(value)}'.",
                ctx,
                param,
            )
        return str(value)


# Where click keeps the help option's value, clear of a parameter named "help".
HELP_STORAGE = getattr(click.core, "_HELP_OPTION_STORAGE_NAME", "help")


def show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


class Command(click.Command):
    """A command that refuses stray words in acupress's words."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """click's help option, worded here: click looks its words up among the
        translations on disk, which costs every command a millisecond at start-up."""
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._help_option is None:
            self._help_option = click.Option(
                [*names, HELP_STORAGE],
                is_flag=True,
                expose_value=False,
                is_eager=True,
                help="Show this message and exit.",
                callback=show_help,
            )
        return self._help_option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as e:
            e.ctx = e.ctx or ctx  # the option's command, to word the message
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            where = ctx.command_path
            raise click.UsageError(
                f"{where} does not take '{shown(rest[0])}': see {where} --help.", ctx
            )
        return rest


class Group(Command, click.Group):
    """A group of commands: its help when called alone, and an unknown command named with
    the nearest known one."""

    command_class = Command
    group_class = type  # its subgroups are Groups too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            import difflib

            where = ctx.command_path
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"did you mean {close[0]}?" if close else f"see {where} --help."
            raise click.UsageError(f"{where} has no command '{shown(name)}': {hint}", ctx)
        return super().resolve_command(ctx, args)


# --- options more than one command takes ----------------------------------------------

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")

protocol_option = click.option(
    "--protocol",
    "protocol_name",
    default="low-back",
    show_default=True,
    metavar="NAME|PATH",
    help="A protocol name or a protocol file.",
)


def day_range_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from and --to: only the sessions between two days (each optional)."""
    command = click.option(
        "--to", "until", metavar="DATE", help="Only sessions on or before this day."
    )(command)
    return click.option(
        "--from", "since", metavar="DATE", help="Only sessions on or after this day."
    )(command)
