"""The province's view of its centers (GET /sites, GET /sites/NAME) and the `sites:` targets, in process.

A center hall and a province hall run in this process; the center's real batches and live
figures (server/upstream.py's `batch` and `live_figures`, what its pusher sends) are posted
to the province's real views with a site token made by `hallq site add`'s code (add_site).
"""
from __future__ import annotations

import pytest

from server.config import ConfigError, parse_config
from server.sites import add_site
from server.upstream import batch, live_figures
from tests.conftest import demo_config_data
from tests.support.app import InProcessHall
from tests.support.hall import hall_config

TARGETS = {"wait_target_s": 600, "satisfaction_target": 0.8}


def province_config() -> dict:
    return hall_config(edit=lambda d: d.update(province=True, sites=TARGETS))


def deliver(center, province, token: str) -> None:
    """What the center's pusher sends in one round: its whole backlog, then its figures of now."""
    body = center.hall.db.read(lambda s: batch(s, 0, center.now, 5000))
    assert province.post("upstream/facts", body, token=token).status_code == 200
    live = center.hall.db.read(lambda s: live_figures(s, center.hall.config, center.now))
    assert province.post("upstream/live", live, token=token).status_code == 200


@pytest.fixture(scope="module")
def link(tmp_path_factory):
    """A center and its province, shared by the module's tests (which run in order)."""
    center = InProcessHall(tmp_path_factory.mktemp("center"), hall_config())
    province = InProcessHall(tmp_path_factory.mktemp("province"), province_config())
    token = province.hall.db.write(lambda s: add_site(s, "Hạ Long", province.now))
    province.hall.db.write(lambda s: add_site(s, "Vân Đồn", province.now))  # registered, never seen
    yield center, province, token
    center.stop()
    province.stop()


def test_one_center_in_detail_with_its_figures_per_service_and_its_alerts(link):
    center, province, token = link
    kiosk, staff = center.device("k1", "kiosk"), center.person("lan", "staff")
    for _ in range(3):
        center.ok("POST", "tickets", 201, token=kiosk, json={"service": "TP"})
    center.ok("POST", "counters/7/call-next", token=staff, json={})  # counter 7 takes TP first
    center.later(minutes=20)  # the two left waiting have waited 20 minutes: past the province's 10
    deliver(center, province, token)
    boss = province.person("boss", "supervisor")

    one = province.ok("GET", "sites/Hạ Long", token=boss)
    assert (one["name"], one["online"], one["revoked"]) == ("Hạ Long", True, False) and one["day"]
    assert one["today"]["issued"] == 3 and one["today"]["waiting"] == 2
    assert one["targets"] == {"wait_s": 600, "satisfaction": 0.8}
    tp = next(svc for svc in one["services"] if svc["code"] == "TP")
    assert (tp["waiting"], tp["longest_wait_s"], tp["counters_open"]) == (2, 1200, [7])
    assert tp["name"]["vi"] and one["live"]["counters"]["called"] == 1
    assert [(s["service"], s["issued"], s["waiting"]) for s in one["by_service"]] == [("TP", 3, 2)]
    assert [a["kind"] for a in one["alerts"]] == ["wait_over_target"]

    every = {site["name"]: site for site in province.ok("GET", "sites", token=boss)}
    assert [a["kind"] for a in every["Vân Đồn"]["alerts"]] == ["never_seen"]
    assert every["Hạ Long"]["live"]["longest_wait_s"] == 1200 and "services" not in every["Hạ Long"]
    province.later(minutes=6)  # nothing pushed since: offline, and its stale wait no longer alerts
    late = {site["name"]: site for site in province.ok("GET", "sites", token=boss)}["Hạ Long"]
    assert late["online"] is False and [a["kind"] for a in late["alerts"]] == ["offline"]
    assert late["alerts"][0]["seen_ago_s"] == 360


def test_who_may_read_one_center(link):
    center, province, token = link
    assert province.error("GET", "sites/Hạ Long", token=token)[:2] == (403, "forbidden")  # a site token reads nothing
    assert province.error("GET", "sites/Hạ Long", token=province.person("lan", "staff"))[:2] == (403, "forbidden")
    boss = province.person("boss", "supervisor")
    assert province.error("GET", "sites/Nowhere", token=boss)[:2] == (404, "not_found")
    assert province.error("GET", "sites/Hạ Long")[:2] == (401, "unauthenticated")
    boss_here = center.person("boss", "supervisor")
    assert center.error("GET", "sites/Hạ Long", token=boss_here)[:2] == (404, "not_a_province")


def test_a_center_too_old_to_send_services_still_shows(link):
    _, province, token = link
    old = {"sent_at": province.now.isoformat(), "waiting": 4, "longest_wait_s": "lots", "served": 9}
    assert province.post("upstream/live", old, token=token).status_code == 200
    one = province.ok("GET", "sites/Hạ Long", token=province.person("boss", "supervisor"))
    assert one["services"] is None and one["live"]["counters"] is None
    assert (one["live"]["waiting"], one["live"]["longest_wait_s"]) == (4, None)  # kept as sent, read with care


def test_the_sites_targets_are_checked():
    conf = parse_config(demo_config_data())
    assert (conf.sites.wait_target_s, conf.sites.satisfaction_target) == (900, 0.9)
    for bad in ({"wait_target_s": 10}, {"satisfaction_target": 1.5}, {"wait_s": 900}):
        with pytest.raises(ConfigError, match="sites"):
            parse_config({**demo_config_data(), "sites": bad})


def test_the_page_is_linked_on_a_province_and_explains_itself_on_a_center(link):
    center, province, _ = link
    here = center.get("/admin/sites").text
    assert "Trang của máy chủ cấp tỉnh" in here and "province's server" in here and "sites.js" not in here
    assert 'href="/admin/sites"' not in center.get("/admin").text
    assert 'href="/admin/sites"' in province.get("/admin").text and "sites.js" in province.get("/admin/sites").text
    assert 'href="/admin/sites"' in province.get("/").text and 'href="/admin/sites"' not in center.get("/").text


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def facts_db(request, tmp_path):
    """An empty province database, on SQLite and on PostgreSQL (whose time arithmetic differs)."""
    from server.storage import Database
    from tests.support.postgres import fresh_database

    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'p.db'}", synchronous="normal")
        db.migrate()
        yield db
        return
    with fresh_database() as url:
        db = Database(url)
        try:
            db.migrate()
            yield db
        finally:
            db.stop()


def test_a_day_is_counted_in_the_database_alike_everywhere(facts_db):
    """Waits to the second from microseconds, a clock set back counted as no wait, another day left out."""
    from datetime import datetime, timedelta, timezone

    from server.province import by_service, day_figures
    from server.sites import Site, SiteTicket

    t0 = datetime(2026, 12, 7, 1, 0, 0, 250000, tzinfo=timezone.utc)
    day = t0.date()
    rows = [  # (service, status, waited s, score, day)
        ("TK", "done", 100.5, 4, day), ("TK", "done", 299.75, 2, day), ("TK", "waiting", None, None, day),
        ("TP", "done", -30, 3, day), ("TP", "no_show", 60, None, day), ("TP", "done", 5000, 1, day - timedelta(days=1))]

    def fill(s):
        s.add(Site(id=1, name="Hạ Long", token_hash="h", created_at=t0, acked_seq=0))
        s.flush()
        for n, (svc, status, waited, score, on) in enumerate(rows, 1):
            s.add(SiteTicket(site_id=1, ticket_id=n, business_day=on, number=str(n), service=svc, service_now=svc,
                             status=status, outcome=status, issued_at=t0,
                             called_at=None if waited is None else t0 + timedelta(seconds=waited), score=score, seq=1))

    facts_db.write(fill)
    whole = facts_db.read(lambda s: day_figures(s, day, SiteTicket.site_id))[1]
    assert whole == {"issued": 5, "served": 3, "no_shows": 1, "cancelled": 0, "waiting": 1,
                     "avg_wait_s": 115, "rated": 3, "rating_mean": 3.0, "satisfaction": 0.667}  # (100.5+299.75+0+60)/4
    per = {f["service"]: f for f in facts_db.read(lambda s: by_service(s, 1, day))}
    assert (per["TK"]["avg_wait_s"], per["TP"]["avg_wait_s"], per["TP"]["satisfaction"]) == (200, 30, 1.0)
