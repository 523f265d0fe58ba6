"""The boards' media and people's photos: uploads checked by their bytes, scheduled, live, kept over a restart."""
from __future__ import annotations

import io

from PIL import Image

from tests.support.app import Listener


def png(size: tuple[int, int] = (32, 18), color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def upload(hall, data: bytes, filename: str, token: str | None, path: str = "media", method: str = "POST"):
    return hall.request(method, path, token=token, data={"file": (io.BytesIO(data), filename)})


def files_in(hall) -> list[str]:
    folder = hall.config_path.parent / "media"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_admin_uploads_an_image_and_every_board_gets_the_playlist_live(in_process):
    hall = in_process()
    admin = hall.admin()
    board = hall.board()  # a board without a token: the public feed
    assert board.wait_event("snapshot")["media"] == []

    resp = upload(hall, png(), "Lịch tiếp dân.png", admin)
    assert resp.status_code == 201, resp.text
    item = resp.json()
    assert item["kind"] == "image" and item["title"] == "Lịch tiếp dân.png" and item["weekdays"] == [1, 2, 3, 4, 5, 6, 7]
    got = board.wait_event("media_changed")
    assert [m["url"] for m in got["media"]] == [item["url"]] and "created_by" not in got["media"][0]
    assert hall.get("state").json()["media"][0]["url"] == item["url"]

    served = hall.app.test_client().get(item["url"])
    assert served.status_code == 200 and served.data == png() and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]
    assert hall.app.test_client().get("/media/../config.yaml").status_code == 404

    changed = hall.request("PATCH", f"media/{item['id']}", token=admin, json={"enabled": False})
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert board.wait_event("media_changed", lambda p: p["media"] == [])["seq"] == got["seq"] + 1
    assert board.gaps == []
    actions = [a["action"] for a in hall.get("audit", token=admin).json()]
    assert actions[:2] == ["media_changed", "media_added"]


def test_refused_uploads_change_nothing(in_process):
    hall = in_process()
    admin = hall.admin()
    # Text named .png, a GIF, an image one byte past 5 MB, no file, and callers who are not admins.
    too_big = png() + b"\0" * (5 * 1024 * 1024 + 1 - len(png()))
    refusals = [
        (upload(hall, b"<script>alert(1)</script>", "notice.png", admin), 422, "unsupported_file"),
        (upload(hall, b"GIF89a" + b"\0" * 40, "anim.gif", admin), 422, "unsupported_file"),
        (upload(hall, too_big, "big.png", admin), 422, "file_too_large"),
        (hall.request("POST", "media", token=admin, json={}), 422, "missing_field"),
        (upload(hall, png(), "a.png", hall.person("an", "supervisor")), 403, "forbidden"),
        (upload(hall, png(), "a.png", hall.device("tv", "display")), 403, "forbidden"),
        (upload(hall, png(), "a.png", None), 401, "unauthenticated"),
    ]
    for resp, status, code in refusals:
        assert (resp.status_code, resp.json()["error"]["code"]) == (status, code), resp.text
    assert hall.get("media", token=admin).json() == [] and files_in(hall) == []
    assert hall.get("state").json()["media"] == []
    assert not [a for a in hall.get("audit", token=admin).json() if a["action"].startswith("media")]


def test_a_schedule_is_checked_whole_and_a_refused_one_changes_nothing(in_process):
    hall = in_process()
    admin = hall.admin()
    item = upload(hall, png(), "a.png", admin).json()
    good = {"from": "2026-01-01", "until": "2026-12-31", "weekdays": [5, 1, 1], "time_from": "07:30",
            "time_until": "11:30", "seconds": 15, "order": 3}
    resp = hall.request("PATCH", f"media/{item['id']}", token=admin, json=good)
    assert resp.status_code == 200, resp.text
    assert {k: resp.json()[k] for k in good} == {**good, "weekdays": [1, 5]}
    bad = [({"from": "2027-01-01"}, "until"), ({"weekdays": []}, "weekdays"), ({"weekdays": [0]}, "weekdays"),
           ({"time_from": "12:00"}, "time_until"), ({"time_until": None}, "time_until"),
           ({"time_from": "7h"}, "time_from"), ({"seconds": 1}, "seconds"), ({"seconds": "10"}, "seconds"),
           ({"enabled": "yes"}, "enabled"), ({"until": "31/12/2026"}, "until")]
    for body, field in bad:
        resp = hall.request("PATCH", f"media/{item['id']}", token=admin, json=body)
        assert (resp.status_code, resp.json()["error"]["code"], resp.json()["error"]["field"]) == (
            422, "invalid_value", field), body
    assert hall.get("media", token=admin).json()[0] == {**item, **good, "weekdays": [1, 5], "seconds": 15}
    assert hall.request("PATCH", "media/999", token=admin, json={}).status_code == 404
    assert hall.request("PATCH", f"media/{item['id']}", token=hall.person("an", "supervisor"),
                        json={"enabled": False}).status_code == 403


def test_delete_keeps_a_file_another_item_still_plays(in_process):
    hall = in_process()
    admin = hall.admin()
    first, second = (upload(hall, png(), name, admin).json() for name in ("a.png", "b.png"))
    assert first["url"] == second["url"] and len(files_in(hall)) == 1  # the same bytes, kept once
    assert hall.request("DELETE", f"media/{first['id']}", token=admin).status_code == 200
    assert len(files_in(hall)) == 1 and [m["id"] for m in hall.get("state").json()["media"]] == [second["id"]]
    assert hall.request("DELETE", f"media/{second['id']}", token=admin).status_code == 200
    assert files_in(hall) == [] and hall.app.test_client().get(second["url"]).status_code == 404
    assert hall.request("DELETE", f"media/{second['id']}", token=admin).status_code == 404


def test_a_photo_shows_beside_the_full_name_never_the_login(in_process):
    hall = in_process()
    admin = hall.admin()
    staff = hall.person("bao", "staff", full_name="Nguyễn Văn Bảo")
    hall.ok("POST", "counters/1/take", token=staff)
    board = hall.board()
    assert upload(hall, b"\0\0\0\x18ftypmp42" + b"\0" * 20, "clip.png", admin, "users/bao/photo",
                  "PUT").json()["error"]["code"] == "unsupported_file"  # a video is no photo
    resp = upload(hall, png(color="red"), "bao.jpg", admin, "users/bao/photo", "PUT")
    assert resp.status_code == 200, resp.text
    url = resp.json()["photo_url"]
    assert url.startswith("/media/") and url.endswith(".png")
    state = board.wait_event("counter_changed", lambda p: p["counter"] == 1 and p["state"]["staff_photo"])["state"]
    assert state["staff_photo"] == url and state["staff_name"] == "Nguyễn Văn Bảo" and "staff" not in state
    assert next(c for c in hall.get("state").json()["counters"] if c["number"] == 1)["staff_photo"] == url

    removed = hall.request("DELETE", "users/bao/photo", token=admin)
    assert removed.status_code == 200 and removed.json()["photo_url"] is None and files_in(hall) == []
    assert hall.request("DELETE", "users/nobody/photo", token=admin).status_code == 404


def test_media_and_photos_survive_a_restart(in_process, tmp_path):
    hall = in_process(folder=tmp_path)
    admin = hall.admin()
    item = upload(hall, png(), "a.png", admin).json()
    hall.person("bao", "staff")
    photo = upload(hall, png(color="red"), "bao.png", admin, "users/bao/photo", "PUT").json()["photo_url"]
    hall.stop()

    again = in_process(folder=tmp_path)
    assert again.get("state").json()["media"][0]["url"] == item["url"]
    assert again.app.test_client().get(item["url"]).data == png()
    users = again.get("users", token=again.login("root")).json()
    assert next(u for u in users if u["username"] == "bao")["photo_url"] == photo
    again.stop()
