"""Managing people and devices, with every change written to the audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import auth
from .queueing.errors import Conflict, Invalid, NotFound
from .queueing.models import AuditEntry, Device, LoginToken, User


def audit(s: Session, actor: str, action: str, target: str | None, now: datetime,
          address: str | None = None, **detail: Any) -> None:
    s.add(AuditEntry(at=now, actor=actor, action=action, target=target, detail=detail or None, address=address))


def user_json(u: User) -> dict[str, Any]:
    return {"username": u.username, "role": u.role, "active": u.active, "counter": u.counter,
            "created_at": u.created_at.isoformat(timespec="seconds")}


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
                counters: list[int] | None = None, password_hash: str | None = None) -> User:
    """Change a person's role, state, password or counter; the last admin always stays an admin.

    A server passes `password_hash`, made beforehand off the writer thread; the CLI lets it be made here.
    """
    user = _user(s, username)
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
    if active is False or password is not None or role is not None:
        # Whatever they could do before, their open logins can't do any more.
        s.execute(update(LoginToken).where(LoginToken.user_id == user.id).values(revoked=True))
    audit(s, actor, "user_changed", username, now, **changed)
    return user
