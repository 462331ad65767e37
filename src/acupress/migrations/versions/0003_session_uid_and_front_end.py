"""A stable identity for every session (uid), kept through export and import; and which
front end runs a guided session.

Revision ID: 0003
Revises: 0002
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("uid", sa.String(36)))
        batch.add_column(sa.Column("front_end", sa.String(10)))
    conn = op.get_bind()
    ids = conn.execute(sa.text("SELECT id FROM sessions")).scalars().all()
    if ids:
        conn.execute(
            sa.text("UPDATE sessions SET uid = :uid WHERE id = :id"),
            [{"uid": str(uuid.uuid4()), "id": i} for i in ids],
        )
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("uid", existing_type=sa.String(36), nullable=False)
        batch.create_index("ix_sessions_uid", ["uid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_uid")
        batch.drop_column("front_end")
        batch.drop_column("uid")
