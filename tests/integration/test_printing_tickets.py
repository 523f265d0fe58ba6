"""What a real `hallq serve` prints and tells the kiosk: the priority band from config, failures as codes."""
from __future__ import annotations

import pytest

from printer_drivers.codepage import decode_tcvn3
from server.messages import MESSAGES
from tests.printers.hall_printing import issue, settled_print
from tests.printers.virtual_printer import PtyPrinter
from tests.support.hall import hall_config

pytestmark = pytest.mark.slow
VETERAN = {"code": "veteran", "name": {"vi": "Người có công với cách mạng", "en": "Revolution contributor"}}


@pytest.fixture(scope="module")
def printer():
    p = PtyPrinter()
    yield p
    p.close()


@pytest.fixture(scope="module")
def hall(live_server, auth, printer, tmp_path_factory):
    """A hall with its own priority categories; kiosk "sanh-a" prints in code-page mode on a virtual printer."""
    missing = tmp_path_factory.mktemp("nowhere") / "gone" / "lp0"

    def edit(data):
        data["priority_categories"] = [VETERAN, {"code": "elderly", "name": {"vi": "Người cao tuổi", "en": "Elderly"}}]
        data["printers"] = {"sanh-a": {"url": printer.url, "text_mode": "codepage", "profile": "TM-T88V"},
                            "hong": {"url": f"file://{missing}"}}

    server = live_server(hall_config(edit=edit), async_mode="threading", name="printing-tickets")
    server.auth = auth(server)
    server.kiosk = server.auth.device("kiosk-sanh-a", "kiosk", printer="sanh-a")
    server.broken = server.auth.device("kiosk-hong", "kiosk", printer="hong")
    return server


def band_on_paper(printer: PtyPrinter, cuts_before: int) -> str | None:
    """The reversed (white on black) line of the ticket printed after cuts_before cuts, decoded; None if none."""
    assert printer.wait_for(lambda m: m.count("cut") > cuts_before, timeout=15)
    with printer.model.lock:
        ops = list(printer.model.ops)
    cut = [i for i, op in enumerate(ops) if op.name == "cut"]
    ticket = ops[cut[cuts_before - 1] + 1 if cuts_before else 0 : cut[cuts_before]]
    on = next((i for i, op in enumerate(ticket) if op.name == "reverse" and op.args == (1,)), None)
    if on is None:
        return None
    off = next(i for i, op in enumerate(ticket) if op.name == "reverse" and op.args == (0,))
    page = next((op.args[0] for op in reversed(ticket[:on]) if op.name == "codepage"), 30)
    raw = b"".join(op.data if op.name == "text" else b"\x1bt" + bytes(op.args)
                   for op in ticket[on + 1 : off] if op.name in ("text", "codepage"))
    return decode_tcvn3(raw, start_page=page).strip()


@pytest.mark.parametrize("lang,expected", [("vi", "ƯU TIÊN - Người có công với cách mạng"),
                                           ("en", "PRIORITY - Revolution contributor")])
def test_the_band_names_the_configured_category_in_the_tickets_language(hall, printer, lang, expected):
    cuts = printer.model.count("cut")
    body = issue(hall, hall.kiosk, "HT", priority="veteran", lang=lang)
    assert body["ticket"]["priority_name"] == VETERAN["name"]  # the kiosk's on-screen band uses the same
    assert settled_print(hall, body["ticket"]["token"])["status"] == "printed"
    assert band_on_paper(printer, cuts) == expected


def test_a_normal_ticket_has_no_band(hall, printer):
    cuts = printer.model.count("cut")
    body = issue(hall, hall.kiosk, "HT")
    assert settled_print(hall, body["ticket"]["token"])["status"] == "printed"
    assert band_on_paper(printer, cuts) is None


def test_a_failed_print_tells_the_kiosk_a_code_and_catalog_words_only(hall):
    body = settled_print(hall, issue(hall, hall.broken)["ticket"]["token"])
    assert body == {"status": "failed", "code": "offline", "message": MESSAGES["print_offline"][0]}
    english = settled_print(hall, issue(hall, hall.broken, lang="en")["ticket"]["token"])
    assert english["message"] == MESSAGES["print_offline"][1]
    # The raw reason is for supervisors: GET /printers and the dashboard, with the kiosk's name.
    boss = hall.auth.supervisor()
    entry = next(p for p in hall.get("printers", token=boss).json() if p["name"] == "hong")
    assert "cannot open" in entry["last_error"] and entry["kiosk"] == "kiosk-hong"
    assert set(entry) >= {"name", "url", "online", "paper", "cover_open", "last_error", "pending_jobs", "kiosk"}
