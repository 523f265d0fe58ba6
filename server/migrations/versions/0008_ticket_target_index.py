"""an index for tickets transferred to a counter, so picking the next ticket stays an index lookup

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_target", "tickets", ["target_counter", "status", "business_day"])


def downgrade() -> None:
    op.drop_index("ix_tickets_target", table_name="tickets")
