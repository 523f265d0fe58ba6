"""Password hashes run on the hashing threads: never on the database writer, the hub or a request thread.

In process (Flask's test client over the real app): which thread each argon2 call runs on is
seen by wrapping argon2-cffi's own PasswordHasher methods (the library, not a seam of ours).
Under a flood, on a real server: tests/integration/test_flood_login.py.
"""
from __future__ import annotations

import threading

import pytest
import yaml
from argon2 import PasswordHasher

from server import auth
from server.app import create_app
from server.queueing.clock import utcnow
from tests.conftest import demo_config_data

PASSWORD = "correct horse 2024"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hashing")
    data = demo_config_data(async_mode="threading", login_attempts_per_minute=1000)
    (folder / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})
    db = app.extensions["hallq"].db
    db.write(lambda s: auth.add_user(s, "boss", "admin", PASSWORD, utcnow()))
    db.write(lambda s: auth.add_user(s, "clerk", "staff", PASSWORD, utcnow()))
    yield app  # built, not started: the hashing threads start at the first hash
    app.extensions["hallq"].stop()


@pytest.fixture(scope="module")
def admin(app) -> dict[str, str]:
    resp = app.test_client().post("/api/v1/login", json={"username": "boss", "password": PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


@pytest.fixture
def hashing_threads(monkeypatch) -> list[str]:
    """The name of the thread each argon2 hash or verify runs on (argon2-cffi's own methods, wrapped)."""
    seen: list[str] = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)

        def wrapped(self, *args, _original=original, **kwargs):
            seen.append(threading.current_thread().name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, wrapped)
    return seen


def test_a_password_reset_is_hashed_before_the_write_not_on_the_writer_thread(app, admin, hashing_threads):
    resp = app.test_client().patch("/api/v1/users/clerk", json={"password": "another long one"}, headers=admin)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert hashing_threads and all(name.startswith("hallq-hash-") for name in hashing_threads), hashing_threads
    # …and the new hash is the one stored: the person logs in with it
    login = app.test_client().post("/api/v1/login", json={"username": "clerk", "password": "another long one"})
    assert login.status_code == 200


def test_logins_and_new_people_hash_on_the_hashing_threads(app, admin, hashing_threads):
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "boss", "password": "wrong password"}).status_code == 401
    assert client.post("/api/v1/login", json={"username": "nobody", "password": "wrong password"}).status_code == 401
    resp = client.post("/api/v1/users", json={"username": "lan", "role": "staff", "password": PASSWORD}, headers=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert len(hashing_threads) >= 3
    assert all(name.startswith("hallq-hash-") for name in hashing_threads), hashing_threads
