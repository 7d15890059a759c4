"""tap-toggl 2.1.0, unmodified, syncing a workspace from a live server; every RECORD checked against the JSON
schema bundled in the tap for its stream, and against what the test created.

The tap runs in its own venv (it pins requests==2.32.5) through drivers/tap_toggl_run.py, which assigns its
``BASE_URL`` constant and sends its one literal Toggl URL (Reports v2 ``details``) to the server. The data is
arranged over API v8, so a failure here is about what the tap reads: API v9 lists (workspaces, clients,
groups, projects, tasks, tags, users, workspace users) and Reports v2 ``details`` from ``page=0``.

The tap emits date-times as singer does (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) and keeps only its schema's keys.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from tests.clients.support import DRIVERS, Live, client_env, http, premium, signup

DAY = (datetime.now(UTC) - timedelta(days=1)).date()
TAP_TIMEOUT = 120  # the tap retries failed calls forever (backoff without a limit): a failing endpoint hangs it
STREAMS = ("workspaces", "clients", "groups", "projects", "tasks", "tags", "users", "workspace_users",
           "time_entries")


def at(hhmm: str) -> str:
    return f"{DAY.isoformat()}T{hhmm}:00+00:00"


def singer_time(hhmm: str) -> str:
    return f"{DAY.isoformat()}T{hhmm}:00.000000Z"


@pytest.fixture(scope="module")
def schemas(tap_toggl_python: Path) -> dict[str, Any]:
    """The JSON schemas shipped inside the installed tap package, by stream."""
    code = "import os, tap_toggl; print(os.path.dirname(tap_toggl.__file__))"
    where = subprocess.run([str(tap_toggl_python), "-c", code], capture_output=True, text=True, timeout=60,
                           check=True).stdout.strip()
    return {name: json.loads((Path(where) / "schemas" / f"{name}.json").read_text()) for name in STREAMS}


class Tap:
    def __init__(self, python: Path, live: Live, home: Path, token: str) -> None:
        self.python, self.base, self.home = python, live.base, home
        self.config = home / "config.json"
        self.config.write_text(json.dumps({
            "api_token": token, "start_date": f"{(DAY - timedelta(days=2)).isoformat()}T00:00:00Z",
            "user_agent": "punchclock-tests", "detailed_report_trailing_days": "1"}))

    def run(self, *args: str) -> str:
        command = [str(self.python), str(DRIVERS / "tap_toggl_run.py"), self.base, "--config", str(self.config), *args]
        try:
            done = subprocess.run(command, env=client_env(self.home), capture_output=True, text=True,
                                  timeout=TAP_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as err:
            pytest.fail(f"tap-toggl {' '.join(args)} hung (it retries failing calls forever):\n{err.stderr!r}"[-6000:])
        assert done.returncode == 0, f"tap-toggl {' '.join(args)} → {done.returncode}\n{done.stderr[-6000:]}"
        return done.stdout

    def catalog_all_selected(self) -> Path:
        catalog = json.loads(self.run("--discover"))
        assert sorted(s["tap_stream_id"] for s in catalog["streams"]) == sorted(STREAMS)
        for stream in catalog["streams"]:
            for entry in stream["metadata"]:
                if entry["breadcrumb"] == []:
                    entry["metadata"]["selected"] = True
        path = self.home / "catalog.json"
        path.write_text(json.dumps(catalog))
        return path


def records(output: str, schemas: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every RECORD of a Singer output, each validated against its stream's bundled schema."""
    for line in output.splitlines():
        message = json.loads(line)
        assert message["type"] in ("SCHEMA", "RECORD", "STATE"), message
        if message["type"] == "RECORD":
            schema = schemas[message["stream"]]
            validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
            validator(schema, format_checker=jsonschema.FormatChecker()).validate(message["record"])
            yield message["stream"], message["record"]


def arrange(base: str, token: str, wid: int) -> dict[str, Any]:
    """A workspace with one of everything, over API v8."""
    def post(path: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = http(base, "POST", f"/api/v8/{path}", {key: body}, token)["data"]
        return answer

    client = post("clients", "client", {"name": "Northwind Bakery", "wid": wid, "notes": "Invoices monthly"})
    project = post("projects", "project", {"name": "Website relaunch", "wid": wid, "cid": client["id"],
                                           "is_private": False})
    tag = post("tags", "tag", {"name": "meeting", "wid": wid})
    task = post("tasks", "task", {"name": "Design review", "pid": project["id"], "estimated_seconds": 3600})
    group = post("groups", "group", {"name": "Design team", "wid": wid})
    standup = post("time_entries", "time_entry", {"description": "Standup", "start": at("08:00"), "duration": 5400,
                                                  "pid": project["id"], "tags": ["meeting"], "created_with": "pytest"})
    coding = post("time_entries", "time_entry", {"description": "Coding", "start": at("10:00"), "duration": 4500,
                                                 "pid": project["id"], "tid": task["id"], "created_with": "pytest"})
    return {"client": client, "project": project, "tag": tag, "task": task, "group": group,
            "standup": standup, "coding": coding}


def pick(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: obj.get(k) for k in keys}


def test_sync_a_workspace(live: Live, tap_toggl_python: Path, schemas: dict[str, Any], tmp_path: Path) -> None:
    started = datetime.now(UTC).replace(microsecond=0)
    user = signup(live.base)
    uid, wid, token, email = user["id"], user["default_wid"], user["api_token"], user["email"]
    premium(live, wid)
    made = arrange(live.base, token, wid)
    cid, pid, task_id = made["client"]["id"], made["project"]["id"], made["task"]["id"]
    org = http(live.base, "GET", "/api/v9/me/organizations", token=token)[0]["id"]

    tap = Tap(tap_toggl_python, live, tmp_path, token)
    output = tap.run("--catalog", str(tap.catalog_all_selected()))
    by_stream: dict[str, list[dict[str, Any]]] = {name: [] for name in STREAMS}
    for stream, record in records(output, schemas):
        by_stream[stream].append(record)
    for stream in ("workspaces", "clients", "groups", "projects", "tasks", "tags", "workspace_users"):
        for record in by_stream[stream]:  # the tap's bookmark key of every incremental stream
            assert started <= datetime.fromisoformat(record["at"]) <= datetime.now(UTC), (stream, record)

    assert [pick(w, "id", "name", "organization_id", "premium", "business_ws", "admin", "default_currency",
                 "rounding", "rounding_minutes", "role") for w in by_stream["workspaces"]] == [
        {"id": wid, "name": "Ada Lovelace's workspace", "organization_id": org, "premium": True,
         "business_ws": True, "admin": True, "default_currency": "USD", "rounding": 1, "rounding_minutes": 0,
         "role": "admin"}]
    assert [pick(c, "id", "wid", "name", "notes", "archived", "creator_id") for c in by_stream["clients"]] == [
        {"id": cid, "wid": wid, "name": "Northwind Bakery", "notes": "Invoices monthly", "archived": False,
         "creator_id": uid}]
    assert [pick(g, "group_id", "name", "workspaces", "users") for g in by_stream["groups"]] == [
        {"group_id": made["group"]["id"], "name": "Design team", "workspaces": [wid], "users": []}]
    assert [pick(p, "id", "workspace_id", "wid", "client_id", "cid", "name", "active", "is_private", "status")
            for p in by_stream["projects"]] == [
        {"id": pid, "workspace_id": wid, "wid": wid, "client_id": cid, "cid": cid, "name": "Website relaunch",
         "active": True, "is_private": False, "status": "active"}]
    assert [pick(t, "id", "name", "workspace_id", "project_id", "user_id", "active", "estimated_seconds",
                 "tracked_seconds", "project_name", "client_name") for t in by_stream["tasks"]] == [
        {"id": task_id, "name": "Design review", "workspace_id": wid, "project_id": pid, "user_id": None,
         "active": True, "estimated_seconds": 3600, "tracked_seconds": 4_500_000, "project_name": "Website relaunch",
         "client_name": "Northwind Bakery"}]
    assert [pick(t, "id", "workspace_id", "name") for t in by_stream["tags"]] == [
        {"id": made["tag"]["id"], "workspace_id": wid, "name": "meeting"}]
    assert by_stream["users"] == [{"id": uid, "email": email, "fullname": "Ada Lovelace", "is_active": True,
                                   "is_admin": True, "inactive": False, "role": "admin", "timezone": "Etc/UTC"}]
    assert [pick(m, "uid", "user_id", "wid", "workspace_id", "admin", "active", "email", "name", "role",
                 "group_ids") for m in by_stream["workspace_users"]] == [
        {"uid": uid, "user_id": uid, "wid": wid, "workspace_id": wid, "admin": True, "active": True,
         "email": email, "name": "Ada Lovelace", "role": "admin", "group_ids": []}]

    color = made["project"]["color"]
    expected_entries = {
        made["standup"]["id"]: {"id": made["standup"]["id"], "pid": pid, "tid": None, "uid": uid,
                                "description": "Standup", "start": singer_time("08:00"), "billable": False,
                                "project_color": color, "tags": ["meeting"]},
        made["coding"]["id"]: {"id": made["coding"]["id"], "pid": pid, "tid": task_id, "uid": uid,
                               "description": "Coding", "start": singer_time("10:00"), "billable": False,
                               "project_color": color, "tags": []},
    }
    # Reports v2 reads page=0 as page 1 and the tap goes on from 0 to the first empty page, so each entry
    # comes twice (page 0, page 1); a Singer target keeps one per key ("id").
    assert {e["id"]: e for e in by_stream["time_entries"]} == expected_entries
    assert sorted(e["id"] for e in by_stream["time_entries"]) == sorted(list(expected_entries) * 2)
