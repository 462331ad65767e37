"""Accounts: every row of the journal has its owner (the single-person app's own
account is number 1, "local"); sign-in (invitations, logins, failed sign-ins); a
person's profile and today's check in the server mode; running sessions kept in the
database; a step's idempotency key; sharing a journal with a practitioner, and the record
of what the practitioner opened.

Revision ID: 0005
Revises: 0004
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from acupress.journal_schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OWNED = ("sessions", "events", "ratings", "trials")


def owner(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "owner_id",
        sa.Integer,
        sa.ForeignKey("accounts.id", name=f"{table}_owner", ondelete="CASCADE"),
        nullable=False,
        server_default=sa.text("1"),
    )


def account(name: str, *, primary_key: bool = False, index: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
        index=index,
    )


def upgrade() -> None:
    accounts = op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("disabled_at", UTCDateTime),
    )
    op.bulk_insert(
        accounts,
        [{"id": 1, "name": "local", "role": "local", "created_at": dt.datetime.now(dt.UTC)}],
    )
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(owner(table))
            batch.create_index(f"ix_{table}_owner_id", ["owner_id"])
    with op.batch_alter_table("ratings") as batch:
        batch.create_unique_constraint("one_rating_a_day", ["owner_id", "day"])
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("key", sa.String(64)))
        batch.create_unique_constraint("one_record_per_step_key", ["session_id", "key"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        account("account_id"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
    )
    op.create_table(
        "logins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        account("account_id", index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
    )
    op.create_table(
        "failed_logins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=False, index=True),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "profiles",
        account("owner_id", primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "checks",
        account("owner_id", primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
    )
    op.create_table(
        "live_sessions",
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        account("owner_id", index=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        account("person_id", index=True),
        account("practitioner_id", index=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
    )
    op.create_table(
        "share_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        account("practitioner_id"),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        account("person_id", index=True),
        account("practitioner_id"),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "access_log",
        "share_codes",
        "shares",
        "live_sessions",
        "checks",
        "profiles",
        "failed_logins",
        "logins",
        "invitations",
    ):
        op.drop_table(table)
    with op.batch_alter_table("steps") as batch:
        batch.drop_constraint("one_record_per_step_key", type_="unique")
        batch.drop_column("key")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_constraint("one_rating_a_day", type_="unique")
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_owner_id")
            batch.drop_column("owner_id")
    op.drop_table("accounts")
