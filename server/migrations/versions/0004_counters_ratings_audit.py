"""transfer to a counter, priority ratios, rating reasons, staff bound to counters, audit log

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.add_column(sa.Column("target_counter", sa.Integer(), nullable=True))
    with op.batch_alter_table("counter_states") as batch_op:
        batch_op.add_column(sa.Column("cycle_pos", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("ratings") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("counter", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff", sa.String(length=80), nullable=True))
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("counter", sa.Integer(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("counter")
    with op.batch_alter_table("ratings") as batch_op:
        batch_op.drop_column("staff")
        batch_op.drop_column("counter")
        batch_op.drop_column("reason")
    with op.batch_alter_table("counter_states") as batch_op:
        batch_op.drop_column("cycle_pos")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("target_counter")
