"""The province (issue 14): one province server and two centers, each a real `hallq serve` on its own database.

Tickets issued, served and rated at both centers reach the province with exact counts; the
province stopped for a while, the centers keep serving and it catches up exactly; a center
killed with -9 while it pushes a backlog (in small batches) resends and nothing is counted
twice; a batch sent again or out of order changes nothing; a revoked center is refused and
says so once in its log; a bad token, a person's token and a site token off its two views are
refused. Center A runs under eventlet, center B under threading: the pusher runs in both.
The servers are shared by the module's tests, which run in order.
"""
from __future__ import annotations

import sqlite3
import time

import pytest

from tests.support.hall import hall_config

pytestmark = pytest.mark.slow
WAIT_S = 30


def site_token(province, name: str) -> str:
    out = province.cli("site", "add", name).stdout.strip().splitlines()
    assert out[-1].startswith("hqs_"), out
    return out[-1]


@pytest.fixture(scope="module")
def hall(live_server, auth):
    """The province, centers A (eventlet, batches of 5 seqs) and B (threading), and their tokens."""
    province = live_server(hall_config(edit=lambda d: d.update(province=True)), name="province")
    tokens = {name: site_token(province, name) for name in ("Hạ Long", "Cẩm Phả", "replayer")}
    centers = {}
    for name, mode, batch in (("Hạ Long", "eventlet", 5), ("Cẩm Phả", "threading", 500)):
        upstream = {"url": province.url, "token": tokens[name], "batch_seqs": batch}
        centers[name] = live_server(hall_config(edit=lambda d, u=upstream: d.update(upstream=u)),
                                    async_mode=mode, name="center")
    people = {name: auth(c).make(staff=["staff"], kiosk=["kiosk"]) for name, c in centers.items()}
    supervisor = auth(province).supervisor()
    return province, centers, people, tokens, supervisor


def serve(center, made, *, issued: int, served: int, rated: int) -> None:
    """Issue tickets in TK, serve the oldest through counter 10, rate the first of these 4 (very satisfied)."""
    staff, kiosk = made["staff"]["staff"], made["kiosk"]["kiosk"]
    tickets = []
    for _ in range(issued):
        resp = center.request("POST", "tickets", token=kiosk, json={"service": "TK"})
        assert resp.status_code == 201, resp.text
        tickets.append(resp.json()["ticket"]["token"])
    for _ in range(served):  # oldest first: a ticket left waiting before is served before these
        for action in ("call-next", "start", "finish"):
            resp = center.request("POST", f"counters/10/{action}", token=staff, json={})
            assert resp.status_code == 200, f"{action}: {resp.text}"
    for token in tickets[:rated]:
        resp = center.request("POST", f"tickets/{token}/rating", json={"score": 4})
        assert resp.status_code in (200, 201), resp.text


def province_rows(province) -> dict[str, tuple[int, int]]:
    """Per center, straight from the province's database: fact rows, and distinct tickets among them."""
    with sqlite3.connect(province.sqlite_path) as db:
        return {name: (rows, distinct) for name, rows, distinct in db.execute(
            "SELECT sites.name, COUNT(site_tickets.id), COUNT(DISTINCT site_tickets.ticket_id) FROM sites "
            "LEFT JOIN site_tickets ON site_tickets.site_id = sites.id GROUP BY sites.name")}


def sites(province, supervisor) -> dict[str, dict]:
    resp = province.request("GET", "sites", token=supervisor)
    assert resp.status_code == 200, resp.text
    return {site["name"]: site for site in resp.json()}


def wait_for_today(province, supervisor, expected: dict[str, dict]) -> dict[str, dict]:
    """Until every center's `today` has the expected figures (and no more), or fail with what it has."""
    deadline = time.monotonic() + WAIT_S
    while True:
        now = sites(province, supervisor)
        got = {name: {key: now[name]["today"][key] for key in want} for name, want in expected.items()}
        if got == expected:
            return now
        if time.monotonic() > deadline:
            assert got == expected
        time.sleep(0.2)


def test_tickets_at_both_centers_reach_the_province_exactly(hall):
    province, centers, people, _, supervisor = hall
    for name, center in centers.items():
        serve(center, people[name], issued=4, served=3, rated=2)
    now = wait_for_today(province, supervisor, {
        name: {"issued": 4, "served": 3, "waiting": 1, "satisfaction": 1.0} for name in centers})
    for name in centers:
        assert now[name]["online"] is True and now[name]["last_seen"] is not None
        assert now[name]["today"]["avg_wait_s"] is not None
        assert now[name]["clock_skew_s"] is not None and abs(now[name]["clock_skew_s"]) < 60
    assert province_rows(province) == {"Hạ Long": (4, 4), "Cẩm Phả": (4, 4), "replayer": (0, 0)}
    deadline = time.monotonic() + WAIT_S  # live figures follow every few seconds
    while not all((site["live"] or {}).get("waiting") == 1 for site in sites(province, supervisor).values()
                  if site["name"] in centers):
        assert time.monotonic() < deadline, sites(province, supervisor)
        time.sleep(0.2)


def test_the_centers_keep_serving_while_the_province_is_down_and_it_catches_up(hall):
    province, centers, people, _, supervisor = hall
    province.stop()
    for name, center in centers.items():
        serve(center, people[name], issued=3, served=3, rated=1)  # the waiting one, and two of these
    time.sleep(1.5)  # a push or two fails meanwhile
    province.start()
    wait_for_today(province, supervisor, {
        name: {"issued": 7, "served": 6, "waiting": 1, "satisfaction": 1.0} for name in centers})
    assert province_rows(province) == {"Hạ Long": (7, 7), "Cẩm Phả": (7, 7), "replayer": (0, 0)}
    log = centers["Hạ Long"].log_path.read_text(encoding="utf-8")
    assert log.count("is unreachable") == 1 and log.count("takes this center's reports again") == 1


def test_a_center_killed_mid_push_resends_and_nothing_is_counted_twice(hall):
    province, centers, people, _, supervisor = hall
    center = centers["Hạ Long"]
    province.stop()
    serve(center, people["Hạ Long"], issued=12, served=10, rated=5)  # ~45 seqs: nine batches of 5
    before = sites(province.start(), supervisor)["Hạ Long"]["acked_seq"]
    deadline = time.monotonic() + WAIT_S
    while sites(province, supervisor)["Hạ Long"]["acked_seq"] == before:  # its first batches are in
        assert time.monotonic() < deadline
        time.sleep(0.02)
    center.kill()
    center.start()
    wait_for_today(province, supervisor, {"Hạ Long": {"issued": 19, "served": 16, "waiting": 3}})
    assert province_rows(province)["Hạ Long"] == (19, 19)


def test_a_batch_sent_again_or_out_of_order_changes_nothing(hall):
    province, _, _, tokens, supervisor = hall
    fact = {"id": 1, "business_day": "2026-11-26", "number": "9001", "service": "TK", "service_now": "TK",
            "status": "waiting", "outcome": "waiting", "priority": False, "issued_at": "2026-11-26T08:00:00+07:00"}
    batch = {"from_seq": 1, "to_seq": 3, "sent_at": "2026-11-26T08:00:05+07:00", "facts": [fact]}
    push = lambda body: province.request("POST", "upstream/facts", token=tokens["replayer"], json=body)  # noqa: E731
    first, again = push(batch), push({**batch, "facts": [{**fact, "status": "done", "outcome": "done"}]})
    assert (first.status_code, first.json()) == (200, {"acked_seq": 3, "applied": 1, "replay": False})
    assert (again.status_code, again.json()) == (200, {"acked_seq": 3, "applied": 0, "replay": True})
    gap = push({**batch, "from_seq": 6, "to_seq": 8})
    assert gap.status_code == 409 and gap.json()["error"]["code"] == "upstream_gap"
    assert gap.json()["error"]["params"] == {"acked_seq": 3, "expected": 4}
    with sqlite3.connect(province.sqlite_path) as db:
        assert db.execute("SELECT status, seq FROM site_tickets JOIN sites ON sites.id = site_id "
                          "WHERE sites.name = 'replayer'").fetchall() == [("waiting", 3)]
    assert sites(province, supervisor)["replayer"]["acked_seq"] == 3


def test_tokens_push_for_their_own_center_and_read_nothing(hall):
    province, centers, _, tokens, supervisor = hall
    body = {"from_seq": 1, "to_seq": 1, "sent_at": "2026-11-26T08:00:05+07:00", "facts": []}
    bad = province.request("POST", "upstream/facts", token="hqs_" + "x" * 43, json=body)
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "unauthenticated")
    person = province.request("POST", "upstream/facts", token=supervisor, json=body)
    assert (person.status_code, person.json()["error"]["code"]) == (403, "forbidden")
    for path in ("sites", "services", "state", "dashboard"):
        resp = province.request("GET", path, token=tokens["replayer"])
        assert (resp.status_code, resp.json()["error"]["code"]) == (403, "forbidden"), path
    center = centers["Cẩm Phả"]
    off = center.request("GET", "sites", token=supervisor)  # not a person of the center's
    assert off.status_code == 401
    assert center.cli("site", "list", check=False).returncode != 0  # a center is no province


def test_a_revoked_center_is_refused_and_says_so_once(hall):
    province, centers, people, _, supervisor = hall
    center = centers["Cẩm Phả"]
    assert "revoked Cẩm Phả" in province.cli("site", "revoke", "Cẩm Phả").stdout
    serve(center, people["Cẩm Phả"], issued=2, served=0, rated=0)
    deadline = time.monotonic() + WAIT_S
    while "refuses this center" not in center.log_path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, center.log_tail()
        time.sleep(0.2)
    time.sleep(3)  # rounds that would log it again, were it logged in a loop
    assert center.log_path.read_text(encoding="utf-8").count("refuses this center") == 1
    now = sites(province, supervisor)["Cẩm Phả"]
    assert now["revoked"] is True and now["online"] is False and now["today"]["issued"] == 7
    assert center.request("GET", "services").status_code == 200  # and the center serves on
    listing = province.cli("site", "list").stdout
    assert "Cẩm Phả\trevoked" in listing and "Hạ Long\tactive" in listing
