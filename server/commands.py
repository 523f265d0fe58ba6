"""What each `hallq` command does, once the async mode is settled."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import auth
from .config import ConfigError, config_path
from .exits import fail
from .queueing.clock import utcnow
from .queueing.errors import QueueError
from .messages import message


def _open(args: argparse.Namespace):
    from .opening import open_database

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

    try:
        app = create_app(config_path(args.config), {"ASYNC_MODE": mode, "MESSAGE_QUEUE": args.message_queue})
    except ConfigError as err:
        fail(f"config: {err}")
    except (SQLAlchemyError, ImportError) as err:
        fail(f"database: {str(getattr(err, 'orig', None) or err).splitlines()[0]}")
    from .serving import serve_eventlet, serve_threading

    run = serve_eventlet if mode == "eventlet" else serve_threading
    hall = app.extensions["hallq"]
    hall.start()
    try:
        run(app, args.host, args.port, hall.config.server, args.access_log, ready=lambda: _ready(args, mode))
    except OSError as err:
        fail(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}")
    finally:
        hall.stop()


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

    from .records import User

    if args.action == "list":
        with Session(db.inline_engine) as s:
            for u in s.execute(select(User).order_by(User.username)).scalars():
                state = "active" if u.active else "disabled"
                print(f"{u.username}\t{u.role}\t{state}\t{u.full_name or ''}".rstrip("\t"))
        return
    from .people import audit, change_user, validate_full_name, validate_username

    actor = f"cli:{getpass.getuser()}"
    counters = [c.number for c in config.counters]
    if args.action == "add":
        if args.counter is not None and args.counter not in counters:
            fail(f"--counter: there is no counter {args.counter}")
        try:
            validate_username(args.name)
        except QueueError as err:  # the CLI's own words: the full name is an option here
            fail(f"{args.name!r} is not a username: use letters without accents, digits and . _ - "
                 f"(e.g. {err.params['example']}); give the full name with --full-name")
        full_name = validate_full_name(args.full_name)
        password = _password()

        def add(s):
            user = auth.add_user(s, args.name, args.role, password, utcnow())
            user.counter, user.full_name = args.counter, full_name
            audit(s, actor, "user_added", args.name, utcnow(), role=args.role, counter=args.counter,
                  full_name=full_name)

        db.write(add)
        print(f"added {args.role} {args.name}")
        return
    changes = {"disable": {"active": False}, "enable": {"active": True}, "role": {"role": getattr(args, "role", None)},
               "passwd": {}, "full-name": {"full_name": getattr(args, "full_name", None)}}[args.action]
    if args.action == "passwd":
        changes["password"] = _password()
    db.write(lambda s: change_user(s, args.name, actor=actor, now=utcnow(), counters=counters, **changes))
    print(f"{args.action}: {args.name} done")


def _device(args: argparse.Namespace) -> None:
    config, path, db = _open(args)
    from sqlalchemy.orm import Session

    from .records import Device

    if args.action == "list":
        with Session(db.inline_engine) as s:
            for d in s.execute(select(Device).order_by(Device.name)).scalars():
                seen = d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else "never"
                state = "revoked" if d.revoked_at else "active"
                print(f"{d.name}\t{d.kind}\t{state}\tlast seen {seen}\t{d.printer or ''}")
        return
    from .people import audit

    actor = f"cli:{getpass.getuser()}"
    if args.action == "revoke":
        def revoke(s):
            auth.revoke_device(s, args.name, utcnow())
            audit(s, actor, "device_revoked", args.name, utcnow())

        db.write(revoke)
        print(f"revoked {args.name}")
        return
    # The same rules as POST /api/v1/devices; a refusal is one line (the catalog's English).
    device = auth.device_rules(args.name, args.kind, args.printer, config.printers)

    def add(s):
        token = auth.add_device(s, device, utcnow())
        audit(s, actor, "device_added", device.name, utcnow(), kind=device.kind, printer=device.printer)
        return token

    token = db.write(add)
    print(f"added {device.kind} {device.name}; its token (shown once):")
    print(token)


def _site(args: argparse.Namespace) -> None:
    """`hallq site add|list|revoke`: the centers reporting to this province (server/sites.py)."""
    config, path, db = _open(args)
    from sqlalchemy.orm import Session

    from .people import audit
    from .sites import Site, add_site, revoke_site

    if not config.province:
        fail(f"{path}: not a province server (set province: true in config.yaml; see docs/province.md)")
    if args.action == "list":
        with Session(db.inline_engine) as s:
            for site in s.execute(select(Site).order_by(Site.name)).scalars():
                seen = site.last_seen_at.isoformat(timespec="seconds") if site.last_seen_at else "never"
                state = "revoked" if site.revoked_at else "active"
                skew = f"\tclock skew {site.clock_skew_s:+.0f} s" if site.clock_skew_s is not None else ""
                print(f"{site.name}\t{state}\tlast seen {seen}\tdelivered up to seq {site.acked_seq}{skew}")
        return
    actor = f"cli:{getpass.getuser()}"
    if args.action == "revoke":
        def revoke(s):
            revoke_site(s, args.name, utcnow())
            audit(s, actor, "site_revoked", args.name, utcnow())

        db.write(revoke)
        print(f"revoked {args.name}: the province refuses its reports from now on")
        return

    def add(s):
        token = add_site(s, args.name, utcnow())
        audit(s, actor, "site_added", args.name, utcnow())
        return token

    token = db.write(add)
    print(f"added center {args.name}; give it this upstream token (shown once), as upstream.token "
          f"or $HALLQ_UPSTREAM_TOKEN:")
    print(token)


def _print_test(args: argparse.Namespace) -> None:
    from .paper import preview_test, print_test

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


def _setup(args: argparse.Namespace) -> None:
    """`hallq config export [FILE]` and `hallq config import FILE` (server/setup.py)."""
    import yaml

    from . import setup
    from .people import audit

    config, path, db = _open(args)
    if args.action == "export":
        version, doc = db.read(setup.load)
        text = (f"# hallq set-up, version {version}: services, counters, holidays, priority categories, boards.\n"
                f"# Apply it with `hallq config import FILE` (docs/admin.md).\n"
                + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120))
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8")
            print(f"wrote set-up version {version} to {args.file}")
        else:
            sys.stdout.write(text)
        return
    try:
        data = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    except OSError as err:
        fail(f"{args.file}: {err.strerror}")
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        fail(f"{args.file}{f' line {mark.line + 1}' if mark else ''}: not valid YAML ({getattr(err, 'problem', err)})")
    if not isinstance(data, dict) or not any(key in data for key in setup.KEYS):
        fail(f"{args.file}: no set-up in it (expected some of: {', '.join(setup.KEYS)})")
    ignored = [key for key in data if key not in setup.KEYS]
    actor, now = f"cli:{getpass.getuser()}", utcnow()

    def apply(s):
        change = setup.Change(s, config)
        before = change.row.version
        change.doc.update({key: data[key] for key in setup.KEYS if key in data})
        if setup.document(setup.checked(config, change.doc)) == setup.document(config):
            return None  # the set-up in use already: no new version, nothing for the servers to do
        change.finish(actor, now, confirm=args.confirm)
        audit(s, actor, "setup_imported", args.file, now, before=before, after=change.row.version)
        return change.row.version

    try:
        version = db.write(apply)
    except QueueError as err:
        fail(f"{args.file}: {message(err.code, 'en', **err.params)}"
             + (" (--confirm applies it anyway)" if err.code == "would_strand" else ""))
    note = f" (ignored {', '.join(ignored)}: those stay in config.yaml)" if ignored else ""
    if version is None:
        print(f"{args.file}: the same as the set-up in use; nothing changed{note}")
        return
    print(f"applied {args.file}: set-up version {version}{note}")
    print("a running server takes it within 2 seconds")


def _webhooks(args: argparse.Namespace) -> None:
    """`hallq webhooks test NAME | list`: the receivers in config.yaml (server/webhooks.py)."""
    from .config import load_config

    if args.action == "test":
        from .webhooks import deliver, sample

        try:
            config = load_config(config_path(args.config))
        except ConfigError as err:
            fail(f"config: {err}")
        hook = next((h for h in config.webhooks if h.name == args.name), None)
        if hook is None:
            known = ", ".join(h.name for h in config.webhooks) or "none in config.yaml"
            fail(f"no webhook receiver named {args.name!r} (known: {known})")
        answer = deliver(hook, sample(hook, config.center, utcnow()))
        line = f"{hook.name}: {answer.line()} ({answer.ms:.0f} ms)"
        if not answer.ok:
            fail(line)
        print(line)
        return
    from . import webhook_store as store

    config, _path, db = _open(args)
    for row in db.read(lambda s: store.status(s, config)):
        seen = f"delivered up to seq {row['delivered_seq']}" if row["delivered_seq"] is not None else "not started"
        trouble = f"\tfailing: {row['last_error']}" if row["failures"] else ""
        print(f"{row['name']}\t{row['url']}\t{seen}\t{row['pending']} pending\t"
              f"{row['dead_letters']} dead letters{trouble}")


def run(args: argparse.Namespace) -> None:
    """Dispatch a non-serving command; every failure is one line on stderr and exit 1."""
    handlers = {"user": _user, "device": _device, "site": _site, "print-test": _print_test, "config": _setup,
                "webhooks": _webhooks}
    logging.getLogger().setLevel(logging.ERROR)  # the CLI speaks in one line, below
    try:
        handlers[args.command](args)
    except QueueError as err:
        fail(message(err.code, "en", **err.params))
    except KeyboardInterrupt:
        fail("interrupted")
    except SQLAlchemyError as err:
        fail(f"database: {str(getattr(err, 'orig', None) or err).splitlines()[0]}")
