"""A session's, event's, rating's and trial's identity (uid) is unique within its
account, not across the whole database: two people may restore the same backup (a
household's shared one, or a journal moved from one account to another), and an import
must never learn that a uid exists in someone else's journal.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("events", "ratings", "trials")


def upgrade() -> None:
    op.drop_index("ix_sessions_uid", table_name="sessions")
    op.create_index("ix_sessions_owner_uid", "sessions", ["owner_id", "uid"], unique=True)
    for table in TABLES:
        _unique_uid(table, ["owner_id", "uid"], f"{table}_one_uid_per_owner")


def downgrade() -> None:
    for table in TABLES:
        _unique_uid(table, ["uid"], None)
    op.drop_index("ix_sessions_owner_uid", table_name="sessions")
    op.create_index("ix_sessions_uid", "sessions", ["uid"], unique=True)


def _unique_uid(table: str, columns: list[str], name: str | None) -> None:
    """Replace the table's unique constraint on its uid by one on ``columns``."""
    bind = op.get_bind()
    old = [u for u in sa.inspect(bind).get_unique_constraints(table) if "uid" in u["column_names"]]
    if bind.dialect.name == "sqlite":
        # SQLite cannot drop a constraint: the table is made again from its definition
        # as it is, less the old constraint, with the new one.
        definition = sa.Table(table, sa.MetaData(), autoload_with=bind)
        for constraint in list(definition.constraints):
            if isinstance(constraint, sa.UniqueConstraint) and "uid" in constraint.columns:
                definition.constraints.remove(constraint)
        with op.batch_alter_table(table, recreate="always", copy_from=definition) as batch:
            batch.create_unique_constraint(name or f"{table}_uid_key", columns)
        return
    for u in old:
        op.drop_constraint(str(u["name"]), table, type_="unique")  # PostgreSQL names them all
    op.create_unique_constraint(name or f"{table}_uid_key", table, columns)
