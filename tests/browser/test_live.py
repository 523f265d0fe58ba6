"""The shared live-connection module (/static/live.js) in Chromium against a real server."""
from __future__ import annotations

from playwright.sync_api import expect

CONNECT = """async () => {
  const { connectHall } = await import('/static/live.js');
  const log = { snapshots: [], events: [], online: 0, offline: 0 };
  const hall = connectHall({
    onSnapshot: (s) => log.snapshots.push(s.seq),
    onEvent: (name, p) => log.events.push([name, p.seq]),
    onOnline: () => { log.online += 1; },
    onOffline: () => { log.offline += 1; },
  });
  window.__live = { hall, log };
}"""


def live_page(new_page, hall):
    page = new_page(800, 600)
    page.goto(f"{hall.url}/t/none")  # any page of the hall's origin
    page.evaluate(CONNECT)
    page.wait_for_function("window.__live.log.snapshots.length === 1")
    return page


def log(page):
    return page.evaluate("window.__live.log")


def inject(page, name, seq):
    """Hand an event to the module as if the server had sent it."""
    page.evaluate("([name, seq]) => window.__live.hall.socket.listeners(name)[0]({ seq, service: 'DD', waiting: 0 })",
                  [name, seq])


def test_real_events_arrive_in_seq_order(new_page, hall):
    page = live_page(new_page, hall)
    start = log(page)["snapshots"][0]
    assert page.evaluate("window.__live.hall.online") is True
    hall.issue("TK")
    page.wait_for_function("window.__live.log.events.length >= 1")
    name, seq = log(page)["events"][0]
    assert name == "queue_changed" and seq == start + 1
    assert page.evaluate("window.__live.hall.seq") == seq


def test_old_events_are_ignored_and_a_gap_resyncs(new_page, hall):
    page = live_page(new_page, hall)
    seq = page.evaluate("window.__live.hall.seq")
    inject(page, "queue_changed", seq)          # already covered by the snapshot
    inject(page, "queue_changed", seq - 3)
    assert log(page)["events"] == []
    inject(page, "counter_changed", seq + 1)     # the next one: delivered
    assert log(page)["events"] == [["counter_changed", seq + 1]]
    inject(page, "queue_changed", seq + 5)       # a gap: resync, whose ack is the snapshot
    page.wait_for_function("window.__live.log.snapshots.length === 2")
    page.wait_for_function(f"window.__live.hall.seq === {seq + 5}")
    assert log(page)["events"][-1] == ["queue_changed", seq + 5]
    inject(page, "queue_changed", seq + 5)       # the same event again: ignored
    assert len(log(page)["events"]) == 2


def test_offline_and_back_online_callbacks(new_page, start_hall):
    hall = start_hall()
    page = live_page(new_page, hall)
    hall.server.stop()
    page.wait_for_function("window.__live.log.offline === 1")
    assert page.evaluate("window.__live.hall.online") is False
    hall.server.start()
    page.wait_for_function("window.__live.log.online === 2", timeout=30000)
    page.wait_for_function("window.__live.log.snapshots.length === 2")  # a fresh snapshot on reconnect
    expect(page.locator("body")).to_be_visible()
