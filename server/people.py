"""Managing people and devices, with every change written to the audit log."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import auth
from .queueing.errors import Conflict, Invalid, NotFound
from .records import AuditEntry, Device, LoginToken, User
from .typed_text import one_line


def audit(s: Session, actor: str, action: str, target: str | None, now: datetime,
          address: str | None = None, **detail: Any) -> None:
    s.add(AuditEntry(at=now, actor=actor, action=action, target=target, detail=detail or None, address=address))


USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
FULL_NAME_MAX = 100


def login_hint(text: str) -> str:
    """A username made from a full name: "Nguyễn Văn Bảo" → "nguyenvanbao" (for the error's example)."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    hint = "".join(c for c in plain if c.isascii() and (c.isalnum() or c in "._-")).lower()[:64]
    return hint or "nguyenvanbao"


def validate_username(username: str) -> str:
    """A login is short and typeable anywhere: ASCII letters, digits, . _ - (the full name goes elsewhere)."""
    if not USERNAME.fullmatch(username or ""):
        raise Invalid("invalid_username", example=login_hint(username or ""))
    return username


def validate_full_name(value: Any) -> str | None:
    """Any Vietnamese text of 1–100 characters, without control characters; None or "" clears it."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("invalid_full_name", maximum=FULL_NAME_MAX)
    try:
        name = one_line(value, FULL_NAME_MAX)
    except ValueError:
        raise Invalid("invalid_full_name", maximum=FULL_NAME_MAX) from None
    return " ".join(name.split()) or None  # one space between words; blank clears it


def display_name(u: User) -> str:
    """How a person is shown: their full name, else their username."""
    return u.full_name or u.username


def user_json(u: User) -> dict[str, Any]:
    return {"username": u.username, "full_name": u.full_name, "display_name": display_name(u), "role": u.role,
            "active": u.active, "counter": u.counter, "created_at": u.created_at.isoformat(timespec="seconds"),
            "photo_url": f"/media/{u.photo}" if u.photo else None}


def full_name_of(s: Session, username: str) -> str | None:
    return s.execute(select(User.full_name).where(User.username == username)).scalar_one_or_none()


_FULL_NAMES = select(User.username, User.full_name).where(User.full_name.is_not(None))  # built once: every call reads it


def full_names(s: Session) -> dict[str, str]:
    """username → full name, for everyone who has one (a small table, read once per answer)."""
    return dict(s.execute(_FULL_NAMES).all())


def device_json(d: Device) -> dict[str, Any]:
    return {"name": d.name, "kind": d.kind, "printer": d.printer, "created_at": d.created_at.isoformat(timespec="seconds"),
            "last_seen_at": d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else None,
            "revoked": d.revoked_at is not None}


def _user(s: Session, username: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound("not_found", what=username)
    return user


def _active_admins(s: Session) -> int:
    return s.execute(select(func.count()).where(User.role == "admin", User.active.is_(True))).scalar_one()


def change_user(s: Session, username: str, *, actor: str, now: datetime, role: str | None = None,
                active: bool | None = None, password: str | None = None, counter: int | None | str = "keep",
                counters: list[int] | None = None, full_name: str | None = "keep",
                password_hash: str | None = None) -> User:
    """Change a person's role, state, password, counter or full name; the last admin always stays an admin.

    A server passes `password_hash`, made beforehand off the writer thread; the CLI lets it be made here.
    """
    user = _user(s, username)
    name = validate_full_name(full_name) if full_name != "keep" else None
    losing_admin = user.role == "admin" and user.active and (
        (role is not None and role != "admin") or active is False)
    if losing_admin and _active_admins(s) <= 1:
        raise Conflict("last_admin")
    changed: dict[str, Any] = {}
    if role is not None:
        if role not in auth.ROLES:
            raise Invalid("invalid_value", field="role", allowed=", ".join(auth.ROLES))
        user.role = changed["role"] = role
    if active is not None:
        user.active = changed["active"] = active
    if password is not None:
        auth.validate_password(password)
        user.password_hash = password_hash or auth.hash_password(password)
        changed["password"] = "reset"
    if counter != "keep":
        if counter is not None and counters is not None and counter not in counters:
            raise NotFound("unknown_counter", counter=counter)
        user.counter = changed["counter"] = counter
    if full_name != "keep":
        user.full_name = changed["full_name"] = name
    if active is False or password is not None or role is not None:
        # Whatever they could do before, their open logins can't do any more.
        s.execute(update(LoginToken).where(LoginToken.user_id == user.id).values(revoked=True))
    audit(s, actor, "user_changed", username, now, **changed)
    return user


def change_own_password(s: Session, username: str, verified_hash: str, new_hash: str, keep: str, *,
                        now: datetime, address: str | None) -> list[str] | None:
    """Set a person's own password and end their other logins; the hashes of the tokens ended.

    None when the stored hash is no longer the one the current password was checked against
    (changed meanwhile): nothing changes then. The token hashed `keep` (the caller's) stays.
    """
    user = s.execute(select(User).where(User.username == username, User.active.is_(True))).scalar_one_or_none()
    if user is None or user.password_hash != verified_hash:
        return None
    user.password_hash = new_hash
    others = list(s.execute(select(LoginToken.token_hash).where(
        LoginToken.user_id == user.id, LoginToken.revoked.is_(False), LoginToken.expires_at > now,
        LoginToken.token_hash != keep)).scalars())
    if others:
        s.execute(update(LoginToken).where(LoginToken.token_hash.in_(others)).values(revoked=True))
    # Who and how many logins ended; never a password or a token.
    audit(s, f"user:{username}", "password_changed", username, now, address, others_revoked=len(others))
    return others
