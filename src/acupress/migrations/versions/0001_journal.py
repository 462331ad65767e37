"""The journal: sessions and their steps.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from acupress.journal import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("protocol", sa.String(100), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("answers", sa.Text),
        sa.Column("pain_before", sa.Integer),
        sa.Column("pain_after", sa.Integer),
        sa.Column("points", sa.String(200), nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("sensations", sa.String(100), nullable=False),
        sa.Column("stop_reason", sa.String(20)),
        sa.Column("stop_note", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("ended_at", UTCDateTime),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_0_10"),
        sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_0_10"),
    )
    op.create_index("ix_sessions_day", "sessions", ["day"])
    op.create_table(
        "steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            sa.Integer,
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
    )
    op.create_index("ix_steps_session_id", "steps", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_steps_session_id", "steps")
    op.drop_table("steps")
    op.drop_index("ix_sessions_day", "sessions")
    op.drop_table("sessions")
