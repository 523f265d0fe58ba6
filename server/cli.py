"""The `hallq` command: serve, user, device, site, print-test, agent, init, backup, --version.

`serve` under eventlet must monkey-patch before anything else imports socket or
threading, so this module imports only argparse (and yaml, late) and decides
the async mode from the raw config file before loading the rest.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from .exits import fail


class _Version(argparse.Action):
    """--version: read from the installed package's metadata only when asked."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kw) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from .service import version

        print(f"hallq {version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallq", description="Queue tickets, counters and displays of a service hall.")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the hall server")
    serve.add_argument("--config", help="config file (default: $HALLQ_CONFIG or ./config.yaml)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--async-mode", choices=("eventlet", "threading"),
                       help="override server.async_mode (also $HALLQ_ASYNC_MODE)")
    serve.add_argument("--access-log", action="store_true", help="log every HTTP request")
    serve.add_argument("--message-queue", metavar="URL",
                       help="redis://HOST:PORT/DB: several serve processes on one database act as one hall "
                            "(also $HALLQ_MESSAGE_QUEUE or server.message_queue)")

    user = sub.add_parser("user", help="people: staff, supervisors, admins")
    user_sub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = user_sub.add_parser("add", help="create a person (password from stdin, or a prompt)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("admin", "supervisor", "staff"))
    add.add_argument("--counter", type=int, help="bind the person to one counter")
    add.add_argument("--full-name", help='the name shown on consoles, counter screens and reports ("Nguyễn Văn Bảo")')
    add.add_argument("--config")
    listing = user_sub.add_parser("list", help="list people")
    listing.add_argument("--config")
    for action, text in (("disable", "stop a person from logging in"), ("enable", "let them log in again"),
                         ("passwd", "reset a password (from stdin, or a prompt)")):
        one = user_sub.add_parser(action, help=text)
        one.add_argument("name")
        one.add_argument("--config")
    named = user_sub.add_parser("full-name", help="set a person's full name (an empty one: shown by the username)")
    named.add_argument("name")
    named.add_argument("full_name", metavar="FULL_NAME")
    named.add_argument("--config")
    role = user_sub.add_parser("role", help="change a person's role")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=("admin", "supervisor", "staff"))
    role.add_argument("--config")

    device = sub.add_parser("device", help="kiosks, displays and rating tablets")
    dev_sub = device.add_subparsers(dest="action", required=True, metavar="ACTION")
    dadd = dev_sub.add_parser("add", help="register a device; its token is the last line printed")
    dadd.add_argument("name", help="1-64 characters, any letters and / (e.g. \"kiosk tầng 1/2\")")
    dadd.add_argument("--kind", required=True, choices=("kiosk", "display", "rating"))
    dadd.add_argument("--printer", help="kiosks only: a serial://, usb://, tcp://, file:// or dummy:// URL, "
                                        "a printer name from config.yaml, or agent (a printer on the kiosk's "
                                        "own PC, driven by `hallq agent`)")
    dadd.add_argument("--config")
    dlist = dev_sub.add_parser("list", help="list devices")
    dlist.add_argument("--config")
    drevoke = dev_sub.add_parser("revoke", help="revoke a device's token")
    drevoke.add_argument("name", help="the name as listed by `hallq device list`")
    drevoke.add_argument("--config")

    site = sub.add_parser("site", help="on a province server: the centers that report to it")
    site_sub = site.add_subparsers(dest="action", required=True, metavar="ACTION")
    sadd = site_sub.add_parser("add", help="register a center; its upstream token is the last line printed")
    sadd.add_argument("name", help="1-64 characters, any letters (e.g. \"Trung tâm Hạ Long\")")
    sadd.add_argument("--config")
    slist = site_sub.add_parser("list", help="list the centers, when each was last seen and what it delivered")
    slist.add_argument("--config")
    srevoke = site_sub.add_parser("revoke", help="refuse a center's reports from now on (what it sent stays)")
    srevoke.add_argument("name")
    srevoke.add_argument("--config")

    pt = sub.add_parser("print-test", help="print a sample ticket (or draw it: --preview FILE.png)")
    pt.add_argument("url", help="printer URL or a printer name from config.yaml")
    pt.add_argument("--lang", choices=("vi", "en"), default="vi")
    pt.add_argument("--preview", metavar="FILE.png", help="write the ticket as a PNG, with the printer's settings, "
                                                            "instead of printing")
    pt.add_argument("--priority", metavar="CATEGORY", help="a priority_categories code: show the priority band")
    pt.add_argument("--config")

    agent = sub.add_parser("agent", help="on a kiosk's own PC: print that kiosk's tickets on its local printer",
                           description="Hold one connection to the hall server with a kiosk's device token (a kiosk "
                                       "added with --printer agent) and print its tickets on the local printer. "
                                       "See docs/kiosk-pc.md.")
    agent.add_argument("--server", metavar="URL",
                       help="the hall server, e.g. http://192.168.1.10:5000 (needed but for --print-test)")
    agent.add_argument("--token", metavar="TOKEN",
                       help="the kiosk's device token; better in $HALLQ_AGENT_TOKEN, which `ps` does not show")
    agent.add_argument("--printer", metavar="PRINTER_URL",
                       help="serial://, usb://, tcp://, file:// or dummy:// (as for the server's printers)")
    agent.add_argument("--config", metavar="FILE",
                       help="a YAML file of printer settings, the keys of a config.yaml printers: entry")
    agent.add_argument("--paper-width", metavar="WIDTH", help="80mm (576 dots, the default), 58mm (384) or dots")
    agent.add_argument("--text-mode", choices=("bitmap", "codepage"))
    agent.add_argument("--profile", metavar="NAME", help="a python-escpos printer profile, e.g. TM-T20II")
    agent.add_argument("--flow-control", choices=("none", "rtscts", "dsrdtr", "xonxoff"))
    agent.add_argument("--job-timeout", type=float, metavar="SECONDS", help="a whole ticket, at most (default 10)")
    agent.add_argument("--print-test", action="store_true",
                       help="print the sample ticket with these printer settings and exit (no server, no token)")
    conf = sub.add_parser("config", help="the hall's set-up (services, counters, holidays) as YAML")
    conf_sub = conf.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = conf_sub.add_parser("export", help="write the set-up in use as YAML (to FILE, or the screen)")
    export.add_argument("file", nargs="?", metavar="FILE")
    export.add_argument("--config")
    load = conf_sub.add_parser("import", help="apply a set-up from YAML, checked, in one transaction")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--confirm", action="store_true",
                      help="apply it even if waiting tickets would be left with no counter to call them")
    load.add_argument("--config")
    hooks = sub.add_parser("webhooks", help="the receivers of the hall's events (config.yaml's webhooks:)")
    hooks_sub = hooks.add_subparsers(dest="action", required=True, metavar="ACTION")
    htest = hooks_sub.add_parser("test", help="send a signed sample event to a receiver; print its answer")
    htest.add_argument("name", help="the receiver's name (its `name:`, else its URL's host; see `hallq webhooks list`)")
    htest.add_argument("--config")
    hlist = hooks_sub.add_parser("list", help="list the receivers and where their deliveries stand")
    hlist.add_argument("--config")
    init = sub.add_parser("init", help="write a starter config.yaml (the demo center) into a folder")
    init.add_argument("dir", nargs="?", metavar="DIR", help="where (default: the current folder; made if missing)")
    init.add_argument("--empty", action="store_true",
                      help="no services, counters or boards: a new center, set up in the browser (/admin/hall)")
    backup = sub.add_parser("backup", help="copy the hall's data while it runs (SQLite; PostgreSQL: use pg_dump)")
    backup.add_argument("file", metavar="FILE", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.add_argument("--config")
    return parser


def _async_mode(args: argparse.Namespace) -> str:
    """--async-mode, then $HALLQ_ASYNC_MODE, then server.async_mode in the raw config."""
    if args.async_mode:
        return args.async_mode
    if os.environ.get("HALLQ_ASYNC_MODE"):
        mode = os.environ["HALLQ_ASYNC_MODE"]
        if mode not in ("eventlet", "threading"):
            fail(f"HALLQ_ASYNC_MODE={mode!r}: use eventlet or threading")
        return mode
    import yaml

    path = Path(args.config or os.environ.get("HALLQ_CONFIG") or "config.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        mode = str((data.get("server") or {}).get("async_mode") or "eventlet")
    except (OSError, yaml.YAMLError, AttributeError):
        mode = "eventlet"
    # An unknown value is reported by the full config check, naming its key.
    return mode if mode in ("eventlet", "threading") else "threading"


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        mode = _async_mode(args)
        if mode == "eventlet":
            import warnings

            # eventlet is in bugfix-only mode; it is still the design's choice (see README).
            warnings.filterwarnings("ignore", message="\\s*Eventlet is deprecated")
            import eventlet

            eventlet.monkey_patch()
        from .commands import serve

        return serve(args, mode)
    if args.command == "agent":  # the kiosk PC's side: printer drivers and a Socket.IO client, no server
        from kiosk.agent import run

        return run(args)
    if args.command in ("init", "backup"):  # no Flask, no engine: answer at once
        from . import service

        return service.run(args)
    from . import commands

    commands.run(args)


if __name__ == "__main__":
    main()
