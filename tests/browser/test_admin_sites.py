"""The province's page (/admin/sites) in Chromium against a real province `hallq serve`.

Three centers registered (one with `hallq site add`, two by the code it runs) push through the real POST /upstream/facts
and /upstream/live with their site tokens: Hạ Long is online with a clock 4 minutes fast and
someone waiting past the province's target; Cẩm Phả delivered its day and was last seen 3
hours ago (its stored row says so); Vân Đồn was revoked. One server
for the module.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from server import sites
from server.sites import Site
from server.storage import Database
from tests.browser.test_admin_dashboard import log_in
from tests.support.hall import hall_config

TARGETS = {"wait_target_s": 600, "satisfaction_target": 0.8}


def add_site(server, name: str) -> str:
    token = server.cli("site", "add", name).stdout.strip().splitlines()[-1]
    assert token.startswith("hqs_"), token
    return token


def fact(n: int, day: str, issued: datetime, waited_min: int | None, *, done: bool, score: int | None = None) -> dict:
    called = issued + timedelta(minutes=waited_min) if waited_min is not None else None
    status = "done" if done else "called" if called else "waiting"
    return {"id": n, "business_day": day, "number": str(4000 + n), "service": "TK", "service_now": "TK",
            "status": status, "outcome": status, "issued_at": issued.isoformat(),
            "called_at": called.isoformat() if called else None,
            "finished_at": (called + timedelta(minutes=5)).isoformat() if called and done else None,
            "counter": 3 if called else None, "score": score}


def live(sent_at: datetime, *, waiting: int, longest_s: int) -> dict:
    """A center's figures of now, as server/upstream.py's live_figures shapes them."""
    return {
        "sent_at": sent_at.isoformat(), "waiting": waiting, "longest_wait_s": longest_s, "served": 3,
        "avg_wait_s": 400, "counters_open": 2, "no_shows": 0,
        "counters": {"open": 2, "serving": 1, "called": 0, "idle": 1, "paused": 1, "closed": 3},
        "services": [{"code": "TK", "name": {"vi": "Thuế", "en": "Tax"}, "waiting": waiting, "longest_wait_s": longest_s,
                      "oldest_number": "4004", "target_wait_s": 1800, "served": 3, "wait_mean_s": 400,
                      "counters_open": [3, 4]}],
    }


@pytest.fixture(scope="module")
def province(start_hall):
    hall = start_hall(hall_config(edit=lambda d: d.update(province=True, sites=TARGETS)))
    server = hall.server
    hall.boss = hall.auth.supervisor("boss")
    db = Database(f"sqlite:///{server.sqlite_path}", synchronous="normal")
    tokens = {"Hạ Long": add_site(server, "Hạ Long")}  # the CLI's token; the others by its code, saving processes
    tokens.update({name: db.write(lambda s, n=name: sites.add_site(s, n, datetime.now(timezone.utc)))
                   for name in ("Cẩm Phả", "Vân Đồn")})
    day = server.get("sites", token=hall.boss).json()[0]["day"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    early = now - timedelta(hours=4)

    def push(name: str, facts: list[dict], figures: dict | None = None) -> None:
        body = {"from_seq": 1, "to_seq": 10, "sent_at": now.isoformat(), "facts": facts}
        assert server.post("upstream/facts", body, token=tokens[name]).status_code == 200
        if figures:
            assert server.post("upstream/live", figures, token=tokens[name]).status_code == 200

    # Hạ Long: 5 tickets, 3 served (rated 4, 4, 2: 67 % satisfied), 2 waiting; its clock is 4 minutes fast.
    push("Hạ Long", [fact(1, day, early, 10, done=True, score=4), fact(2, day, early, 12, done=True, score=4),
                     fact(3, day, early, 14, done=True, score=2), fact(4, day, now - timedelta(minutes=25), None, done=False),
                     fact(5, day, now - timedelta(minutes=5), None, done=False)],
         live(now + timedelta(minutes=4), waiting=2, longest_s=1500))
    # Cẩm Phả: 2 served within 5 minutes, both satisfied; then nothing for 3 hours.
    push("Cẩm Phả", [fact(1, day, early, 4, done=True, score=4), fact(2, day, early, 6, done=True, score=3)],
         live(now, waiting=0, longest_s=0))
    push("Vân Đồn", [fact(1, day, early, 30, done=True)])
    db.write(lambda s: sites.revoke_site(s, "Vân Đồn", datetime.now(timezone.utc)))  # as `hallq site revoke` does
    db.write(lambda s: s.execute(update(Site).where(Site.name == "Cẩm Phả").values(
        last_seen_at=now - timedelta(hours=3), live_at=now - timedelta(hours=3))))
    hall.push, hall.tokens, hall.now = push, tokens, now
    return hall


def row(page, name: str):
    return page.locator(f'#sites-table tr[data-site="{name}"]')


def test_every_center_live_with_alerts_rankings_and_one_in_detail(new_page, province, shots):
    page = new_page(1280, 900)
    fast = "const tick = window.setInterval; window.setInterval = (f, ms) => tick(f, Math.min(ms, 300));"
    page.add_init_script(fast)  # the page polls every 5 s; here every 0.3 s, so the update below is quick
    log_in(page, f"{province.url}/admin/sites")
    expect(page.locator("#admin-main")).to_be_visible()
    expect(page.locator('.a-nav__link[href="/admin/sites"]')).to_have_attribute("aria-current", "page")

    ha_long, cam_pha, van_don = row(page, "Hạ Long"), row(page, "Cẩm Phả"), row(page, "Vân Đồn")
    expect(ha_long.locator('[data-field="state"]')).to_have_text("Trực tuyến")
    expect(ha_long.locator('[data-field="waiting"]')).to_have_text("2")
    expect(ha_long.locator('[data-field="longest"]')).to_have_text("25 phút")
    expect(ha_long.locator('[data-field="served"]')).to_have_text("3")
    expect(ha_long.locator('[data-field="avg_wait"]')).to_have_text("12 phút")
    expect(ha_long.locator('[data-field="satisfaction"]')).to_contain_text("67%")
    expect(ha_long.locator('[data-field="skew"]')).to_have_text("đồng hồ lệch 4 phút (nhanh hơn máy chủ tỉnh)")
    expect(cam_pha.locator('[data-field="state"]')).to_have_text("Mất kết nối")
    expect(cam_pha.locator('[data-field="seen"]')).to_contain_text("3 giờ trước")
    expect(cam_pha.locator('[data-field="satisfaction"]')).to_contain_text("100%")
    expect(van_don.locator('[data-field="state"]')).to_have_text("Đã thu hồi")

    alerts = page.locator("#sites-alerts .a-alert")
    expect(page.locator('.a-alert[data-kind="offline"][data-site="Cẩm Phả"]')).to_contain_text("mất kết nối")
    expect(page.locator('.a-alert[data-kind="wait_over_target"][data-site="Hạ Long"]')).to_contain_text(
        "có công dân đã chờ 25 phút (mục tiêu 10 phút)")
    expect(page.locator('.a-alert[data-kind="avg_wait_over_target"][data-site="Hạ Long"]')).to_have_count(1)
    expect(alerts).to_have_count(3)  # nothing for the revoked center
    expect(page.locator("#sites-targets")).to_contain_text("10 phút")
    expect(page.locator("#rank-satisfaction tbody tr")).to_have_count(2)  # the revoked center is not ranked
    expect(page.locator("#rank-satisfaction tbody tr").nth(0)).to_have_attribute("data-site", "Cẩm Phả")
    expect(page.locator('#rank-satisfaction tr[data-site="Hạ Long"] [data-field="verdict"]')).to_have_text("Chưa đạt")
    expect(page.locator("#rank-wait tbody tr").nth(0)).to_have_attribute("data-site", "Cẩm Phả")
    expect(page.locator('#rank-wait tr[data-site="Cẩm Phả"] [data-field="verdict"]')).to_have_text("Đạt")
    page.screenshot(path=str(shots / "admin-sites-1280.png"), full_page=True)

    ha_long.locator("a.a-site-link").click()
    detail = page.locator("#site-detail")
    expect(detail).to_be_visible()
    expect(page.locator("#site-detail-title")).to_have_text("Hạ Long")
    tk = page.locator('#site-detail-services tr[data-service="TK"]')
    expect(tk.locator('[data-field="longest"]')).to_have_text("25 phút (số 4004)")
    expect(page.locator("#site-detail-counters")).to_contain_text("2 đang mở (1 đang phục vụ")
    expect(page.locator('#site-detail-facts tr[data-service="TK"] [data-field="issued"]')).to_have_text("5")
    assert page.url.endswith("#H%E1%BA%A1%20Long")

    # Hạ Long pushes again: the table and the open detail follow without a reload.
    page.evaluate("window.__sameDocument = true")
    province.push("Hạ Long", [], live(datetime.now(timezone.utc) + timedelta(minutes=4), waiting=7, longest_s=60))
    expect(ha_long.locator('[data-field="waiting"]')).to_have_text("7")
    expect(tk.locator('[data-field="waiting"]')).to_have_text("7")
    expect(page.locator('.a-alert[data-kind="wait_over_target"]')).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(shots / "admin-sites-detail-1280.png"), full_page=True)

    wide = new_page(1920, 1080)
    log_in(wide, f"{province.url}/admin/sites#C%E1%BA%A9m%20Ph%E1%BA%A3")
    expect(wide.locator("#site-detail")).to_have_attribute("data-state", "offline")
    expect(wide.locator("#site-detail-note")).to_contain_text("đang mất kết nối")
    wide.click("#admin-lang")
    expect(wide.locator('#sites-table tr[data-site="Vân Đồn"] [data-field="state"]')).to_have_text("Revoked")
    wide.click("#admin-lang")
    wide.screenshot(path=str(shots / "admin-sites-1920.png"))
    assert page.js_errors == [] and wide.js_errors == []


def test_a_staff_member_is_turned_away(new_page, province):
    province.auth.staff("lan")
    page = new_page(1280, 800)
    log_in(page, f"{province.url}/admin/sites", "lan")
    expect(page.locator("#admin-login-why")).to_contain_text(re.compile("giám sát viên"))
    expect(page.locator("#admin-main")).to_be_hidden()
