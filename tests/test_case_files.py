"""Case files at finish (issue 15): `POST /counters/{n}/finish {case_code?, outcome?, note?}`.

The code is kept with the ticket, found by `GET /tickets?case_code=`, in the CSV/XLSX exports'
last columns and in the `finished` event's data; a wrong value is refused with a stable code and
changes nothing; a finish without a body is v1's. Webhook config checks live here too (no I/O).
"""
from __future__ import annotations

import csv
import io
from typing import Iterator

import pytest
from sqlalchemy import select

from server.config import ConfigError, parse_config
from server.queueing.models import TicketEvent
from tests.support.app import InProcessHall
from tests.support.hall import hall_config

CODE = "000.00.12.H41-261201-0001"


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[InProcessHall]:
    with InProcessHall(tmp_path_factory.mktemp("cases"), hall_config()) as hall:
        yield hall


def at_counter(hall: InProcessHall, counter: int = 3) -> dict:
    """A ticket issued, called and started at `counter`."""
    staff = hall.person("lan", "staff")
    ticket = hall.ok("POST", "tickets", 201, token=hall.device("k1", "kiosk"), json={"service": "HT"})["ticket"]
    for step in ("call-next", "start"):
        hall.ok("POST", f"counters/{counter}/{step}", token=staff)
    return ticket


def test_a_finish_keeps_the_case_and_it_is_found_exported_and_in_the_event(hall):
    staff, supervisor = hall.person("lan", "staff"), hall.person("sup", "supervisor")
    ticket = at_counter(hall)
    done = hall.ok("POST", "counters/3/finish", token=staff,
                   json={"case_code": f"  {CODE} ", "outcome": "received", "note": "Thiếu bản sao\tCCCD"})
    assert done["ticket"]["status"] == "done"

    found = hall.ok("GET", "tickets?case_code=h41-261201", token=supervisor)  # a part, any case
    assert [(f["ticket"]["number"], f["case"]["code"], f["case"]["outcome"], f["case"]["note"], f["case"]["staff"])
            for f in found] == [(ticket["number"], CODE, "received", "Thiếu bản sao CCCD", "lan")]
    assert "token" not in found[0]["ticket"]
    assert hall.ok("GET", "tickets?case_code=999.99", token=supervisor) == []

    data = hall.hall.db.read(lambda s: s.execute(select(TicketEvent.data).where(
        TicketEvent.kind == "finished").order_by(TicketEvent.id.desc()).limit(1)).scalar_one())
    assert data == {"case_code": CODE, "case_outcome": "received", "note": "Thiếu bản sao CCCD"}

    body = hall.call("GET", "reports/tickets.csv", token=supervisor).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    head, mine = rows[0], next(r for r in rows[1:] if r[1] == ticket["number"])
    assert head[-4:] == ["Mã hồ sơ", "Kết quả hồ sơ", "Ghi chú hồ sơ", "Mã kết quả hồ sơ"]
    assert mine[-4:] == [CODE, "Tiếp nhận hồ sơ", "Thiếu bản sao CCCD", "received"]
    english = hall.call("GET", "reports/tickets.csv?lang=en", token=supervisor).get_data().decode("utf-8-sig")
    assert "Case-file code" in english and "Application received" in english

    import openpyxl

    xlsx = hall.call("GET", "reports/tickets.xlsx", token=supervisor).get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][-4] == "Mã hồ sơ"
    assert [r[-4] for r in values[1:] if r[1] == ticket["number"]] == [CODE]


def test_a_plain_finish_is_v1s_and_keeps_no_case(hall):
    staff, supervisor = hall.person("lan", "staff"), hall.person("sup", "supervisor")
    ticket = at_counter(hall)
    resp = hall.call("POST", "counters/3/finish", token=staff)  # no body at all, as v1 clients send
    assert resp.status_code == 200 and resp.get_json()["ticket"]["status"] == "done"
    body = hall.call("GET", "reports/tickets.csv", token=supervisor).get_data().decode("utf-8-sig")
    mine = next(r for r in csv.reader(io.StringIO(body)) if r[1] == ticket["number"])
    assert mine[-4:] == ["", "", "", ""]


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"case_code": "000.00.12.H41 261201"}, "invalid_case_code", None),  # a space inside
    ({"case_code": "mã-hồ-sơ"}, "invalid_case_code", None),  # letters with accents
    ({"case_code": "A" * 65}, "invalid_case_code", None),
    ({"case_code": "-0001"}, "invalid_case_code", None),  # a spreadsheet would read it as a formula
    ({"case_code": 1234}, "invalid_case_code", None),
    ({"outcome": "approved"}, "invalid_value", "outcome"),
    ({"note": "x" * 501}, "invalid_value", "note"),
])
def test_a_wrong_case_is_refused_and_changes_nothing(hall, body, code, field):
    staff = hall.person("lan", "staff")
    at_counter(hall, counter=4)
    status, got, message = hall.error("POST", "counters/4/finish", token=staff, json=body)
    assert (status, got) == (422, code), message
    if code == "invalid_case_code":
        assert "000.00.12.H41-261201-0001" in message  # the message shows what a code looks like
    elif field:
        assert field in message
    current = next(c for c in hall.ok("GET", "counters", token=staff) if c["number"] == 4)["current"]
    assert current is not None and current["status"] == "serving"  # still at the counter
    hall.ok("POST", "counters/4/finish", token=staff)


def test_only_supervisors_search_and_a_search_needs_three_characters(hall):
    staff, supervisor = hall.person("lan", "staff"), hall.person("sup", "supervisor")
    assert hall.error("GET", "tickets?case_code=H41", token=staff)[:2] == (403, "forbidden")
    assert hall.error("GET", "tickets?case_code=H41")[:2] == (401, "unauthenticated")
    assert hall.error("GET", "tickets?case_code=H4", token=supervisor)[:2] == (422, "invalid_value")
    assert hall.error("GET", "tickets", token=supervisor)[:2] == (422, "invalid_value")
    # webhooks' state is for supervisors too, and never shows a secret (none configured here)
    assert hall.ok("GET", "webhooks", token=supervisor) == []
    assert hall.error("GET", "webhooks", token=staff)[:2] == (403, "forbidden")
    assert hall.error("POST", "webhooks/dead-letters/1/resend", token=supervisor)[:2] == (403, "forbidden")
    assert hall.error("POST", "webhooks/dead-letters/999/resend", token=hall.admin())[:2] == (404, "not_found")


def _hooks(*hooks: dict) -> dict:
    data = hall_config()
    data["webhooks"] = list(hooks)
    return data


def test_webhook_receivers_are_checked_and_named():
    ok = {"secret": "s3cret", "events": ["ticket.issued", "ticket.finished"]}
    config = parse_config(_hooks({"url": "https://mc.example.vn/hooks", **ok},
                                 {"url": "http://mc.example.vn:8080/other", **ok},
                                 {"url": "http://10.0.0.5/x", "name": "one-stop", **ok}))
    assert [h.name for h in config.webhooks] == ["mc.example.vn", "mc.example.vn-2", "one-stop"]
    assert "s3cret" not in repr(config.webhooks[0])
    from server.webhook_store import public_url

    assert public_url("https://bot:pw@mc.example.vn:8443/hooks?key=k1#x") == "https://mc.example.vn:8443/hooks?…"
    assert public_url("http://10.0.0.5/x") == "http://10.0.0.5/x"
    for hook, words in [
        ({"url": "ftp://x/y", **ok}, "not an http:// or https:// URL"),
        ({"url": "https://x/y", "secret": "  ", "events": ["ticket.issued"]}, "secret is blank"),
        ({"url": "https://x/y", "secret": "s", "events": ["ticket.printed"]}, "unknown event 'ticket.printed'"),
        ({"url": "https://x/y", "secret": "s", "events": []}, "events"),
        ({"url": "https://x/y", "events": ["ticket.issued"]}, "secret"),
        ({"url": "https://x/y", "ca_file": "/nowhere/ca.pem", **ok}, "'/nowhere/ca.pem': no such file"),
    ]:
        with pytest.raises(ConfigError, match="webhooks.0"):
            try:
                parse_config(_hooks(hook))
            except ConfigError as err:
                assert words in str(err), str(err)
                raise
    with pytest.raises(ConfigError, match="'a' is used twice"):
        parse_config(_hooks({"url": "https://x/1", "name": "a", **ok}, {"url": "https://x/2", "name": "a", **ok}))
