"""People and devices for a test hall, made with the real CLI and the real login."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .server import LiveServer

PASSWORD = "correct horse 2024"


class HallAuth:
    """Tokens by name: `staff("an")`, `supervisor()`, `kiosk("k1")`, `display()`, `rating()`.

    People are made with `hallq user add` (password on stdin) and logged in with
    POST /api/v1/login; devices with `hallq device add`, whose token is the last
    line printed. Tokens live in the database, so one HallAuth serves every
    server on that database. Each name is made once and its token remembered.
    """

    def __init__(self, server: "LiveServer") -> None:
        self.server = server
        self.tokens: dict[tuple[str, str], str] = {}

    def person(self, name: str, role: str) -> str:
        key = (role, name)
        if key not in self.tokens:
            self.server.cli("user", "add", name, "--role", role, input=PASSWORD + "\n")
            self.tokens[key] = self.login(name)
        return self.tokens[key]

    def login(self, name: str, password: str = PASSWORD) -> str:
        resp = self.server.post("login", {"username": name, "password": password})
        assert resp.status_code == 200, f"login {name}: {resp.status_code} {resp.text[:300]}"
        return resp.json()["token"]

    def device(self, name: str, kind: str, printer: str | None = None) -> str:
        key = (kind, name)
        if key not in self.tokens:
            args = ["device", "add", name, "--kind", kind] + (["--printer", printer] if printer else [])
            out = self.server.cli(*args).stdout.strip().splitlines()
            assert out, f"hallq device add {name} printed nothing"
            self.tokens[key] = out[-1].strip()
        return self.tokens[key]

    def make(self, **names: Iterable[str]) -> dict[str, dict[str, str]]:
        """Make many at once, in parallel: make(staff=["an", "binh"], kiosk=["k1", "k2"]).

        Keys are roles (staff, supervisor, admin) and device kinds (kiosk, display,
        rating); returns {kind: {name: token}}.
        """
        jobs = [(kind, name) for kind, some in names.items() for name in some]
        people = ("staff", "supervisor", "admin")

        def one(job: tuple[str, str]) -> str:
            kind, name = job
            return self.person(name, kind) if kind in people else self.device(name, kind)

        with ThreadPoolExecutor(max_workers=4) as pool:
            tokens = list(pool.map(one, jobs))
        out: dict[str, dict[str, str]] = {}
        for (kind, name), token in zip(jobs, tokens):
            out.setdefault(kind, {})[name] = token
        return out

    def staff(self, name: str = "staff") -> str:
        return self.person(name, "staff")

    def supervisor(self, name: str = "supervisor") -> str:
        return self.person(name, "supervisor")

    def admin(self, name: str = "admin") -> str:
        return self.person(name, "admin")

    def kiosk(self, name: str = "kiosk") -> str:
        return self.device(name, "kiosk")

    def display(self, name: str = "display") -> str:
        return self.device(name, "display")

    def rating(self, name: str = "rating") -> str:
        return self.device(name, "rating")
