"""kiosk/hallq-agent.service is the file docs/kiosk-pc.md installs: its command line, with an
environment file as the docs write it, is a working `hallq agent` that takes its token from there."""
from __future__ import annotations

import configparser
import re
import subprocess

from tests.agent.support import AgentProcess
from tests.conftest import ROOT
from tests.support.cli import hallq_command
from tests.support.server import free_port

UNIT = ROOT / "kiosk" / "hallq-agent.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def expand(command: str, env: dict[str, str]) -> list[str]:
    """systemd's rules: ${VAR} is one word, $VAR splits on white space (and vanishes when empty)."""
    words = []
    for word in command.split():
        if re.fullmatch(r"\$\{\w+\}", word):
            words.append(env.get(word[2:-1], ""))
        elif re.fullmatch(r"\$\w+", word):
            words.extend(env.get(word[1:], "").split())
        else:
            words.append(word)
    return words


def env_file(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_the_unit_restarts_always_and_reads_the_token_from_a_file():
    service = unit()["Service"]
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/hallq/agent.env"
    assert "--token" not in service["ExecStart"]  # never on the command line: `ps` shows it to everyone
    assert service["ExecStart"].split()[:2] == ["/opt/hallq/.venv/bin/hallq", "agent"]
    assert {"lp", "dialout"} <= set(service["SupplementaryGroups"].split())
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_units_command_line_runs(tmp_path):
    env = env_file(f"""
HALLQ_SERVER=http://127.0.0.1:{free_port()}
HALLQ_PRINTER=dummy://
HALLQ_AGENT_TOKEN=hqd_from-the-environment-file
HALLQ_AGENT_ARGS=--job-timeout 8 --paper-width 58mm
""")
    words = expand(unit()["Service"]["ExecStart"], env)
    assert words[2:] == ["--server", env["HALLQ_SERVER"], "--printer", "dummy://",
                         "--job-timeout", "8", "--paper-width", "58mm"]
    agent = AgentProcess(*words[2:], token=env["HALLQ_AGENT_TOKEN"])
    try:
        agent.wait_for_lines(lambda line: "cannot connect to" in line)  # it got past every check
        assert agent.terminate() == 0
    finally:
        agent.kill()


def test_without_its_optional_arguments_too():
    env = {"HALLQ_SERVER": "http://127.0.0.1:9", "HALLQ_PRINTER": "lpt://1"}
    words = expand(unit()["Service"]["ExecStart"], env)
    assert words[2:] == ["--server", "http://127.0.0.1:9", "--printer", "lpt://1"]
    done = subprocess.run(hallq_command() + words[1:], capture_output=True, text=True, timeout=60,
                          env={"HALLQ_AGENT_TOKEN": "hqd_x", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stderr.startswith("hallq agent: --printer: ")
