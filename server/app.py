"""The application factory."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from flask import Flask, jsonify
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from . import pages, setup
from .auth import RateLimiter
from .config import config_path, message_queue, upstream
from .context import Hall
from .extensions import make_socketio
from .hashing import Hasher
from .agents import Agents
from .agents import register as register_agents
from .hub import Hub, register
from .opening import open_database
from .printing import Printers
from .proxies import ForwardedFor, Trusted, trusted_networks
from .queueing.engine import Engine
from .queueing.models import Hall as HallRow
from .queueing.clock import utcnow
from .storage import BUSY_TIMEOUT_S


def create_app(config_file: str | Path | None = None, overrides: dict[str, Any] | None = None, *,
               clock: Callable[[], datetime] = utcnow, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Flask:
    """Build the hall server; the async mode comes from config (eventlet or threading).

    Building starts nothing: `app.extensions["hallq"].start()` starts the database threads,
    the live hub, the printers and the daily close, and `.stop()` ends them. `clock` is the
    hall's time (tests move it); `busy_timeout_s`, how long a write waits for a held lock.
    """
    overrides = dict(overrides or {})
    config, path, db = open_database(config_path(str(config_file) if config_file else None), isolated=True,
                                     busy_timeout_s=busy_timeout_s)
    async_mode = overrides.pop("ASYNC_MODE", None) or config.server.async_mode
    queue_url = message_queue(config, overrides.pop("MESSAGE_QUEUE", None))
    app = Flask(__name__)
    with Session(db.inline_engine) as s:
        secret = s.get(HallRow, 1).secret_key  # made at first start; never a default
        setup_version = setup.version(s)
    app.config.update(
        SECRET_KEY=secret, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=config.server.token_ttl_hours),
        JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(overrides)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    socketio = make_socketio(app, async_mode)
    # Outside Socket.IO's layer too: its connect handlers and origin check see the client, not nginx.
    trusted = Trusted(trusted_networks(config.server.trusted_proxies))
    app.wsgi_app = ForwardedFor(app.wsgi_app, trusted)
    feed = None
    limiter: Callable[[str, int], RateLimiter] = lambda _name, per_minute: RateLimiter(per_minute)
    if queue_url:  # several processes, one hall: the shared feed and shared rate limits (server/feed.py)
        from .feed import Feed, hall_id
        from .limits import SharedRateLimiter

        feed = Feed(queue_url, hall_id(secret), socketio)
        limiter = lambda name, per_minute: SharedRateLimiter(feed.client, f"{feed.prefix}limit:{name}:", per_minute)
    hall = Hall(config=config, config_path=path, db=db, engine=Engine(config), hub=None,  # type: ignore[arg-type]
                printers=None, agents=None,  # type: ignore[arg-type]
                issue_limiter=limiter("issue", config.server.kiosk_tickets_per_minute),
                login_limiter=limiter("login", config.server.login_attempts_per_minute),
                login_total=limiter("login-total", config.server.login_total_per_minute),
                hasher=Hasher(config.server.hash_threads), clock=clock, setup_version=setup_version,
                upstream=upstream(config),
                book_limiter=limiter("book", config.appointments.per_minute_per_address))
    hall.hub = Hub(socketio, hall)
    if feed is not None:
        from .feed import SharedCache

        hall.principals = SharedCache()
        hall.principals.feed = feed
        hall.hub.feed = feed
    hall.printers = Printers(config, db, lambda: hall.clock())  # the hall's clock, even one a test swaps
    hall.agents = Agents(hall.printers, db, socketio, lambda: hall.clock())
    app.extensions["hallq"] = hall
    register(socketio, hall.hub)
    register_agents(socketio, hall.agents)

    from display import bp as display_bp
    from kiosk import bp as kiosk_bp
    from counter import bp as counter_bp

    from .admin import bp as admin_bp
    from .home import bp as home_bp

    from .api.media import files as media_files
    from .api.routes import api
    from .api.errors import http_error, internal_error

    app.register_blueprint(api)
    app.register_blueprint(display_bp)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(counter_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(media_files)
    pages.init_app(app)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)

    @app.get("/healthz")
    def healthz():
        """Liveness for monitoring."""
        return jsonify({"ok": True, "seq": hall.hub.last_seq})

    logging.getLogger(__name__).info(
        "hallq ready: %s, %s, %s%s%s", path, db.dialect, async_mode,
        f", one hall with the processes on message queue {feed.shown_url}" if feed else "",
        f", client addresses from proxies {', '.join(map(str, trusted.networks))}" if trusted else "")
    return app
