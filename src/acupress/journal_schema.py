"""The journal's tables as SQLAlchemy declares them: what Alembic's migrations build (and
are checked against), for SQLite and PostgreSQL alike. ``journal`` runs its statements on
these tables without importing this module, which loads SQLAlchemy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa


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


def owner(table: str) -> sa.Column:  # type: ignore[type-arg]
    """The account a row belongs to (1: the single-person app's own account)."""
    return sa.Column(
        "owner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", name=f"{table}_owner", ondelete="CASCADE"),
        nullable=False,
        index=True,
        server_default=sa.text("1"),
    )


# Who owns the rows of the journal. The single-person app has one account, number 1
# ("local", role "local"), made by the migration; the server mode adds people and
# practitioners, who sign in with a password.
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),  # local, person, practitioner
    sa.Column("password_hash", sa.Text),  # Argon2id; none until the invitation is used
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("disabled_at", UTCDateTime),
    # Raised with every write to the account's rows: what tells a reader in any process
    # that the account's journal changed.
    sa.Column("changes", sa.BigInteger, nullable=False, server_default=sa.text("0")),
)

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
    sa.Column("uid", sa.String(36), nullable=False),
    # Which front end runs a guided session ("terminal", "web"), so that each closes only
    # the sessions it was running.
    sa.Column("front_end", sa.String(10)),
    owner("sessions"),
    sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_0_10"),
    sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_0_10"),
    # A uid is unique within its account: two people may restore the same backup.
    sa.Index("ix_sessions_owner_uid", "owner_id", "uid", unique=True),
)

# Things that happened besides sessions: a professional saw the person and told them to
# go on ("seen_professional"), which restarts the counts of the see-a-professional rules.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    owner("events"),
    sa.UniqueConstraint("owner_id", "uid", name="events_one_uid_per_owner"),
)

# The daily rating of a personal trial: the PEG scale's three answers, one rating a day.
ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(36), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("pain", sa.Integer, nullable=False),
    sa.Column("enjoyment", sa.Integer, nullable=False),
    sa.Column("activity", sa.Integer, nullable=False),
    sa.Column("rated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("pain BETWEEN 0 AND 10", name="rating_pain_0_10"),
    sa.CheckConstraint("enjoyment BETWEEN 0 AND 10", name="rating_enjoyment_0_10"),
    sa.CheckConstraint("activity BETWEEN 0 AND 10", name="rating_activity_0_10"),
    owner("ratings"),
    sa.UniqueConstraint("owner_id", "day", name="one_rating_a_day"),
    sa.UniqueConstraint("owner_id", "uid", name="ratings_one_uid_per_owner"),
)

# A personal trial: its schedule is drawn again from (start, weeks, seed); it ends on its
# last day, or earlier when the person or a safety decision stops it.
trials = sa.Table(
    "trials",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(36), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("weeks", sa.Integer, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("stopped_on", sa.Date),
    sa.Column("stop_reason", sa.Text),
    owner("trials"),
    sa.UniqueConstraint("owner_id", "uid", name="trials_one_uid_per_owner"),
)

steps = sa.Table(
    "steps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "session_id",
        sa.Integer,
        # Found through the index of one_record_per_step_key, which begins with it.
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
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
    # What makes a step's record the same one if it is sent twice (two tabs, a retry, a
    # queue of steps sent again when the network comes back): unique in its session.
    sa.Column("key", sa.String(64)),
    sa.UniqueConstraint("session_id", "key", name="one_record_per_step_key"),
)


# --- the server mode: sign-in, a person's own settings, running sessions, sharing ---

# A one-time invitation: the invitee sets a password with it, before it expires.
invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
)

# A signed-in browser: revocable, with an idle and an absolute expiry.
logins = sa.Table(
    "logins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "account_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

# Failed sign-ins, by the name tried and by the address, for the growing delay.
failed_logins = sa.Table(
    "failed_logins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
)

# In the server mode, a person's profile and today's safety check (the single-person
# app keeps them as files).
profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column(
        "owner_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("data", sa.Text, nullable=False),  # the profile as JSON
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
checks = sa.Table(
    "checks",
    metadata,
    sa.Column(
        "owner_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("answers", sa.Text, nullable=False),  # today's answers as JSON
)

# A guided session while it runs: its state lives here, so any worker can serve it and a
# restart resumes it.
live_sessions = sa.Table(
    "live_sessions",
    metadata,
    sa.Column(
        "session_id",
        sa.Integer,
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "owner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("state", sa.Text, nullable=False),  # the plan and the session's state as JSON
    sa.Column("version", sa.Integer, nullable=False),  # raised at every change
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# A person shares their journal with a practitioner (read-only) until they stop.
shares = sa.Table(
    "shares",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "practitioner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

# A code a practitioner gives a person, who enters it to share their journal with them.
share_codes = sa.Table(
    "share_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "practitioner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

# Every time a practitioner opens a person's data: who, what, when (the person sees it).
access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "practitioner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("what", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)


def sqlite_statements() -> list[str]:
    """The statements that make these tables and their indexes on SQLite, in an order
    that creates each table before those that refer to it: what ``journal_sqlite`` holds
    written out, so that making a new journal loads no SQLAlchemy."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    made = []
    for table in metadata.sorted_tables:
        made.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            made.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return made


def quoted(text: str) -> str:
    """``text`` as a Python string literal as the code formatter writes it: in double
    quotes, or single ones when that saves escaping a double quote."""
    quote = "'" if '"' in text and "'" not in text else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return quote + escaped.replace("\n", "\\n").replace("\t", "\\t") + quote
