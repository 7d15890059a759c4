"""togglCli 4.0.1, unmodified, against a live server: its Python API (``toggl.api``) and its ``toggl`` command.

The client runs in its own venv (its pins conflict with ours, see support.py). Only its URL constants are
pointed at the server at run time (drivers/togglcli_api.py, drivers/toggl_cmd.py); credentials come from
its own ``TOGGL_API_TOKEN`` variable and config file. Each test signs a new user up over v8 and does a
day's work with the client, checking exact ids, names, times (UTC), durations and tags.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.clients.support import DRIVERS, TIMEOUT, Driver, Live, client_env, epoch, http, premium, signup

DAY = (datetime.now(UTC) - timedelta(days=1)).date()
NEXT = DAY + timedelta(days=1)


def at(hhmm: str, day: Any = DAY) -> str:
    return f"{day.isoformat()}T{hhmm}:00+00:00"


@pytest.fixture
def connect(live: Live, togglcli_python: Path, tmp_path: Path) -> Iterator[Callable[[str], Driver]]:
    """A togglCli API process for a user's token (``TOGGL_API_TOKEN``), closed after the test."""
    drivers: list[Driver] = []

    def open_driver(token: str) -> Driver:
        env = client_env(tmp_path, PUNCHCLOCK_CLIENT_BASE=live.base, TOGGL_API_TOKEN=token)
        driver = Driver(togglcli_python, "togglcli_api.py", env, tmp_path / f"togglcli-{len(drivers)}.err")
        drivers.append(driver)
        return driver

    yield open_driver
    for driver in drivers:
        driver.close()


def pick(obj: dict[str, Any] | None, *keys: str) -> dict[str, Any]:
    assert obj is not None
    return {k: obj.get(k) for k in keys}


class TestPythonApi:
    def test_me_workspaces_organizations(self, live: Live, connect: Callable[[str], Driver]) -> None:
        user = signup(live.base)
        uid, wid, token, email = user["id"], user["default_wid"], user["api_token"], user["email"]
        tc = connect(token)
        assert pick(tc.call("me"), "id", "email", "fullname", "api_token", "default_workspace_id", "timezone") == {
            "id": uid, "email": email, "fullname": "Ada Lovelace", "api_token": token,
            "default_workspace_id": wid, "timezone": "Etc/UTC"}

        orgs = tc.call("organizations")
        assert [pick(o, "name", "admin", "owner") for o in orgs] == [
            {"name": "Ada Lovelace's workspace", "admin": True, "owner": True}]
        oid = orgs[0]["id"]
        assert pick(tc.call("organization", oid=oid), "id", "name") == {"id": oid, "name": "Ada Lovelace's workspace"}

        keys = ("id", "name", "premium", "admin", "organization_id", "default_currency", "rounding",
                "rounding_minutes", "only_admins_may_create_projects")
        expected = {"id": wid, "name": "Ada Lovelace's workspace", "premium": True, "admin": True,
                    "organization_id": oid, "default_currency": "USD", "rounding": 1, "rounding_minutes": 0,
                    "only_admins_may_create_projects": False}
        assert [pick(w, *keys) for w in tc.call("workspaces")] == [expected]
        assert pick(tc.call("workspace", wid=wid), *keys) == expected
        assert pick(tc.call("default_workspace"), "id", "name") == {"id": wid, "name": "Ada Lovelace's workspace"}
        assert [pick(m, "uid", "workspace_id", "admin", "active", "email") for m in
                tc.call("workspace_users", wid=wid)] == [
            {"uid": uid, "workspace_id": wid, "admin": True, "active": True, "email": email}]

    def test_clients_projects_tags_tasks(self, live: Live, connect: Callable[[str], Driver]) -> None:
        user = signup(live.base)
        wid = user["default_wid"]
        premium(live, wid)  # tasks are a paid feature; togglCli refuses to create them elsewhere
        tc = connect(user["api_token"])

        cid = tc.call("create", kind="client", wid=wid, name="Northwind Bakery", notes="Invoices monthly")["id"]
        client = {"id": cid, "wid": wid, "name": "Northwind Bakery", "notes": "Invoices monthly"}
        assert pick(tc.call("get", kind="client", wid=wid, eid=cid), *client) == client
        assert [pick(c, *client) for c in tc.call("listing", kind="client", wid=wid)] == [client]
        tc.call("update", kind="client", wid=wid, eid=cid, name="Northwind Bakery Ltd")
        assert tc.call("get", kind="client", wid=wid, eid=cid)["name"] == "Northwind Bakery Ltd"

        pid = tc.call("create", kind="project", wid=wid, name="Website relaunch", client=cid, color="#0b83d9",
                      is_private=False)["id"]
        project = {"id": pid, "workspace_id": wid, "client_id": cid, "name": "Website relaunch",
                   "color": "#0b83d9", "is_private": False, "active": True}
        assert pick(tc.call("get", kind="project", wid=wid, eid=pid), *project) == project
        assert [pick(p, *project) for p in tc.call("listing", kind="project", wid=wid)] == [project]
        tc.call("update", kind="project", wid=wid, eid=pid, name="Website relaunch 2.0", is_private=True)
        assert pick(tc.call("get", kind="project", wid=wid, eid=pid), "name", "is_private", "client_id") == {
            "name": "Website relaunch 2.0", "is_private": True, "client_id": cid}

        meeting = tc.call("create", kind="tag", wid=wid, name="meeting")["id"]
        billing = tc.call("create", kind="tag", wid=wid, name="billing")["id"]
        assert sorted((t["id"], t["name"], t["workspace_id"]) for t in tc.call("listing", kind="tag", wid=wid)) == [
            (meeting, "meeting", wid), (billing, "billing", wid)]
        tc.call("update", kind="tag", wid=wid, eid=billing, name="invoicing")
        tc.call("delete", kind="tag", wid=wid, eid=meeting)
        assert [(t["id"], t["name"]) for t in tc.call("listing", kind="tag", wid=wid)] == [(billing, "invoicing")]

        task_id = tc.call("create", kind="task", wid=wid, name="Design review", project=pid,
                          estimated_seconds=3600)["id"]
        task = {"id": task_id, "workspace_id": wid, "pid": pid, "name": "Design review", "estimated_seconds": 3600,
                "active": True}
        assert pick(tc.call("get", kind="task", wid=wid, eid=task_id), *task) == task
        assert [pick(t, *task) for t in tc.call("listing", kind="task", wid=wid)] == [task]
        tc.call("update", kind="task", wid=wid, eid=task_id, name="Design review (final)")
        assert tc.call("get", kind="task", wid=wid, eid=task_id)["name"] == "Design review (final)"

        tc.call("delete", kind="project", wid=wid, eid=pid)
        tc.call("delete", kind="client", wid=wid, eid=cid)
        assert tc.call("listing", kind="project", wid=wid) == []
        assert tc.call("listing", kind="client", wid=wid) == []

    def test_time_entries_day(self, live: Live, connect: Callable[[str], Driver]) -> None:
        user = signup(live.base)
        wid, uid, token = user["default_wid"], user["id"], user["api_token"]
        pid = http(live.base, "POST", "/api/v8/projects",
                   {"project": {"name": "Website relaunch", "wid": wid}}, token)["data"]["id"]
        tc = connect(token)
        assert tc.call("current") is None  # 200 null: nothing runs yet

        standup = tc.call("add_entry", wid=wid, start=at("08:00"), stop=at("09:30"), description="Standup",
                          project=pid, tags=["meeting"])["id"]
        keys = ("id", "workspace_id", "project_id", "description", "start", "stop", "duration", "tags")
        assert pick(tc.call("entry", eid=standup), *keys) == {
            "id": standup, "workspace_id": wid, "project_id": pid, "description": "Standup",
            "start": at("08:00"), "stop": at("09:30"), "duration": 5400, "tags": ["meeting"]}

        coding = tc.call("start_entry", wid=wid, start=at("10:00"), description="Coding", project=pid)["id"]
        running = {"id": coding, "workspace_id": wid, "project_id": pid, "description": "Coding",
                   "start": at("10:00"), "stop": None, "duration": -epoch(at("10:00")), "tags": []}
        assert pick(tc.call("current"), *keys) == running
        assert pick(tc.call("entry", eid=coding), *keys) == running

        tc.call("stop_current", stop=at("11:15"))
        assert tc.call("current") is None
        stopped = {**running, "stop": at("11:15"), "duration": 4500}
        assert pick(tc.call("entry", eid=coding), *keys) == stopped

        tc.call("update_entry", eid=standup, description="Standup (team)")
        standup_now = {"id": standup, "workspace_id": wid, "project_id": pid, "description": "Standup (team)",
                       "start": at("08:00"), "stop": at("09:30"), "duration": 5400, "tags": ["meeting"]}
        assert pick(tc.call("entry", eid=standup), *keys) == standup_now

        day = tc.call("entries", start=at("00:00"), stop=at("00:00", NEXT))
        assert [pick(e, *keys) for e in day] == [stopped, standup_now]  # newest first
        assert tc.call("entries", start=at("00:00", NEXT), stop=at("00:00", NEXT + timedelta(days=1))) == []

        tc.call("delete_entry", eid=standup)
        deleted = http(live.base, "GET", f"/api/v9/me/time_entries/{standup}", token=token)
        assert deleted["server_deleted_at"] is not None
        assert [e["id"] for e in tc.call("entries", start=at("00:00"), stop=at("00:00", NEXT))] == [coding]
        v8 = http(live.base, "GET", f"/api/v8/time_entries/{coding}", token=token)["data"]
        assert (v8["uid"], v8["duration"], v8["description"]) == (uid, 4500, "Coding")


# --- the `toggl` command -------------------------------------------------------------------------------------
class Toggl:
    """``toggl <args>`` as a subprocess of the togglcli venv, with the user's config file in its HOME."""

    def __init__(self, python: Path, base: str, home: Path, token: str) -> None:
        self.python, self.base, self.home = python, base, home
        self.config = home / ".togglrc"  # the default place: some formatting code reads only the default config
        self.config.write_text(
            "[version]\nversion = 4.0.1\n\n[auth]\napi_token = " + token + "\n\n"
            "[options]\ntz = UTC\ndatetime_format = YYYY-MM-DD HH:mm:ss\ndate_format = YYYY-MM-DD\n"
            "time_format = HH:mm:ss\nretries = 1\n")

    def __call__(self, *args: str, code: int = 0) -> str:
        env = client_env(self.home)
        done = subprocess.run([str(self.python), str(DRIVERS / "toggl_cmd.py"), self.base, *args], env=env,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        assert done.returncode == code, f"toggl {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout


def created_id(output: str, what: str, name: str) -> int:
    match = re.fullmatch(rf"{what} '{re.escape(name)}' with #(\d+) created\.\n", output)
    assert match, output
    return int(match.group(1))


class TestCommand:
    def test_a_day_with_the_toggl_command(self, live: Live, togglcli_python: Path, tmp_path: Path) -> None:
        user = signup(live.base)
        uid, wid, token, email = user["id"], user["default_wid"], user["api_token"], user["email"]
        premium(live, wid)
        toggl = Toggl(togglcli_python, live.base, tmp_path, token)
        simple = ("--simple", "--no-header")

        assert toggl("me").splitlines()[0] == f"{email} #{uid}"
        assert toggl(*simple, "workspaces", "ls") == f"Ada Lovelace's workspace\tTrue\tTrue\t{wid}\n"

        cid = created_id(toggl("clients", "add", "-n", "Northwind Bakery", "--notes", "Invoices monthly"),
                         "Client", "Northwind Bakery")
        assert toggl(*simple, "clients", "ls") == f"Northwind Bakery\t{cid}\n"
        pid = created_id(toggl("projects", "add", "-n", "Website relaunch", "-c", "Northwind Bakery"),
                         "Project", "Website relaunch")
        assert toggl(*simple, "projects", "ls") == f"Website relaunch\tNorthwind Bakery (#{cid})\tTrue\t{pid}\n"
        tag = created_id(toggl("tags", "add", "-n", "meeting"), "Tag", "meeting")
        assert toggl(*simple, "tags", "ls") == f"meeting\t{tag}\n"
        task = created_id(toggl("tasks", "add", "-n", "Design review", "-o", "Website relaunch", "-e", "3600"),
                          "Task", "Design review")
        assert toggl(*simple, "tasks", "ls", "-f", "name,id") == f"Design review\t{task}\n"

        standup = created_id(toggl("add", at("08:00"), "1h30m", "Standup", "-a", "meeting", "-o", "Website relaunch"),
                             "Time entry", "Standup")
        assert toggl("start", "Coding", "-s", at("10:00"), "-o", "Website relaunch") == "Started Coding\n"
        now = toggl("now")
        assert now.splitlines()[0].startswith("Coding #"), now
        assert f"Project: Website relaunch (#{pid})" in now.splitlines()
        assert toggl("stop", "-p", at("11:15")) == "'Coding' was stopped\n"
        assert toggl("now", code=1) == "There is no time entry running!\n"

        listed = toggl(*simple, "ls", "-s", at("00:00"), "-p", at("00:00", NEXT), "-f", "description,duration,tags")
        assert listed == "Coding\t1:15:00\t\nStandup\t1:30:00\tmeeting\n"
        # --use-reports reads Reports v2 `details` (page 1, 2, … while page * per_page < total_count)
        from_reports = toggl(*simple, "ls", "--use-reports", "-s", at("00:00"), "-p", at("00:00", NEXT),
                             "-f", "description,duration,tags")
        assert from_reports == listed

        assert toggl("rm", str(standup)) == "Time entry successfully deleted!\n"
        assert toggl(*simple, "ls", "-s", at("00:00"), "-p", at("00:00", NEXT), "-f", "description") == "Coding\n"
        entries = http(live.base, "GET", f"/api/v9/me/time_entries?start_date={DAY}&end_date={DAY}", token=token)
        assert [pick(e, "description", "project_id", "start", "stop", "duration", "tags", "user_id")
                for e in entries] == [{"description": "Coding", "project_id": pid, "start": at("10:00"),
                                       "stop": at("11:15"), "duration": 4500, "tags": [], "user_id": uid}]
