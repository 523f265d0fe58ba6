"""The connection's small rules: which refusals end the agent, the backoff, and the reasons it logs."""
from __future__ import annotations

import pytest

from kiosk.agent import FATAL, backoff, refusal_code, short_reason


@pytest.mark.parametrize("data, code", [
    ({"message": "Token không hợp lệ", "data": {"code": "unauthenticated"}}, "unauthenticated"),  # hub.py's shape
    ({"code": "not_an_agent_kiosk"}, "not_an_agent_kiosk"),
    ({"message": "unauthenticated"}, "unauthenticated"),
    ({"message": "Connection rejected by server"}, None),
    ("Unable to connect", None),  # python-socketio: a namespace the server does not serve
    ("Connection refused by the server", None),
    (None, None),
])
def test_the_refusal_code(data, code):
    assert refusal_code(data) == code


def test_only_a_refused_token_ends_the_agent():
    assert set(FATAL) == {"unauthenticated", "not_an_agent_kiosk", "agent_replaced"}
    assert all(f"({code})" in reason and "\n" not in reason for code, reason in FATAL.items())


def test_backoff_doubles_from_half_a_second_to_five_with_jitter():
    for _ in range(200):
        waits = [backoff(n) for n in range(12)]
        assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0 and 1.5 <= waits[2] <= 2.0
        assert 3.0 <= waits[3] <= 4.0 and all(3.75 <= w <= 5.0 for w in waits[4:])
    assert len({backoff(5) for _ in range(50)}) > 1  # jittered: twenty kiosks do not knock together


@pytest.mark.parametrize("text, short", [
    ("HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /socket.io/?transport=polling "
     "(Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', port=9): Failed to establish a new "
     "connection: [Errno 111] Connection refused\"))", "Connection refused"),
    ("HTTPConnectionPool(host='hall.invalid', port=80): Max retries exceeded with url: / (Caused by "
     "NameResolutionError(\"<urllib3.connection.HTTPConnection object>: Failed to resolve 'hall.invalid' "
     "([Errno -2] Name or service not known)\"))", "Name or service not known"),
    ("HTTPConnectionPool(host='10.0.0.9', port=5000): Read timed out. (read timeout=5)", "timed out"),
    ("Unexpected status code 404 in server response", "Unexpected status code 404 in server response"),
])
def test_the_logged_reason_is_short(text, short):
    assert short_reason(text) == short
