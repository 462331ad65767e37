"""The journal: sessions and their steps, in SQL. The only module that knows SQL.

SQLite in the user's data directory by default (``ACUPRESS_DATABASE_URL`` takes any
SQLAlchemy URL), created on first use and migrated with Alembic. SQLite runs in WAL mode
with a busy timeout and immediate write transactions, so the CLI and the web app can
write at the same time; each step of a guided session is committed as it completes.

The tables are declared once, in ``journal_schema``, and built by Alembic's migrations on
SQLite and PostgreSQL alike; a new SQLite journal is made at once from the declared tables
and stamped with the newest revision, which a test holds to be exactly what the
migrations make. The statements here are plain SQL that both speak, run on
the driver's own connections: the standard library's sqlite3 for SQLite, so a command
that opens the journal does not load SQLAlchemy (a quarter of a second, most of such a
command's time), which is loaded only to build or migrate a journal, and for a database
server, whose connections come from SQLAlchemy's pool.

A new journal is made whole beside its place and then linked into it, so a journal file
is never seen half-made: an empty one was not made by acupress, and is refused."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import itertools
import json
import operator
import os
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from acupress import paths
from acupress.errors import AcupressError, Busy, NotFound
from acupress.records import (
    STEP_FIELDS,
    DailyRating,
    Event,
    Restored,
    SessionLog,
    Step,
    StepLog,
    TrialRecord,
    new_uid,
    points_pressed,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# Every migration, oldest first: a journal at a revision not listed was made by a newer
# acupress. The last is the newest; Alembic is loaded only when a journal is behind.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
SCHEMA_HEAD = REVISIONS[-1]
T = TypeVar("T")
LOCAL = 1  # the account of the single-person app (made by migration 0005)
BUSY_TIMEOUT_MS = 10_000


def __getattr__(name: str) -> Any:
    """The tables as SQLAlchemy declares them (``metadata``, ``UTCDateTime``, …), loaded
    only when asked for: by the migrations, and by tests that compare them."""
    if name in ("metadata", "UTCDateTime", "sessions", "steps", "events", "ratings", "trials"):
        from acupress import journal_schema

        return getattr(journal_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- statements -----------------------------------------------------------------------

SESSION_COLUMNS = (
    "id",
    "started_at",
    "day",
    "protocol",
    "source",
    "uid",
    "decision",
    "pain_before",
    "pain_after",
    "points",
    "seconds",
    "sensations",
    "stop_reason",
    "stop_note",
    "note",
    "ended_at",
    "complete",
    "pressure",
)
STEP_COLUMNS = ("session_id", *STEP_FIELDS)
EVENT_COLUMNS = ("id", "uid", "kind", "at", "day", "note")
RATING_COLUMNS = ("id", "uid", "day", "pain", "enjoyment", "activity", "rated_at")
TRIAL_COLUMNS = (
    "id",
    "uid",
    "start",
    "weeks",
    "seed",
    "created_at",
    "stopped_on",
    "stop_reason",
)
# What a caller may change in a session (``update``).
EDITABLE = frozenset(SESSION_COLUMNS) - {"id", "uid"}
MOMENTS = frozenset({"started_at", "ended_at", "completed_at", "at", "rated_at", "created_at"})


# --- owners ---
# Every row a person owns carries its owner: sessions, events, ratings, trials, profiles
# and checks have ``owner_id``; steps belong to their session. Every statement that
# reaches one of these tables names the owner as ``:owner``, which ``_Statements`` fills
# in with its journal's account and checks (``scoped``) before running anything: a
# statement without it is a bug, refused rather than run.
OWNED_TABLES = (
    "sessions",
    "steps",
    "events",
    "ratings",
    "trials",
    "profiles",
    "checks",
    "live_sessions",
)
REACHES_OWNED = re.compile(rf"\b(?:FROM|JOIN|UPDATE|INTO)\s+({'|'.join(OWNED_TABLES)})\b")
OWNER_CONDITION = re.compile(r"\bowner_id = :owner\b")


@functools.lru_cache(maxsize=1024)  # the journal's statements are a few hundred constants
def scoped(query: str) -> str:
    """The statement, once sure that it reads or writes only its owner's rows: each owned
    table it names has its owner condition (``owner_id = :owner``, or the owner's id as
    the value of ``owner_id`` in an insert), and steps are reached through their
    sessions."""
    tables = REACHES_OWNED.findall(query)
    if not tables:
        return query
    conditions = len(OWNER_CONDITION.findall(query))
    inserts = len(re.findall(r"\bINSERT INTO (?!steps\b)\w+ \([^)]*\bowner_id\b", query))
    owned = [t for t in tables if t != "steps"]
    if conditions + inserts < len(owned) or ("steps" in tables and "sessions" not in tables):
        raise AssertionError(f"a statement reaches a person's rows without its owner: {query}")
    return query


def _insert(table: str, columns: Sequence[str], returning: bool = False) -> str:
    """An insert of an owned row, its owner the journal's account."""
    names = ", ".join((*columns, "owner_id"))
    values = ", ".join((*(f":{c}" for c in columns), ":owner"))
    return f"INSERT INTO {table} ({names}) VALUES ({values})" + (
        " RETURNING id" if returning else ""
    )


SESSION_INSERTED = (*SESSION_COLUMNS[1:], "answers", "front_end")
INSERT_SESSION = _insert("sessions", SESSION_INSERTED, returning=True)
# Many at once on SQLite (executemany), their values in order.
INSERT_SESSION_ROWS = re.sub(r":\w+", "?", _insert("sessions", SESSION_INSERTED))
_SESSION_VALUES = operator.itemgetter(*SESSION_INSERTED)
# A step is written only into a session of the journal's owner.
INSERT_STEP = (
    f"INSERT INTO steps ({', '.join(STEP_COLUMNS)}) "
    f"SELECT {', '.join(f':{c}' for c in STEP_COLUMNS)} WHERE EXISTS "
    "(SELECT 1 FROM sessions WHERE sessions.id = :session_id AND owner_id = :owner)"
)
# The same with its values in order, for SQLite's executemany (rows as tuples, not
# dicts: half the time for the steps of a long journal).
INSERT_STEP_ROWS = re.sub(r":\w+", "?", INSERT_STEP)
INSERT_EVENT = _insert("events", EVENT_COLUMNS[1:], returning=True)
INSERT_RATING = _insert("ratings", RATING_COLUMNS[1:], returning=True)
INSERT_TRIAL = _insert("trials", TRIAL_COLUMNS[1:], returning=True)
SELECT_SESSIONS = f"SELECT {', '.join(SESSION_COLUMNS)} FROM sessions WHERE owner_id = :owner"
STEPS_OF_CHOSEN = (
    f"SELECT {', '.join(f'steps.{c}' for c in STEP_COLUMNS)} FROM steps "
    "JOIN ({chosen}) chosen ON chosen.id = steps.session_id "
    "ORDER BY chosen.started_at, chosen.id, steps.id"
)
STEP_POINTS = (
    "SELECT steps.point FROM steps JOIN sessions ON sessions.id = steps.session_id "
    "WHERE steps.session_id = :id AND owner_id = :owner AND steps.point IS NOT NULL "
    "AND steps.skipped = :no ORDER BY steps.id"
)
INTERRUPT = (
    "UPDATE sessions SET ended_at = COALESCE((SELECT MAX(completed_at) FROM steps "
    "WHERE steps.session_id = sessions.id), started_at), stop_reason = 'interrupted', "
    "complete = :no WHERE owner_id = :owner AND front_end = :front_end AND ended_at IS NULL"
)
# Raised first in every write transaction: the account's change counter (``version``),
# and on a database server the lock on the account's row that makes one owner's writes
# (a read, a change, a save of the profile) take turns across processes.
RAISE_CHANGES = "UPDATE accounts SET changes = changes + 1 WHERE id = :owner"
IMPORT_BATCH = 2000  # steps written at a time by an import


def database_url() -> str:
    from acupress import settings

    return settings.database_url()


class Journal:
    """One account's journal: every statement reads and writes only the rows of ``owner``
    (the single-person app's account by default); another owner's session is "not
    found". On opening, the schema is brought up to date (``schema="migrate"``), or
    checked (``"check"``: a database server, migrated with `acupress db upgrade`, is
    refused when behind or ahead of this acupress), or left as it is (``"leave"``: to
    say where it is, or to migrate it)."""

    def __init__(
        self,
        url: str | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        *,
        owner: int = LOCAL,
        schema: Literal["migrate", "check", "leave"] = "migrate",
    ) -> None:
        self.url = url or database_url()
        self.owner = owner
        database = _sqlite_database(self.url)
        self.path = None if database in (None, ":memory:") else Path(database or "").expanduser()
        self._busy_timeout_ms = busy_timeout_ms
        self._engine: Engine | None = None
        # Writers in this process take turns here rather than in SQLite's busy wait,
        # whose back-off sleeps make a queue of writers slow (a web app's threads).
        self._writing = threading.Lock()
        self.writes = 0  # writes made through this object: a cache key for readers
        with _errors(self):
            if database is None:
                self._db: _SQLite | _Server = _Server(self.url)
            else:
                if self.path is not None:
                    _create_or_check(self.path)
                self._db = _SQLite(str(self.path or database), busy_timeout_ms)
            if schema == "migrate":
                self._migrate()
            elif schema == "check":
                _refuse_other_revision(self._db.revision(), self._where)

    def for_owner(self, account_id: int) -> Journal:
        """This open journal (its connections shared) as another account's; close the
        journal itself, not its views."""
        view = copy.copy(self)
        view.owner = account_id
        return view

    def close(self) -> None:
        self._db.close()
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine on this journal (loading SQLAlchemy): for Alembic."""
        if isinstance(self._db, _Server):
            return self._db.engine
        if self._engine is None:
            self._engine = self._db.engine(self._busy_timeout_ms)
        return self._engine

    @contextlib.contextmanager
    def core(self, what: str) -> Iterator[Connection]:
        """A transaction of SQLAlchemy Core on this journal's database, for the tables
        beside the journal (accounts, sharing); a database error is one sentence saying
        that ``what`` cannot be read or written."""
        import sqlalchemy as sa

        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as e:
            raise AcupressError(f"{what} cannot be read or written ({e.orig}).") from None

    # --- schema ---

    @property
    def _where(self) -> str:
        return str(self.path or shown(self.url))

    def _migrate(self) -> None:
        revision = self._db.revision()
        if revision == SCHEMA_HEAD:
            return
        _refuse_newer(revision, self._where)
        if revision is None and self.path is None and isinstance(self._db, _SQLite):
            self._db.build()  # a new journal in memory
            return
        with self.engine.connect() as conn:
            _upgrade(conn)

    def revision(self) -> str | None:
        """The schema's revision of the database (None when acupress never built it)."""
        with _errors(self):
            return self._db.revision()

    def upgrade(self) -> tuple[str | None, str]:
        """Migrate the database to this acupress's schema; returns the revision it was at
        and the one it is at now."""
        with _errors(self):
            before = self._db.revision()
            _refuse_newer(before, self._where)
            if before != SCHEMA_HEAD:
                with self.engine.connect() as conn:
                    _upgrade(conn)
        return before, SCHEMA_HEAD

    # --- writing ---

    def add(
        self,
        log: SessionLog,
        answers: dict[str, Any] | None = None,
        front_end: str | None = None,
    ) -> int:
        """Store a session (and any steps it has); returns its id. ``front_end`` is the one
        running a guided session that has just begun."""
        with self._write() as sql:
            session_id = sql.add_session(log, answers, front_end)
            sql.add_steps((session_id, s) for s in log.steps)
        return session_id

    def add_many(self, logs: Sequence[SessionLog]) -> list[int]:
        """Store many sessions in one transaction (an import, a generated journal)."""
        with self._write() as sql:
            ids = [sql.add_session(log, None, None) for log in logs]
            sql.add_steps((i, s) for i, log in zip(ids, logs, strict=True) for s in log.steps)
        return ids

    def add_step(self, session_id: int, step: StepLog) -> None:
        """Record one step of a running session, at once, in its own transaction."""
        with self._write() as sql:
            sql.add_steps([(session_id, step)])
            points = [p for (p,) in sql.rows(STEP_POINTS, {"id": session_id, "no": False})]
            done = sql.run(
                "UPDATE sessions SET seconds = seconds + :seconds, points = :points "
                "WHERE id = :id AND owner_id = :owner",
                {
                    "seconds": round(step.seconds),
                    "points": ",".join(dict.fromkeys(points)),
                    "id": session_id,
                },
            )
            if done == 0:
                raise NotFound(f"There is no session {session_id} in the journal.")

    def finish(self, session_id: int, **fields: Any) -> None:
        """Set the closing fields of a session (pain after, sensations, stop reason, …)."""
        self.update(session_id, **fields)

    def update(self, session_id: int, **fields: Any) -> None:
        for key in fields:
            if key not in EDITABLE:
                raise ValueError(f"unknown session field {key!r}")
        if not fields:
            return
        with self._write() as sql:
            values = sql.values(
                {k: ",".join(v) if k in ("points", "sensations") else v for k, v in fields.items()}
            )
            changes = ", ".join(f"{key} = :{key}" for key in values)
            done = sql.run(
                f"UPDATE sessions SET {changes} WHERE id = :id AND owner_id = :owner",
                values | {"id": session_id},
            )
            if done == 0:
                raise NotFound(f"There is no session {session_id} in the journal.")

    def delete(self, session_id: int) -> None:
        with self._write() as sql:
            sql.run(
                "DELETE FROM steps WHERE session_id IN "
                "(SELECT id FROM sessions WHERE id = :id AND owner_id = :owner)",
                {"id": session_id},
            )
            done = sql.run(
                "DELETE FROM sessions WHERE id = :id AND owner_id = :owner", {"id": session_id}
            )
            if done == 0:
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
        found = self.entries(since, until, ids=ids, with_steps=with_steps, last=last)
        return [log for log, _ in found]

    def entries(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        ids: Sequence[int] = (),
        with_steps: bool = False,
        with_answers: bool = False,
        last: int | None = None,
    ) -> Iterator[tuple[SessionLog, dict[str, Any] | None]]:
        """Like ``sessions``, each with its safety answers when ``with_answers`` (else
        None), read as they are used, in one transaction: an export of the whole journal
        holds one session at a time."""
        chosen = SELECT_SESSIONS.replace(" FROM", ", answers FROM" if with_answers else " FROM")
        where: list[str] = []
        params: dict[str, Any] = {}
        if since:
            where.append("day >= :since")
            params["since"] = since
        if until:
            where.append("day <= :until")
            params["until"] = until
        for n, session_id in enumerate(ids):
            params[f"id{n}"] = session_id
        if ids:
            where.append(f"id IN ({', '.join(f':id{n}' for n in range(len(ids)))})")
        if where:
            chosen += " AND " + " AND ".join(where)
        if last is not None:
            chosen += " ORDER BY started_at DESC, id DESC LIMIT :last"
            params["last"] = last
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            params = sql.values(params)
            rows = sql.each(f"SELECT * FROM ({chosen}) chosen ORDER BY started_at, id", params)
            steps = sql.each(STEPS_OF_CHOSEN.format(chosen=chosen), params) if with_steps else None
            step = next(steps, None) if steps else None
            for row in rows:
                logs: list[StepLog] = []
                while step is not None and step[0] == row[0]:
                    logs.append(_step_log(step))
                    step = next(steps, None)  # type: ignore[arg-type]
                answers = json.loads(row[-1]) if with_answers and row[-1] else None
                yield _session_log(row, logs), answers

    def pressures(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> dict[int, dict[str, int]]:
        """For each session with timed steps done (not skipped), how many were done at
        each pressure, the pressures in the order the session first used them: counted
        here rather than by reading every step."""
        query = (
            "SELECT steps.session_id, steps.pressure, COUNT(*), MIN(steps.id) FROM steps "
            "JOIN sessions ON sessions.id = steps.session_id "
            "WHERE sessions.owner_id = :owner AND steps.pressure IS NOT NULL "
            "AND steps.pressure <> '' AND steps.skipped = :no"
        )
        if since:
            query += " AND sessions.day >= :since"
        if until:
            query += " AND sessions.day <= :until"
        query += " GROUP BY steps.session_id, steps.pressure ORDER BY steps.session_id, 4"
        found: dict[int, dict[str, int]] = {}
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            params = sql.values({"no": False, "since": since, "until": until})
            for session_id, pressure, count, _first in sql.rows(query, params):
                found.setdefault(session_id, {})[pressure] = count
        return found

    def answers(self, session_id: int) -> dict[str, Any] | None:
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            found = sql.rows(
                "SELECT answers FROM sessions WHERE id = :id AND owner_id = :owner",
                {"id": session_id},
            )
        return json.loads(found[0][0]) if found and found[0][0] else None

    # --- events ---

    def add_event(self, event: Event) -> Event:
        """Record an event (a professional seen); returns it with its id."""
        with self._write() as sql:
            event_id = sql.rows(INSERT_EVENT, sql.values(_event_row(event)))[0][0]
        return replace(event, id=int(event_id))

    def events(self, since: dt.date | None = None, until: dt.date | None = None) -> list[Event]:
        """Events in time order, filtered by local day."""
        query = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE owner_id = :owner"
        if since:
            query += " AND day >= :since"
        if until:
            query += " AND day <= :until"
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            found = sql.rows(
                query + " ORDER BY at, id", sql.values({"since": since, "until": until})
            )
        return [
            Event(id=i, uid=uid, kind=kind, at=_moment(at), day=_day(day), note=note)
            for i, uid, kind, at, day, note in found
        ]

    def cleared(self) -> list[dt.datetime]:
        """The moments a professional told the person to go on."""
        query = "SELECT at FROM events WHERE owner_id = :owner AND kind = 'seen_professional'"
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            return [_moment(at) for (at,) in sql.rows(query)]

    # --- the person's profile and today's check (the server mode keeps them here) ---

    def profile(self) -> Any | None:
        """The profile saved (its JSON, read), or None when none is."""
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            found = sql.rows("SELECT data FROM profiles WHERE owner_id = :owner")
        return json.loads(found[0][0]) if found else None

    def change_profile(self, change: Callable[[Any | None], Any], now: dt.datetime) -> Any:
        """Read the profile, change it and save it in one transaction (one owner's writes
        take turns: no change is lost); returns what was saved."""
        with self._write() as sql:
            found = sql.rows("SELECT data FROM profiles WHERE owner_id = :owner")
            text = json.dumps(change(json.loads(found[0][0]) if found else None))
            sql.run(
                "INSERT INTO profiles (owner_id, data, updated_at) "
                "VALUES (:owner, :data, :updated_at) ON CONFLICT (owner_id) "
                "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                sql.values({"data": text, "updated_at": now}),
            )
        return json.loads(text)

    def check(self) -> tuple[dt.date, Any] | None:
        """The day of the last safety check kept and its answers (JSON, read)."""
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            found = sql.rows("SELECT day, answers FROM checks WHERE owner_id = :owner")
        return (_day(found[0][0]), json.loads(found[0][1])) if found else None

    def save_check(self, day: dt.date, answers: Any) -> None:
        """Keep ``day``'s safety answers, in place of the last check's."""
        with self._write() as sql:
            sql.run(
                "INSERT INTO checks (owner_id, day, answers) VALUES (:owner, :day, :answers) "
                "ON CONFLICT (owner_id) DO UPDATE SET day = excluded.day, "
                "answers = excluded.answers",
                sql.values({"day": day, "answers": json.dumps(answers, ensure_ascii=False)}),
            )

    # --- the personal trial: ratings and trials ---

    def add_rating(self, rating: DailyRating) -> DailyRating:
        """Record a day's rating; a second one for the same day is refused."""
        with self._write() as sql:
            taken = sql.rows(
                "SELECT 1 FROM ratings WHERE owner_id = :owner AND day = :day",
                sql.values({"day": rating.day}),
            )
            if taken:
                raise AcupressError(
                    f"{rating.day} is already rated: one rating a day (acupress keeps the first)."
                )
            rating_id = sql.rows(INSERT_RATING, sql.values(_rating_row(rating)))[0][0]
        return replace(rating, id=int(rating_id))

    def ratings(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[DailyRating]:
        """Ratings in day order, between two days (each optional)."""
        query = f"SELECT {', '.join(RATING_COLUMNS)} FROM ratings WHERE owner_id = :owner"
        if since:
            query += " AND day >= :since"
        if until:
            query += " AND day <= :until"
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            found = sql.rows(query + " ORDER BY day", sql.values({"since": since, "until": until}))
        return [_rating(row) for row in found]

    def add_trial(self, trial: TrialRecord) -> TrialRecord:
        with self._write() as sql:
            trial_id = sql.rows(INSERT_TRIAL, sql.values(_trial_row(trial)))[0][0]
        return replace(trial, id=int(trial_id))

    def trials(self) -> list[TrialRecord]:
        """Every trial, the newest last."""
        query = (
            f"SELECT {', '.join(TRIAL_COLUMNS)} FROM trials WHERE owner_id = :owner "
            "ORDER BY created_at, id"
        )
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            return [_trial(row) for row in sql.rows(query)]

    def stop_trial(self, uid: str, day: dt.date, reason: str) -> None:
        """Stop a trial on ``day``, and say why; a trial already stopped keeps its stop."""
        with self._write() as sql:
            sql.run(
                "UPDATE trials SET stopped_on = :day, stop_reason = :reason "
                "WHERE owner_id = :owner AND uid = :uid AND stopped_on IS NULL",
                sql.values({"day": day, "reason": reason, "uid": uid}),
            )

    @contextlib.contextmanager
    def _write(self) -> Iterator[_Statements]:
        with self._writing, _errors(self), self._db.transaction(self.owner, write=True) as sql:
            if sql.run(RAISE_CHANGES, {}) == 0:
                raise NotFound(f"There is no account {self.owner} in the journal.")
            yield sql
        self.writes += 1

    def version(self) -> tuple[int, ...] | None:
        """Changes whenever the owner's journal may have changed: written through this
        object, or by another process (the account's change counter, raised with every
        write; for a SQLite file, its files' modification times, which cost no query);
        None for a journal in memory, so nothing read from it should be kept."""
        if self.path is None:
            if isinstance(self._db, _SQLite):
                return None
            with _errors(self), self._db.transaction(self.owner, write=False) as sql:
                found = sql.rows("SELECT changes FROM accounts WHERE id = :owner")
            return (self.writes, int(found[0][0]) if found else 0)

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
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            for chunk in range(0, len(ids), 500):
                some = {f"id{n}": i for n, i in enumerate(ids[chunk : chunk + 500])}
                rows = sql.rows(
                    f"SELECT id, answers FROM sessions WHERE owner_id = :owner AND id IN "
                    f"({', '.join(f':{k}' for k in some)}) AND answers IS NOT NULL",
                    some,
                )
                found.update({i: json.loads(text) for i, text in rows})
        return found

    def import_sessions(
        self,
        entries: Iterable[tuple[SessionLog, dict[str, Any] | None]],
        new_events: Iterable[Event] = (),
        *,
        by_content: bool = False,
        new_ratings: Iterable[DailyRating] = (),
        new_trials: Iterable[TrialRecord] = (),
    ) -> tuple[int, int]:
        """``import_records`` of these sessions (with their safety answers), events,
        ratings and trials."""
        return self.import_records(
            itertools.chain(entries, new_events, new_ratings, new_trials), by_content=by_content
        )

    def import_records(
        self, records: Iterable[Restored], *, by_content: bool = False
    ) -> tuple[int, int]:
        """Add, in one transaction, the sessions (each with its safety answers) not
        already in the journal (by uid: a session keeps its uid through export and
        import), with their steps, and the events, ratings and trials not already there
        (an event or a trial by its uid; a day already rated keeps its rating), taken
        one at a time as they come. Stored exactly as given: points and seconds are not
        recomputed from the steps. Returns how many sessions were added and how many
        were already there. Anything raised while ``records`` are read leaves the
        journal as it was.

        ``by_content``: the sessions' uids were made up on reading (a file from before
        uids); a session is then also already there when the journal holds one with the
        same content, as many times as it holds it, so two identical sessions restored
        into an empty journal stay two, and restored into their own journal add none."""
        added = present = 0
        same: Counter[tuple[Any, ...]] = Counter()
        if by_content:
            same.update(_content(log) for log in self.sessions())
        with self._write() as sql:

            def known(query: str) -> set[Any]:
                return {value for (value,) in sql.rows(query)}

            seen = known("SELECT uid FROM sessions WHERE owner_id = :owner")
            events = known("SELECT uid FROM events WHERE owner_id = :owner")
            rated = {_day(day) for day in known("SELECT day FROM ratings WHERE owner_id = :owner")}
            trials = known("SELECT uid FROM trials WHERE owner_id = :owner")
            pending: list[tuple[dict[str, Any], tuple[Step, ...]]] = []
            waiting = 0  # steps of the pending sessions

            def store() -> None:
                ids = sql.add_sessions([row for row, _ in pending])
                sql.add_steps(
                    (i, s) for i, (_, steps) in zip(ids, pending, strict=True) for s in steps
                )
                pending.clear()

            for record in records:
                if isinstance(record, Event):
                    if record.uid not in events:
                        events.add(record.uid)
                        sql.rows(INSERT_EVENT, sql.values(_event_row(record)))
                    continue
                if isinstance(record, DailyRating):
                    if record.day not in rated:
                        rated.add(record.day)
                        sql.rows(INSERT_RATING, sql.values(_rating_row(record)))
                    continue
                if isinstance(record, TrialRecord):
                    if record.uid not in trials:
                        trials.add(record.uid)
                        sql.rows(INSERT_TRIAL, sql.values(_trial_row(record)))
                    continue
                log, answers = record
                if log.uid is not None and log.uid in seen:
                    present += 1
                    continue
                if by_content and same[_content(log)] > 0:
                    same[_content(log)] -= 1
                    present += 1
                    continue
                uid = log.uid or new_uid()
                seen.add(uid)
                pending.append(
                    (sql.session_row(log, answers, None, exactly=True, uid=uid), log.steps)
                )
                waiting += len(log.steps)
                if waiting >= IMPORT_BATCH:
                    store()
                    waiting = 0
                added += 1
            store()
        return added, present

    # --- guided sessions kept while they run, and steps written once per key ---

    def live_add(self, session_id: int, state: str, seen: dt.datetime) -> None:
        """Keep a running session's state (JSON), at version 1."""
        with self._write() as sql:
            sql.run(
                "INSERT INTO live_sessions (session_id, owner_id, state, version, updated_at) "
                "VALUES (:id, :owner, :state, 1, :seen)",
                {"id": session_id, "owner": self.owner, "state": state, "seen": sql.moment(seen)},
            )

    def live_get(self, session_id: int) -> tuple[str, int] | None:
        """A running session's state and its version, or None when none is kept."""
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            rows = sql.rows(
                "SELECT state, version FROM live_sessions WHERE session_id = :id "
                "AND owner_id = :owner",
                {"id": session_id, "owner": self.owner},
            )
        return (str(rows[0][0]), int(rows[0][1])) if rows else None

    def live_quiet(self, before: dt.datetime) -> list[int]:
        """The running sessions whose page was last heard from before ``before``."""
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            rows = sql.rows(
                "SELECT session_id FROM live_sessions WHERE owner_id = :owner "
                "AND updated_at < :before ORDER BY session_id",
                {"owner": self.owner, "before": sql.moment(before)},
            )
        return [int(i) for (i,) in rows]

    def live_save(
        self,
        session_id: int,
        state: str,
        version: int,
        seen: dt.datetime,
        steps: Sequence[tuple[str, StepLog]] = (),
    ) -> bool:
        """Replace a running session's state if it is still at ``version`` (raising it),
        and write its new steps, each once per key, in the same transaction. False, and
        nothing written, when another request changed it first."""
        with self._write() as sql:
            changed = sql.run(
                "UPDATE live_sessions SET state = :state, version = version + 1, "
                "updated_at = :seen WHERE session_id = :id AND owner_id = :owner "
                "AND version = :version",
                {
                    "state": state,
                    "seen": sql.moment(seen),
                    "id": session_id,
                    "owner": self.owner,
                    "version": version,
                },
            )
            if changed == 0:
                return False
            _add_keyed_steps(sql, session_id, steps)
        return True

    def live_drop(self, session_id: int) -> None:
        """Forget a running session's state (its record stays in the journal)."""
        with self._write() as sql:
            sql.run(
                "DELETE FROM live_sessions WHERE session_id = :id AND owner_id = :owner",
                {"id": session_id, "owner": self.owner},
            )

    def interrupt_unkept(self, front_end: str) -> int:
        """Mark as interrupted the sessions ``front_end`` began and left unfinished with
        no running state kept for them (cut off before it was kept, or by an older
        acupress): nobody can go on with them. Each ends at its last completed step, or
        at its start when it has none. Returns how many there were."""
        with self._write() as sql:
            return sql.run(
                INTERRUPT + " AND id NOT IN "
                "(SELECT session_id FROM live_sessions WHERE owner_id = :owner)",
                {"front_end": front_end, "no": False, "owner": self.owner},
            )

    def step_keys(self, session_id: int) -> set[str]:
        """The keys of the steps recorded for a session."""
        with _errors(self), self._db.transaction(self.owner, write=False) as sql:
            rows = sql.rows(
                "SELECT steps.key FROM steps JOIN sessions ON sessions.id = steps.session_id "
                "WHERE session_id = :id AND owner_id = :owner AND steps.key IS NOT NULL",
                {"id": session_id, "owner": self.owner},
            )
        return {str(k) for (k,) in rows}


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


def _json_text(value: Any) -> str:
    """``value`` as JSON text (msgspec's: ten times json's speed, which counts in the
    thousands of sessions of an import)."""
    import msgspec

    return msgspec.json.encode(value).decode()


def _session_row(
    log: SessionLog, answers: dict[str, Any] | None, front_end: str | None, exactly: bool
) -> dict[str, Any]:
    """A session's columns; unless ``exactly``, its points and seconds are those of its
    steps when not given."""
    points = log.points if exactly else log.points or points_pressed(log.steps)
    seconds = log.seconds if exactly else log.seconds or round(sum(s.seconds for s in log.steps))
    return {
        "uid": log.uid or new_uid(),
        "started_at": log.started_at,
        "day": log.day,
        "protocol": log.protocol,
        "source": log.source,
        "decision": log.decision,
        "answers": _json_text(answers) if answers is not None else None,
        "pain_before": log.pain_before,
        "pain_after": log.pain_after,
        "points": ",".join(points),
        "seconds": seconds,
        "sensations": ",".join(log.sensations),
        "stop_reason": log.stop_reason,
        "stop_note": log.stop_note,
        "note": log.note,
        "ended_at": log.ended_at,
        "complete": log.complete,
        "pressure": log.pressure,
        "front_end": front_end,
    }


def _rating_row(r: DailyRating) -> dict[str, Any]:
    return {name: getattr(r, name) for name in RATING_COLUMNS[1:]}


def _rating(row: Sequence[Any]) -> DailyRating:
    i, uid, day, pain, enjoyment, activity, rated_at = row
    return DailyRating(
        id=i,
        uid=uid,
        day=_day(day),
        pain=pain,
        enjoyment=enjoyment,
        activity=activity,
        rated_at=_moment(rated_at),
    )


def _trial_row(t: TrialRecord) -> dict[str, Any]:
    return {name: getattr(t, name) for name in TRIAL_COLUMNS[1:]}


def _trial(row: Sequence[Any]) -> TrialRecord:
    i, uid, start, weeks, seed, created_at, stopped_on, stop_reason = row
    return TrialRecord(
        id=i,
        uid=uid,
        start=_day(start),
        weeks=weeks,
        seed=int(seed),
        created_at=_moment(created_at),
        stopped_on=_day(stopped_on) if stopped_on is not None else None,
        stop_reason=stop_reason,
    )


def _event_row(e: Event) -> dict[str, Any]:
    return {"uid": e.uid, "kind": e.kind, "at": e.at, "day": e.day, "note": e.note}


def _moment(value: Any) -> dt.datetime:
    """A stored moment (UTC, without its zone: text on SQLite, a datetime on a server)."""
    if isinstance(value, str):
        try:  # six times faster than parsing, then replacing the zone
            return dt.datetime.fromisoformat(value + "+00:00")
        except ValueError:
            value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _split(text: str | None) -> tuple[Any, ...]:
    return tuple(text.split(",")) if text else ()


def _session_log(r: Sequence[Any], step_logs: list[StepLog]) -> SessionLog:
    return SessionLog(
        id=r[0],
        started_at=_moment(r[1]),
        day=_day(r[2]),
        protocol=r[3],
        source=r[4],
        uid=r[5],
        decision=r[6],
        pain_before=r[7],
        pain_after=r[8],
        points=_split(r[9]),
        seconds=r[10],
        steps=tuple(step_logs),
        sensations=_split(r[11]),
        stop_reason=r[12],
        stop_note=r[13],
        note=r[14],
        ended_at=None if r[15] is None else _moment(r[15]),
        complete=bool(r[16]),
        pressure=r[17],
    )


def _step_log(s: Sequence[Any]) -> StepLog:
    return StepLog.from_values((*s[1:9], bool(s[9]), _moment(s[10])))


# --- connections ----------------------------------------------------------------------


class _Statements:
    """The statements of one transaction, with parameters named ``:name`` and values
    given as Python's (aware datetimes, dates, booleans): each database gets them as
    it stores them."""

    def __init__(self, connection: Any, owner: int, sqlite: bool, pyformat: bool = False) -> None:
        self._connection = connection
        self._owner = owner
        self._sqlite = sqlite
        self._pyformat = pyformat

    def _sql(self, query: str) -> str:
        return _pyformat(query) if self._pyformat else query

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {key: self.value(value) for key, value in params.items()}

    def value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return self.moment(value)
        if isinstance(value, dt.date):
            return value.isoformat() if self._sqlite else value
        if isinstance(value, bool) and self._sqlite:
            return int(value)
        return value

    def moment(self, value: dt.datetime) -> Any:
        """A moment as stored: in UTC without its zone; as text on SQLite."""
        if value.tzinfo is None:
            raise ValueError("journal times must be timezone-aware")
        utc = value.astimezone(dt.UTC)
        if self._sqlite:  # as SQLAlchemy writes it: 2026-03-02 06:30:00.000000
            return utc.isoformat(" ", "microseconds")[:26]
        return utc.replace(tzinfo=None)

    def cursor(self, query: str, params: Mapping[str, Any]) -> Any:
        if ":owner" in scoped(query):
            params = {**params, "owner": self._owner}
        if self._sqlite:
            return self._connection.execute(query, params)
        cursor = self._connection.cursor()
        cursor.execute(self._sql(query), params)
        return cursor

    def rows(self, query: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        return list(self.cursor(query, params or {}).fetchall())

    def each(self, query: str, params: Mapping[str, Any]) -> Iterator[Any]:
        cursor = self.cursor(query, params)
        while chunk := cursor.fetchmany(1000):
            yield from chunk

    def run(self, query: str, params: Mapping[str, Any]) -> int:
        return int(self.cursor(query, params).rowcount)

    def add_session(
        self,
        log: SessionLog,
        answers: dict[str, Any] | None,
        front_end: str | None,
        exactly: bool = False,
        uid: str | None = None,
    ) -> int:
        row = self.session_row(log, answers, front_end, exactly, uid)
        return int(self.rows(INSERT_SESSION, row)[0][0])

    def session_row(
        self,
        log: SessionLog,
        answers: dict[str, Any] | None,
        front_end: str | None,
        exactly: bool = False,
        uid: str | None = None,
    ) -> dict[str, Any]:
        """A session's columns, with its values as this database stores them."""
        row = _session_row(log, answers, front_end, exactly)
        if uid is not None:
            row["uid"] = uid
        for key in ("started_at", "day", "ended_at", "complete"):
            row[key] = None if row[key] is None else self.value(row[key])
        return row

    def add_sessions(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Sessions stored (rows as ``session_row`` makes them); their ids, in order. On
        SQLite with one statement: in this write transaction, which no other writer
        shares, each new id is one more than the last."""
        if not self._sqlite:
            return [int(self.rows(INSERT_SESSION, row)[0][0]) for row in rows]
        if not rows:
            return []
        scoped(INSERT_SESSION)
        columns, owner = _SESSION_VALUES, (self._owner,)
        self._connection.executemany(INSERT_SESSION_ROWS, (columns(row) + owner for row in rows))
        last = int(self._connection.execute("SELECT last_insert_rowid()").fetchone()[0])
        first = last - len(rows) + 1
        stored = self.rows(
            "SELECT COUNT(*) FROM sessions WHERE id BETWEEN :first AND :last AND owner_id = :owner",
            {"first": first, "last": last},
        )
        if stored[0][0] != len(rows):
            raise AssertionError(f"{len(rows)} sessions stored are not ids {first} to {last}")
        return list(range(first, last + 1))

    def add_steps(self, steps: Iterable[tuple[int, Step]]) -> None:
        """Steps of sessions stored (the session's id, the step), with one statement."""
        scoped(INSERT_STEP)
        moment, owner, sqlite = self.moment, self._owner, self._sqlite
        rows = (
            (
                session_id,
                s.position,
                s.step,
                s.step_id,
                s.point,
                s.side,
                s.pressure,
                s.planned_seconds,
                s.seconds,
                int(s.skipped) if sqlite else s.skipped,
                moment(s.completed_at),
                session_id,
                owner,
            )
            for session_id, s in steps
        )
        if sqlite:
            self._connection.executemany(INSERT_STEP_ROWS, rows)
            return
        named = [
            dict(zip((*STEP_COLUMNS, "owner"), row[:-2] + row[-1:], strict=True)) for row in rows
        ]
        if named:
            self._connection.cursor().executemany(self._sql(INSERT_STEP), named)


_PYFORMAT: dict[str, str] = {}


def _pyformat(query: str) -> str:
    """``:name`` as ``%(name)s``, for drivers that take that (psycopg)."""
    if query not in _PYFORMAT:
        _PYFORMAT[query] = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", query)
    return _PYFORMAT[query]


class _SQLite:
    """Connections to a SQLite journal, kept for the next transaction; one shared
    connection for a journal in memory (each connection would have its own)."""

    def __init__(self, database: str, busy_timeout_ms: int) -> None:
        self._database = database
        self._busy_timeout_ms = busy_timeout_ms
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._memory: sqlite3.Connection | None = None
        self._memory_lock = threading.Lock()
        if database == ":memory:":
            self._memory = _sqlite_connect(database, busy_timeout_ms)

    def _take(self) -> sqlite3.Connection:
        if self._memory is not None:
            self._memory_lock.acquire()
            return self._memory
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _sqlite_connect(self._database, self._busy_timeout_ms)

    def _give(self, conn: sqlite3.Connection) -> None:
        if self._memory is not None:
            self._memory_lock.release()
            return
        with self._lock:
            self._idle.append(conn)

    @contextlib.contextmanager
    def transaction(self, owner: int, write: bool) -> Iterator[_Statements]:
        """A transaction: a write one takes the write lock up front, so two writers queue
        on the busy timeout instead of one failing at once when both try to upgrade a
        read lock; a read one sees the journal as it was when it began."""
        conn = self._take()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield _Statements(conn, owner, sqlite=True)
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            self._give(conn)

    def build(self) -> None:
        """Make the tables of a new journal in memory."""
        conn = self._take()
        try:
            _build(conn)
        finally:
            self._give(conn)

    def revision(self) -> str | None:
        with self.transaction(LOCAL, write=False) as sql:
            if not sql.rows("SELECT name FROM sqlite_master WHERE name = 'alembic_version'"):
                return None
            found = sql.rows("SELECT version_num FROM alembic_version")
        return found[0][0] if found else None

    def engine(self, busy_timeout_ms: int) -> Engine:
        """SQLAlchemy's engine on the same journal (on the same connection, in memory)."""
        import sqlalchemy as sa

        if self._memory is not None:
            memory = self._memory
            engine = sa.create_engine(
                "sqlite://", creator=lambda: memory, poolclass=sa.pool.StaticPool
            )
        else:
            engine = sa.create_engine(f"sqlite:///{self._database}")
        _sqlite_setup(engine, busy_timeout_ms)
        return engine

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        if self._memory is not None:
            self._memory.close()


class _Server:
    """A journal on a database server (PostgreSQL), through SQLAlchemy's pool."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url)
        style = self.engine.dialect.paramstyle
        if style not in ("named", "pyformat"):
            raise AcupressError(
                f"The database driver for {_scheme(url)} takes parameters as {style}; "
                "acupress needs one that takes them by name (psycopg for PostgreSQL)."
            )
        self._pyformat = style == "pyformat"

    @contextlib.contextmanager
    def transaction(self, owner: int, write: bool) -> Iterator[_Statements]:
        conn = self.engine.raw_connection()
        try:
            yield _Statements(conn, owner, sqlite=False, pyformat=self._pyformat)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()  # back to the pool

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _current_revision(conn)

    def close(self) -> None:
        self.engine.dispose()


# --- SQLite ---------------------------------------------------------------------------

_SQLITE_URL = re.compile(r"sqlite(?:\+pysqlite)?://(?:/(?P<database>[^?]*))?")


def _sqlite_database(url: str) -> str | None:
    """The file of a SQLite URL (``:memory:`` for one in memory); None for a server's."""
    if not url.startswith("sqlite"):
        return None
    found = _SQLITE_URL.fullmatch(url)
    if found is None:
        raise AcupressError(
            f"The journal's address {url} is not one acupress can open: give a SQLite file "
            "as sqlite:///PATH, without options."
        )
    return found["database"] or ":memory:"


def _sqlite_connect(database: str, busy_timeout_ms: int) -> sqlite3.Connection:
    # Transactions are begun by ``_SQLite.transaction``, not by the sqlite3 module.
    conn = sqlite3.connect(
        database, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        _sqlite_pragmas(conn, busy_timeout_ms)
    except BaseException:
        conn.close()
        raise
    return conn


def _sqlite_pragmas(conn: Any, busy_timeout_ms: int) -> None:
    cursor = conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    _wal(cursor, busy_timeout_ms)
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


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


def filled(path: Path, fill: Callable[[Journal], T]) -> T:
    """A new journal at ``path`` (where there is none), filled by ``fill`` under a
    temporary name and put in place only once ``fill`` returns (what it returns is
    returned): when ``fill`` raises, no journal appears. Busy when another acupress made
    a journal there meanwhile (nothing of this one is kept)."""
    done: list[T] = []

    def run(temporary: Path) -> None:
        with Journal(f"sqlite:///{temporary}") as db:
            done.append(fill(db))

    if not _create(path, run):
        raise Busy(
            f"Another acupress made the journal {path} meanwhile, so nothing was kept: try again."
        )
    return done[0]


def _create(path: Path, fill: Callable[[Path], None] | None = None) -> bool:
    """Make a new journal, readable only by its owner (SQLite gives its -wal and -shm
    files the same permissions): built and migrated (and filled by ``fill``) under a
    temporary name beside it, then linked into place, which fails if another acupress
    got there first (its journal is then the one used). Whether this one was put in
    place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        if path.parent == paths.home():
            paths.data_dir()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # No WAL while it is being made: everything stays in the one file linked.
        made = sqlite3.connect(temporary, isolation_level=None)
        try:
            _build(made)
        finally:
            made.close()
        if fill is not None:
            fill(temporary)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(temporary, path)
        return True
    except OSError as e:
        raise AcupressError(f"Cannot create the journal {path} ({e.strerror}).") from None
    finally:
        for leftover in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{temporary}{leftover}").unlink()


def _build(conn: sqlite3.Connection) -> None:
    """A new SQLite journal made at once from the tables as they are declared (written
    out in ``journal_sqlite``), with the single-person account and stamped with the
    newest revision: what every migration run one after the other on an empty file makes
    (a test compares the two), without loading SQLAlchemy or Alembic."""
    from acupress.journal_sqlite import TABLES

    created = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    conn.execute("BEGIN")
    try:
        for statement in TABLES:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO accounts (id, name, role, created_at) VALUES (?, 'local', 'local', ?)",
            (LOCAL, created),
        )
        conn.execute(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (SCHEMA_HEAD,))
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


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
    """SQLAlchemy's connections set up as the journal's own (to build and migrate it)."""
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, busy_timeout_ms)
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
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _refuse_newer(revision: str | None, where: str) -> None:
    if revision is not None and revision not in REVISIONS:
        raise AcupressError(
            f"The journal {where} was made by a newer acupress (schema {revision}; this one "
            f"knows up to {SCHEMA_HEAD}): upgrade acupress to use it."
        )


def _refuse_other_revision(revision: str | None, where: str) -> None:
    """A journal that is not migrated on opening must be at this acupress's schema."""
    _refuse_newer(revision, where)
    if revision is None:
        raise AcupressError(
            f"The journal {where} has no acupress tables yet: run acupress db upgrade."
        )
    if revision != SCHEMA_HEAD:
        raise AcupressError(
            f"The journal {where} is at schema {revision}, behind this acupress "
            f"({SCHEMA_HEAD}): run acupress db upgrade."
        )


def _scheme(url: str) -> str:
    return url.partition("://")[0]


def shown(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


# The DB-API's exceptions, by name, whichever driver raised them (and SQLAlchemy's, which
# wrap them while a journal is made or migrated), most specific first.
FAILURES = ("OperationalError", "IntegrityError", "DatabaseError")


def _failure(e: BaseException) -> str | None:
    names = {c.__name__ for c in type(e).__mro__}
    return next((name for name in FAILURES if name in names), None)


@contextlib.contextmanager
def _errors(journal: Journal) -> Iterator[None]:
    """Database failures as one sentence saying what is wrong and what to do."""
    where = journal.path or shown(journal.url)
    try:
        yield
    except OverflowError:
        raise NotFound(
            "There is no such session in the journal (the number is too large)."
        ) from None
    except ModuleNotFoundError as e:
        raise AcupressError(
            f"The database driver for {_scheme(journal.url)} is not installed ({e.name})."
        ) from None
    except Exception as e:
        kind = _failure(e)
        if kind is None:
            raise
        orig = getattr(e, "orig", None) or e
        message = str(orig).lower()
        if kind == "OperationalError":
            if "locked" in message or "busy" in message:
                raise Busy(
                    f"The journal {where} is busy: another acupress is writing to it. "
                    "Try again in a moment."
                ) from None
            if "unable to open" in message or "readonly" in message or "read-only" in message:
                raise AcupressError(
                    f"Cannot open the journal {where} ({orig}); check its permissions."
                ) from None
            raise AcupressError(f"The journal {where} cannot be used ({orig}).") from None
        if "nul (0x00)" in message:  # PostgreSQL's text cannot hold it; SQLite's can
            raise AcupressError(
                f"The journal {where} cannot store the character NUL (0x00), which a note or "
                "other text holds: remove it and try again; nothing was written."
            ) from None
        if kind == "IntegrityError":
            raise AcupressError(
                f"The journal refused the record ({orig}); nothing was written."
            ) from None
        raise AcupressError(
            f"The journal {where} is damaged ({orig}). Move it aside (keep it, it may be "
            "recoverable) and acupress will start a new one."
        ) from None


# A step of a running session: written only into a session of the journal's owner, and
# once per key.
INSERT_KEYED_STEP = (
    f"INSERT INTO steps ({', '.join((*STEP_COLUMNS, 'key'))}) "
    f"SELECT {', '.join(f':{c}' for c in (*STEP_COLUMNS, 'key'))} WHERE EXISTS "
    "(SELECT 1 FROM sessions WHERE sessions.id = :session_id AND owner_id = :owner) "
    "ON CONFLICT (session_id, key) DO NOTHING"
)


def _add_keyed_steps(
    sql: _Statements, session_id: int, steps: Sequence[tuple[str, StepLog]]
) -> None:
    """Steps of a running session, each written once: a key already there (two tabs, a
    step sent again) changes nothing. The session's seconds and points follow."""
    if not steps:
        return
    added = 0
    for key, s in steps:
        row = {
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
            "key": key,
        }
        if sql.run(INSERT_KEYED_STEP, sql.values(row)) == 1:
            added += round(s.seconds)
    points = [p for (p,) in sql.rows(STEP_POINTS, {"id": session_id, "no": False})]
    sql.run(
        "UPDATE sessions SET seconds = seconds + :seconds, points = :points "
        "WHERE id = :id AND owner_id = :owner",
        {"seconds": added, "points": ",".join(dict.fromkeys(points)), "id": session_id},
    )
