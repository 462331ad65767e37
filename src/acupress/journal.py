"""The journal: sessions and their steps, stored with SQLAlchemy. The only module that
knows SQL.

SQLite in the user's data directory by default (``ACUPRESS_DATABASE_URL`` takes any
SQLAlchemy URL), created on first use and migrated with Alembic. SQLite runs in WAL mode
with a busy timeout and immediate write transactions, so the CLI and the web app can
write at the same time; each step of a guided session is committed as it completes.

A new journal is made whole beside its place and then linked into it, so a journal file
is never seen half-made: an empty one was not made by acupress, and is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from acupress import paths
from acupress.errors import AcupressError, Busy, NotFound
from acupress.records import Event, SessionLog, StepLog, new_uid, points_pressed

SCHEMA_HEAD = "0003"  # the newest migration; Alembic is loaded only when a journal is behind
BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Aware datetimes stored as UTC, the same on SQLite (which has no time zones) and
    PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("journal times must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


metadata = sa.MetaData()

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("protocol", sa.String(100), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("decision", sa.String(20)),
    sa.Column("answers", sa.Text),  # the safety answers the decision came from (JSON)
    sa.Column("pain_before", sa.Integer),
    sa.Column("pain_after", sa.Integer),
    sa.Column("points", sa.String(200), nullable=False, default=""),
    sa.Column("seconds", sa.Integer, nullable=False, default=0),
    sa.Column("sensations", sa.String(100), nullable=False, default=""),
    sa.Column("stop_reason", sa.String(20)),
    sa.Column("stop_note", sa.Text, nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("ended_at", UTCDateTime),
    sa.Column("complete", sa.Boolean, nullable=False, default=False),
    sa.Column("pressure", sa.String(10)),  # the most pressure used, for a session logged by hand
    sa.Column("uid", sa.String(36), nullable=False, index=True, unique=True),
    # Which front end runs a guided session ("terminal", "web"), so that each closes only
    # the sessions it was running.
    sa.Column("front_end", sa.String(10)),
    sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_0_10"),
    sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_0_10"),
)

# Things that happened besides sessions: a professional saw the person and told them to
# go on ("seen_professional"), which restarts the counts of the see-a-professional rules.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(36), nullable=False, unique=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

steps = sa.Table(
    "steps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "session_id",
        sa.Integer,
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("point", sa.String(20)),
    sa.Column("side", sa.String(10)),
    sa.Column("pressure", sa.String(10)),
    sa.Column("planned_seconds", sa.Integer, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("skipped", sa.Boolean, nullable=False),
    sa.Column("completed_at", UTCDateTime, nullable=False),
)


def database_url() -> str:
    return os.environ.get("ACUPRESS_DATABASE_URL") or f"sqlite:///{paths.home() / 'journal.db'}"


class Journal:
    """A connection to the journal; the schema is brought up to date on opening."""

    def __init__(self, url: str | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.url = sa.engine.make_url(url or database_url())
        self.path = _sqlite_file(self.url)
        # Writers in this process take turns here rather than in SQLite's busy wait,
        # whose back-off sleeps make a queue of writers slow (a web app's threads).
        self._writing = threading.Lock()
        self.writes = 0  # writes made through this object: a cache key for readers
        with _errors(self):
            if self.path is not None:
                _create_or_check(self.path)
            self.engine = sa.create_engine(self.url)
            if self.engine.dialect.name == "sqlite":
                _sqlite_setup(self.engine, busy_timeout_ms)
            self._migrate()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ---

    def _migrate(self) -> None:
        with self.engine.connect() as conn:
            if _current_revision(conn) == SCHEMA_HEAD:
                return
        with self.engine.connect() as conn:
            _upgrade(conn)

    # --- writing ---

    def add(
        self,
        log: SessionLog,
        answers: dict[str, Any] | None = None,
        front_end: str | None = None,
    ) -> int:
        """Store a session (and any steps it has); returns its id. ``front_end`` is the one
        running a guided session that has just begun."""
        row = _session_row(log, answers) | {"front_end": front_end}
        with self._write() as conn:
            query = sessions.insert().values(**row).returning(sessions.c.id)
            session_id = int(conn.execute(query).scalar_one())
            for step in log.steps:
                conn.execute(steps.insert().values(**_step_row(session_id, step)))
        return session_id

    def add_many(self, logs: Sequence[SessionLog]) -> list[int]:
        """Store many sessions in one transaction (an import, a generated journal)."""
        ids: list[int] = []
        with self._write() as conn:
            for log in logs:
                query = sessions.insert().values(**_session_row(log, None)).returning(sessions.c.id)
                ids.append(int(conn.execute(query).scalar_one()))
            rows = [_step_row(i, s) for i, log in zip(ids, logs, strict=True) for s in log.steps]
            if rows:
                conn.execute(steps.insert(), rows)
        return ids

    def add_step(self, session_id: int, step: StepLog) -> None:
        """Record one step of a running session, at once, in its own transaction."""
        with self._write() as conn:
            conn.execute(steps.insert().values(**_step_row(session_id, step)))
            conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id)
                .values(
                    seconds=sessions.c.seconds + round(step.seconds),
                    points=_points_after(conn, session_id),
                )
            )

    def interrupt_unfinished(self, front_end: str) -> int:
        """Mark as interrupted the sessions ``front_end`` began and never closed (its
        process was killed or restarted): each ends at its last completed step, or at its
        start when it has none. Returns how many there were."""
        last_step = (
            sa.select(sa.func.max(steps.c.completed_at))
            .where(steps.c.session_id == sessions.c.id)
            .scalar_subquery()
        )
        with self._write() as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.front_end == front_end, sessions.c.ended_at.is_(None))
                .values(
                    ended_at=sa.func.coalesce(last_step, sessions.c.started_at),
                    stop_reason="interrupted",
                    complete=False,
                )
            )
        return int(done.rowcount)

    def finish(self, session_id: int, **fields: Any) -> None:
        """Set the closing fields of a session (pain after, sensations, stop reason, …)."""
        self.update(session_id, **fields)

    def update(self, session_id: int, **fields: Any) -> None:
        values = _session_values(fields)
        with self._write() as conn:
            done = conn.execute(sessions.update().where(sessions.c.id == session_id).values(values))
            if done.rowcount == 0:
                raise NotFound(f"There is no session {session_id} in the journal.")

    def delete(self, session_id: int) -> None:
        with self._write() as conn:
            conn.execute(steps.delete().where(steps.c.session_id == session_id))
            done = conn.execute(sessions.delete().where(sessions.c.id == session_id))
            if done.rowcount == 0:
                raise NotFound(f"There is no session {session_id} in the journal.")

    # --- reading ---

    def get(self, session_id: int) -> SessionLog:
        found = self.sessions(ids=(session_id,), with_steps=True)
        if not found:
            raise NotFound(f"There is no session {session_id} in the journal.")
        return found[0]

    def sessions(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        ids: Sequence[int] = (),
        with_steps: bool = False,
        last: int | None = None,
    ) -> list[SessionLog]:
        """Sessions in time order, filtered by local day; ``last`` keeps the newest N."""
        query = sa.select(sessions)
        if since:
            query = query.where(sessions.c.day >= since)
        if until:
            query = query.where(sessions.c.day <= until)
        if ids:
            query = query.where(sessions.c.id.in_(ids))
        if last is not None:
            newest = query.order_by(sessions.c.started_at.desc(), sessions.c.id.desc()).limit(last)
            query = sa.select(newest.subquery())
        query = query.order_by("started_at", "id")
        with _errors(self), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            by_session: dict[int, list[StepLog]] = {}
            if with_steps and rows:
                wanted = [r["id"] for r in rows]
                step_rows = conn.execute(
                    sa.select(steps)
                    .where(steps.c.session_id.in_(wanted))
                    .order_by(steps.c.session_id, steps.c.id)
                ).mappings()
                for s in step_rows:
                    by_session.setdefault(s["session_id"], []).append(_step_log(s))
        return [_session_log(r, by_session.get(r["id"], [])) for r in rows]

    def answers(self, session_id: int) -> dict[str, Any] | None:
        with _errors(self), self.engine.connect() as conn:
            text = conn.execute(
                sa.select(sessions.c.answers).where(sessions.c.id == session_id)
            ).scalar()
        return json.loads(text) if text else None

    # --- events ---

    def add_event(self, event: Event) -> Event:
        """Record an event (a professional seen); returns it with its id."""
        with self._write() as conn:
            query = events.insert().values(**_event_row(event)).returning(events.c.id)
            event_id = int(conn.execute(query).scalar_one())
        return replace(event, id=event_id)

    def events(self, since: dt.date | None = None, until: dt.date | None = None) -> list[Event]:
        """Events in time order, filtered by local day."""
        query = sa.select(events).order_by(events.c.at, events.c.id)
        if since:
            query = query.where(events.c.day >= since)
        if until:
            query = query.where(events.c.day <= until)
        with _errors(self), self.engine.connect() as conn:
            return [_event(r) for r in conn.execute(query).mappings()]

    def cleared(self) -> list[dt.datetime]:
        """The moments a professional told the person to go on."""
        query = sa.select(events.c.at).where(events.c.kind == "seen_professional")
        with _errors(self), self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writing, _errors(self), self.engine.begin() as conn:
            yield conn
        self.writes += 1

    def version(self) -> tuple[int, int, int] | None:
        """Changes whenever the journal may have changed: written through this object, or
        by another process (its files' modification times); None when that cannot be
        told (a database server), so nothing read from it should be kept."""
        if self.path is None:
            return None

        def mtime(path: Path) -> int:
            try:
                return path.stat().st_mtime_ns
            except OSError:
                return 0

        wal = self.path.with_name(self.path.name + "-wal")
        return (self.writes, mtime(self.path), mtime(wal))

    # --- export and import ---

    def answers_by_session(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The safety answers stored with these sessions, for those that have them."""
        found: dict[int, dict[str, Any]] = {}
        with _errors(self), self.engine.connect() as conn:
            for chunk in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(sessions.c.id, sessions.c.answers).where(
                        sessions.c.id.in_(ids[chunk : chunk + 500]),
                        sessions.c.answers.is_not(None),
                    )
                )
                found.update({row.id: json.loads(row.answers) for row in rows})
        return found

    def import_sessions(
        self,
        entries: Sequence[tuple[SessionLog, dict[str, Any] | None]],
        new_events: Sequence[Event] = (),
        *,
        by_content: bool = False,
    ) -> tuple[int, int]:
        """Add the sessions not already in the journal (by uid: a session keeps its uid
        through export and import), with their steps and safety answers, and the events
        not already there (by uid), in one transaction. Stored exactly as given: points
        and seconds are not recomputed from the steps. Returns how many sessions were
        added and how many were already there.

        ``by_content``: the entries' uids were made up on reading (a file from before
        uids); a session is then also already there when the journal holds one with the
        same content, as many times as it holds it, so two identical sessions restored
        into an empty journal stay two, and restored into their own journal add none."""
        added = present = 0
        same: Counter[tuple[Any, ...]] = Counter()
        if by_content:
            same.update(_content(log) for log in self.sessions())
        with self._write() as conn:
            known = set(conn.execute(sa.select(events.c.uid)).scalars())
            for event in new_events:
                if event.uid not in known:
                    known.add(event.uid)
                    conn.execute(events.insert().values(**_event_row(event)))
            seen = set(conn.execute(sa.select(sessions.c.uid)).scalars())
            for log, answers in entries:
                if log.uid is not None and log.uid in seen:
                    present += 1
                    continue
                if by_content and same[_content(log)] > 0:
                    same[_content(log)] -= 1
                    present += 1
                    continue
                row = _session_row(log, answers)
                seen.add(row["uid"])
                row |= {
                    "points": ",".join(log.points),
                    "seconds": log.seconds,
                }
                query = sessions.insert().values(**row).returning(sessions.c.id)
                session_id = int(conn.execute(query).scalar_one())
                if log.steps:
                    conn.execute(steps.insert(), [_step_row(session_id, s) for s in log.steps])
                added += 1
        return added, present


# --- rows -----------------------------------------------------------------------------


def _content(log: SessionLog) -> tuple[Any, ...]:
    """What a person recorded of a session, for telling one without a uid again."""
    return (
        log.started_at.astimezone(dt.UTC),
        log.protocol,
        log.source,
        log.pain_before,
        log.pain_after,
        tuple(log.points),
        log.seconds,
        tuple(log.sensations),
        log.stop_reason,
        log.note,
        log.complete,
    )


def _session_row(log: SessionLog, answers: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "uid": log.uid or new_uid(),
        "started_at": log.started_at,
        "day": log.day,
        "protocol": log.protocol,
        "source": log.source,
        "decision": log.decision,
        "answers": json.dumps(answers) if answers is not None else None,
        "pain_before": log.pain_before,
        "pain_after": log.pain_after,
        "points": ",".join(log.points or points_pressed(log.steps)),
        "seconds": log.seconds or round(sum(s.seconds for s in log.steps)),
        "sensations": ",".join(log.sensations),
        "stop_reason": log.stop_reason,
        "stop_note": log.stop_note,
        "note": log.note,
        "ended_at": log.ended_at,
        "complete": log.complete,
        "pressure": log.pressure,
    }


def _event_row(e: Event) -> dict[str, Any]:
    return {"uid": e.uid, "kind": e.kind, "at": e.at, "day": e.day, "note": e.note}


def _event(r: Any) -> Event:
    return Event(id=r["id"], uid=r["uid"], kind=r["kind"], at=r["at"], day=r["day"], note=r["note"])


def _session_values(fields: dict[str, Any]) -> dict[str, Any]:
    allowed = {c.name for c in sessions.columns} - {"id", "uid", "answers", "front_end"}
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise ValueError(f"unknown session field {key!r}")
        values[key] = ",".join(value) if key in ("points", "sensations") else value
    return values


def _points_after(conn: Connection, session_id: int) -> str:
    rows = conn.execute(
        sa.select(steps.c.point)
        .where(steps.c.session_id == session_id, steps.c.point.is_not(None), ~steps.c.skipped)
        .order_by(steps.c.id)
    ).scalars()
    return ",".join(dict.fromkeys(rows))


def _step_row(session_id: int, s: StepLog) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "position": s.position,
        "step": s.step,
        "step_id": s.step_id,
        "point": s.point,
        "side": s.side,
        "pressure": s.pressure,
        "planned_seconds": s.planned_seconds,
        "seconds": s.seconds,
        "skipped": s.skipped,
        "completed_at": s.completed_at,
    }


def _split(text: str | None) -> tuple[Any, ...]:
    return tuple(text.split(",")) if text else ()


def _session_log(r: Any, step_logs: list[StepLog]) -> SessionLog:
    return SessionLog(
        id=r["id"],
        started_at=r["started_at"],
        day=r["day"],
        protocol=r["protocol"],
        source=r["source"],
        uid=r["uid"],
        decision=r["decision"],
        pain_before=r["pain_before"],
        pain_after=r["pain_after"],
        points=_split(r["points"]),
        seconds=r["seconds"],
        steps=tuple(step_logs),
        sensations=_split(r["sensations"]),
        stop_reason=r["stop_reason"],
        stop_note=r["stop_note"],
        note=r["note"],
        ended_at=r["ended_at"],
        complete=r["complete"],
        pressure=r["pressure"],
    )


def _step_log(s: Any) -> StepLog:
    return StepLog(
        position=s["position"],
        step=s["step"],
        step_id=s["step_id"],
        point=s["point"],
        side=s["side"],
        pressure=s["pressure"],
        planned_seconds=s["planned_seconds"],
        seconds=s["seconds"],
        skipped=s["skipped"],
        completed_at=s["completed_at"],
    )


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_file(url: sa.engine.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def _create_or_check(path: Path) -> None:
    """Create the journal when there is none; refuse an empty file in its place."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        _create(path)
        return
    if size == 0:
        raise AcupressError(
            f"The journal {path} is empty (0 bytes), so acupress did not make it and nothing "
            "was changed: move it aside to start a new journal, then restore your sessions "
            "from an export with `acupress import FILE` if you have one."
        )


def _create(path: Path) -> None:
    """Make a new journal, readable only by its owner (SQLite gives its -wal and -shm
    files the same permissions): built and migrated under a temporary name beside it,
    then linked into place, which fails if another acupress got there first (its
    journal is then the one used)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        if path.parent == paths.home():
            paths.data_dir()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # No WAL while it is being made: everything stays in the one file linked.
        engine = sa.create_engine(f"sqlite:///{temporary}")
        try:
            with engine.connect() as conn:
                _upgrade(conn)
        finally:
            engine.dispose()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    except OSError as e:
        raise AcupressError(f"Cannot create the journal {path} ({e.strerror}).") from None
    finally:
        for leftover in ("", "-journal"):
            with contextlib.suppress(OSError):
                Path(f"{temporary}{leftover}").unlink()


def _upgrade(conn: Connection) -> None:
    """Bring the journal's schema up to date (Alembic, loaded only when needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # A migration may rebuild a table (SQLite cannot change a column in place), and
        # with foreign keys on, dropping the old sessions table would delete every step
        # with it. The switch is only heard outside a transaction.
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
    try:
        with conn.begin():
            command.upgrade(config, "head")
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise AcupressError("The journal's steps lost their sessions while migrating.")
    finally:
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _sqlite_setup(engine: Engine, busy_timeout_ms: int) -> None:
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        _wal(cursor, busy_timeout_ms)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        # SQLAlchemy, not the sqlite3 module, decides when a transaction begins.
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # Take the write lock up front: two writers then queue on the busy timeout
        # instead of one failing at once when both try to upgrade a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _wal(cursor: Any, busy_timeout_ms: int) -> None:
    """Switch a new journal to WAL mode (it stays so in the file). The switch needs the
    file to itself and SQLite does not wait for it, so when two processes open a new
    journal at once, the second retries until the first is done."""
    import sqlite3
    import time

    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def _errors(journal: Journal) -> Iterator[None]:
    """Database failures as one sentence saying what is wrong and what to do."""
    where = journal.path or journal.url.render_as_string(hide_password=True)
    try:
        yield
    except sa.exc.OperationalError as e:
        message = str(e.orig).lower()
        if "locked" in message or "busy" in message:
            raise Busy(
                f"The journal {where} is busy: another acupress is writing to it. "
                "Try again in a moment."
            ) from None
        if "unable to open" in message or "readonly" in message or "read-only" in message:
            raise AcupressError(
                f"Cannot open the journal {where} ({e.orig}); check its permissions."
            ) from None
        raise AcupressError(f"The journal {where} cannot be used ({e.orig}).") from None
    except OverflowError:
        raise NotFound(
            "There is no such session in the journal (the number is too large)."
        ) from None
    except sa.exc.IntegrityError as e:
        raise AcupressError(
            f"The journal refused the record ({e.orig}); nothing was written."
        ) from None
    except sa.exc.DatabaseError as e:
        raise AcupressError(
            f"The journal {where} is damaged ({e.orig}). Move it aside (keep it, it may be "
            "recoverable) and acupress will start a new one."
        ) from None
    except ModuleNotFoundError as e:
        raise AcupressError(
            f"The database driver for {journal.url.drivername} is not installed ({e.name})."
        ) from None
