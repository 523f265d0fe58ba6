"""Printer fixtures: a virtual serial printer on a pty pair and a virtual network printer."""

from __future__ import annotations

import pytest

from tests.printers.virtual_printer import PtyPrinter, TcpPrinter


@pytest.fixture
def serial_printer():
    """A virtual ESC/POS printer on a pty; print to ``serial_printer.url``, inspect ``.model``."""
    printer = PtyPrinter()
    yield printer
    printer.close()


@pytest.fixture
def tcp_printer():
    """A virtual ESC/POS printer listening on a free loopback port; print to ``tcp_printer.url``."""
    printer = TcpPrinter()
    yield printer
    printer.close()
