"""A step's session is found through the index of the constraint that a step's key is
unique in its session (session_id first): the index on session_id alone only made
every step written cost one more index to keep.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_steps_session_id", table_name="steps")


def downgrade() -> None:
    op.create_index("ix_steps_session_id", "steps", ["session_id"])
