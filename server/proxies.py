"""The client's address behind a reverse proxy, taken only from proxies the hall trusts.

nginx in front of several processes (docs/deploy.md, section 4) connects to each from its own
address, so every request would look as if it came from 127.0.0.1: one login limit for the
whole hall, and the audit log blind. nginx says who the client is in `X-Forwarded-For` and
how it came (`X-Forwarded-Proto`), but anyone can send those headers. So they count only when
the connection itself comes from an address in `server.trusted_proxies`; from anyone else
they are removed before the app sees them.
"""
from __future__ import annotations

import ipaddress
import os
from typing import Any, Callable, Iterable

from .config import ConfigError, parse_network

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ENV = "HALLQ_TRUSTED_PROXIES"
_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def trusted_networks(configured: Iterable[str]) -> tuple[Network, ...]:
    """$HALLQ_TRUSTED_PROXIES (comma-separated) when set, else `server.trusted_proxies`."""
    env = os.environ.get(ENV)
    items = [part for part in env.split(",") if part.strip()] if env is not None else list(configured)
    try:
        return tuple(parse_network(item) for item in items)
    except ValueError as err:
        raise ConfigError(f"{ENV if env is not None else 'server.trusted_proxies'}: {err}") from None


def _address(text: str) -> Address | None:
    """An address as a header or a server gives it: bare, `[v6]`, or IPv4 with a port; None if not one."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # 203.0.113.7:41234
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return mapped or address


class Trusted:
    """A set of trusted proxy networks: `bool(trusted)` is whether there is any."""

    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks = tuple(networks)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __contains__(self, address: object) -> bool:
        if not self.networks:
            return False
        found = _address(address) if isinstance(address, str) else address
        return found is not None and any(found.version == n.version and found in n for n in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """Who a request from `peer` is from: the right-most address of the chain not in a trusted network.

        Each trusted proxy appends who connected to it, so the chain is read from the right; the
        first address no trusted proxy could have written is the client. A malformed entry ends
        the walk: the proxy before it is the client as far as we can tell.
        """
        client = peer
        for entry in reversed(forwarded_for.split(",")):
            found = _address(entry)
            if found is None:
                break
            client = str(found)
            if found not in self:
                break
        return client


class ForwardedFor:
    """WSGI middleware: REMOTE_ADDR and the scheme from a trusted proxy's headers; others' headers dropped."""

    def __init__(self, app: Callable, trusted: Trusted) -> None:
        self.app = app
        self.trusted = trusted

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted and peer in self.trusted:
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                environ["hallq.proxy"] = peer  # who handed us the request, for logs
                environ["REMOTE_ADDR"] = self.trusted.client(peer, forwarded)
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
            environ.pop("HTTP_X_FORWARDED_HOST", None)  # the Host header is what nginx passes on
        else:
            for key in _FORWARDED:  # nothing below (Engine.IO's origin check included) may read them
                environ.pop(key, None)
        return self.app(environ, start_response)
