"""Throwaway PostgreSQL databases for tests, on the server CI provides at 127.0.0.1:5432.

Each test run makes its own uniquely named database (connecting to the `test`
database to do so) and drops it afterwards. An unreachable server is a failure,
never a skip: CI has PostgreSQL, and a silent skip would hide the very cases
that need it.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("HALLQ_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


class PostgresUnavailable(AssertionError):
    pass


def _connect(url: str):
    """An autocommit DB-API connection: psycopg 3 (the project's driver), else psycopg2."""
    parsed = make_url(url)
    kwargs = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432,
              "dbname": parsed.database or "test", "connect_timeout": 5}
    if parsed.username:
        kwargs["user"] = parsed.username
    if parsed.password:
        kwargs["password"] = parsed.password
    try:
        import psycopg
    except ImportError:
        import psycopg2

        conn = psycopg2.connect(**kwargs)
        conn.autocommit = True
        return conn
    return psycopg.connect(autocommit=True, **kwargs)


def admin_connection():
    """A connection to the `test` database, or a loud failure naming what to start."""
    try:
        return _connect(ADMIN_URL)
    except Exception as err:  # noqa: BLE001 - any reason is the same failure
        raise PostgresUnavailable(
            f"PostgreSQL is needed at {ADMIN_URL} (set HALLQ_TEST_POSTGRES_URL to change it): "
            f"{str(err).strip()}") from None


def create_database(prefix: str = "hallq_it") -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return make_url(ADMIN_URL).set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by create_database, even while clients are still connected."""
    name = make_url(url).database
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


@contextmanager
def fresh_database(prefix: str = "hallq_it") -> Iterator[str]:
    url = create_database(prefix)
    try:
        yield url
    finally:
        drop_database(url)


def query(url: str, sql: str, *params) -> list[tuple]:
    """Run one SQL statement on a test database (for checks the API cannot make)."""
    conn = _connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()
