"""The whole /api/v1 blueprint: importing this module registers every view on it.

The views import the blueprint and its decorators from the package (server/api/__init__.py);
the package never imports the views back, so imports run one way.
"""
from __future__ import annotations

from . import api
from . import admin, appointments, counters, errors, hall_views, kiosk_settings, media, notice, people, reports, setup, tickets  # noqa: F401  (register routes)
from . import integration  # noqa: F401  (case-file search, webhooks' state)
from . import province  # noqa: F401  (a province server's routes: 404 elsewhere)

__all__ = ["api"]
