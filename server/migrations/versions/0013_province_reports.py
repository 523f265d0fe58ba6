"""the province's reports: per-center summaries (day, week, month), the days to summarize again, each center's services

Revision ID: 0013
Revises: 0014
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.queueing.models
from server.reports.site_summary import DAY_TOTALS
from server.reports.tables import MAXIMA, SUMMED

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _counts(names) -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger() if name.endswith("_sum") else sa.Integer(), nullable=False,
                      server_default="0") for name in names]


def upgrade() -> None:
    # On a province (server/reports/site_summary.py): a center's count of transfers, from newer centers.
    with op.batch_alter_table("site_tickets") as batch:
        batch.add_column(sa.Column("transfers", sa.Integer(), nullable=True))
    for table, when in (("site_daily_summaries", "day"), ("site_weekly_summaries", "week"),
                        ("site_monthly_summaries", "month")):
        op.create_table(
            table,
            sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False, autoincrement=False),
            sa.Column(when, sa.Date(), nullable=False),
            sa.Column("service", sa.String(length=16), nullable=False),
            sa.Column("counter", sa.Integer(), nullable=False, autoincrement=False),
            sa.Column("staff", sa.String(length=80), nullable=False),
            *_counts(SUMMED + MAXIMA),
            sa.PrimaryKeyConstraint("site_id", when, "service", "counter", "staff"),
        )
    op.create_index("ix_site_monthly_summaries_month", "site_monthly_summaries", ["month"])
    op.create_index("ix_site_daily_summaries_day", "site_daily_summaries", ["day"])
    op.create_index("ix_site_weekly_summaries_week", "site_weekly_summaries", ["week"])
    # One row per (center, day) with facts: bumped by each batch, summarized at report time.
    op.create_table(
        "site_days",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False, autoincrement=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("summarized", sa.BigInteger(), nullable=True),
        sa.Column("summarized_at", server.queueing.models.UtcDateTime(timezone=True), nullable=True),
        *_counts(DAY_TOTALS),
        sa.PrimaryKeyConstraint("site_id", "day"),
    )
    op.create_index("ix_site_days_day", "site_days", ["day"])
    op.create_table(
        "site_services",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False, autoincrement=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("target_wait_s", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("site_id", "code"),
    )
    # Facts delivered before this revision: every (center, day) of them is to be summarized.
    op.execute("INSERT INTO site_days (site_id, day, version) "
               "SELECT DISTINCT site_id, business_day, 1 FROM site_tickets")


def downgrade() -> None:
    op.drop_table("site_services")
    op.drop_index("ix_site_days_day", table_name="site_days")
    op.drop_table("site_days")
    op.drop_index("ix_site_daily_summaries_day", table_name="site_daily_summaries")
    op.drop_index("ix_site_monthly_summaries_month", table_name="site_monthly_summaries")
    op.drop_index("ix_site_weekly_summaries_week", table_name="site_weekly_summaries")
    op.drop_table("site_weekly_summaries")
    op.drop_table("site_monthly_summaries")
    op.drop_table("site_daily_summaries")
    with op.batch_alter_table("site_tickets") as batch:
        batch.drop_column("transfers")
