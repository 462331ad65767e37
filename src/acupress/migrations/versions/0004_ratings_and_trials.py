"""The personal trial: daily PEG ratings and trials.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from acupress.journal_schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("pain", sa.Integer, nullable=False),
        sa.Column("enjoyment", sa.Integer, nullable=False),
        sa.Column("activity", sa.Integer, nullable=False),
        sa.Column("rated_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name="rating_pain_0_10"),
        sa.CheckConstraint("enjoyment BETWEEN 0 AND 10", name="rating_enjoyment_0_10"),
        sa.CheckConstraint("activity BETWEEN 0 AND 10", name="rating_activity_0_10"),
    )
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("weeks", sa.Integer, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("stopped_on", sa.Date),
        sa.Column("stop_reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("trials")
    op.drop_table("ratings")
