"""What each `hallq` command does, once the async mode is settled."""
from __future__ import annotations

import argparse
import getpass
import logging
import socket
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import auth
from .cli import fail
from .config import ConfigError, config_path
from .queueing.clock import utcnow
from .queueing.errors import QueueError
from .messages import message


def _open(args: argparse.Namespace):
    from .app import open_database

    try:
        return open_database(config_path(getattr(args, "config", None)))
    except ConfigError as err:
        fail(f"config: {err}")
    except (SQLAlchemyError, ImportError) as err:
        fail(f"database: {str(getattr(err, 'orig', None) or err).splitlines()[0]}")


def serve(args: argparse.Namespace, mode: str) -> None:
    """Run the hall server until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from .app import create_app
    from .extensions import socketio

    try:
        app = create_app(config_path(args.config), {"ASYNC_MODE": mode})
    except ConfigError as err:
        fail(f"config: {err}")
    except (SQLAlchemyError, ImportError) as err:
        fail(f"database: {str(getattr(err, 'orig', None) or err).splitlines()[0]}")
    try:
        if mode == "eventlet":
            import eventlet
            import eventlet.wsgi

            # eventlet.listen sets SO_REUSEPORT by default: a second server on the same
            # port would silently share it. Refuse instead.
            sock = eventlet.listen((args.host, args.port), reuse_port=False)
            _ready(args, mode)
            eventlet.wsgi.server(sock, app, log_output=args.access_log, max_size=4096)
        else:
            with socket.socket() as probe:  # one clear line, before werkzeug's own banner
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((args.host, args.port))
            _ready(args, mode)
            socketio.run(app, host=args.host, port=args.port, use_reloader=False, log_output=args.access_log,
                         allow_unsafe_werkzeug=True)
    except OSError as err:
        fail(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}")


def _ready(args: argparse.Namespace, mode: str) -> None:
    print(f"hallq: serving the hall on http://{args.host}:{args.port} ({mode})", file=sys.stderr, flush=True)


def _password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        fail("the two passwords differ")
    return first


def _user(args: argparse.Namespace) -> None:
    config, path, db = _open(args)
    from sqlalchemy.orm import Session

    from .queueing.models import User

    if args.action == "list":
        with Session(db.inline_engine) as s:
            for u in s.execute(select(User).order_by(User.username)).scalars():
                print(f"{u.username}\t{u.role}\t{'active' if u.active else 'disabled'}")
        return
    from .people import audit, change_user

    actor = f"cli:{getpass.getuser()}"
    counters = [c.number for c in config.counters]
    if args.action == "add":
        if args.counter is not None and args.counter not in counters:
            fail(f"--counter: there is no counter {args.counter}")
        password = _password()

        def add(s):
            user = auth.add_user(s, args.name, args.role, password, utcnow())
            user.counter = args.counter
            audit(s, actor, "user_added", args.name, utcnow(), role=args.role, counter=args.counter)

        db.write(add)
        print(f"added {args.role} {args.name}")
        return
    changes = {"disable": {"active": False}, "enable": {"active": True}, "role": {"role": getattr(args, "role", None)},
               "passwd": {}}[args.action]
    if args.action == "passwd":
        changes["password"] = _password()
    db.write(lambda s: change_user(s, args.name, actor=actor, now=utcnow(), counters=counters, **changes))
    print(f"{args.action}: {args.name} done")


def _device(args: argparse.Namespace) -> None:
    config, path, db = _open(args)
    from sqlalchemy.orm import Session

    from .queueing.models import Device

    if args.action == "list":
        with Session(db.inline_engine) as s:
            for d in s.execute(select(Device).order_by(Device.name)).scalars():
                seen = d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else "never"
                state = "revoked" if d.revoked_at else "active"
                print(f"{d.name}\t{d.kind}\t{state}\tlast seen {seen}\t{d.printer or ''}")
        return
    if args.action == "revoke":
        db.write(lambda s: auth.revoke_device(s, args.name, utcnow()))
        print(f"revoked {args.name}")
        return
    if args.printer and args.kind != "kiosk":
        fail("--printer is for kiosks")
    if args.printer:
        from printer_drivers import PrinterError, resolve_printer

        try:
            resolve_printer(args.printer, config.printers)
        except PrinterError as err:
            fail(f"--printer: {err}")
    token = db.write(lambda s: auth.add_device(s, args.name, args.kind, args.printer, utcnow()))
    print(f"added {args.kind} {args.name}; its token (shown once):")
    print(token)


def _print_test(args: argparse.Namespace) -> None:
    from .printing import preview_test, print_test

    config, path, db = _open(args)
    try:
        if args.preview:
            preview_test(config, args.url, args.lang, args.priority, args.preview)
        else:
            print_test(config, args.url, args.lang, args.priority)
    except Exception as err:  # the printer layer's errors carry a one-line reason
        fail(f"print-test {args.url}: {err}")
    print(f"wrote the sample ticket for {args.url} to {args.preview}" if args.preview
          else f"printed a sample ticket on {args.url}")


def run(args: argparse.Namespace) -> None:
    """Dispatch a non-serving command; every failure is one line on stderr and exit 1."""
    handlers = {"user": _user, "device": _device, "print-test": _print_test}
    logging.getLogger().setLevel(logging.ERROR)  # the CLI speaks in one line, below
    try:
        handlers[args.command](args)
    except QueueError as err:
        fail(message(err.code, "en", **err.params))
    except KeyboardInterrupt:
        fail("interrupted")
    except SQLAlchemyError as err:
        fail(f"database: {str(getattr(err, 'orig', None) or err).splitlines()[0]}")
