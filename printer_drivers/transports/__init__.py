"""Open a transport from a printer URL (see CONTRACT.md for the URL forms)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from printer_drivers.errors import PrinterConfigError
from printer_drivers.transports.base import Transport
from printer_drivers.transports.dummy import DummyTransport, dummy_output
from printer_drivers.transports.file import FileTransport
from printer_drivers.transports.serial_port import SerialTransport
from printer_drivers.transports.tcp import TcpTransport
from printer_drivers.transports.usb_port import UsbTransport

__all__ = ["Transport", "transport_for", "dummy_output", "SCHEMES"]

SCHEMES = ("serial", "usb", "tcp", "file", "dummy")


def transport_for(url: str, flow_control: str = "none") -> Transport:
    """Build (not open) the transport a printer URL names."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    path = unquote(parts.path)
    try:
        if scheme == "serial":
            return SerialTransport(path or unquote(parts.netloc), parts.query, flow_control)
        if scheme == "tcp":
            return TcpTransport(parts.hostname or "", parts.port, parts.query)
        if scheme == "file":
            return FileTransport(path, parts.query)
        if scheme == "usb":
            return UsbTransport(parts.netloc, parts.query)
        if scheme == "dummy":
            return DummyTransport(parts.netloc + path, parts.query)
    except ValueError as exc:  # e.g. a port that is not a number
        raise PrinterConfigError(f"bad printer URL {url!r}: {exc}") from None
    raise PrinterConfigError(f"printer URL must start with one of {', '.join(s + '://' for s in SCHEMES)}: {url!r}")
