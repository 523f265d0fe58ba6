"""A small ESC/POS decoder for tests: the commands hallq sends, and nothing it does not expect."""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, DLE, FS, LF = 0x1B, 0x1D, 0x10, 0x1C, 0x0A


class Incomplete(Exception):
    """More bytes are needed to finish the command."""


class DecodeError(Exception):
    """A byte sequence hallq should never send."""


@dataclass
class Op:
    """One decoded command; text ops carry their raw bytes (still in the printer's code page)."""

    name: str
    args: tuple[int, ...] = ()
    data: bytes = b""
    fields: dict[str, int] = field(default_factory=dict)


def _need(buf: bytes | bytearray, end: int) -> None:
    if len(buf) < end:
        raise Incomplete


def decode_one(buf: bytes | bytearray, i: int = 0) -> tuple[Op, int]:
    """Decode the command starting at buf[i]; return it and the index after it."""
    _need(buf, i + 1)
    b = buf[i]
    if b == LF:
        return Op("lf"), i + 1
    if b >= 0x20 and b not in (0x7F,):
        return Op("char", data=bytes((b,))), i + 1
    if b == DLE:
        _need(buf, i + 3)
        if buf[i + 1] == 0x04 and 1 <= buf[i + 2] <= 4:
            return Op("status", (buf[i + 2],)), i + 3
        raise DecodeError(f"unexpected DLE sequence {bytes(buf[i:i + 3])!r}")
    if b == ESC:
        _need(buf, i + 2)
        c = buf[i + 1]
        if c == ord("@"):
            return Op("init"), i + 2
        simple = {ord("a"): "align", ord("E"): "bold", ord("t"): "codepage", ord("d"): "feed_lines",
                  ord("J"): "feed_dots", ord("!"): "mode", ord("M"): "font", ord("-"): "underline"}
        if c in simple:
            _need(buf, i + 3)
            return Op(simple[c], (buf[i + 2],)), i + 3
        raise DecodeError(f"unexpected ESC {chr(c)!r} at {i}")
    if b == GS:
        _need(buf, i + 2)
        c = buf[i + 1]
        if c == ord("!"):
            _need(buf, i + 3)
            return Op("size", (buf[i + 2],)), i + 3
        if c == ord("B"):  # white on black on (1) or off (0)
            _need(buf, i + 3)
            return Op("reverse", (buf[i + 2],)), i + 3
        if c == ord("V"):
            _need(buf, i + 3)
            if buf[i + 2] in (65, 66):
                _need(buf, i + 4)
                return Op("cut", (buf[i + 2], buf[i + 3])), i + 4
            return Op("cut", (buf[i + 2],)), i + 3
        if c == ord("v"):
            _need(buf, i + 8)
            if buf[i + 2] != ord("0"):
                raise DecodeError("GS v other than GS v 0")
            m, xl, xh, yl, yh = buf[i + 3 : i + 8]
            width, height = xl + xh * 256, yl + yh * 256
            end = i + 8 + width * height
            _need(buf, end)
            return Op("raster", (m,), bytes(buf[i + 8 : end]), {"width_bytes": width, "height": height}), end
        if c == ord("("):
            _need(buf, i + 5)
            kind = buf[i + 2]
            size = buf[i + 3] + buf[i + 4] * 256
            end = i + 5 + size
            _need(buf, end)
            body = bytes(buf[i + 5 : end])
            if kind == ord("k") and body[:1] == b"1":
                return _qr(body), end
            raise DecodeError(f"unexpected GS ( {chr(kind)}")
        raise DecodeError(f"unexpected GS {chr(c)!r} at {i}")
    raise DecodeError(f"unexpected control byte 0x{b:02x} at {i}")


def _qr(body: bytes) -> Op:
    fn = body[1]
    if fn == 65:
        return Op("qr_model", (body[2],))
    if fn == 67:
        return Op("qr_module", (body[2],))
    if fn == 69:
        return Op("qr_ec", (body[2],))
    if fn == 80:
        return Op("qr_store", data=body[3:])
    if fn == 81:
        return Op("qr_print")
    raise DecodeError(f"unexpected QR function {fn}")


def decode(data: bytes) -> list[Op]:
    """Decode a whole job; printable bytes between commands are merged into "text" ops."""
    ops: list[Op] = []
    i = 0
    while i < len(data):
        try:
            op, i = decode_one(data, i)
        except Incomplete:
            raise DecodeError(f"job ends inside a command at {i}") from None
        if op.name == "char" and ops and ops[-1].name == "text":
            ops[-1].data += op.data
        elif op.name == "char":
            ops.append(Op("text", data=op.data))
        else:
            ops.append(op)
    return ops


def names(ops: list[Op]) -> list[str]:
    """Return the op names in order."""
    return [op.name for op in ops]


def raster_image(op: Op):
    """Turn a decoded GS v 0 op into a PIL "1" image (white paper, black dots)."""
    from PIL import Image

    width = op.fields["width_bytes"] * 8
    inverted = bytes(255 - b for b in op.data)
    return Image.frombytes("1", (width, op.fields["height"]), inverted)


def printed_lines(ops: list[Op]) -> list[bytes]:
    """Return the raw bytes of each printed text line, ESC t page switches kept inline."""
    lines: list[bytes] = []
    current = b""
    for op in ops:
        if op.name == "text":
            current += op.data
        elif op.name == "codepage":
            current += bytes((ESC, ord("t"), op.args[0]))
        elif op.name == "lf":
            lines.append(current)
            current = b""
    return lines
