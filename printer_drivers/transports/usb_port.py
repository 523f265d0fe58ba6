"""USB transport: python-escpos finds and claims the device, we bound every transfer in time."""

from __future__ import annotations

import time

from printer_drivers.errors import PrinterConfigError, PrinterTimeout, PrinterUnavailable
from printer_drivers.transports.base import Transport, query_params, remaining

_OPTIONS = {"in_ep", "out_ep", "interface"}


def parse_ids(netloc: str) -> tuple[int, int]:
    """Parse "04b8:0e15" into (vendor, product)."""
    vendor, sep, product = netloc.partition(":")
    try:
        if not sep:
            raise ValueError
        return int(vendor, 16), int(product, 16)
    except ValueError:
        raise PrinterConfigError(f"USB URL must be usb://VID:PID in hex, e.g. usb://04b8:0e15, not {netloc!r}") from None


class UsbTransport(Transport):
    """usb://04b8:0e15[?in_ep=0x82&out_ep=0x01] through pyusb (python-escpos's Usb printer)."""

    def __init__(self, netloc: str, query: str = "") -> None:
        params = query_params(query, _OPTIONS)
        self.vendor, self.product = parse_ids(netloc)
        try:
            self.in_ep = int(params.get("in_ep", "0x82"), 0)
            self.out_ep = int(params.get("out_ep", "0x01"), 0)
        except ValueError:
            raise PrinterConfigError("USB endpoints must be numbers, e.g. in_ep=0x82") from None
        self.printer = None

    def open(self, deadline: float) -> None:
        """Find the device, detach the kernel driver, set the configuration."""
        try:
            from escpos.printer import Usb
            import usb.core  # noqa: F401  (pyusb; python-escpos's optional USB dependency)
        except ImportError:
            raise PrinterUnavailable("USB printing needs pyusb (pip install pyusb)") from None
        printer = Usb(self.vendor, self.product, timeout=1000, in_ep=self.in_ep, out_ep=self.out_ep)
        try:
            printer.open(raise_not_found=True)
        except Exception as exc:  # DeviceNotFoundError, USBError, NoBackendError
            raise PrinterUnavailable(
                f"USB printer {self.vendor:04x}:{self.product:04x} not found or not permitted ({_first_line(exc)})"
            ) from None
        self.printer = printer

    def write(self, data: bytes, deadline: float) -> None:
        """Bulk-write in chunks, each with the time left as its USB timeout."""
        device = self._device()
        view = memoryview(data)
        while view:
            left_ms = int(remaining(deadline) * 1000)
            if left_ms <= 0:
                raise PrinterTimeout(f"printer stopped taking data after {len(data) - len(view)} bytes")
            try:
                view = view[device.write(self.out_ep, bytes(view[:4096]), left_ms) :]
            except Exception as exc:
                raise _usb_error(exc) from None

    def read(self, size: int, timeout_s: float) -> bytes:
        """Bulk-read a status reply."""
        device = self._device()
        timeout_ms = max(1, int(timeout_s * 1000))
        started = time.monotonic()
        try:
            return bytes(device.read(self.in_ep, max(size, 64), timeout_ms))
        except Exception as exc:
            error = _usb_error(exc)
            if isinstance(error, PrinterTimeout) or time.monotonic() - started >= timeout_s:
                return b""
            raise error from None

    def close(self) -> None:
        """Release the interface."""
        printer, self.printer = self.printer, None
        if printer is not None:
            try:
                printer.close()
            except Exception:
                pass

    def _device(self):
        if self.printer is None or not self.printer.device:
            raise PrinterUnavailable("USB printer is not open")
        return self.printer.device


def _usb_error(exc: Exception) -> Exception:
    text = _first_line(exc)
    if "timed out" in text.lower() or getattr(exc, "errno", None) == 110:
        return PrinterTimeout("printer stopped taking data (USB transfer timed out)")
    return PrinterUnavailable(f"USB printer disconnected ({text})")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
