"""The boards' media and people's photos: files checked by their bytes, kept by content hash.

An admin uploads an image or a short video (server/api/media.py) or a person's photo
(server/api/admin.py). The file goes into the hall's media folder (`media/` beside config.yaml)
as `<sha256>.<ext>`, so the same bytes are kept once and a name never changes meaning: boards
may cache it for ever. The database holds what refers to a file: a `media` row (with its
schedule) or a user's `photo`. A file nothing refers to any more is deleted.

Boards get the playlist (every enabled item with its schedule) and decide themselves, in the
hall's time, what plays now: a schedule that starts at 07:30 needs no event at 07:30.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .queueing.errors import Invalid, NotFound
from .records import Media, User
from .typed_text import one_line

MB = 1024 * 1024
IMAGE_MAX = 5 * MB
VIDEO_MAX = 50 * MB
PHOTO_MAX = 2 * MB
UPLOAD_SLACK = 64 * 1024  # a multipart body's boundaries and headers around the file
NAME = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|webp|mp4|webm)")
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4"}


class FileRefused(Invalid):
    """A file of a type or a size we do not take: 422, and nothing is stored."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """(kind, extension) of a file by its first bytes, whatever its name says; None if not one we take.

    HEIC and AVIF are ISO files too (`ftyp`), with their own brands: not MP4, not taken.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "video", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video", "webm"
    return None


def check(data: bytes, *, images_only: bool = False) -> tuple[str, str]:
    """The kind and extension of an uploaded file, or its refusal (`unsupported_file`, `file_too_large`)."""
    found = sniff(data[:64])
    if found is None or (images_only and found[0] != "image"):
        raise FileRefused("unsupported_file", field="file",
                          allowed="PNG, JPEG, WebP" if images_only else "PNG, JPEG, WebP, MP4, WebM")
    limit = PHOTO_MAX if images_only else IMAGE_MAX if found[0] == "image" else VIDEO_MAX
    if len(data) > limit:
        raise FileRefused("file_too_large", field="file", maximum_mb=limit // MB)
    return found


def folder(config_path: Path) -> Path:
    """The hall's media folder: `media/` beside its config.yaml (and its SQLite file)."""
    return config_path.parent / "media"


def keep(where: Path, data: bytes, ext: str) -> str:
    """Write the file once under its content hash (atomically: a board never reads half of one); its name."""
    name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
    target = where / name
    if not target.exists():
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return name


def in_use(s: Session, name: str) -> bool:
    """Does any media row or person's photo still refer to this file?"""
    rows = s.execute(select(func.count()).select_from(Media).where(Media.name == name)).scalar_one()
    return bool(rows) or s.execute(select(User.id).where(User.photo == name).limit(1)).first() is not None


def forget(s: Session, where: Path, names: set[str]) -> None:
    """Delete the files of `names` that nothing refers to any more (after the commit that let them go)."""
    for name in names:
        if name and not in_use(s, name):
            (where / name).unlink(missing_ok=True)


def url(name: str | None) -> str | None:
    return f"/media/{name}" if name else None


def title_of(filename: str | None) -> str:
    """The uploaded file's name as the admin list shows it (one clean line), or "" if none came."""
    try:
        return one_line(Path(filename or "").name, 200)
    except ValueError:
        return ""


# -- the schedule ----------------------------------------------------------------------------

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d|24:00")
SECONDS = (3, 300)


def _time(field: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        raise Invalid("invalid_value", field=field, allowed="HH:MM, 00:00–24:00, or null")
    return value


def _day(field: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_day(field)
    except ValueError:
        return _bad_day(field)


def _bad_day(field: str) -> date:
    raise Invalid("invalid_value", field=field, allowed="YYYY-MM-DD, or null")


def schedule(body: dict[str, Any], row: Media) -> dict[str, Any]:
    """The schedule fields `body` sets, checked against each other and the row's others; raises Invalid."""
    out: dict[str, Any] = {}
    if "from" in body:
        out["starts_on"] = _day("from", body["from"])
    if "until" in body:
        out["ends_on"] = _day("until", body["until"])
    if "weekdays" in body:
        days = body["weekdays"]
        if (not isinstance(days, list) or not days or any(type(d) is not int or not 1 <= d <= 7 for d in days)):
            raise Invalid("invalid_value", field="weekdays", allowed="a non-empty list of 1 (Monday) to 7 (Sunday)")
        out["weekdays"] = "".join(str(d) for d in sorted(set(days)))
    if "time_from" in body:
        out["time_from"] = _time("time_from", body["time_from"])
    if "time_until" in body:
        out["time_until"] = _time("time_until", body["time_until"])
    if "seconds" in body:
        sec = body["seconds"]
        if type(sec) is not int or not SECONDS[0] <= sec <= SECONDS[1]:
            raise Invalid("invalid_value", field="seconds", allowed=f"{SECONDS[0]}..{SECONDS[1]}")
        out["seconds"] = sec
    if "enabled" in body:
        if type(body["enabled"]) is not bool:
            raise Invalid("invalid_value", field="enabled", allowed="true, false")
        out["enabled"] = body["enabled"]
    if "order" in body:
        if type(body["order"]) is not int or not 0 <= body["order"] <= 9999:
            raise Invalid("invalid_value", field="order", allowed="0..9999")
        out["position"] = body["order"]
    start, end = out.get("starts_on", row.starts_on), out.get("ends_on", row.ends_on)
    if start and end and end < start:
        raise Invalid("invalid_value", field="until", allowed="a day on or after `from`")
    t0, t1 = out.get("time_from", row.time_from), out.get("time_until", row.time_until)
    if (t0 is None) != (t1 is None) or (t0 and t1 and t1 <= t0):
        raise Invalid("invalid_value", field="time_until", allowed="a time after `time_from`; both or neither")
    return out


# -- as JSON -----------------------------------------------------------------------------------


def as_json(row: Media) -> dict[str, Any]:
    """One item as boards get it: the file and when to play it (nothing about who uploaded it)."""
    return {
        "id": row.id, "url": url(row.name), "kind": row.kind,
        "seconds": row.seconds if row.kind == "image" else None,
        "from": row.starts_on.isoformat() if row.starts_on else None,
        "until": row.ends_on.isoformat() if row.ends_on else None,
        "weekdays": [int(d) for d in row.weekdays],
        "time_from": row.time_from, "time_until": row.time_until,
    }


def admin_json(row: Media, iso: Any) -> dict[str, Any]:
    """One item as the admin page gets it: also whether it is enabled, its order, its file and who added it."""
    return {**as_json(row), "seconds": row.seconds, "enabled": row.enabled, "order": row.position,
            "title": row.title, "size": row.size, "created_at": iso(row.created_at), "created_by": row.created_by}


_ORDER = (Media.position, Media.id)


def items(s: Session) -> list[Media]:
    return list(s.execute(select(Media).order_by(*_ORDER)).scalars())


def playlist(s: Session) -> list[dict[str, Any]]:
    """What the boards play, in order: every enabled item and its schedule (a board picks what is due now)."""
    return [as_json(r) for r in s.execute(select(Media).where(Media.enabled.is_(True)).order_by(*_ORDER)).scalars()]


_PHOTOS = select(User.username, User.photo).where(User.photo.is_not(None))


def photos(s: Session) -> dict[str, str]:
    """username → the URL of their photo, for everyone who has one."""
    return {username: f"/media/{name}" for username, name in s.execute(_PHOTOS).all()}


def get(s: Session, media_id: int) -> Media:
    row = s.get(Media, media_id)
    if row is None:
        raise NotFound("not_found", what=f"media {media_id}")
    return row


def add(s: Session, name: str, kind: str, size: int, title: str, actor: str, now: datetime) -> Media:
    """A new item, last in the order, shown every day all day until an admin schedules it."""
    last = s.execute(select(func.max(Media.position))).scalar_one()
    row = Media(name=name, kind=kind, size=size, title=title, weekdays="1234567", seconds=10, enabled=True,
                position=0 if last is None else last + 1, created_at=now, created_by=actor)
    s.add(row)
    s.flush()
    return row
