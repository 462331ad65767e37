"""Help that documents itself (as sqlite-utils' tests/test_docs.py): every command and
option has help, every command ends its help with an example and has its reference in
the README (generated from --help by cog, checked by `make lint`)."""

from __future__ import annotations

import inspect
from pathlib import Path

import click
import pytest

from acupress.cli import COMMANDS, cli, function_name

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def command_tree() -> list[tuple[str, click.Command]]:
    """Every command by its words ('journal add'), the groups included."""
    found: list[tuple[str, click.Command]] = []

    def walk(words: tuple[str, ...], command: click.Command) -> None:
        if words:
            found.append((" ".join(words), command))
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk((*words, name), sub)

    walk((), cli)
    return found


COMMAND_TREE = command_tree()
NAMES = [name for name, _ in COMMAND_TREE]


def test_the_tree_has_every_command() -> None:
    assert set(COMMANDS) <= set(NAMES)
    assert {"journal add", "journal edit", "journal delete", "settings"} <= set(NAMES)


@pytest.mark.parametrize(("name", "command"), COMMAND_TREE, ids=NAMES)
def test_every_command_has_help_ending_with_an_example(name: str, command: click.Command) -> None:
    assert command.help, f"acupress {name} has no help"
    last = inspect.cleandoc(command.help).split("\n\n")[-1]
    assert last.startswith("\b\nExample:\n"), f"acupress {name}: help ends without an example"
    assert f"acupress {name}" in last, f"acupress {name}: the example does not use it"


@pytest.mark.parametrize(("name", "command"), COMMAND_TREE, ids=NAMES)
def test_every_option_has_help(name: str, command: click.Command) -> None:
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"acupress {name} {param.opts[0]} has no help"


@pytest.mark.parametrize(("name", "command"), COMMAND_TREE, ids=NAMES)
def test_every_command_is_in_the_readme(name: str, command: click.Command) -> None:
    assert f"`acupress {name}" in README, f"acupress {name} has no heading in the README"
    assert f'help_of("{name}")' in README, f"acupress {name} has no reference in the README"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_list_of_commands_says_what_each_command_says(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    summary = click.Command(name, help=COMMANDS[name][1])
    for width in (30, 45, 80, 200):
        assert summary.get_short_help_str(width) == command.get_short_help_str(width)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_is_a_function_named_after_it(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.callback is not None
    assert command.callback.__name__ == function_name(name)
    assert command.name == name
