"""Each account's change counter: raised in the same transaction as every write to its
rows, so a reader in any process (a web worker, the command line) can tell whether the
journal of that account changed since it last looked. On PostgreSQL, the accounts' id
sequence moves past the local account, which 0005 inserted with its id given.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("changes", sa.BigInteger, nullable=False, server_default=sa.text("0"))
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('accounts', 'id'), "
            "(SELECT MAX(id) FROM accounts))"
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("changes")
