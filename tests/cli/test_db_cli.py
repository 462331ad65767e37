"""acupress db: a database server is migrated explicitly, and refused until it is; a
SQLite journal migrates itself as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from acupress import journal
from tests.conftest import Result
from tests.postgresql import Server

Run = Callable[..., Result]


@pytest.fixture
def empty_server(postgresql: Server, monkeypatch: pytest.MonkeyPatch) -> str:
    url = postgresql.empty()
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", url)
    return url


def migrate_to(url: str, revision: str) -> None:
    """The database as an older acupress left it."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(journal.__file__).parent / "migrations"))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_a_new_database_server_is_refused_until_upgraded_then_used(
    run: Run, empty_server: str
) -> None:
    refused = run("journal")
    assert (refused.code, refused.out) == (2, "")
    assert "has no acupress tables yet: run acupress db upgrade." in refused.err
    assert "Traceback" not in refused.err
    status = run("db", "status", "--json")
    assert status.code == 0, status.err
    assert status.json()["revision"] is None and status.json()["up_to_date"] is False
    done = run("db", "upgrade")
    assert done.code == 0, done.err
    assert done.out.strip().endswith(f"from schema none to {journal.SCHEMA_HEAD}.")
    assert run("journal", "--json").json() == []
    assert "is up to date" in run("db", "status").out
    assert "already up to date" in run("db", "upgrade").out
    head = journal.SCHEMA_HEAD
    assert run("db", "upgrade", "--json").json()["from"] == head


def test_a_database_server_behind_is_refused_and_upgrade_keeps_its_sessions(
    run: Run, empty_server: str
) -> None:
    migrate_to(empty_server, "0005")
    engine = sa.create_engine(empty_server)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sessions (started_at, day, protocol, source, pain_before, points, "
            "seconds, sensations, stop_note, note, complete, uid) VALUES ('2026-03-02 07:30', "
            "'2026-03-02', 'low-back', 'manual', 6, '', 900, '', '', 'kept', false, 'u1')"
        )
    engine.dispose()
    refused = run("journal")
    assert refused.code == 2
    assert (
        f"is at schema 0005, behind this acupress ({journal.SCHEMA_HEAD}): run acupress db upgrade."
        in refused.err
    )
    assert "0005; this acupress needs" in run("db", "status").out
    done = run("db", "upgrade")
    assert f"from schema 0005 to {journal.SCHEMA_HEAD}." in done.out
    (kept,) = run("journal", "--json").json()
    assert kept["note"] == "kept"


def test_a_database_made_by_a_newer_acupress_is_refused_and_left_alone(
    run: Run, empty_server: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("db", "upgrade").code == 0
    engine = sa.create_engine(empty_server)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    for args in (("journal",), ("db", "upgrade")):
        refused = run(*args)
        assert refused.code == 2
        assert "was made by a newer acupress (schema 0099" in refused.err
    # A SQLite journal refuses a newer schema too, rather than failing to migrate it.
    monkeypatch.delenv("ACUPRESS_DATABASE_URL")
    assert run("journal").code == 0
    with sa.create_engine(f"sqlite:///{home / 'journal.db'}").begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    refused = run("journal")
    assert (refused.code, "made by a newer acupress" in refused.err) == (2, True)


def test_a_sqlite_journal_still_migrates_itself(run: Run, home: Path) -> None:
    home.mkdir(parents=True)
    migrate_to(f"sqlite:///{home / 'journal.db'}", "0004")
    assert run("journal", "--json").json() == []
    assert "is up to date" in run("db", "status").out
