"""Logging in and out."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, NoReturn

from flask import g, jsonify, request, session

from .. import auth
from ..context import hall
from ..hashing import HashersBusy
from ..people import audit, change_own_password, full_name_of
from . import ApiError, allow, api
from .parse import answers, takes
from .schemas import ChangePassword, Login
from .schemas_answers import Done, LoggedIn, Me, PasswordChanged

REFUSED_PAUSE_S = 1.0


@api.post("/login")
@allow(public=True)
@takes(Login)
@answers(LoggedIn)
def login(body: Login):
    """Exchange a username and password for a bearer token (and the pages' session cookie)."""
    h = hall()
    username, password = body.username, body.password
    address = request.remote_addr
    user, ok = _verified(h, username, password)
    now = h.clock()
    ttl = timedelta(hours=h.config.server.token_ttl_hours)
    if not ok:
        h.db.write_later(lambda s: audit(s, f"user:{username}", "login_failed", username, now, address))
        raise ApiError(401, "invalid_credentials")

    def op(s):
        audit(s, f"user:{username}", "login", username, now, address)
        return auth.create_login_token(s, user[0], now, ttl)

    token = h.db.write(op)
    session.clear()
    session["token"] = token
    session.permanent = True
    return jsonify({"token": token, "user": {"username": user[1], "role": user[2]}})


def _verified(h: Any, username: str, password: str, *, also: str | None = None) -> tuple[Any, bool]:
    """The person's row, and whether `password` is theirs; a 429 past the login limits.

    Limits first, per address (and per `also`, a key of the caller's), and for everyone
    together: a refused attempt costs no hash.
    """
    address = request.remote_addr or ""
    if (not h.login_limiter.allow(address) or (also is not None and not h.login_limiter.allow(also))
            or not h.login_total.allow("all")):
        _refused()
    try:
        with h.hasher.slot():  # or refused now, before the database is asked anything
            user = h.db.read(lambda s: auth.find_user(s, username))
            # argon2 is deliberately slow: on the hashing threads, never on the hub or the database's.
            return user, h.hasher.run(auth.verify_login, user, password)
    except HashersBusy:
        _refused()


def _refused() -> NoReturn:
    """A 429, after a pause: a client that retries at once (a flood does) is slowed to the pause's pace.

    The pause costs a sleeping greenthread (or thread), no CPU; without it, instant 429s let a
    few dozen clients keep the server busy answering them.
    """
    time.sleep(REFUSED_PAUSE_S)
    raise ApiError(429, "rate_limited")


@api.post("/logout")
@allow(role="staff")
@answers(Done)
def logout():
    """End this login: the token stops working."""
    h = hall()
    token = _own_token()
    p, now, address = g.principal, h.clock(), request.remote_addr

    def op(s):
        auth.logout(s, token)
        audit(s, p.actor, "logout", p.name, now, address)

    h.db.write(op)
    h.principals.pop(auth.token_hash(token), None)
    session.clear()
    return jsonify({"ok": True})


@api.get("/me")
@allow(role="staff", devices=auth.DEVICE_KINDS)
@answers(Me)
def me():
    """Who this token belongs to."""
    p = g.principal
    full_name = hall().db.read(lambda s: full_name_of(s, p.name)) if p.kind == "user" else None
    return jsonify({"kind": p.kind, "name": p.name, "role": p.role, "device_kind": p.device_kind,
                    "counter": p.counter, "full_name": full_name, "display_name": full_name or p.name})


def _own_token() -> str:
    """The token this request came with: its bearer header's, else the pages' session cookie's."""
    header = request.headers.get("Authorization", "")
    return header.partition(" ")[2].strip() or session.get("token", "")


FORGET_ONE_BY_ONE = 100  # more logins than this ended at once: forget every cached login instead


@api.post("/me/password")
@allow(role="staff")
@takes(ChangePassword)
@answers(PasswordChanged)
def change_password(body: ChangePassword):
    """Change your own password: the current one first; your other logins end, this one stays."""
    h, p = hall(), g.principal
    address = request.remote_addr
    auth.validate_password(body.new)  # a weak new one costs no attempt and no hash
    # The login limits, and one per person: a stolen session must not try passwords faster than /login.
    user, ok = _verified(h, p.name, body.current, also=f"password:{p.name}")
    now = h.clock()
    try:
        # Hashed here, on the hashing threads: never on the database's writer thread.
        hashed = h.hasher(auth.hash_password, body.new) if ok else ""
    except HashersBusy:
        _refused()
    if not ok:
        h.db.write_later(lambda s: audit(s, p.actor, "password_change_failed", p.name, now, address))
        raise ApiError(403, "wrong_password")
    keep = auth.token_hash(_own_token())
    ended = h.db.write(lambda s: change_own_password(s, p.name, user[3], hashed, keep, now=now, address=address))
    if ended is None:  # changed by someone else since it was checked: the password given is not current
        raise ApiError(403, "wrong_password")
    # Cached logins: forgotten here and, through the message queue, in every process.
    if len(ended) > FORGET_ONE_BY_ONE:
        h.principals.clear()
    else:
        for digest in ended:
            h.principals.pop(digest, None)
    return jsonify({"ok": True, "revoked": len(ended)})
