"""People and devices for a test hall, made with the real CLI, the real API and the real login."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .server import LiveServer

PASSWORD = "correct horse 2024"


class Names:
    """The names tests make people and devices by, over `person(name, role)` and `device(name, kind)`."""

    def person(self, name: str, role: str) -> str:
        raise NotImplementedError

    def device(self, name: str, kind: str, printer: str | None = None) -> str:
        raise NotImplementedError

    def before_make(self, names: dict[str, Iterable[str]]) -> None:
        """What must exist before make's threads start (nothing here)."""

    def make(self, **names: Iterable[str]) -> dict[str, dict[str, str]]:
        """Make many at once, in parallel: make(staff=["an", "binh"], kiosk=["k1", "k2"]).

        Keys are roles (staff, supervisor, admin) and device kinds (kiosk, display,
        rating); returns {kind: {name: token}}.
        """
        jobs = [(kind, name) for kind, some in names.items() for name in some]
        people = ("staff", "supervisor", "admin")
        self.before_make(names)

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


class HallAuth(Names):
    """Tokens by name: `staff("an")`, `supervisor()`, `kiosk("k1")`, `display()`, `rating()`.

    Once the test has an admin and its server runs, people and devices are made by
    that admin through POST /api/v1/users and /devices (a CLI process each would
    cost a second and a half); until then with `hallq user add` (password on stdin)
    and `hallq device add`, whose token is the last line printed. People log in
    with POST /api/v1/login. Tokens live in the database, so one HallAuth serves every
    server on that database. Each name is made once and its token remembered.
    """

    def __init__(self, server: "LiveServer") -> None:
        self.server = server
        self.tokens: dict[tuple[str, str], str] = {}

    def person(self, name: str, role: str) -> str:
        key = (role, name)
        if key not in self.tokens:
            if self._admin() is None:
                self._add_by_cli(name, role)
            else:  # through the API as the test's admin: no CLI process for each person
                self._admit("users", {"username": name, "role": role, "password": PASSWORD})
            self.tokens[key] = self.login(name)
        return self.tokens[key]

    def _admin(self) -> str | None:
        """The token of an admin this test made, while its server runs (else None: use the CLI)."""
        if not getattr(self.server, "running", False):
            return None
        return next((token for (role, _), token in self.tokens.items() if role == "admin"), None)

    def _add_by_cli(self, name: str, role: str) -> None:
        done = self.server.cli("user", "add", name, "--role", role, input=PASSWORD + "\n", check=False)
        if done.returncode != 0 and not any(w in done.stderr + done.stdout for w in ("exists", "tồn tại")):
            raise AssertionError(f"hallq user add {name} exited {done.returncode}: {done.stderr.strip()}")

    def _admit(self, what: str, body: dict) -> dict:
        """POST /users or /devices as the test's admin."""
        resp = self.server.post(what, body, token=self._admin())
        assert resp.status_code == 201, f"POST {what} {body}: {resp.status_code} {resp.text[:300]}"
        return resp.json()

    def login(self, name: str, password: str = PASSWORD) -> str:
        resp = self.server.post("login", {"username": name, "password": password})
        assert resp.status_code == 200, f"login {name}: {resp.status_code} {resp.text[:300]}"
        return resp.json()["token"]

    def before_make(self, names: dict[str, Iterable[str]]) -> None:
        for name in names.get("admin", ()):  # first: they make the others through the API
            self.person(name, "admin")

    def device(self, name: str, kind: str, printer: str | None = None) -> str:
        key = (kind, name)
        if key not in self.tokens:
            if self._admin() is not None:
                self.tokens[key] = self._admit("devices", {"name": name, "kind": kind, "printer": printer})["token"]
            else:
                args = ["device", "add", name, "--kind", kind] + (["--printer", printer] if printer else [])
                out = self.server.cli(*args).stdout.strip().splitlines()
                assert out, f"hallq device add {name} printed nothing"
                self.tokens[key] = out[-1].strip()
        return self.tokens[key]
