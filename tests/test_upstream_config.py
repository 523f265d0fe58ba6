"""A center's `upstream`: config.yaml's keys, or HALLQ_UPSTREAM_URL with HALLQ_UPSTREAM_TOKEN (both or neither)."""
from __future__ import annotations

import pytest

from server.config import ConfigError, parse_config, upstream
from tests.conftest import demo_config_data


def config(**keys):
    return parse_config({**demo_config_data(), **keys})


def test_the_environment_wins_over_the_file(monkeypatch):
    conf = config(upstream={"url": "http://file.example", "token": "hqs_file"})
    assert upstream(conf).url == "http://file.example"
    monkeypatch.setenv("HALLQ_UPSTREAM_URL", "https://env.example")
    monkeypatch.setenv("HALLQ_UPSTREAM_TOKEN", "hqs_env")
    assert (upstream(conf).url, upstream(conf).token) == ("https://env.example", "hqs_env")
    assert upstream(config()).token == "hqs_env" and config().province is False


@pytest.mark.parametrize("given, missing", [("HALLQ_UPSTREAM_URL", "HALLQ_UPSTREAM_TOKEN"),
                                            ("HALLQ_UPSTREAM_TOKEN", "HALLQ_UPSTREAM_URL")])
def test_one_variable_alone_is_refused_naming_the_other(monkeypatch, given, missing):
    monkeypatch.setenv(given, "https://env.example" if given.endswith("URL") else "hqs_env")
    with pytest.raises(ConfigError, match=f"{given} is set but {missing} is not"):
        upstream(config())


def test_an_upstream_url_must_be_http(monkeypatch):
    with pytest.raises(ConfigError, match="upstream.url"):
        config(upstream={"url": "ftp://x", "token": "t"})
    monkeypatch.setenv("HALLQ_UPSTREAM_URL", "province.example")
    monkeypatch.setenv("HALLQ_UPSTREAM_TOKEN", "hqs_env")
    with pytest.raises(ConfigError, match="HALLQ_UPSTREAM_URL"):
        upstream(config())
