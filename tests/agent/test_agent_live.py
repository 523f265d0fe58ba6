"""`hallq agent` against a real `hallq serve`, with virtual printers on ptys (issue 11's tests).

These need the server's side of issue 11 (the `/agent` namespace, `--printer agent` kiosks,
agent printers in GET /printers): until it is merged, every test here fails at its first
`hallq device add ... --printer agent` (printer_agent_unavailable). That is expected.
"""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.agent.support import WAIT_S, wait_until
from tests.printers.hall_printing import issue, qr_codes, settled_print
from tests.printers.virtual_printer import PtyPrinter

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hall(live_server, auth):
    """One hall for the module; each test makes its own kiosks (device names are unique per test)."""
    server = live_server(name="agent-live")
    server.auth = auth(server)
    return server


def agent_kiosk(hall, name: str) -> str:
    """`hallq device add NAME --kind kiosk --printer agent`; its token."""
    return hall.auth.device(name, "kiosk", printer="agent")


def start_agent(agent_process, hall, token: str, printer: PtyPrinter, name: str, *flags: str):
    agent = agent_process("--server", hall.url, "--printer", printer.url, *flags, token=token)
    agent.wait_for_lines(lambda line: f"connected to {hall.url} as {name}" in line)
    return agent


def printer_entry(hall, name: str) -> dict:
    boss = hall.auth.supervisor()
    resp = hall.get("printers", token=boss)
    assert resp.status_code == 200, resp.text[:300]
    found = [p for p in resp.json() if p["name"] == f"agent:{name}"]
    assert found, f"agent:{name} not in GET /printers: {[p['name'] for p in resp.json()]}"
    return found[0]


def printed_once(printer: PtyPrinter, ticket_token: str) -> int:
    """How many tickets with this ticket's QR code the printer got."""
    return sum(1 for qr in qr_codes(printer.model) if qr.decode().endswith(f"/t/{ticket_token}"))


def test_a_kiosk_ticket_prints_through_the_agent(hall, agent_process, pty_printer):
    token = agent_kiosk(hall, "kiosk-agent-1")
    agent = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-1")
    body = issue(hall, token)
    ticket = body["ticket"]
    assert settled_print(hall, ticket["token"])["status"] == "printed"
    assert printed_once(pty_printer, ticket["token"]) == 1
    assert agent.wait_for_lines(lambda line: f"printed {ticket['number']} (job " in line)
    wait_until(lambda: printer_entry(hall, "kiosk-agent-1")["online"] is True, what="online in GET /printers")
    entry = printer_entry(hall, "kiosk-agent-1")
    assert entry["via"] == "agent" and entry["kiosk"] == "kiosk-agent-1" and entry["kiosks"] == ["kiosk-agent-1"]
    assert entry["url"] == pty_printer.url
    assert entry["paper"] == "ok" and entry["cover_open"] is False and entry["pending_jobs"] == 0


def test_three_agents_print_at_once(hall, agent_process):
    printers = [PtyPrinter() for _ in range(3)]
    try:
        names = [f"kiosk-agent-three-{n}" for n in range(3)]
        tokens = [agent_kiosk(hall, name) for name in names]
        for token, printer, name in zip(tokens, printers, names):
            start_agent(agent_process, hall, token, printer, name)
        bodies: list[dict] = [{}] * 3

        def tap(n: int) -> None:
            bodies[n] = issue(hall, tokens[n])

        taps = [threading.Thread(target=tap, args=(n,)) for n in range(3)]
        for t in taps:
            t.start()
        for t in taps:
            t.join(WAIT_S)
        for body, printer in zip(bodies, printers):
            assert settled_print(hall, body["ticket"]["token"])["status"] == "printed"
            assert printed_once(printer, body["ticket"]["token"]) == 1
            assert printer.model.count("cut") == 1  # its own kiosk's ticket, nobody else's
    finally:
        for printer in printers:
            printer.close()


def test_paper_out_shows_in_get_printers_and_fails_the_print(hall, agent_process, pty_printer):
    token = agent_kiosk(hall, "kiosk-agent-paper")
    start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-paper")
    pty_printer.model.paper = "out"
    wait_until(lambda: printer_entry(hall, "kiosk-agent-paper")["paper"] == "out", what="paper out in GET /printers")
    body = issue(hall, token)
    assert settled_print(hall, body["ticket"]["token"])["code"] == "paper_out"
    assert pty_printer.model.count("cut") == 0
    pty_printer.model.paper = "ok"
    wait_until(lambda: printer_entry(hall, "kiosk-agent-paper")["paper"] == "ok", what="paper back in GET /printers")


def test_an_agent_that_stops_reads_offline(hall, agent_process, pty_printer):
    token = agent_kiosk(hall, "kiosk-agent-stop")
    agent = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-stop")
    wait_until(lambda: printer_entry(hall, "kiosk-agent-stop")["online"] is True, what="online")
    assert agent.terminate() == 0
    wait_until(lambda: printer_entry(hall, "kiosk-agent-stop")["online"] is False, what="offline after the agent left")


def test_an_agent_that_goes_silent_reads_offline_within_15_s(hall, agent_process, pty_printer):
    """A frozen kiosk PC (SIGSTOP: its connection stays open, nothing comes) reads offline once
    it has sent nothing for 15 s, and online again when it wakes."""
    token = agent_kiosk(hall, "kiosk-agent-frozen")
    agent = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-frozen")
    wait_until(lambda: printer_entry(hall, "kiosk-agent-frozen")["online"] is True, what="online")
    os.kill(agent.proc.pid, signal.SIGSTOP)
    try:
        wait_until(lambda: printer_entry(hall, "kiosk-agent-frozen")["online"] is False, what="offline while frozen")
        entry = printer_entry(hall, "kiosk-agent-frozen")
        assert entry["error_code"] == "agent_offline" and "15 s" in entry["last_error"]
    finally:
        os.kill(agent.proc.pid, signal.SIGCONT)
    wait_until(lambda: printer_entry(hall, "kiosk-agent-frozen")["online"] is True, what="online after waking")


@pytest.mark.parametrize("kind, printer, code", [
    (None, None, "unauthenticated"),  # a token the server never gave
    ("display", None, "not_an_agent_kiosk"),
    ("kiosk", "dummy://", "not_an_agent_kiosk"),  # a kiosk whose printer the server drives itself
])
def test_a_token_that_may_not_run_an_agent_is_one_line_and_exit_2(hall, agent_process, pty_printer,
                                                                  kind, printer, code):
    token = "hqd_never-given" if kind is None else hall.auth.device(f"agent-refused-{kind}", kind, printer=printer)
    agent = agent_process("--server", hall.url, "--printer", pty_printer.url, token=token)
    assert agent.finish() == 2
    assert agent.lines[-1].startswith(f"hallq agent: the server refused the token ({code})"), agent.lines
    assert not any("connected to" in line for line in agent.lines)


def test_a_revoked_kiosk_is_disconnected_and_its_agent_exits_2(hall, agent_process, pty_printer):
    token = agent_kiosk(hall, "kiosk-agent-revoked")
    agent = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-revoked")
    hall.cli("device", "revoke", "kiosk-agent-revoked")
    assert agent.finish() == 2
    assert agent.lines[-1].startswith("hallq agent: the server refused the token (unauthenticated)"), agent.lines


def test_a_job_never_prints_twice_when_the_agent_is_killed_mid_ticket(hall, agent_process, pty_printer):
    token = agent_kiosk(hall, "kiosk-agent-kill")
    agent = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-kill", "--job-timeout", "3")
    # The printer stops reading a few hundred bytes into the next ticket (status queries come before).
    pty_printer.stall_after = pty_printer.model.received - 12 + 300
    body = issue(hall, token)
    wait_until(lambda: pty_printer.model.data_bytes > 0, what="the ticket began")
    agent.kill()  # kill -9, mid-ticket
    pty_printer.stall_after = None
    pty_printer.resume()  # what the kernel still held reaches the printer: at most that one ticket
    outcome = settled_print(hall, body["ticket"]["token"])  # the server fails it after job_timeout_s + 5 s
    assert outcome["status"] in ("printed", "failed")
    pty_printer.model.power_cycle()  # a ticket cut short is forgotten, as a printer switched off and on
    again = start_agent(agent_process, hall, token, pty_printer, "kiosk-agent-kill")
    later = issue(hall, token)
    assert settled_print(hall, later["ticket"]["token"])["status"] == "printed"
    assert printed_once(pty_printer, later["ticket"]["token"]) == 1
    assert printed_once(pty_printer, body["ticket"]["token"]) <= 1  # never twice
    assert not any(f"({body['ticket']['number']})" in line or f"printed {body['ticket']['number']} " in line
                   for line in again.log())  # the new agent was never sent the killed job


def test_the_agent_comes_back_after_the_server_was_away(live_server, auth, agent_process, pty_printer):
    server = live_server(name="agent-restart")
    server.auth = auth(server)
    token = agent_kiosk(server, "kiosk-agent-restart")
    agent = start_agent(agent_process, server, token, pty_printer, "kiosk-agent-restart")
    server.stop()
    agent.wait_for_lines(lambda line: "disconnected from" in line)
    time.sleep(10)  # the scenario: the server is away for ten seconds
    assert agent.proc.poll() is None
    assert agent.wait_for_lines(lambda line: "cannot connect to" in line, count=2)
    server.start()
    agent.wait_for_lines(lambda line: f"connected to {server.url} as kiosk-agent-restart" in line, count=2)
    body = issue(server, token)
    assert settled_print(server, body["ticket"]["token"])["status"] == "printed"
    assert printed_once(pty_printer, body["ticket"]["token"]) == 1
