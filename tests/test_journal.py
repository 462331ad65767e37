from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from acupress import journal
from acupress.errors import AcupressError
from acupress.journal import Journal
from acupress.records import SessionLog, StepLog

TZ = dt.timezone(dt.timedelta(hours=1))
T0 = dt.datetime(2026, 3, 2, 7, 30, tzinfo=TZ)


def step(position: int, point: str | None = "BL23", seconds: float = 60.0) -> StepLog:
    return StepLog(
        position=position,
        step=position + 1,
        step_id=(point or "prepare").lower(),
        point=point,
        side="left" if point else None,
        pressure="light" if point else None,
        planned_seconds=60,
        seconds=seconds,
        skipped=False,
        completed_at=T0 + dt.timedelta(minutes=position + 1),
    )


def session(day: int = 0, **fields: object) -> SessionLog:
    started = T0 + dt.timedelta(days=day)
    values: dict[str, object] = {
        "id": None,
        "started_at": started,
        "day": started.date(),
        "protocol": "low-back",
        "source": "guided",
        "pain_before": 6,
        "pain_after": 4,
    }
    return SessionLog(**(values | fields))  # type: ignore[arg-type]


@pytest.fixture
def db(database_url: str) -> Iterator[Journal]:
    """A journal on SQLite, then on PostgreSQL."""
    with Journal(database_url) as journal:
        yield journal


@pytest.fixture
def sqlite_db(home: Path) -> Journal:
    """The SQLite journal in the data directory, for what only a file has."""
    return Journal()


def test_first_use_creates_a_private_migrated_journal(sqlite_db: Journal, home: Path) -> None:
    path = home / "journal.db"
    assert path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(path) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == (journal.SCHEMA_HEAD,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_migrations_build_exactly_the_models(db: Journal) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), journal.metadata)
    assert diff == []


def test_a_guided_session_round_trips_with_its_steps(db: Journal) -> None:
    log = session(
        steps=(step(0, None), step(1, "BL23"), step(2, "BL25", seconds=42.5)),
        sensations=("warmth", "ache"),
        note="better after BL40",
        decision="modified",
        ended_at=T0 + dt.timedelta(minutes=20),
        complete=True,
    )
    session_id = db.add(log, answers={"pregnant": False})
    back = db.get(session_id)
    assert back.started_at == T0 and back.started_at.utcoffset() == dt.timedelta(0)
    assert back.day == dt.date(2026, 3, 2)
    assert back.points == ("BL23", "BL25")
    assert back.seconds == round(60 + 60 + 42.5)
    assert back.steps == log.steps
    assert (back.sensations, back.note, back.decision, back.complete) == (
        ("warmth", "ache"),
        "better after BL40",
        "modified",
        True,
    )
    assert db.answers(session_id) == {"pregnant": False}


def test_steps_saved_one_by_one_keep_the_totals(db: Journal) -> None:
    session_id = db.add(session(pain_after=None))
    db.add_step(session_id, step(0, None))
    db.add_step(session_id, step(1, "BL23"))
    db.add_step(session_id, step(2, "BL23"))
    db.add_step(session_id, step(3, "KI3", seconds=30.4))
    back = db.get(session_id)
    assert back.points == ("BL23", "KI3")
    assert back.seconds == 60 + 60 + 60 + 30
    assert [s.position for s in back.steps] == [0, 1, 2, 3]
    assert not back.complete


def test_update_and_delete(db: Journal) -> None:
    session_id = db.add(session())
    db.update(session_id, pain_after=2, note="edited", sensations=("tingling",))
    back = db.get(session_id)
    assert (back.pain_after, back.note, back.sensations) == (2, "edited", ("tingling",))
    db.delete(session_id)
    with pytest.raises(AcupressError, match=f"no session {session_id}"):
        db.get(session_id)
    with pytest.raises(AcupressError, match="no session 999"):
        db.delete(999)


def test_sessions_are_filtered_by_day_and_ordered(db: Journal) -> None:
    for day in (3, 0, 2, 1):
        db.add(session(day))
    days = [s.day.day for s in db.sessions()]
    assert days == [2, 3, 4, 5]
    assert [
        s.day.day for s in db.sessions(since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 4))
    ] == [
        3,
        4,
    ]
    assert [s.day.day for s in db.sessions(last=2)] == [4, 5]


def test_the_database_refuses_a_pain_score_outside_0_to_10(db: Journal) -> None:
    with pytest.raises(AcupressError, match="refused the record"):
        db.add(session(pain_before=11))
    assert db.sessions() == []


def test_a_damaged_journal_is_one_clear_error(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "journal.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(AcupressError, match=r"journal.db is damaged .*Move it aside"):
        Journal()


def test_a_locked_journal_is_one_clear_error(sqlite_db: Journal, home: Path) -> None:
    other = sqlite3.connect(home / "journal.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(AcupressError, match="is busy: another acupress is writing"):
            Journal(busy_timeout_ms=100).add(session())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert sqlite_db.sessions() == []


def test_a_database_url_points_the_journal_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere.db"
    monkeypatch.setenv("ACUPRESS_DATABASE_URL", f"sqlite:///{target}")
    Journal().add(session())
    assert target.exists()
    assert len(Journal(f"sqlite:///{target}").sessions()) == 1


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from acupress.journal import Journal
    from acupress.records import SessionLog, StepLog
    j = Journal()
    for i in range(int(sys.argv[1])):
        t = dt.datetime.now(dt.timezone.utc)
        sid = j.add(SessionLog(id=None, started_at=t, day=t.date(), protocol="low-back",
                               source="guided", pain_before=5))
        j.add_step(sid, StepLog(position=0, step=1, step_id="bl23", point="BL23", side="both",
                                pressure="light", planned_seconds=60, seconds=60.0,
                                skipped=False, completed_at=t))
    """
)


def test_two_processes_writing_at_once_lose_nothing(sqlite_db: Journal) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, "60"], env=dict(os.environ))
        for _ in range(2)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    logs = sqlite_db.sessions(with_steps=True)
    assert len(logs) == 120
    assert all(len(s.steps) == 1 and s.points == ("BL23",) for s in logs)


def test_a_journal_behind_the_schema_is_migrated_on_opening_and_keeps_its_sessions(
    home: Path,
) -> None:
    from alembic import command
    from alembic.config import Config

    path = home / "journal.db"
    home.mkdir(parents=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(Path(journal.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")  # a journal made by the first acupress
        conn.execute(
            sa.text(
                "INSERT INTO sessions (started_at, day, protocol, source, pain_before, "
                "pain_after, points, seconds, sensations, stop_note, note, complete) VALUES "
                "('2026-03-02 07:30:00', '2026-03-02', 'low-back', 'manual', 6, 4, 'BL23', "
                "900, '', '', 'kept', 1)"
            )
        )
    engine.dispose()
    (kept,) = Journal().sessions()
    assert (kept.pain_before, kept.pain_after, kept.note, kept.pressure) == (6, 4, "kept", None)
    assert Journal().events() == []


OPENER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from acupress.journal import Journal
    from acupress.records import SessionLog
    start = float(sys.argv[1])
    while time.time() < start:
        pass
    j = Journal()
    for _ in range(10):
        t = dt.datetime.now(dt.timezone.utc)
        j.add(SessionLog(id=None, started_at=t, day=t.date(), protocol="low-back",
                         source="manual", pain_before=5))
    """
)


def test_processes_opening_a_new_journal_at_once_all_get_in(home: Path) -> None:
    """Creating the journal (WAL mode, migrations) races when several start together."""
    for _ in range(5):
        for f in home.glob("journal.db*"):
            f.unlink()
        start = str(time.time() + 0.5)
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, start], env=dict(os.environ), stderr=subprocess.PIPE
            )
            for _ in range(4)
        ]
        results = [o.communicate(timeout=60) for o in openers]
        assert [o.returncode for o in openers] == [0, 0, 0, 0], results
        assert len(Journal().sessions()) == 40


def test_an_empty_journal_file_is_refused_and_left_as_it_was(home: Path) -> None:
    """A journal.db of 0 bytes was not made by acupress (it makes a new one whole): it may
    be a backup gone wrong, so nothing is written to it and the person is told what to do."""
    home.mkdir(parents=True)
    path = home / "journal.db"
    path.touch()
    with pytest.raises(AcupressError) as refused:
        Journal()
    message = str(refused.value)
    assert message.startswith(f"The journal {path} is empty (0 bytes)")
    assert "nothing was changed" in message
    assert "move it aside to start a new journal" in message
    assert "acupress import" in message
    assert path.stat().st_size == 0
    assert sorted(p.name for p in home.iterdir()) == ["journal.db"]


def test_a_new_journal_is_made_whole_and_leaves_nothing_beside_it(home: Path) -> None:
    Journal().add(session())
    assert {p.name for p in home.iterdir()} <= {"journal.db", "journal.db-wal", "journal.db-shm"}
    assert len(Journal().sessions()) == 1


def test_every_session_has_its_own_uid_kept_as_given(db: Journal) -> None:
    given = "0b9c6f7e-54a1-4c39-9d0e-2f8a7b6c5d4e"
    kept = db.add(session(uid=given))
    twins = [db.add(session()) for _ in range(2)]  # the same start, no uid given
    assert db.get(kept).uid == given
    made = [db.get(i).uid for i in twins]
    assert len({given, *made}) == 3
    with pytest.raises(AcupressError, match="refused the record"):
        db.add(session(uid=given))


def test_a_journal_of_the_previous_schema_keeps_every_step_and_each_session_gets_a_uid(
    home: Path,
) -> None:
    from alembic import command
    from alembic.config import Config

    path = home / "journal.db"
    home.mkdir(parents=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(Path(journal.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        for n in range(3):  # three sessions at the same moment, two steps each
            conn.execute(
                sa.text(
                    "INSERT INTO sessions (id, started_at, day, protocol, source, pain_before, "
                    "points, seconds, sensations, stop_note, note, complete) VALUES "
                    f"({n + 1}, '2026-03-02 11:00:00.000000', '2026-03-02', 'low-back', "
                    "'guided', 6, 'BL23', 120, '', '', '', 0)"
                )
            )
            for position in range(2):
                conn.execute(
                    sa.text(
                        "INSERT INTO steps (session_id, position, step, step_id, point, "
                        "planned_seconds, seconds, skipped, completed_at) VALUES "
                        f"({n + 1}, {position}, 2, 'bl23', 'BL23', 60, 60.0, 0, "
                        "'2026-03-02 11:01:00.000000')"
                    )
                )
    engine.dispose()
    db = Journal()
    logs = db.sessions(with_steps=True)
    assert [len(s.steps) for s in logs] == [2, 2, 2]
    uids = [s.uid for s in logs]
    assert len(set(uids)) == 3 and all(uuid.UUID(u or "").version == 4 for u in uids)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            journal.SCHEMA_HEAD,
        )
    db.delete(logs[0].id or 0)  # the steps still belong to their session
    assert len(db.sessions(with_steps=True)) == 2


def test_unfinished_sessions_of_a_front_end_not_kept_running_are_marked_interrupted(
    db: Journal,
) -> None:
    cut_off = db.add(session(pain_after=None), front_end="web")
    db.add_step(cut_off, step(0, None))
    db.add_step(cut_off, step(1, "BL23"))
    no_step = db.add(session(1, pain_after=None), front_end="web")
    in_terminal = db.add(session(2, pain_after=None), front_end="terminal")
    ended = db.add(
        session(3, ended_at=T0 + dt.timedelta(days=3, minutes=20), complete=True), front_end="web"
    )
    by_hand = db.add(session(4, source="manual"))
    running = db.add(session(5, pain_after=None), front_end="web")  # kept: it goes on
    db.live_add(running, "{}", T0)
    before = {i: db.get(i) for i in (in_terminal, ended, by_hand, running)}

    assert db.interrupt_unkept("web") == 2

    closed = db.get(cut_off)
    assert (closed.stop_reason, closed.complete) == ("interrupted", False)
    assert closed.ended_at == step(1).completed_at  # its last completed step
    assert closed.points == ("BL23",) and len(closed.steps) == 2
    started_only = db.get(no_step)
    assert (started_only.stop_reason, started_only.ended_at) == (
        "interrupted",
        started_only.started_at,
    )
    assert {i: db.get(i) for i in before} == before
    assert db.interrupt_unkept("web") == 0


OPEN_READ_WRITE = textwrap.dedent(
    """
    import datetime as dt, sys
    from acupress.journal import Journal
    from acupress.records import SessionLog, StepLog
    t = dt.datetime.now(dt.timezone.utc)
    with Journal() as j:
        sid = j.add(SessionLog(id=None, started_at=t, day=t.date(), protocol="low-back",
                               source="guided", pain_before=5))
        j.add_step(sid, StepLog(position=0, step=1, step_id="bl23", point="BL23", side="both",
                                pressure="light", planned_seconds=60, seconds=60.0,
                                skipped=False, completed_at=t))
        j.update(sid, pain_after=3, complete=True, ended_at=t)
        assert j.get(sid).points == ("BL23",) and len(j.sessions(last=20)) >= 1
        j.events(), j.cleared()
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic")))
    """
)


def test_an_existing_journal_is_read_and_written_without_loading_sqlalchemy(
    sqlite_db: Journal,
) -> None:
    """Loading SQLAlchemy costs a quarter of a second, most of what a command that opens
    the journal takes; it is needed only to make or migrate a journal."""
    sqlite_db.add(session())
    done = subprocess.run(
        [sys.executable, "-c", OPEN_READ_WRITE],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_times_are_stored_as_sqlalchemy_stores_them_so_either_reads_the_others(
    sqlite_db: Journal, home: Path
) -> None:
    tables = journal.metadata.tables
    ended = T0 + dt.timedelta(minutes=20)
    written = sqlite_db.add(session(steps=(step(0, "BL23"),), ended_at=ended, complete=True))
    with sqlite_db.engine.begin() as conn:
        row = conn.execute(sa.select(tables["sessions"]).where(tables["sessions"].c.id == written))
        theirs = row.mappings().one()
        conn.execute(
            tables["sessions"]
            .insert()
            .values({k: v for k, v in theirs.items() if k != "id"} | {"uid": str(uuid.uuid4())})
        )
    ours, copied = sqlite_db.sessions()
    assert (theirs["started_at"], theirs["day"], theirs["complete"]) == (
        ours.started_at,
        ours.day,
        ours.complete,
    )
    assert replace_id(copied) == replace_id(ours)
    with sqlite3.connect(home / "journal.db") as conn:
        stored = conn.execute("SELECT started_at, day, complete FROM sessions").fetchall()
    assert stored[0] == ("2026-03-02 06:30:00.000000", "2026-03-02", 1)
    assert stored[0] == stored[1]


def replace_id(log: SessionLog) -> SessionLog:
    from dataclasses import replace

    return replace(log, id=None, uid=None)


def test_reading_does_not_wait_for_a_writer(sqlite_db: Journal, home: Path) -> None:
    sqlite_db.add(session())
    writer = sqlite3.connect(home / "journal.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM sessions")
    try:
        reader = Journal(busy_timeout_ms=100)
        assert len(reader.sessions()) == 1  # as it was before the writer began
        with pytest.raises(AcupressError, match="is busy"):
            reader.add(session(1))
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_journal_in_memory_keeps_what_is_written_until_closed() -> None:
    with Journal("sqlite://") as scratch:
        first = scratch.add(session(steps=(step(0, "KI3"),)))
        scratch.add_step(first, step(1, "BL23"))
        assert scratch.get(first).points == ("KI3", "BL23")
    with Journal("sqlite://") as other:
        assert other.sessions() == []


def test_sessions_are_read_with_their_answers_one_at_a_time(db: Journal) -> None:
    ids = [db.add(session(day, steps=(step(0, "BL23"),)), {"day": day}) for day in (2, 0, 1)]
    found = db.entries(with_steps=True, with_answers=True)
    first, answers = next(found)
    assert (first.id, answers, len(first.steps)) == (ids[1], {"day": 0}, 1)
    assert [(s.id, a) for s, a in found] == [(ids[2], {"day": 1}), (ids[0], {"day": 2})]
    assert [a for _, a in db.entries(since=dt.date(2026, 3, 4))] == [None]


def test_a_sqlite_address_with_options_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(AcupressError, match=r"give a SQLite file as sqlite:///PATH"):
        Journal(f"sqlite:///{tmp_path / 'j.db'}?timeout=5")


def test_named_parameters_become_those_psycopg_takes() -> None:
    query = "SELECT a FROM t WHERE b = :b AND c::text = :c_1"
    assert journal._pyformat(query) == "SELECT a FROM t WHERE b = %(b)s AND c::text = %(c_1)s"


def test_one_rating_a_day_and_the_first_is_kept(database_url: str) -> None:
    from acupress.records import DailyRating

    def rating(day: dt.date, pain: int) -> DailyRating:
        at = dt.datetime.combine(day, dt.time(21), dt.UTC)
        return DailyRating(
            id=None, uid=str(uuid.uuid4()), day=day, pain=pain, enjoyment=3, activity=4, rated_at=at
        )

    day = dt.date(2026, 3, 2)
    with Journal(database_url) as db:
        stored = db.add_rating(rating(day, 5))
        with pytest.raises(AcupressError, match=r"2026-03-02 is already rated: one rating a day"):
            db.add_rating(rating(day, 9))
        db.add_rating(rating(day - dt.timedelta(days=1), 2))
        assert [(r.day, r.pain) for r in db.ratings()] == [
            (day - dt.timedelta(days=1), 2),
            (day, 5),
        ]
        assert db.ratings(since=day) == [stored]


def test_a_trial_is_kept_and_stopped_once(database_url: str) -> None:
    from acupress.records import TrialRecord

    start = dt.date(2026, 3, 2)
    trial = TrialRecord(
        id=None,
        uid=str(uuid.uuid4()),
        start=start,
        weeks=6,
        seed=2**63 - 1,
        created_at=dt.datetime.combine(start, dt.time(8), dt.UTC),
    )
    with Journal(database_url) as db:
        db.add_trial(trial)
        db.stop_trial(trial.uid, start + dt.timedelta(days=9), "Stopped: see a doctor.")
        db.stop_trial(trial.uid, start + dt.timedelta(days=12), "later")
        (kept,) = db.trials()
    assert (kept.seed, kept.stopped_on, kept.stop_reason) == (
        2**63 - 1,
        start + dt.timedelta(days=9),
        "Stopped: see a doctor.",
    )


def test_the_statements_of_a_new_journal_are_those_of_the_declared_tables() -> None:
    """A new SQLite journal is made from statements written out in ``journal_sqlite``;
    changing a table without writing them out again (make generated) fails here."""
    from acupress.journal_schema import sqlite_statements
    from acupress.journal_sqlite import TABLES

    assert list(TABLES) == sqlite_statements()


def test_a_new_journal_is_the_same_as_one_every_migration_built(tmp_path: Path) -> None:
    """A new journal is made at once from the declared tables; it must be exactly what
    running every migration on an empty file makes: tables, columns, keys, indexes,
    constraints, the single-person account and the revision."""
    import sqlalchemy as sa

    made = tmp_path / "made.db"
    with Journal(f"sqlite:///{made}"):
        pass
    migrated = tmp_path / "migrated.db"
    engine = sa.create_engine(f"sqlite:///{migrated}")
    with engine.connect() as conn:
        journal._upgrade(conn)
    engine.dispose()

    def described(path: Path) -> dict[str, object]:
        engine = sa.create_engine(f"sqlite:///{path}")
        seen = sa.inspect(engine)
        found: dict[str, object] = {}
        for table in sorted(seen.get_table_names()):
            found[table] = {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"], str(c["default"]))
                    for c in seen.get_columns(table)
                ),
                "key": seen.get_pk_constraint(table)["constrained_columns"],
                "foreign": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                    for f in seen.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in seen.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in seen.get_unique_constraints(table)
                ),
                "checks": sorted(c["sqltext"] for c in seen.get_check_constraints(table)),
            }
        with engine.connect() as conn:
            found["accounts rows"] = conn.exec_driver_sql(
                "SELECT id, name, role, password_hash, disabled_at, changes FROM accounts"
            ).all()
            found["revision"] = conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).all()
        engine.dispose()
        return found

    assert described(made) == described(migrated)
    assert described(made)["revision"] == [(journal.SCHEMA_HEAD,)]


def test_a_database_error_beside_the_journal_is_one_sentence(tmp_path: Path) -> None:
    """The accounts and the sharing read and write through ``Journal.core``: a database
    that refuses (here, a table it does not have) is one sentence naming what failed."""
    from acupress.errors import AcupressError

    with Journal(f"sqlite:///{tmp_path / 'journal.db'}") as db:
        with pytest.raises(AcupressError) as refused, db.core("The accounts") as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table")
        assert str(refused.value) == (
            "The accounts cannot be read or written (no such table: no_such_table)."
        )
