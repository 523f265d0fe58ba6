"""the province: its centers (sites) and their tickets; a center's upstream cursor

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On a province: every center, its token only hashed, and what it has delivered (server/sites.py).
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Float(), nullable=True),
        sa.Column("acked_seq", sa.BigInteger(), nullable=False),
        sa.Column("live", sa.JSON(), nullable=True),
        sa.Column("live_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "site_tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("service_now", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("issued_at", server.queueing.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("called_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("started_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("staff", sa.String(length=80), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("site_id", "ticket_id", name="uq_site_ticket"),
    )
    op.create_index("ix_site_tickets_day", "site_tickets", ["site_id", "business_day"])
    # On a center: the last hall seq its province acknowledged (server/upstream.py).
    op.create_table(
        "upstream_cursor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("acked_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("upstream_cursor")
    op.drop_index("ix_site_tickets_day", table_name="site_tickets")
    op.drop_table("site_tickets")
    op.drop_table("sites")
