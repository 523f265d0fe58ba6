"""Logging in and out."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import NoReturn

from flask import g, jsonify, request, session

from .. import auth
from ..context import hall
from ..hashing import HashersBusy
from ..people import audit, full_name_of
from . import ApiError, allow, api
from .parse import answers, takes
from .schemas import Login
from .schemas_answers import Done, LoggedIn, Me

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
    # Limits first, per address and for everyone together: a refused attempt costs no hash.
    if not h.login_limiter.allow(address or "") or not h.login_total.allow("all"):
        _refused()
    now = h.clock()
    ttl = timedelta(hours=h.config.server.token_ttl_hours)
    try:
        with h.hasher.slot():  # or refused now, before the database is asked anything
            user = h.db.read(lambda s: auth.find_user(s, username))
            # argon2 is deliberately slow: on the hashing threads, never on the hub or the database's.
            ok = h.hasher.run(auth.verify_login, user, password)
    except HashersBusy:
        _refused()
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
    header = request.headers.get("Authorization", "")
    token = header.partition(" ")[2].strip() or session.get("token", "")
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
