"""What `hallq agent` is told at start: the server, the kiosk's token, the printer and its settings.

The printer settings are those of one `printers:` entry of the server's config.yaml
(paper_width_dots, profile, text_mode, ...), read from a small local YAML file
(`--config agent.yaml`) and/or flags; flags win. Everything is checked here, before
the agent connects, so that a wrong URL or setting is one line at start.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from printer_drivers.errors import PrinterConfigError
from printer_drivers.settings import PrinterEntry, PrinterSettings

TOKEN_ENV = "HALLQ_AGENT_TOKEN"  # so the token need not be on the command line, where `ps` shows it
PAPER_WIDTHS_MM = {"80": 576, "80mm": 576, "58": 384, "58mm": 384}


class SetupError(Exception):
    """The agent cannot start as asked; ``str(err)`` is one line for people."""


@dataclass(frozen=True)
class AgentSetup:
    """Everything the agent needs, checked."""

    server: str
    token: str
    printer_url: str
    settings: PrinterSettings


def paper_width(value: str) -> int:
    """--paper-width: 80mm (576 dots), 58mm (384 dots), or a number of dots."""
    text = value.strip().lower().replace(" ", "")
    if text in PAPER_WIDTHS_MM:
        return PAPER_WIDTHS_MM[text]
    try:
        return int(text)
    except ValueError:
        raise SetupError(f"--paper-width {value!r}: use 80mm, 58mm or a number of dots (576, 384)") from None


def _read_yaml(path: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SetupError(f"{path}: no such file") from None
    except OSError as err:
        raise SetupError(f"{path}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise SetupError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SetupError(f"{path}: must be a mapping of printer settings (paper_width_dots, profile, ...)")
    return data


def _flags(args: Any) -> dict[str, Any]:
    """The printer settings given as flags, by their config.yaml key."""
    given: dict[str, Any] = {}
    if getattr(args, "paper_width", None) is not None:
        given["paper_width_dots"] = paper_width(args.paper_width)
    for flag, key in (("text_mode", "text_mode"), ("profile", "profile"), ("job_timeout", "job_timeout_s"),
                      ("flow_control", "flow_control")):
        if getattr(args, flag, None) is not None:
            given[key] = getattr(args, flag)
    return given


def _pydantic_reason(err: Exception, source: str) -> str:
    first = err.errors()[0]  # type: ignore[attr-defined]
    where = ".".join(str(p) for p in first["loc"])
    msg = str(first["msg"]).removeprefix("Value error, ")
    return f"{source}: {where}: {msg}" if where else f"{source}: {msg}"


def setup_from(args: Any, environ: dict[str, str] | None = None) -> AgentSetup:
    """Check the command line (and the local YAML, and $HALLQ_AGENT_TOKEN); raise SetupError with one line."""
    from pydantic import ValidationError

    from printer_drivers.transports import transport_for

    environ = os.environ if environ is None else environ
    local = bool(getattr(args, "print_test", False))  # --print-test: the printer only
    server = (args.server or "").strip().rstrip("/")
    parts = urlsplit(server)
    if not local and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise SetupError(f"--server {args.server!r}: give the hall server's address, e.g. http://192.168.1.10:5000"
                         if args.server else "no server: pass --server URL, e.g. http://192.168.1.10:5000")
    token = (args.token or environ.get(TOKEN_ENV) or "").strip()
    if not token and not local:
        raise SetupError(f"no token: pass --token or set {TOKEN_ENV} (the kiosk's device token)")

    source = args.config or "the flags"
    entry_data = _read_yaml(args.config) if args.config else {}
    entry_data.update(_flags(args))
    try:
        entry = PrinterEntry.model_validate(entry_data)
    except ValidationError as err:
        raise SetupError(_pydantic_reason(err, source)) from None
    url = (args.printer or entry.url or "").strip()
    if not url:
        raise SetupError("no printer: pass --printer URL (or `url:` in --config)")
    settings = PrinterSettings(**entry.model_dump(exclude={"url"}))
    try:
        transport_for(url, settings.flow_control)  # builds, does not open: the URL's form and options
    except PrinterConfigError as err:
        raise SetupError(f"--printer: {err}") from None
    return AgentSetup(server=server, token=token, printer_url=url, settings=settings)
