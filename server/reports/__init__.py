"""Reports: figures over a date range, the exports, and the live dashboard."""
from __future__ import annotations

from .dashboard import dashboard
from .export import summary_xlsx, ticket_rows, tickets_csv, tickets_xlsx
from .settings import ReportsSettings, reports_settings
from .stats import stats

__all__ = ["stats", "ticket_rows", "tickets_csv", "tickets_xlsx", "summary_xlsx", "dashboard",
           "ReportsSettings", "reports_settings"]
