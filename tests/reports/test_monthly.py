"""Whole months come from the monthly rows; any range must add up exactly as its days do."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import importlib

import pytest
from sqlalchemy import func, select

from server.closing import purge_batch
from server.reports import ReportsSettings, stats
from server.reports.tables import monthly_summaries, split_range

from server.storage import Database
from tests.support.fixtures import postgres_url  # noqa: F401

from .conftest import report_config
from .history import build

TODAY = date(2026, 11, 26)
stats_module = importlib.import_module("server.reports.stats")  # the package's `stats` is the function


def fill(db, config):
    now = datetime.combine(TODAY, time(12, 0), tzinfo=config.center.tz).astimezone(timezone.utc)
    build(db, config, 75, 20, TODAY, now)  # 12/09 … 25/11 closed and summarized, today live
    return db


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])  # PostgreSQL: the full suite
def history(request, tmp_path_factory, postgres_url):  # noqa: F811
    """One history per database for the read-only tests of this module."""
    url = (f"sqlite:///{tmp_path_factory.mktemp('monthly') / 'hall.db'}" if request.param == "sqlite"
           else postgres_url())
    database = Database(url, synchronous="normal")
    database.migrate()
    yield fill(database, report_config())
    database.inline_engine.dispose()


def by_days_only(monkeypatch):
    """The same report with every closed day read from the daily rows."""
    monkeypatch.setattr(stats_module, "split_range", lambda start, end: ([(start, end)], None))


@pytest.mark.parametrize("start,end", [
    (date(2026, 10, 1), date(2026, 10, 31)),  # one whole month
    (date(2026, 9, 20), date(2026, 11, 26)),  # part, whole, part with today
    (date(2026, 9, 12), date(2026, 11, 25)),  # everything closed
    (date(2026, 11, 3), date(2026, 11, 9)),   # a week: days only
])
def test_months_and_days_agree(history, monkeypatch, start, end):
    config = report_config()
    fast = history.read(lambda s: stats(s, config, start, end, today=TODAY))
    by_days_only(monkeypatch)
    slow = history.read(lambda s: stats(s, config, start, end, today=TODAY))
    assert fast == slow
    assert fast["total"]["tickets"] > 0


def test_month_rows_exist_per_month(history):
    months = history.read(lambda s: sorted(set(s.execute(select(monthly_summaries.c.month)).scalars())))
    assert months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


def test_purging_summaries_rebuilds_the_cut_month(db, config, monkeypatch):
    history = fill(db, config)
    settings = ReportsSettings(history_days=30, summary_days=60)
    while history.write(lambda s: purge_batch(s, config, TODAY, 5000, settings)):
        pass
    keep_from = TODAY - timedelta(days=60)  # 27/09
    months = history.read(lambda s: sorted(set(s.execute(select(monthly_summaries.c.month)).scalars())))
    assert months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    september = history.read(lambda s: stats(s, config, date(2026, 9, 1), date(2026, 9, 30), today=TODAY))
    by_days_only(monkeypatch)
    kept = history.read(lambda s: stats(s, config, keep_from, date(2026, 9, 30), today=TODAY))
    assert september["total"]["tickets"] == kept["total"]["tickets"] > 0
    assert history.read(lambda s: s.execute(select(func.count()).select_from(monthly_summaries)
                                            .where(monthly_summaries.c.month < date(2026, 9, 1))).scalar_one()) == 0


def test_split_range():
    assert split_range(date(2026, 1, 1), date(2026, 12, 31)) == ([], (date(2026, 1, 1), date(2026, 12, 1)))
    assert split_range(date(2026, 1, 15), date(2026, 1, 20)) == ([(date(2026, 1, 15), date(2026, 1, 20))], None)
    assert split_range(date(2025, 11, 27), date(2026, 11, 27)) == (
        [(date(2025, 11, 27), date(2025, 11, 30)), (date(2026, 11, 1), date(2026, 11, 27))],
        (date(2025, 12, 1), date(2026, 10, 1)))
