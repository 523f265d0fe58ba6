"""`hallq serve` stops its hall on the way out: Ctrl-C ends the process, in both async modes."""
from __future__ import annotations

import signal

import pytest

pytestmark = pytest.mark.slow  # real `hallq serve` processes


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_ctrl_c_stops_the_hall_and_the_process_ends(live_server, auth, mode):
    server = live_server(async_mode=mode, name=f"shutdown-{mode}")
    kiosk = auth(server).kiosk()
    assert server.post("tickets", {"service": "HT"}, token=kiosk).status_code == 201
    server.proc.send_signal(signal.SIGINT)
    code = server.proc.wait(30)  # hall.stop() joins every thread it started: a hang would stop here
    log = server.log_tail(60)
    assert "hallq stopped" in log, (code, log)
    server.start()  # the database is whole: the next start serves the ticket made before
    assert server.state()["seq"] >= 1
