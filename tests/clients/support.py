"""Helpers for the real-client tests: client venvs, the live server, plain HTTP arrangements and the RPC driver.

Every client pins versions that conflict with our test extra (togglCli: click==8.1.7; toggl_python:
httpx<0.28; tap-toggl: requests==2.32.5), so each lives in its own venv under ``.venv/clients/<name>``
(``PUNCHCLOCK_TEST_CLIENT_VENVS`` overrides the folder), created once with ``python -m venv`` and a pip
install of the pinned release from PyPI, then driven as a subprocess.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from tests.live_server import Live

TIMEOUT = 60.0  # seconds for one client call or one plain HTTP call
DRIVERS = Path(__file__).parent / "drivers"
PINS = {"togglcli": "togglCli==4.0.1", "toggl_python": "toggl-python==0.3.2", "tap_toggl": "tap-toggl==2.1.0",
        "toggl_api_wrapper": "toggl-api-wrapper==2.2.0"}
PASSWORD = "analytical-1"


def venvs_root() -> Path:
    return Path(os.environ.get("PUNCHCLOCK_TEST_CLIENT_VENVS") or Path(sys.prefix) / "clients")


def client_python(name: str) -> Path:
    """The interpreter of the client's venv, created (or re-created after a pin change) on first use."""
    root = venvs_root()
    root.mkdir(parents=True, exist_ok=True)
    venv, pin = root / name, PINS[name]
    python = venv / "bin" / "python"
    stamp = venv / ".punchclock-pin"
    with (root / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two pytest processes must not build the same venv at once
        if stamp.is_file() and stamp.read_text() == pin and python.exists():
            return python
        shutil.rmtree(venv, ignore_errors=True)
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", pin]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(step)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        stamp.write_text(pin)
    return python


def client_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a client process: no PUNCHCLOCK_/TOGGL_ variables of ours, a private HOME."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PUNCHCLOCK_", "TOGGL_", "PYTHON", "VIRTUAL_ENV", "XDG_CONFIG_HOME"))}
    env.update(HOME=str(home), TZ="UTC", LANG="C.UTF-8", PYTHONUTF8="1", **extra)
    return env


class HttpError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


def http(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    """Plain HTTP for arranging data and reading it back; the decoded JSON answer (None for an empty body)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            raw = r.read()
    except urllib.error.HTTPError as err:
        raise HttpError(err.code, err.read().decode(errors="replace")) from None
    return json.loads(raw) if raw else None


_n = count(1)


def signup(base: str, fullname: str = "Ada Lovelace") -> dict[str, Any]:
    """A new user through ``POST /api/v8/signups``: its v8 data (``id``, ``api_token``, ``default_wid``, …)."""
    n = next(_n)
    email = f"ada{n}.{os.getpid()}@example.com"
    body = {"user": {"email": email, "password": PASSWORD, "fullname": fullname, "timezone": "Etc/UTC",
                     "created_with": "pytest"}}
    user: dict[str, Any] = http(base, "POST", "/api/v8/signups", body)["data"]
    return user


def premium(live: Live, wid: int) -> None:
    """Paid features (tasks) on, as an operator turns them on: ``punchclock workspace premium <id> on``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env["PUNCHCLOCK_DATABASE_URL"] = live.database_url
    done = subprocess.run([sys.executable, "-m", "punchclock", "workspace", "premium", str(wid), "on"], env=env,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


class ClientError(Exception):
    """An exception the client raised inside its process."""

    def __init__(self, kind: str, message: str, trace: str) -> None:
        super().__init__(f"{kind}: {message}\n{trace}")
        self.kind, self.message = kind, message


class Driver:
    """One client process serving the functions of ``drivers/<module>`` (see drivers/rpc.py)."""

    def __init__(self, python: Path, module: str, env: dict[str, str], stderr: Path) -> None:
        self._stderr_path = stderr
        self._stderr = stderr.open("wb")
        self.proc = subprocess.Popen([str(python), str(DRIVERS / "rpc.py"), str(DRIVERS / module)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True)

    def call(self, fn: str, **kwargs: Any) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"fn": fn, "kwargs": kwargs}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
        if not ready:
            self.close()
            raise TimeoutError(f"{fn} did not answer within {TIMEOUT:.0f} s:\n{self.stderr()}")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the client process ended during {fn}:\n{self.stderr()}")
        answer = json.loads(line)
        if "error" in answer:
            raise ClientError(answer["error"], answer["message"], answer["trace"])
        return answer["ok"]

    def stderr(self) -> str:
        self._stderr.flush()
        return self._stderr_path.read_text(errors="replace")

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._stderr.close()
