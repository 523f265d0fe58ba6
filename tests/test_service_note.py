"""A service's note (what to bring): validated in config.yaml, carried by GET /services."""
from __future__ import annotations

import pytest
import yaml

from server.app import create_app
from server.config import ConfigError, parse_config
from tests.conftest import demo_config_data


def test_get_services_carries_each_note_or_null(tmp_path):
    data = demo_config_data(async_mode="threading")
    data["services"][1]["note"] = {"vi": "Mang CCCD và giấy khai sinh", "en": "Bring your ID and birth certificate"}
    data["services"][2].pop("note", None)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    client = create_app(tmp_path / "config.yaml", {"ASYNC_MODE": "threading"}).test_client()
    answer = client.get("/api/v1/services")
    assert answer.status_code == 200
    notes = {s["code"]: s["note"] for s in answer.get_json()}
    assert notes[data["services"][1]["code"]] == {"vi": "Mang CCCD và giấy khai sinh",
                                                  "en": "Bring your ID and birth certificate"}
    assert notes[data["services"][2]["code"]] is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_note_past_300_characters_is_refused_in_one_line(lang):
    data = demo_config_data()
    data["services"][0]["note"] = {"vi": "Mang theo CCCD", lang: "x" * 301}
    with pytest.raises(ConfigError) as refused:
        parse_config(data)
    reason = str(refused.value)
    assert f"note.{lang} is 301 characters long, at most 300" in reason
    assert "\n" not in reason.strip()


def test_a_note_of_300_characters_is_kept():
    data = demo_config_data()
    data["services"][0]["note"] = {"vi": "đ" * 300}
    assert parse_config(data).services[0].note.vi == "đ" * 300
