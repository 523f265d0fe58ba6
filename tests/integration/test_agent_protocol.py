"""The /agent namespace as the server keeps it, against a real `hallq serve`.

A plain Socket.IO client speaks the protocol here (docs/api.md, "Agents"), so that each rule
of the server can be driven exactly: a job held unanswered, a reconnect, a late result, a
revoke. The real `hallq agent` processes on virtual printers are in tests/agent/.
"""
from __future__ import annotations

import queue
import threading
import time
import uuid
from typing import Any

import pytest
import socketio

pytestmark = pytest.mark.slow
NS = "/agent"


class Line:
    """One agent connection: what the server sent it, in order."""

    def __init__(self, url: str, token: str, *, job_timeout_s: float = 2.0, printer: str = "usb://04b8:0e15",
                 session: str | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.jobs: queue.Queue = queue.Queue()
        self.refused: queue.Queue = queue.Queue()
        self.welcome: dict[str, Any] | None = None
        self.error: Any = None
        self.gone = threading.Event()
        self.sio.on("job", self.jobs.put, namespace=NS)
        self.sio.on("refused", self.refused.put, namespace=NS)
        self.sio.on("welcome", self._welcome, namespace=NS)
        self.sio.on("connect_error", self._error, namespace=NS)
        self.sio.on("disconnect", lambda *_: self.gone.set(), namespace=NS)
        self.url, self.auth = url, {"token": token, "printer": printer, "job_timeout_s": job_timeout_s, "version": 1,
                                    "session": session or uuid.uuid4().hex}

    def _welcome(self, data: dict[str, Any]) -> None:
        self.welcome = data

    def _error(self, data: Any) -> None:
        self.error = data

    def connect(self) -> "Line":
        self.sio.connect(self.url, namespaces=[NS], transports=["websocket"], auth=self.auth, wait_timeout=15)
        return self

    def job(self, timeout: float = 15.0) -> dict[str, Any]:
        return self.jobs.get(timeout=timeout)

    def no_job(self, wait: float = 2.5) -> None:
        """Nothing is sent within `wait` (the pump turns every second)."""
        with pytest.raises(queue.Empty):
            got = self.jobs.get(timeout=wait)
            pytest.fail(f"a job was sent: {got}")

    def result(self, job: int, ok: bool = True, **extra: Any) -> dict[str, Any]:
        status = extra.pop("status", {"online": True, "paper": "ok", "cover_open": False, "fault": False})
        return self.sio.call("result", {"id": job, "ok": ok, "status": status, **extra}, namespace=NS, timeout=10)

    def status(self, **fields: Any) -> None:
        self.sio.emit("status", {"online": True, "paper": "ok", "cover_open": False, "fault": False, **fields},
                      namespace=NS)

    def close(self) -> None:
        """Disconnect, in the background: under the threading server the websocket close handshake is
        never answered and the client would wait 3 s for it (tests/support/display.py)."""
        def bye() -> None:
            try:
                self.sio.disconnect()
            except Exception:  # noqa: BLE001 - already gone
                pass

        threading.Thread(target=bye, daemon=True).start()


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth):
    server = live_server(name=f"agents-{request.param}", async_mode=request.param)
    made = auth(server).make(admin=["admin"], staff=["staff"], supervisor=["boss"], display=["tv"])
    return server, made


def only_eventlet(server) -> None:
    """The pump and the links are the same code in both modes: the threading server runs the core
    tests (one job at a time, never twice; the reports and the kiosk's warning), not every rule."""
    if server.async_mode == "threading":
        pytest.skip("covered under eventlet; the threading hall runs the core tests only")


def agent_kiosk(server, made, name: str) -> str:
    return made_device(server, made, name, "agent")


def made_device(server, made, name: str, printer: str | None) -> str:
    admin = made["admin"]["admin"]
    body = {"name": name, "kind": "kiosk", **({"printer": printer} if printer else {})}
    resp = server.post("devices", body, token=admin)
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def issue(server, kiosk: str, service: str = "DD") -> dict[str, Any]:
    resp = server.post("tickets", {"service": service}, token=kiosk)
    assert resp.status_code == 201, resp.text
    assert resp.json()["print"] == {"status": "queued"}
    return resp.json()["ticket"]


def print_state(server, ticket: dict[str, Any]) -> dict[str, Any]:
    return server.get(f"tickets/{ticket['token']}").json()["print"]


def wait_until(what: str, check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"waited {timeout:g} s for {what}")


def told_until(told: queue.Queue, wanted: dict[str, Any], timeout: float = 15.0) -> bool:
    """The kiosk is told `wanted` (conditions in between, such as "ok" on connect, may come first)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = told.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(got)
        if got == wanted:
            return True
    pytest.fail(f"the kiosk was told {seen}, never {wanted}")


def printer_row(server, made, kiosk: str) -> dict[str, Any]:
    rows = server.get("printers", token=made["supervisor"]["boss"]).json()
    return next(r for r in rows if r["kiosk"] == kiosk)


def test_only_a_live_agent_kiosk_token_may_connect(hall):
    server, made = hall
    only_eventlet(server)
    plain = made_device(server, made, "k-plain", "dummy://")
    for token, code in (("hqd_not-a-token", "unauthenticated"), ("", "unauthenticated"),
                        (plain, "not_an_agent_kiosk"), (made["display"]["tv"], "not_an_agent_kiosk"),
                        (made["staff"]["staff"], "not_an_agent_kiosk")):
        line = Line(server.url, token)
        with pytest.raises(socketio.exceptions.ConnectionError):
            line.connect()
        assert isinstance(line.error, dict) and line.error.get("data", {}).get("code") == code, (token, line.error)
        assert line.error.get("message"), line.error


def test_jobs_go_one_at_a_time_in_order_and_never_twice(hall):
    server, made = hall
    kiosk = agent_kiosk(server, made, "k-order")
    line = Line(server.url, kiosk).connect()
    assert line.welcome == {"kiosk": "k-order"}
    tickets = [issue(server, kiosk) for _ in range(3)]

    first = line.job()
    assert first["number"] == tickets[0]["number"] and first["view"]["number"] == tickets[0]["number"]
    assert first["view"]["qr_url"].endswith(f"/t/{tickets[0]['token']}")
    line.no_job()  # the next waits for the first's result

    # The link drops with the first job unanswered; a new connection gets the second, never the first again.
    line.close()
    line2 = Line(server.url, kiosk).connect()
    second = line2.job()
    assert second["number"] == tickets[1]["number"]
    assert line2.result(second["id"]) == {"ok": True}
    third = line2.job()
    assert third["number"] == tickets[2]["number"]
    assert line2.result(third["id"], ok=False, error="paper ran out", code="paper_out",
                        status={"online": False, "paper": "out", "cover_open": False, "fault": False}) == {"ok": True}
    line2.no_job()

    assert wait_until("the second printed", lambda: print_state(server, tickets[1])["status"] == "printed")
    third_state = print_state(server, tickets[2])
    assert third_state["status"] == "failed" and third_state["code"] == "paper_out"
    # The unanswered first job fails once its time is up (job_timeout_s 2 + 5 s); a late "printed" changes nothing.
    failed = wait_until("the unanswered job to fail", lambda: (s := print_state(server, tickets[0]))["status"] == "failed" and s)
    assert failed["code"] == "timeout"
    assert line2.result(first["id"]) == {"ok": True}
    assert print_state(server, tickets[0])["status"] == "failed"
    # A reprint is a new job, and it goes.
    assert server.post(f"tickets/{tickets[0]['token']}/reprint", token=kiosk).status_code == 200
    again = line2.job()
    assert again["number"] == tickets[0]["number"] and again["id"] > third["id"]
    line2.result(again["id"])
    assert wait_until("the reprint printed", lambda: print_state(server, tickets[0])["status"] == "printed")
    line2.close()


def test_a_reconnecting_agent_finishes_its_job_before_it_gets_the_next(hall):
    """The same agent (its session) back after a network blip: its job may still be printing, so
    nothing else goes until its result, which the new connection delivers."""
    server, made = hall
    only_eventlet(server)
    kiosk = agent_kiosk(server, made, "k-blip")
    line = Line(server.url, kiosk, job_timeout_s=10, session="same-agent").connect()
    tickets = [issue(server, kiosk) for _ in range(2)]
    first = line.job()
    line.close()
    back = Line(server.url, kiosk, job_timeout_s=10, session="same-agent").connect()
    back.no_job()
    assert back.result(first["id"]) == {"ok": True}
    assert wait_until("the first printed", lambda: print_state(server, tickets[0])["status"] == "printed")
    second = back.job()
    assert second["number"] == tickets[1]["number"]
    back.result(second["id"])
    back.close()


def test_an_agent_may_only_report_its_own_kiosks_jobs(hall):
    server, made = hall
    only_eventlet(server)
    mine, other = agent_kiosk(server, made, "k-mine"), agent_kiosk(server, made, "k-other")
    theirs = Line(server.url, other).connect()
    ticket = issue(server, other)
    job = theirs.job()
    me = Line(server.url, mine).connect()
    assert me.result(job["id"], ok=False, error="not mine", code="paper_out") == {"ok": True}  # acknowledged, ignored
    assert me.sio.call("result", {"id": "x", "ok": True}, namespace=NS, timeout=10)["error"]["code"] == "invalid_body"
    assert print_state(server, ticket)["status"] == "queued"
    theirs.result(job["id"])
    assert wait_until("printed", lambda: print_state(server, ticket)["status"] == "printed")
    me.close()
    theirs.close()


def test_the_printers_list_the_kiosk_warns_and_the_dashboard_alerts(hall):
    server, made = hall
    kiosk = agent_kiosk(server, made, "k-status")
    boss = made["supervisor"]["boss"]
    row = printer_row(server, made, "k-status")
    assert row["via"] == "agent" and row["name"] == "agent:k-status" and row["online"] is False
    assert row["error_code"] == "agent_offline"

    # The kiosk page's own connection: its printer's condition comes with the snapshot, then on change.
    told: queue.Queue = queue.Queue()
    page = socketio.Client(reconnection=False)
    page.on("printer_status", told.put, namespace="/hall")
    page.connect(server.url, namespaces=["/hall"], transports=["websocket"], auth={"token": kiosk}, wait_timeout=15)
    assert told_until(told, {"printer": "offline", "warn": True})

    line = Line(server.url, kiosk, printer="serial:///dev/ttyS0?baudrate=115200").connect()
    line.status(paper="near_end")
    assert told_until(told, {"printer": "near_end", "warn": False})
    row = wait_until("the agent's printer online", lambda: (r := printer_row(server, made, "k-status"))["online"] and r)
    assert row["url"] == "serial:///dev/ttyS0?baudrate=115200" and row["paper"] == "near_end"

    line.status(online=False, paper="out")
    assert told_until(told, {"printer": "paper_out", "warn": True})
    assert wait_until("paper out listed", lambda: printer_row(server, made, "k-status")["paper"] == "out")
    alerts = server.get("dashboard", token=boss).json()["alerts"]
    assert any(a["kind"] == "printer_paper_out" and a["kiosk"] == "k-status" for a in alerts), alerts
    # Paper out: the kiosk still issues, and the ticket's job still goes to the agent.
    ticket = issue(server, kiosk)
    job = line.job()
    assert job["number"] == ticket["number"]
    line.result(job["id"], ok=False, error="out of paper", code="paper_out",
                status={"online": False, "paper": "out", "cover_open": False, "fault": False})

    line.status(paper="ok")
    assert told_until(told, {"printer": "ok", "warn": False})

    line.close()
    assert told_until(told, {"printer": "offline", "warn": True})
    row = wait_until("offline again", lambda: (r := printer_row(server, made, "k-status"))["online"] is False and r)
    assert row["error_code"] == "agent_offline"
    alerts = server.get("dashboard", token=boss).json()["alerts"]
    assert any(a["kind"] == "printer_agent_offline" and a["kiosk"] == "k-status" for a in alerts), alerts
    threading.Thread(target=page.disconnect, daemon=True).start()


def test_a_newer_connection_replaces_the_older(hall):
    server, made = hall
    only_eventlet(server)
    kiosk = agent_kiosk(server, made, "k-twice")
    old = Line(server.url, kiosk).connect()
    new = Line(server.url, kiosk).connect()
    assert old.refused.get(timeout=10)["code"] == "agent_replaced"
    assert old.gone.wait(10)
    ticket = issue(server, kiosk)
    assert new.job()["number"] == ticket["number"]
    new.close()


@pytest.mark.parametrize("how", ["api", "cli"])
def test_a_revoked_kiosks_agent_is_sent_away_at_once(hall, how):
    server, made = hall
    only_eventlet(server)
    name = f"k-revoke-{how}"
    kiosk = agent_kiosk(server, made, name)
    line = Line(server.url, kiosk).connect()
    if how == "api":
        assert server.post(f"devices/{name}/revoke", {}, token=made["admin"]["admin"]).status_code == 200
    else:
        server.cli("device", "revoke", name)
    refused = line.refused.get(timeout=10)
    assert refused["code"] == "unauthenticated" and refused["message"]
    assert line.gone.wait(10)
    again = Line(server.url, kiosk)
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect()
    assert again.error["data"]["code"] == "unauthenticated"
