"""Running the real `hallq` command, with HALLQ_CONFIG / HALLQ_DATABASE_URL as the contract says;
or the same command in the test's process (`hallq_here`) where the process is not the point."""
from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path


def hallq_command() -> list[str]:
    """The installed `hallq` console script (the one beside this Python first)."""
    beside = Path(sys.executable).parent / "hallq"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("hallq")
    if found:
        return [found]
    raise RuntimeError("the hallq command is not installed (pip install -e '.[test]')")


def hallq_env(config: Path | None = None, database_url: str | None = None,
              async_mode: str | None = None) -> dict[str, str]:
    """The environment for a hallq process: only what the test says, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
    if config is not None:
        env["HALLQ_CONFIG"] = str(config)
    if database_url is not None:
        env["HALLQ_DATABASE_URL"] = database_url
    if async_mode is not None:
        env["HALLQ_ASYNC_MODE"] = async_mode
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_hallq(*args: str, config: Path | None = None, database_url: str | None = None,
              input: str | None = None, timeout: float = 60, check: bool = True,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `hallq ARGS...` to completion; with check, a failure shows its output."""
    proc = subprocess.run(hallq_command() + list(args), env=hallq_env(config, database_url),
                          input=input if input is not None else "", capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"hallq {' '.join(args)} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def hallq_here(capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """`hallq ARGS` in this process (`server.cli.main`, what the script runs), reading `stdin`:
    its exit status, stdout and stderr (the root logger's level restored)."""
    from server.cli import main

    level, was = logging.getLogger().level, sys.stdin
    capsys.readouterr()
    sys.stdin = io.StringIO(stdin)
    try:
        main(list(args))
        status = 0
    except SystemExit as end:
        status = int(end.code or 0)
    finally:
        sys.stdin = was
        logging.getLogger().setLevel(level)
    out = capsys.readouterr()
    return status, out.out, out.err
