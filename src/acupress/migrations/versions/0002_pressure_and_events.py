"""The pressure of a session logged by hand, and journal events (a professional seen).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from acupress.journal import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("pressure", sa.String(10)))
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("pressure")
