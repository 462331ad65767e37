"""Settings: every one listed once with its variable, default and help; read through the
list, and shown with where each value came from."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from acupress import paths, settings
from tests.conftest import Result

Run = Callable[..., Result]


def test_every_setting_has_a_name_a_variable_a_default_and_help() -> None:
    names = [s.name for s in settings.SETTINGS]
    assert names == [
        "home",
        "database_url",
        "debug",
        "accounts",
        "workers",
        "speed",
        "speed_since",
        "allowed_hosts",
        "trusted_proxies",
        "base_url",
    ]
    for s in settings.SETTINGS:
        assert s.env == f"ACUPRESS_{s.name.upper()}"
        assert s.default and s.help.endswith(".")


def test_no_module_reads_the_environment_but_the_settings() -> None:
    source = Path(settings.__file__).parent
    readers = sorted(
        str(p.relative_to(source))
        for p in source.rglob("*.py")
        if "os.environ" in p.read_text() or "getenv" in p.read_text()
    )
    # The others read the platform's variables, not settings of acupress: paths.py the
    # XDG directories (as platformdirs does), reminders.py the system's TZ.
    assert readers == ["paths.py", "reminders.py", "settings.py"]


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUPRESS_DEBUG", "")
    assert settings.given("debug") is None
    monkeypatch.setenv("ACUPRESS_DEBUG", "1")
    assert settings.given("debug") == "1"


def test_the_database_defaults_to_the_journal_in_the_data_directory(
    monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    assert settings.database_url() == f"sqlite:///{home / 'journal.db'}"
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", "sqlite:///elsewhere.db")
    assert settings.database_url() == "sqlite:///elsewhere.db"


def test_settings_shows_each_value_and_where_it_came_from(run: Run, home: Path) -> None:
    r = run("settings", "--json")
    assert r.code == 0, r.err
    found = {s["name"]: s for s in r.json()}
    assert (found["home"]["value"], found["home"]["source"]) == (str(home), "environment")
    assert found["home"]["env"] == "ACUPRESS_HOME"
    assert found["database_url"] == {
        "name": "database_url",
        "value": f"sqlite:///{home / 'journal.db'}",
        "source": "default",
        "env": "ACUPRESS_DATABASE_URL",
        "default": "journal.db in the data directory",
        "help": "The journal's database, as an SQLAlchemy URL: a SQLite file "
        "(sqlite:///PATH), or a PostgreSQL database for the server mode "
        "(postgresql+psycopg://USER:PASSWORD@HOST/DATABASE), migrated with acupress db "
        "upgrade.",
    }
    assert (found["debug"]["value"], found["debug"]["source"]) == ("off", "default")


def test_settings_as_a_table(run: Run) -> None:
    r = run("settings")
    assert r.code == 0, r.err
    assert "ACUPRESS_HOME" in r.out and "database_url" in r.out and "default" in r.out


def test_the_home_setting_is_where_the_files_go(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run: Run
) -> None:
    monkeypatch.setenv("ACUPRESS_HOME", str(tmp_path / "elsewhere"))
    assert paths.home() == tmp_path / "elsewhere"
    assert run("profile", "--thumb-cm", "2.1").code == 0
    assert json.loads((tmp_path / "elsewhere" / "profile.json").read_text())["thumb_cm"] == 2.1
