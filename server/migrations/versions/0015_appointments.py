"""appointments: bookings, their slots' counts, and a ticket's appointment mark

Revision ID: 0015
Revises: 0012
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = server.queueing.models.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("appointment", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("ahead_at", UTC(timezone=True), nullable=True))
    # The head of a service's begun appointments is one index lookup, however many walk-ins wait (routing.py).
    op.create_index("ix_tickets_ahead", "tickets", ["status", "business_day", "service", "ahead_at"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=8), nullable=False, unique=True),
        sa.Column("token", sa.String(length=32), nullable=False, unique=True),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("starts_at", UTC(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("checked_in_at", UTC(timezone=True), nullable=True),
        sa.Column("cancelled_at", UTC(timezone=True), nullable=True),
        sa.Column("erased_at", UTC(timezone=True), nullable=True),
    )
    op.create_index("ix_appointments_day", "appointments", ["day", "service", "start"])
    op.create_index("ix_appointments_phone", "appointments", ["phone", "status"])
    op.create_table(
        "appointment_slots",
        sa.Column("service", sa.String(length=16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("start", sa.String(length=5), primary_key=True),
        sa.Column("booked", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("appointment_slots")
    op.drop_index("ix_appointments_phone", table_name="appointments")
    op.drop_index("ix_appointments_day", table_name="appointments")
    op.drop_table("appointments")
    op.drop_index("ix_tickets_ahead", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("ahead_at")
        batch.drop_column("appointment")
