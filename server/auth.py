"""People and devices: slow password hashes, hashed bearer tokens, roles, rate limits."""
from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .queueing.errors import Conflict, Invalid, NotFound
from .records import Device, LoginToken, User

ROLES = ("staff", "supervisor", "admin")  # each includes the ones before it
DEVICE_KINDS = ("kiosk", "display", "rating")
_hasher = PasswordHasher()  # argon2id with its library's recommended cost
@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both paths take as long."""
    return _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Principal:
    """Who is asking: a person (role), a device (kind), or nobody."""

    kind: str  # "user", "device" or "anonymous"
    name: str
    role: str | None = None  # staff / supervisor / admin for people
    device_kind: str | None = None
    device_id: int | None = None
    printer: str | None = None
    counter: int | None = None  # a person bound to one counter
    via_cookie: bool = False

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.name}" if self.kind != "anonymous" else "anonymous"

    def at_least(self, role: str) -> bool:
        return self.kind == "user" and ROLES.index(self.role) >= ROLES.index(role)

    def is_device(self, kind: str) -> bool:
        return self.kind == "device" and self.device_kind == kind


ANONYMOUS = Principal(kind="anonymous", name="anonymous")
SITE, REVOKED_SITE = "site", "revoked-site"  # a center pushing to its province (server/sites.py)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def validate_password(password: str) -> None:
    if len(password) < 8:
        raise Invalid("weak_password", minimum=8)


def add_user(s: Session, username: str, role: str, password: str, now: datetime, hashed: str | None = None) -> User:
    """Create a person; the password is stored only as an argon2id hash."""
    if role not in ROLES:
        raise Invalid("invalid_value", field="role", allowed=", ".join(ROLES))
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise Invalid("invalid_value", field="username", allowed="letters, digits, . _ -")
    validate_password(password)
    if s.execute(select(User.id).where(User.username == username)).first():
        raise Conflict("already_exists", name=username)
    user = User(username=username, role=role, password_hash=hashed or hash_password(password), active=True,
                created_at=now)
    s.add(user)
    return user


@dataclass(frozen=True)
class NewDevice:
    """A device that passed `device_rules`: the only way into `add_device`."""

    name: str
    kind: str
    printer: str | None


DEVICE_NAME_MAX = 64
AGENT_PRINTER = "agent"  # a printer on the kiosk's own PC, driven by `hallq agent` (kiosk/agent.py)
AGENT_KEY = "agent:"  # such a kiosk's print jobs go to the printer key `agent:<device name>`
# Control characters, line breaks, invisible formatting, surrogates, private and unassigned code points.
_NOT_IN_NAMES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def device_name(name: Any) -> str:
    """A device name as stored: trimmed, NFC; 1–64 characters of any script, "/" included."""
    if not isinstance(name, str) or _bad_chars(name):
        raise Invalid("invalid_device_name", maximum=DEVICE_NAME_MAX)
    name = unicodedata.normalize("NFC", name.strip())
    # "." and ".." segments: a browser resolves them away in the revoke URL, so no page could revoke it.
    if not 1 <= len(name) <= DEVICE_NAME_MAX or {".", ".."} & set(name.split("/")):
        raise Invalid("invalid_device_name", maximum=DEVICE_NAME_MAX)
    return name


def _bad_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in _NOT_IN_NAMES for ch in text)


def device_printer(printer: str, printers: Mapping[str, Any]) -> str:
    """A kiosk's printer: a name from config.yaml's `printers`, or a URL of a known scheme."""
    printer = printer.strip()
    names = ", ".join(sorted(printers)) or "—"
    if printer in printers:
        return printer
    if printer.lower() == AGENT_PRINTER:
        return AGENT_PRINTER
    from printer_drivers.errors import PrinterError
    from printer_drivers.transports import SCHEMES, transport_for

    scheme = printer.partition("://")[0].lower() if "://" in printer else ""
    if scheme not in SCHEMES or _bad_chars(printer) or len(printer) > 300:
        raise Invalid("invalid_device_printer", names=names, detail="")
    try:
        transport_for(printer)  # built, not opened: checks the address's parts (port, baud rate, ids)
    except PrinterError as err:
        raise Invalid("invalid_device_printer", names=names, detail=f" ({err})") from None
    return printer


def device_rules(name: Any, kind: Any, printer: str | None, printers: Mapping[str, Any]) -> NewDevice:
    """The one set of rules for a new device, for the CLI and the API alike."""
    name = device_name(name)
    if kind not in DEVICE_KINDS:
        raise Invalid("invalid_value", field="kind", allowed=", ".join(DEVICE_KINDS))
    if printer is not None and not isinstance(printer, str):
        raise Invalid("invalid_device_printer", names=", ".join(sorted(printers)) or "—", detail="")
    printer = (printer or "").strip() or None
    if printer is not None:
        if kind != "kiosk":
            raise Invalid("printer_kiosk_only", kind=kind)
        printer = device_printer(printer, printers)
    return NewDevice(name=name, kind=kind, printer=printer)


def add_device(s: Session, device: NewDevice, now: datetime) -> str:
    """Register a device; returns its bearer token, which is stored only hashed."""
    if s.execute(select(Device.id).where(Device.name == device.name)).first():
        raise Conflict("already_exists", name=device.name)
    token = "hqd_" + secrets.token_urlsafe(32)
    s.add(Device(name=device.name, kind=device.kind, token_hash=token_hash(token), printer=device.printer,
                 created_at=now))
    return token


def verify_login(user: tuple[int, str, str, str, bool] | None, password: str) -> bool:
    """Check a password against a user row; an unknown user costs the same time."""
    if user is None or not user[4]:
        check_password(_dummy_hash(), password)
        return False
    return check_password(user[3], password)


def find_user(s: Session, username: str) -> tuple[int, str, str, str, bool] | None:
    row = s.execute(select(User.id, User.username, User.role, User.password_hash, User.active)
                    .where(User.username == username)).first()
    return tuple(row) if row else None


def create_login_token(s: Session, user_id: int, now: datetime, ttl: timedelta) -> str:
    """A person's bearer token, stored only as its SHA-256."""
    token = "hqu_" + secrets.token_urlsafe(32)
    s.add(LoginToken(token_hash=token_hash(token), user_id=user_id, created_at=now, expires_at=now + ttl))
    return token


def logout(s: Session, token: str) -> None:
    s.execute(update(LoginToken).where(LoginToken.token_hash == token_hash(token)).values(revoked=True))


def resolve(s: Session, token: str, now: datetime) -> Principal | None:
    """The principal a bearer token stands for, or None when it is unknown, expired or revoked."""
    digest = token_hash(token)
    if token.startswith("hqd_"):
        dev = s.execute(select(Device).where(Device.token_hash == digest)).scalar_one_or_none()
        if dev is None or dev.revoked_at is not None:
            return None
        printer = AGENT_KEY + dev.name if dev.printer == AGENT_PRINTER else dev.printer
        return Principal(kind="device", name=dev.name, device_kind=dev.kind, device_id=dev.id, printer=printer)
    if token.startswith("hqu_"):
        row = s.execute(
            select(LoginToken, User).join(User, User.id == LoginToken.user_id)
            .where(LoginToken.token_hash == digest)
        ).first()
        if row is None:
            return None
        tok, user = row
        if tok.revoked or tok.expires_at <= now or not user.active:
            return None
        return Principal(kind="user", name=user.username, role=user.role, counter=user.counter)
    return None


def device_seen(s: Session, device_id: int, now: datetime) -> None:
    s.execute(update(Device).where(Device.id == device_id).values(last_seen_at=now))


def revoke_device(s: Session, name: str, now: datetime) -> int:
    """Revoke a device by its name as stored (or as typed: trimmed, NFC); returns its id."""
    for candidate in dict.fromkeys((name, unicodedata.normalize("NFC", name.strip()))):
        device_id = s.execute(select(Device.id).where(Device.name == candidate, Device.revoked_at.is_(None))
                              .with_for_update()).scalar_one_or_none()
        if device_id is not None:
            s.execute(update(Device).where(Device.id == device_id).values(revoked_at=now))
            return device_id
    raise NotFound("not_found", what=name)


class RateLimiter:
    """A token bucket per key: `rate` actions a minute, bursts up to `burst`."""

    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst or max(1, per_minute // 3))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > 10000:  # forget idle keys rather than grow forever
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
            return True

    def forget(self, key: str) -> None:
        """Drop a key's bucket (its client is gone)."""
        with self._lock:
            self._buckets.pop(key, None)
