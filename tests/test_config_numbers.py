"""Services never share a number: each service without `numbers` gets its own block, and
config validation refuses blocks that would hand out the same number, naming both services."""
from __future__ import annotations

import pytest

from server.config import ConfigError, parse_config
from tests.conftest import demo_config_data


def hall(*numbers: str | None, caps: dict[int, int] | None = None) -> dict:
    """The demo hall with its services' `numbers` replaced in order (None: left out)."""
    data = demo_config_data()
    for i, (svc, value) in enumerate(zip(data["services"], numbers)):
        if value is None:
            svc.pop("numbers", None)
        else:
            svc["numbers"] = value
        svc["daily_cap"] = (caps or {}).get(i, 99)
    return data


def printed(config) -> dict[str, set[str]]:
    return {svc.code: {svc.number_format.format(k) for k in range(1, 100)} for svc in config.services}


def test_services_without_numbers_get_their_own_thousand_blocks():
    config = parse_config(hall(None, None, None, "4001-4999", "5001-5999", "6001-6999", "A###"))
    assert [svc.numbers for svc in config.services[:3]] == ["1001-1999", "2001-2999", "3001-3999"]
    numbers = printed(config)
    assert sum(len(v) for v in numbers.values()) == len(set().union(*numbers.values()))  # no number twice


def test_default_blocks_skip_the_ones_taken():
    config = parse_config(hall("2001-2999", None, "1500-1600", None, None, "7001-7999", "A###"))
    # 1001-1999 meets 1500-1600, 2001-2999 is taken: the free thousands are 3001, 4001, 5001.
    assert [svc.numbers for svc in config.services] == [
        "2001-2999", "3001-3999", "1500-1600", "4001-4999", "5001-5999", "7001-7999", "A###"]


def test_a_service_alone_keeps_the_familiar_default():
    data = demo_config_data()
    data["services"] = [{"code": "DD", "name": {"vi": "Đất đai"}}]
    data["counters"] = [{"number": 1, "name": {"vi": "Quầy 1"}, "services": ["DD"]}]
    data["display"]["boards"] = {}
    assert parse_config(data).services[0].numbers == "1001-1999"


@pytest.mark.parametrize("first, second, shared", [
    ("1001-1999", "1500-2500", "1500…1999"),
    ("1001-1999", "1001-1999", "1001…1999"),
    ("1001-1999", "01001-01999", "1001…1999 and 01001…01999"),  # different widths, the same spoken number
    ("A###", "A##", "A001…A099 and A01…A99"),  # A05 and A005: both "A năm" on the board
    ("B##", "B1-B9", None),
])
def test_overlapping_numbers_are_refused_naming_both_services(first, second, shared):
    if shared is None:  # not a valid format at all
        with pytest.raises(ConfigError):
            parse_config(hall(first, second))
        return
    with pytest.raises(ConfigError) as caught:
        parse_config(hall(first, second))
    message = str(caught.value)
    assert "DD" in message and "HT" in message and repr(first) in message and repr(second) in message
    assert shared in message


@pytest.mark.parametrize("first, second", [("C###", "B###"), ("C###", "1001-1999"), ("C###", "CB##"),
                                           ("1-999", "1001-1999"), ("1001-1999", "2001-2999")])
def test_numbers_that_never_meet_are_fine(first, second):
    parse_config(hall(first, second))


def test_the_printer_name_agent_is_reserved():
    data = demo_config_data()
    data["printers"] = {"agent": {"url": "dummy://"}}
    with pytest.raises(ConfigError, match="reserved"):
        parse_config(data)
