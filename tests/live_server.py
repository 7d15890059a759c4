"""Real `punchclock serve` processes for tests that need several workers or a crash.

Each server runs in its own process group (``start_new_session``), so a stop or a SIGKILL reaches the
uvicorn supervisor and every worker at once. Its stdout and stderr go to a file: with
PUNCHCLOCK_ACCESS_LOG=true that file holds one JSON line per request, whose ``worker`` field tells
which process answered.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A server the tests share for a whole module, and how much of its log was already checked."""

    base: str
    database_url: str
    log: Path
    backend: str
    #: Length of the log text already checked after a test.
    checked: int = 0

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def access(self) -> list[dict[str, Any]]:
        """The JSON access-log lines written so far."""
        return [json.loads(line) for line in self.log_text().splitlines() if line.startswith("{")]


def problems(text: str) -> list[str]:
    """Server log lines that mean something went wrong."""
    return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line or "CRITICAL" in line]


def fresh(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request on its own connection (closed afterwards), so successive requests can reach any worker."""
    headers = {**kwargs.pop("headers", {}), "Connection": "close"}
    with httpx.Client(timeout=kwargs.pop("timeout", 60.0)) as c:
        return c.request(method, url, headers=headers, **kwargs)


@dataclass
class LiveServer:
    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return self.base + path

    def access(self) -> list[dict[str, Any]]:
        """The JSON access-log lines written so far (other output is skipped)."""
        lines = []
        for raw in self.log.read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    continue  # a line still being written
        return lines

    def wait_logged(self, count: int, *, path: str, status: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Access-log lines for (path, status) once ``count`` of them are written (a worker logs after it answers)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [x for x in self.access() if x["path"] == path and x["status"] == status]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def wait_for_workers(self, workers: int, timeout: float = 60.0) -> set[int]:
        """Probe /health on fresh connections until ``workers`` processes have answered (needs the access log)."""
        deadline = time.monotonic() + timeout
        pids: set[int] = set()
        while time.monotonic() < deadline:
            fresh("GET", self.url("/health"), timeout=10.0)
            pids = {x["worker"] for x in self.access() if x["path"] == "/health"}
            if len(pids) >= workers:
                return pids
            time.sleep(0.02)
        raise RuntimeError(f"only workers {sorted(pids)} answered /health within {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler, no rollback, no flush runs."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def start_server(db_url: str, log: Path, *, workers: int = 1, env: dict[str, str] | None = None,
                 timeout: float = 60.0) -> LiveServer:
    """`python -m punchclock serve` on a migrated database; returns once /health answers 200."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    full_env.update(PUNCHCLOCK_DATABASE_URL=db_url, PUNCHCLOCK_RATE_LIMIT="false", PUNCHCLOCK_LOGIN_THROTTLE="false",
                    PUNCHCLOCK_ACCESS_LOG="false")
    full_env.update(env or {})
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers), "--no-migrate"],
            env=full_env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if fresh("GET", server.url("/health"), timeout=2.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer /health within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@contextmanager
def live_server(db_url: str, log: Path, *, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    server = start_server(db_url, log, workers=workers, env=env)
    try:
        yield server
    finally:
        server.stop()
