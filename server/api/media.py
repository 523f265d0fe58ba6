"""The boards' media zone, for admins: upload, list, schedule, delete; live (`media_changed`).

Also the files themselves, `/media/<name>`, for anyone: boards and counter screens are public.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, g, jsonify, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from .. import media
from ..context import hall
from ..people import audit
from ..queueing.outcome import MediaChanged, Outcome
from . import allow, api, upload
from .parse import answers
from .schemas_answers import MediaItem

files = Blueprint("media", __name__)


@files.get("/media/<name>")
def static_file(name: str):
    """A stored file; its name is its content's hash, so it may be cached for ever."""
    if not media.NAME.fullmatch(name):
        abort(404)
    resp = send_from_directory(media.folder(hall().config_path), name, max_age=365 * 24 * 3600)
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def uploaded(limit: int) -> tuple[bytes, str]:
    """The multipart field `file`: its bytes and its file name; refused when missing or over `limit`."""
    if request.content_length is not None and request.content_length > limit:
        raise media.FileRefused("file_too_large", field="file", maximum_mb=limit // media.MB)
    try:
        part = request.files.get("file")
        data = part.read(limit + 1) if part is not None else b""
    except RequestEntityTooLarge:  # a chunked body past the request's limit
        raise media.FileRefused("file_too_large", field="file", maximum_mb=limit // media.MB) from None
    if not data:
        raise media.FileRefused("missing_field", field="file")
    return data, part.filename or ""


def _changed(work: Callable[[Any], Any], answer: Callable[[Any], Any]) -> Any:
    """One media change as a unit of work: the boards get `media_changed` with the playlist after it."""

    def op(s):
        work(s)
        return Outcome(ticket=None, changes=[MediaChanged()])

    return hall().change(op, lambda view, _out: answer(view.s))


@api.post("/media")
@allow(role="admin")
@upload(media.VIDEO_MAX + media.UPLOAD_SLACK)
@answers(MediaItem, 201)
def add_media():
    """Upload an image (PNG, JPEG, WebP, ≤ 5 MB) or a video (MP4, WebM, ≤ 50 MB) as multipart field `file`.

    The type is read from the bytes, not the name. The new item plays every day, all day, last,
    until it is scheduled (PATCH).
    """
    h, p = hall(), g.principal
    data, filename = uploaded(media.VIDEO_MAX)
    kind, ext = media.check(data)
    name = media.keep(media.folder(h.config_path), data, ext)
    now, address = h.clock(), request.remote_addr
    added: dict[str, Any] = {}

    def work(s):
        row = media.add(s, name, kind, len(data), media.title_of(filename), p.actor, now)
        audit(s, p.actor, "media_added", str(row.id), now, address, file=name, title=row.title, size=len(data))
        added["id"] = row.id

    return jsonify(_changed(work, lambda s: media.admin_json(media.get(s, added["id"]), h.config.center.iso))), 201


@api.get("/media")
@allow(role="admin")
@answers(list[MediaItem])
def list_media():
    """Every item, enabled or not, in playing order, with its schedule."""
    h = hall()
    return jsonify(h.db.read(lambda s: [media.admin_json(r, h.config.center.iso) for r in media.items(s)]))


@api.patch("/media/<int:n>")
@allow(role="admin")
@answers(MediaItem)
def schedule_media(n: int):
    """Schedule an item: `from`/`until` (days, inclusive), `weekdays` (1 = Monday), `time_from`/`time_until`
    (the hall's time), `seconds` an image stays, `enabled`, `order`; fields left out stay as they are."""
    h, p = hall(), g.principal
    body = g.body
    now, address = h.clock(), request.remote_addr

    def work(s):
        row = media.get(s, n)
        wanted = media.schedule(body, row)
        before = media.admin_json(row, h.config.center.iso)
        for field, value in wanted.items():
            setattr(row, field, value)
        after = media.admin_json(row, h.config.center.iso)
        audit(s, p.actor, "media_changed", str(n), now, address,
              before={k: v for k, v in before.items() if after[k] != v},
              after={k: v for k, v in after.items() if before[k] != v})

    return jsonify(_changed(work, lambda s: media.admin_json(media.get(s, n), h.config.center.iso)))


@api.delete("/media/<int:n>")
@allow(role="admin")
@answers(MediaItem)
def delete_media(n: int):
    """Take an item off the boards for good; its file goes too when nothing else uses it."""
    h, p = hall(), g.principal
    now, address = h.clock(), request.remote_addr
    gone: dict[str, Any] = {}

    def work(s):
        row = media.get(s, n)
        gone["row"] = media.admin_json(row, h.config.center.iso)
        gone["name"] = row.name
        s.delete(row)
        audit(s, p.actor, "media_deleted", str(n), now, address, file=row.name, title=row.title)

    result = _changed(work, lambda _s: gone["row"])
    h.db.write(lambda s: media.forget(s, media.folder(h.config_path), {gone["name"]}))
    return jsonify(result)
