from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from acupress import atlas, safety
from acupress.app import App
from acupress.cli import main
from acupress.cli import run as run_command
from tests import postgresql as postgres


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own, empty data directory."""
    d = tmp_path / "home"
    monkeypatch.setenv("ACUPRESS_HOME", str(d))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return d


@pytest.fixture
def book() -> atlas.Atlas:
    return atlas.default()


@pytest.fixture
def screening() -> safety.Screening:
    return safety.default_screening()


def all_clear() -> dict[str, Any]:
    """Answers of a 40-year-old with none of the red flags or cautions."""
    answers: dict[str, Any] = {}
    for q in safety.default_screening().questions:
        answers[q.id] = {"yes_no": False, "number": 40, "points": []}[q.type]
    return answers


@pytest.fixture
def answers() -> dict[str, Any]:
    return all_clear()


@pytest.fixture
def answers_file(tmp_path: Path) -> Callable[..., Path]:
    def write(**changes: Any) -> Path:
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(all_clear() | changes))
        return path

    return write


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run the real entry point in-process, as the console script would; with ``now``, on
    an app whose clock stands at that moment."""

    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal, so lines are not wrapped

    def invoke(*args: str, input: str | None = None, now: dt.datetime | None = None) -> Result:
        monkeypatch.setattr(sys, "argv", ["acupress", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        capsys.readouterr()
        try:
            if now is None:
                main()
                code = 0
            else:
                code = run_command(list(args), app=App(now=lambda: now))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


# --- the journal on SQLite and on PostgreSQL --------------------------------------------


@pytest.fixture(scope="session")
def postgresql() -> Iterator[postgres.Server]:
    """One real PostgreSQL for the whole test session."""
    with postgres.running() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated journal's URL: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journal.db'}"
        return
    server: postgres.Server = request.getfixturevalue("postgresql")
    url = server.fresh()
    try:
        yield url
    finally:
        server.drop(url)
