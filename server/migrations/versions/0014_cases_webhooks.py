"""case files kept with finished tickets; webhook receivers' cursors and dead letters

Revision ID: 0014
Revises: 0015
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # What a finished ticket became in the one-stop software (server/queueing/cases.py).
    op.create_table(
        "ticket_cases",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True, autoincrement=False),
        sa.Column("case_code", sa.String(length=64), nullable=True),
        sa.Column("case_outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
    )
    op.create_index("ix_ticket_cases_code", "ticket_cases", ["case_code"])
    # Per webhook receiver: how far delivery has come, who delivers, why it waits (server/webhook_store.py).
    op.create_table(
        "webhook_cursors",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("after_seq", sa.BigInteger(), nullable=False),
        sa.Column("after_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("lease_until", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("last_try_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "webhook_dead_letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("receiver", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resend", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_webhook_dead_receiver", "webhook_dead_letters", ["receiver", "id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_dead_receiver", table_name="webhook_dead_letters")
    op.drop_table("webhook_dead_letters")
    op.drop_table("webhook_cursors")
    op.drop_index("ix_ticket_cases_code", table_name="ticket_cases")
    op.drop_table("ticket_cases")
