"""`peerhaven serve` started with its job worker: stopping it with SIGTERM (what systemd,
Docker and Ctrl-C in a process manager send) stops the worker too, instead of leaving a
`run_huey` process running jobs against the database with nobody watching it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sigterm_to_serve_stops_the_job_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SITE_URL": "http://127.0.0.1",
    }
    # The real settings, as deployed (the test settings run jobs in-process: no worker).
    env.pop("REDIS_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    env.pop("PEERHAVEN_TESTING", None)
    # A migrated database: on an empty one the worker can stop by itself, hiding the bug.
    subprocess.run(
        [sys.executable, "-m", "peerhaven", "migrate", "-v0"], env=env, check=True, timeout=300
    )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - this project's own command
        [sys.executable, "-m", "peerhaven", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not workers:
            workers = _children(server.pid)
            time.sleep(0.2)
        assert workers, "serve started no job worker"
        time.sleep(3)  # let uvicorn install its signal handlers
        assert all(_alive(w) for w in workers), "the job worker stopped by itself"

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), "the job worker outlived serve"
    finally:
        for pid in [server.pid, *workers]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
