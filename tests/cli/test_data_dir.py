"""The data directory: created readable only by its owner by whichever command creates
it first, whatever the umask; one sentence when it cannot be created."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, all_clear

Run = Callable[..., Result]
ACUPRESS = str(Path(sys.executable).with_name("acupress"))

FIRST_COMMANDS = {
    "profile": ["profile", "--thumb-cm", "2.1"],
    "check": ["check", "--answers", "-"],
    "journal": ["seen-professional"],
}


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask000", "umask022"])
@pytest.mark.parametrize("first", list(FIRST_COMMANDS))
def test_the_first_command_creates_a_private_data_directory(
    tmp_path: Path, first: str, umask: int
) -> None:
    home = tmp_path / "new" / "home"
    done = subprocess.run(
        [ACUPRESS, *FIRST_COMMANDS[first]],
        input=json.dumps(all_clear()),
        capture_output=True,
        text=True,
        env={"ACUPRESS_HOME": str(home), "PATH": "/usr/bin:/bin"},
        umask=umask,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    made = {p.name: stat.S_IMODE(p.stat().st_mode) for p in home.iterdir()}
    assert made and set(made.values()) == {0o600}, made


def test_an_existing_data_directory_keeps_its_permissions(run: Run, home: Path) -> None:
    home.mkdir(mode=0o750)
    home.chmod(0o750)
    assert run("profile", "--thumb-cm", "2.1").code == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o750


@pytest.fixture
def blocker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A regular file where the data directory's parent should be."""
    path = tmp_path / "file"
    path.write_text("not a folder")
    monkeypatch.setenv("ACUPRESS_HOME", str(path / "home"))
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--answers", "-"],
        ["profile", "--thumb-cm", "2.1"],
        ["profile"],
        ["session", "--minutes", "15"],
        ["plan"],
    ],
)
def test_a_data_directory_that_cannot_be_created_is_one_sentence(
    run: Run, blocker: Path, args: list[str]
) -> None:
    r = run(*args, input=json.dumps(all_clear()))
    assert r.code == 2
    assert r.err == (
        f"Error: Cannot create the data directory {blocker / 'home'}: {blocker} is not a "
        "folder (set ACUPRESS_HOME to a folder you can write to).\n"
    )
    assert blocker.read_text() == "not a folder"


def test_a_data_directory_that_is_a_file_is_one_sentence(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "home"
    path.write_text("not a folder")
    monkeypatch.setenv("ACUPRESS_HOME", str(path))
    r = run("profile", "--thumb-cm", "2.1")
    assert r.code == 2
    assert r.err == (
        f"Error: The data directory {path} is not a folder "
        "(set ACUPRESS_HOME to a folder you can write to).\n"
    )
    assert path.read_text() == "not a folder"
