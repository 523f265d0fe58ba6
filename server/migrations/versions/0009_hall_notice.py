"""the boards' scrolling notice in the database, so a supervisor changes it live

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No row yet: the server seeds it from config.yaml's display.notice at its next start.
    op.create_table(
        "hall_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("vi", sa.String(length=500), nullable=True),
        sa.Column("en", sa.String(length=500), nullable=True),
        sa.Column("updated_at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hall_notice")
