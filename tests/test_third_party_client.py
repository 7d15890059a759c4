"""A real third-party v8 client, TogglPy 0.1.2 from PyPI, unmodified, against a live punchclock server.

Only TogglPy's URL constants (the ``Endpoints`` class attributes and its ``STOP_TIME`` URL builder) are
pointed at the server; requests, headers, bodies and methods are TogglPy's own. The server runs in a
subprocess (``python -m punchclock serve``) on a free 127.0.0.1 port with a temporary SQLite database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

toggl_module = pytest.importorskip("toggl.TogglPy", reason="TogglPy==0.1.2 is in the test extra")
Endpoints = toggl_module.Endpoints
Toggl = toggl_module.Toggl

ORIGINAL_BASE = "https://api.track.toggl.com"
TIMEOUT = 20  # seconds, for every HTTP call of this module (TogglPy sets none of its own)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a live server; the process is always stopped at the end."""
    tmp = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env.update(PUNCHCLOCK_DATABASE_URL=f"sqlite:///{tmp / 'live.db'}", PUNCHCLOCK_RATE_LIMIT="false",
               PUNCHCLOCK_PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{(tmp / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within 60 s:\n{(tmp / 'server.log').read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture
def toggl(server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Toggl]:
    """A TogglPy client whose endpoint URLs point at the live server (nothing else is touched)."""
    for name, value in list(vars(Endpoints).items()):
        if isinstance(value, str) and value.startswith(ORIGINAL_BASE):
            monkeypatch.setattr(Endpoints, name, server + value[len(ORIGINAL_BASE):])
    original_stop = Endpoints.STOP_TIME(4242)
    assert original_stop == ORIGINAL_BASE + "/api/v8/time_entries/4242/stop"
    monkeypatch.setattr(Endpoints, "STOP_TIME",
                        staticmethod(lambda pid: server + "/api/v8/time_entries/" + str(pid) + "/stop"))
    monkeypatch.setattr(Toggl, "headers", dict(Toggl.headers))  # the class-level dict TogglPy mutates
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(TIMEOUT)
    yield Toggl()
    socket.setdefaulttimeout(old_timeout)


def call(server: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    """Plain HTTP for what TogglPy cannot do (sign-up, creating projects)."""
    headers = {"Content-Type": "application/json"}
    if token:
        import base64

        headers["Authorization"] = "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
        return json.loads(r.read())


_n = iter(range(1, 1000))


def signup(server: str) -> dict[str, Any]:
    n = next(_n)
    user: dict[str, Any] = call(server, "POST", "/api/v8/signups", {
        "user": {"email": f"ada{n}@example.org", "password": "analytical-1", "fullname": f"Ada {n}",
                 "created_with": "pytest"}})["data"]
    return user


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


class TestTogglPy:
    def test_workspaces(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        toggl.setAPIKey(user["api_token"])
        workspaces = toggl.getWorkspaces()
        assert [(w["id"], w["name"]) for w in workspaces] == [(user["default_wid"], f"{user['fullname']}'s workspace")]
        assert toggl.getWorkspace(name=f"{user['fullname']}'s workspace")["id"] == user["default_wid"]
        assert toggl.getWorkspace(id=user["default_wid"])["name"] == f"{user['fullname']}'s workspace"

    def test_password_login(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        toggl.setAuthCredentials(user["email"], "analytical-1")
        assert [w["id"] for w in toggl.getWorkspaces()] == [user["default_wid"]]

    def test_wrong_token_is_refused(self, server: str, toggl: Toggl) -> None:
        toggl.setAPIKey("0" * 32)
        with pytest.raises(urllib.error.HTTPError) as err:
            toggl.getWorkspaces()
        assert err.value.code == 403
        assert json.loads(err.value.read()) == ["Incorrect username and/or password"]

    def test_clients_and_projects(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        wid = user["default_wid"]
        toggl.setAPIKey(user["api_token"])

        created = toggl.createClient("Northwind Bakery", wid, notes="Invoices monthly")["data"]
        assert (created["name"], created["wid"], created["notes"]) == ("Northwind Bakery", wid, "Invoices monthly")
        cid = created["id"]
        assert [c["id"] for c in toggl.getClients()] == [cid]
        assert toggl.getClient(name="Northwind Bakery")["id"] == cid

        updated = toggl.updateClient(cid, name="Northwind Bakery Ltd", notes="Invoices quarterly")["data"]
        assert (updated["id"], updated["name"], updated["notes"]) == (cid, "Northwind Bakery Ltd",
                                                                      "Invoices quarterly")

        # TogglPy has no call that creates projects; make one over plain HTTP and read it back through TogglPy.
        project = call(server, "POST", "/api/v8/projects",
                       {"project": {"name": "Website relaunch", "wid": wid, "cid": cid}}, user["api_token"])["data"]
        pid = project["id"]
        assert [(p["id"], p["name"], p["cid"]) for p in toggl.getWorkspaceProjects(wid)] == \
            [(pid, "Website relaunch", cid)]
        assert [p["id"] for p in toggl.getClientProjects(cid)] == [pid]
        assert toggl.getProject(pid)["data"]["name"] == "Website relaunch"
        assert toggl.searchClientProject("Website relaunch")["id"] == pid

        assert toggl.deleteClient(cid) == 200
        assert toggl.getClients() == []
        assert "cid" not in toggl.getProject(pid)["data"]  # the project stays, without its client

    def test_start_current_stop(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        wid = user["default_wid"]
        toggl.setAPIKey(user["api_token"])
        pid = call(server, "POST", "/api/v8/projects", {"project": {"name": "Research", "wid": wid}},
                   user["api_token"])["data"]["id"]

        assert toggl.currentRunningTimeEntry() == {"data": None}

        started = toggl.startTimeEntry("Read the Analytical Engine notes", pid=pid)["data"]
        assert (started["description"], started["pid"], started["wid"], started["uid"]) == (
            "Read the Analytical Engine notes", pid, wid, user["id"])
        assert started["duration"] == -epoch(started["start"])
        assert "stop" not in started
        assert started["start"].endswith("+00:00")

        current = toggl.currentRunningTimeEntry()["data"]  # TogglPy POSTs here (alias of GET)
        assert (current["id"], current["description"], current["pid"], current["duration"]) == (
            started["id"], "Read the Analytical Engine notes", pid, started["duration"])

        time.sleep(1.1)
        stopped = toggl.stopTimeEntry(started["id"])["data"]  # TogglPy POSTs here (alias of PUT)
        assert (stopped["id"], stopped["description"], stopped["pid"], stopped["start"]) == (
            started["id"], "Read the Analytical Engine notes", pid, started["start"])
        assert stopped["duration"] == epoch(stopped["stop"]) - epoch(stopped["start"])
        assert 1 <= stopped["duration"] <= 15

        assert toggl.currentRunningTimeEntry() == {"data": None}
        again = toggl.stopTimeEntry(started["id"])["data"]  # stopping twice changes nothing
        assert (again["stop"], again["duration"]) == (stopped["stop"], stopped["duration"])

    def test_starting_stops_the_running_entry(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        toggl.setAPIKey(user["api_token"])
        first = toggl.startTimeEntry("First")["data"]
        second = toggl.startTimeEntry("Second")["data"]
        assert toggl.currentRunningTimeEntry()["data"]["id"] == second["id"]
        listed = toggl.request(Endpoints.TIME_ENTRIES)
        by_id = {e["id"]: e for e in listed}
        assert by_id[first["id"]]["duration"] >= 0 and "stop" in by_id[first["id"]]
        assert by_id[second["id"]]["duration"] < 0

    def test_create_update_and_list_entries(self, server: str, toggl: Toggl) -> None:
        user = signup(server)
        wid = user["default_wid"]
        toggl.setAPIKey(user["api_token"])
        pid = call(server, "POST", "/api/v8/projects", {"project": {"name": "Planning", "wid": wid}},
                   user["api_token"])["data"]["id"]

        # TogglPy sends start "2023-10-02T07:00:00.000Z" (hour 9 with its default hourdiff of -2) and 7200 s.
        created = toggl.createTimeEntry(2, description="Quarter planning", projectid=pid, year=2023, month=10,
                                        day=2, hour=9)["data"]
        assert (created["description"], created["pid"], created["wid"], created["billable"]) == (
            "Quarter planning", pid, wid, False)
        assert (created["start"], created["stop"], created["duration"]) == (
            "2023-10-02T07:00:00+00:00", "2023-10-02T09:00:00+00:00", 7200)

        updated = toggl.putTimeEntry({"id": created["id"], "description": "Quarter planning (Q4)"})["data"]
        assert (updated["id"], updated["description"], updated["duration"], updated["pid"]) == (
            created["id"], "Quarter planning (Q4)", 7200, pid)

        listed = toggl.request(Endpoints.TIME_ENTRIES, {"start_date": "2023-10-01T00:00:00+00:00",
                                                        "end_date": "2023-10-08T00:00:00+00:00"})
        assert [(e["id"], e["description"], e["duration"], e["start"]) for e in listed] == [
            (created["id"], "Quarter planning (Q4)", 7200, "2023-10-02T07:00:00+00:00")]


def test_server_log_is_clean(server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No traceback reached the server's log while TogglPy talked to it (runs after the class above)."""
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("live*/server.log"))
    assert logs
    text = "".join(p.read_text() for p in logs)
    assert "Traceback" not in text, text
