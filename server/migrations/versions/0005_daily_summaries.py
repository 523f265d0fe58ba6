"""per-day report summaries, closed business days, tickets by business day

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models
from server.reports.tables import MAXIMA, SUMMED

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counts = [sa.Column(name, sa.BigInteger() if name.endswith("_sum") else sa.Integer(), nullable=False,
                        server_default="0") for name in SUMMED + MAXIMA]
    op.create_table(
        "daily_summaries",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("staff", sa.String(length=80), nullable=False),
        *counts,
        sa.PrimaryKeyConstraint("day", "service", "counter", "staff"),
    )
    op.create_table(
        "closed_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    # Reports, exports, the dashboard and the close all select tickets by business day.
    op.create_index("ix_tickets_business_day", "tickets", ["business_day"])


def downgrade() -> None:
    op.drop_index("ix_tickets_business_day", table_name="tickets")
    op.drop_table("closed_days")
    op.drop_table("daily_summaries")
