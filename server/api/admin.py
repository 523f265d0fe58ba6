"""People and devices, for admins: add, disable, reset passwords, change roles, pair and revoke."""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from sqlalchemy import select
from werkzeug.routing import BaseConverter

from .. import auth, media
from ..context import hall
from ..people import audit, change_user, device_json, user_json, validate_full_name, validate_username
from ..queueing import statements
from ..queueing.errors import Invalid, NotFound
from ..queueing.outcome import CounterChanged, Outcome
from ..records import AuditEntry, Device, User
from . import allow, api, upload
from .media import uploaded
from .parse import answers, takes
from .schemas import AuditQuery, ChangeUser, NewDevice, NewUser
from .schemas_answers import AuditEntry as AuditAnswer, Device as DeviceAnswer, DeviceAdded, Revoked, User as UserAnswer


class DeviceName(BaseConverter):
    """Any device name in a URL, "/" and line breaks included ("tầng 1/2"), sent URL-encoded."""

    regex = r"[\s\S]+?"
    part_isolating = False  # may hold "/": the rule is matched as a whole


# Recorded before the routes below, so the converter exists when they are added to the app.
api.record_once(lambda state: state.app.url_map.converters.setdefault("device", DeviceName))


def _counter(body: NewUser | ChangeUser, counters: list[int]) -> int | None | str:
    """The counter sent (null unbinds), or "keep" when none was."""
    if "counter" not in body.model_fields_set:
        return "keep"
    if body.counter is not None and body.counter not in counters:
        raise Invalid("invalid_value", field="counter", allowed="a counter number, or null")
    return body.counter


@api.get("/users")
@allow(role="admin")
@answers(list[UserAnswer])
def users():
    """Everyone who can log in."""
    h = hall()
    return jsonify(h.db.read(lambda s: [user_json(u) for u in s.execute(select(User).order_by(User.username)).scalars()]))


@api.post("/users")
@allow(role="admin")
@takes(NewUser)
@answers(UserAnswer, 201)
def add_user(body: NewUser):
    """Create a person (the password is hashed with argon2id; there is no default one)."""
    h, p = hall(), g.principal
    username, role = body.username, body.role
    validate_username(username)
    full_name = validate_full_name(body.full_name)
    password = body.password
    counters = [c.number for c in h.config.counters]
    counter = _counter(body, counters)
    auth.validate_password(password)
    hashed = h.hasher(auth.hash_password, password)  # slow on purpose: on the hashing threads, before the write
    now = h.clock()

    address = request.remote_addr  # read here: op runs on a database thread

    def op(s):
        user = auth.add_user(s, username, role, password, now, hashed=hashed)
        user.counter = None if counter == "keep" else counter
        user.full_name = full_name
        audit(s, p.actor, "user_added", username, now, address, role=role, counter=user.counter, full_name=full_name)
        s.flush()
        return user_json(user)

    return jsonify(h.db.write(op)), 201


@api.patch("/users/<username>")
@allow(role="admin")
@takes(ChangeUser)
@answers(UserAnswer)
def change(username: str, body: ChangeUser):
    """Change a role, disable or enable, reset the password, bind to a counter, or set the full name."""
    h, p = hall(), g.principal
    role, active, password = body.role, body.active, body.password
    counters = [c.number for c in h.config.counters]
    counter = _counter(body, counters)
    full_name = validate_full_name(body.full_name) if "full_name" in body.model_fields_set else "keep"
    now = h.clock()
    hashed = None
    if password is not None:
        auth.validate_password(password)
        # Hashed here, before the write: on the single writer thread it stalled every write ~150 ms.
        hashed = h.hasher(auth.hash_password, password)
    result = h.db.write(lambda s: user_json(change_user(
        s, username, actor=p.actor, now=now, role=role, active=active, password=password, counter=counter,
        counters=counters, full_name=full_name, password_hash=hashed)))
    h.principals.clear()  # cached logins must see the change now
    return jsonify(result)


@api.put("/users/<username>/photo")
@allow(role="admin")
@upload(media.PHOTO_MAX + media.UPLOAD_SLACK)
@answers(UserAnswer)
def set_photo(username: str):
    """Set a person's photo (multipart field `file`: PNG, JPEG or WebP by its bytes, ≤ 2 MB), shown on the
    counter screen and the rating tablet beside their full name."""
    data, _ = uploaded(media.PHOTO_MAX)
    _, ext = media.check(data, images_only=True)
    h = hall()
    return jsonify(_photo(username, media.keep(media.folder(h.config_path), data, ext)))


@api.delete("/users/<username>/photo")
@allow(role="admin")
@answers(UserAnswer)
def remove_photo(username: str):
    """Remove a person's photo."""
    return jsonify(_photo(username, None))


def _photo(username: str, name: str | None) -> dict:
    """Set or clear a person's photo, audited; the counters they work at show it at once (`counter_changed`).

    The file they had goes when nothing else uses it.
    """
    h, p = hall(), g.principal
    now, address = h.clock(), request.remote_addr
    found: dict[str, Any] = {}

    def work(s):
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound("not_found", what=username)
        found["before"], user.photo, found["user"] = user.photo, name, user
        audit(s, p.actor, "photo_changed", username, now, address, before=found["before"], after=name)
        here = [n for n, state in statements.counter_states(s).items() if state.staff == f"user:{username}"]
        return Outcome(ticket=None, changes=[CounterChanged(n) for n in sorted(here)])

    result = h.change(work, lambda _view, _out: user_json(found["user"]), now=now)
    if found["before"] and found["before"] != name:
        h.db.write(lambda s: media.forget(s, media.folder(h.config_path), {found["before"]}))
    return result


@api.get("/devices")
@allow(role="admin")
@answers(list[DeviceAnswer])
def devices():
    """Kiosks, displays and rating tablets, with when each was last seen."""
    h = hall()
    return jsonify(h.db.read(lambda s: [device_json(d) for d in s.execute(select(Device).order_by(Device.name)).scalars()]))


@api.post("/devices")
@allow(role="admin")
@takes(NewDevice)
@answers(DeviceAdded, 201)
def add_device(body: NewDevice):
    """Register a device; its token is in this answer only."""
    h, p = hall(), g.principal
    device = auth.device_rules(body.name, body.kind, body.printer, h.config.printers)
    now = h.clock()

    address = request.remote_addr  # read here: op runs on a database thread

    def op(s):
        token = auth.add_device(s, device, now)
        audit(s, p.actor, "device_added", device.name, now, address, kind=device.kind, printer=device.printer)
        return token

    token = h.db.write(op)
    return jsonify({"name": device.name, "kind": device.kind, "printer": device.printer, "token": token}), 201


@api.post("/devices/<device:name>/revoke")
@allow(role="admin")
@answers(Revoked)
def revoke(name: str):
    """Revoke a device, whatever its name: its token stops working at once."""
    h, p = hall(), g.principal
    now = h.clock()

    address = request.remote_addr  # read here: op runs on a database thread

    def op(s):
        device_id = auth.revoke_device(s, name, now)
        audit(s, p.actor, "device_revoked", name, now, address)
        return device_id

    device_id = h.db.write(op)
    # This process's cache of who a token is would let it in for PRINCIPAL_CACHE_S more: forget it now.
    for digest, (principal, _) in list(h.principals.items()):
        if principal is not None and principal.device_id == device_id:
            h.principals.pop(digest, None)
    return jsonify({"name": name, "revoked": True})


@api.get("/audit")
@allow(role="admin")
@takes(AuditQuery)
@answers(list[AuditAnswer])
def audit_log(query: AuditQuery):
    """The newest entries of the audit log (people, devices, logins)."""
    h = hall()
    limit = query.limit
    rows = h.db.read(lambda s: s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars().all())
    return jsonify([{"at": r.at.isoformat(timespec="seconds"), "actor": r.actor, "action": r.action,
                     "target": r.target, "detail": r.detail, "address": r.address} for r in rows])
