"""Forwarded client addresses (server/proxies.py): believed from trusted proxies only.

The parsing in plain tests; then the real app in process (Flask's test client, whose
`environ_base` sets the connection's REMOTE_ADDR): a failed login lands in the audit log
under the client's address behind a trusted proxy, under the real peer otherwise, and a
cookie change from the hall's own https page still passes the same-site check. Through a
real nginx: tests/integration/test_nginx.py.
"""
from __future__ import annotations

import time

import pytest

from server.config import ConfigError, parse_config
from server.config import parse_network
from server.proxies import ForwardedFor, Trusted, trusted_networks
from server.serving import AddressCap
from tests.conftest import demo_config_data
from tests.support.app import InProcessHall
from tests.support.auth import PASSWORD
from tests.support.hall import hall_config

NGINX = "127.0.0.1"


def trusted(*items: str) -> Trusted:
    return Trusted(parse_network(i) for i in items)


def seen(proxies: Trusted, **environ: str) -> dict:
    """What the app behind the middleware is handed."""
    got: dict = {}

    def app(env, start_response):
        got.update(env)
        return []

    ForwardedFor(app, proxies)({"wsgi.url_scheme": "http", **environ}, lambda *a: None)
    return got


@pytest.mark.parametrize("chain, client", [
    ("203.0.113.7", "203.0.113.7"),
    ("203.0.113.7, 10.1.2.3", "10.1.2.3"),             # the right-most untrusted: 10.1.2.3 is not trusted here
    ("1.1.1.1, 203.0.113.7, 127.0.0.1", "203.0.113.7"),  # a trusted hop on the right is walked past
    ("forged, 203.0.113.7", "203.0.113.7"),            # what the client wrote itself is never reached
    ("203.0.113.7, garbage", NGINX),                   # a malformed entry ends the walk at the proxy
    ("127.0.0.1, 127.0.0.1", "127.0.0.1"),             # all trusted: the left-most of them
    ("[2001:db8::5]", "2001:db8::5"),
    ("2001:db8::5, ::1", "2001:db8::5"),
    ("198.51.100.2:41234", "198.51.100.2"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
])
def test_the_client_is_the_right_most_untrusted_address(chain, client):
    assert trusted("127.0.0.0/8", "::1").client(NGINX, chain) == client


def test_networks_addresses_and_ipv6():
    t = trusted("10.0.0.0/8", "2001:db8:1::/48", "192.168.1.5")
    assert "10.200.3.4" in t and "192.168.1.5" in t and "2001:db8:1::77" in t and "[2001:db8:1::77]" in t
    assert "192.168.1.6" not in t and "2001:db8:2::1" not in t and "11.0.0.1" not in t and "not an ip" not in t
    assert "::ffff:10.0.0.1" in t  # a dual-stack socket's way of writing 10.0.0.1
    assert "127.0.0.1" not in Trusted(())


def test_headers_from_a_trusted_proxy_are_believed():
    env = seen(trusted(NGINX), REMOTE_ADDR=NGINX,
               HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_HOST="evil")
    assert env["REMOTE_ADDR"] == "203.0.113.7" and env["wsgi.url_scheme"] == "https"
    assert env["hallq.proxy"] == NGINX and "HTTP_X_FORWARDED_HOST" not in env


def test_headers_from_anyone_else_are_dropped():
    for proxies in (trusted(NGINX), Trusted(())):
        env = seen(proxies, REMOTE_ADDR="192.168.1.50", HTTP_X_FORWARDED_FOR="127.0.0.1",
                   HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_HOST="evil")
        assert env["REMOTE_ADDR"] == "192.168.1.50" and env["wsgi.url_scheme"] == "http"
        assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"} & set(env)


def test_a_strange_scheme_is_not_taken():
    env = seen(trusted(NGINX), REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_PROTO="javascript")
    assert env["wsgi.url_scheme"] == "http" and env["REMOTE_ADDR"] == NGINX


def test_the_connection_cap_does_not_count_a_trusted_proxy():
    cap = AddressCap(2, trusted("127.0.0.1"))
    assert all(cap.enter("127.0.0.1") for _ in range(10))
    assert cap.enter("192.168.1.9") and cap.enter("192.168.1.9") and not cap.enter("192.168.1.9")
    for _ in range(10):
        cap.leave("127.0.0.1")
    assert cap.refused == 1


def test_the_setting_and_the_variable(monkeypatch):
    monkeypatch.delenv("HALLQ_TRUSTED_PROXIES", raising=False)
    config = parse_config(demo_config_data(trusted_proxies=["127.0.0.1", "10.0.0.0/8", "::1"]))
    assert config.server.trusted_proxies == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    assert parse_config(demo_config_data()).server.trusted_proxies == []  # nobody by default
    with pytest.raises(ConfigError, match=r"server\.trusted_proxies.*'nginx' is not an address or a network"):
        parse_config(demo_config_data(trusted_proxies=["nginx"]))
    monkeypatch.setenv("HALLQ_TRUSTED_PROXIES", "192.168.0.0/16, ::1")
    assert [str(n) for n in trusted_networks(config.server.trusted_proxies)] == ["192.168.0.0/16", "::1/128"]
    monkeypatch.setenv("HALLQ_TRUSTED_PROXIES", "")  # set and empty: nobody, whatever the file says
    assert trusted_networks(config.server.trusted_proxies) == ()
    monkeypatch.setenv("HALLQ_TRUSTED_PROXIES", "127.0.0.1,localhost")
    with pytest.raises(ConfigError, match="HALLQ_TRUSTED_PROXIES: 'localhost' is not an address"):
        trusted_networks([])


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with InProcessHall(tmp_path_factory.mktemp("proxies"), hall_config(server={"trusted_proxies": [NGINX]})) as h:
        h.person("clerk", "staff")
        yield h


def failed_login_address(hall: InProcessHall, peer: str, **headers: str) -> str:
    """Fail a login as the connection `peer`, and read the address the audit log kept for it."""
    name = f"nobody{time.monotonic_ns()}"
    resp = hall.app.test_client().post("/api/v1/login", json={"username": name, "password": "wrong"},
                                       headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert resp.status_code == 401, resp.get_data(as_text=True)
    deadline = time.monotonic() + 10
    while True:  # a failed login is audited a moment later, off the request
        rows = [r for r in hall.ok("GET", "audit", token=hall.admin()) if r["target"] == name]
        if rows:
            return rows[0]["address"]
        assert time.monotonic() < deadline, "the failed login never reached the audit log"
        time.sleep(0.02)


def test_the_audit_log_keeps_the_client_behind_a_trusted_proxy(hall):
    assert failed_login_address(hall, NGINX, **{"X-Forwarded-For": "203.0.113.7"}) == "203.0.113.7"
    assert failed_login_address(hall, NGINX) == NGINX  # the proxy's own request
    # Someone on the hall's LAN forging the header is kept under their own address.
    assert failed_login_address(hall, "192.168.1.50", **{"X-Forwarded-For": "203.0.113.7"}) == "192.168.1.50"


def test_a_cookie_change_from_the_halls_own_https_page_passes_behind_the_proxy(hall):
    """nginx passes the Host the browser used; the page's Origin is https://that host."""
    hall.ok("POST", "tickets", 201, token=hall.device("proxied-kiosk"), json={"service": "DD"})
    browser = hall.app.test_client()
    env = {"REMOTE_ADDR": NGINX}
    tls = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "Host": "hall.example:8443"}
    assert browser.post("/api/v1/login", json={"username": "clerk", "password": PASSWORD},
                        headers=tls, environ_base=env).status_code == 200
    ours = browser.post("/api/v1/counters/1/call-next", json={}, environ_base=env,
                        headers={**tls, "Origin": "https://hall.example:8443"})
    theirs = browser.post("/api/v1/counters/1/call-next", json={}, environ_base=env,
                          headers={**tls, "Origin": "https://evil.example"})
    assert ours.status_code == 200, ours.get_data(as_text=True)
    assert theirs.status_code == 403 and theirs.get_json()["error"]["code"] == "csrf_failed"
