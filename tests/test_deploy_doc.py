"""docs/deploy.md walked as an admin would: every line of its ```sh blocks runs here, or says why not.

The walk runs in a sandbox standing for the server's `/`: /srv/hallq, /etc and /var are
folders of the test's, /srv/hallq/.venv/bin/hallq is this venv's hallq, /srv/hallq/src is this
checkout, the PostgreSQL URL is a fresh test database, and sudo is dropped. A line runs when
each of its programs is in RUN; a line with a program from NOT_RUN is left out for the reason
given there. Any other program fails, so the page cannot grow a command that nothing runs.
"""
from __future__ import annotations

import datetime
import importlib.metadata
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from server.config import load_config
from tests.conftest import ROOT
from tests.support import nginx
from tests.support.cli import hallq_env, run_hallq
from tests.support.postgres import fresh_database
from tests.support.server import free_port
from tests.support.shdoc import Line, blocks, sh_lines, unsudo

DOC = ROOT / "docs" / "deploy.md"
HALLQ = Path(sys.executable).with_name("hallq")
DOC_PG_URL = "postgresql://hallq@127.0.0.1:5432/hallq"

#: Programs the walk runs, in the sandbox.
RUN = frozenset({"hallq", "mkdir", "mv", "rm", "cp", "chmod", "ln", "ls", "install", "echo", "tee", "date",
                 "openssl", "nginx", "pg_dump", "pg_restore"})

#: Programs the walk does not run: why, and what covers them instead.
NOT_RUN = {
    "apt": "installs Debian packages; .ci/run installs nginx and redis-server with apt-get, and the sandbox "
           "starts with the folders the packages make (/etc/nginx/sites-*, /etc/chrony/sources.d)",
    "useradd": "adds a system user; the sandbox's srv/hallq stands for its home",
    "git": "clones or pulls the source; this checkout stands for /srv/hallq/src",
    "python3": "`python3 -m venv`: .ci/run makes the venv every test runs in with that command",
    "pip": "installs the source into the hall's venv (from the package index); .ci/run installs this checkout "
           "with pip, and the walk runs that venv's hallq",
    "systemctl": "needs a machine booted with systemd; tests/test_service_cli.py verifies the units with "
                 "systemd-analyze verify and runs the nightly backup unit's commands",
    "journalctl": "reads a booted machine's journal; the walk checks each line quoted beside it against what "
                  "its own hallq commands printed",
    "timedatectl": "the machine's own clock settings; nothing of hallq's in them",
    "chronyc": "talks to the machine's chrony daemon; nothing of hallq's in it",
    "createuser": "makes a role as the machine's PostgreSQL superuser; tests/support/postgres.py makes the "
                  "walk's database instead",
    "createdb": "the same: tests/support/postgres.py makes the walk's database",
    "curl": "asks the live hall at https://hallq.local; tests/integration/test_nginx.py makes such requests over "
            "TLS through the same site file, and the walk asks the server it starts for /healthz",
    "tail": "`tail -f` of the live nginx log never ends; tests/integration/test_nginx.py reads the upstream= of "
            "that log's lines",
}

#: What Debian and the steps the walk leaves out (useradd --create-home, apt) make before the page's commands.
DEBIAN_FOLDERS = ("srv/hallq", "etc/systemd/system", "etc/nginx/sites-available", "etc/nginx/sites-enabled",
                  "etc/chrony/sources.d", "var/log/nginx", "run")

#: The walk's own checks between the page's lines (Walk.before, Walk.after): each must find its line.
CHECKS = frozenset({"version", "init", ".pgpass", "hallq.key", "before restore", "restore", "pg_dump line",
                    "pg_restore"})


def test_every_program_on_the_page_is_run_or_explained():
    used = {p for line in sh_lines(DOC) for p in line.programs}
    unknown = sorted(used - RUN - NOT_RUN.keys())
    assert not unknown, (f"docs/deploy.md uses {unknown}: run each in tests/test_deploy_doc.py's walk (RUN) "
                         "or add it to NOT_RUN with why not and what covers it instead")
    assert (RUN | NOT_RUN.keys()) <= used, f"no longer on the page, drop them: {sorted((RUN | NOT_RUN.keys()) - used)}"
    assert len(sh_lines(DOC)) > 40, "the page's ```sh blocks were not found"


def test_every_deploy_file_is_on_the_page_and_the_readme_points_there():
    doc, readme = DOC.read_text(encoding="utf-8"), (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "deploy").rglob("*")):
        if path.is_file():
            assert f"(../{path.relative_to(ROOT)})" in doc, f"docs/deploy.md does not link {path.relative_to(ROOT)}"
    assert "[docs/deploy.md](docs/deploy.md)" in readme
    assert re.search(r"hallq init DIR`", readme) and "nginx" in readme.split("## Running it for real")[1][:600]


class Walk:
    """The sandbox and one run through the page's lines, with the test's own checks between them."""

    def __init__(self, root: Path, pg_url: str) -> None:
        self.root, self.srv, self.pg_url = root, root / "srv" / "hallq", pg_url
        for folder in DEBIAN_FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "etc/nginx/sites-enabled/default").write_text("# Debian's welcome page\n", encoding="utf-8")
        self.printed: list[str] = []  # everything the hallq commands printed
        self.checked: set[str] = set()  # the checks below that found their line
        self.env = hallq_env() | {"HOME": str(self.srv)}

    def sandboxed(self, command: str) -> str:
        text = re.sub(r"(?<![\w.])/(etc|var)/", lambda m: f"{self.root}/{m.group(1)}/", unsudo(command))
        text = text.replace("/srv/hallq/.venv/bin/hallq", str(HALLQ)).replace("/srv/hallq/src", str(ROOT))
        text = text.replace("/srv/hallq", str(self.srv)).replace(DOC_PG_URL, self.pg_url)
        for path in re.findall(r"(?:^|(?<=[\s=]))(/[^\s'\";|)]*)", text):
            assert path.startswith((str(self.root), str(ROOT), str(HALLQ), "/dev/null", "/bin/", "/usr/bin/")), \
                f"{command!r} would touch {path} on the real machine: map it into the sandbox"
        return text

    def sh(self, text: str, what: str) -> str:
        proc = subprocess.run(["bash", "-c", f"set -e -o pipefail\n{text}"], cwd=self.srv, env=self.env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"{what!r} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        return proc.stdout + proc.stderr

    def run(self, line: Line) -> str:
        text = self.sandboxed(line.command)
        if line.programs == ["nginx"]:
            text = re.sub(r"^nginx\b", shlex.join(self.nginx_command()), text)
        if line.programs == ["hallq"] and " serve " in text:
            out = self.serve(shlex.split(text))
        else:
            out = self.sh(text, f"{line.section}: {line.command}")
        if "hallq" in line.programs:
            self.printed.append(out)
        for promised in line.quoted:
            assert promised in out, f"{line.command!r} should print {promised!r}; it printed:\n{out}"
        return out

    def serve(self, argv: list[str]) -> str:
        """`hallq serve`, "Ctrl-C once it serves": on a free port, /healthz asked, then SIGINT."""
        port, log = free_port(), self.root / "serve.log"
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.Popen(argv + ["--port", str(port)], env=self.env, cwd=self.srv, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while "serving the hall on" not in log.read_text(encoding="utf-8"):
                assert proc.poll() is None, f"hallq serve exited {proc.returncode}:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"hallq serve did not serve within 60 s:\n{log.read_text()}"
                time.sleep(0.05)
            health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()
            assert health["ok"] is True and isinstance(health["seq"], int), health  # section 4's curl says so
            proc.send_signal(signal.SIGINT)
            assert proc.wait(30) == 0, f"hallq serve exited {proc.returncode} on Ctrl-C:\n{log.read_text()}"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        return log.read_text(encoding="utf-8")

    def nginx_command(self) -> list[str]:
        """nginx with Debian's own nginx.conf, its sites-enabled, logs and pid moved into the sandbox."""
        debian = Path("/etc/nginx/nginx.conf")
        assert debian.exists(), "nginx -t needs Debian's nginx package (apt-get install nginx; .ci/run does)"
        conf = self.root / "etc/nginx/nginx.conf"
        text = debian.read_text(encoding="utf-8")
        for real in ("/etc/nginx/sites-enabled/", "/var/log/", "/run/"):
            text = text.replace(real, f"{self.root}{real}")
        conf.write_text(text, encoding="utf-8")
        site = self.root / "etc/nginx/sites-available/hallq"  # cp'd as is; its absolute paths are the sandbox's too
        site.write_text(re.sub(r"(?<![\w.])/(etc|var)/", lambda m: f"{self.root}/{m.group(1)}/",
                               site.read_text(encoding="utf-8")), encoding="utf-8")
        (self.root / "nginx").mkdir(exist_ok=True)
        return [nginx.binary(), "-p", f"{self.root}/nginx/", "-e", f"{self.root}/var/log/nginx/error.log",
                "-c", str(conf)]

    # -- the test's own checks between the page's lines --------------------------------

    def users(self, **db) -> set[str]:
        out = run_hallq("user", "list", "--config", str(self.srv / "config.yaml"), **db).stdout
        return {line.split()[0] for line in out.splitlines() if line.strip()}

    def add_user(self, name: str, **db) -> None:
        run_hallq("user", "add", name, "--role", "staff", "--config", str(self.srv / "config.yaml"),
                  input="a-long-password\n", **db)

    def before(self, line: Line) -> None:
        if line.command.startswith("sudo -u hallq mv /srv/hallq/hallq.db "):
            self.add_user("after-backup")  # the restore must take this away again
            self.checked.add("before restore")
        elif line.programs == ["pg_dump"]:
            doc_said = run_hallq("backup", "--config", str(self.srv / "config.yaml"),
                                 str(self.srv / "backups/hall.dump"), database_url=DOC_PG_URL, check=False).stderr
            assert f"`{unsudo(line.command).replace('/srv/hallq', str(self.srv))}`" in doc_said, \
                f"`hallq backup` on PostgreSQL no longer says the page's pg_dump line:\n{doc_said}"
            self.add_user("pg-admin", database_url=self.pg_url)  # the hall's tables, and one row in them
            self.checked.add("pg_dump line")

    def after(self, line: Line, out: str) -> None:
        if line.command.endswith("hallq --version"):
            assert out == f"hallq {importlib.metadata.version('hallq')}\n"
            self.checked.add("version")
        elif " init " in line.command:
            assert (self.srv / "config.yaml").read_bytes() == (ROOT / "config.yaml").read_bytes()
            assert out.splitlines()[-1] == f"next: hallq serve --config {self.srv}/config.yaml"
            self.checked.add("init")
        elif "/.pgpass" in line.command and line.programs == ["echo", "tee"]:
            assert (self.srv / ".pgpass").stat().st_mode & 0o777 == 0o600
            self.checked.add(".pgpass")
        elif line.command.endswith("hallq.key") and line.programs == ["chmod"]:
            assert (self.root / "etc/ssl/hallq/hallq.key").stat().st_mode & 0o777 == 0o600
            self.checked.add("hallq.key")
        elif line.programs == ["cp"] and line.command.split()[-1] == "/srv/hallq/hallq.db":
            assert self.users() == {"admin"}, "the restored copy is not the backup"
            self.checked.add("restore")
        elif line.programs == ["pg_dump"]:
            self.add_user("after-dump", database_url=self.pg_url)  # pg_restore must take this away again
        elif line.programs == ["pg_restore"]:
            assert self.users(database_url=self.pg_url) == {"pg-admin"}, "pg_restore did not bring the dump back"
            self.checked.add("pg_restore")

    def unit_override(self) -> None:
        """The ```ini drop-in for a PostgreSQL hall's nightly backup: its commands, as systemd runs them."""
        (_, text), = blocks(DOC, "ini")
        for key in ("ExecStart", "ExecStartPost"):
            for command in re.findall(rf"^{key}=(.+)$", text, re.M):
                self.sh(self.sandboxed(command.replace("$$", "$").replace("%%", "%")), command)
        assert (self.srv / f"backups/hallq-{datetime.date.today().isoformat()}.dump").stat().st_size > 0

    def yaml_server_block(self) -> None:
        """Section 4's `server:` lines, added to the hall's config.yaml, are a config hallq accepts."""
        (_, text), = blocks(DOC, "yaml")
        data = yaml.safe_load((self.srv / "config.yaml").read_text(encoding="utf-8"))
        data["server"] = {**data.get("server", {}), **yaml.safe_load(text)["server"]}
        (self.root / "multi.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        server = load_config(self.root / "multi.yaml").server
        assert server.message_queue and server.trusted_proxies


@pytest.mark.slow
def test_walk_the_page_in_a_sandbox(tmp_path):
    for tool in ("/usr/bin/pg_dump", "/usr/bin/pg_restore", "/usr/bin/openssl"):
        assert Path(tool).exists(), f"{tool} is needed (postgresql-client, openssl)"
    lines = sh_lines(DOC)
    with fresh_database("hallq_deploy") as pg_url:
        walk, skipped = Walk(tmp_path, pg_url), []
        for line in lines:
            left_out = [p for p in line.programs if p in NOT_RUN]
            if left_out:
                skipped.append(line)
                continue
            walk.before(line)
            walk.after(line, walk.run(line))
        walk.unit_override()
        walk.yaml_server_block()
    printed = "\n".join(walk.printed)
    for line in skipped:  # the journal's lines the page quotes are what hallq prints
        for quote in line.quoted if line.programs == ["journalctl"] else ():
            pattern = re.escape(quote).replace(r"\.\.\.", ".+").replace(r"0\.0\.0\.0:5000", r"127\.0\.0\.1:\d+")
            pattern = pattern.replace(re.escape("/srv/hallq"), re.escape(str(walk.srv)))
            assert re.search(pattern, printed), f"{line.command!r}: no hallq command printed {quote!r}"
    assert len(lines) - len(skipped) >= 25, "the walk ran too little of the page"
    assert walk.checked == CHECKS, f"these checks found no line of the page: update them: {CHECKS - walk.checked}"
