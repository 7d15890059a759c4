"""A real third-party v8 client, TogglPy 0.1.2 from PyPI, unmodified, against a live punchclock server.

Only TogglPy's URL constants (the ``Endpoints`` class attributes and its ``STOP_TIME`` URL builder) are
pointed at the server; requests, headers, bodies and methods are TogglPy's own. The server runs in a
subprocess (``python -m punchclock serve``) on a free 127.0.0.1 port, once on a temporary SQLite
database and once on the PostgreSQL test database (``pg_database``: skipped when PostgreSQL is down,
a failure under PUNCHCLOCK_TEST_REQUIRE_PG=1). TogglPy is a plain import: it is in the test extra, so a
missing package fails the module instead of skipping it. Every server log is checked for errors when
the server stops, whatever the order the tests ran in.
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
from pypdf import PdfReader
from toggl.TogglPy import Endpoints, Toggl

from punchclock import __version__
from punchclock.db.migrate import upgrade
from tests.api.reports.conftest import SPEC_PALETTE
from tests.live_server import Live, free_port, problems

ORIGINAL_BASE = "https://api.track.toggl.com"
TIMEOUT = 20  # seconds, for every HTTP call of this module (TogglPy sets none of its own)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A live server on SQLite or PostgreSQL, with the JSON access log on; always stopped at the end. What it
    logs is checked after every test (``clean_log``) and, for the shutdown, here once it stopped."""
    tmp = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp / 'live.db'}"
        upgrade(database_url)
    else:
        database_url = request.getfixturevalue("pg_database")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env.update(PUNCHCLOCK_DATABASE_URL=database_url, PUNCHCLOCK_RATE_LIMIT="false",
               PUNCHCLOCK_PUBLIC_URL=f"http://127.0.0.1:{port}")
    log_path = tmp / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "punchclock", "serve", "--host", "127.0.0.1", "--port", str(port), "--access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
    )
    base = f"http://127.0.0.1:{port}"
    stopped_cleanly = False
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
        live = Live(base, database_url, log_path, request.param)
        yield live
        stopped_cleanly = True
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    if stopped_cleanly:  # what the shutdown logged (every test's share was checked by clean_log)
        tail = log_path.read_text(errors="replace")[live.checked:]
        assert not problems(tail), f"{request.param} server log at shutdown:\n{tail}"


@pytest.fixture(scope="module")
def server(live: Live) -> str:
    return live.base


@pytest.fixture(autouse=True)
def clean_log(live: Live) -> Iterator[None]:
    """After each test, whatever its order: the server logged no traceback or error while it ran."""
    yield
    text = live.log_text()
    new, live.checked = text[live.checked:], len(text)
    assert not problems(new), f"{live.backend} server log during this test:\n{new}"


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


def premium(live: Live, wid: int) -> None:
    """Paid features (tasks, rates) as an operator turns them on: ``punchclock workspace premium <id> on``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env["PUNCHCLOCK_DATABASE_URL"] = live.database_url
    done = subprocess.run([sys.executable, "-m", "punchclock", "workspace", "premium", str(wid), "on"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Workspace {wid} (" in done.stdout and ") is now premium." in done.stdout


def pdf_text(path: Path) -> tuple[int, str]:
    """(page count, text of every page with whitespace collapsed) of a PDF file TogglPy saved."""
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF-"), raw[:20]
    reader = PdfReader(path)
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


WEEK = {"since": "2023-10-02", "until": "2023-10-08"}


class TestTogglPyReports:
    """TogglPy's task and report calls (weekly, detailed, detailed pages, summary, and the PDF/CSV downloads)
    on entries TogglPy itself created, every figure to the millisecond / cent."""

    def test_tasks_and_every_report_call(self, live: Live, toggl: Toggl, tmp_path: Path) -> None:
        user = signup(live.base)
        wid, token, name, email = user["default_wid"], user["api_token"], user["fullname"], user["email"]
        premium(live, wid)
        call(live.base, "PUT", f"/api/v8/workspaces/{wid}",
             {"workspace": {"default_currency": "EUR", "default_hourly_rate": 50}}, token)
        toggl.setAPIKey(token)
        cid = toggl.createClient("Northwind Bakery", wid)["data"]["id"]
        project = call(live.base, "POST", "/api/v8/projects",
                       {"project": {"name": "Website relaunch", "wid": wid, "cid": cid, "billable": True,
                                    "rate": 80}}, token)["data"]
        pid, color = project["id"], int(project["color"])

        # Tasks (paid feature): TogglPy's createTask and getProjectTasks.
        task = toggl.createTask("Wireframes", pid, estimatedSeconds=3600)["data"]
        assert (task["name"], task["pid"], task["wid"], task["active"], task["estimated_seconds"]) == (
            "Wireframes", pid, wid, True, 3600)
        assert [(t["id"], t["name"], t["pid"]) for t in toggl.getProjectTasks(pid)] == [
            (task["id"], "Wireframes", pid)]

        # Three entries, TogglPy's hour (-2 h: its default hourdiff) in UTC; the last one set to 3 h 0 min 5 s.
        first = toggl.createTimeEntry(2, description="Homepage layout", projectid=pid, taskid=task["id"],
                                      year=2023, month=10, day=2, hour=9, billable=True)["data"]
        second = toggl.createTimeEntry(1, description="Review", projectid=pid, year=2023, month=10, day=4,
                                       hour=12)["data"]
        third = toggl.createTimeEntry(3, description="Booking API", projectid=pid, year=2023, month=10, day=5,
                                      hour=10, billable=True)["data"]
        third = toggl.putTimeEntry({"id": third["id"], "duration": 10805})["data"]
        assert [(e["start"], e["duration"], e["billable"], e.get("tid")) for e in (first, second, third)] == [
            ("2023-10-02T07:00:00+00:00", 7200, True, task["id"]),
            ("2023-10-04T10:00:00+00:00", 3600, False, None),
            ("2023-10-05T08:00:00+00:00", 10805, True, None),
        ]
        # 7200 + 3600 + 10805 s; billable 7200 + 10805 s at 80 EUR/h: 160.00 + 240.11 (240.1111…) = 400.11.
        grand, billable = 21605000, 18005000
        totals = {"total_grand": grand, "total_billable": billable,
                  "total_currencies": [{"currency": "EUR", "amount": 400.11}]}
        hex_color = SPEC_PALETTE[color]
        title = {"project": "Website relaunch", "client": "Northwind Bakery", "color": str(color),
                 "hex_color": hex_color}

        weekly = toggl.getWeeklyReport({"workspace_id": wid, "since": "2023-10-02"})
        days = [7200000, None, 3600000, 10805000, None, None, None, grand]
        assert weekly == {**totals, "week_totals": days, "data": [
            {"title": title, "pid": pid, "totals": days,
             "details": [{"uid": user["id"], "title": {"user": name}, "totals": days}]}]}

        detailed = toggl.getDetailedReport({"workspace_id": wid, **WEEK})
        rows = [(r["id"], r["description"], r["start"], r["end"], r["dur"], r["is_billable"], r["billable"],
                 r["cur"], r["task"], r["project"], r["client"], r["user"], r["project_hex_color"])
                for r in detailed["data"]]
        assert rows == [
            (third["id"], "Booking API", "2023-10-05T08:00:00+00:00", "2023-10-05T11:00:05+00:00", 10805000,
             True, 240.11, "EUR", None, "Website relaunch", "Northwind Bakery", name, hex_color),
            (second["id"], "Review", "2023-10-04T10:00:00+00:00", "2023-10-04T11:00:00+00:00", 3600000,
             False, None, None, None, "Website relaunch", "Northwind Bakery", name, hex_color),
            (first["id"], "Homepage layout", "2023-10-02T07:00:00+00:00", "2023-10-02T09:00:00+00:00", 7200000,
             True, 160.0, "EUR", "Wireframes", "Website relaunch", "Northwind Bakery", name, hex_color),
        ]
        assert {k: detailed[k] for k in (*totals, "total_count", "per_page")} == {
            **totals, "total_count": 3, "per_page": 50}
        pages = toggl.getDetailedReportPages({"workspace_id": wid, **WEEK})
        assert pages == detailed

        summary = toggl.getSummaryReport({"workspace_id": wid, **WEEK, "subgrouping": "tasks"})
        assert summary == {**totals, "data": [{
            "id": pid, "title": {**title, "color_hex": hex_color}, "time": grand,
            "total_currencies": [{"currency": "EUR", "amount": 400.11}],
            "items": [
                {"title": {"task": "Wireframes"}, "time": 7200000, "cur": "EUR", "sum": 160.0, "rate": 80.0},
                {"title": {"task": None}, "time": 14405000, "cur": "EUR", "sum": 240.11, "rate": 80.0},
            ]}]}

        csv_bytes = toggl.getDetailedReportCSV({"workspace_id": wid, **WEEK})
        assert csv_bytes.decode("utf-8").splitlines() == [
            "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,"
            "Tags,Amount,Currency",
            f"{name},{email},Northwind Bakery,Website relaunch,,Booking API,Yes,2023-10-05,08:00:00,2023-10-05,"
            "11:00:05,03:00:05,,240.11,EUR",
            f"{name},{email},Northwind Bakery,Website relaunch,,Review,No,2023-10-04,10:00:00,2023-10-04,11:00:00,"
            "01:00:00,,,",
            f"{name},{email},Northwind Bakery,Website relaunch,Wireframes,Homepage layout,Yes,2023-10-02,07:00:00,"
            "2023-10-02,09:00:00,02:00:00,,160.00,EUR",
        ]
        toggl.getDetailedReportCSV({"workspace_id": wid, **WEEK}, str(tmp_path / "details.csv"))
        assert (tmp_path / "details.csv").read_bytes() == csv_bytes

        downloads = ((toggl.getDetailedReportPDF, "details.pdf"), (toggl.getSummaryReportPDF, "summary.pdf"),
                     (toggl.getWeeklyReportPDF, "weekly.pdf"))
        for method, filename in downloads:
            method({"workspace_id": wid, **WEEK}, str(tmp_path / filename))
            count, text = pdf_text(tmp_path / filename)
            assert count == 1, filename
            for expected in ("Total time 06:00:05", "Billable time 05:00:05", "Amount EUR 400.11 EUR",
                             "Website relaunch"):
                assert expected in text, (filename, expected, text)
        _, details_pdf = pdf_text(tmp_path / "details.pdf")
        assert "Entries 3" in details_pdf and "Booking API" in details_pdf and "03:00:05" in details_pdf


def test_server_log_is_clean(live: Live, toggl: Toggl) -> None:
    """Whatever ran before: drive known requests (a success, a refused login, a report), then the log must
    show them, one access line each with the right status, and no traceback or error line at all."""
    before = len(live.access())
    user = signup(live.base)
    toggl.setAPIKey(user["api_token"])
    assert [w["id"] for w in toggl.getWorkspaces()] == [user["default_wid"]]
    toggl.setAPIKey("0" * 32)
    with pytest.raises(urllib.error.HTTPError) as err:
        toggl.getWorkspaces()
    assert err.value.code == 403
    toggl.setAPIKey(user["api_token"])
    assert toggl.getSummaryReport({"workspace_id": user["default_wid"], **WEEK})["total_grand"] is None

    expected = [("POST", "/api/v8/signups", 200), ("GET", "/api/v8/workspaces", 200),
                ("GET", "/api/v8/workspaces", 403), ("GET", "/reports/api/v2/summary", 200)]
    deadline = time.monotonic() + 10
    while len(live.access()) < before + len(expected) and time.monotonic() < deadline:
        time.sleep(0.05)  # the access line is written after the answer
    mine = [(x["method"], x["path"], x["status"]) for x in live.access()[before:]]
    assert mine == expected
    text = live.log_text()
    lines = text.splitlines()
    backend = "SQLite" if live.backend == "sqlite" else "PostgreSQL"
    assert f"punchclock {__version__} on {live.base} ({backend}, 1 worker(s))" in lines  # the start-up banner
    assert "INFO:     Application startup complete." in lines
    assert problems(text) == [], text
