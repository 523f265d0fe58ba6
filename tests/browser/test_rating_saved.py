"""A low score tapped on the tablet is saved at once, even when the citizen never picks a reason.

Real Chromium on the tablet (touch, 800×1280) and on a phone, against a real `hallq serve`
whose tablet window is short (rating.unlock_seconds 5, grace_seconds 10), read back through
the supervisors' API.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_counter import Desk, desk_config
from .test_rating import open_tablet, serve_one
from .test_status import open_status

pytestmark = pytest.mark.slow
COUNTER = 14  # serves KC


@pytest.fixture(scope="module")
def desk(live_server, auth) -> Desk:  # noqa: F811
    config = desk_config()
    config["rating"] = {"unlock_seconds": 5, "grace_seconds": 10}
    return Desk(live_server(config, name="rating-saved"), auth)


def ratings(desk: Desk, number: str) -> list[dict]:
    report = desk.server.get("reports/ratings?limit=100", token=desk.auth.supervisor("sup"))
    assert report.status_code == 200, report.text
    return report.json(), [c for c in report.json()["comments"]["items"] if c["number"] == number]


def test_a_low_score_without_a_reason_is_kept(new_page, desk):
    supervisor = desk.auth.supervisor("sup")
    before = desk.server.get("stats", token=supervisor).json()["total"]["rating"]
    tablet = open_tablet(new_page, desk, COUNTER, desk.auth.rating("r14"), 800, 1280)
    expect(tablet.locator("#screen-locked")).to_be_visible()
    serve_one(desk, COUNTER, "KC")
    expect(tablet.locator("#screen-rate")).to_be_visible()
    tablet.locator('[data-score="1"]').tap()
    expect(tablet.locator("#screen-reason")).to_be_visible()
    # The citizen walks away: no reason, no comment; the tablet locks by itself once the
    # hall would no longer take a reason (grace_seconds, less the tablet's margin).
    expect(tablet.locator("#screen-locked")).to_be_visible(timeout=40000)
    after = desk.server.get("stats", token=supervisor).json()["total"]["rating"]
    assert after["count"] == before["count"] + 1
    assert after["by_score"]["1"] == before["by_score"]["1"] + 1
    report, _ = ratings(desk, "")
    assert report["without_reason"] >= 1
    assert tablet.js_errors == []


def test_a_reason_given_afterwards_joins_the_same_rating(new_page, desk):
    supervisor = desk.auth.supervisor("sup")
    before = desk.server.get("stats", token=supervisor).json()["total"]["rating"]["count"]
    tablet = open_tablet(new_page, desk, COUNTER, desk.auth.rating("r14"))
    ticket = serve_one(desk, COUNTER, "KC")
    expect(tablet.locator("#screen-rate")).to_be_visible()
    tablet.locator('[data-score="2"]').tap()
    tablet.locator('[data-reason="documents"]').tap()
    tablet.locator("#comment").fill("Phải bổ sung giấy tờ hai lần")
    tablet.locator("#reason-send").tap()
    expect(tablet.locator("#screen-thanks")).to_be_visible()  # (the hidden screen has its title's text already)
    expect(tablet.locator("#thanks-title")).to_have_text("Cảm ơn Ông/Bà đã đánh giá!")
    _, mine = ratings(desk, ticket["number"])
    assert [(c["score"], c["reason"], c["comment"]) for c in mine] == [(2, "documents", "Phải bổ sung giấy tờ hai lần")]
    assert desk.server.get("stats", token=supervisor).json()["total"]["rating"]["count"] == before + 1  # once
    assert tablet.js_errors == []


def test_the_phone_adds_a_comment_to_its_rating(new_page, desk):
    ticket = serve_one(desk, 11, "KA")
    phone = open_status(new_page, desk, ticket["token"])
    expect(phone.locator("#rating")).to_be_visible()
    phone.get_by_role("button", name="Chưa hài lòng").click()
    expect(phone.locator("#rating-thanks")).to_be_visible()
    expect(phone.locator("#comment-form")).to_be_visible()
    phone.locator("#comment").fill("Quầy 11 không có ghế chờ")
    phone.locator("#comment-send").click()
    expect(phone.locator("#comment-thanks")).to_have_text("Đã nhận góp ý của Ông/Bà. Xin cảm ơn!")
    expect(phone.locator("#comment-form")).to_be_hidden()
    _, mine = ratings(desk, ticket["number"])
    assert [(c["score"], c["comment"]) for c in mine] == [(2, "Quầy 11 không có ghế chờ")]
    assert phone.js_errors == []
