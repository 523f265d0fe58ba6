"""A private nginx running the repository's own site file, deploy/nginx/hallq.conf.

The shipped file is copied with only its deployment specifics changed: the upstream
processes' ports, the listen ports (loopback), the certificate and the access log. Each
change must find what it replaces, so a site file that drifts from what the tests run fails
here rather than passing untested. The main config around it stands in for Debian's
/etc/nginx/nginx.conf (which includes sites-enabled/* inside `http`).
"""
from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from .hall import ROOT
from .server import free_port

SITE = ROOT / "deploy" / "nginx" / "hallq.conf"
UPSTREAM_LINE = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*);$", re.M)


def binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    assert found, "nginx is needed for tests/integration/test_nginx.py (apt-get install nginx; .ci/run does)"
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl CLI, as docs/deploy.md makes the hall's."""
    cert, key = folder / "hallq.crt", folder / "hallq.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=hallq test hall",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/hallq.conf no longer has {old!r}: update tests/support/nginx.py with it"
    return text.replace(old, new)


def site_for(backends: list[int], http_port: int, https_port: int, cert: Path, key: Path, log: Path) -> str:
    """deploy/nginx/hallq.conf with this test's ports, certificate and log."""
    text = SITE.read_text(encoding="utf-8")
    servers = UPSTREAM_LINE.findall(text)
    assert len(servers) >= 2, "deploy/nginx/hallq.conf: the upstream lists fewer than two processes"
    indent, params = servers[0]
    lines = "\n".join(f"{indent}server 127.0.0.1:{port}{params};" for port in backends)
    text = UPSTREAM_LINE.sub("", text, count=len(servers) - 1)
    text = UPSTREAM_LINE.sub(lines, text, count=1)
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _replace(text, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = _replace(text, "listen [::]:80;", "")  # the test machine may have no IPv6
    text = _replace(text, "listen [::]:443 ssl;", "")
    text = _replace(text, "/etc/ssl/hallq/hallq.crt", str(cert))
    text = _replace(text, "/etc/ssl/hallq/hallq.key", str(key))
    return _replace(text, "/var/log/nginx/hallq.access.log", str(log))


class Nginx:
    """nginx in the foreground with its own prefix, pid, logs and temp folders, in `folder`."""

    def __init__(self, folder: Path, backends: list[int]) -> None:
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        self.cert, self.key = self_signed(folder)
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        site = folder / "hallq.conf"
        site.write_text(site_for(backends, self.http_port, self.https_port, self.cert, self.key, self.access_log),
                        encoding="utf-8")
        temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.conf = folder / "nginx.conf"
        self.conf.write_text(f"""user root;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
{temp}
    access_log off;
    include {site};
}}
""", encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self) -> "Nginx":
        args = [binary(), "-p", str(self.folder), "-e", str(self.error_log), "-c", str(self.conf),
                "-g", f"daemon off; pid {self.folder / 'nginx.pid'}; error_log {self.error_log} info;"]
        check = subprocess.run(args + ["-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, f"nginx -t refused the site file:\n{check.stderr}"
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            assert self.proc.poll() is None, f"nginx exited {self.proc.returncode}:\n{self.log_tail()}"
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                assert time.monotonic() < deadline, f"nginx did not listen within 10 s:\n{self.log_tail()}"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # fast: a graceful stop would wait for open WebSockets
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no error log)"

    def upstreams(self, path: str) -> list[str]:
        """The upstream address of each logged request whose line holds `path` (the site's log_format)."""
        found = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            match = re.search(r"upstream=(\S+)", line)
            if path in line and match:
                found.append(match.group(1))
        return found
