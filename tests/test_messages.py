"""One message catalog: server/messages.py words every error for the server and for the pages."""
from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from server.config import DEFAULT_PRIORITY
from server.messages import FOR_CITIZENS, FOR_STAFF, LABELS, MESSAGES, PRIORITY, catalog_js, message

ROOT = Path(__file__).resolve().parent.parent
PAGE_SCRIPTS = sorted(p for folder in ("kiosk", "counter", "display", "server")
                      for p in (ROOT / folder).rglob("*.js") if "vendor" not in p.parts)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


TABLES = {"MESSAGES": MESSAGES, "FOR_CITIZENS": FOR_CITIZENS, "FOR_STAFF": FOR_STAFF, "LABELS": LABELS}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_vietnamese_and_english_take_the_same_params(table):
    differ = {code: (vi, en) for code, (vi, en) in TABLES[table].items() if _fields(vi) != _fields(en)}
    assert not differ


@pytest.mark.parametrize("table", ["FOR_CITIZENS", "FOR_STAFF"])
def test_a_page_words_only_codes_the_server_has_with_params_it_sends(table):
    for code, (vi, _) in TABLES[table].items():
        assert code in MESSAGES, code
        assert _fields(vi) <= _fields(MESSAGES[code][0]), code


def test_citizens_are_addressed_ong_ba():
    for code, (vi, _) in FOR_CITIZENS.items():
        assert not re.search(r"\bbạn\b", vi, re.I), code
        assert "_" not in vi and "{" not in vi, code  # no codes, no field names


#: What citizens read: the kiosk (and the phone page it shares words with), the rating tablet, the boards.
CITIZEN_SCRIPTS = [ROOT / "kiosk" / "static" / "kiosk-i18n.js", ROOT / "kiosk" / "static" / "book-i18n.js", ROOT / "counter" / "static" / "rating-i18n.js",
                   ROOT / "display" / "static" / "display-i18n.js"]


def test_citizen_pages_address_citizens_ong_ba():
    """The pages' own words too, not only the server's catalog (a kiosk banner once said 'bạn')."""
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()[:80]}" for p in CITIZEN_SCRIPTS
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bbạn\b", line, re.I)]
    assert not found


def test_no_page_script_words_an_error_of_its_own():
    """The pages' error texts come from /static/messages.js, generated from server/messages.py."""
    own = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in PAGE_SCRIPTS
           for m in re.finditer(r'^\s*"error\.\w+"\s*:', p.read_text(encoding="utf-8"), re.M)]
    assert not own


def test_the_pages_catalog_is_the_servers():
    script = catalog_js()
    tables = dict(re.findall(r"^export const (\w+) = (\{.*?^\});$", script, re.M | re.S))
    catalogs = {name: json.loads(body) for name, body in tables.items()}
    assert set(catalogs) == {"MESSAGES", "FOR_CITIZENS", "FOR_STAFF"}
    assert catalogs["MESSAGES"]["error.queue_empty"] == list(MESSAGES["queue_empty"])
    assert catalogs["MESSAGES"]["priority.elderly"] == list(PRIORITY["elderly"])
    assert catalogs["FOR_CITIZENS"]["error.already_rated"] == list(FOR_CITIZENS["already_rated"])
    # A refusal's role and device names, as message() fills them in.
    assert catalogs["MESSAGES"]["error.forbidden.role"][0].format(
        role_name=catalogs["MESSAGES"]["role_name.supervisor"][0]) == message("forbidden", "vi", role="supervisor")


def test_the_default_priority_categories_are_the_catalogs():
    assert {c.code: (c.name.vi, c.name.en) for c in DEFAULT_PRIORITY} == PRIORITY


def test_the_pages_no_longer_keep_priority_names():
    assert not [p for p in PAGE_SCRIPTS if re.search(r'"priority\.(elderly|disability|pregnant|small_children)"',
                                                      p.read_text(encoding="utf-8"))]
