"""Alembic environment: always handed a live connection by server.migrate."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import server.records  # noqa: F401  (people, devices, tokens, audit, print jobs, for autogenerate)
import server.reports.tables  # noqa: F401  (the summary tables, for autogenerate)
import server.sites  # noqa: F401  (the province's centers and their tickets, a center's cursor)
import server.queueing.cases  # noqa: F401  (case files, 0014)
import server.webhook_store  # noqa: F401  (webhook cursors and dead letters, 0014)
from server.queueing.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata,
                      render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # `alembic revision --autogenerate` from a developer's shell
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///migrations-dev.db"
    with create_engine(url).connect() as conn:
        run(conn)
