"""A person changes their own password: the current one first, the login limits, their other logins end."""
from __future__ import annotations

import time

from server import auth
from tests.support.app import PASSWORD
from tests.support.hall import hall_config

NEW = "mật-khẩu-mới-2026"


def change(hall, token, current=PASSWORD, new=NEW, **kw):
    return hall.request("POST", "me/password", json={"current": current, "new": new}, token=token, **kw)


def logs_in(hall, name, password) -> int:
    return hall.call("POST", "login", json={"username": name, "password": password}).status_code


def stored_hash(hall, name) -> str:
    return hall.hall.db.read(lambda s: auth.find_user(s, name))[3]


def test_a_person_changes_their_password_and_only_this_login_stays(in_process):
    hall = in_process()
    caller = hall.person("lan", "staff")
    elsewhere, third = hall.login("lan"), hall.login("lan")
    assert hall.get("me", token=elsewhere).status_code == 200  # cached now: the change must forget it
    other_person = hall.person("an", "staff")

    resp = change(hall, caller)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"ok": True, "revoked": 2}
    assert hall.get("me", token=caller).json()["name"] == "lan"  # the login that changed it stays
    for token in (elsewhere, third):
        assert hall.error("GET", "me", token=token)[:2] == (401, "unauthenticated")
    assert hall.get("me", token=other_person).status_code == 200  # nobody else's logins end
    assert logs_in(hall, "lan", PASSWORD) == 401
    assert logs_in(hall, "lan", NEW) == 200

    audit = hall.get("audit", token=hall.admin()).json()
    entry = next(a for a in audit if a["action"] == "password_changed")
    assert (entry["actor"], entry["target"], entry["detail"]) == ("user:lan", "lan", {"others_revoked": 2})
    assert PASSWORD not in str(audit) and NEW not in str(audit) and caller not in str(audit)


def test_refusals_change_nothing(in_process):
    hall = in_process()
    staff = hall.person("lan", "staff")
    before = stored_hash(hall, "lan")

    status, code, message = hall.error("POST", "me/password", token=staff,
                                       json={"current": "not-the-password", "new": NEW})
    assert (status, code, message) == (403, "wrong_password", "Mật khẩu hiện tại không đúng.")
    assert hall.error("POST", "me/password", token=staff, lang="en",
                      json={"current": PASSWORD, "new": "short"})[:2] == (422, "weak_password")
    assert hall.error("POST", "me/password", token=staff, json={"current": PASSWORD})[:2] == (422, "missing_field")
    assert hall.error("POST", "me/password", token=hall.device("k1"), json={"current": PASSWORD, "new": NEW})[:2] \
        == (403, "forbidden")
    assert hall.error("POST", "me/password", json={"current": PASSWORD, "new": NEW})[:2] == (401, "unauthenticated")

    assert stored_hash(hall, "lan") == before
    assert hall.get("me", token=staff).status_code == 200
    audit = hall.get("audit", token=hall.admin()).json()
    assert [a["action"] for a in audit if a["target"] == "lan" and "password" in a["action"]] == [
        "password_change_failed"]


def test_every_role_changes_their_own_through_the_pages_session(in_process):
    hall = in_process()
    hall.person("boss", "supervisor")
    client = hall.app.test_client()  # the pages' way: the login's session cookie, JSON from our origin
    assert client.post("/api/v1/login", json={"username": "boss", "password": PASSWORD}).status_code == 200
    resp = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": NEW})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert client.get("/api/v1/me").get_json()["name"] == "boss"  # the session's own login stays
    assert logs_in(hall, "boss", NEW) == 200
    admin = hall.admin()
    assert change(hall, admin).status_code == 200
    assert logs_in(hall, "root", NEW) == 200


def test_wrong_current_passwords_meet_the_login_limit(in_process):
    # 12 logins a minute in all: a burst of 4, two of them taken by the admin's and lan's logins.
    hall = in_process(hall_config(server={"login_attempts_per_minute_total": 12}))
    staff = hall.person("lan", "staff")
    before = stored_hash(hall, "lan")
    statuses = []
    for attempt in range(10):
        statuses.append(change(hall, staff, current=f"guess-{attempt}").status_code)
        if statuses[-1] == 429:
            break
    assert statuses[0] == 403 and statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {403}
    # The bucket gives a try back every 5 s: the right password goes while the next one is a second
    # or more away, so what refuses it is the limit, never the clock (a loaded machine is slow).
    total = hall.hall.login_total
    while True:
        tokens, last = total._buckets["all"]
        tokens += (time.monotonic() - last) * total.rate
        if tokens < 1 and (1 - tokens) / total.rate >= 1.0:
            break
        if tokens >= 1:  # a try came back meanwhile: a wrong guess spends it (403), the next is refused
            assert change(hall, staff, current="one-more-guess").status_code == 403
            assert change(hall, staff, current="and-another").status_code == 429
        else:
            time.sleep(0.05)
    assert hall.error("POST", "me/password", token=staff, json={"current": PASSWORD, "new": NEW})[1] == "rate_limited"
    assert stored_hash(hall, "lan") == before
