"""per-month report summaries, rebuilt from the daily ones

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

from server.reports.tables import MAXIMA, SUMMED

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counts = [sa.Column(name, sa.BigInteger() if name.endswith("_sum") else sa.Integer(), nullable=False,
                        server_default="0") for name in SUMMED + MAXIMA]
    op.create_table(
        "monthly_summaries",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("staff", sa.String(length=80), nullable=False),
        *counts,
        sa.PrimaryKeyConstraint("month", "service", "counter", "staff"),
    )
    # Months from the days already summarized (none on a new hall).
    bind = op.get_bind()
    days = [r[0] for r in bind.execute(sa.text("SELECT DISTINCT day FROM daily_summaries"))]
    months = sorted({(d if isinstance(d, date) else date.fromisoformat(str(d))).replace(day=1) for d in days})
    columns = ", ".join(SUMMED + MAXIMA)
    sums = ", ".join([f"SUM({n})" for n in SUMMED] + [f"MAX({n})" for n in MAXIMA])
    for month in months:
        after = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        bind.execute(sa.text(
            f"INSERT INTO monthly_summaries (month, service, counter, staff, {columns}) "
            f"SELECT :month, service, counter, staff, {sums} FROM daily_summaries "
            "WHERE day >= :month AND day < :after GROUP BY service, counter, staff"),
            {"month": month, "after": after})


def downgrade() -> None:
    op.drop_table("monthly_summaries")
