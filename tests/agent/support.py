"""A real `hallq agent` process whose log lines a test reads as they come, and a ticket view to print."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import threading
import time
from typing import Any

from printer_drivers.ticket import sample_ticket
from tests.support.cli import hallq_command, hallq_env

WAIT_S = 30.0  # generous: a test waits for an outcome, it never times one


def ticket_view(number: str = "1023", qr: str | None = None) -> dict[str, Any]:
    """A job's stored view, as the server keeps it (issued_at in ISO form)."""
    view = dataclasses.asdict(sample_ticket("vi", qr_url=qr or f"http://hall.test/t/ticket-{number}"))
    return {**view, "number": number, "issued_at": view["issued_at"].isoformat()}


def job(job_id: int, number: str) -> dict[str, Any]:
    """A `job` event's payload."""
    return {"id": job_id, "number": number, "view": ticket_view(number)}


def wait_until(predicate, timeout: float = WAIT_S, what: str = "the condition") -> None:
    """Wait for predicate() to hold; fail the test (not time it) when it never does."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"{what} did not happen within {timeout:g} s"
        time.sleep(0.02)


class AgentProcess:
    """`hallq agent ARGS` in its own session; stderr lines collected by a thread."""

    def __init__(self, *args: str, token: str | None = None) -> None:
        env = hallq_env()
        if token is not None:
            env["HALLQ_AGENT_TOKEN"] = token
        self.args = args
        self.proc = subprocess.Popen(hallq_command() + ["agent", *args], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def log(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def wait_for_lines(self, predicate, count: int = 1, timeout: float = WAIT_S) -> list[str]:
        """Wait until `count` log lines satisfy predicate; return them."""
        def found() -> list[str]:
            return [line for line in self.log() if predicate(line)]

        def enough() -> bool:
            return len(found()) >= count or self.proc.poll() is not None

        wait_until(enough, timeout, f"{count} matching agent log line(s)")
        got = found()
        assert len(got) >= count, f"the agent exited {self.proc.returncode}; its log:\n" + "\n".join(self.log())
        return got

    def finish(self, timeout: float = WAIT_S) -> int:
        """Wait for the process to end by itself; return its exit status."""
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def terminate(self, timeout: float = WAIT_S) -> int:
        """SIGTERM, as systemd stops it; return the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.finish(timeout)

    def kill(self) -> None:
        """kill -9."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
